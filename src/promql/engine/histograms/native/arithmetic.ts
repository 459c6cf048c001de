import { kahanInc } from '../../core/kahan.js';
import { bucketBound, decodeSide, encodeSpans, reduceSide, type Side } from './buckets.js';
import {
  customBoundsMatch,
  isExponentialSchema,
  usesCustomBuckets,
  type CounterResetHint,
  type FloatHistogram,
} from './float-histogram.js';
import { reconcileZeroBuckets, type ZeroBucketState } from './zero-bucket.js';

/** Prometheus's error for adding or subtracting an exponential and a custom-bucket histogram. */
/**
 * The outcome of adding or subtracting two histograms. `counterResetCollision`: one operand said `reset`, the other
 * `not_reset` (Prometheus warns). `nhcbBoundsReconciled`: two custom-bucket histograms had different bounds and the
 * result uses only the bounds both have (Prometheus adds an info annotation). `mixed-schemas`: an exponential and a
 * custom-bucket histogram, which cannot be combined (Prometheus drops the result with a warning).
 */
export type CombineResult =
  | {
      readonly ok: true;
      readonly histogram: FloatHistogram;
      readonly counterResetCollision: boolean;
      readonly nhcbBoundsReconciled: boolean;
    }
  | { readonly ok: false; readonly error: 'mixed-schemas' };

/** kahanAdd's outcome: the running sum and its compensation (same layout), to add together at the very end. */
export type KahanResult =
  | {
      readonly ok: true;
      readonly sum: FloatHistogram;
      readonly compensation: FloatHistogram;
      readonly counterResetCollision: boolean;
      readonly nhcbBoundsReconciled: boolean;
    }
  | { readonly ok: false; readonly error: 'mixed-schemas' };

/**
 * a + b, bucket by bucket. The result has the coarser schema of the two (the finer one's buckets are merged), a zero
 * bucket wide enough for both (buckets inside it move into the zero count), and every bucket present in either. Two
 * custom-bucket histograms with different bounds are added on the bounds they share. The result is not compacted:
 * Prometheus compacts where the value leaves the operation (see compact).
 */
export function add(a: FloatHistogram, b: FloatHistogram): CombineResult {
  return combine(a, b, 1);
}

/**
 * a − b, as add. The counter reset hint is combined as for add; the `-` operator marks its result `gauge` itself
 * (withHint), because subtraction is also used inside rate and interpolation where the hint must not change.
 */
export function sub(a: FloatHistogram, b: FloatHistogram): CombineResult {
  return combine(a, b, -1);
}

/**
 * One step of a Kahan-compensated sum of histograms, as Prometheus's sum and avg aggregations do it: adds `b` to the
 * running `sum` whose compensation is `compensation` (undefined at the first step). The caller finishes with
 * add(sum, compensation).
 */
export function kahanAdd(
  sum: FloatHistogram,
  compensation: FloatHistogram | undefined,
  b: FloatHistogram,
): KahanResult {
  const r = combineWork(sum, compensation ?? zeroCompensation(sum), b, 1, true);
  if (!r.ok) return r;
  return {
    ok: true,
    sum: r.histogram,
    compensation: r.compensation ?? zeroCompensation(r.histogram),
    counterResetCollision: r.counterResetCollision,
    nhcbBoundsReconciled: r.nhcbBoundsReconciled,
  };
}

/**
 * The compensated sum of a non-empty list of histograms, as sum() and sum_over_time() add them; undefined when two of
 * them cannot be added (exponential and custom-bucket schemas mixed).
 */
export function kahanSum(histograms: readonly FloatHistogram[]): FloatHistogram | undefined {
  let sum = histograms[0] as FloatHistogram;
  let compensation: FloatHistogram | undefined;
  for (const h of histograms.slice(1)) {
    const step = kahanAdd(sum, compensation, h);
    if (!step.ok) return undefined;
    sum = step.sum;
    compensation = step.compensation;
  }
  if (!compensation) return sum;
  const total = add(sum, compensation);
  return total.ok ? total.histogram : sum;
}

