/**
 * A running Kahan–Babuška (Neumaier) sum of single values, for the `*_over_time` functions and the regressions.
 * Prometheus compensates these sums the same way (its `kahansum.Inc`), and the test scripts check results that only
 * come out right with the compensation, e.g. `sum_over_time` of `1 1e100 1 -1e100` is 2, not 0.
 *
 * The compensation is kept apart from the sum (`sum`, `c`) because callers combine them differently: the mean in
 * avg_over_time divides both by the count, variance reads `sum + c` while still adding.
 */
export class KahanSum {
  sum = 0;
  c = 0;

  constructor(sum = 0, c = 0) {
    this.sum = sum;
    this.c = c;
  }

  add(inc: number): void {
    const sum = this.sum;
    const t = sum + inc;
    // An infinite sum makes the compensation meaningless (it would become NaN), so it is dropped.
    if (t === Infinity || t === -Infinity) this.c = 0;
    else if (Math.abs(sum) >= Math.abs(inc)) this.c += sum - t + inc;
    else this.c += inc - t + sum;
    this.sum = t;
  }

  /** The compensated total; an infinite sum stays infinite rather than absorbing a finite compensation. */
  total(): number {
    return this.sum === Infinity || this.sum === -Infinity ? this.sum : this.sum + this.c;
  }
}
