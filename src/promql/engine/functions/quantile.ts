/**
 * The φ-quantile of a set of values, as PromQL's `quantile` aggregation and `quantile_over_time` compute it: the
 * values are ordered with NaN below everything else, and a rank between two values is interpolated linearly (so a
 * quantile falling between a NaN and a number is NaN). No values or a NaN φ give NaN; φ < 0 gives -Inf and φ > 1
 * gives +Inf. The caller's values are left untouched.
 */
export function quantile(q: number, values: ArrayLike<number>): number {
  const n = values.length;
  if (n === 0 || Number.isNaN(q)) return Number.NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  const sorted = sortNaNFirst(values);
  const rank = q * (n - 1);
  const lower = Math.max(0, Math.floor(rank));
  const upper = Math.min(n - 1, lower + 1);
  const weight = rank - Math.floor(rank);
  return (sorted[lower] as number) * (1 - weight) + (sorted[upper] as number) * weight;
}

/** A sorted copy with the NaNs first, where Prometheus's value ordering puts them (a typed array sorts them last). */
function sortNaNFirst(values: ArrayLike<number>): Float64Array {
  const sorted = Float64Array.from(values).sort();
  let nans = 0;
  for (let i = sorted.length - 1; i >= 0 && Number.isNaN(sorted[i]); i--) nans++;
  if (nans === 0) return sorted;
  const out = new Float64Array(sorted.length).fill(Number.NaN);
  out.set(sorted.subarray(0, sorted.length - nans), nans);
  return out;
}
