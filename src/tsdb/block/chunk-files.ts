import fs from 'node:fs';
import path from 'node:path';
import { TsdbCorruptionError } from '../chunks/errors.js';
import { Decbuf } from '../index/decbuf.js';
import { Encbuf } from '../index/encbuf.js';
import { FileSink } from '../index/file-sink.js';
import { crc32c } from '../wal/crc32c.js';

/** First four bytes of a block chunk file (tsdb/chunks/chunks.go MagicChunks). */
const CHUNKS_MAGIC = 0x85bd40dd;
const CHUNKS_FORMAT_V1 = 1;
/** Magic, version, three bytes of padding. */
const SEGMENT_HEADER = 8;
/** Prometheus's DefaultChunkSegmentSize. */
export const MAX_SEGMENT_BYTES = 512 * 1024 * 1024;
const TWO_32 = 0x1_0000_0000;

function segmentName(seq: number): string {
  return String(seq + 1).padStart(6, '0');
}

/**
 * Writes a block's `chunks/000001…` files in Prometheus's format: an 8-byte header, then per chunk `len uvarint |
 * encoding u8 | data | CRC32C(encoding, data) u32`; a new file is cut before a chunk that would pass `segmentBytes`.
 * `write` returns the chunk's reference, file sequence (0 for 000001) × 2^32 + offset, as the index stores it.
 */
export class ChunkFileWriter {
  private sink: FileSink | null = null;
  private seq = -1;
  private readonly frame = new Encbuf(16);
  private readonly crc = new Uint8Array(4);

  constructor(
    private readonly dir: string,
    private readonly segmentBytes = MAX_SEGMENT_BYTES,
  ) {}

  async write(encoding: number, data: Uint8Array): Promise<number> {
    const size = 5 + 1 + data.length + 4;
    if (this.sink === null || (this.sink.pos > SEGMENT_HEADER && this.sink.pos + size > this.segmentBytes)) {
      await this.cut();
    }
    const sink = this.sink as FileSink;
    const ref = this.seq * TWO_32 + sink.pos;
    this.frame.reset();
    this.frame.putUvarint(data.length);
    this.frame.putByte(encoding);
    sink.write(this.frame.get());
    sink.write(data);
    const sum = crc32c(data, 0, data.length, crc32c(Uint8Array.of(encoding)));
    new DataView(this.crc.buffer).setUint32(0, sum);
    sink.write(this.crc);
    return ref;
  }

  private async cut(): Promise<void> {
    if (this.sink !== null) await this.sink.close();
    this.seq++;
    this.sink = new FileSink(path.join(this.dir, segmentName(this.seq)));
    const header = new Encbuf(SEGMENT_HEADER);
    header.putBE32(CHUNKS_MAGIC);
    header.putByte(CHUNKS_FORMAT_V1);
    header.putBytes(new Uint8Array(3));
    this.sink.write(header.get());
  }

  /** Flushes, fsyncs and closes the last file. */
  async close(): Promise<void> {
    const { sink } = this;
    this.sink = null;
    if (sink !== null) await sink.close();
  }

  abandon(): void {
    this.sink?.abandon();
    this.sink = null;
  }
}

/**
 * A block's chunk files, read chunk by chunk with positioned reads (the files stay on disk; Node has no mmap). Headers
 * are checked on open and every chunk's CRC on read; a damaged file or a reference outside it throws
 * TsdbCorruptionError. The descriptors stay open until `close`, so a block deleted while a query still reads it
 * remains readable.
 */
/** How much a chunk read reads ahead (see read). */
const READ_WINDOW = 64 * 1024;

export class ChunkFiles {
  private window: { seq: number; start: number; bytes: Buffer } | null = null;
  private readonly fds: number[] = [];
  private readonly sizes: number[] = [];
  private closed = false;

  constructor(private readonly dir: string) {
    let names: string[];
    try {
      names = fs.readdirSync(dir).filter((name) => /^\d+$/.test(name));
    } catch (error) {
      throw new TsdbCorruptionError(`${dir}: ${(error as Error).message}`);
    }
    names.sort((a, b) => Number(a) - Number(b));
    try {
      names.forEach((name, i) => {
        if (Number(name) !== i + 1) throw new TsdbCorruptionError(`${dir}: chunk file ${segmentName(i)} missing`);
        const file = path.join(dir, name);
        const fd = fs.openSync(file, 'r');
        this.fds.push(fd);
        const size = fs.fstatSync(fd).size;
        this.sizes.push(size);
        const header = Buffer.alloc(SEGMENT_HEADER);
        const n = fs.readSync(fd, header, 0, SEGMENT_HEADER, 0);
        if (n < SEGMENT_HEADER || header.readUInt32BE(0) !== CHUNKS_MAGIC) {
          throw new TsdbCorruptionError(`${file}: invalid chunk file header`);
        }
        if (header[4] !== CHUNKS_FORMAT_V1) throw new TsdbCorruptionError(`${file}: unknown chunk format ${header[4]}`);
      });
    } catch (error) {
      this.close();
      if (error instanceof TsdbCorruptionError) throw error;
      throw new TsdbCorruptionError(`${dir}: ${(error as Error).message}`);
    }
  }

  /** Total bytes of the chunk files. */
  size(): number {
    return this.sizes.reduce((a, b) => a + b, 0);
  }

  read(ref: number): { encoding: number; bytes: Uint8Array } {
    if (this.closed) throw new Error(`${this.dir}: read after the block was closed`);
    const seq = Math.floor(ref / TWO_32);
    const offset = ref % TWO_32;
    const fd = this.fds[seq];
    const size = this.sizes[seq];
    const where = `${this.dir}/${segmentName(seq)} chunk at ${offset}`;
    if (fd === undefined || size === undefined || offset < SEGMENT_HEADER || offset >= size) {
      throw new TsdbCorruptionError(`${where}: reference ${ref} outside the chunk files`);
    }
    let buf = this.fromWindow(seq, offset);
    if (buf === null) {
      // Queries read series in label order, which is the order their chunks were written in: one read of the next
      // 64 KiB serves the chunks that follow (hundreds of them) instead of one read each.
      const window = Buffer.allocUnsafe(Math.min(size - offset, READ_WINDOW));
      fs.readSync(fd, window, 0, window.length, offset);
      this.window = { seq, start: offset, bytes: window };
      buf = window;
    }
    const head = new Decbuf(buf, where);
    const len = head.uvarint();
    const total = head.pos + 1 + len + 4;
    if (offset + total > size) head.fail(`chunk of ${len} bytes runs past the end of the file`);
    if (total > buf.length) {
      const whole = Buffer.allocUnsafe(total);
      whole.set(buf);
      fs.readSync(fd, whole, buf.length, total - buf.length, offset + buf.length);
      buf = whole;
    }
    const encStart = head.pos;
    const dataEnd = encStart + 1 + len;
    if (crc32c(buf, encStart, dataEnd) !== buf.readUInt32BE(dataEnd)) head.fail('checksum mismatch');
    return { encoding: buf[encStart] as number, bytes: buf.subarray(encStart + 1, dataEnd) };
  }

  /** The bytes from `offset` on, when the last read-ahead window holds at least a chunk header there. */
  private fromWindow(seq: number, offset: number): Buffer | null {
    const window = this.window;
    if (window === null || window.seq !== seq || offset < window.start) return null;
    const at = offset - window.start;
    return at + 16 <= window.bytes.length ? window.bytes.subarray(at) : null;
  }

  close(): void {
    this.window = null;
    this.closed = true;
    for (const fd of this.fds.splice(0)) fs.closeSync(fd);
  }
}
