import type { LabelMatcher } from '../../promql/ast.js';
import { compareLabels, type Labels } from '../../promql/engine/core/labels.js';
import { EvaluationError } from '../../promql/engine/result.js';
import type { Querier, QuerierOptions, SeriesSamples, TimeRange } from '../../promql/engine/storage.js';
import type { Block } from '../block/block.js';
import type { HeadSnapshot, Head } from '../head/head.js';
import type { IndexReader } from '../index/index-reader.js';
import { postingsForMatchers } from '../index/postings-for-matchers.js';
import { FloatColumns } from '../chunks/float-columns.js';
import { readSeries, type ChunkSource } from './series-reader.js';

interface Candidate {
  readonly labels: Labels;
  readonly chunks: readonly ChunkSource[];
}

/**
 * A querier over the blocks and the head as they were when it opened: the blocks it was given stay on disk and the
 * head keeps its memory until it closes (the store waits for queriers older than a block-list change before truncating the head or deleting blocks), and the
 * head's snapshot hides series and samples added since.
 */
export class TsdbQuerier implements Querier {
  private loaded = 0;
  private closed = false;

  constructor(
    private readonly head: Head,
    private readonly snapshot: HeadSnapshot,
    private readonly blocks: readonly Block[],
    private readonly range: TimeRange,
    private readonly options: QuerierOptions,
    private readonly release: () => void,
  ) {}

  async select(matchers: readonly LabelMatcher[], range: TimeRange): Promise<readonly SeriesSamples[]> {
    this.checkOpen();
    const start = Math.max(range.start, this.range.start);
    const end = Math.min(range.end, this.range.end);
    const out: SeriesSamples[] = [];
    if (end < start) return out;
    let breath = performance.now();
    const floats = new FloatColumns(4096);
    for (const candidate of this.candidates(matchers, start, end)) {
      // Decoding many series takes a while: let the event loop see a client that left, every 10 ms.
      if (performance.now() - breath > 10) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        breath = performance.now();
      }
      this.checkSignal();
      const samples = readSeries(candidate.labels, candidate.chunks, start, end, floats);
      if (samples === null) continue;
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
    for (const { labels } of this.candidates(matchers, this.range.start, this.range.end)) {
      for (const label of labels) names.add(label.name);
    }
    return upTo([...names].sort(byCodeUnit), limit);
  }

  async labelValues(name: string, matchers: readonly LabelMatcher[], limit?: number): Promise<readonly string[]> {
    const values = new Set<string>();
    for (const { labels } of this.candidates(matchers, this.range.start, this.range.end)) {
      for (const label of labels) if (label.name === name) values.add(label.value);
    }
    return upTo([...values].sort(byCodeUnit), limit);
  }

  async series(matchers: readonly LabelMatcher[], limit?: number): Promise<readonly Labels[]> {
    return upTo(
      this.candidates(matchers, this.range.start, this.range.end).map((c) => c.labels),
      limit,
    );
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.release();
  }

  /**
   * The series matching every matcher (every series when there is none) with a chunk in [start, end], in label order,
   * with those chunks. A block's series ids are in label order already; the head's matches are sorted; the lists are
   * then merged, a series found in several sources getting all their chunks (oldest source first).
   */
  private candidates(matchers: readonly LabelMatcher[], start: number, end: number): Candidate[] {
    this.checkOpen();
    const select = (index: IndexReader) =>
      matchers.length === 0 ? index.allPostings() : postingsForMatchers(index, matchers);
    const lists: Candidate[][] = [];
    for (const block of this.blocks) {
      if (block.meta.maxTime <= start || block.meta.minTime > end) continue;
      const list: Candidate[] = [];
      for (const id of select(block.index)) {
        const chunks: ChunkSource[] = [];
        for (const meta of block.seriesChunks(id)) {
          if (meta.maxT < start || meta.minT > end) continue;
          chunks.push({
            minT: meta.minT,
            maxT: meta.maxT,
            visibleUntil: Infinity,
            read: () => block.readChunk(meta.ref),
          });
        }
        if (chunks.length > 0) list.push({ labels: block.seriesLabels(id), chunks });
      }
      lists.push(list);
    }
    const head: Candidate[] = [];
    for (const ref of select(this.head.postings)) {
      if (ref >= this.snapshot.refLimit) break;
      const until = this.snapshot.lastT[ref] as number;
      const series = this.head.getByRef(ref);
      if (series === undefined || until < start) continue;
      const chunks: ChunkSource[] = [];
      const last = Math.min(end, until);
      for (const chunk of series.chunks) {
        if (chunk.maxT < start || chunk.minT > last) continue;
        chunks.push({ minT: chunk.minT, maxT: chunk.maxT, visibleUntil: until, read: () => chunk });
      }
      const open = series.openChunkTimes();
      if (open !== null && open.maxT >= start && open.minT <= last) {
        const { minT } = open;
        // Read through a view of the live bytes, taken when the series is decoded (nothing appends meanwhile); if
        // the chunk was closed since (appends went on while the query yielded), it is among the closed ones.
        const read = () => {
          const now = series.openChunk(true);
          if (now !== null && now.minT === minT) return now;
          const closed = series.chunks.find((c) => c.minT === minT);
          if (closed === undefined) throw new Error(`the head chunk of series ${series.ref} from ${minT} is gone`);
          return closed;
        };
        chunks.push({ minT, maxT: open.maxT, visibleUntil: until, read });
      }
      if (chunks.length > 0) head.push({ labels: series.labels, chunks });
    }
    lists.push(head.sort((a, b) => compareLabels(a.labels, b.labels)));
    return lists.reduce(mergeByLabels, []);
  }

  private checkOpen(): void {
    if (this.closed) throw new Error('the querier is closed');
  }

  private checkSignal(): void {
    if (this.options.signal?.aborted) {
      throw new EvaluationError('query was canceled in expression evaluation', 'canceled');
    }
  }
}

/** Two label-ordered lists as one; a series in both gets the chunks of `a` then those of `b`. */
function mergeByLabels(a: Candidate[], b: Candidate[]): Candidate[] {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const out: Candidate[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as Candidate;
    const y = b[j] as Candidate;
    const order = compareLabels(x.labels, y.labels);
    if (order < 0) out.push(a[i++] as Candidate);
    else if (order > 0) out.push(b[j++] as Candidate);
    else {
      out.push({ labels: x.labels, chunks: [...x.chunks, ...y.chunks] });
      i++;
      j++;
    }
  }
  while (i < a.length) out.push(a[i++] as Candidate);
  while (j < b.length) out.push(b[j++] as Candidate);
  return out;
}

function upTo<T>(items: T[], limit: number | undefined): T[] {
  return limit === undefined || limit <= 0 ? items : items.slice(0, limit);
}

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
