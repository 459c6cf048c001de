import type { FloatHistogram } from '../../promql/engine/histograms/native/float-histogram.js';

/** One label of a series, as the sender wrote it. */
export interface WireLabel {
  readonly name: string;
  readonly value: string;
}

/** One native-histogram sample: integer histograms arrive already turned into absolute float counts. */
export interface WireHistogramSample {
  readonly t: number;
  readonly h: FloatHistogram;
  /** The sum carried the stale-marker bits (0x7ff0000000000002). */
  readonly stale: boolean;
}

/**
 * One `TimeSeries` of a write request. `key` is equal for series sent with identical label bytes (remote-write 1.0:
 * the raw `Label` submessages as a latin1 string; 2.0: the resolved symbols, each preceded by U+D800, a lone surrogate
 * that no decoded string contains), so the ingest path can find a known series without decoding its labels; `labels`
 * is decoded on first access. The two versions' keys never collide except for the empty label set.
 */
export interface WireSeries {
  readonly key: string;
  /** As sent, in wire order; invalid UTF-8 reads as U+FFFD. */
  readonly labels: readonly WireLabel[];
  /** Milliseconds since the epoch, one per value. */
  readonly timestamps: readonly number[];
  readonly values: readonly number[];
  /** Whether each value carried the stale-marker bits; a typed array would have quieted the NaN and lost them. */
  readonly stale: readonly boolean[];
  readonly histograms: readonly WireHistogramSample[];
}

/** Prometheus's metric types, as the text formats spell them. */
export type WireMetricType =
  'counter' | 'gauge' | 'histogram' | 'gaugehistogram' | 'summary' | 'info' | 'stateset' | 'unknown';

/** What a sender says about a metric family: its type, help text and unit. */
export interface WireMetadata {
  readonly family: string;
  readonly type: WireMetricType;
  readonly help: string;
  readonly unit: string;
}

/** A decoded write request. Exemplars are parsed (so malformed ones are refused) and counted, not kept. */
export interface WriteRequest {
  readonly series: readonly WireSeries[];
  readonly metadata: readonly WireMetadata[];
  readonly exemplars: number;
}
