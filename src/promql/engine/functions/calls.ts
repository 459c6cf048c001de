import type { Call, Expr, LabelMatcher, PosRange } from '../../ast.js';
import { SeriesCollector, type MutableSeries } from '../core/collector.js';
import type { FloatHistogram } from '../histograms/native/float-histogram.js';
import { histogramRangeFunction, type HistogramWindow } from '../histograms/native/windows.js';
import type { EvalContext, RangeInput } from '../context.js';
import { firstAfter } from '../core/search.js';
import { histogramFraction, histogramQuantile, histogramQuantiles } from '../histograms/classic/functions.js';
import { histogramStatistic } from '../histograms/native/functions.js';
import { labelJoin, labelReplace } from './label.js';
import { compareLabels, getLabel, labelsFrom, METRIC_NAME, type Labels } from '../core/labels.js';
import { EvaluationError } from '../result.js';
import { FLOAT, stepTime, type RangeSeries, type StepSeries, type Steps, type Window } from '../core/types.js';
import type { Value } from '../core/value.js';
import { checkQuantile, notCounterInfo } from '../core/annotations.js';

type VectorResult = Value & { kind: 'vector' };

/**
 * How a function is evaluated: from its call and its arguments (parentheses removed) at every step. The function
 * table (table.ts) gives one to every function of the language.
 */
export type Evaluate = (ev: EvalContext, call: Call, args: readonly Expr[], steps: Steps) => Promise<Value>;

/** `time()`: the evaluation time of each step, in seconds. */
export const evalTime: Evaluate = async (_ev, _call, _args, steps) => ({
  kind: 'scalar',
  values: Float64Array.from({ length: steps.count }, (_, i) => stepTime(steps, i) / 1000),
});

/** `start()`, `end()`, `range()`, `step()`: the query's own times in seconds (experimental in Prometheus 3). */
export const evalQueryTime: Evaluate = async (ev, call, _args, steps) => ({
  kind: 'scalar',
  values: new Float64Array(steps.count).fill(queryContext(ev, call.func.name as 'start' | 'end' | 'range' | 'step')),
});

/** `min_of(a, b)`, `max_of(a, b)` of two scalars. */
export const evalMinMaxOf: Evaluate = async (ev, call, args, steps) => {
  const a = await scalarArg(ev, args[0], steps);
  const b = await scalarArg(ev, args[1], steps);
  const pick = call.func.name === 'min_of' ? Math.min : Math.max;
  return { kind: 'scalar', values: a.map((x, i) => pick(x, b[i] as number)) };
};

export const evalPi: Evaluate = async (_ev, _call, _args, steps) => ({
  kind: 'scalar',
  values: new Float64Array(steps.count).fill(Math.PI),
});

/** `vector(s)`: a scalar as one series without labels. */
export const evalVector: Evaluate = async (ev, _call, args, steps) => {
  const values = await scalarArg(ev, args[0], steps);
  return {
    kind: 'vector',
    series: [{ labels: [], values, present: new Uint8Array(steps.count).fill(1), dropName: false }],
  };
};

export const evalScalar: Evaluate = async (ev, _call, args, steps) => ({
  kind: 'scalar',
  values: toScalar(await vectorArg(ev, args[0], steps), steps.count),
});

export const evalTimestamp: Evaluate = (ev, _call, args, steps) => timestamp(ev, args[0], steps);
export const evalAbsent: Evaluate = (ev, _call, args, steps) => absent(ev, args[0], steps);
export const evalAbsentOverTime: Evaluate = (ev, _call, args, steps) => absentOverTime(ev, args[0], steps);

/** `sort`, `sort_desc`, `sort_by_label`, `sort_by_label_desc`: ordered series (instant queries only). */
export const evalSort: Evaluate = async (ev, call, args, steps) => {
  if (steps.count > 1) {
    ev.annotate(
      'warning',
      'sort is ineffective for range queries since results are always ordered by labels',
      call.pos,
    );
  }
  const series = await vectorArg(ev, args[0], steps);
  return sortVector(call.func.name, series, await stringArgs(ev, args.slice(1), steps), steps);
};

export const evalRelabel: Evaluate = (ev, call, args, steps) => relabel(ev, call.func.name, args, steps);

export const evalHistogramQuantile: Evaluate = async (ev, call, args, steps) =>
  histogramQuantile(ev, call, await scalarArg(ev, args[0], steps), await vectorArg(ev, args[1], steps), steps);

