import { decodeSide, encodeSpans, reduceSide } from './buckets.js';
import { customBoundsMatch, usesCustomBuckets, type FloatHistogram, type Span } from './float-histogram.js';

/**
 * The histogram with its empty buckets dropped, except runs of at most `maxEmptyBuckets` empty buckets between
 * populated ones, which are kept (filled in where absent) so that one span covers them. Prometheus compacts with 0
 * wherever a histogram leaves an operation (binary operators, sum/avg, rate…), and its test harness compacts both
 * sides before comparing; TestExpression compacts with no limit, so that one span remains.
 *
 * Only the populated buckets decide the result, whatever the input's spans and explicit zeros were.
 */
export function compact(h: FloatHistogram, maxEmptyBuckets = 0): FloatHistogram {
  const positive = compactSide(h.positiveSpans, h.positiveBuckets, maxEmptyBuckets);
  const negative = compactSide(h.negativeSpans, h.negativeBuckets, maxEmptyBuckets);
  return {
    ...h,
    positiveSpans: positive.spans,
    positiveBuckets: positive.buckets,
    negativeSpans: negative.spans,
    negativeBuckets: negative.buckets,
  };
}

function compactSide(
  spans: readonly Span[],
  buckets: readonly number[],
  maxEmptyBuckets: number,
): { spans: Span[]; buckets: number[] } {
  const side = decodeSide(spans, buckets);
  const indices: number[] = [];
  const counts: number[] = [];
  side.indices.forEach((index, i) => {
    const count = side.counts[i] as number;
    if (count === 0) return;
    const previous = indices[indices.length - 1];
    if (previous !== undefined && index - previous - 1 <= maxEmptyBuckets) {
      for (let gap = previous + 1; gap < index; gap++) {
        indices.push(gap);
        counts.push(0);
      }
    }
    indices.push(index);
    counts.push(count);
  });
  return { spans: encodeSpans(indices), buckets: counts };
}

/**
 * Whether two histograms are the same data, as Prometheus's `==` between histograms decides: same schema, zero
 * threshold and custom bounds; count, sum, zero count and every bucket bit for bit (so NaN equals the same NaN and 0
 * differs from -0); and the same buckets present, empty ones included. Unlike Prometheus, two span lists that only
 * split one run of buckets differently count as the same layout (vigil never produces such splits).
 */
export function equals(a: FloatHistogram, b: FloatHistogram): boolean {
  if (a.schema !== b.schema || !sameBits(a.count, b.count) || !sameBits(a.sum, b.sum)) return false;
  if (usesCustomBuckets(a) && !customBoundsMatch(a.customValues, b.customValues)) return false;
  if (a.zeroThreshold !== b.zeroThreshold || !sameBits(a.zeroCount, b.zeroCount)) return false;
  return (
    sameSide(a.positiveSpans, a.positiveBuckets, b.positiveSpans, b.positiveBuckets) &&
    sameSide(a.negativeSpans, a.negativeBuckets, b.negativeSpans, b.negativeBuckets)
  );
}

function sameSide(
  aSpans: readonly Span[],
  aBuckets: readonly number[],
  bSpans: readonly Span[],
  bBuckets: readonly number[],
): boolean {
  const a = decodeSide(aSpans, aBuckets);
  const b = decodeSide(bSpans, bBuckets);
  return (
    a.indices.length === b.indices.length &&
    a.indices.every((index, i) => index === b.indices[i] && sameBits(a.counts[i] as number, b.counts[i] as number))
  );
}

const floatView = new Float64Array(2);
const bitsView = new BigUint64Array(floatView.buffer);

/** Bitwise float equality (Go's math.Float64bits comparison): tells NaN payloads (the stale marker) and ±0 apart. */
function sameBits(x: number, y: number): boolean {
  floatView[0] = x;
  floatView[1] = y;
  return bitsView[0] === bitsView[1];
}

/**
 * The histogram in the coarser exponential schema `schema` (≤ h.schema), buckets merged. Like Prometheus's
 * CopyToSchema, a changed histogram loses its counter reset hint (rate only uses the result as a starting point).
 */
export function toSchema(h: FloatHistogram, schema: number): FloatHistogram {
  if (schema === h.schema) return h;
  if (usesCustomBuckets(h) || schema > h.schema) {
    throw new RangeError(`cannot reduce a histogram from schema ${h.schema} to ${schema}`);
  }
  const positive = reduceSide(decodeSide(h.positiveSpans, h.positiveBuckets), h.schema, schema);
  const negative = reduceSide(decodeSide(h.negativeSpans, h.negativeBuckets), h.schema, schema);
  return {
    ...h,
    counterResetHint: 'unknown',
    schema,
    positiveSpans: encodeSpans(positive.indices),
    positiveBuckets: positive.counts,
    negativeSpans: encodeSpans(negative.indices),
    negativeBuckets: negative.counts,
  };
}
