import type { PosRange } from '../../../ast.js';
import type { EvalContext } from '../../context.js';
import { add, div, kahanSum, mul, sub, withHint } from './arithmetic.js';
import type { FloatHistogram } from './float-histogram.js';
import { compact, equals, toSchema } from './layout.js';
import { detectReset } from './resets.js';

/** The native-histogram samples of one series inside one window: `histograms[from..to)` at `times[from..to)`. */
export interface HistogramWindow {
  readonly times: Float64Array;
  readonly histograms: readonly FloatHistogram[];
  readonly from: number;
  readonly to: number;
  /** The window `(start, end]` in ms, and the selector's range (for rate's per-second). */
  readonly start: number;
  readonly end: number;
  readonly range: number;
}

/** A range function's result on histograms: a histogram, or a float (count_over_time, resets…). */
export type HistogramResult = { readonly h: FloatHistogram } | { readonly f: number } | undefined;

interface Context {
  readonly ev: EvalContext;
  readonly metric: string;
  readonly pos: PosRange;
}

/** One range function over a window that holds only native histograms. */
export function histogramRangeFunction(name: string, w: HistogramWindow, context: Context): HistogramResult {
  const n = w.to - w.from;
  const at = (i: number): FloatHistogram => w.histograms[w.from + i] as FloatHistogram;
  switch (name) {
    case 'rate':
    case 'increase':
    case 'delta':
      return extrapolatedRate(w, name !== 'delta', name === 'rate', context);
    case 'irate':
    case 'idelta':
      return instantRate(w, name === 'irate', context);
    case 'sum_over_time':
    case 'avg_over_time': {
      const total = kahanSum(w.histograms.slice(w.from, w.to));
      if (!total) return mixedSchemas(context);
      return { h: compact(name === 'avg_over_time' ? div(total, n) : total) };
    }
    case 'count_over_time':
      return { f: n };
    case 'present_over_time':
      return { f: 1 };
    case 'last_over_time':
      return { h: at(n - 1) };
    case 'first_over_time':
      return { h: at(0) };
    case 'resets':
    case 'changes': {
      let count = 0;
      for (let i = 1; i < n; i++) {
        const changed = name === 'resets' ? detectReset(at(i), at(i - 1)) : !equals(at(i), at(i - 1));
        if (changed) count++;
      }
      return { f: count };
    }
    default:
      return undefined;
  }
}

function mixedSchemas(context: Context): undefined {
  context.ev.annotate(
    'warning',
    `vector contains a mix of histograms with exponential and custom buckets schemas for metric name ${JSON.stringify(context.metric)}`,
    context.pos,
  );
  return undefined;
}

function notCounter(context: Context): void {
  context.ev.annotate(
    'warning',
    `this native histogram metric is not a counter: ${JSON.stringify(context.metric)}`,
    context.pos,
  );
}

function notGauge(context: Context): void {
  context.ev.annotate(
    'warning',
    `this native histogram metric is not a gauge: ${JSON.stringify(context.metric)}`,
    context.pos,
  );
}

/**
 * Prometheus's histogramRate: last − first in the smallest schema of the window, with the value before each counter
 * reset added back (for counters), as a gauge histogram.
 */
function histogramDelta(w: HistogramWindow, isCounter: boolean, context: Context): FloatHistogram | undefined {
  const points = w.histograms.slice(w.from, w.to);
  const last = points[points.length - 1] as FloatHistogram;
  let prev = points[0] as FloatHistogram;
  const custom = (h: FloatHistogram): boolean => h.schema === -53;
  if (custom(prev) !== custom(last)) return mixedSchemas(context);
  if (isCounter && (prev.counterResetHint === 'gauge' || last.counterResetHint === 'gauge')) notCounter(context);
  let minSchema = Math.min(prev.schema, last.schema);
  const second = points[1];
  if (isCounter && second && detectReset(second, prev)) {
    prev = {
      ...prev,
      schema: second.schema,
      customValues: second.customValues,
      count: 0,
      sum: 0,
      zeroCount: 0,
      positiveSpans: [],
      positiveBuckets: [],
      negativeSpans: [],
      negativeBuckets: [],
    };
  }
  for (const curr of points.slice(1, -1)) {
    if (!isCounter) continue;
    if (curr.counterResetHint === 'gauge') notCounter(context);
    minSchema = Math.min(minSchema, curr.schema);
    if (custom(curr) !== custom(prev)) return mixedSchemas(context);
  }
  const difference = sub(toSchema(last, minSchema), prev);
  if (!difference.ok) return mixedSchemas(context);
  let h = difference.histogram;
  if (isCounter) {
    let before = points[0] as FloatHistogram;
    for (const curr of points.slice(1)) {
      if (detectReset(curr, before)) {
        const sum = add(h, before);
        if (!sum.ok) return mixedSchemas(context);
        h = sum.histogram;
      }
      before = curr;
    }
  } else if ((points[0] as FloatHistogram).counterResetHint !== 'gauge' || last.counterResetHint !== 'gauge') {
    notGauge(context);
  }
  return compact(withHint(h, 'gauge'));
}

/** rate, increase and delta of histograms, extrapolated to the window's edges as Prometheus does for floats. */
function extrapolatedRate(w: HistogramWindow, isCounter: boolean, isRate: boolean, context: Context): HistogramResult {
  const n = w.to - w.from;
  if (n < 2) return undefined;
  const result = histogramDelta(w, isCounter, context);
  if (!result) return undefined;
  const firstT = w.times[w.from] as number;
  const lastT = w.times[w.to - 1] as number;
  let durationToStart = (firstT - w.start) / 1000;
  let durationToEnd = (w.end - lastT) / 1000;
  const sampledInterval = (lastT - firstT) / 1000;
  const average = sampledInterval / (n - 1);
  const threshold = average * 1.1;
  if (durationToStart >= threshold) durationToStart = average / 2;
  if (isCounter) {
    const first = w.histograms[w.from] as FloatHistogram;
    let durationToZero = durationToStart;
    if (result.count > 0 && first.count >= 0) durationToZero = sampledInterval * (first.count / result.count);
    if (durationToZero < durationToStart) durationToStart = durationToZero;
  }
  if (durationToEnd >= threshold) durationToEnd = average / 2;
  let factor = sampledInterval !== 0 ? (sampledInterval + durationToStart + durationToEnd) / sampledInterval : 1;
  if (isRate) factor /= w.range / 1000;
  return { h: compact(mul(result, factor)) };
}

/** irate and idelta of histograms: from the last two samples (irate: the last alone after a reset). */
function instantRate(w: HistogramWindow, isRate: boolean, context: Context): HistogramResult {
  if (w.to - w.from < 2) return undefined;
  const previous = w.histograms[w.to - 2] as FloatHistogram;
  const last = w.histograms[w.to - 1] as FloatHistogram;
  if (isRate && (last.counterResetHint === 'gauge' || previous.counterResetHint === 'gauge')) notCounter(context);
  if (!isRate && (last.counterResetHint !== 'gauge' || previous.counterResetHint !== 'gauge')) notGauge(context);
  let h = last;
  if (!isRate || !detectReset(last, previous)) {
    const difference = sub(last, previous);
    if (!difference.ok) return mixedSchemas(context);
    h = difference.histogram;
  }
  h = compact(withHint(h, 'gauge'));
  if (!isRate) return { h };
  const seconds = ((w.times[w.to - 1] as number) - (w.times[w.to - 2] as number)) / 1000;
  return { h: div(h, seconds) };
}