export const evalHistogramQuantiles: Evaluate = async (ev, call, args, steps) => {
  const label = (await stringArgs(ev, args.slice(1, 2), steps))[0] ?? '';
  const qs: Float64Array[] = [];
  for (const arg of args.slice(2)) qs.push(await scalarArg(ev, arg, steps));
  return histogramQuantiles(ev, call, await vectorArg(ev, args[0], steps), label, qs, steps);
};

/** `histogram_count`, `_sum`, `_avg`, `_stddev`, `_stdvar` of native histograms. */
export const evalHistogramStatistic: Evaluate = async (ev, call, args, steps) =>
  histogramStatistic(call.func.name, await vectorArg(ev, args[0], steps));

export const evalHistogramFraction: Evaluate = async (ev, call, args, steps) => {
  const lower = await scalarArg(ev, args[0], steps);
  const upper = await scalarArg(ev, args[1], steps);
  return histogramFraction(ev, call, lower, upper, await vectorArg(ev, args[2], steps), steps);
};

/** A range function over the windows of its range-vector argument (`fn` computes one window). */
export function rangeEvaluate(
  fn: (window: Window, args: readonly number[]) => number | undefined,
  options: RangeOptions = {},
): Evaluate {
  return (ev, call, args, steps) => rangeCall(ev, call, fn, args, steps, options);
}

/** What a range function does beyond its window computation. */
export interface RangeOptions {
  /** It returns a sample as it was, not a computation on it, so the metric name stays (`last_over_time`). */
  readonly keepsName?: boolean;
  /** It takes native histograms too (else they are left out, with Prometheus's info). */
  readonly histograms?: boolean;
}

/**
 * A function applied to every float sample of an instant vector, with scalar arguments; with `date`, a call without
 * arguments is of the evaluation time instead (`minute()`).
 */
export function mapEvaluate(
  fn: (value: number, args: readonly number[]) => number | undefined,
  options: { readonly date?: boolean } = {},
): Evaluate {
  return (ev, _call, args, steps) =>
    options.date && args.length === 0 ? Promise.resolve(dateOfStep(fn, steps)) : mapCall(ev, fn, args, steps);
}

/** start(), end(), range() and step(): the query's own times in seconds (experimental in Prometheus 3). */
function queryContext(ev: EvalContext, name: 'start' | 'end' | 'range' | 'step'): number {
  const { start, end, step } = ev.options;
  switch (name) {
    case 'start':
      return start / 1000;
    case 'end':
      return end / 1000;
    case 'range':
      return (end - start) / 1000;
    case 'step':
      return step / 1000;
  }
}

export function unwrapParens(expr: Expr): Expr {
  return expr.kind === 'ParenExpr' ? unwrapParens(expr.expr) : expr;
}

async function vectorArg(ev: EvalContext, expr: Expr | undefined, steps: Steps): Promise<readonly StepSeries[]> {
  if (!expr) throw new EvaluationError('missing argument');
  const value = await ev.eval(expr, steps);
  if (value.kind !== 'vector') throw new EvaluationError(`expected instant vector, got ${value.kind}`);
  return value.series;
}

async function scalarArg(ev: EvalContext, expr: Expr | undefined, steps: Steps): Promise<Float64Array> {
  if (!expr) throw new EvaluationError('missing argument');
  const value = await ev.eval(expr, steps);
  if (value.kind !== 'scalar') throw new EvaluationError(`expected scalar, got ${value.kind}`);
  return value.values;
}

async function stringArgs(ev: EvalContext, exprs: readonly Expr[], steps: Steps): Promise<string[]> {
  const out: string[] = [];
  for (const expr of exprs) {
    const value = await ev.eval(expr, steps);
    if (value.kind !== 'string') throw new EvaluationError(`expected string, got ${value.kind}`);
    out.push(value.value);
  }
  return out;
}

/** `scalar(v)`: the value of the only series, NaN when there are none or several. */
function toScalar(series: readonly StepSeries[], count: number): Float64Array {
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    let found = 0;
    let value = Number.NaN;
    for (const s of series) {
      if (s.present[i] !== 1) continue;
      found++;
      value = s.values[i] as number;
    }
    out[i] = found === 1 ? value : Number.NaN;
  }
  return out;
}

