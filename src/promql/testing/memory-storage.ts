import type { LabelMatcher } from '../ast.js';
import { compareLabels, labelsKey, type Labels } from '../engine/labels.js';
import { compileMatchers } from '../engine/matchers.js';
import type { FloatHistogram } from '../engine/histograms/float-histogram.js';
import { firstAtOrAfter } from '../engine/search.js';
import type { SelectRange, SeriesData, Storage } from '../engine/storage.js';

/**
 * A Storage held in memory, for the PromQL test harness and the engine's benchmarks. Each series keeps its samples
 * in growable typed arrays, sorted by time, so that loading millions of samples costs no object per sample. Appends
 * are additive; a sample at a time the series already has replaces the old one.
 */
export class MemoryStorage implements Storage {
  private readonly series = new Map<string, StoredSeries>();
  /** The series in label order, rebuilt only after a new series was added. */
  private sorted: StoredSeries[] | null = null;
  /** The series of the previous append, found again by identity of its labels without computing a key. */
  private last: { labels: Labels; series: StoredSeries } | null = null;

  /** Adds one sample; `stale` marks it as a staleness marker (its value is then NaN). */
  append(labels: Labels, t: number, v: number, stale = false): void {
    this.seriesFor(labels).add(t, stale ? NaN : v, stale);
  }

  /** Adds one native-histogram sample. */
  appendHistogram(labels: Labels, t: number, histogram: FloatHistogram): void {
    this.seriesFor(labels).add(t, NaN, false, histogram);
  }

  /** Adds the samples of one series at once: `timestamps[i]`, `values[i]`, and a staleness flag when `stale[i]` is 1. */
  appendSamples(
    labels: Labels,
    timestamps: ArrayLike<number>,
    values: ArrayLike<number>,
    stale?: ArrayLike<number>,
  ): void {
    const series = this.seriesFor(labels);
    series.reserve(timestamps.length);
    for (let i = 0; i < timestamps.length; i++) {
      const isStale = stale !== undefined && stale[i] === 1;
      series.add(timestamps[i] as number, isStale ? NaN : (values[i] as number), isStale);
    }
  }

  /** Removes every series. */
  clear(): void {
    this.series.clear();
    this.sorted = null;
    this.last = null;
  }

  select(matchers: readonly LabelMatcher[], range: SelectRange): Promise<readonly SeriesData[]> {
    const matches = compileMatchers(matchers);
    const out: SeriesData[] = [];
    for (const series of this.inLabelOrder()) {
      if (!matches(series.labels)) continue;
      const data = series.between(range.start, range.end);
      if (data) out.push(data);
    }
    return Promise.resolve(out);
  }

  private seriesFor(labels: Labels): StoredSeries {
    if (this.last?.labels === labels) return this.last.series;
    const key = labelsKey(labels);
    let series = this.series.get(key);
    if (!series) {
      series = new StoredSeries(labels);
      this.series.set(key, series);
      this.sorted = null;
    }
    this.last = { labels, series };
    return series;
  }

  private inLabelOrder(): StoredSeries[] {
    this.sorted ??= [...this.series.values()].sort((a, b) => compareLabels(a.labels, b.labels));
    return this.sorted;
  }
}

const INITIAL_CAPACITY = 64;

/** One series' samples: the first `length` entries of each array, times strictly ascending. */
class StoredSeries {
  private timestamps = new Float64Array(INITIAL_CAPACITY);
  private values = new Float64Array(INITIAL_CAPACITY);
  private stale = new Uint8Array(INITIAL_CAPACITY);
  private length = 0;
  private staleCount = 0;
  /** Native-histogram samples by time (their `values` entry is NaN); a float at the same time replaces one. */
  private readonly histograms = new Map<number, FloatHistogram>();

  constructor(readonly labels: Labels) {}

  add(t: number, v: number, stale: boolean, histogram?: FloatHistogram): void {
    if (histogram) this.histograms.set(t, histogram);
    else this.histograms.delete(t);
    const n = this.length;
    if (n === 0 || t > (this.timestamps[n - 1] as number)) {
      if (n === this.timestamps.length) this.reserve(1);
      this.timestamps[n] = t;
      this.values[n] = v;
      if (stale) {
        this.stale[n] = 1;
        this.staleCount++;
      }
      this.length = n + 1;
      return;
    }
    const index = firstAtOrAfter(this.timestamps.subarray(0, this.length), t);
    if (this.timestamps[index] === t) this.setAt(index, v, stale);
    else this.insertAt(index, t, v, stale);
  }

  /** The samples with start ≤ t ≤ end, copied; null when there are none. */
  between(start: number, end: number): SeriesData | null {
    const from = firstAtOrAfter(this.timestamps.subarray(0, this.length), start);
    let to = firstAtOrAfter(this.timestamps.subarray(0, this.length), end);
    if (to < this.length && this.timestamps[to] === end) to++;
    if (to <= from) return null;
    const data = {
      labels: this.labels,
      timestamps: this.timestamps.slice(from, to),
      values: this.values.slice(from, to),
    };
    const histograms =
      this.histograms.size === 0 ? undefined : Array.from(data.timestamps, (t) => this.histograms.get(t));
    const withHistograms = histograms?.some((h) => h !== undefined) ? { ...data, histograms } : data;
    if (this.staleCount === 0) return withHistograms;
    const stale = this.stale.slice(from, to);
    return stale.includes(1) ? { ...withHistograms, stale } : withHistograms;
  }

  private setAt(index: number, v: number, stale: boolean): void {
    this.staleCount += (stale ? 1 : 0) - (this.stale[index] as number);
    this.values[index] = v;
    this.stale[index] = stale ? 1 : 0;
  }

  private insertAt(index: number, t: number, v: number, stale: boolean): void {
    if (this.length === this.timestamps.length) this.reserve(1);
    if (index < this.length) {
      this.timestamps.copyWithin(index + 1, index, this.length);
      this.values.copyWithin(index + 1, index, this.length);
      this.stale.copyWithin(index + 1, index, this.length);
    }
    this.timestamps[index] = t;
    this.values[index] = v;
    this.stale[index] = stale ? 1 : 0;
    if (stale) this.staleCount++;
    this.length++;
  }

  /** Makes room for `more` samples beyond the current ones. */
  reserve(more: number): void {
    const needed = this.length + more;
    if (needed <= this.timestamps.length) return;
    const capacity = Math.max(needed, this.timestamps.length * 4);
    const timestamps = new Float64Array(capacity);
    const values = new Float64Array(capacity);
    const stale = new Uint8Array(capacity);
    timestamps.set(this.timestamps);
    values.set(this.values);
    stale.set(this.stale);
    this.timestamps = timestamps;
    this.values = values;
    this.stale = stale;
  }
}