/**
 * h × factor: every count and the sum scaled, the layout kept. A negative factor makes the result a gauge histogram.
 */
export function mul(h: FloatHistogram, factor: number): FloatHistogram {
  return {
    ...h,
    zeroCount: h.zeroCount * factor,
    count: h.count * factor,
    sum: h.sum * factor,
    positiveBuckets: h.positiveBuckets.map((v) => v * factor),
    negativeBuckets: h.negativeBuckets.map((v) => v * factor),
    counterResetHint: factor < 0 ? 'gauge' : h.counterResetHint,
  };
}

/**
 * h ÷ divisor, as mul. Dividing by zero leaves the zero count, count and sum at ±Inf/NaN and removes every bucket
 * (Prometheus's behaviour; the hint is then kept).
 */
export function div(h: FloatHistogram, divisor: number): FloatHistogram {
  const scaled = { ...h, zeroCount: h.zeroCount / divisor, count: h.count / divisor, sum: h.sum / divisor };
  if (divisor === 0)
    return { ...scaled, positiveSpans: [], positiveBuckets: [], negativeSpans: [], negativeBuckets: [] };
  return {
    ...scaled,
    positiveBuckets: h.positiveBuckets.map((v) => v / divisor),
    negativeBuckets: h.negativeBuckets.map((v) => v / divisor),
    counterResetHint: divisor < 0 ? 'gauge' : h.counterResetHint,
  };
}

/** −h (unary minus): h × −1, so a gauge histogram. */
export function negate(h: FloatHistogram): FloatHistogram {
  return mul(h, -1);
}

/** The histogram with another counter reset hint (the `-` operator and rate mark their results `gauge`). */
export function withHint(h: FloatHistogram, counterResetHint: CounterResetHint): FloatHistogram {
  return h.counterResetHint === counterResetHint ? h : { ...h, counterResetHint };
}

/**
 * The hint of a sum or difference. Equal hints stay; a gauge operand makes a gauge; an unknown operand makes unknown;
 * `reset` against `not_reset` is a collision, resolved to unknown.
 */
export function combineHints(a: CounterResetHint, b: CounterResetHint): { hint: CounterResetHint; collision: boolean } {
  if (a === b) return { hint: a, collision: false };
  if (a === 'gauge' || b === 'gauge') return { hint: 'gauge', collision: false };
  if (a === 'unknown' || b === 'unknown') return { hint: 'unknown', collision: false };
  return { hint: 'unknown', collision: true };
}

function combine(a: FloatHistogram, b: FloatHistogram, sign: 1 | -1): CombineResult {
  const r = combineWork(a, undefined, b, sign, false);
  if (!r.ok) return r;
  return {
    ok: true,
    histogram: r.histogram,
    counterResetCollision: r.counterResetCollision,
    nhcbBoundsReconciled: r.nhcbBoundsReconciled,
  };
}

type WorkResult =
  | {
      readonly ok: true;
      readonly histogram: FloatHistogram;
      /** Only with `kahan`. */
      readonly compensation: FloatHistogram | undefined;
      readonly counterResetCollision: boolean;
      readonly nhcbBoundsReconciled: boolean;
    }
  | { readonly ok: false; readonly error: 'mixed-schemas' };

/**
 * The one implementation behind add, sub and kahanAdd. With `kahan`, every sum is compensated and `aComp` holds a's
 * compensation (same layout as a); without, sums are plain and compensations are not kept.
 */
