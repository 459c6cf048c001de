import type { Expr } from '../ast.js';
import { Engine, type EngineOptions } from '../engine/engine.js';
import { labelsKey, type Labels } from '../engine/core/labels.js';
import { EvaluationError, type InstantSample, type QueryResult, type QueryValue } from '../engine/result.js';
import type { Storage } from '../engine/storage.js';
import { PromQLError } from '../errors.js';
import { parse } from '../parse.js';
import { atModifierCases } from './at-modifier.js';
import type { Check, Expected } from './check.js';
import { checkAnnotations, compareResult, matches, matrixOrder } from './compare.js';
import { customBucketHistograms, type ClassicSeries } from './custom-buckets.js';
import { MemoryStorage } from './memory-storage.js';
import type { EvalCommand, LoadCommand, Script } from './script.js';
import { parseScalarLine, parseSeriesDescription, SeriesNotationError, type SequenceValue } from './series-notation.js';

/**
 * Runs Prometheus's PromQL test scripts against a query engine, following upstream's harness
 * (`promql/promqltest/test.go`) check by check: every instant eval is also run with `@` pinned on its selectors at
 * other times, and as a range query around its time; results are compared with upstream's relative epsilon.
 */

/** What the harness needs of an engine; vigil's Engine has it, and tests can pass a hand-made one. */
export interface QueryEngine {
  instantQuery(query: string, time: number): Promise<QueryResult>;
  rangeQuery(query: string, start: number, end: number, step: number): Promise<QueryResult>;
}

export type EngineFactory = (storage: Storage) => QueryEngine;

export interface EvalOutcome {
  readonly line: number;
  readonly expr: string;
  readonly passed: boolean;
  /** Why it failed, in upstream's words where it has them. */
  readonly reason?: string;
}

/** The engine settings of upstream's NewTestEngine. */
const TEST_ENGINE_OPTIONS: EngineOptions = {
  lookbackDelta: 5 * 60_000,
  maxSamples: 10_000,
  timeout: 100_000,
  noStepSubqueryInterval: 60_000,
  experimentalFunctions: true,
};

export function createTestEngine(storage: Storage): QueryEngine {
  return new Engine(storage, TEST_ENGINE_OPTIONS);
}

/** Runs one script on fresh storage and gives the outcome of each eval, in script order. */
export async function runScript(script: Script, makeEngine: EngineFactory): Promise<EvalOutcome[]> {
  const storage = new MemoryStorage();
  const engine = makeEngine(storage);
  const state: LoadState = { loadErrors: [] };
  const outcomes: EvalOutcome[] = [];
  for (const command of script.commands) {
    if (command.kind === 'clear') {
      storage.clear();
      state.loadErrors = [];
    } else if (command.kind === 'load') {
      load(storage, command, state);
    } else {
      const reason = await runEval(engine, command, state);
      const outcome = { line: command.line, expr: command.expr };
      outcomes.push(reason === null ? { ...outcome, passed: true } : { ...outcome, passed: false, reason });
    }
  }
  return outcomes;
}

/** Native-histogram series the storage could not take, and load lines that could not be read, since the last clear. */
interface LoadState {
  loadErrors: string[];
}

function load(storage: MemoryStorage, command: LoadCommand, state: LoadState): void {
  const classic: ClassicSeries[] = [];
  command.series.forEach((text, index) => {
    const line = command.line + 1 + index;
    let description;
    try {
      description = parseSeriesDescription(text);
    } catch (error) {
      if (!(error instanceof SeriesNotationError)) throw error;
      state.loadErrors.push(`load line ${line}: ${error.message}`);
      return;
    }
    description.values.forEach((value, i) => {
      if (value.omitted) return;
      if (value.histogram) storage.appendHistogram(description.labels, i * command.interval, value.histogram);
      else storage.append(description.labels, i * command.interval, value.value, value.stale);
    });
    if (command.withNhcb) classic.push(description);
  });
  for (const { labels, samples } of customBucketHistograms(classic, command.interval)) {
    for (const { t, h } of samples) storage.appendHistogram(labels, t, h);
  }
}

/** Thrown while reading an eval's expectations: the eval fails with this message. */
class EvalSetupError extends Error {}

function readExpected(command: EvalCommand): Expected {
  let scalar: SequenceValue | null = null;
  const series = new Map<string, { labels: Labels; pos: number; values: readonly SequenceValue[] }>();
  for (const [index, text] of command.results.entries()) {
    const number = parseScalarLine(text);
    if (number !== null) {
      scalar = { omitted: false, value: number, stale: false };
      continue;
    }
    let description;
    try {
      description = parseSeriesDescription(text);
    } catch (error) {
      if (error instanceof SeriesNotationError)
        throw new EvalSetupError(`expected result ${JSON.stringify(text)}: ${error.message}`);
      throw error;
    }
    if (description.values.length > 1 && command.mode === 'instant' && !command.expectRangeVector) {
      throw new EvalSetupError('expecting multiple values in instant evaluation not allowed');
    }
    scalar = null;
    series.set(labelsKey(description.labels), {
      labels: description.labels,
      pos: index + 1,
      values: description.values,
    });
  }
  return { scalar, series };
}

