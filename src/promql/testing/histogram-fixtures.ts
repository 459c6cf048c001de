import { floatHistogram, type FloatHistogram, type Span } from '../engine/histograms/native/float-histogram.js';

type SpanInput = readonly (readonly [number, number] | Span)[];

/** Test input in the shape of Prometheus's Go test cases: spans as [offset, length] pairs (or Span objects). */
export interface HistogramFields extends Omit<Partial<FloatHistogram>, 'positiveSpans' | 'negativeSpans'> {
  readonly positiveSpans?: SpanInput;
  readonly negativeSpans?: SpanInput;
}

export function fh(fields: HistogramFields): FloatHistogram {
  const spans = (input: SpanInput | undefined): Span[] =>
    (input ?? []).map((s) => ('offset' in s ? s : { offset: s[0], length: s[1] }));
  return floatHistogram({
    ...fields,
    positiveSpans: spans(fields.positiveSpans),
    negativeSpans: spans(fields.negativeSpans),
  });
}
