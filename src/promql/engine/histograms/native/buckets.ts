import { kahanInc } from '../../core/kahan.js';
import { CUSTOM_BUCKETS_SCHEMA, type FloatHistogram, type Span } from './float-histogram.js';

/**
 * The buckets of one side of a histogram (positive or negative) as the operations work on them: the absolute index of
 * each present bucket, ascending, with its count and, for Kahan summation, its compensation. Spans are only an
 * encoding of which indices are present; decoding them first lets add, subtract, reduce and compare walk two sides in
 * step by index instead of editing span lists in place.
 */
export interface Side {
  readonly indices: number[];
  readonly counts: number[];
  /** Kahan compensation per bucket (same length as counts), when the side takes part in a compensated sum. */
  comps?: number[];
}

/** The present buckets described by spans and their counts (extra counts beyond the spans are ignored). */
export function decodeSide(spans: readonly Span[], buckets: readonly number[], comps?: readonly number[]): Side {
  const side: Side = { indices: [], counts: [] };
  if (comps) side.comps = [];
  let index = 0;
  let b = 0;
  spans.forEach((span, i) => {
    index = i === 0 ? span.offset : index + span.offset;
    for (let j = 0; j < span.length && b < buckets.length; j++, b++, index++) {
      side.indices.push(index);
      side.counts.push(buckets[b] as number);
      side.comps?.push((comps?.[b] ?? 0) as number);
    }
  });
  return side;
}

/** Spans for ascending bucket indices: one span per run of consecutive indices. */
export function encodeSpans(indices: readonly number[]): Span[] {
  const spans: { offset: number; length: number }[] = [];
  let previous = 0;
  for (const [i, index] of indices.entries()) {
    const last = spans[spans.length - 1];
    if (last && index === previous + 1) last.length++;
    else spans.push({ offset: i === 0 ? index : index - previous - 1, length: 1 });
    previous = index;
  }
  return spans;
}

/** The index, in a coarser schema, of the bucket that contains bucket `index` of schema `from`. */
export function targetIndex(index: number, from: number, to: number): number {
  return ((index - 1) >> (from - to)) + 1;
}

/**
 * The side in the coarser schema `to`: the buckets that fall into one coarser bucket are merged (with Kahan summation
 * of the counts and their compensations when the side carries compensations).
 */
export function reduceSide(side: Side, from: number, to: number): Side {
  if (from === to) return side;
  const out: Side = { indices: [], counts: [] };
  const comps = side.comps;
  if (comps) out.comps = [];
  for (const [i, index] of side.indices.entries()) {
    const target = targetIndex(index, from, to);
    const last = out.indices.length - 1;
    const count = side.counts[i] as number;
    if (last >= 0 && out.indices[last] === target) {
      if (out.comps && comps) {
        let [s, c] = kahanInc(count, out.counts[last] as number, out.comps[last] as number);
        [s, c] = kahanInc(comps[i] as number, s, c);
        out.counts[last] = s;
        out.comps[last] = c;
      } else {
        out.counts[last] = (out.counts[last] as number) + count;
      }
    } else {
      out.indices.push(target);
      out.counts.push(count);
      out.comps?.push(comps?.[i] as number);
    }
  }
  return out;
}

/**
 * 2^(j/256)/2 for j in 0..255: the bucket bounds of schema 8 within [0.5, 1). Every lower schema's bounds are a subset
 * (schema s uses every 2^(8-s)-th entry). Computed rather than tabulated; a few entries differ from Prometheus's table
 * in the last bit, far below any comparison PromQL's tests make.
 */
const SCHEMA8_FRACTIONS: readonly number[] = Array.from({ length: 256 }, (_, j) => 2 ** (j / 256) / 2);

/** Upper bound of exponential bucket `index` in `schema` (Prometheus's getBoundExponential, incl. its MaxFloat64). */
export function exponentialBound(index: number, schema: number): number {
  if (schema < 0) {
    const exp = index * 2 ** -schema;
    return exp === 1024 ? Number.MAX_VALUE : 2 ** exp;
  }
  const frac = SCHEMA8_FRACTIONS[(index & ((1 << schema) - 1)) << (8 - schema)] as number;
  const exp = (index >> schema) + 1;
  if (frac === 0.5 && exp === 1025) return Number.MAX_VALUE;
  return frac * 2 ** exp;
}

/**
 * Upper bound of bucket `index`: exponential, or the custom bound (index -1 is -Inf, index customValues.length the
 * final +Inf).
 */
export function bucketBound(index: number, schema: number, customValues: readonly number[]): number {
  if (schema !== CUSTOM_BUCKETS_SCHEMA) return exponentialBound(index, schema);
  if (index === customValues.length) return Infinity;
  if (index === -1) return -Infinity;
  const bound = customValues[index];
  if (bound === undefined) throw new RangeError(`bucket index ${index} out of range of ${customValues.length} bounds`);
  return bound;
}

/**
 * One bucket with its bounds, as the statistics functions and the query API walk them. Exponential buckets include
 * the bound farther from zero, custom buckets their upper bound (and the first one -Inf), the zero bucket both.
 */
export interface Bucket {
  readonly lower: number;
  readonly upper: number;
  readonly lowerInclusive: boolean;
  readonly upperInclusive: boolean;
  readonly count: number;
  readonly index: number;
}

/**
 * The positive buckets ascending (away from zero), or the negative ones descending (also away from zero), with their
 * bounds; negative buckets have negated bounds, so lower < upper always holds.
 */
function sideBuckets(h: FloatHistogram, positive: boolean): Bucket[] {
  const side = positive
    ? decodeSide(h.positiveSpans, h.positiveBuckets)
    : decodeSide(h.negativeSpans, h.negativeBuckets);
  return side.indices.map((index, i) => {
    const upper = bucketBound(index, h.schema, h.customValues);
    const lower = bucketBound(index - 1, h.schema, h.customValues);
    const count = side.counts[i] as number;
    if (h.schema === CUSTOM_BUCKETS_SCHEMA) {
      return { lower, upper, lowerInclusive: index === 0, upperInclusive: true, count, index };
    }
    return positive
      ? { lower, upper, lowerInclusive: false, upperInclusive: true, count, index }
      : { lower: -upper, upper: -lower, lowerInclusive: true, upperInclusive: false, count, index };
  });
}

/**
 * All buckets from the lowest to the highest value (Prometheus's AllBucketIterator), or from the highest down
 * (AllReverseBucketIterator): negative buckets, the zero bucket when it holds observations, positive buckets. A bucket
 * that reaches into the zero bucket is cut at the zero threshold.
 */
export function allBuckets(h: FloatHistogram, descending = false): Bucket[] {
  const zt = h.zeroThreshold;
  const clip = (b: Bucket): Bucket => {
    if (b.lower > 0 && b.lower < zt) return { ...b, lower: zt };
    if (b.upper < 0 && b.upper > -zt) return { ...b, upper: -zt };
    return b;
  };
  const negative = sideBuckets(h, false).map(clip);
  const positive = sideBuckets(h, true).map(clip);
  const zero: Bucket[] =
    h.zeroCount > 0
      ? [{ lower: -zt, upper: zt, lowerInclusive: true, upperInclusive: true, count: h.zeroCount, index: 0 }]
      : [];
  return descending ? [...positive.reverse(), ...zero, ...negative] : [...negative.reverse(), ...zero, ...positive];
}
