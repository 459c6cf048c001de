const utf8 = new TextEncoder();

/**
 * A growable byte buffer with the field writers of Prometheus's on-disk formats (tsdb/encoding: big-endian fixed
 * widths, Go varints, length-prefixed strings). Numbers are JS numbers, so 64-bit fields hold safe integers only, which
 * covers millisecond timestamps and chunk references.
 */
export class Encbuf {
  private buf: Uint8Array;
  length = 0;

  constructor(capacity = 256) {
    this.buf = new Uint8Array(capacity);
  }

  reset(): void {
    this.length = 0;
  }

  private room(n: number): void {
    const need = this.length + n;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.buf.subarray(0, this.length));
    this.buf = grown;
  }

  putByte(b: number): void {
    this.room(1);
    this.buf[this.length++] = b;
  }

  putBE32(v: number): void {
    this.room(4);
    const { buf } = this;
    let i = this.length;
    buf[i++] = v >>> 24;
    buf[i++] = v >>> 16;
    buf[i++] = v >>> 8;
    buf[i++] = v;
    this.length = i;
  }

  putBE64(v: number): void {
    this.putBE32(Math.floor(v / 0x1_0000_0000));
    this.putBE32(v >>> 0);
  }

  putUvarint(v: number): void {
    if (!(v >= 0 && v <= Number.MAX_SAFE_INTEGER)) throw new RangeError(`uvarint out of range: ${v}`);
    this.room(10);
    const { buf } = this;
    while (v >= 0x80) {
      buf[this.length++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    buf[this.length++] = v;
  }

  /** Go's signed varint: zig-zag, then unsigned; so |v| ≤ 2^52 (timestamps and ref deltas are far below). */
  putVarint(v: number): void {
    this.putUvarint(v >= 0 ? v * 2 : -v * 2 - 1);
  }

  putBytes(bytes: Uint8Array): void {
    this.room(bytes.length);
    this.buf.set(bytes, this.length);
    this.length += bytes.length;
  }

  /** A uvarint byte length, then the string's UTF-8 bytes. */
  putUvarintStr(s: string): void {
    this.putUvarintBytes(utf8.encode(s));
  }

  putUvarintBytes(bytes: Uint8Array): void {
    this.putUvarint(bytes.length);
    this.putBytes(bytes);
  }

  /** The bytes written so far (a view, valid until the next write or reset). */
  get(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}
