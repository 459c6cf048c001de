import type { BitReader } from './bit-reader.js';
import type { BitWriter } from './bit-writer.js';
import { TsdbCorruptionError } from './errors.js';

const TWO_32 = 0x1_0000_0000;

/**
 * Writes a timestamp delta-of-delta in Prometheus's XOR chunk buckets (tsdb/chunkenc/xor.go), for a millisecond
 * scrape whose jitter is usually zero: `0`; `10` + 14 bits; `110` + 17 bits; `1110` + 20 bits; `1111` + 64 bits. Each
 * payload is two's complement truncated to its width, and a width of n holds −(2^(n−1) − 1) … 2^(n−1) (`bitRange`).
 * `dod` must be an integer with |dod| < 2^53.
 */
export function writeDod(writer: BitWriter, dod: number): void {
  if (dod === 0) writer.writeBits(0, 1);
  else if (dod >= -8191 && dod <= 8192) writer.writeBits((0b10 << 14) | (dod & 0x3fff), 16);
  else if (dod >= -65535 && dod <= 65536) writer.writeBits((0b110 << 17) | (dod & 0x1ffff), 20);
  else if (dod >= -524287 && dod <= 524288) writer.writeBits((0b1110 << 20) | (dod & 0xfffff), 24);
  else {
    const high = Math.floor(dod / TWO_32);
    writer.writeBits(0b1111, 4);
    writer.writeBits(high >>> 0, 32);
    writer.writeBits((dod - high * TWO_32) >>> 0, 32);
  }
}

/** Reads what writeDod wrote. A 64-bit payload beyond ±2^53 is not a millisecond timestamp step and is refused. */
export function readDod(reader: BitReader): number {
  if (reader.readBit() === 0) return 0;
  if (reader.readBit() === 0) {
    const bits = reader.readBits(14);
    return bits > 8192 ? bits - 16384 : bits;
  }
  if (reader.readBit() === 0) {
    const bits = reader.readBits(17);
    return bits > 65536 ? bits - 131072 : bits;
  }
  if (reader.readBit() === 0) {
    const bits = reader.readBits(20);
    return bits > 524288 ? bits - 1048576 : bits;
  }
  const high = reader.readBits(32) | 0;
  const low = reader.readBits(32);
  if (high >= 0x200000 || high < -0x200000) throw new TsdbCorruptionError('chunk timestamp step beyond 2^53 ms');
  return high * TWO_32 + low;
}
