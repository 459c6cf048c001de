import { kahanInc } from '../../core/kahan.js';
import { bucketBound, type Side } from './buckets.js';

/** The parts of an exponential histogram that widening its zero bucket reads and changes. */
export interface ZeroBucketState {
  readonly schema: number;
  zeroThreshold: number;
  zeroCount: number;
  /** Kahan compensation of zeroCount. */
  zeroComp: number;
  readonly positive: Side;
  readonly negative: Side;
}

/**
 * What the zero count would be with the larger threshold `threshold`: the zero count plus every bucket that lies
 * (even partly) inside it, summed with Kahan compensation. When the threshold falls inside a populated bucket, it is
 * moved out to that bucket's far bound (and, on the negative side, the positive side is summed again for the new
 * threshold), since a bucket cannot be split. Returns the count, its compensation and the threshold used.
 */
export function zeroCountForThreshold(
  h: ZeroBucketState,
  threshold: number,
): { zeroCount: number; zeroComp: number; threshold: number } {
  if (threshold === h.zeroThreshold) return { zeroCount: h.zeroCount, zeroComp: h.zeroComp, threshold };
  if (threshold < h.zeroThreshold) {
    throw new RangeError(`new zero threshold ${threshold} is less than the old ${h.zeroThreshold}`);
  }
  for (;;) {
    let sum = h.zeroCount;
    let comp = h.zeroComp;
    const absorb = (side: Side, i: number) => {
      [sum, comp] = kahanInc(side.counts[i] as number, sum, comp);
      if (side.comps) [sum, comp] = kahanInc(side.comps[i] as number, sum, comp);
    };
    const pos = h.positive;
    for (let i = 0; i < pos.indices.length; i++) {
      const index = pos.indices[i] as number;
      if (bucketBound(index - 1, h.schema, []) >= threshold) break;
      absorb(pos, i);
      const upper = bucketBound(index, h.schema, []);
      if (upper > threshold) {
        if (pos.counts[i] !== 0) threshold = upper;
        break;
      }
    }
    let widened = false;
    const neg = h.negative;
    for (let i = 0; i < neg.indices.length; i++) {
      const index = neg.indices[i] as number;
      if (bucketBound(index - 1, h.schema, []) >= threshold) break;
      absorb(neg, i);
      const upper = bucketBound(index, h.schema, []);
      if (upper > threshold) {
        if (neg.counts[i] !== 0) {
          threshold = upper;
          widened = true;
        }
        break;
      }
    }
    if (!widened) return { zeroCount: sum, zeroComp: comp, threshold };
  }
}

/**
 * Widens the zero bucket of `h` to `threshold` (which must already be a bucket boundary, as zeroCountForThreshold
 * returns it): the buckets inside are removed, their counts having moved to the zero count. Like Prometheus, this
 * also drops every other empty bucket of `h`.
 */
function widenZeroBucket(h: ZeroBucketState, zeroCount: number, zeroComp: number, threshold: number): void {
  h.zeroThreshold = threshold;
  h.zeroCount = zeroCount;
  h.zeroComp = zeroComp;
  for (const side of [h.positive, h.negative]) {
    for (let i = 0; i < side.indices.length; i++) {
      if (bucketBound((side.indices[i] as number) - 1, h.schema, []) >= threshold) break;
      side.counts[i] = 0;
      if (side.comps) side.comps[i] = 0;
    }
    dropEmpty(side);
  }
}

/** Removes the buckets whose count (and compensation) is zero. */
function dropEmpty(side: Side): void {
  let out = 0;
  for (let i = 0; i < side.indices.length; i++) {
    if (side.counts[i] === 0 && (side.comps?.[i] ?? 0) === 0) continue;
    side.indices[out] = side.indices[i] as number;
    side.counts[out] = side.counts[i] as number;
    if (side.comps) side.comps[out] = side.comps[i] as number;
    out++;
  }
  side.indices.length = out;
  side.counts.length = out;
  if (side.comps) side.comps.length = out;
}

/**
 * Brings the zero buckets of `a` (changed in place) and `b` (read only) to one threshold: the larger of the two,
 * moved out further while it falls inside a populated bucket of either. Returns b's zero count (and compensation) for
 * that threshold.
 */
export function reconcileZeroBuckets(a: ZeroBucketState, b: ZeroBucketState): { zeroCount: number; zeroComp: number } {
  let bCount = b.zeroCount;
  let bComp = 0;
  let bThreshold = b.zeroThreshold;
  // A NaN threshold would never compare equal; leave such (invalid) histograms as they are.
  while (bThreshold !== a.zeroThreshold && !Number.isNaN(bThreshold) && !Number.isNaN(a.zeroThreshold)) {
    if (a.zeroThreshold > bThreshold) {
      const r = zeroCountForThreshold(b, a.zeroThreshold);
      bCount = r.zeroCount;
      bComp = r.zeroComp;
      bThreshold = r.threshold;
    }
    if (bThreshold > a.zeroThreshold) {
      const r = zeroCountForThreshold(a, bThreshold);
      widenZeroBucket(a, r.zeroCount, r.zeroComp, r.threshold);
    }
  }
  return { zeroCount: bCount, zeroComp: bComp };
}
