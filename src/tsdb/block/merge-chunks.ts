import type { FloatHistogram } from '../../promql/engine/histograms/native/float-histogram.js';
import { FLOAT_HISTOGRAM_ENCODING, XOR_ENCODING } from '../chunks/encoding.js';
import { FloatColumns } from '../chunks/float-columns.js';
import { FloatHistogramAppender, readFloatHistogramChunk } from '../chunks/float-histogram-chunk.js';
import { XorAppender, readXorChunk } from '../chunks/xor-chunk.js';
import type { Block, BlockChunkMeta } from './block.js';
import type { ChunkInput } from './writer.js';

/** Re-encoded chunks are cut as the head cuts them: 120 samples, an XOR chunk before it passes 1005 bytes. */
const SAMPLES_PER_CHUNK = 120;
const MAX_XOR_BYTES = 1005;
/** Histogram chunks: about 1 KiB, at least 10 samples (Prometheus's histogram chunk target). */
const HISTOGRAM_CHUNK_BYTES = 1024;
const MIN_HISTOGRAM_SAMPLES = 10;

/** A chunk of one of the blocks being merged. */
export interface SourcedChunk {
  readonly meta: BlockChunkMeta;
  readonly block: Block;
  /** Higher = newer block (later ULID); its sample wins at an equal timestamp. */
  readonly rank: number;
}

/** All Prometheus chunk encodings and vigil's float-histogram chunk start with a big-endian uint16 sample count. */
function sampleCount(bytes: Uint8Array): number {
  return bytes.length >= 2 ? ((bytes[0] as number) << 8) | (bytes[1] as number) : 0;
}

function copyChunk(c: SourcedChunk): ChunkInput {
  const { encoding, bytes } = c.block.readChunk(c.meta.ref);
  return { minT: c.meta.minT, maxT: c.meta.maxT, encoding, bytes, samples: sampleCount(bytes) };
}

/** One block's samples of a run of overlapping chunks, decoded into columns, with a read position in each. */
class SourceSamples {
  private readonly floats = new FloatColumns(256);
  private floatT: Float64Array = new Float64Array(0);
  private floatV: Float64Array = new Float64Array(0);
  private floatStale: Uint8Array | undefined;
  private readonly histT: number[] = [];
  private readonly histH: FloatHistogram[] = [];
  private f = 0;
  private h = 0;

  constructor(readonly rank: number) {}

  add(c: SourcedChunk): void {
    const { encoding, bytes } = c.block.readChunk(c.meta.ref);
    if (encoding === XOR_ENCODING) readXorChunk(bytes, -Infinity, Infinity, this.floats);
    else if (encoding === FLOAT_HISTOGRAM_ENCODING) {
      readFloatHistogramChunk(bytes, -Infinity, Infinity, this.histT, this.histH);
    } else throw new Error(`${c.block.dir}: cannot merge overlapping chunks of encoding ${encoding}`);
  }

  /** Call once every chunk is added. */
  seal(): void {
    const { timestamps, values, stale } = this.floats.toFloatSamples();
    this.floatT = timestamps;
    this.floatV = values;
    this.floatStale = stale;
  }

  /** The time of the next sample, Infinity when none is left (a block's own chunks never share a time). */
  peek(): number {
    return Math.min(this.floatT[this.f] ?? Infinity, this.histT[this.h] ?? Infinity);
  }

  nextIsFloat(): boolean {
    return (this.floatT[this.f] ?? Infinity) < (this.histT[this.h] ?? Infinity);
  }

  takeFloat(app: XorAppender): void {
    const i = this.f++;
    app.append(this.floatT[i] as number, this.floatV[i] as number, this.floatStale?.[i] === 1);
  }

  takeHistogram(app: FloatHistogramAppender): void {
    const i = this.h++;
    app.append(this.histT[i] as number, this.histH[i] as FloatHistogram);
  }

  skip(): void {
    if (this.nextIsFloat()) this.f++;
    else this.h++;
  }
}

/** Collects re-encoded chunks, cutting them as the head does and whenever the sample type changes. */
class ChunkCutter {
  private xor: XorAppender | null = null;
  private hist: FloatHistogramAppender | null = null;

  constructor(private readonly out: ChunkInput[]) {}

  floatAppender(): XorAppender {
    const { xor } = this;
    if (xor !== null && xor.count < SAMPLES_PER_CHUNK && xor.byteLength <= MAX_XOR_BYTES) return xor;
    this.flush();
    return (this.xor = new XorAppender());
  }

  histogramAppender(): FloatHistogramAppender {
    const { hist } = this;
    if (
      hist !== null &&
      hist.count < SAMPLES_PER_CHUNK &&
      (hist.byteLength < HISTOGRAM_CHUNK_BYTES || hist.count < MIN_HISTOGRAM_SAMPLES)
    ) {
      return hist;
    }
    this.flush();
    return (this.hist = new FloatHistogramAppender());
  }

  flush(): void {
    const app = this.xor ?? this.hist;
    if (app !== null && app.count > 0) {
      const encoding = this.xor !== null ? XOR_ENCODING : FLOAT_HISTOGRAM_ENCODING;
      this.out.push({ minT: app.minT, maxT: app.maxT, encoding, bytes: app.bytes(), samples: app.count });
    }
    this.xor = null;
    this.hist = null;
  }
}

/**
 * Decodes a run of overlapping chunks and encodes its samples again, one per timestamp (the newest block's): a k-way
 * merge over the blocks' decoded columns, since each block's own chunks are already in time order.
 */
function reencode(run: readonly SourcedChunk[], out: ChunkInput[]): void {
  const byRank = new Map<number, SourceSamples>();
  for (const c of run) {
    let source = byRank.get(c.rank);
    if (source === undefined) byRank.set(c.rank, (source = new SourceSamples(c.rank)));
    source.add(c);
  }
  // Newest first, so that the first source with the smallest time wins a tie.
  const sources = [...byRank.values()].sort((a, b) => b.rank - a.rank);
  for (const source of sources) source.seal();
  const cutter = new ChunkCutter(out);
  for (;;) {
    let t = Infinity;
    let winner: SourceSamples | null = null;
    for (const source of sources) {
      const next = source.peek();
      if (next < t) {
        t = next;
        winner = source;
      }
    }
    if (winner === null) break;
    if (winner.nextIsFloat()) winner.takeFloat(cutter.floatAppender());
    else winner.takeHistogram(cutter.histogramAppender());
    for (const source of sources) if (source.peek() === t) source.skip();
  }
  cutter.flush();
}

/**
 * One series' chunks from every block that has it, in time order. Chunks are copied byte for byte unless their time
 * ranges overlap (overlapping blocks, or a block cut while the head still held the same samples): each run of
 * overlapping chunks is decoded, deduplicated by timestamp (the newest block's sample wins) and re-encoded.
 * Throws for overlapping chunks of an encoding it cannot decode.
 */
export function mergeChunks(parts: readonly SourcedChunk[]): ChunkInput[] {
  const sorted = [...parts].sort((a, b) => a.meta.minT - b.meta.minT || a.rank - b.rank);
  const out: ChunkInput[] = [];
  let run: SourcedChunk[] = [];
  let runMaxT = -Infinity;
  const emit = (): void => {
    if (run.length === 1) out.push(copyChunk(run[0] as SourcedChunk));
    else if (run.length > 1) reencode(run, out);
  };
  for (const c of sorted) {
    if (c.meta.minT > runMaxT) {
      emit();
      run = [];
    }
    run.push(c);
    runMaxT = Math.max(runMaxT, c.meta.maxT);
  }
  emit();
  return out;
}
