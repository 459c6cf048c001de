import { WalRecordError } from './errors.js';

/**
 * Largest |timestamp| the codecs accept (2^51 ms, about 71,000 years): a difference of two such times, zigzag-encoded,
 * stays below 2^53 and so stays exact in a double without BigInt.
 */
export const MAX_TIME = 2 ** 51;

const TWO_32 = 2 ** 32;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Builds a record payload in a growing buffer, with the primitives of Prometheus's record encoding (tsdb/encoding):
 * big-endian fixed-width integers and floats, LEB128 varints (signed ones zigzag-encoded) and length-prefixed UTF-8.
 * Integers are doubles, exact below 2^53, so the hot paths never touch BigInt.
 */
export class PayloadWriter {
  private bytes: Buffer;
  private view: DataView;
  private pos = 0;

  constructor(capacity = 256) {
    this.bytes = Buffer.allocUnsafe(capacity);
    this.view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
  }

  /** Makes room for `n` more bytes. */
  reserve(n: number): void {
    if (this.pos + n <= this.bytes.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.pos + n));
    grown.set(this.bytes.subarray(0, this.pos));
    this.bytes = grown;
    this.view = new DataView(grown.buffer, grown.byteOffset, grown.byteLength);
  }

  u8(value: number): void {
    this.reserve(1);
    this.bytes[this.pos++] = value;
  }

  /** An unsigned integer below 2^53 as a LEB128 varint. */
  uvarint(value: number): void {
    this.reserve(8);
    this.pos = writeUvarint(this.bytes, this.pos, value);
  }

  /** A signed integer with |value| ≤ 2^52 as a zigzag LEB128 varint. */
  varint(value: number): void {
    this.uvarint(value >= 0 ? value * 2 : -value * 2 - 1);
  }

  /** A ref (< 2^32) in Prometheus's 8-byte big-endian form. */
  ref64(value: number): void {
    this.reserve(8);
    this.view.setUint32(this.pos, 0);
    this.view.setUint32(this.pos + 4, value);
    this.pos += 8;
  }

  /** A safe integer as a big-endian two's-complement int64. */
  int64(value: number): void {
    this.reserve(8);
    const hi = Math.floor(value / TWO_32);
    this.view.setInt32(this.pos, hi);
    this.view.setUint32(this.pos + 4, value - hi * TWO_32);
    this.pos += 8;
  }

  float64(value: number): void {
    this.reserve(8);
    this.view.setFloat64(this.pos, value);
    this.pos += 8;
  }

  /** A string as a uvarint byte length and its UTF-8 bytes. */
  string(value: string): void {
    const n = value.length;
    this.reserve(n + 5);
    const start = this.pos;
    let pos = writeUvarint(this.bytes, start, n);
    const bytes = this.bytes;
    for (let i = 0; i < n; i++) {
      const c = value.charCodeAt(i);
      if (c >= 0x80) return this.nonAsciiString(value, start);
      bytes[pos++] = c;
    }
    this.pos = pos;
  }

  private nonAsciiString(value: string, start: number): void {
    const length = Buffer.byteLength(value, 'utf8');
    this.pos = start;
    this.reserve(length + 8);
    this.pos = writeUvarint(this.bytes, this.pos, length);
    this.pos += this.bytes.write(value, this.pos, 'utf8');
  }

  /** The payload: a plain Uint8Array view of the bytes written (not a Buffer, whose `slice` would not copy). */
  finish(): Uint8Array {
    return new Uint8Array(this.bytes.buffer, this.bytes.byteOffset, this.pos);
  }
}

/** Writes `value` (an integer in [0, 2^53)) as a LEB128 varint at `pos`; returns the position after it. */
export function writeUvarint(bytes: Uint8Array, pos: number, value: number): number {
  let v = value;
  while (v >= 0x80000000) {
    bytes[pos++] = (v % 128) | 0x80;
    v = Math.floor(v / 128);
  }
  while (v > 127) {
    bytes[pos++] = (v & 127) | 0x80;
    v >>>= 7;
  }
  bytes[pos++] = v;
  return pos;
}

/**
 * Reads a payload written by PayloadWriter, checking every bound: a short or malformed payload throws WalRecordError
 * naming the record type and offset instead of returning garbage.
 */
export class PayloadReader {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  pos = 0;

  constructor(
    readonly type: number,
    payload: Uint8Array,
  ) {
    this.bytes = payload;
    this.view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  }

  get done(): boolean {
    return this.pos >= this.bytes.length;
  }

  fail(message: string, offset = this.pos): never {
    throw new WalRecordError(this.type, message, offset);
  }

  /** Throws unless `n` more bytes are there. */
  need(n: number): void {
    if (this.pos + n > this.bytes.length) this.fail(`${n} bytes needed, ${this.bytes.length - this.pos} left`);
  }

  u8(): number {
    this.need(1);
    return this.bytes[this.pos++];
  }

  /** A LEB128 varint below 2^53. */
  uvarint(): number {
    const bytes = this.bytes;
    const end = bytes.length;
    const start = this.pos;
    let pos = start;
    let value = 0;
    let scale = 1;
    for (;;) {
      if (pos >= end) this.fail('truncated varint', start);
      const b = bytes[pos++];
      value += (b & 127) * scale;
      if (b < 128) break;
      scale *= 128;
      if (scale > 2 ** 49) this.fail('varint too long', start);
    }
    if (value > Number.MAX_SAFE_INTEGER) this.fail('varint above 2^53', start);
    this.pos = pos;
    return value;
  }

  /** A zigzag LEB128 varint. */
  varint(): number {
    const u = this.uvarint();
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }

  /** A count of items that each take at least `minBytes`, refused when the rest of the payload cannot hold them. */
  count(minBytes: number): number {
    const start = this.pos;
    const n = this.uvarint();
    if (n * minBytes > this.bytes.length - this.pos) this.fail(`count ${n} exceeds the payload`, start);
    return n;
  }

  ref64(): number {
    this.need(8);
    if (this.view.getUint32(this.pos) !== 0) this.fail('series ref above 2^32');
    const ref = this.view.getUint32(this.pos + 4);
    this.pos += 8;
    return ref;
  }

  int64(): number {
    this.need(8);
    const value = this.view.getInt32(this.pos) * TWO_32 + this.view.getUint32(this.pos + 4);
    if (value > MAX_TIME || value < -MAX_TIME) this.fail('timestamp out of range');
    this.pos += 8;
    return value;
  }

  float64(): number {
    this.need(8);
    const value = this.view.getFloat64(this.pos);
    this.pos += 8;
    return value;
  }

  string(): string {
    const length = this.uvarint();
    this.need(length);
    const bytes = this.bytes;
    const start = this.pos;
    const end = start + length;
    this.pos = end;
    if (length <= 32) {
      let ascii = '';
      let i = start;
      for (; i < end; i++) {
        const b = bytes[i];
        if (b >= 0x80) break;
        ascii += String.fromCharCode(b);
      }
      if (i === end) return ascii;
    }
    try {
      return utf8.decode(bytes.subarray(start, end));
    } catch {
      return this.fail('invalid UTF-8', start);
    }
  }
}