/** Runs one eval; null when it passed, else the reason. */
async function runEval(engine: QueryEngine, command: EvalCommand, state: LoadState): Promise<string | null> {
  if (state.loadErrors.length > 0) return state.loadErrors.join('; ');
  let expected: Expected;
  try {
    expected = readExpected(command);
  } catch (error) {
    if (error instanceof EvalSetupError) return error.message;
    throw error;
  }
  const ast = tryParse(command.expr);
  const ordered = command.expectations.some((e) => e.kind === 'ordered');
  const fails = command.expectations.filter((e) => e.kind === 'fail');
  const check: Check = {
    command,
    expected,
    ordered,
    fails,
    start: command.start ?? command.at ?? 0,
    // An instant eval without `expect range vector` has no range: any matrix point is outside it, as upstream.
    end: command.end ?? -Infinity,
    step: command.step ?? 0,
  };
  if (command.mode === 'range') return runRangeEval(engine, check);
  const at = command.at ?? 0;
  const queries = [{ expr: command.expr, time: at }, ...(ast ? atModifierCases(ast, at) : [])];
  for (const query of queries) {
    const reason = await runInstantQuery(engine, check, query.expr, query.time);
    if (reason !== null) {
      return query.expr === command.expr && query.time === at
        ? reason
        : `${reason} [with @ modifier: ${query.expr} at ${query.time / 1000}s]`;
    }
  }
  return null;
}

function tryParse(expr: string): Expr | null {
  try {
    return parse(expr, { enableExperimentalFunctions: true });
  } catch (error) {
    if (error instanceof PromQLError) return null;
    throw error;
  }
}

/** An error from the engine, or the reason the eval fails because the engine crashed. */
function queryError(error: unknown): { message: string } | { crash: string } {
  if (error instanceof PromQLError || error instanceof EvaluationError) return { message: error.message };
  if (error instanceof Error) return { crash: `engine threw ${error.name}: ${error.message}` };
  return { crash: `engine threw ${String(error)}` };
}

async function attempt(
  run: () => Promise<QueryResult>,
): Promise<QueryResult | { message: string } | { crash: string }> {
  try {
    return await run();
  } catch (error) {
    return queryError(error);
  }
}

/** Upstream's checks when a query failed: the failure must have been expected, with the expected message. */
function checkFailure(check: Check, message: string): string | null {
  if (check.fails.length === 0) return `error evaluating query: ${message}`;
  for (const expectation of check.fails) {
    if (!matches(expectation, message)) {
      const wanted = expectation.msg ?? expectation.regex ?? '';
      return `expected error matching ${JSON.stringify(wanted)}, but got: ${message}`;
    }
  }
  return null;
}

async function runRangeEval(engine: QueryEngine, check: Check): Promise<string | null> {
  const { command } = check;
  const result = await attempt(() =>
    engine.rangeQuery(command.expr, check.start, command.end ?? check.start, check.step),
  );
  if ('crash' in result) return result.crash;
  if ('message' in result) return checkFailure(check, result.message);
  if (check.fails.length > 0) return 'expected error evaluating query but got none';
  return checkAnnotations(check, result) ?? compareResult(check, result.value);
}

const QUERY_CONTEXT_FUNCTIONS = /(start|end|range|step)\(\)/;

async function runInstantQuery(engine: QueryEngine, check: Check, expr: string, time: number): Promise<string | null> {
  const result = await attempt(() => engine.instantQuery(expr, time));
  if ('crash' in result) return result.crash;
  if ('message' in result) return checkFailure(check, result.message);
  if (check.fails.length > 0) return 'expected error evaluating query but got none';
  const problem = checkAnnotations(check, result) ?? compareResult(check, result.value);
  if (problem !== null) return problem;

  const { command } = check;
  if (command.expectRangeVector || command.expectString !== undefined || QUERY_CONTEXT_FUNCTIONS.test(expr))
    return null;
  // The same query as a range query must give the same value at the middle step.
  const ranged = await attempt(() => engine.rangeQuery(expr, time - 60_000, time + 60_000, 60_000));
  if ('crash' in ranged) return `${ranged.crash} (range mode)`;
  if ('message' in ranged) return `error evaluating query in range mode: ${ranged.message}`;
  if (check.ordered) return null;
  if (ranged.value.resultType !== 'matrix') return `range mode returned a ${ranged.value.resultType}`;
  const unsorted = matrixOrder(ranged.value.result);
  if (unsorted !== null) return `${unsorted} (range mode)`;
  const samples = ranged.value.result.flatMap((series): InstantSample[] => {
    const i = series.timestamps.indexOf(time);
    if (i >= 0) return [{ labels: series.labels, t: time, v: series.values[i] as number }];
    const histogram = series.histograms?.find((point) => point.t === time);
    return histogram ? [{ labels: series.labels, t: time, v: 0, h: histogram.h }] : [];
  });
  let value: QueryValue;
  if (result.value.resultType === 'scalar') {
    const first = samples[0];
    if (!first) return 'range mode returned no value for a scalar query';
    value = { resultType: 'scalar', result: { t: time, v: first.v } };
  } else {
    value = { resultType: 'vector', result: samples };
  }
  const mismatch = compareResult({ ...check, ordered: false }, value);
  return mismatch === null ? null : `${mismatch} (range mode)`;
}
