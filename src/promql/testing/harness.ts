import type { AtModifier, Expr, LabelMatcher } from '../ast.js';
import { Engine, type EngineOptions } from '../engine/engine.js';
import {
  compareLabels,
  formatLabels,
  getLabel,
  labelsKey,
  METRIC_NAME,
  setLabel,
  type Labels,
} from '../engine/labels.js';
import { compileMatchers } from '../engine/matchers.js';
import { EvaluationError, type QueryResult, type QueryValue } from '../engine/result.js';
import type { Storage } from '../engine/storage.js';
import { PromQLError } from '../errors.js';
import { parse } from '../parse.js';
import { print } from '../printer.js';
import { MemoryStorage } from './memory-storage.js';
import type { EvalCommand, Expectation, LoadCommand, Script } from './script.js';
import {
  NATIVE_HISTOGRAMS_UNSUPPORTED,
  parseScalarLine,
  parseSeriesDescription,
  SeriesNotationError,
  type SequenceValue,
} from './series-notation.js';

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
export const TEST_ENGINE_OPTIONS: EngineOptions = {
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
  const state: LoadState = { histogramSeries: [], loadErrors: [] };
  const outcomes: EvalOutcome[] = [];
  for (const command of script.commands) {
    if (command.kind === 'clear') {
      storage.clear();
      state.histogramSeries = [];
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
  histogramSeries: { labels: Labels; line: number }[];
  loadErrors: string[];
}

function load(storage: MemoryStorage, command: LoadCommand, state: LoadState): void {
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
    if (description.nativeHistograms) {
      state.histogramSeries.push({ labels: description.labels, line });
      return;
    }
    const timestamps: number[] = [];
    const values: number[] = [];
    const stale: number[] = [];
    description.values.forEach((value, i) => {
      if (value.omitted) return;
      timestamps.push(i * command.interval);
      values.push(value.value);
      stale.push(value.stale ? 1 : 0);
    });
    storage.appendSamples(description.labels, timestamps, values, stale);
    if (command.withNhcb) {
      const converted = customBucketSeries(description.labels);
      if (converted) state.histogramSeries.push({ labels: converted, line });
    }
  });
}

/**
 * `load_with_nhcb` also stores each classic histogram as a native histogram with custom buckets, named without the
 * `_bucket`/`_count`/`_sum` suffix and without `le`: the labels of that series, which vigil cannot store.
 */
function customBucketSeries(labels: Labels): Labels | null {
  const name = getLabel(labels, METRIC_NAME);
  const suffix = ['_bucket', '_count', '_sum'].find((s) => name.endsWith(s));
  if (!suffix) return null;
  const le = parseScalarLine(getLabel(labels, 'le'));
  if (suffix === '_bucket' && (le === null || Number.isNaN(le))) return null;
  return setLabel(setLabel(labels, METRIC_NAME, name.slice(0, -suffix.length)), 'le', '');
}

