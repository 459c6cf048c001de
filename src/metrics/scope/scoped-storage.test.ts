import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type {
  LabelMatcher,
  Labels,
  Querier,
  QuerierOptions,
  SelectHints,
  Storage,
  TimeRange,
} from '../../promql/index.js';
import { EvaluationError } from '../../promql/index.js';
import { scopedStorage } from './scoped-storage.js';
import { MINUTE, PROD_EU, T, TEAM_A, teamStore } from './testing/team-data.js';

const ALL: TimeRange = { start: 0, end: T };
const text = (labels: Labels) => labels.map((l) => `${l.name}=${l.value}`).join(',');
const byName = (name: string): LabelMatcher[] => [{ type: '=', name: '__name__', value: name }];

async function withQuerier<T>(storage: Storage, body: (q: Querier) => Promise<T>): Promise<T> {
  const querier = await storage.querier(ALL);
  try {
    return await body(querier);
  } finally {
    await querier.close();
  }
}

describe('scopedStorage', () => {
  it('select sees only the series in scope, with their samples, whatever the matchers', async () => {
    const storage = scopedStorage(teamStore(), TEAM_A);
    await withQuerier(storage, async (q) => {
      const x = await q.select(byName('x'), { start: 9 * MINUTE, end: T });
      assert.deepEqual(
        x.map((s) => [text(s.labels), [...s.floats.timestamps], [...s.floats.values]]),
        [
          ['__name__=x,env=dev,region=eu,team=a', [9 * MINUTE, T], [18, 20]],
          ['__name__=x,env=prod,region=eu,team=a', [9 * MINUTE, T], [9, 10]],
        ],
      );
      assert.deepEqual(await q.select([{ type: '=', name: 'team', value: 'b' }], ALL), []);
      assert.deepEqual(
        (await q.select([{ type: '=~', name: '__name__', value: 'h.*' }], ALL)).map((s) => text(s.labels)),
        [
          '__name__=h_bucket,le=+Inf,team=a',
          '__name__=h_bucket,le=0.5,team=a',
          '__name__=h_bucket,le=1,team=a',
          '__name__=hn,team=a',
        ],
      );
    });
  });

  it('labelNames, labelValues and series see only the series in scope, with or without matchers and limits', async () => {
    const storage = scopedStorage(teamStore(), PROD_EU);
    await withQuerier(storage, async (q) => {
      assert.deepEqual(await q.labelNames([]), ['__name__', 'env', 'region', 'team']);
      assert.deepEqual(await q.labelNames([], 2), ['__name__', 'env']);
      assert.deepEqual(await q.labelNames(byName('hn')), []);
      assert.deepEqual(await q.labelValues('team', []), ['a', 'b']);
      assert.deepEqual(await q.labelValues('env', []), ['prod', 'stage']);
      assert.deepEqual(await q.labelValues('region', [{ type: '=', name: 'region', value: 'us' }]), []);
      assert.deepEqual(await q.labelValues('__name__', [], 1), ['x']);
      assert.deepEqual((await q.series(byName('x'))).map(text), [
        '__name__=x,env=prod,region=eu',
        '__name__=x,env=prod,region=eu,team=a',
        '__name__=x,env=stage,region=eu,team=b',
      ]);
      assert.deepEqual((await q.series([{ type: '=', name: 'env', value: 'dev' }])).map(text), []);
      assert.deepEqual((await q.series(byName('y'), 1)).map(text), ['__name__=y,env=prod,region=eu,team=b']);
    });
    const unscoped = teamStore();
    await withQuerier(unscoped, async (q) => {
      assert.deepEqual(await q.labelValues('env', []), ['dev', 'prod', 'stage'], 'the store holds more');
    });
  });

  it('passes the range, the options and the hints to the store and adds the scope after the caller’s matchers', async () => {
    const calls: unknown[] = [];
    const inner: Storage = {
      querier(range: TimeRange, options?: QuerierOptions) {
        calls.push(['querier', range, options]);
        return Promise.resolve({
          select: (matchers: readonly LabelMatcher[], r: TimeRange, hints?: SelectHints) => {
            calls.push(['select', matchers, r, hints]);
            return Promise.resolve([]);
          },
          labelNames: (matchers, limit) => {
            calls.push(['labelNames', matchers, limit]);
            return Promise.resolve([]);
          },
          labelValues: (name, matchers, limit) => {
            calls.push(['labelValues', name, matchers, limit]);
            return Promise.resolve([]);
          },
          series: (matchers, limit) => {
            calls.push(['series', matchers, limit]);
            return Promise.resolve([]);
          },
          close: () => {
            calls.push(['close']);
            return Promise.resolve();
          },
        });
      },
    };
    const scope = [...TEAM_A];
    const storage = scopedStorage(inner, scope);
    scope.push({ type: '=', name: 'team', value: 'b' });
    const signal = new AbortController().signal;
    const q = await storage.querier(ALL, { signal, maxSamples: 7 });
    const name = byName('x');
    await q.select(name, { start: 1, end: 2 }, { step: 3, range: 4, func: 'rate' });
    await q.labelNames([], 5);
    await q.labelValues('env', name, 6);
    await q.series(name);
    await q.close();
    assert.deepEqual(calls, [
      ['querier', ALL, { signal, maxSamples: 7 }],
      ['select', [...name, ...TEAM_A], { start: 1, end: 2 }, { step: 3, range: 4, func: 'rate' }],
      ['labelNames', TEAM_A, 5],
      ['labelValues', 'env', [...name, ...TEAM_A], 6],
      ['series', [...name, ...TEAM_A], undefined],
      ['close'],
    ]);
  });

  it("passes the store's failures on: a closed querier, the sample limit, a cancelled query", async () => {
    const storage = scopedStorage(teamStore(), TEAM_A);
    const q = await storage.querier(ALL);
    await q.close();
    await assert.rejects(q.select(byName('x'), ALL), /the querier is closed/);
    await assert.rejects(q.labelNames([]), /the querier is closed/);
    await assert.rejects(q.labelValues('team', []), /the querier is closed/);
    await assert.rejects(q.series([]), /the querier is closed/);

    const limited = await storage.querier(ALL, { maxSamples: 21 });
    await assert.rejects(
      limited.select(byName('x'), ALL),
      (e: unknown) => e instanceof EvaluationError && e.kind === 'too_many_samples',
    );
    await limited.close();
    const enough = await storage.querier(ALL, { maxSamples: 22 });
    assert.equal((await enough.select(byName('x'), ALL)).length, 2, 'the limit counts only the scope’s samples');
    await enough.close();

    const controller = new AbortController();
    controller.abort();
    const canceled = await storage.querier(ALL, { signal: controller.signal });
    await assert.rejects(
      canceled.select(byName('x'), ALL),
      (e: unknown) => e instanceof EvaluationError && e.kind === 'canceled',
    );
    await canceled.close();

    const failing: Storage = { querier: () => Promise.reject(new Error('store down')) };
    await assert.rejects(scopedStorage(failing, TEAM_A).querier(ALL), /store down/);
  });
});
