import { TsdbCorruptionError } from './errors.js';

/**
 * Reads a bit stream written by BitWriter (most significant bit first) from a byte offset on. Every read is checked
 * against the end of the bytes and throws TsdbCorruptionError past it, so truncated chunks fail instead of decoding
 * zeros. Each call returns at most 32 bits, as an unsigned number.
 */
export class BitReader {
  private next: number;
  /** Bits fetched but not yet read: the low `available` bits of `buffer` (higher bits are stale). */
  private buffer = 0;
  private available = 0;

  constructor(
    private readonly bytes: Uint8Array,
    byteOffset: number,
  ) {
    this.next = byteOffset;
  }

  /** The position of the next bit to read, counted from the start of the bytes. */
  get bitPosition(): number {
    return this.next * 8 - this.available;
  }

  /** How many bits are left to read. */
  get remainingBits(): number {
    return (this.bytes.length - this.next) * 8 + this.available;
  }

  readBit(): number {
    if (this.available === 0) {
      if (this.next >= this.bytes.length) throw truncated();
      this.buffer = this.bytes[this.next++] as number;
      this.available = 8;
    }
    this.available--;
    return (this.buffer >>> this.available) & 1;
  }

  /** Reads `n` bits (0 ≤ n ≤ 32) as an unsigned number. */
  readBits(n: number): number {
    if (n > 24) {
      const high = this.readBits(n - 16);
      return high * 0x10000 + this.readBits(16);
    }
    let available = this.available;
    let buffer = this.buffer;
    if (available < n) {
      const bytes = this.bytes;
      let next = this.next;
      do {
        if (next >= bytes.length) throw truncated();
        buffer = (buffer << 8) | (bytes[next++] as number);
        available += 8;
      } while (available < n);
      this.next = next;
      this.buffer = buffer;
    }
    available -= n;
    this.available = available;
    return (buffer >>> available) & ((1 << n) - 1);
  }
}

function truncated(): TsdbCorruptionError {
  return new TsdbCorruptionError('chunk truncated: its samples run past the end of its bytes');
}
