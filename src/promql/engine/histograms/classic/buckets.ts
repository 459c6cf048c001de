/**
 * Quantiles and fractions of classic histograms: one series per bucket, `upperBound` from the `le` label, `count` the
 * cumulative count of observations ≤ upperBound. Both follow Prometheus (`BucketQuantile`, `BucketFraction`):
 * observations are assumed spread evenly inside a bucket, the lowest bucket starts at 0 when its bound is positive,
 * and a +Inf bucket is required (NaN without one). The input array is not modified.
 */
export interface Bucket {
  readonly upperBound: number;
  readonly count: number;
}

export interface BucketQuantileResult {
  readonly value: number;
  /** Some bucket counted less than a lower one and was raised to it (an info annotation in Prometheus). */
  readonly forcedMonotonicity: boolean;
  /** Differences too small to be more than float rounding (relative 1e-12) were ignored. */
  readonly fixedPrecision: boolean;
  /** For the annotation: the lowest and highest upper bounds that were raised, and the largest raise. */
  readonly minBucket: number;
  readonly maxBucket: number;
  readonly maxDiff: number;
}

/** Relative differences between neighbouring buckets below this are taken for float noise (Prometheus's value). */
const SMALL_DELTA_TOLERANCE = 1e-12;
const MIN_NORMAL = 2 ** -1022;

/**
 * histogram_quantile's φ-quantile of classic buckets. φ < 0 gives -Inf, φ > 1 +Inf, NaN φ NaN. Buckets with equal
 * bounds are merged, counts are made monotonic first. A quantile in the +Inf bucket is the next-highest bound; in
 * the lowest bucket with a bound ≤ 0, that bound.
 */
export function bucketQuantile(q: number, input: readonly Bucket[]): BucketQuantileResult {
  const none = { forcedMonotonicity: false, fixedPrecision: false, minBucket: Infinity, maxBucket: -Infinity };
  if (Number.isNaN(q)) return { value: Number.NaN, ...none, maxDiff: 0 };
  if (q < 0) return { value: -Infinity, ...none, maxDiff: 0 };
  if (q > 1) return { value: Infinity, ...none, maxDiff: 0 };
  const buckets = sortedBuckets(input);
  if (buckets.length === 0 || (buckets[buckets.length - 1] as MutableBucket).upperBound !== Infinity) {
    return { value: Number.NaN, ...none, maxDiff: 0 };
  }
  const merged = coalesce(buckets);
  const fix = ensureMonotonic(merged);
  const n = merged.length;
  if (n < 2) return { value: Number.NaN, ...fix };
  const observations = (merged[n - 1] as MutableBucket).count;
  if (observations === 0) return { value: Number.NaN, ...fix };

  let rank = q * observations;
  const b = search(n - 1, (i) => (merged[i] as MutableBucket).count >= rank);
  const bucket = merged[b] as MutableBucket;
  if (b === n - 1) return { value: (merged[n - 2] as MutableBucket).upperBound, ...fix };
  if (b === 0 && bucket.upperBound <= 0) return { value: bucket.upperBound, ...fix };
  let start = 0;
  let count = bucket.count;
  if (b > 0) {
    const below = merged[b - 1] as MutableBucket;
    start = below.upperBound;
    count -= below.count;
    rank -= below.count;
  }
  return { value: start + (bucket.upperBound - start) * (rank / count), ...fix };
}

/**
 * histogram_fraction of classic buckets: the estimated share of observations in (lower, upper]. No observations or
 * a NaN bound give NaN, lower ≥ upper gives 0. Infinite-width buckets (the first when its bound is ≤ 0, the +Inf
 * one) are counted whole or not at all, never interpolated.
 */
