import type { LabelMatcher } from '../ast.js';
import type { FloatHistogram } from '../engine/histograms/native/float-histogram.js';
import { compareLabels, labelsKey, type Labels } from '../engine/core/labels.js';
import { compileMatchers } from '../engine/core/matchers.js';
import { EvaluationError } from '../engine/result.js';
import { firstAfter, firstAtOrAfter } from '../engine/core/search.js';
import type {
  FloatSamples,
  HistogramSamples,
  Querier,
  QuerierOptions,
  SelectHints,
  SeriesSamples,
  Storage,
  TimeRange,
} from '../engine/storage.js';

const INITIAL_CAPACITY = 16;

/**
 * A Storage held in memory, for the PromQL test harness and the engine's benchmarks. Each series keeps its float
 * samples in growable typed arrays and its native-histogram samples apart, both sorted by time, so that loading
 * millions of samples costs no object per sample and a select hands out views, not copies. A sample at a time the
 * series already has replaces the old one (float or histogram). Queriers see a snapshot: the series and samples there
 * were when they were opened; a write that would change what an open querier sees copies the series first.
 */
export class MemoryStorage implements Storage {
  private readonly series = new Map<string, StoredSeries>();
  /** The series in label order, rebuilt only after a new series was added. */
  private sorted: StoredSeries[] | null = null;
  /** The series of the previous append, found again by identity of its labels without computing a key. */
  private last: { labels: Labels; series: StoredSeries } | null = null;

  /** Adds one sample; `stale` marks it as a staleness marker (its value is then NaN). */
  append(labels: Labels, t: number, v: number, stale = false): void {
    this.seriesFor(labels).addFloat(t, stale ? NaN : v, stale);
  }

