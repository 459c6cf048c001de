import { coarserBucket, intersectBounds } from './arithmetic.js';
import { bucketBound, decodeSide, reduceSide, type Side } from './buckets.js';
import { customBoundsMatch, isExponentialSchema, usesCustomBuckets, type FloatHistogram } from './float-histogram.js';
import { zeroCountForThreshold } from './zero-bucket.js';

/**
 * Whether `current` starts after a counter reset relative to `previous` (Prometheus's DetectReset), as rate, increase,
 * resets() and the smoothed/anchored selectors decide it. A `reset` or `not_reset` hint on `current` answers directly
 * (`gauge` does not: gauge histograms given to counter functions are treated as counters, with a warning elsewhere).
 * Otherwise it is a reset when the count drops, when any bucket (or the zero bucket) holds less than before or
 * disappears while it was populated, or when the layout changes in a way only a reset can cause: a finer schema, a
 * narrower zero bucket, a zero bucket widened into the middle of a populated bucket, or a switch to custom buckets.
 * Differing custom bounds are compared on the bounds both have.
 */
export function detectReset(current: FloatHistogram, previous: FloatHistogram): boolean {
  if (current.counterResetHint === 'reset') return true;
  if (current.counterResetHint === 'not_reset') return false;
  if (current.count < previous.count) return true;
  if (usesCustomBuckets(current)) {
    if (!usesCustomBuckets(previous)) return true;
    if (!customBoundsMatch(current.customValues, previous.customValues))
      return customBucketsDecreased(current, previous);
  }
  if (current.schema > previous.schema) return true;
  if (current.zeroThreshold < previous.zeroThreshold) return true;
  const threshold = current.zeroThreshold;
  let previousZeroCount = previous.zeroCount;
  if (!usesCustomBuckets(previous)) {
    const widened = zeroCountForThreshold(
      {
        schema: previous.schema,
        zeroThreshold: previous.zeroThreshold,
        zeroCount: previous.zeroCount,
        zeroComp: 0,
        positive: decodeSide(previous.positiveSpans, previous.positiveBuckets),
        negative: decodeSide(previous.negativeSpans, previous.negativeBuckets),
      },
      threshold,
    );
    if (widened.threshold !== threshold) return true;
    previousZeroCount = widened.zeroCount;
  }
  if (current.zeroCount < previousZeroCount) return true;
  const side = (h: FloatHistogram, positive: boolean): Side => {
    const decoded = positive
      ? decodeSide(h.positiveSpans, h.positiveBuckets)
      : decodeSide(h.negativeSpans, h.negativeBuckets);
    return outsideZeroBucket(reduceSide(decoded, h.schema, current.schema), current.schema, threshold);
  };
  return (
    bucketDecreased(side(current, true), side(previous, true)) ||
    bucketDecreased(side(current, false), side(previous, false))
  );
}

/** The side without its leading buckets whose upper bound lies within the zero bucket (exponential schemas only). */
function outsideZeroBucket(side: Side, schema: number, threshold: number): Side {
  if (threshold === 0 || !isExponentialSchema(schema)) return side;
  let skip = 0;
  while (skip < side.indices.length && bucketBound(side.indices[skip] as number, schema, []) <= threshold) skip++;
  return { indices: side.indices.slice(skip), counts: side.counts.slice(skip) };
}

/** Whether a bucket of `previous` is populated and missing in `current`, or holds more than the same bucket there. */
function bucketDecreased(current: Side, previous: Side): boolean {
  let c = 0;
  for (const [p, index] of previous.indices.entries()) {
    while (c < current.indices.length && (current.indices[c] as number) < index) c++;
    const before = previous.counts[p] as number;
    if (current.indices[c] === index) {
      if ((current.counts[c] as number) < before) return true;
    } else if (before !== 0) {
      return true;
    }
  }
  return false;
}

/** Custom-bucket histograms with different bounds: whether any bucket of the common bounds holds less than before. */
function customBucketsDecreased(current: FloatHistogram, previous: FloatHistogram): boolean {
  const bounds = intersectBounds(current.customValues, previous.customValues);
  const totals = (h: FloatHistogram) => {
    const out = new Array<number>(bounds.length + 1).fill(0);
    const side = decodeSide(h.positiveSpans, h.positiveBuckets);
    side.indices.forEach((index, i) => {
      const target = coarserBucket(index, h.customValues, bounds);
      out[target] = (out[target] as number) + (side.counts[i] as number);
    });
    return out;
  };
  const now = totals(current);
  const before = totals(previous);
  return now.some((count, i) => count < (before[i] as number));
}
