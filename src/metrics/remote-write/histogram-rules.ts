import {
  CUSTOM_BUCKETS_SCHEMA,
  isExponentialSchema,
  type FloatHistogram,
  type Span,
} from '../../promql/engine/histograms/native/float-histogram.js';

/**
 * What is wrong with a native histogram, or null: the structural rules Prometheus's `FloatHistogram.Validate` applies
 * before appending (model/histogram), so that the store and the PromQL engine only ever see histograms whose spans
 * and buckets agree. The count-versus-buckets consistency check is left out (Prometheus skips it for float
 * histograms too). Reasons are phrased as in Prometheus.
 */
export function histogramProblem(h: FloatHistogram): string | null {
  if (h.schema === CUSTOM_BUCKETS_SCHEMA) {
    const bounds = customBoundsProblem(h);
    if (bounds) return `custom buckets: ${bounds}`;
    if (h.zeroCount !== 0) return 'custom buckets: must have zero count of 0';
    if (h.zeroThreshold !== 0) return 'custom buckets: must have zero threshold of 0';
    if (h.negativeSpans.length > 0) return 'custom buckets: must not have negative spans';
    if (h.negativeBuckets.length > 0) return 'custom buckets: must not have negative buckets';
  } else if (isExponentialSchema(h.schema)) {
    const positive = spansProblem(h.positiveSpans, h.positiveBuckets.length, true);
    if (positive) return `positive side: ${positive}`;
    const negative = spansProblem(h.negativeSpans, h.negativeBuckets.length, true) ?? bucketsProblem(h.negativeBuckets);
    if (negative) return `negative side: ${negative}`;
    if (h.zeroCount < 0) return `zero bucket has observation count of ${h.zeroCount}`;
    if (h.customValues.length > 0) return 'histogram with exponential schema must not have custom bounds';
  } else {
    return `histogram has an invalid schema ${h.schema}, which must be between -4 and 8 for exponential buckets, or -53 for custom buckets`;
  }
  if (h.count < 0) return `observation count is ${h.count}`;
  const positive = bucketsProblem(h.positiveBuckets);
  return positive ? `positive side: ${positive}` : null;
}

function spansProblem(spans: readonly Span[], buckets: number, firstMayBeNegative: boolean): string | null {
  let needed = 0;
  for (let i = 0; i < spans.length; i++) {
    const span = spans[i] as Span;
    if (span.offset < 0 && (i > 0 || !firstMayBeNegative)) {
      return `span number ${i + 1} with offset ${span.offset} is negative`;
    }
    needed += span.length;
  }
  return needed === buckets ? null : `spans need ${needed} buckets, have ${buckets} buckets`;
}

function bucketsProblem(buckets: readonly number[]): string | null {
  for (let i = 0; i < buckets.length; i++) {
    const count = buckets[i] as number;
    if (count < 0) return `bucket number ${i + 1} has observation count of ${count}`;
  }
  return null;
}

function customBoundsProblem(h: FloatHistogram): string | null {
  const bounds = h.customValues;
  for (let i = 0; i < bounds.length; i++) {
    const bound = bounds[i] as number;
    if (Number.isNaN(bound)) return 'histogram custom bounds must not be NaN';
    if (i > 0 && bound <= (bounds[i - 1] as number)) {
      return 'histogram custom bounds must be in strictly increasing order';
    }
  }
  if (bounds[bounds.length - 1] === Infinity) return 'last +Inf bound must not be explicitly defined';
  const spans = spansProblem(h.positiveSpans, h.positiveBuckets.length, false);
  if (spans) return spans;
  const covered = h.positiveSpans.reduce((total, span) => total + span.offset + span.length, 0);
  if (bounds.length + 1 < covered) {
    return `only ${bounds.length} custom bounds defined which is insufficient to cover total span length of ${covered}`;
  }
  return null;
}
