import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { EngineOptions, Expr, LabelMatcher, QueryResult, Storage } from '../../promql/index.js';
import { Engine } from '../../promql/index.js';
import { compileMatchers } from '../../promql/engine/core/matchers.js';
import { labelsFrom } from '../../promql/engine/core/labels.js';
import { MemoryStorage } from '../../promql/testing/memory-storage.js';
import { enforceScope } from './enforce.js';
import { scopedStorage } from './scoped-storage.js';
import { dataSet, evaluation, query, SCOPES, type Evaluation, type GeneratedSeries } from './testing/arbitraries.js';

/** Fixed so that a failure is reproduced by running the test again; fast-check prints it with the failing path. */
const SEED = 20_260_611;
const RUNS = 300;

function storeOf(series: readonly GeneratedSeries[]): MemoryStorage {
  const store = new MemoryStorage();
  for (const { labels, samples } of series) {
    store.appendSamples(
      labelsFrom(labels),
      samples.map(([t]) => t),
      samples.map(([, v]) => v),
      samples.map(([, , stale]) => (stale ? 1 : 0)),
    );
  }
  return store;
}

/** What a query gives: its whole result (values, warnings, infos), or the class and message of its error. */
async function outcome(
  storage: Storage,
  options: EngineOptions,
  text: string,
  at: Evaluation,
): Promise<QueryResult | { error: string; message: string }> {
  const engine = new Engine(storage, options);
  try {
    return at.kind === 'instant'
      ? await engine.instantQuery(text, at.time)
      : await engine.rangeQuery(text, at.start, at.end, at.step);
  } catch (error) {
    return error instanceof Error ? { error: error.name, message: error.message } : { error: 'thrown', message: '' };
  }
}

type Variant = (scope: readonly LabelMatcher[]) => { options: EngineOptions; scopeStore: boolean };

/**
 * Non-interference: for a scoped team, the series outside its scope make no difference. The query's outcome over all
 * the data equals its outcome over only the series in scope (compared as whole results, NaN equal to NaN, and equal
 * errors when both fail), so nothing a query can compute reveals anything about the other series.
 */
function nonInterference(variant: Variant) {
  return fc.asyncProperty(dataSet, fc.constantFrom(...SCOPES), query, evaluation, async (series, scope, text, at) => {
    const inScope = compileMatchers(scope);
    const restricted = series.filter((s) => inScope(labelsFrom(s.labels)));
    const { options, scopeStore } = variant(scope);
    const wrap = (store: Storage) => (scopeStore ? scopedStorage(store, scope) : store);
    const full = await outcome(wrap(storeOf(series)), options, text, at);
    const mine = await outcome(wrap(storeOf(restricted)), options, text, at);
    assert.deepStrictEqual(full, mine);
  });
}

const rewrite = (scope: readonly LabelMatcher[]): EngineOptions => ({ rewrite: (e: Expr) => enforceScope(e, scope) });

describe('team scopes: the series outside the scope never change a query’s outcome (property)', () => {
  it('with the AST rewrite over the plain store', async () => {
    await fc.assert(
      nonInterference((scope) => ({ options: rewrite(scope), scopeStore: false })),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('with the plain query over the scoped store', async () => {
    await fc.assert(
      nonInterference(() => ({ options: {}, scopeStore: true })),
      { seed: SEED + 1, numRuns: RUNS },
    );
  });

  it('with both', async () => {
    await fc.assert(
      nonInterference((scope) => ({ options: rewrite(scope), scopeStore: true })),
      { seed: SEED + 2, numRuns: RUNS },
    );
  });

  it('fails without a scope (the generated data and queries do expose other series)', async () => {
    const details = await fc.check(
      nonInterference(() => ({ options: {}, scopeStore: false })),
      { seed: SEED, numRuns: RUNS },
    );
    assert.equal(details.failed, true);
  });
});