export function bucketFraction(lower: number, upper: number, input: readonly Bucket[]): number {
  const buckets = sortedBuckets(input);
  if (buckets.length === 0 || (buckets[buckets.length - 1] as MutableBucket).upperBound !== Infinity) return Number.NaN;
  const merged = coalesce(buckets);
  const total = (merged[merged.length - 1] as MutableBucket).count;
  if (total === 0 || Number.isNaN(lower) || Number.isNaN(upper)) return Number.NaN;
  if (lower >= upper) return 0;

  let rank = 0;
  let lowerRank = 0;
  let upperRank = 0;
  let lowerSet = false;
  let upperSet = false;
  let lowerBound = (merged[0] as MutableBucket).upperBound <= 0 ? -Infinity : 0;
  for (let i = 0; i < merged.length; i++) {
    const bucket = merged[i] as MutableBucket;
    if (i > 0) lowerBound = (merged[i - 1] as MutableBucket).upperBound;
    const upperBound = bucket.upperBound;
    const interpolate = (v: number): number =>
      lowerBound === -Infinity
        ? bucket.count
        : rank + ((bucket.count - rank) * (v - lowerBound)) / (upperBound - lowerBound);

    if (!lowerSet && lowerBound >= lower) {
      lowerRank = rank;
      lowerSet = true;
    }
    if (!upperSet && lowerBound >= upper) {
      upperRank = rank;
      upperSet = true;
    }
    if (lowerSet && upperSet) break;
    if (!lowerSet && lowerBound < lower && upperBound > lower) {
      lowerRank = interpolate(lower);
      lowerSet = true;
    }
    if (!upperSet && lowerBound < upper && upperBound > upper) {
      upperRank = interpolate(upper);
      upperSet = true;
    }
    if (lowerSet && upperSet) break;
    rank = bucket.count;
  }
  if (!lowerSet || lowerRank > total) lowerRank = total;
  if (!upperSet || upperRank > total) upperRank = total;
  return (upperRank - lowerRank) / total;
}

interface MutableBucket {
  upperBound: number;
  count: number;
}

function sortedBuckets(input: readonly Bucket[]): MutableBucket[] {
  return input
    .map((b) => ({ upperBound: b.upperBound, count: b.count }))
    .sort((a, b) => (a.upperBound < b.upperBound ? -1 : a.upperBound > b.upperBound ? 1 : 0));
}

/** Buckets with the same bound (say `le="0.2"` and `le="2e-1"`) count as one, their counts added. */
function coalesce(buckets: MutableBucket[]): MutableBucket[] {
  const out: MutableBucket[] = [];
  for (const bucket of buckets) {
    const last = out[out.length - 1];
    if (last && last.upperBound === bucket.upperBound) last.count += bucket.count;
    else out.push(bucket);
  }
  return out;
}

/**
 * Makes the cumulative counts non-decreasing (races between scrapes and recording rules can break this), after
 * first flattening differences that are only float noise, in either direction. Mutates the buckets.
 */
function ensureMonotonic(buckets: MutableBucket[]): Omit<BucketQuantileResult, 'value'> {
  let forcedMonotonicity = false;
  let fixedPrecision = false;
  let minBucket = Infinity;
  let maxBucket = -Infinity;
  let maxDiff = 0;
  let previous = (buckets[0] as MutableBucket).count;
  for (let i = 1; i < buckets.length; i++) {
    const bucket = buckets[i] as MutableBucket;
    const current = bucket.count;
    if (current === previous) continue;
    if (almostEqual(previous, current, SMALL_DELTA_TOLERANCE)) {
      bucket.count = previous;
      fixedPrecision = true;
      continue;
    }
    if (current < previous) {
      bucket.count = previous;
      forcedMonotonicity = true;
      if (bucket.upperBound < minBucket) minBucket = bucket.upperBound;
      if (bucket.upperBound > maxBucket) maxBucket = bucket.upperBound;
      if (previous - current > maxDiff) maxDiff = previous - current;
      continue;
    }
    previous = current;
  }
  return { forcedMonotonicity, fixedPrecision, minBucket, maxBucket, maxDiff };
}

/** Prometheus's `almost.Equal`: a relative difference below epsilon (absolute near zero); two NaNs are equal. */
function almostEqual(a: number, b: number, epsilon: number): boolean {
  if (Number.isNaN(a) && Number.isNaN(b)) return true;
  if (a === b) return true;
  const absSum = Math.abs(a) + Math.abs(b);
  const diff = Math.abs(a - b);
  if (a === 0 || b === 0 || absSum < MIN_NORMAL) return diff < epsilon * MIN_NORMAL;
  return diff / Math.min(absSum, Number.MAX_VALUE) < epsilon;
}

/** The first index in [0, n) where `pred` holds, by Go's binary search (so non-monotonic input ends up the same). */
function search(n: number, pred: (i: number) => boolean): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (pred(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
