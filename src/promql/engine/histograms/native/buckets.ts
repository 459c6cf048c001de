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
 * 2^(j/256)/2 for j in 0..255: the bucket bounds of schema 8 within [0.5, 1); schema s uses every 2^(8-s)-th entry.
 * Prometheus does not compute these bounds but reads them from a precalculated table (`exponentialBounds` in
 * model/histogram/generic.go) whose entries are not the correctly rounded values: 174 of the 256 differ from
 * `2 ** (j / 256) / 2` in the last bits (up to 4 ulp). Its table does not say how it was made; this construction
 * reproduces all of its 511 entries (schemas 0 to 8, each schema's row a subset of schema 8's) bit for bit, which the
 * tests check against the table's numbers: 2^(j/256) is the product of the factors 2^(2^b/256) of the set bits b of j,
 * multiplied from the highest bit down, the factors being repeated square roots of 2, and the highest bit (j ≥ 128)
 * starts from 1/√2 instead of ½. Only square roots, products and a quotient are used, which IEEE 754 rounds the same
 * everywhere, unlike `**` or `Math.exp`, whose last bit depends on the engine.
 */
function schema8Fractions(): number[] {
  const factors: number[] = [];
  let root = 2;
  for (let bit = 7; bit >= 0; bit--) {
    root = Math.sqrt(root);
    factors[bit] = root;
  }
  return Array.from({ length: 256 }, (_, j) => {
    let frac = j & 128 ? 1 / (factors[7] as number) : 0.5;
    for (let bit = 6; bit >= 0; bit--) if (j & (1 << bit)) frac *= factors[bit] as number;
    return frac;
  });
}

const SCHEMA8_FRACTIONS: readonly number[] = schema8Fractions();

/**
 * frac · 2^exp rounded once, as Go's math.Ldexp, for frac in [0.5, 1): `2 ** exp` alone is already +Inf at exp = 1024,
 * where frac · 2^1024 is still finite for frac < 1 (2^1024 itself overflows, so it is split in two exact steps).
 * Below the subnormals, `2 ** exp` is 0 and so is the exact product after rounding.
 */
function ldexp(frac: number, exp: number): number {
  if (exp > 1023) return frac * 2 * 2 ** (exp - 1);
  return frac * 2 ** exp;
}

/**
 * Upper bound of exponential bucket `index` in `schema` (−4..8), bit for bit Prometheus's getBoundExponential: the
 * schema's fraction in [0.5, 1) scaled by a power of two, or 2^(index·2^−schema) for negative schemas; the last bucket
 * below the ±Inf bucket ends at MaxFloat64 (its formula would give 2^1024, which overflows), every bound beyond that is
 * +Inf and every bound below the smallest subnormal is 0. Bit-exact bounds matter because they are printed in the
 * query API's bucket output and decide which bucket a threshold or a quantile falls into.
 */
export function exponentialBound(index: number, schema: number): number {
  if (schema < 0) {
    const exp = index * 2 ** -schema;
    return exp === 1024 ? Number.MAX_VALUE : 2 ** exp;
  }
  const perPowerOfTwo = 2 ** schema;
  const octave = Math.floor(index / perPowerOfTwo);
  const frac = SCHEMA8_FRACTIONS[(index - octave * perPowerOfTwo) * 2 ** (8 - schema)] as number;
  const exp = octave + 1;
  if (frac === 0.5 && exp === 1025) return Number.MAX_VALUE;
  return ldexp(frac, exp);
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
