import type { WireHistogramSample, WireLabel, WireSeries } from './wire-types.js';

/**
 * A decoded series whose labels are read from the request bytes only when asked for: the ingest path finds almost
 * every series by `key` and never looks at them, and their UTF-8 decoding is the largest cost of a remote-write
 * request with one sample per series. `toJSON` includes them so the object logs and compares as a plain one.
 */
export abstract class LazyWireSeries implements WireSeries {
  private decoded: readonly WireLabel[] | undefined;

  constructor(
    readonly key: string,
    readonly timestamps: readonly number[],
    readonly values: readonly number[],
    readonly stale: readonly boolean[],
    readonly histograms: readonly WireHistogramSample[],
  ) {}

  get labels(): readonly WireLabel[] {
    return (this.decoded ??= this.decodeLabels());
  }

  protected abstract decodeLabels(): readonly WireLabel[];

  toJSON(): WireSeries {
    const { key, labels, timestamps, values, stale, histograms } = this;
    return { key, labels, timestamps, values, stale, histograms };
  }
}
