/**
 * Prometheus's native histogram as PromQL computes with it (Prometheus's `FloatHistogram`): float counts, absolute (not
 * delta-encoded) bucket counts, and buckets laid out by spans. Values are immutable: every operation in this folder
 * returns a new histogram and never touches its inputs, so the evaluator can share one sample between series and steps
 * without copying.
 */

/**
 * What is known about a counter reset at this sample. `gauge` marks a gauge histogram, where resets do not apply. The
 * names are those of the test notation's `counter_reset_hint:` values.
 */
export type CounterResetHint = 'unknown' | 'reset' | 'not_reset' | 'gauge';

/**
 * A run of `length` consecutive buckets. The first span's offset is the absolute index of its first bucket (it may be
 * negative); every later span's offset is the gap (number of absent buckets) since the end of the previous span.
 */
export interface Span {
  readonly offset: number;
  readonly length: number;
}

export interface FloatHistogram {
  readonly counterResetHint: CounterResetHint;
  /** -4..8: exponential buckets, each power of two split into 2^schema buckets; -53: custom bounds. */
  readonly schema: number;
  /** Half-width of the zero bucket [-zeroThreshold, zeroThreshold]; always 0 with custom buckets. */
  readonly zeroThreshold: number;
  readonly zeroCount: number;
  readonly count: number;
  readonly sum: number;
  readonly positiveSpans: readonly Span[];
  readonly positiveBuckets: readonly number[];
  readonly negativeSpans: readonly Span[];
  readonly negativeBuckets: readonly number[];
  /**
   * Upper bounds of the custom buckets, strictly increasing, without the implicit +Inf of the last bucket; empty for
   * exponential schemas. Bucket i spans (customValues[i-1], customValues[i]]; bucket 0 starts at -Inf.
   */
  readonly customValues: readonly number[];
}

const EXPONENTIAL_SCHEMA_MIN = -4;
const EXPONENTIAL_SCHEMA_MAX = 8;
export const CUSTOM_BUCKETS_SCHEMA = -53;

const EMPTY: FloatHistogram = {
  counterResetHint: 'unknown',
  schema: 0,
  zeroThreshold: 0,
  zeroCount: 0,
  count: 0,
  sum: 0,
  positiveSpans: [],
  positiveBuckets: [],
  negativeSpans: [],
  negativeBuckets: [],
  customValues: [],
};

/** A histogram from the given fields, the others as in an empty schema-0 histogram (Go's zero value). */
export function floatHistogram(fields: Partial<FloatHistogram> = {}): FloatHistogram {
  return { ...EMPTY, ...fields };
}

export function usesCustomBuckets(h: FloatHistogram): boolean {
  return h.schema === CUSTOM_BUCKETS_SCHEMA;
}

export function isExponentialSchema(schema: number): boolean {
  return schema >= EXPONENTIAL_SCHEMA_MIN && schema <= EXPONENTIAL_SCHEMA_MAX;
}

/** Whether two custom bound lists are the same (compared as numbers, so a NaN bound never matches). */
export function customBoundsMatch(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
