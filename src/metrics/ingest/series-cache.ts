import type { HeadSeries } from '../../tsdb/head/head-series.js';
import type { Head } from '../../tsdb/head/head.js';

/** Entries beyond this many times the head's series (plus slack) mean many are stale: start again. */
const SLACK = 10_000;

/**
 * Finds a known series from the bytes its labels arrived as (WireSeries.key), per instance, without decoding,
 * sorting or validating its labels again: senders repeat a series' labels byte for byte, so nearly every series of a
 * request is found here. An entry whose series left the head (garbage-collected) is not trusted; the cache is
 * dropped when it outgrows the head.
 */
export class SeriesCache {
  private readonly entries = new Map<string, HeadSeries>();

  get(head: Head, tenant: string, key: string): HeadSeries | undefined {
    const series = this.entries.get(`${tenant}\u0000${key}`);
    return series !== undefined && head.getByRef(series.ref) === series ? series : undefined;
  }

  set(tenant: string, key: string, series: HeadSeries): void {
    this.entries.set(`${tenant}\u0000${key}`, series);
  }

  /** Forgets everything once the cache holds far more entries than the head has series. */
  trim(head: Head): void {
    if (this.entries.size > 2 * head.seriesCount + SLACK) this.entries.clear();
  }
}
