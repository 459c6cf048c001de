import type { RangeFunction, Window } from '../core/types.js';
import {
  avgOverTime,
  changes,
  countOverTime,
  firstOverTime,
  lastOverTime,
  madOverTime,
  maxOverTime,
  minOverTime,
  presentOverTime,
  quantileOverTime,
  resets,
  stddevOverTime,
  stdvarOverTime,
  sumOverTime,
  tsOfFirstOverTime,
  tsOfLastOverTime,
  tsOfMaxOverTime,
  tsOfMinOverTime,
} from './over-time.js';
import { extrapolatedRate, instantRate } from './rate.js';
import { deriv, doubleExponentialSmoothing, predictLinear } from './trend.js';

/**
 * PromQL's functions over a range vector, by name, including the experimental ones Prometheus's test engine enables
 * (mad_over_time, ts_of_*_over_time, double_exponential_smoothing). The scalar arguments come in `args` in call
 * order without the range vector: `quantile_over_time(φ, v[5m])` gets `[φ]`, `predict_linear(v[5m], t)` gets `[t]`.
 * absent_over_time is left to the evaluator, which needs to see the selector.
 */
export const RANGE_FUNCTIONS: ReadonlyMap<string, RangeFunction> = new Map(
  (
    [
      ['rate', (w) => extrapolatedRate(w, true, true)],
      ['increase', (w) => extrapolatedRate(w, true, false)],
      ['delta', (w) => extrapolatedRate(w, false, false)],
      ['irate', (w) => instantRate(w, true)],
      ['idelta', (w) => instantRate(w, false)],
      ['deriv', deriv],
      ['predict_linear', (w, args) => predictLinear(w, args[0] ?? Number.NaN)],
      [
        'double_exponential_smoothing',
        (w, args) => doubleExponentialSmoothing(w, args[0] ?? Number.NaN, args[1] ?? Number.NaN),
      ],
      ['resets', resets],
      ['changes', changes],
      ['avg_over_time', avgOverTime],
      ['sum_over_time', sumOverTime],
      ['count_over_time', countOverTime],
      ['min_over_time', minOverTime],
      ['max_over_time', maxOverTime],
      ['last_over_time', lastOverTime],
      ['first_over_time', firstOverTime],
      ['present_over_time', presentOverTime],
      ['stddev_over_time', stddevOverTime],
      ['stdvar_over_time', stdvarOverTime],
      ['quantile_over_time', (w, args) => quantileOverTime(w, args[0] ?? Number.NaN)],
      ['mad_over_time', madOverTime],
      ['ts_of_min_over_time', tsOfMinOverTime],
      ['ts_of_max_over_time', tsOfMaxOverTime],
      ['ts_of_first_over_time', tsOfFirstOverTime],
      ['ts_of_last_over_time', tsOfLastOverTime],
    ] satisfies [string, RangeFunction][]
  ).map(([name, fn]) => [name, skipEmpty(fn)]),
);

/** Prometheus never applies a range function to a window without samples; an empty window gives no result here. */
function skipEmpty(fn: RangeFunction): RangeFunction {
  return (w: Window, args) => (w.to > w.from ? fn(w, args) : undefined);
}