  /** Adds one native-histogram sample. */
  appendHistogram(labels: Labels, t: number, histogram: FloatHistogram): void {
    this.seriesFor(labels).addHistogram(t, histogram);
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
      series.addFloat(timestamps[i] as number, isStale ? NaN : (values[i] as number), isStale);
    }
  }

  /** Removes every series (open queriers keep what they saw). */
  clear(): void {
    this.series.clear();
    this.sorted = null;
    this.last = null;
  }

  querier(range: TimeRange, options: QuerierOptions = {}): Promise<Querier> {
    const snapshot = this.inLabelOrder().map((series) => series.snapshot());
    return Promise.resolve(new MemoryQuerier(snapshot, range, options));
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

/** A series as a querier saw it when it was opened: arrays it may read up to the lengths it recorded. */
interface SeriesSnapshot {
  readonly labels: Labels;
  readonly floatTimes: Float64Array;
  readonly floatValues: Float64Array;
  readonly stale: Uint8Array;
  readonly floatCount: number;
  readonly staleCount: number;
  readonly histogramTimes: Float64Array;
  readonly histograms: readonly FloatHistogram[];
  readonly histogramCount: number;
}

class MemoryQuerier implements Querier {
  private loaded = 0;
  private closed = false;

  constructor(
    private readonly snapshot: readonly SeriesSnapshot[],
    private readonly range: TimeRange,
    private readonly options: QuerierOptions,
  ) {}

  async select(
    matchers: readonly LabelMatcher[],
    range: TimeRange,
    _hints?: SelectHints,
  ): Promise<readonly SeriesSamples[]> {
    this.checkOpen();
    const start = Math.max(range.start, this.range.start);
    const end = Math.min(range.end, this.range.end);
    const matches = compileMatchers(matchers);
    const out: SeriesSamples[] = [];
    for (const series of this.snapshot) {
      if (this.options.signal?.aborted) {
        throw new EvaluationError('query was canceled in expression evaluation', 'canceled');
      }
      if (!matches(series.labels)) continue;
      const samples = between(series, start, end);
      if (!samples) continue;
      // The limit is checked before a series is handed out, so a query that loads too much stops early.
      this.loaded += samples.floats.timestamps.length + (samples.histograms?.timestamps.length ?? 0);
      if (this.options.maxSamples !== undefined && this.loaded > this.options.maxSamples) {
        throw new EvaluationError(
          'query processing would load too many samples into memory in query execution',
          'too_many_samples',
        );
      }
      out.push(samples);
    }
    return out;
  }

  async labelNames(matchers: readonly LabelMatcher[], limit?: number): Promise<readonly string[]> {
    const names = new Set<string>();
    for (const series of this.matching(matchers)) for (const label of series.labels) names.add(label.name);
    return sortedUpTo(names, limit);
  }

  async labelValues(name: string, matchers: readonly LabelMatcher[], limit?: number): Promise<readonly string[]> {
    const values = new Set<string>();
    for (const series of this.matching(matchers)) {
      const value = series.labels.find((label) => label.name === name)?.value;
      if (value !== undefined && value !== '') values.add(value);
    }
    return sortedUpTo(values, limit);
  }

  async series(matchers: readonly LabelMatcher[], limit?: number): Promise<readonly Labels[]> {
    const found = this.matching(matchers).map((series) => series.labels);
    return limit === undefined ? found : found.slice(0, limit);
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  /** The snapshot's series matching every matcher with a sample in the querier's range, in label order. */
  private matching(matchers: readonly LabelMatcher[]): SeriesSnapshot[] {
    this.checkOpen();
    const matches = compileMatchers(matchers);
    return this.snapshot.filter(
      (series) => matches(series.labels) && between(series, this.range.start, this.range.end) !== null,
    );
  }

  private checkOpen(): void {
    if (this.closed) throw new Error('the querier is closed');
  }
}

/** The samples of a series with start ≤ t ≤ end, as views of its arrays; null when there are none. */
function between(series: SeriesSnapshot, start: number, end: number): SeriesSamples | null {
  const times = series.floatTimes.subarray(0, series.floatCount);
  const from = firstAtOrAfter(times, start);
  const to = firstAfter(times, end);
  const hTimes = series.histogramTimes.subarray(0, series.histogramCount);
  const hFrom = firstAtOrAfter(hTimes, start);
  const hTo = firstAfter(hTimes, end);
  if (to <= from && hTo <= hFrom) return null;
  const floats: FloatSamples = {
    timestamps: times.subarray(from, to),
    values: series.floatValues.subarray(from, to),
    ...(series.staleCount > 0 && series.stale.subarray(from, to).includes(1)
      ? { stale: series.stale.subarray(from, to) }
      : {}),
  };
  const histograms: HistogramSamples | undefined =
    hTo > hFrom
      ? { timestamps: hTimes.subarray(hFrom, hTo), histograms: series.histograms.slice(hFrom, hTo) }
      : undefined;
  return { labels: series.labels, floats, ...(histograms ? { histograms } : {}) };
}

function sortedUpTo(values: ReadonlySet<string>, limit: number | undefined): string[] {
  const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return limit === undefined ? sorted : sorted.slice(0, limit);
}

class StoredSeries {
  private floatTimes = new Float64Array(INITIAL_CAPACITY);
  private floatValues = new Float64Array(INITIAL_CAPACITY);
  private stale = new Uint8Array(INITIAL_CAPACITY);
  private floatCount = 0;
  private staleCount = 0;
  private histogramTimes = new Float64Array(0);
  private histograms: FloatHistogram[] = [];
  /** A querier holds views of the current arrays: change them in place only after copying. */
  private shared = false;

  constructor(readonly labels: Labels) {}

  snapshot(): SeriesSnapshot {
    this.shared = true;
    return {
      labels: this.labels,
      floatTimes: this.floatTimes,
      floatValues: this.floatValues,
      stale: this.stale,
      floatCount: this.floatCount,
      staleCount: this.staleCount,
      histogramTimes: this.histogramTimes,
      histograms: this.histograms,
      histogramCount: this.histograms.length,
    };
  }

  addFloat(t: number, v: number, stale: boolean): void {
    this.removeHistogramAt(t);
    const n = this.floatCount;
    if (n === 0 || t > (this.floatTimes[n - 1] as number)) {
      // Past the end: no open querier can see this slot, the arrays may be written in place.
      if (n === this.floatTimes.length) this.reserve(1);
      this.floatTimes[n] = t;
      this.floatValues[n] = v;
      this.stale[n] = stale ? 1 : 0;
      if (stale) this.staleCount++;
      this.floatCount = n + 1;
      return;
    }
    this.unshare();
    const index = firstAtOrAfter(this.floatTimes.subarray(0, n), t);
    if (this.floatTimes[index] === t) {
      this.staleCount += (stale ? 1 : 0) - (this.stale[index] as number);
      this.floatValues[index] = v;
      this.stale[index] = stale ? 1 : 0;
      return;
    }
    if (n === this.floatTimes.length) this.reserve(1);
    this.floatTimes.copyWithin(index + 1, index, n);
    this.floatValues.copyWithin(index + 1, index, n);
    this.stale.copyWithin(index + 1, index, n);
    this.floatTimes[index] = t;
    this.floatValues[index] = v;
    this.stale[index] = stale ? 1 : 0;
    if (stale) this.staleCount++;
    this.floatCount = n + 1;
  }

  addHistogram(t: number, histogram: FloatHistogram): void {
    this.removeFloatAt(t);
    const n = this.histograms.length;
    const times = this.histogramTimes.subarray(0, n);
    const index = firstAtOrAfter(times, t);
    // Anywhere but past the end changes what an open querier may be reading.
    if (index < n) this.unshare();
    if (index < n && this.histogramTimes[index] === t) {
      this.histograms[index] = histogram;
      return;
    }
    const next = new Float64Array(n + 1);
    next.set(times.subarray(0, index));
    next[index] = t;
    next.set(times.subarray(index), index + 1);
    this.histogramTimes = next;
    this.histograms.splice(index, 0, histogram);
  }

  /** Makes room for `more` float samples beyond the current ones. */
  reserve(more: number): void {
    const needed = this.floatCount + more;
    if (needed <= this.floatTimes.length) return;
    const capacity = Math.max(needed, this.floatTimes.length * 4);
    this.floatTimes = grow(this.floatTimes, new Float64Array(capacity));
    this.floatValues = grow(this.floatValues, new Float64Array(capacity));
    this.stale = grow(this.stale, new Uint8Array(capacity));
  }

  private removeFloatAt(t: number): void {
    const n = this.floatCount;
    const index = firstAtOrAfter(this.floatTimes.subarray(0, n), t);
    if (index >= n || this.floatTimes[index] !== t) return;
    this.unshare();
    if (this.stale[index] === 1) this.staleCount--;
    this.floatTimes.copyWithin(index, index + 1, n);
    this.floatValues.copyWithin(index, index + 1, n);
    this.stale.copyWithin(index, index + 1, n);
    this.floatCount = n - 1;
  }

  private removeHistogramAt(t: number): void {
    const n = this.histograms.length;
    if (n === 0) return;
    const index = firstAtOrAfter(this.histogramTimes.subarray(0, n), t);
    if (index >= n || this.histogramTimes[index] !== t) return;
    this.unshare();
    const next = new Float64Array(n - 1);
    next.set(this.histogramTimes.subarray(0, index));
    next.set(this.histogramTimes.subarray(index + 1, n), index);
    this.histogramTimes = next;
    this.histograms.splice(index, 1);
  }

  /** Gives this series arrays of its own before a change in place, if a querier may be reading the current ones. */
  private unshare(): void {
    if (!this.shared) return;
    this.floatTimes = this.floatTimes.slice();
    this.floatValues = this.floatValues.slice();
    this.stale = this.stale.slice();
    this.histogramTimes = this.histogramTimes.slice();
    this.histograms = this.histograms.slice();
    this.shared = false;
  }
}

function grow<T extends Float64Array | Uint8Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
