import { utf8 } from './buffer-slices.js';
import { RemoteWriteDecodeError } from './decode-error.js';

/** Protobuf wire types (https://protobuf.dev/programming-guides/encoding/#structure). */
export const VARINT = 0;
export const FIXED64 = 1;
export const LENGTH_DELIMITED = 2;
const START_GROUP = 3;
const END_GROUP = 4;
const FIXED32 = 5;

const TWO_TO_32 = 4294967296;
/** Unknown groups nested deeper than this are refused rather than walked. */
const MAX_GROUP_DEPTH = 64;

/**
 * A cursor over protobuf bytes for the hand-written remote-write decoders. Every read is bounds-checked against `end`
 * (the end of the message being read, which sub-message readers narrow and restore), so hostile input can only ever
 * produce a `RemoteWriteDecodeError`. 64-bit integers are read as two 32-bit words and turned into a JS number without
 * BigInt (exact below 2^53); doubles are read with their raw words so that the stale-marker NaN can be told apart
 * from other NaNs before V8 gets a chance to quiet it.
 */
export class ProtoReader {
  readonly buf: Buffer;
  pos = 0;
  end: number;
  /** High word of the last `varint64()`; the low word is its return value. */
  private hi = 0;
  private readonly view: DataView;

  constructor(buf: Buffer) {
    this.buf = buf;
    this.end = buf.length;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  /** A tag, an enum, a uint32 or a length prefix: the low 32 bits of a varint, unsigned. */
  uint32(): number {
    const pos = this.pos;
    if (pos < this.end) {
      const b = this.buf[pos] as number;
      if (b < 0x80) {
        this.pos = pos + 1;
        return b;
      }
    }
    return this.varint64();
  }

  /** An int64 varint (a timestamp) as a number: negative values are ten-byte two's complement. */
  int64(): number {
    const lo = this.varint64();
    return (this.hi | 0) * TWO_TO_32 + lo;
  }

  /** A uint64 varint (an integer histogram count) as a number. */
  uint64(): number {
    const lo = this.varint64();
    return this.hi * TWO_TO_32 + lo;
  }

  /** A sint32 (zigzag) varint. */
  sint32(): number {
    const n = this.varint64();
    return (n >>> 1) ^ -(n & 1);
  }

  /** A sint64 (zigzag) varint as a number, exact for magnitudes below 2^52. */
  sint64(): number {
    const lo = this.varint64();
    const n = this.hi * TWO_TO_32 + lo;
    return lo & 1 ? -(n + 1) / 2 : n / 2;
  }

  /** A double (its bytes stay in the buffer for `lastDoubleIsStale`). */
  double(): number {
    const pos = this.pos;
    if (this.end - pos < 8) throw unexpectedEof();
    this.pos = pos + 8;
    return this.view.getFloat64(pos, true);
  }

  /** Whether the 8 bytes just before `pos` (a double just read) are Prometheus's stale marker, 0x7ff0000000000002. */
  lastDoubleIsStale(): boolean {
    const pos = this.pos - 8;
    return this.view.getUint32(pos, true) === 2 && this.view.getUint32(pos + 4, true) === 0x7ff00000;
  }

  /** A string field, decoded as UTF-8; invalid sequences read as U+FFFD rather than failing the request. */
  string(): string {
    const length = this.length();
    const start = this.pos;
    this.pos = start + length;
    return utf8(this.buf, start, start + length);
  }

  /** The length prefix of a length-delimited field, checked against what is left of the message. */
  length(): number {
    const pos = this.pos;
    let length: number;
    if (pos < this.end && (this.buf[pos] as number) < 0x80) {
      length = this.buf[pos] as number;
      this.pos = pos + 1;
    } else {
      length = this.varint64();
      if (this.hi >= 0x80000000) throw new RemoteWriteDecodeError('proto: negative length found during unmarshaling');
      if (this.hi !== 0) throw unexpectedEof();
    }
    if (length > this.end - this.pos) throw unexpectedEof();
    return length;
  }

  /**
   * Reads a length prefix and narrows `end` to the embedded message that follows; returns the enclosing message's end,
   * which the caller hands to `leave` once it has read up to `end`.
   */
  enter(): number {
    const length = this.length();
    const outer = this.end;
    this.end = this.pos + length;
    return outer;
  }

  leave(outer: number): void {
    this.end = outer;
  }

  /** Skips the value of a field of an unknown number, as proto3 requires of a decoder. */
  skip(wireType: number, message: string): void {
    switch (wireType) {
      case VARINT:
        this.varint64();
        return;
      case FIXED64:
        this.advance(8);
        return;
      case LENGTH_DELIMITED: {
        const length = this.length();
        this.pos += length;
        return;
      }
      case FIXED32:
        this.advance(4);
        return;
      case START_GROUP:
        this.skipGroup(message);
        return;
      case END_GROUP:
        throw new RemoteWriteDecodeError(`proto: ${message}: wiretype end group for non-group`);
      default:
        throw new RemoteWriteDecodeError(`proto: illegal wireType ${wireType}`);
    }
  }

  /** Reads a tag and refuses field number 0, which no message may use. */
  tag(message: string): number {
    const tag = this.uint32();
    if (tag >>> 3 === 0) {
      throw new RemoteWriteDecodeError(`proto: ${message}: illegal tag 0 (wire type ${tag & 7})`);
    }
    return tag;
  }

  private advance(n: number): void {
    if (this.end - this.pos < n) throw unexpectedEof();
    this.pos += n;
  }

  private skipGroup(message: string): void {
    let depth = 1;
    while (depth > 0) {
      if (depth > MAX_GROUP_DEPTH) throw new RemoteWriteDecodeError('proto: exceeded maximum recursion depth');
      if (this.pos >= this.end) throw unexpectedEof();
      const tag = this.tag(message);
      const wireType = tag & 7;
      if (wireType === START_GROUP) depth++;
      else if (wireType === END_GROUP) depth--;
      else this.skip(wireType, message);
    }
  }

  /**
   * Reads a varint of up to ten bytes; returns its low word (unsigned) and leaves the high word in `hi`. An eleventh
   * byte is an overflow, as in Go's decoder.
   */
  private varint64(): number {
    const buf = this.buf;
    let pos = this.pos;
    if (this.end - pos >= 10) {
      let b = buf[pos++] as number;
      let lo = b & 0x7f;
      if (b < 0x80) return this.done(pos, lo, 0);
      b = buf[pos++] as number;
      lo |= (b & 0x7f) << 7;
      if (b < 0x80) return this.done(pos, lo, 0);
      b = buf[pos++] as number;
      lo |= (b & 0x7f) << 14;
      if (b < 0x80) return this.done(pos, lo, 0);
      b = buf[pos++] as number;
      lo |= (b & 0x7f) << 21;
      if (b < 0x80) return this.done(pos, lo, 0);
      b = buf[pos++] as number;
      lo |= (b & 0x0f) << 28;
      let hi = (b & 0x7f) >>> 4;
      if (b < 0x80) return this.done(pos, lo, hi);
      b = buf[pos++] as number;
      hi |= (b & 0x7f) << 3;
      if (b < 0x80) return this.done(pos, lo, hi);
      b = buf[pos++] as number;
      hi |= (b & 0x7f) << 10;
      if (b < 0x80) return this.done(pos, lo, hi);
      b = buf[pos++] as number;
      hi |= (b & 0x7f) << 17;
      if (b < 0x80) return this.done(pos, lo, hi);
      b = buf[pos++] as number;
      hi |= (b & 0x7f) << 24;
      if (b < 0x80) return this.done(pos, lo, hi);
      b = buf[pos++] as number;
      hi |= (b & 0x01) << 31;
      if (b < 0x80) return this.done(pos, lo, hi);
      throw overflow();
    }
    let lo = 0;
    let hi = 0;
    for (let shift = 0; shift < 64; shift += 7) {
      if (pos >= this.end) throw unexpectedEof();
      const b = buf[pos++] as number;
      const bits = b & 0x7f;
      if (shift < 28) lo |= bits << shift;
      else if (shift === 28) {
        lo |= (bits & 0x0f) << 28;
        hi |= bits >>> 4;
      } else hi |= bits << (shift - 32);
      if (b < 0x80) return this.done(pos, lo, hi);
    }
    throw overflow();
  }

  private done(pos: number, lo: number, hi: number): number {
    this.pos = pos;
    this.hi = hi >>> 0;
    return lo >>> 0;
  }
}

/** Refuses a known field sent with another wire type, as Go's generated decoders do. */
export function expect(wireType: number, expected: number, field: string): void {
  if (wireType !== expected) {
    throw new RemoteWriteDecodeError(`proto: wrong wireType = ${wireType} for field ${field}`);
  }
}

function unexpectedEof(): RemoteWriteDecodeError {
  return new RemoteWriteDecodeError('proto: unexpected EOF');
}

function overflow(): RemoteWriteDecodeError {
  return new RemoteWriteDecodeError('proto: integer overflow');
}
