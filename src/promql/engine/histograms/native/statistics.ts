import { kahanInc } from '../../core/kahan.js';
import { allBuckets, type Bucket } from './buckets.js';
import { usesCustomBuckets, type FloatHistogram } from './float-histogram.js';

/** histogram_count(): the number of observations. */
export function histogramCount(h: FloatHistogram): number {
  return h.count;
}

/** histogram_sum(): the sum of observations. */
export function histogramSum(h: FloatHistogram): number {
  return h.sum;
}

/** histogram_avg(): sum ÷ count. */
export function histogramAvg(h: FloatHistogram): number {
  return h.sum / h.count;
}

/**
 * histogram_stdvar(): the variance of the observations, estimated by putting every observation of a bucket at one
 * point of it: the geometric mean of its bounds for exponential buckets (negated for negative buckets), 0 in the zero
 * bucket, the arithmetic mean for custom buckets (-Inf or +Inf for the open-ended first and last ones). The squared
 * deviations from sum/count are Kahan-summed and divided by the count.
 */
export function histogramStdvar(h: FloatHistogram): number {
  const mean = h.sum / h.count;
  const custom = usesCustomBuckets(h);
  let variance = 0;
  let comp = 0;
  for (const b of allBuckets(h)) {
    if (b.count === 0) continue;
    let value: number;
    if (custom) value = (b.upper + b.lower) / 2;
    else if (b.lower <= 0 && b.upper >= 0) value = 0;
    else value = b.upper < 0 ? -Math.sqrt(b.upper * b.lower) : Math.sqrt(b.upper * b.lower);
    const delta = value - mean;
    [variance, comp] = kahanInc(b.count * delta * delta, variance, comp);
  }
  return (variance + comp) / h.count;
}

/** histogram_stddev(): the square root of histogramStdvar. */
export function histogramStddev(h: FloatHistogram): number {
  return Math.sqrt(histogramStdvar(h));
}

/**
 * Info annotations the quantile and fraction estimates can raise (Prometheus's wording is the evaluator's):
 * `quantile-nan-result`: the quantile falls among NaN observations, so the result is NaN;
 * `quantile-nan-skew`: NaN observations exist and skew the estimate;
 * `fraction-nans`: NaN observations exist and are left out of the fraction.
 */
type EstimateInfo = 'quantile-nan-result' | 'quantile-nan-skew' | 'fraction-nans';

export interface Estimate {
  readonly value: number;
  readonly info?: EstimateInfo;
}

/**
 * histogram_quantile() of a native histogram: the φ-quantile, found in the bucket where the cumulative count reaches
 * φ·count and interpolated inside it: log-linearly in exponential buckets (their bounds grow geometrically), linearly
 * in custom buckets and in the zero bucket. φ < 0 gives -Inf, φ > 1 +Inf, an empty histogram NaN. Quantiles at or
 * above the median are counted down from the top (for precision), unless the sum is NaN (NaN observations count in
 * `count` but in no bucket). An open-ended custom bucket answers with its finite bound; a zero bucket next to buckets
 * of one sign only is taken to stop at 0.
 */
export function histogramQuantile(q: number, h: FloatHistogram): Estimate {
  if (q < 0) return { value: -Infinity };
  if (q > 1) return { value: Infinity };
  if (h.count === 0 || Number.isNaN(q)) return { value: NaN };

  const forward = Number.isNaN(h.sum) || q < 0.5;
  const buckets = allBuckets(h, !forward);
  let rank = forward ? q * h.count : (1 - q) * h.count;
  let count = 0;
  let at = 0;
  let bucket: Bucket = { lower: 0, upper: 0, lowerInclusive: false, upperInclusive: false, count: 0, index: 0 };
  for (; at < buckets.length; at++) {
    bucket = buckets[at] as Bucket;
    if (bucket.count === 0) continue;
    count += bucket.count;
    if (count >= rank) break;
  }
  let { lower, upper } = bucket;
  if (!usesCustomBuckets(h) && lower < 0 && upper > 0) {
    if (h.negativeBuckets.length === 0 && h.positiveBuckets.length > 0) lower = 0;
    else if (h.positiveBuckets.length === 0 && h.negativeBuckets.length > 0) upper = 0;
  } else if (usesCustomBuckets(h)) {
    if (lower === -Infinity) {
      if (upper <= 0) return { value: upper };
      lower = 0;
    } else if (upper === Infinity) {
      return { value: lower };
    }
  }
  count = Math.min(count, h.count);
  if (count < rank) {
    // Only NaN observations (counted in `count`, in no bucket) leave the rank unreached.
    if (Number.isNaN(h.sum)) return { value: NaN, info: 'quantile-nan-result' };
    return { value: upper };
  }

  rank = forward ? rank - (count - bucket.count) : count - rank;
  let info: EstimateInfo | undefined;
  if (Number.isNaN(h.sum)) {
    for (const rest of buckets.slice(at + 1)) count += rest.count;
    if (count < h.count) info = 'quantile-nan-skew';
  }
  const fraction = rank / bucket.count;
  const result = (value: number): Estimate => (info ? { value, info } : { value });
  if (usesCustomBuckets(h) || (lower <= 0 && upper >= 0)) return result(lower + (upper - lower) * fraction);
  const logLower = Math.log2(Math.abs(lower));
  const logUpper = Math.log2(Math.abs(upper));
  if (lower > 0) return result(2 ** (logLower + (logUpper - logLower) * fraction));
  return result(-(2 ** (logUpper + (logLower - logUpper) * (1 - fraction))));
}

