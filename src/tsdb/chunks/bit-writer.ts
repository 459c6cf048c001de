const INITIAL_BYTES = 32;

/**
 * A growable stream of bits written most significant bit first, the order of Prometheus's `bstream`: the first bit
 * written is bit 7 of byte 0. Chunk appenders write through it; its buffer starts at 32 bytes and doubles, so a series'
 * open chunk costs little more than its encoded size. Each call writes at most 32 bits, so no value needs BigInt.
 */
export class BitWriter {
  private buffer: Uint8Array;
  private length = 0;

  constructor(initialBytes = INITIAL_BYTES) {
    this.buffer = new Uint8Array(Math.max(1, initialBytes));
  }

  /**
   * A writer that goes on after the first `bitLength` bits of `bytes` (copied). The bits after them in the last byte
   * must be zero, as chunk padding is; the caller checks that.
   */
  static resume(bytes: Uint8Array, bitLength: number): BitWriter {
    const used = (bitLength + 7) >>> 3;
    let capacity = INITIAL_BYTES;
    while (capacity < used + 1) capacity *= 2;
    const writer = new BitWriter(capacity);
    writer.buffer.set(bytes.subarray(0, used));
    writer.length = bitLength;
    return writer;
  }

  /** How many bits have been written. */
  get bitLength(): number {
    return this.length;
  }

  /** How many bytes the bits written take, the last one zero-padded. */
  get byteLength(): number {
    return (this.length + 7) >>> 3;
  }

  /** Writes the low `n` bits of `value` (0 ≤ n ≤ 32), most significant first; higher bits of `value` are ignored. */
  writeBits(value: number, n: number): void {
    let pos = this.length;
    const end = pos + n;
    if ((end + 7) >>> 3 > this.buffer.length) this.grow((end + 7) >>> 3);
    const buffer = this.buffer;
    while (n > 0) {
      const index = pos >>> 3;
      const free = 8 - (pos & 7);
      if (n <= free) {
        buffer[index] = (buffer[index] as number) | ((value & ((1 << n) - 1)) << (free - n));
        break;
      }
      n -= free;
      buffer[index] = (buffer[index] as number) | ((value >>> n) & ((1 << free) - 1));
      pos += free;
    }
    this.length = end;
  }

  /** A copy of the bytes written so far. */
  toBytes(): Uint8Array {
    return this.buffer.slice(0, this.byteLength);
  }

  /** The bytes written so far, without copying: later writes only add bits after them (or move to a new buffer). */
  view(): Uint8Array {
    return this.buffer.subarray(0, this.byteLength);
  }

  private grow(needed: number): void {
    let capacity = this.buffer.length * 2;
    while (capacity < needed) capacity *= 2;
    const buffer = new Uint8Array(capacity);
    buffer.set(this.buffer);
    this.buffer = buffer;
  }
}
