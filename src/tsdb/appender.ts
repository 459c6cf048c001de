import type { FloatHistogram } from '../promql/engine/histograms/native/float-histogram.js';
import type { AppendCheck, HeadSeries } from './head/head-series.js';
import type { Head } from './head/head.js';
import {
  RECORD,
  encodeHistograms,
  encodeMetadata,
  encodeSamples,
  encodeSeries,
  type MetadataEntry,
} from './wal/records.js';
import type { Wal } from './wal/wal.js';

interface Pending {
  t: number;
  value: number;
  stale: boolean;
  histogram: boolean;
}

/**
 * One batch of writes (one remote-write request): samples are checked as they are added, against the series and
 * against what the batch already holds, then `commit` writes the whole batch to the WAL in one write and only then
 * into the head. Nothing of a batch is visible or acknowledged before it is in the log, and a failed log write leaves
 * the head as it was.
 */
export class Appender {
  private readonly floatSeries: HeadSeries[] = [];
  private readonly floatTimes: number[] = [];
  private readonly floatValues: number[] = [];
  private readonly floatStale: number[] = [];
  private readonly histograms: { series: HeadSeries; t: number; h: FloatHistogram }[] = [];
  private readonly metadata: MetadataEntry[] = [];
  private readonly pending = new Map<HeadSeries, Pending>();
  private readonly minValid: number;

  constructor(
    private readonly head: Head,
    private readonly wal: Wal,
    private readonly onCommit: (samples: number) => void,
  ) {
    this.minValid = head.appendableMinValidTime();
  }

  get samples(): number {
    return this.floatTimes.length + this.histograms.length;
  }

  addFloat(series: HeadSeries, t: number, value: number, stale: boolean): AppendCheck {
    const check = this.check(
      series,
      t,
      (last) => (last.histogram ? 'duplicate' : sameFloat(last, value, stale) ? 'ignore' : 'duplicate'),
      () => series.checkFloat(t, value, stale),
    );
    if (check !== 'append') return check;
    this.floatSeries.push(series);
    this.floatTimes.push(t);
    this.floatValues.push(value);
    this.floatStale.push(stale ? 1 : 0);
    this.pending.set(series, { t, value, stale, histogram: false });
    return 'append';
  }

  addHistogram(series: HeadSeries, t: number, h: FloatHistogram): AppendCheck {
    const check = this.check(
      series,
      t,
      () => 'duplicate',
      () => series.checkHistogram(t, h),
    );
    if (check !== 'append') return check;
    this.histograms.push({ series, t, h });
    this.pending.set(series, { t, value: 0, stale: false, histogram: true });
    return 'append';
  }

  addMetadata(entry: MetadataEntry): void {
    this.metadata.push(entry);
  }

  /** Logs the batch (one write) and applies it to the head. Throws when the log write fails; nothing is applied then. */
  commit(): void {
    const records: { type: number; payload: Uint8Array }[] = [];
    const unlogged = new Set<HeadSeries>();
    for (const series of this.floatSeries) if (!series.logged) unlogged.add(series);
    for (const { series } of this.histograms) if (!series.logged) unlogged.add(series);
    if (unlogged.size > 0) {
      const list = [...unlogged];
      records.push({
        type: RECORD.SERIES,
        payload: encodeSeries(
          list.map((s) => s.ref),
          list.map((s) => s.labels),
        ),
      });
    }
    const n = this.floatTimes.length;
    if (n > 0) {
      const refs = this.floatSeries.map((s) => s.ref);
      records.push({
        type: RECORD.SAMPLES,
        payload: encodeSamples(n, refs, this.floatTimes, this.floatValues, this.floatStale),
      });
    }
    if (this.histograms.length > 0) {
      records.push({
        type: RECORD.HISTOGRAMS,
        payload: encodeHistograms(this.histograms.map(({ series, t, h }) => ({ ref: series.ref, t, h }))),
      });
    }
    if (this.metadata.length > 0) records.push({ type: RECORD.METADATA, payload: encodeMetadata(this.metadata) });
    if (records.length === 0) return;
    this.wal.append(records);
    for (const series of unlogged) series.logged = true;
    for (let i = 0; i < n; i++) {
      const series = this.floatSeries[i] as HeadSeries;
      const t = this.floatTimes[i] as number;
      series.appendFloat(t, this.floatValues[i] as number, this.floatStale[i] === 1);
      this.head.noteAppended(series, t);
    }
    for (const { series, t, h } of this.histograms) {
      series.appendHistogram(t, h);
      this.head.noteAppended(series, t);
    }
    this.onCommit(this.samples);
  }

  /** Checks against the store's bounds, then what this batch already holds for the series, else the series itself. */
  private check(
    series: HeadSeries,
    t: number,
    againstPending: (last: Pending) => AppendCheck,
    againstSeries: () => AppendCheck,
  ): AppendCheck {
    if (t < this.minValid) return 'out_of_bounds';
    const last = this.pending.get(series);
    if (last === undefined) return againstSeries();
    if (t < last.t) return 'out_of_order';
    return t === last.t ? againstPending(last) : 'append';
  }
}

function sameFloat(last: Pending, value: number, stale: boolean): boolean {
  if (stale || last.stale) return stale && last.stale;
  return Object.is(value, last.value) || (Number.isNaN(value) && Number.isNaN(last.value));
}
