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
  // One map per instance: the wire key is used as it is, never concatenated (hashing a fresh copy per lookup).
  private readonly byTenant = new Map<string, Map<string, HeadSeries>>();
  private size = 0;

  get(tenant: string, key: string): HeadSeries | undefined {
    const series = this.byTenant.get(tenant)?.get(key);
    return series !== undefined && !series.removed ? series : undefined;
  }

  set(tenant: string, key: string, series: HeadSeries): void {
    let entries = this.byTenant.get(tenant);
    if (entries === undefined) this.byTenant.set(tenant, (entries = new Map()));
    if (!entries.has(key)) this.size++;
    entries.set(key, series);
  }

  /** Forgets everything once the cache holds far more entries than the head has series. */
  trim(head: Head): void {
    if (this.size <= 2 * head.seriesCount + SLACK) return;
    this.byTenant.clear();
    this.size = 0;
  }
}
