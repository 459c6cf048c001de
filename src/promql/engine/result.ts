import type { FloatHistogram } from './histograms/native/float-histogram.js';
import type { Labels } from './core/labels.js';

/** The value of a query, in the four shapes of Prometheus's HTTP API (times in milliseconds). */
export interface InstantSample {
  readonly labels: Labels;
  readonly t: number;
  /** The float value; 0 when the sample is a native histogram (`h`). */
  readonly v: number;
  readonly h?: FloatHistogram;
}

export interface RangeResultSeries {
  readonly labels: Labels;
  /** The float points. */
  readonly timestamps: readonly number[];
  readonly values: readonly number[];
  /** The native-histogram points, when there are any (Prometheus's `histograms` of a series). */
  readonly histograms?: readonly { readonly t: number; readonly h: FloatHistogram }[];
}

export type QueryValue =
  | { readonly resultType: 'scalar'; readonly result: { readonly t: number; readonly v: number } }
  | { readonly resultType: 'string'; readonly result: { readonly t: number; readonly v: string } }
  | { readonly resultType: 'vector'; readonly result: readonly InstantSample[] }
  | { readonly resultType: 'matrix'; readonly result: readonly RangeResultSeries[] };

export interface QueryResult {
  readonly value: QueryValue;
  /** Prometheus's annotations: warnings and infos, each ending with the position in the query. */
  readonly warnings: readonly string[];
  readonly infos: readonly string[];
}

/**
 * A query that failed while being evaluated (the parser's errors are PromQLError). `kind` follows Prometheus's API
 * error types: `execution` (bad data at run time, e.g. duplicate series), `timeout`, `canceled`, `too_many_samples`.
 */
export class EvaluationError extends Error {
  constructor(
    message: string,
    readonly kind: 'execution' | 'timeout' | 'canceled' | 'too_many_samples' = 'execution',
  ) {
    super(message);
    this.name = 'EvaluationError';
  }
}