/**
 * histogram_fraction(): the estimated share of observations between `lower` and `upper`, interpolating inside the
 * buckets the limits fall in (log-linearly in exponential buckets, linearly in custom buckets and the zero bucket; an
 * open-ended bucket contributes nothing beyond its finite bound). NaN for an empty histogram or NaN limits, 0 when
 * lower ≥ upper.
 */
export function histogramFraction(lower: number, upper: number, h: FloatHistogram): Estimate {
  if (h.count === 0 || Number.isNaN(lower) || Number.isNaN(upper)) return { value: NaN };
  if (lower >= upper) return { value: 0 };
  const custom = usesCustomBuckets(h);
  const buckets = allBuckets(h);
  let rank = 0;
  let count = 0;
  let lowerRank = 0;
  let upperRank = 0;
  let lowerSet = false;
  let upperSet = false;
  let at = 0;
  for (; at < buckets.length; at++) {
    const b = buckets[at] as Bucket;
    count += b.count;
    let bLower = b.lower;
    let bUpper = b.upper;
    const zeroBucket = bLower <= 0 && bUpper >= 0;
    if (zeroBucket) {
      if (h.negativeBuckets.length === 0 && h.positiveBuckets.length > 0) bLower = 0;
      else if (h.positiveBuckets.length === 0 && h.negativeBuckets.length > 0) bUpper = 0;
    }
    const rankAt = (v: number): number => {
      if (custom || zeroBucket) {
        if (bLower === -Infinity) return b.count;
        return rank + b.count * ((v - bLower) / (bUpper - bLower));
      }
      return rank + b.count * logFractionBelow(v, bLower, bUpper);
    };
    if (!lowerSet && bLower >= lower) {
      lowerRank = rank;
      lowerSet = true;
    }
    if (!upperSet && bLower >= upper) {
      upperRank = rank;
      upperSet = true;
    }
    if (lowerSet && upperSet) break;
    if (!lowerSet && bLower < lower && bUpper > lower) {
      lowerRank = rankAt(lower);
      lowerSet = true;
    }
    if (!upperSet && bLower < upper && bUpper > upper) {
      upperRank = rankAt(upper);
      upperSet = true;
    }
    if (lowerSet && upperSet) break;
    rank += b.count;
  }
  let info: EstimateInfo | undefined;
  if (Number.isNaN(h.sum)) {
    for (const rest of buckets.slice(at + 1)) count += rest.count;
    if (count < h.count) info = 'fraction-nans';
  } else {
    count = h.count;
  }
  if (!lowerSet || lowerRank > count) lowerRank = count;
  if (!upperSet || upperRank > count) upperRank = count;
  const value = (upperRank - lowerRank) / h.count;
  return info ? { value, info } : { value };
}

/** The share of a bucket below v on a log scale (the scale on which exponential buckets are evenly wide). */
function logFractionBelow(v: number, lower: number, upper: number): number {
  const logLower = Math.log2(Math.abs(lower));
  const logUpper = Math.log2(Math.abs(upper));
  const logV = Math.log2(Math.abs(v));
  if (v > 0) return (logV - logLower) / (logUpper - logLower);
  return 1 - (logV - logUpper) / (logLower - logUpper);
}
