import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { compareLabels, formatLabels, type Labels } from '../../promql/engine/core/labels.js';
import { writeIndex } from '../index/index-writer.js';
import { CHUNKS_DIR, INDEX_FILE } from './block.js';
import { ChunkFileWriter, MAX_SEGMENT_BYTES } from './chunk-files.js';
import { META_FILE, encodeMeta, type BlockMeta } from './meta.js';
import { pauser } from './pause.js';
import { TOMBSTONES_FILE, emptyTombstones } from './tombstones.js';
import { ulid as newUlid } from './ulid.js';

const fsync = promisify(fs.fsync);

/** One encoded chunk to store: its bytes as the chunk encoder produced them. */
export interface ChunkInput {
  readonly minT: number;
  readonly maxT: number;
  readonly encoding: number;
  readonly bytes: Uint8Array;
  readonly samples: number;
}

/** A series and its chunks in time order, not overlapping. */
export interface SeriesInput {
  readonly labels: Labels;
  readonly chunks: readonly ChunkInput[];
}

export interface WriteBlockInput {
  readonly minTime: number;
  /** Exclusive. */
  readonly maxTime: number;
  /** Sorted by compareLabels, each label set once. */
  readonly series: AsyncIterable<SeriesInput> | Iterable<SeriesInput>;
  readonly level: number;
  /** The level-1 blocks this one's data came from; defaults to the block itself (a block cut from the head). */
  readonly sources?: readonly string[];
  readonly parents?: readonly BlockMeta[];
  /** The new block's ULID; by default one from the clock and crypto-random bytes. */
  readonly ulid?: string;
  /** Test hook: chunk file size limit (Prometheus's 512 MiB by default). */
  readonly segmentBytes?: number;
}

/** A Float64Array that doubles when full. */
class Column {
  data = new Float64Array(1024);
  length = 0;

  push(v: number): void {
    if (this.length === this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = v;
  }
}

async function syncDir(dir: string): Promise<void> {
  const fd = fs.openSync(dir, 'r');
  try {
    await fsync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

async function writeDurably(file: string, data: string | Uint8Array): Promise<void> {
  const fd = fs.openSync(file, 'wx');
  try {
    fs.writeFileSync(fd, data);
    await fsync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function checkChunks(series: SeriesInput, minTime: number, maxTime: number): void {
  let prevMaxT = -Infinity;
  for (const c of series.chunks) {
    const where = `chunk [${c.minT}, ${c.maxT}] of ${formatLabels(series.labels)}`;
    if (!Number.isSafeInteger(c.minT) || !Number.isSafeInteger(c.maxT) || c.maxT < c.minT) {
      throw new RangeError(`${where}: bad time range`);
    }
    if (c.minT <= prevMaxT) throw new RangeError(`${where}: overlaps or precedes the previous chunk`);
    if (c.minT < minTime || c.maxT >= maxTime)
      throw new RangeError(`${where}: outside the block [${minTime}, ${maxTime})`);
    prevMaxT = c.maxT;
  }
}

/**
 * Persists series as a Prometheus-format block (meta.json, index, chunks/, tombstones): everything is written into
 * `<parentDir>/<ulid>.tmp-for-creation`, fsynced with its directories, then renamed to `<parentDir>/<ulid>` and the
 * parent fsynced, so a crash leaves either a whole block or a temporary directory that `cleanLeftovers` removes.
 * Chunk bytes go to disk as the series stream in; labels and chunk metas are kept until the index is written (it
 * needs every symbol first). Series without chunks are left out; when none is left no block is written and the
 * result is null. The event loop gets a turn every ~10 ms of work.
 */
export async function writeBlock(parentDir: string, input: WriteBlockInput): Promise<BlockMeta | null> {
  const { minTime, maxTime } = input;
  if (!(Number.isSafeInteger(minTime) && Number.isSafeInteger(maxTime) && minTime < maxTime)) {
    throw new RangeError(`bad block range [${minTime}, ${maxTime})`);
  }
  const id = input.ulid ?? newUlid(Date.now(), (n) => randomBytes(n));
  const tmp = path.join(parentDir, `${id}.tmp-for-creation`);
  const final = path.join(parentDir, id);
  const pause = pauser();
  fs.mkdirSync(tmp);
  const chunkDir = path.join(tmp, CHUNKS_DIR);
  const chunkWriter = new ChunkFileWriter(chunkDir, input.segmentBytes ?? MAX_SEGMENT_BYTES);
  try {
    fs.mkdirSync(chunkDir);
    const labels: Labels[] = [];
    const offsets: number[] = [0];
    const minT = new Column();
    const maxT = new Column();
    const ref = new Column();
    let numSamples = 0;
    let previous: Labels | null = null;
    for await (const series of input.series) {
      if (previous !== null && compareLabels(previous, series.labels) >= 0) {
        throw new RangeError(`series out of order: ${formatLabels(series.labels)} after ${formatLabels(previous)}`);
      }
      previous = series.labels;
      if (series.chunks.length === 0) continue;
      checkChunks(series, minTime, maxTime);
      for (const c of series.chunks) {
        ref.push(await chunkWriter.write(c.encoding, c.bytes));
        minT.push(c.minT);
        maxT.push(c.maxT);
        numSamples += c.samples;
      }
      labels.push(series.labels);
      offsets.push(minT.length);
      await pause();
    }
    await chunkWriter.close();
    if (labels.length === 0) {
      fs.rmSync(tmp, { recursive: true, force: true });
      return null;
    }
    await writeIndex(
      path.join(tmp, INDEX_FILE),
      labels,
      { offsets, minT: minT.data, maxT: maxT.data, ref: ref.data },
      pause,
    );
    await writeDurably(path.join(tmp, TOMBSTONES_FILE), emptyTombstones());
    const meta: BlockMeta = {
      ulid: id,
      minTime,
      maxTime,
      stats: { numSamples, numSeries: labels.length, numChunks: minT.length },
      compaction: {
        level: input.level,
        sources: [...(input.sources ?? [id])],
        ...(input.parents && input.parents.length > 0
          ? { parents: input.parents.map((p) => ({ ulid: p.ulid, minTime: p.minTime, maxTime: p.maxTime })) }
          : {}),
      },
      version: 1,
    };
    await writeDurably(path.join(tmp, META_FILE), encodeMeta(meta));
    await syncDir(chunkDir);
    await syncDir(tmp);
    fs.renameSync(tmp, final);
    await syncDir(parentDir);
    return meta;
  } catch (error) {
    chunkWriter.abandon();
    fs.rmSync(tmp, { recursive: true, force: true });
    throw error;
  }
}
