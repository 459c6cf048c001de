/**
 * Kahan–Babuška (Neumaier) summation, as Prometheus sums floats (its `kahansum.Inc`): the one definition of a
 * compensated step, in the three shapes its callers need — typed-array slots for the aggregations' hot loops, a running
 * sum object for the `*_over_time` functions and regressions, a pair for histogram buckets. The test scripts check
 * results that only come out right with it, e.g. `sum_over_time` of `1 1e100 1 -1e100` is 2, not 0.
 */

/**
 * The compensation after adding `inc` to `sum` (the new sum is `sum + inc`). An infinite sum drops the compensation,
 * which would otherwise become NaN.
 */
function compensate(sum: number, inc: number, comp: number): number {
  const t = sum + inc;
  if (t === Infinity || t === -Infinity) return 0;
  return Math.abs(sum) >= Math.abs(inc) ? comp + (sum - t + inc) : comp + (inc - t + sum);
}

/**
 * Adds `inc` to slot `slot` of running sums kept in typed arrays (one slot per group or series), so hot loops allocate
 * nothing; the caller adds the compensation to the sum at the end.
 */
export function kahanAdd(sums: Float64Array, comps: Float64Array, slot: number, inc: number): void {
  const sum = sums[slot] as number;
  comps[slot] = compensate(sum, inc, comps[slot] as number);
  sums[slot] = sum + inc;
}

/** One step as a pair: the new sum and compensation (histogram buckets, summed one by one). */
export function kahanInc(inc: number, sum: number, comp: number): [number, number] {
  return [sum + inc, compensate(sum, inc, comp)];
}

/**
 * A running compensated sum of single values. The compensation is kept apart from the sum (`sum`, `c`) because
 * callers combine them differently: the mean in avg_over_time divides both by the count, variance reads `sum + c`
 * while still adding.
 */
export class KahanSum {
  sum = 0;
  c = 0;

  constructor(sum = 0, c = 0) {
    this.sum = sum;
    this.c = c;
  }

  add(inc: number): void {
    this.c = compensate(this.sum, inc, this.c);
    this.sum += inc;
  }

  /** The compensated total; an infinite sum stays infinite rather than absorbing a finite compensation. */
  total(): number {
    return this.sum === Infinity || this.sum === -Infinity ? this.sum : this.sum + this.c;
  }
}