function combineWork(
  a: FloatHistogram,
  aComp: FloatHistogram | undefined,
  b: FloatHistogram,
  sign: 1 | -1,
  kahan: boolean,
): WorkResult {
  if (usesCustomBuckets(a) !== usesCustomBuckets(b)) return { ok: false, error: 'mixed-schemas' };
  const { hint, collision } = combineHints(a.counterResetHint, b.counterResetHint);
  const inc = (x: number, s: number, c: number): [number, number] => (kahan ? kahanInc(x, s, c) : [s + x, 0]);
  const [count, countComp] = inc(sign * b.count, a.count, aComp?.count ?? 0);
  const [sum, sumComp] = inc(sign * b.sum, a.sum, aComp?.sum ?? 0);

  const aPositive = decodeSide(a.positiveSpans, a.positiveBuckets, kahan ? (aComp?.positiveBuckets ?? []) : undefined);
  const bPositive = decodeSide(b.positiveSpans, b.positiveBuckets);

  if (usesCustomBuckets(a)) {
    const matching = customBoundsMatch(a.customValues, b.customValues);
    const customValues = matching ? a.customValues : intersectBounds(a.customValues, b.customValues);
    const positive = matching
      ? mergeSides(aPositive, bPositive, sign, kahan, () => false)
      : mapToBounds(aPositive, a.customValues, bPositive, b.customValues, sign, customValues, kahan);
    const layout = { schema: a.schema, zeroThreshold: 0, customValues };
    return {
      ok: true,
      histogram: build(hint, layout, 0, count, sum, positive, emptySide(), false),
      compensation: kahan ? build(hint, layout, 0, countComp, sumComp, positive, emptySide(), true) : undefined,
      counterResetCollision: collision,
      nhcbBoundsReconciled: !matching,
    };
  }

  const work: ZeroBucketState = {
    schema: a.schema,
    zeroThreshold: a.zeroThreshold,
    zeroCount: a.zeroCount,
    zeroComp: aComp?.zeroCount ?? 0,
    positive: aPositive,
    negative: decodeSide(a.negativeSpans, a.negativeBuckets, kahan ? (aComp?.negativeBuckets ?? []) : undefined),
  };
  const bNegative = decodeSide(b.negativeSpans, b.negativeBuckets);
  const bZero = reconcileZeroBuckets(work, {
    schema: b.schema,
    zeroThreshold: b.zeroThreshold,
    zeroCount: b.zeroCount,
    zeroComp: 0,
    positive: bPositive,
    negative: bNegative,
  });
  let [zeroCount, zeroComp] = inc(sign * bZero.zeroCount, work.zeroCount, work.zeroComp);
  if (kahan) [zeroCount, zeroComp] = kahanInc(bZero.zeroComp, zeroCount, zeroComp);

  const schema = Math.min(a.schema, b.schema);
  const reduce = (side: Side, from: number, withComps: boolean): Side => {
    if (from === schema) return side;
    if (withComps && !side.comps) side.comps = side.counts.map(() => 0);
    return reduceSide(side, from, schema);
  };
  const aPos = reduce(work.positive, a.schema, kahan);
  const aNeg = reduce(work.negative, a.schema, kahan);
  const bPos = reduce(bPositive, b.schema, kahan);
  const bNeg = reduce(bNegative, b.schema, kahan);
  const threshold = work.zeroThreshold;
  const inZero = (index: number) => isExponentialSchema(schema) && bucketBound(index, schema, []) <= threshold;
  const positive = mergeSides(aPos, bPos, sign, kahan, inZero);
  const negative = mergeSides(aNeg, bNeg, sign, kahan, inZero);
  const layout = { schema, zeroThreshold: threshold, customValues: a.customValues };
  return {
    ok: true,
    histogram: build(hint, layout, zeroCount, count, sum, positive, negative, false),
    compensation: kahan ? build(hint, layout, zeroComp, countComp, sumComp, positive, negative, true) : undefined,
    counterResetCollision: collision,
    nhcbBoundsReconciled: false,
  };
}

function emptySide(): Side {
  return { indices: [], counts: [], comps: [] };
}

/** A histogram (or, with `comps`, its compensation) from combined sides. */
function build(
  counterResetHint: CounterResetHint,
  layout: { schema: number; zeroThreshold: number; customValues: readonly number[] },
  zeroCount: number,
  count: number,
  sum: number,
  positive: Side,
  negative: Side,
  comps: boolean,
): FloatHistogram {
  const values = (side: Side) => (comps ? (side.comps ?? side.counts.map(() => 0)) : side.counts);
  return {
    counterResetHint,
    ...layout,
    zeroCount,
    count,
    sum,
    positiveSpans: encodeSpans(positive.indices),
    positiveBuckets: values(positive),
    negativeSpans: encodeSpans(negative.indices),
    negativeBuckets: values(negative),
  };
}

