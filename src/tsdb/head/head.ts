import { getLabel, labelsKey, METRIC_NAME, type Labels } from '../../promql/engine/core/labels.js';
import { BLOCK_RANGE } from './chunk-range.js';
import { HeadPostings } from './head-postings.js';
import { HeadSeries } from './head-series.js';

/** What a querier sees of the head: the series that existed when it opened and each one's last time then. */
export interface HeadSnapshot {
  readonly refLimit: number;
  readonly lastT: Float64Array;
}

/**
 * The in-memory part of the store (Prometheus's head block): the recent samples of every active series in compressed
 * chunks, found by labels or by ref, and an inverted index over them. Series refs are handed out in increasing order
 * and written to the WAL; a series garbage-collected and created again gets a new ref.
 */
export class Head {
  private readonly byKey = new Map<string, HeadSeries>();
  private readonly byRef = new Map<number, HeadSeries>();
  readonly postings = new HeadPostings();
  /** Series per partition and metric name, for per-tenant limits. */
  private readonly perMetric = new Map<string, number>();
  private nextRef = 1;
  /** Each series' last sample time, by ref, for snapshots that cost one copy. */
  private lastTs = new Float64Array(1024).fill(-Infinity);
  minT = Infinity;
  maxT = -Infinity;
  /** Nothing older may be appended: it is in a block already (the newest block's end). */
  minValidTime = -Infinity;

  constructor(private readonly partitionLabel: string) {}

  get seriesCount(): number {
    return this.byRef.size;
  }

  /** The series with these labels, created (with a new ref, not yet logged) when there is none. */
  getOrCreate(labels: Labels): { series: HeadSeries; created: boolean } {
    const key = labelsKey(labels);
    const found = this.byKey.get(key);
    if (found !== undefined) return { series: found, created: false };
    return { series: this.create(this.nextRef, key, labels), created: true };
  }

  /** The series with these labels, if the head has it. */
  find(labels: Labels): HeadSeries | undefined {
    return this.byKey.get(labelsKey(labels));
  }

  getByRef(ref: number): HeadSeries | undefined {
    return this.byRef.get(ref);
  }

  /**
   * A series read back from the WAL with the ref it was logged with. When its labels already have a series (it was
   * garbage-collected and created again before the crash), that series is returned and the caller maps the old ref to it.
   */
  restore(ref: number, labels: Labels): HeadSeries {
    const key = labelsKey(labels);
    const existing = this.byKey.get(key);
    if (existing !== undefined) return existing;
    const series = this.create(ref, key, labels);
    series.logged = true;
    return series;
  }

  /** The oldest time a sample may have to be accepted (Prometheus's appendableMinValidTime). */
  appendableMinValidTime(): number {
    return Math.max(this.minValidTime, this.maxT - BLOCK_RANGE / 2);
  }

  /** Records that `series` now ends at `t` (after its append). */
  noteAppended(series: HeadSeries, t: number): void {
    this.lastTs[series.ref] = t;
    if (t < this.minT) this.minT = t;
    if (t > this.maxT) this.maxT = t;
  }

  snapshot(): HeadSnapshot {
    return { refLimit: this.nextRef, lastT: this.lastTs.slice(0, this.nextRef) };
  }

  /** Series in a partition, and series of one metric in it. */
  partitionSeries(partition: string): number {
    return this.postings.count(this.partitionLabel, partition);
  }

  metricSeries(partition: string, metric: string): number {
    return this.perMetric.get(`${partition}\u0000${metric}`) ?? 0;
  }

  /** Every series, in ref order. */
  allSeries(): IterableIterator<HeadSeries> {
    return this.byRef.values();
  }

  /**
   * Drops the chunks before `mint` (now in a block), then the series left with nothing; returns the refs removed.
   * Callers make sure no querier that lacks that block is still open.
   */
  truncate(mint: number): number[] {
    const dead = new Map<number, Labels>();
    let minT = Infinity;
    for (const series of this.byRef.values()) {
      if (series.truncate(mint) && series.lastT < mint) {
        dead.set(series.ref, series.labels);
        continue;
      }
      minT = Math.min(minT, series.minT());
    }
    for (const [ref, labels] of dead) {
      const series = this.byRef.get(ref);
      if (series !== undefined) series.removed = true;
      this.byRef.delete(ref);
      this.byKey.delete(labelsKey(labels));
      this.lastTs[ref] = -Infinity;
      this.countMetric(labels, -1);
    }
    this.postings.remove(dead);
    this.minT = minT;
    this.minValidTime = Math.max(this.minValidTime, mint);
    return [...dead.keys()];
  }

  private create(ref: number, key: string, labels: Labels): HeadSeries {
    const series = new HeadSeries(ref, labels);
    this.byKey.set(key, series);
    this.byRef.set(ref, series);
    this.postings.add(ref, labels);
    this.countMetric(labels, 1);
    if (ref >= this.nextRef) this.nextRef = ref + 1;
    if (this.nextRef > this.lastTs.length) {
      const grown = new Float64Array(Math.max(this.nextRef, this.lastTs.length * 2)).fill(-Infinity);
      grown.set(this.lastTs);
      this.lastTs = grown;
    }
    return series;
  }

  private countMetric(labels: Labels, delta: number): void {
    const key = `${getLabel(labels, this.partitionLabel)}\u0000${getLabel(labels, METRIC_NAME)}`;
    const n = (this.perMetric.get(key) ?? 0) + delta;
    if (n <= 0) this.perMetric.delete(key);
    else this.perMetric.set(key, n);
  }
}
