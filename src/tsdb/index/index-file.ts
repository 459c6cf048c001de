import type { Label, Labels } from '../../promql/engine/core/labels.js';
import { crc32c } from '../wal/crc32c.js';
import { compareUtf8 } from './byte-order.js';
import { Decbuf } from './decbuf.js';
import type { IndexReader } from './index-reader.js';
import { INDEX_FORMAT_V2, INDEX_MAGIC, INDEX_TOC_LENGTH, SERIES_ALIGN } from './index-format.js';

/** Where a series' chunk is and the times of its first and last sample. */
export interface IndexChunkMeta {
  readonly minT: number;
  readonly maxT: number;
  /** Chunk file sequence (0 for `chunks/000001`) × 2^32 + byte offset in that file. */
  readonly ref: number;
}

interface NamePostings {
  /** In file order (UTF-8 byte order). */
  readonly values: string[];
  readonly offsets: number[];
  /** The values in JavaScript order, computed on first use. */
  sorted?: readonly string[];
}

const EMPTY = new Uint32Array(0);

/** Reads one `len u32 | body | crc u32` section at `offset` after checking its CRC, and returns a reader of the body. */
function section(bytes: Uint8Array, offset: number, what: string): Decbuf {
  const head = new Decbuf(bytes, what, offset);
  const len = head.be32();
  const body = new Decbuf(bytes, what, head.pos, head.pos + len);
  const crc = new Decbuf(bytes, what, head.pos + len).be32();
  if (crc32c(bytes, head.pos, head.pos + len) !== crc) body.fail('checksum mismatch');
  return body;
}

/**
 * A block's index file (Prometheus index format v2) held in memory, answering IndexReader for matcher resolution and
 * the label sets and chunk metas of its series. Series ids here are positions 0…n−1 in the series section — dense and
 * in label order, so ids can index arrays and sorted ids are sorted label sets — and postings are translated to them
 * from the file's offset/16 ids. Every section's CRC is checked when the file is parsed; anything malformed throws
 * TsdbCorruptionError.
 */
