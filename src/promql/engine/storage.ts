import type { LabelMatcher } from '../ast.js';
import type { FloatHistogram } from './histograms/float-histogram.js';
import type { Labels } from './labels.js';

/**
 * What the engine asks of a store: the series matching a selector with their float samples in a time range. The
 * engine knows nothing else of storage (no HTTP, no SQL); the embedded store, remote backends and the test harness's
 * in-memory store implement this.
 */
export interface SeriesData {
  readonly labels: Labels;
  /** Milliseconds since the epoch, ascending, no duplicates. */
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
  /** 1 where the sample is a staleness marker (Prometheus's special NaN); absent when the series has none. */
  readonly stale?: Uint8Array;
  /** Where an entry is set, sample i is a native histogram (`values[i]` is then meaningless). */
  readonly histograms?: readonly (FloatHistogram | undefined)[];
}

export interface SelectRange {
  /** Inclusive bounds in milliseconds: every sample with start ≤ t ≤ end must be returned (more is allowed). */
  readonly start: number;
  readonly end: number;
}

export interface Storage {
  select(matchers: readonly LabelMatcher[], range: SelectRange, signal?: AbortSignal): Promise<readonly SeriesData[]>;
}