/**
 * Every bucket of a and of b (b's counts times `sign`), summed where both have one. b's buckets for which `skip`
 * holds (those inside the zero bucket, already counted in the zero count) are left out.
 */
function mergeSides(a: Side, b: Side, sign: 1 | -1, kahan: boolean, skip: (index: number) => boolean): Side {
  const out: Side = { indices: [], counts: [] };
  if (kahan) out.comps = [];
  let i = 0;
  let j = 0;
  while (j < b.indices.length && skip(b.indices[j] as number)) j++;
  while (i < a.indices.length || j < b.indices.length) {
    const ai = a.indices[i];
    const bi = b.indices[j];
    if (bi === undefined || (ai !== undefined && ai < bi)) {
      out.indices.push(ai as number);
      out.counts.push(a.counts[i] as number);
      out.comps?.push(a.comps?.[i] ?? 0);
      i++;
      continue;
    }
    const bCount = sign * (b.counts[j] as number);
    const bComp = sign * (b.comps?.[j] ?? 0);
    if (ai === bi) {
      let count = a.counts[i] as number;
      let comp = a.comps?.[i] ?? 0;
      if (kahan) {
        [count, comp] = kahanInc(bCount, count, comp);
        if (bComp !== 0) [count, comp] = kahanInc(bComp, count, comp);
      } else {
        count += bCount;
      }
      out.indices.push(ai);
      out.counts.push(count);
      out.comps?.push(comp);
      i++;
    } else {
      out.indices.push(bi);
      out.counts.push(bCount);
      out.comps?.push(bComp);
    }
    j++;
  }
  return out;
}

/** The bounds two custom-bucket histograms have in common. */
export function intersectBounds(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as number;
    const y = b[j] as number;
    if (x === y) {
      out.push(x);
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return out;
}

/**
 * The bucket of the coarser layout `bounds` (a subset of `sourceBounds`) that source bucket `index` falls into: the
 * first common bound at or above the bucket's own upper bound, or the +Inf bucket.
 */
export function coarserBucket(index: number, sourceBounds: readonly number[], bounds: readonly number[]): number {
  if (index >= sourceBounds.length) return bounds.length;
  const upper = sourceBounds[index] as number;
  const found = bounds.findIndex((bound) => bound >= upper);
  return found === -1 ? bounds.length : found;
}

/**
 * a ± b for custom-bucket histograms with different bounds: both mapped onto the common `bounds` (each bucket into
 * the common bucket that contains it), with Kahan summation per bucket; buckets that end up empty are left out.
 */
function mapToBounds(
  a: Side,
  aBounds: readonly number[],
  b: Side,
  bBounds: readonly number[],
  sign: 1 | -1,
  bounds: readonly number[],
  kahan: boolean,
): Side {
  const counts = new Array<number>(bounds.length + 1).fill(0);
  const comps = new Array<number>(bounds.length + 1).fill(0);
  const add = (target: number, value: number) => {
    [counts[target], comps[target]] = kahanInc(value, counts[target] as number, comps[target] as number);
  };
  a.indices.forEach((index, i) => {
    const target = coarserBucket(index, aBounds, bounds);
    add(target, a.counts[i] as number);
    if (kahan && a.comps) add(target, a.comps[i] as number);
  });
  b.indices.forEach((index, i) => add(coarserBucket(index, bBounds, bounds), sign * (b.counts[i] as number)));
  const out: Side = { indices: [], counts: [] };
  if (kahan) out.comps = [];
  counts.forEach((count, target) => {
    if (count === 0 && comps[target] === 0) return;
    out.indices.push(target);
    out.counts.push(count);
    out.comps?.push(comps[target] as number);
  });
  return out;
}

function zeroCompensation(h: FloatHistogram): FloatHistogram {
  return {
    ...h,
    zeroCount: 0,
    count: 0,
    sum: 0,
    positiveBuckets: h.positiveBuckets.map(() => 0),
    negativeBuckets: h.negativeBuckets.map(() => 0),
  };
}