/** The expected result of an eval, as upstream's evalCmd keeps it. */
interface Expected {
  /** A bare number line: the query must return this scalar. */
  readonly scalar: SequenceValue | null;
  readonly series: ReadonlyMap<
    string,
    { readonly labels: Labels; readonly pos: number; readonly values: readonly SequenceValue[] }
  >;
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
    if (description.nativeHistograms) throw new EvalSetupError(`${NATIVE_HISTOGRAMS_UNSUPPORTED} (expected result)`);
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

/** How an eval is checked: its expectations, and the query range its matrix results are laid on. */
interface Check {
  readonly command: EvalCommand;
  readonly expected: Expected;
  readonly ordered: boolean;
  readonly fails: readonly Expectation[];
  readonly start: number;
  readonly end: number;
  readonly step: number;
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
  const histogram = ast ? touchedHistogram(ast, state) : null;
  if (histogram !== null) {
    return `${NATIVE_HISTOGRAMS_UNSUPPORTED} (series loaded at line ${histogram})`;
  }
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

/** The load line of a native-histogram series some selector of the query would read, or null. */
function touchedHistogram(ast: Expr, state: LoadState): number | null {
  if (state.histogramSeries.length === 0) return null;
  for (const matchers of selectors(ast)) {
    const matches = compileMatchers(matchers);
    const hit = state.histogramSeries.find((s) => matches(s.labels));
    if (hit) return hit.line;
  }
  return null;
}

function selectors(expr: Expr): (readonly LabelMatcher[])[] {
  switch (expr.kind) {
    case 'VectorSelector':
      return [expr.matchers];
    case 'MatrixSelector':
      return [expr.selector.matchers];
    case 'NumberLiteral':
    case 'StringLiteral':
      return [];
    case 'SubqueryExpr':
    case 'ParenExpr':
    case 'UnaryExpr':
      return selectors(expr.expr);
    case 'BinaryExpr':
      return [...selectors(expr.lhs), ...selectors(expr.rhs)];
    case 'AggregateExpr':
      return [...(expr.param ? selectors(expr.param) : []), ...selectors(expr.expr)];
    case 'Call':
      return expr.args.flatMap(selectors);
  }
}

/** Functions whose value depends on the evaluation time itself (Prometheus's AtModifierUnsafeFunctions). */
const AT_MODIFIER_UNSAFE = new Set([
  'days_in_month',
  'day_of_month',
  'day_of_week',
  'day_of_year',
  'end',
  'hour',
  'minute',
  'month',
  'year',
  'predict_linear',
  'range',
  'start',
  'step',
  'time',
  'timestamp',
]);

/**
 * Upstream's atModifierTestCases: the query with `@ <time>` on every selector and subquery that has no numeric `@`
 * (nothing inside a subquery is touched), run at other times, where it must give the same result. None when the
 * query calls a function whose value depends on the evaluation time.
 */
function atModifierCases(ast: Expr, time: number): { expr: string; time: number }[] {
  const pinned = pinAt(ast, time);
  if (pinned === null) return [];
  const expr = print(pinned);
  const times = time === 0 ? [-1000, 0, 1000] : [-10 * time, 0, Math.trunc(time / 5), time, 10 * time];
  return times.map((t) => ({ expr, time: t }));
}

/** The tree with `@ time` set, or null when it calls an at-modifier-unsafe function outside any subquery. */
function pinAt(expr: Expr, time: number): Expr | null {
  // `@ start()` and `@ end()` are replaced too: upstream's AST keeps them apart from the timestamp it sets.
  const at = (current: AtModifier | null): number => (typeof current === 'number' ? current : time);
  switch (expr.kind) {
    case 'NumberLiteral':
    case 'StringLiteral':
      return expr;
    case 'VectorSelector':
      return { ...expr, at: at(expr.at) };
    case 'MatrixSelector':
      return { ...expr, selector: { ...expr.selector, at: at(expr.selector.at) } };
    case 'SubqueryExpr':
      return { ...expr, at: at(expr.at) };
    case 'ParenExpr':
    case 'UnaryExpr': {
      const inner = pinAt(expr.expr, time);
      return inner && { ...expr, expr: inner };
    }
    case 'BinaryExpr': {
      const lhs = pinAt(expr.lhs, time);
      const rhs = pinAt(expr.rhs, time);
      return lhs && rhs && { ...expr, lhs, rhs };
    }
    case 'AggregateExpr': {
      const inner = pinAt(expr.expr, time);
      const param = expr.param && pinAt(expr.param, time);
      if (!inner || (expr.param && !param)) return null;
      return { ...expr, expr: inner, param };
    }
    case 'Call': {
      if (AT_MODIFIER_UNSAFE.has(expr.func.name)) return null;
      const args: Expr[] = [];
      for (const arg of expr.args) {
        const pinned = pinAt(arg, time);
        if (!pinned) return null;
        args.push(pinned);
      }
      return { ...expr, args };
    }
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
  const samples = ranged.value.result.flatMap((series) => {
    const i = series.timestamps.indexOf(time);
    return i < 0 ? [] : [{ labels: series.labels, t: time, v: series.values[i] as number }];
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

function matches(expectation: Expectation, text: string): boolean {
  if (expectation.msg !== undefined) return expectation.msg === text;
  if (expectation.regex !== undefined) return goRegExp(expectation.regex).test(text);
  return true;
}

/**
 * A Go (RE2) pattern as a JavaScript RegExp. The scripts' patterns use only syntax the two share; a leading flag
 * group such as `(?i)` becomes a JavaScript flag, and RE2's `\A`/`\z` become `^`/`$`.
 */
export function goRegExp(pattern: string): RegExp {
  const flags = /^\(\?([imsU]+)\)/.exec(pattern);
  const body = (flags ? pattern.slice(flags[0].length) : pattern).replaceAll('\\A', '^').replaceAll('\\z', '$');
  return new RegExp(body, (flags?.[1] ?? '').replaceAll('U', ''));
}

/** Upstream's checkAnnotations: expected warnings/infos present, none unexpected, none at all under no_warn/no_info. */
function checkAnnotations(check: Check, result: QueryResult): string | null {
  const { expectations } = check.command;
  for (const [kind, none, actual] of [
    ['warn', 'no_warn', result.warnings],
    ['info', 'no_info', result.infos],
  ] as const) {
    const wanted = expectations.filter((e) => e.kind === kind);
    if (wanted.length > 0) {
      if (actual.length === 0) return `expected ${kind} annotations but none were found`;
      const missing = wanted.find((e) => !actual.some((text) => matches(e, text)));
      if (missing) {
        const text = missing.msg ?? missing.regex ?? '';
        return `expected ${kind} annotation matching ${JSON.stringify(text)} but found: ${JSON.stringify(actual)}`;
      }
      const extra = actual.find((text) => !wanted.some((e) => matches(e, text)));
      if (extra !== undefined) return `unexpected ${kind} annotation ${JSON.stringify(extra)}`;
    }
    if (expectations.some((e) => e.kind === none) && actual.length > 0) {
      return `unexpected ${kind === 'warn' ? 'warning' : 'info'} annotations: ${JSON.stringify(actual)}`;
    }
  }
  return null;
}

/** util/almost.Equal with upstream's epsilon: a relative difference under 1e-6; NaN equals NaN. */
export function almostEqual(a: number, b: number, epsilon = 1e-6): boolean {
  if (Number.isNaN(a) && Number.isNaN(b)) return true;
  if (a === b) return true;
  const minNormal = 2.2250738585072014e-308;
  const absSum = Math.abs(a) + Math.abs(b);
  const diff = Math.abs(a - b);
  if (a === 0 || b === 0 || absSum < minNormal) return diff < epsilon * minNormal;
  return diff / Math.min(absSum, Number.MAX_VALUE) < epsilon;
}

/** Equal as upstream compares an expected value: a staleness marker only equals a staleness marker. */
function sameValue(expected: SequenceValue, actual: number): boolean {
  // The engine never returns staleness markers, so an expected one can never match.
  if (expected.stale) return false;
  return almostEqual(expected.value, actual);
}

/** `name{a="b"}` as Prometheus prints a series, for messages. */
function seriesName(labels: Labels): string {
  const name = getLabel(labels, METRIC_NAME);
  const rest = labels.filter((l) => l.name !== METRIC_NAME);
  return name === '' ? formatLabels(rest) : rest.length === 0 ? name : `${name}${formatLabels(rest)}`;
}

function matrixOrder(series: readonly { readonly labels: Labels }[]): string | null {
  for (let i = 1; i < series.length; i++) {
    const previous = series[i - 1]?.labels ?? [];
    const current = series[i]?.labels ?? [];
    if (compareLabels(previous, current) > 0) {
      return `matrix results should always be sorted by labels, but ${seriesName(current)} comes after ${seriesName(previous)}`;
    }
  }
  return null;
}

/** Upstream's compareResult: the value against the expected result; null when they agree. */
function compareResult(check: Check, value: QueryValue): string | null {
  const { expected } = check;
  switch (value.resultType) {
    case 'matrix': {
      if (check.ordered) return 'expected ordered result, but query returned a matrix';
      if (expected.scalar) return 'expected scalar result, but got matrix';
      const unsorted = matrixOrder(value.result);
      if (unsorted !== null) return unsorted;
      const seen = new Set<string>();
      for (const series of value.result) {
        const key = labelsKey(series.labels);
        const want = expected.series.get(key);
        const got = `${series.values.length} points ${formatPoints(series.timestamps, series.values)}`;
        if (!want) return `unexpected metric ${seriesName(series.labels)} in result, has ${got}`;
        seen.add(key);
        const points: { t: number; value: SequenceValue }[] = [];
        for (let i = 0; i < want.values.length; i++) {
          const t = check.start + i * check.step;
          if (t > check.end) {
            return `expected ${want.values.length} points for ${seriesName(want.labels)}, but query time range cannot return this many points`;
          }
          const v = want.values[i] as SequenceValue;
          if (!v.omitted) points.push({ t, value: v });
        }
        if (points.length !== series.values.length) {
          return `expected ${points.length} points for ${seriesName(want.labels)}, but got ${got}`;
        }
        for (let i = 0; i < points.length; i++) {
          const point = points[i] as { t: number; value: SequenceValue };
          const t = series.timestamps[i] as number;
          const v = series.values[i] as number;
          if (point.t !== t) {
            return `expected point ${i} of ${seriesName(want.labels)} at t=${point.t}, but it is at t=${t} (result has ${got})`;
          }
          if (!sameValue(point.value, v)) {
            return `expected ${formatValue(point.value)} at t=${t} for ${seriesName(want.labels)}, but got ${v} (result has ${got})`;
          }
        }
      }
      const missing = [...expected.series].find(([key]) => !seen.has(key));
      return missing ? `expected metric ${seriesName(missing[1].labels)} not found` : null;
    }
    case 'vector': {
      if (expected.scalar) return `expected scalar result, but got vector of ${value.result.length} samples`;
      const seen = new Set<string>();
      for (const [index, sample] of value.result.entries()) {
        const key = labelsKey(sample.labels);
        const want = expected.series.get(key);
        if (!want) return `unexpected metric ${seriesName(sample.labels)} in result, has value ${sample.v}`;
        if (check.ordered && want.pos !== index + 1) {
          return `expected metric ${seriesName(sample.labels)} at position ${want.pos} but was at ${index + 1}`;
        }
        const first = want.values[0];
        if (!first) return `expected result for ${seriesName(want.labels)} has no value`;
        if (!sameValue(first, sample.v)) {
          return `expected ${formatValue(first)} for ${seriesName(sample.labels)} but got ${sample.v}`;
        }
        seen.add(key);
      }
      const missing = [...expected.series].find(([key]) => !seen.has(key));
      return missing ? `expected metric ${seriesName(missing[1].labels)} not found` : null;
    }
    case 'scalar': {
      if (!expected.scalar) return `expected vector or matrix result, but got scalar ${value.result.v}`;
      if (!sameValue(expected.scalar, value.result.v)) {
        return `expected scalar ${formatValue(expected.scalar)} but got ${value.result.v}`;
      }
      return null;
    }
    case 'string': {
      const want = check.command.expectString;
      return want === value.result.v
        ? null
        : `expected string ${JSON.stringify(want ?? '')} but got ${JSON.stringify(value.result.v)}`;
    }
  }
}

function formatValue(value: SequenceValue): string {
  return value.stale ? 'stale' : value.omitted ? '_' : String(value.value);
}

function formatPoints(timestamps: readonly number[], values: readonly number[]): string {
  const shown = timestamps.slice(0, 6).map((t, i) => `${values[i]}@${t}`);
  return `[${shown.join(' ')}${timestamps.length > 6 ? ' …' : ''}]`;
}
