/**
 * Kahan–Babuška (Neumaier) summation, as Prometheus sums floats. The running sums and their compensations live in
 * typed arrays (one slot per group or series) so that the hot loops allocate nothing; the caller adds the
 * compensation to the sum at the end. An infinite sum drops the compensation, which would otherwise turn into NaN.
 */
export function kahanAdd(sums: Float64Array, comps: Float64Array, slot: number, inc: number): void {
  const sum = sums[slot] as number;
  const t = sum + inc;
  if (t === Infinity || t === -Infinity) comps[slot] = 0;
  else if (Math.abs(sum) >= Math.abs(inc)) comps[slot] = (comps[slot] as number) + (sum - t + inc);
  else comps[slot] = (comps[slot] as number) + (inc - t + sum);
  sums[slot] = t;
}
