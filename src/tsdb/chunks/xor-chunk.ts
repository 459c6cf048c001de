import { withSampleCount } from './encoding.js';
import { BitReader } from './bit-reader.js';
import { BitWriter } from './bit-writer.js';
import { readDod } from './dod-codec.js';
import { TsdbCorruptionError } from './errors.js';
import { FLOAT, HI, LO, STALE_HI, STALE_LO, WORDS, isStaleWords } from './float-bits.js';
import type { FloatColumns } from './float-columns.js';
import { checkAppendTime, writeSampleTime } from './sample-times.js';
import { readUvarint, readVarint } from './varint-codec.js';
import { NO_WINDOW, readXorValue, writeXorValue } from './xor-value-codec.js';

/**
 * Prometheus's XOR float chunk (tsdb/chunkenc/xor.go, docs/format/chunks.md), bit for bit: a 2-byte big-endian sample
 * count, then sample 0 (t as signed varint, value as its raw 64 bits), sample 1 (Δt as unsigned varint, value XOR),
 * then per sample a timestamp delta-of-delta (dod-codec.ts) and an XOR-coded value (xor-value-codec.ts), zero-padded
 * to a byte. Chunks move between vigil and Prometheus tools unchanged.
 */

const HEADER_BYTES = 2;
const MAX_SAMPLES = 0xffff;

/**
 * Appends samples to an XOR chunk, keeping the encoder's state (last time, last delta, last value's words, XOR window)
 * so each append is a few bit writes. Samples must come in strictly increasing time: the head refuses the others
 * before they get here, and readers rely on the order to stop early.
 */
export class XorAppender {
  private writer: BitWriter;
  private samples = 0;
  private firstT = Infinity;
  private lastT = -Infinity;
  private lastDelta = 0;
  /** The last value's high and low words and its XOR window (xor-value-codec.ts). */
  private readonly state = new Uint32Array([0, 0, NO_WINDOW]);

  constructor() {
    this.writer = new BitWriter();
    this.writer.writeBits(0, HEADER_BYTES * 8);
  }

  /**
   * An appender that continues `bytes`, an XOR chunk (from disk, or rebuilt after a WAL replay): the chunk is decoded
   * once to restore the encoder's state, and later appends give the bytes one appender would have written for all
   * the samples. Throws TsdbCorruptionError if `bytes` is not a whole XOR chunk.
   */
  static resume(bytes: Uint8Array): XorAppender {
    const decoder = new XorDecoder(bytes);
    const appender = new XorAppender();
    while (decoder.next()) {
      if (decoder.read === 1) appender.firstT = decoder.t;
    }
    const bitLength = decoder.bitPosition;
    decoder.finish();
    appender.resumeFrom(bytes, decoder, bitLength);
    return appender;
  }

  get count(): number {
    return this.samples;
  }

  /** The chunk's size in bytes so far, header included. */
  get byteLength(): number {
    return this.writer.byteLength;
  }

  /** The first sample's time; Infinity while the chunk is empty. */
  get minT(): number {
    return this.firstT;
  }

  /** The last sample's time; −Infinity while the chunk is empty. */
  get maxT(): number {
    return this.lastT;
  }

  /**
   * Appends a sample at `t` ms (an integer, later than the last one). A stale sample stores Prometheus's stale marker
   * bits 0x7ff0000000000002 whatever `value` is; any other value is stored as its own 64 bits. Throws RangeError for
   * a time that is not a later integer, or past 65,535 samples (the count's 16 bits).
   */
  append(t: number, value: number, stale: boolean): void {
    const n = this.samples;
    checkAppendTime('XOR chunk', t, this.lastT);
    if (n === MAX_SAMPLES) throw new RangeError('XOR chunk: a chunk holds at most 65535 samples');
    let hi: number;
    let lo: number;
    if (stale) {
      hi = STALE_HI;
      lo = STALE_LO;
    } else {
      FLOAT[0] = value;
      hi = WORDS[HI] as number;
      lo = WORDS[LO] as number;
    }
    const writer = this.writer;
    const state = this.state;
    this.lastDelta = writeSampleTime(writer, n, t, this.lastT, this.lastDelta);
    if (n === 0) {
      writer.writeBits(hi, 32);
      writer.writeBits(lo, 32);
      state[0] = hi;
      state[1] = lo;
      this.firstT = t;
    } else {
      writeXorValue(writer, state, 0, hi, lo);
    }
    this.lastT = t;
    this.samples = n + 1;
  }

  /** The encoded chunk so far, as a new array with the sample count set. */
  bytes(): Uint8Array {
    return withSampleCount(this.writer.toBytes(), this.samples);
  }