export class IndexFile implements IndexReader {
  private readonly symbols: string[];
  /** Ordinal id → the file's series id (offset / 16), ascending. */
  private readonly fileIds: Uint32Array;
  private readonly names = new Map<string, NamePostings>();
  private readonly allIds: Uint32Array;
  private sortedNames: readonly string[] | null = null;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly what: string,
  ) {
    const d = new Decbuf(bytes, what);
    if (bytes.length < 5 + INDEX_TOC_LENGTH) d.fail('file too short');
    if (d.be32() !== INDEX_MAGIC) d.fail('bad magic number');
    const version = d.byte();
    if (version !== INDEX_FORMAT_V2) d.fail(`unsupported index format version ${version}`);

    const tocStart = bytes.length - INDEX_TOC_LENGTH;
    const toc = new Decbuf(bytes, `${what} TOC`, tocStart);
    const tocCrc = new Decbuf(bytes, what, bytes.length - 4).be32();
    if (crc32c(bytes, tocStart, bytes.length - 4) !== tocCrc) toc.fail('checksum mismatch');
    const symbolsAt = toc.be64();
    const seriesAt = toc.be64();
    const seriesEnd = toc.be64();
    toc.be64();
    toc.be64();
    const postingsTableAt = toc.be64();
    if (!(
      symbolsAt < seriesAt &&
      seriesAt <= seriesEnd &&
      seriesEnd <= postingsTableAt &&
      postingsTableAt < tocStart
    )) {
      toc.fail('section offsets out of order');
    }

    const sym = section(bytes, symbolsAt, `${what} symbol table`);
    const count = sym.be32();
    this.symbols = [];
    for (let i = 0; i < count; i++) this.symbols.push(sym.uvarintStr());

    const table = section(bytes, postingsTableAt, `${what} postings offset table`);
    const entries = table.be32();
    let allOffset = -1;
    for (let i = 0; i < entries; i++) {
      if (table.uvarint() !== 2) table.fail('postings offset entry without two keys');
      const name = table.uvarintStr();
      const value = table.uvarintStr();
      const offset = table.uvarint();
      if (name === '' && value === '') {
        allOffset = offset;
        continue;
      }
      let byName = this.names.get(name);
      if (byName === undefined) this.names.set(name, (byName = { values: [], offsets: [] }));
      const last = byName.values[byName.values.length - 1];
      if (last !== undefined && compareUtf8(last, value) >= 0) table.fail('postings offset table not sorted');
      byName.values.push(value);
      byName.offsets.push(offset);
    }
    if (allOffset < 0) table.fail('no all-series postings');

    this.fileIds = this.readPostings(allOffset);
    for (let i = 0; i < this.fileIds.length; i++) {
      const id = this.fileIds[i] as number;
      const at = id * SERIES_ALIGN;
      if ((i > 0 && id <= (this.fileIds[i - 1] as number)) || at < seriesAt || at >= seriesEnd) {
        d.fail(`series id ${id} out of order or outside the series section`);
      }
      this.seriesEntry(i, true);
    }
    this.allIds = Uint32Array.from(this.fileIds.keys());
    for (const { offsets } of this.names.values()) for (const offset of offsets) this.readPostings(offset);
  }

  get seriesCount(): number {
    return this.fileIds.length;
  }

  private readPostings(offset: number): Uint32Array {
    const list = section(this.bytes, offset, `${this.what} postings`);
    const n = list.be32();
    if (list.remaining !== n * 4) list.fail('postings length does not match its count');
    const out = new Uint32Array(n);
    for (let i = 0; i < n; i++) out[i] = list.be32();
    return out;
  }

  /** A reader over the series entry of ordinal `id`, after its length prefix; checks the CRC when asked to. */
  private seriesEntry(id: number, verify: boolean): Decbuf {
    const what = `${this.what} series ${id}`;
    const fileId = this.fileIds[id];
    if (fileId === undefined) throw new RangeError(`no series ${id} in ${this.what}`);
    const head = new Decbuf(this.bytes, what, fileId * SERIES_ALIGN);
    const len = head.uvarint();
    const entry = new Decbuf(this.bytes, what, head.pos, head.pos + len);
    if (verify) {
      const crc = new Decbuf(this.bytes, what, head.pos + len).be32();
      if (crc32c(this.bytes, head.pos, head.pos + len) !== crc) entry.fail('checksum mismatch');
    }
    return entry;
  }

  private symbol(d: Decbuf): string {
    const i = d.uvarint();
    const s = this.symbols[i];
    if (s === undefined) d.fail(`unknown symbol ${i}`);
    return s;
  }

  labelNames(): readonly string[] {
    this.sortedNames ??= [...this.names.keys()].sort();
    return this.sortedNames;
  }

  labelValues(name: string): readonly string[] {
    const byName = this.names.get(name);
    if (byName === undefined) return [];
    byName.sorted ??= [...byName.values].sort();
    return byName.sorted;
  }

  postings(name: string, value: string): Uint32Array {
    const byName = this.names.get(name);
    if (byName === undefined) return EMPTY;
    const { values } = byName;
    let lo = 0;
    let hi = values.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareUtf8(values[mid] as string, value) < 0) lo = mid + 1;
      else hi = mid;
    }
    if (values[lo] !== value) return EMPTY;
    return this.toOrdinals(this.readPostings(byName.offsets[lo] as number));
  }

  allPostings(): Uint32Array {
    return this.allIds;
  }

  /** File ids → ordinal ids: both lists ascend, so one forward walk with binary-search steps. */
  private toOrdinals(ids: Uint32Array): Uint32Array {
    const { fileIds } = this;
    const out = new Uint32Array(ids.length);
    let from = 0;
    for (let i = 0; i < ids.length; i++) {
      const x = ids[i] as number;
      let lo = from;
      let hi = fileIds.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((fileIds[mid] as number) < x) lo = mid + 1;
        else hi = mid;
      }
      if (fileIds[lo] !== x) new Decbuf(this.bytes, `${this.what} postings`).fail(`unknown series id ${x}`);
      out[i] = lo;
      from = lo + 1;
    }
    return out;
  }

  /** The label set of series `id`. */
  seriesLabels(id: number): Labels {
    const d = this.seriesEntry(id, false);
    const n = d.uvarint();
    const labels: Label[] = [];
    for (let i = 0; i < n; i++) labels.push({ name: this.symbol(d), value: this.symbol(d) });
    return labels;
  }

  /** The chunk metas of series `id`, in time order. */
  seriesChunks(id: number): IndexChunkMeta[] {
    const d = this.seriesEntry(id, false);
    const n = d.uvarint();
    for (let i = 0; i < 2 * n; i++) d.uvarint();
    const count = d.uvarint();
    const out: IndexChunkMeta[] = [];
    let maxT = 0;
    let ref = 0;
    for (let i = 0; i < count; i++) {
      const minT = i === 0 ? d.varint() : maxT + d.uvarint();
      maxT = minT + d.uvarint();
      ref = i === 0 ? d.uvarint() : ref + d.varint();
      out.push({ minT, maxT, ref });
    }
    return out;
  }
}
