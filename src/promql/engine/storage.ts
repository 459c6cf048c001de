import type { LabelMatcher } from '../ast.js';
import type { FloatHistogram } from './histograms/native/float-histogram.js';
import type { Labels } from './core/labels.js';

/**
 * What the engine asks of a store (no HTTP, no SQL): the embedded time-series store, remote backends and the test
 * harness's in-memory store implement it, and every implementation passes the conformance suite
 * (src/promql/testing/storage-conformance.ts). The shape is Prometheus's `Queryable`/`Querier`.
 */
export interface Storage {
  /**
   * Opens a querier over `[range.start, range.end]` for one query (or one API call). Every read through it sees the
   * same data — a snapshot taken when it was opened — while writes go on; close it when the query ends.
   */
  querier(range: TimeRange, options?: QuerierOptions): Promise<Querier>;
}

/** A time range in milliseconds since the epoch, both ends inclusive. */
export interface TimeRange {
  readonly start: number;
  readonly end: number;
}

export interface QuerierOptions {
  /** Once aborted, reads stop and reject with EvaluationError `canceled`. */
  readonly signal?: AbortSignal;
  /**
   * The most samples (floats and histograms) the querier may hand out over all its selects. A store checks it before
   * decoding more, so a query that would load too much fails early with EvaluationError `too_many_samples`.
   */
  readonly maxSamples?: number;
}

/** What a select is for, as Prometheus's SelectHints: a store may use it (to skip or downsample), or ignore it. */
export interface SelectHints {
  /** The query step in ms (0 for an instant query). */
  readonly step: number;
  /** The range of a range selector in ms (0 for an instant selector). */
  readonly range: number;
  /** The function the selector is an argument of, if any (`rate`, `max_over_time`…). */
  readonly func?: string;
}

/** One query's view of a store. Its arrays are read-only: a store may hand out views of what it decoded. */
export interface Querier {
  /**
   * The series matching every matcher that have a sample in `range` (inside the querier's), in label order, with
   * their samples in that range. Matchers follow Prometheus: a matcher that matches the empty string also matches a
   * series without that label.
   */
  select(matchers: readonly LabelMatcher[], range: TimeRange, hints?: SelectHints): Promise<readonly SeriesSamples[]>;
  /**
   * The label names of the series matching every matcher (every series when there is none) with a sample in the
   * querier's range, sorted; at most `limit` of them.
   */
  labelNames(matchers: readonly LabelMatcher[], limit?: number): Promise<readonly string[]>;
  /** The values of label `name` among those series, sorted; at most `limit` of them. */
  labelValues(name: string, matchers: readonly LabelMatcher[], limit?: number): Promise<readonly string[]>;
  /** The label sets of those series, in label order; at most `limit` of them. */
  series(matchers: readonly LabelMatcher[], limit?: number): Promise<readonly Labels[]>;
  /** Releases the snapshot. Reads after closing reject. */
  close(): Promise<void>;
}

/** A series and its samples in a range: floats and native histograms apart, each ascending in time. */
export interface SeriesSamples {
  readonly labels: Labels;
  readonly floats: FloatSamples;
  /** Absent when the series has no histogram sample in the range. A time is in `floats` or here, never both. */
  readonly histograms?: HistogramSamples;
}

export interface FloatSamples {
  /** Milliseconds since the epoch, ascending, no duplicates. */
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
  /**
   * 1 where the sample is a staleness marker (Prometheus's special NaN, which ends the series until its next sample,
   * float or histogram); absent when the range has none.
   */
  readonly stale?: Uint8Array;
}

export interface HistogramSamples {
  /** Milliseconds since the epoch, ascending, no duplicates. */
  readonly timestamps: Float64Array;
  /** The histograms, with the counter-reset hint the store knows in `counterResetHint` (else `unknown`). */
  readonly histograms: readonly FloatHistogram[];
}
