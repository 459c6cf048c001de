import type { Window } from '../core/types.js';
import { KahanSum } from '../core/kahan.js';
import { quantile } from './quantile.js';

/**
 * The `*_over_time` aggregations of one window's samples (at least one: the evaluator does not call a range
 * function on an empty window). Sums and means are compensated as in Prometheus, so the precision cases of the test
 * scripts come out the same.
 */

export function sumOverTime(w: Window): number {
  const acc = new KahanSum();
  for (let i = w.from; i < w.to; i++) acc.add(w.values[i] as number);
  return acc.total();
}

/**
 * The mean, summed directly (more accurate than a running mean) for as long as the sum stays finite; once it would
 * overflow, the rest is folded in as a running mean, so that two samples of 1e308 average to 1e308, not +Inf.
 */
export function avgOverTime(w: Window): number {
  const { values, from, to } = w;
  const acc = new KahanSum(values[from] as number);
  let incremental = false;
  for (let i = from + 1; i < to; i++) {
    const value = values[i] as number;
    const count = i - from + 1;
    if (!incremental) {
      const sum = acc.sum;
      const c = acc.c;
      acc.add(value);
      if (acc.sum !== Infinity && acc.sum !== -Infinity) continue;
      // Switch to the mean of the samples so far, and carry on from there.
      incremental = true;
      acc.sum = sum / (count - 1);
      acc.c = c / (count - 1);
    }
    const q = (count - 1) / count;
    acc.sum *= q;
    acc.c *= q;
    acc.add(value / count);
  }
  if (incremental) return acc.sum + acc.c;
  const count = to - from;
  return acc.sum / count + acc.c / count;
}

export function countOverTime(w: Window): number {
  return w.to - w.from;
}

export function lastOverTime(w: Window): number {
  return w.values[w.to - 1] as number;
}

export function firstOverTime(w: Window): number {
  return w.values[w.from] as number;
}

export function presentOverTime(): number {
  return 1;
}

export function tsOfFirstOverTime(w: Window): number {
  return (w.timestamps[w.from] as number) / 1000;
}

export function tsOfLastOverTime(w: Window): number {
  return (w.timestamps[w.to - 1] as number) / 1000;
}

/**
 * The sample that `better(candidate, best)` prefers, scanning in time order; a NaN best is always replaced, so NaN
 * wins only when every sample is NaN. Returns the index of the chosen sample.
 */
function pick(w: Window, better: (candidate: number, best: number) => boolean): number {
  let best = w.from;
  for (let i = w.from; i < w.to; i++) {
    const bestValue = w.values[best] as number;
    if (better(w.values[i] as number, bestValue) || Number.isNaN(bestValue)) best = i;
  }
  return best;
}

export function minOverTime(w: Window): number {
  return w.values[pick(w, (v, best) => v < best)] as number;
}

export function maxOverTime(w: Window): number {
  return w.values[pick(w, (v, best) => v > best)] as number;
}

/** The time (seconds) of the minimum; of its last occurrence when it repeats. */
export function tsOfMinOverTime(w: Window): number {
  return (w.timestamps[pick(w, (v, best) => v <= best)] as number) / 1000;
}

/** The time (seconds) of the maximum; of its last occurrence when it repeats. */
export function tsOfMaxOverTime(w: Window): number {
  return (w.timestamps[pick(w, (v, best) => v >= best)] as number) / 1000;
}

/** Population variance by Welford's method, with both running quantities compensated as Prometheus does. */
export function stdvarOverTime(w: Window): number {
  const mean = new KahanSum();
  const aux = new KahanSum();
  let count = 0;
  for (let i = w.from; i < w.to; i++) {
    const value = w.values[i] as number;
    count++;
    const delta = value - (mean.sum + mean.c);
    mean.add(delta / count);
    aux.add(delta * (value - (mean.sum + mean.c)));
  }
  return (aux.sum + aux.c) / count;
}

export function stddevOverTime(w: Window): number {
  return Math.sqrt(stdvarOverTime(w));
}

export function quantileOverTime(w: Window, q: number): number {
  return quantile(q, w.values.subarray(w.from, w.to));
}

/** Median absolute deviation from the median; a NaN sample makes it NaN rather than being skipped. */
export function madOverTime(w: Window): number {
  const values = w.values.subarray(w.from, w.to);
  if (values.some(Number.isNaN)) return Number.NaN;
  const median = quantile(0.5, values);
  return quantile(
    0.5,
    values.map((v) => Math.abs(v - median)),
  );
}

/** How often the value dropped (a counter reset) between consecutive samples. */
export function resets(w: Window): number {
  let count = 0;
  for (let i = w.from + 1; i < w.to; i++) if ((w.values[i] as number) < (w.values[i - 1] as number)) count++;
  return count;
}

/** How often the value changed between consecutive samples; NaN followed by NaN is no change. */
export function changes(w: Window): number {
  let count = 0;
  for (let i = w.from + 1; i < w.to; i++) {
    const previous = w.values[i - 1] as number;
    const value = w.values[i] as number;
    if (value !== previous && !(Number.isNaN(value) && Number.isNaN(previous))) count++;
  }
  return count;
}