/** `timestamp(v)`: a selector's sample times, or the evaluation time of computed samples. */
async function timestamp(ev: EvalContext, arg: Expr | undefined, steps: Steps): Promise<Value> {
  if (arg?.kind === 'VectorSelector') {
    const series = await ev.selectVector(arg, steps, true);
    return { kind: 'vector', series: series.map((s) => ({ ...s, dropName: true })) };
  }
  const series = await vectorArg(ev, arg, steps);
  const times = Float64Array.from({ length: steps.count }, (_, i) => stepTime(steps, i) / 1000);
  return {
    kind: 'vector',
    series: series.map((s) => ({
      labels: s.labels,
      values: times.slice(),
      present: s.present.map((p) => (p === 0 ? 0 : 1)),
      dropName: true,
    })),
  };
}

/** The labels `absent()` gives: the selector's equality matchers, a label matched twice left out (Prometheus's rule). */
function absentLabels(matchers: readonly LabelMatcher[]): Labels {
  const values = new Map<string, string>();
  const seen = new Set<string>();
  for (const matcher of matchers) {
    if (matcher.name === METRIC_NAME) continue;
    if (matcher.type === '=' && !seen.has(matcher.name)) {
      values.set(matcher.name, matcher.value);
      seen.add(matcher.name);
    } else {
      values.delete(matcher.name);
    }
  }
  return labelsFrom(values);
}

function oneSeries(labels: Labels, present: Uint8Array): VectorResult {
  if (!present.includes(1)) return { kind: 'vector', series: [] };
  const values = new Float64Array(present.length).fill(1);
  return { kind: 'vector', series: [{ labels, values, present, dropName: false }] };
}

async function absent(ev: EvalContext, arg: Expr | undefined, steps: Steps): Promise<Value> {
  const series = await vectorArg(ev, arg, steps);
  const present = new Uint8Array(steps.count).fill(1);
  for (const s of series) for (let i = 0; i < steps.count; i++) if (s.present[i] !== 0) present[i] = 0;
  const labels = arg?.kind === 'VectorSelector' ? absentLabels(arg.matchers) : [];
  return oneSeries(labels, present);
}

async function absentOverTime(ev: EvalContext, arg: Expr | undefined, steps: Steps): Promise<Value> {
  if (arg?.kind !== 'MatrixSelector' && arg?.kind !== 'SubqueryExpr')
    throw new EvaluationError('expected range vector');
  const input = await ev.rangeInput(arg, steps);
  const present = new Uint8Array(steps.count).fill(1);
  for (const s of input.series) {
    const histogramTimes = s.histogramTimes ?? EMPTY_TIMES;
    forEachWindow(s, input, steps.count, (i, window) => {
      const histograms = firstAfter(histogramTimes, window.end) - firstAfter(histogramTimes, window.start);
      if (window.to > window.from || histograms > 0) present[i] = 0;
    });
  }
  const labels = arg.kind === 'MatrixSelector' ? absentLabels(arg.selector.matchers) : [];
  return oneSeries(labels, present);
}

/**
 * Walks a series' windows step by step with two indexes that only move forward (the windows' ends never go back),
 * so all the steps of a range query cost one pass over the samples rather than a search per step.
 */
function forEachWindow(
  series: RangeSeries,
  input: RangeInput,
  count: number,
  visit: (step: number, window: Window) => void,
  steps?: Steps,
): void {
  const { timestamps } = series;
  const window = {
    timestamps,
    values: series.values,
    from: 0,
    to: 0,
    start: 0,
    end: 0,
    stepTime: 0,
  };
  for (let i = 0; i < count; i++) {
    const end = input.ends[i] as number;
    const start = end - input.range;
    if (i > 0 && end < (input.ends[i - 1] as number)) {
      window.from = 0;
      window.to = 0;
    }
    while (window.to < timestamps.length && (timestamps[window.to] as number) <= end) window.to++;
    while (window.from < window.to && (timestamps[window.from] as number) <= start) window.from++;
    window.start = start;
    window.end = end;
    window.stepTime = steps ? stepTime(steps, i) : end;
    visit(i, window);
  }
}

