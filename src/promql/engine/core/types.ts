import type { FloatHistogram } from '../histograms/native/float-histogram.js';
import type { Labels } from './labels.js';

/**
 * The evaluator works a whole query range at once: every node gives its value at every step, series by series, so
 * label work (grouping keys, match signatures) happens once per series rather than once per step.
 */

/** The evaluation times of a query: `count` steps from `start`, `interval` apart (ms; interval 0 when count is 1). */
export interface Steps {
  readonly start: number;
  readonly interval: number;
  readonly count: number;
}

export const FLOAT = 1;
export const HISTOGRAM = 2;

export function stepTime(steps: Steps, index: number): number {
  return steps.start + index * steps.interval;
}

/**
 * An instant-vector series over the steps. `present[i]` is 0 (no sample), FLOAT (`values[i]`) or HISTOGRAM
 * (`histograms[i]`, a native histogram): code that only knows floats tests for FLOAT and so leaves histograms out,
 * as Prometheus's float-only functions and operators ignore them.
 */
export interface StepSeries {
  readonly labels: Labels;
  readonly values: Float64Array;
  readonly present: Uint8Array;
  readonly histograms?: readonly (FloatHistogram | undefined)[];
  /** Prometheus 3's delayed name removal: `__name__` is still in `labels`, to be removed when the result is built. */
  readonly dropName: boolean;
}

/**
 * A range-vector series: raw samples (no staleness markers), times ascending. Float samples are in
 * `timestamps`/`values`; native-histogram samples, when there are any, apart in `histogramTimes`/`histograms`.
 */
export interface RangeSeries {
  readonly labels: Labels;
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
  readonly histogramTimes?: Float64Array;
  readonly histograms?: readonly FloatHistogram[];
  readonly dropName: boolean;
}

/**
 * The samples of one series inside one range-function window: indexes `[from, to)` of `timestamps`/`values` lie in
 * the left-open window `(start, end]`.
 */
export interface Window {
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
  readonly from: number;
  readonly to: number;
  readonly start: number;
  readonly end: number;
  /** The evaluation step's time (predict_linear extrapolates to it); equals `end` unless `offset` or `@` moved it. */
  readonly stepTime: number;
}

/** A function over a range vector, e.g. `rate`: the value for one window, or undefined for no sample. */
export type RangeFunction = (window: Window, args: readonly number[]) => number | undefined;

/** An element-wise function over an instant vector, e.g. `abs`: undefined drops the sample. */
export type MapFunction = (value: number, args: readonly number[]) => number | undefined;
