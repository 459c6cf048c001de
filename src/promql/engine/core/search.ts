/** The binary searches over ascending sample times that the evaluator and the stores share. */

/** Index of the first time greater than `t` (`times.length` when there is none): the end of a window `(…, t]`. */
export function firstAfter(times: ArrayLike<number>, t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((times[mid] as number) <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first time at or after `t` (`times.length` when there is none): the start of a range `[t, …]`. */
export function firstAtOrAfter(times: ArrayLike<number>, t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((times[mid] as number) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