async function rangeCall(
  ev: EvalContext,
  call: Call,
  fn: (window: Window, args: readonly number[]) => number | undefined,
  args: readonly Expr[],
  steps: Steps,
  options: RangeOptions,
): Promise<Value> {
  const name = call.func.name;
  const matrixIndex = args.findIndex((arg) => arg.kind === 'MatrixSelector' || arg.kind === 'SubqueryExpr');
  const matrixArg = args[matrixIndex];
  if (!matrixArg || (matrixArg.kind !== 'MatrixSelector' && matrixArg.kind !== 'SubqueryExpr')) {
    throw new EvaluationError(`${name}: expected a range vector argument`);
  }
  const scalars: Float64Array[] = [];
  for (const [index, arg] of args.entries()) if (index !== matrixIndex) scalars.push(await scalarArg(ev, arg, steps));
  const input = await ev.rangeInput(matrixArg, steps);
  const keepsName = options.keepsName === true;
  const stepArgs: number[] = scalars.map(() => 0);
  const out: StepSeries[] = [];
  /** Samples in all the windows of each step, Prometheus's measure for the sample limit. */
  const inWindows = new Float64Array(steps.count);
  const pos = (call.args[matrixIndex] ?? call).pos;
  for (const series of input.series) {
    const target: MutableSeries = {
      labels: series.labels,
      values: new Float64Array(steps.count),
      present: new Uint8Array(steps.count),
      dropName: keepsName ? series.dropName : true,
    };
    const metric = getLabel(series.labels, METRIC_NAME);
    const histogramTimes = series.histogramTimes ?? EMPTY_TIMES;
    const histograms = series.histograms ?? [];
    let hFrom = 0;
    let hTo = 0;
    forEachWindow(
      series,
      input,
      steps.count,
      (i, window) => {
        while (hTo < histogramTimes.length && (histogramTimes[hTo] as number) <= window.end) hTo++;
        while (hFrom < hTo && (histogramTimes[hFrom] as number) <= window.start) hFrom++;
        const floats = window.to - window.from;
        const hists = hTo - hFrom;
        if (floats + hists === 0) return;
        inWindows[i] = (inWindows[i] as number) + floats + hists;
        if (hists > 0) {
          const hw = {
            times: histogramTimes,
            histograms,
            from: hFrom,
            to: hTo,
            start: window.start,
            end: window.end,
            range: input.range,
          };
          if (mixedWindow(ev, name, options.histograms === true, target, i, floats, hw, window, metric, pos)) return;
        }
        for (let a = 0; a < scalars.length; a++) stepArgs[a] = (scalars[a] as Float64Array)[i] as number;
        let value: number | undefined;
        try {
          value = fn(window, stepArgs);
        } catch (error) {
          throw new EvaluationError(error instanceof Error ? error.message : String(error));
        }
        if (value === undefined) return;
        if (name === 'quantile_over_time') checkQuantile(ev, stepArgs[0] ?? Number.NaN, call.args[0]);
        SeriesCollector.set(target, i, value);
      },
      steps,
    );
    if ((name === 'rate' || name === 'increase') && target.present.includes(FLOAT)) {
      notCounterInfo(ev, series.labels, call.args[matrixIndex]);
    }
    if (target.present.some((p) => p !== 0)) out.push(target);
    await ev.pause();
  }
  ev.countSamples(Math.max(0, ...inWindows));
  return { kind: 'vector', series: out };
}

const EMPTY_TIMES = new Float64Array(0);

/**
 * A window holding native histograms. Returns true when it is dealt with (a result set, or nothing to give); false
 * when the range function should go on with the window's floats.
 */
function mixedWindow(
  ev: EvalContext,
  name: string,
  takesHistograms: boolean,
  target: MutableSeries,
  step: number,
  floats: number,
  window: HistogramWindow,
  floatWindow: Window,
  metric: string,
  pos: PosRange,
): boolean {
  if (!takesHistograms) {
    if (floats === 0) return true; // only histograms: a float-only function has nothing to say
    const message = `ignored histograms in a range containing both floats and histograms for metric name ${JSON.stringify(metric)}`;
    ev.annotate('info', message, pos);
    return false;
  }
  if (floats > 0) {
    const lastFloat = floatWindow.timestamps[floatWindow.to - 1] as number;
    const firstFloat = floatWindow.timestamps[floatWindow.from] as number;
    const hists = window.to - window.from;
    switch (name) {
      case 'count_over_time':
        SeriesCollector.set(target, step, floats + hists);
        return true;
      case 'present_over_time':
        SeriesCollector.set(target, step, 1);
        return true;
      case 'last_over_time':
        if ((window.times[window.to - 1] as number) < lastFloat) return false;
        SeriesCollector.setHistogram(target, step, window.histograms[window.to - 1] as FloatHistogram);
        return true;
      case 'first_over_time':
        if ((window.times[window.from] as number) > firstFloat) return false;
        SeriesCollector.setHistogram(target, step, window.histograms[window.from] as FloatHistogram);
        return true;
      default:
        ev.annotate(
          'warning',
          `encountered a mix of histograms and floats for metric name ${JSON.stringify(metric)}`,
          pos,
        );
        return true;
    }
  }
  const result = histogramRangeFunction(name, window, { ev, metric, pos });
  if (result && 'h' in result) SeriesCollector.setHistogram(target, step, result.h);
  else if (result) SeriesCollector.set(target, step, result.f);
  return true;
}

