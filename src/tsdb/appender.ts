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

/** Batch ids, so that a series knows whether its `batchIndex` belongs to the batch asking. */
let batches = 0;

/**
 * One batch of writes (one remote-write request): samples are checked as they are added, against the series and
 * against what the batch already holds, then `commit` writes the whole batch to the WAL in one write and only then
 * into the head. Nothing of a batch is visible or acknowledged before it is in the log, and a failed log write leaves
 * the head as it was. A series remembers its last sample in the batch on itself (`batch`, `batchIndex`), so adding a
 * sample allocates nothing.
 */
export class Appender {
  private readonly id = ++batches;
  private readonly floatSeries: HeadSeries[] = [];
  private readonly floatTimes: number[] = [];
  private readonly floatValues: number[] = [];
  private readonly floatStale: number[] = [];
  private readonly histograms: { series: HeadSeries; t: number; h: FloatHistogram }[] = [];
  private readonly metadata: MetadataEntry[] = [];
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
    if (t < this.minValid) return 'out_of_bounds';
    if (series.batch === this.id) {
      const check = this.againstBatch(series, t, (i) => (i >= 0 ? this.sameFloat(i, value, stale) : false));
      if (check !== 'append') return check;
    } else {
      const check = series.checkFloat(t, value, stale);
      if (check !== 'append') return check;
    }
    series.batch = this.id;
    series.batchIndex = this.floatTimes.length;
    this.floatSeries.push(series);
    this.floatTimes.push(t);
    this.floatValues.push(value);
    this.floatStale.push(stale ? 1 : 0);
    return 'append';
  }

  addHistogram(series: HeadSeries, t: number, h: FloatHistogram): AppendCheck {
    if (t < this.minValid) return 'out_of_bounds';
    const check = series.batch === this.id ? this.againstBatch(series, t, () => false) : series.checkHistogram(t, h);
    if (check !== 'append') return check;
    series.batch = this.id;
    series.batchIndex = -1 - this.histograms.length;
    this.histograms.push({ series, t, h });
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

  /**
   * A sample of a series this batch already holds a sample of: after it is fine; before it is out of order; at the same
   * time it is ignored when `same` says it is the same sample (the batch index is ≥ 0 for a float, else a histogram).
   */
  private againstBatch(series: HeadSeries, t: number, same: (index: number) => boolean): AppendCheck {
    const index = series.batchIndex;
    const last = index >= 0 ? (this.floatTimes[index] as number) : (this.histograms[-1 - index]?.t as number);
    if (t > last) return 'append';
    if (t < last) return 'out_of_order';
    return same(index) ? 'ignore' : 'duplicate';
  }

  private sameFloat(index: number, value: number, stale: boolean): boolean {
    const lastStale = this.floatStale[index] === 1;
    if (stale || lastStale) return stale && lastStale;
    const last = this.floatValues[index] as number;
    return Object.is(value, last) || (Number.isNaN(value) && Number.isNaN(last));
  }
}
