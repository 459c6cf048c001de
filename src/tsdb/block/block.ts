import fs from 'node:fs';
import path from 'node:path';
import type { Labels } from '../../promql/engine/core/labels.js';
import { TsdbCorruptionError } from '../chunks/errors.js';
import { IndexFile, type IndexChunkMeta } from '../index/index-file.js';
import type { IndexReader } from '../index/index-reader.js';
import { ChunkFiles } from './chunk-files.js';
import { META_FILE, readMeta, type BlockMeta } from './meta.js';
import { TOMBSTONES_FILE, countTombstones } from './tombstones.js';

/** A chunk of a block series: its time range and where it is in the chunk files (file seq × 2^32 + offset). */
export type BlockChunkMeta = IndexChunkMeta;

export const INDEX_FILE = 'index';
export const CHUNKS_DIR = 'chunks';

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

/**
 * A persisted block, open for queries and compaction: meta.json and the index are read into memory and checked (every
 * CRC), chunk files are read chunk by chunk on demand. Series ids are positions in the index's series section, so
 * sorted ids are sorted label sets. Whatever is malformed — meta, index, chunk file headers, a chunk's CRC on read,
 * tombstones — throws TsdbCorruptionError, so the caller can set the block aside instead of serving wrong data.
 */
export class Block {
  readonly index: IndexReader;
  private readonly indexFile: IndexFile;
  private readonly chunks: ChunkFiles;
  /** Index, meta.json and tombstones: written once, so measured once. */
  private readonly fixedBytes: number;

  private constructor(
    readonly dir: string,
    readonly meta: BlockMeta,
  ) {
    const indexPath = path.join(dir, INDEX_FILE);
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(indexPath);
    } catch (error) {
      throw new TsdbCorruptionError(`${indexPath}: ${(error as Error).message}`);
    }
    this.indexFile = new IndexFile(bytes, indexPath);
    this.index = this.indexFile;
    if (countTombstones(dir) > 0) {
      throw new TsdbCorruptionError(`${dir}: block has deletion tombstones, which vigil does not apply`);
    }
    this.chunks = new ChunkFiles(path.join(dir, CHUNKS_DIR));
    this.fixedBytes = bytes.length + fileSize(path.join(dir, META_FILE)) + fileSize(path.join(dir, TOMBSTONES_FILE));
  }

  static open(dir: string): Block {
    return new Block(dir, readMeta(dir));
  }

  seriesLabels(id: number): Labels {
    return this.indexFile.seriesLabels(id);
  }

  seriesChunks(id: number): readonly BlockChunkMeta[] {
    return this.indexFile.seriesChunks(id);
  }

  readChunk(ref: number): { encoding: number; bytes: Uint8Array } {
    return this.chunks.read(ref);
  }

  /** Bytes of all the block's files, for size-based retention and the bytes-per-sample figure. */
  sizeOnDisk(): number {
    return this.fixedBytes + this.chunks.size();
  }

  close(): void {
    this.chunks.close();
  }
}