  /**
   * The chunk so far without copying, for a reader that decodes it before anything else runs: the sample count is
   * written into the live buffer's header, and later appends only add bits after these bytes (or move to a new
   * buffer, leaving this one as it is). Not for anything that keeps the bytes across an await (a block write): use bytes().
   */
  view(): Uint8Array {
    return withSampleCount(this.writer.view(), this.samples);
  }

  private resumeFrom(bytes: Uint8Array, decoder: XorDecoder, bitLength: number): void {
    this.writer = BitWriter.resume(bytes, bitLength);
    this.samples = decoder.read;
    this.lastT = decoder.read > 0 ? decoder.t : -Infinity;
    this.lastDelta = decoder.delta;
    this.state.set(decoder.state);
  }
}

/**
 * Decodes an XOR chunk one sample at a time into its fields (`t`, the value's words in `state[0]`/`state[1]`), for the
 * readers below and for XorAppender.resume; nothing is allocated per sample.
 */
class XorDecoder {
  readonly total: number;
  read = 0;
  t = 0;
  delta = 0;
  readonly state = new Uint32Array([0, 0, NO_WINDOW]);
  private readonly reader: BitReader;

  constructor(private readonly bytes: Uint8Array) {
    if (bytes.length < HEADER_BYTES) throw new TsdbCorruptionError('XOR chunk shorter than its 2-byte header');
    this.total = ((bytes[0] as number) << 8) | (bytes[1] as number);
    this.reader = new BitReader(bytes, HEADER_BYTES);
  }

  get bitPosition(): number {
    return this.reader.bitPosition;
  }

  /** Decodes the next sample; false once all `total` have been read. */
  next(): boolean {
    const read = this.read;
    if (read === this.total) return false;
    const reader = this.reader;
    if (read === 0) {
      this.t = readVarint(reader);
      this.state[0] = reader.readBits(32);
      this.state[1] = reader.readBits(32);
    } else if (read === 1) {
      this.delta = readUvarint(reader);
      this.t += this.delta;
      checkTime(this.t);
      readXorValue(reader, this.state, 0);
    } else {
      const dod = readDod(reader);
      if (dod !== 0) {
        this.delta += dod;
        checkTime(this.t + this.delta);
      }
      this.t += this.delta;
      readXorValue(reader, this.state, 0);
    }
    this.read = read + 1;
    return true;
  }

  /**
   * Checks that the bytes end with the last sample: at most 7 padding bits, all zero, or one whole zero byte after a
   * sample that ended on a byte boundary, which Prometheus before 3.0 wrote (its `bstream.writeByte` appended an empty
   * byte; fixed by prometheus/prometheus#14854).
   */
  finish(): void {
    const reader = this.reader;
    const remaining = reader.remainingBits;
    const end = reader.bitPosition;
    if (remaining > 8 || (remaining > 0 && reader.readBits(remaining) !== 0)) {
      throw new TsdbCorruptionError(
        `XOR chunk has ${this.bytes.length} bytes but its ${this.total} samples end at bit ${end}`,
      );
    }
  }
}

function checkTime(t: number): void {
  if (!(Math.abs(t) <= Number.MAX_SAFE_INTEGER)) throw new TsdbCorruptionError('XOR chunk timestamp beyond 2^53 ms');
}

/**
 * Decodes the samples of an XOR chunk with `start` ≤ t ≤ `end` into `out`, stopping at the first sample after `end`.
 * Staleness comes from the raw bits (stale-marker words, quiet bit ignored), never from comparing a JS NaN. Throws
 * TsdbCorruptionError on truncated or malformed bytes.
 */
export function readXorChunk(bytes: Uint8Array, start: number, end: number, out: FloatColumns): void {
  const decoder = new XorDecoder(bytes);
  const state = decoder.state;
  while (decoder.next()) {
    const t = decoder.t;
    if (t > end) return;
    if (t < start) continue;
    const hi = state[0] as number;
    const lo = state[1] as number;
    WORDS[HI] = hi;
    WORDS[LO] = lo;
    out.push(t, FLOAT[0] as number, isStaleWords(hi, lo));
  }
  decoder.finish();
}

/** Every sample of an XOR chunk, one object each: for compaction's re-encoding and tests, not for queries. */
export function* iterateXorChunk(bytes: Uint8Array): Generator<{ t: number; value: number; stale: boolean }> {
  const decoder = new XorDecoder(bytes);
  const state = decoder.state;
  while (decoder.next()) {
    const hi = state[0] as number;
    const lo = state[1] as number;
    WORDS[HI] = hi;
    WORDS[LO] = lo;
    yield { t: decoder.t, value: FLOAT[0] as number, stale: isStaleWords(hi, lo) };
  }
  decoder.finish();
}
