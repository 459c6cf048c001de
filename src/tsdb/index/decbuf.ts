import { TsdbCorruptionError } from '../chunks/errors.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A bounds-checked reader over `bytes[pos, end)` for Prometheus's on-disk fields, the reading half of Encbuf. Every
 * malformed read (past the end, a varint beyond 2^53 or 10 bytes, invalid UTF-8) throws TsdbCorruptionError naming
 * `what`, so a damaged file is reported instead of decoded into garbage.
 */
export class Decbuf {
  pos: number;
  readonly end: number;

  constructor(
    readonly bytes: Uint8Array,
    private readonly what: string,
    start = 0,
    end = bytes.length,
  ) {
    if (start < 0 || end > bytes.length || start > end) this.fail(`range [${start}, ${end}) outside the file`);
    this.pos = start;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  fail(reason: string): never {
    throw new TsdbCorruptionError(`${this.what}: ${reason}`);
  }

  private need(n: number): void {
    if (this.pos + n > this.end) this.fail(`unexpected end at offset ${this.pos}`);
  }

  skip(n: number): void {
    this.need(n);
    this.pos += n;
  }

  byte(): number {
    this.need(1);
    return this.bytes[this.pos++] as number;
  }

  be32(): number {
    this.need(4);
    const { bytes } = this;
    const p = this.pos;
    this.pos = p + 4;
    return (
      (((bytes[p] as number) << 24) |
        ((bytes[p + 1] as number) << 16) |
        ((bytes[p + 2] as number) << 8) |
        (bytes[p + 3] as number)) >>>
      0
    );
  }

  be64(): number {
    const hi = this.be32();
    const lo = this.be32();
    if (hi > 0x1f_ffff) this.fail('64-bit field beyond 2^53');
    return hi * 0x1_0000_0000 + lo;
  }

  uvarint(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      const b = this.byte();
      value += (b & 0x7f) * scale;
      if (b < 0x80) {
        if (value > Number.MAX_SAFE_INTEGER) this.fail('varint beyond 2^53');
        return value;
      }
      scale *= 0x80;
    }
    return this.fail('varint longer than 10 bytes');
  }

  varint(): number {
    const zigzag = this.uvarint();
    return zigzag % 2 === 0 ? zigzag / 2 : -(zigzag + 1) / 2;
  }

  bytesN(n: number): Uint8Array {
    this.need(n);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  uvarintBytes(): Uint8Array {
    return this.bytesN(this.uvarint());
  }

  uvarintStr(): string {
    const bytes = this.uvarintBytes();
    try {
      return utf8.decode(bytes);
    } catch {
      return this.fail('invalid UTF-8 string');
    }
  }
}