async function mapCall(
  ev: EvalContext,
  fn: (value: number, args: readonly number[]) => number | undefined,
  args: readonly Expr[],
  steps: Steps,
): Promise<Value> {
  const series = await vectorArg(ev, args[0], steps);
  const scalars: Float64Array[] = [];
  for (const arg of args.slice(1)) scalars.push(await scalarArg(ev, arg, steps));
  const stepArgs: number[] = scalars.map(() => 0);
  const out: StepSeries[] = [];
  for (const s of series) {
    const values = new Float64Array(steps.count);
    const present = new Uint8Array(steps.count);
    let any = false;
    for (let i = 0; i < steps.count; i++) {
      if (s.present[i] !== 1) continue;
      for (let a = 0; a < scalars.length; a++) stepArgs[a] = (scalars[a] as Float64Array)[i] as number;
      const value = fn(s.values[i] as number, stepArgs);
      if (value === undefined) continue;
      values[i] = value;
      present[i] = 1;
      any = true;
    }
    if (any) out.push({ labels: s.labels, values, present, dropName: true });
  }
  return { kind: 'vector', series: out };
}

/** A date function without arguments: of the evaluation time, as one series without labels. */
function dateOfStep(fn: (value: number, args: readonly number[]) => number | undefined, steps: Steps): Value {
  const values = new Float64Array(steps.count);
  const present = new Uint8Array(steps.count);
  for (let i = 0; i < steps.count; i++) {
    const value = fn(Math.trunc(stepTime(steps, i) / 1000), []);
    if (value === undefined) continue;
    values[i] = value;
    present[i] = 1;
  }
  return { kind: 'vector', series: [{ labels: [], values, present, dropName: false }] };
}

/**
 * sort(), sort_desc(), sort_by_label(): the order only means something in an instant query's vector (a range
 * query's matrix is always sorted by labels), so they reorder the series and otherwise pass them through.
 */
function sortVector(name: string, series: readonly StepSeries[], labelNames: readonly string[], steps: Steps): Value {
  if (steps.count !== 1) return { kind: 'vector', series };
  const sorted = series.filter((s) => s.present[0] === 1);
  const value = (s: StepSeries): number => s.values[0] as number;
  if (name === 'sort' || name === 'sort_desc') {
    const sign = name === 'sort' ? 1 : -1;
    // NaN goes last either way, as in Prometheus.
    sorted.sort((a, b) => {
      const x = value(a);
      const y = value(b);
      if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) ? (Number.isNaN(y) ? 0 : 1) : -1;
      return sign * (x - y);
    });
  } else {
    const sign = name === 'sort_by_label' ? 1 : -1;
    sorted.sort((a, b) => {
      for (const label of labelNames) {
        const cmp = naturalCompare(getLabel(a.labels, label), getLabel(b.labels, label));
        if (cmp !== 0) return sign * cmp;
      }
      return sign * compareLabels(a.labels, b.labels);
    });
  }
  return { kind: 'vector', series: sorted };
}

/** Natural order of label values ("a2" before "a10"), as sort_by_label compares them. */
function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

async function relabel(ev: EvalContext, name: string, args: readonly Expr[], steps: Steps): Promise<Value> {
  const strings = await stringArgs(ev, args.slice(1), steps);
  const relabelOne = (labels: Labels): Labels => {
    if (name === 'label_replace') {
      const [dst = '', replacement = '', src = '', regex = ''] = strings;
      return labelReplace(labels, dst, replacement, src, regex);
    }
    const [dst = '', separator = '', ...sources] = strings;
    return labelJoin(labels, dst, separator, sources);
  };
  // The arguments are checked before the vector is evaluated, so that a bad regex fails even on an empty vector.
  try {
    relabelOne([]);
  } catch (error) {
    throw new EvaluationError(error instanceof Error ? error.message : String(error));
  }
  const series = await vectorArg(ev, args[0], steps);
  const dst = strings[0] ?? '';
  const collector = new SeriesCollector(steps.count);
  for (const s of series) {
    const labels = relabelOne(s.labels);
    const dropName = dst === METRIC_NAME && labels !== s.labels ? false : s.dropName;
    const target = collector.series(labels, dropName);
    for (let i = 0; i < steps.count; i++) SeriesCollector.copy(target, i, s);
  }
  return { kind: 'vector', series: collector.result() };
}
