import type { FloatHistogram } from '../../promql/engine/histograms/native/float-histogram.js';
import type { Labels } from '../../promql/engine/core/labels.js';
import { FLOAT_HISTOGRAM_ENCODING, XOR_ENCODING, type ChunkEncoding } from '../chunks/encoding.js';
import { FloatHistogramAppender } from '../chunks/float-histogram-chunk.js';
import { XorAppender } from '../chunks/xor-chunk.js';
import type { AppendRefusal } from '../errors.js';
import { MAX_CHUNK_BYTES, MAX_SAMPLES_PER_CHUNK, SAMPLES_PER_CHUNK, predictChunkEnd, rangeEnd } from './chunk-range.js';

/** A closed chunk of the head: immutable bytes and the times and sample count it covers. */
export interface HeadChunk {
  readonly encoding: ChunkEncoding;
  readonly bytes: Uint8Array;
  readonly minT: number;
  readonly maxT: number;
  readonly samples: number;
}

/** What a sample's append would do: store it, ignore it (the same sample again), or refuse it. */
export type AppendCheck = 'append' | 'ignore' | AppendRefusal;

const scratch = new Float64Array(1);
const words = new Uint32Array(scratch.buffer);

function sameBits(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  scratch[0] = a;
  const lo = words[0];
  const hi = words[1];
  scratch[0] = b;
  return lo === words[0] && hi === words[1];
}

/**
 * One series in the head: its closed chunks and the open one it appends to. Samples arrive in time order per series
 * (out-of-order samples are refused, as in Prometheus by default); the same sample sent again is ignored, so a sender
 * that retries a whole batch after a timeout does not get an error for what was already stored.
 */
export class HeadSeries {
  readonly chunks: HeadChunk[] = [];
  private floatChunk: XorAppender | null = null;
  private histogramChunk: FloatHistogramAppender | null = null;
  /** Where the open chunk must end (exclusive). */
  private nextAt = -Infinity;
  lastT = -Infinity;
  private lastValue = 0;
  private lastStale = false;
  private lastHistogram: FloatHistogram | null = null;
  /** Whether the series' record is in the write-ahead log (a series is logged before its first sample). */
  logged = false;
  /** Set when garbage-collected from the head: whoever still holds it (a cache) must look it up again. */
  removed = false;
  /** The appender batch that last added a sample of this series, and where (see Appender). */
  batch = 0;
  batchIndex = -1;

  constructor(
    readonly ref: number,
    readonly labels: Labels,
  ) {}

  /** Whether a float sample (or a staleness marker) at `t` can be appended. */
  checkFloat(t: number, value: number, stale: boolean): AppendCheck {
    if (t > this.lastT) return 'append';
    if (t < this.lastT) return 'out_of_order';
    if (this.lastHistogram !== null) return 'duplicate';
    if (stale || this.lastStale) return stale && this.lastStale ? 'ignore' : 'duplicate';
    return sameBits(value, this.lastValue) ? 'ignore' : 'duplicate';
  }

  /** Whether a histogram sample at `t` can be appended. */
  checkHistogram(t: number, h: FloatHistogram): AppendCheck {
    if (t > this.lastT) return 'append';
    if (t < this.lastT) return 'out_of_order';
    return this.lastHistogram !== null && sameHistogram(this.lastHistogram, h) ? 'ignore' : 'duplicate';
  }

  /** Appends a float sample; the caller checked it (replay skips what is already there). */
  appendFloat(t: number, value: number, stale: boolean): void {
    let chunk = this.floatChunk;
    if (chunk === null || this.mustCut(t, chunk)) {
      this.closeChunk();
      chunk = this.floatChunk = new XorAppender();
      this.nextAt = rangeEnd(t);
    }
    chunk.append(t, value, stale);
    this.afterAppend(t, chunk);
    this.lastValue = value;
    this.lastStale = stale;
    this.lastHistogram = null;
  }

  appendHistogram(t: number, h: FloatHistogram): void {
    let chunk = this.histogramChunk;
    if (chunk === null || this.mustCut(t, chunk)) {
      this.closeChunk();
      chunk = this.histogramChunk = new FloatHistogramAppender();
      this.nextAt = rangeEnd(t);
    }
    chunk.append(t, h);
    this.afterAppend(t, chunk);
    this.lastHistogram = h;
    this.lastStale = false;
  }

  /**
   * The open chunk as a closed one, null when there is none: its bytes copied, or (`view`) the live bytes for a reader
   * that decodes them at once.
   */
  openChunk(view = false): HeadChunk | null {
    const chunk = this.floatChunk ?? this.histogramChunk;
    if (chunk === null || chunk.count === 0) return null;
    return {
      encoding: this.floatChunk ? XOR_ENCODING : FLOAT_HISTOGRAM_ENCODING,
      bytes: view ? chunk.view() : chunk.bytes(),
      minT: chunk.minT,
      maxT: chunk.maxT,
      samples: chunk.count,
    };
  }

  /** The times the open chunk covers, without touching its bytes; null when there is none. */
  openChunkTimes(): { minT: number; maxT: number } | null {
    const chunk = this.floatChunk ?? this.histogramChunk;
    return chunk === null || chunk.count === 0 ? null : { minT: chunk.minT, maxT: chunk.maxT };
  }

  /** Every chunk, closed ones then the open one. */
  allChunks(): HeadChunk[] {
    const open = this.openChunk();
    return open ? [...this.chunks, open] : this.chunks;
  }

  /** The oldest time the series holds, or Infinity when it holds nothing. */
  minT(): number {
    return this.chunks[0]?.minT ?? (this.floatChunk ?? this.histogramChunk)?.minT ?? Infinity;
  }

  /**
   * Drops every chunk that ends before `mint` (they are in a block now); the open chunk is closed first when it too is
   * entirely before `mint`. Returns whether the series holds nothing any more.
   */
  truncate(mint: number): boolean {
    const open = this.floatChunk ?? this.histogramChunk;
    if (open !== null && open.maxT < mint) this.closeChunk();
    let drop = 0;
    while (drop < this.chunks.length && (this.chunks[drop] as HeadChunk).maxT < mint) drop++;
    if (drop > 0) this.chunks.splice(0, drop);
    return this.chunks.length === 0 && this.floatChunk === null && this.histogramChunk === null;
  }

  private mustCut(t: number, chunk: XorAppender | FloatHistogramAppender): boolean {
    return t >= this.nextAt || chunk.count >= MAX_SAMPLES_PER_CHUNK || chunk.byteLength > MAX_CHUNK_BYTES;
  }

  private afterAppend(t: number, chunk: XorAppender | FloatHistogramAppender): void {
    this.lastT = t;
    if (chunk.count === SAMPLES_PER_CHUNK / 4) this.nextAt = predictChunkEnd(chunk.minT, t, this.nextAt);
  }

  private closeChunk(): void {
    const open = this.openChunk();
    if (open !== null) this.chunks.push(open);
    this.floatChunk = null;
    this.histogramChunk = null;
  }
}

function sameHistogram(a: FloatHistogram, b: FloatHistogram): boolean {
  return (
    a.schema === b.schema &&
    sameBits(a.count, b.count) &&
    sameBits(a.sum, b.sum) &&
    a.zeroCount === b.zeroCount &&
    a.zeroThreshold === b.zeroThreshold &&
    JSON.stringify([a.positiveSpans, a.positiveBuckets, a.negativeSpans, a.negativeBuckets, a.customValues]) ===
      JSON.stringify([b.positiveSpans, b.positiveBuckets, b.negativeSpans, b.negativeBuckets, b.customValues])
  );
}
