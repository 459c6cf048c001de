import type { BitReader } from './bit-reader.js';
import type { BitWriter } from './bit-writer.js';
import { TsdbCorruptionError } from './errors.js';

/**
 * Gorilla's XOR float coding as Prometheus writes it (tsdb/chunkenc/xor.go `xorWrite`/`xorRead`), on a float held as
 * two 32-bit words. A value's state is three slots of a Uint32Array at `base`: its previous high word, low word, and
 * window (leading zeros in bits 0–7, 0xff while none has been written; trailing zeros in bits 8–15), so that one
 * array holds the state of many fields (a histogram's buckets) without an object each.
 *
 * Coding of d = bits XOR previous bits: `0` when d = 0; `10` + the bits of d inside the previous window when d fits
 * in it; else `11` + leading zeros (5 bits, at most 31) + significant bit count (6 bits, 64 written as 0) + those bits.
 */
export const NO_WINDOW = 0xff;

export function writeXorValue(writer: BitWriter, state: Uint32Array, base: number, hi: number, lo: number): void {
  const dHi = (hi ^ (state[base] as number)) >>> 0;
  const dLo = (lo ^ (state[base + 1] as number)) >>> 0;
  state[base] = hi;
  state[base + 1] = lo;
  if (dHi === 0 && dLo === 0) {
    writer.writeBits(0, 1);
    return;
  }
  let leading = dHi !== 0 ? Math.clz32(dHi) : 32 + Math.clz32(dLo);
  const trailing = dLo !== 0 ? 31 - Math.clz32(dLo & -dLo) : 63 - Math.clz32(dHi & -dHi);
  if (leading > 31) leading = 31;
  const window = state[base + 2] as number;
  const previousLeading = window & 0xff;
  const previousTrailing = window >>> 8;
  if (previousLeading !== NO_WINDOW && leading >= previousLeading && trailing >= previousTrailing) {
    writer.writeBits(0b10, 2);
    writeShifted(writer, dHi, dLo, previousTrailing, 64 - previousLeading - previousTrailing);
    return;
  }
  state[base + 2] = leading | (trailing << 8);
  const significant = 64 - leading - trailing;
  writer.writeBits((0b11 << 11) | (leading << 6) | (significant & 63), 13);
  writeShifted(writer, dHi, dLo, trailing, significant);
}

/** Writes `n` bits of the 64-bit (hi, lo) shifted right by `shift` (n + shift ≤ 64). */
function writeShifted(writer: BitWriter, hi: number, lo: number, shift: number, n: number): void {
  let sHi = hi;
  let sLo = lo;
  if (shift >= 32) {
    sLo = hi >>> (shift - 32);
    sHi = 0;
  } else if (shift > 0) {
    sLo = (lo >>> shift) | (hi << (32 - shift));
    sHi = hi >>> shift;
  }
  if (n > 32) {
    writer.writeBits(sHi, n - 32);
    writer.writeBits(sLo, 32);
  } else {
    writer.writeBits(sLo, n);
  }
}

/**
 * Reads one XOR-coded value into the state at `base`. A `10` before any window was set reads 64 bits, as Prometheus's
 * reader does (its window starts at 0/0; an appender Prometheus rebuilt from a chunk can write that), and that window
 * is then recorded so an appender resumed from the state writes what Prometheus's would.
 */
export function readXorValue(reader: BitReader, state: Uint32Array, base: number): void {
  if (reader.readBit() === 0) return;
  let leading: number;
  let trailing: number;
  let significant: number;
  if (reader.readBit() === 0) {
    const window = state[base + 2] as number;
    leading = window & 0xff;
    trailing = window >>> 8;
    if (leading === NO_WINDOW) {
      leading = 0;
      trailing = 0;
      state[base + 2] = 0;
    }
    significant = 64 - leading - trailing;
  } else {
    const control = reader.readBits(11);
    leading = control >>> 6;
    significant = control & 63 || 64;
    trailing = 64 - leading - significant;
    if (trailing < 0) throw new TsdbCorruptionError('chunk value with more than 64 bits');
    state[base + 2] = leading | (trailing << 8);
  }
  let bHi = 0;
  let bLo: number;
  if (significant > 32) {
    bHi = reader.readBits(significant - 32);
    bLo = reader.readBits(32);
  } else {
    bLo = reader.readBits(significant);
  }
  let dHi = bHi;
  let dLo = bLo;
  if (trailing >= 32) {
    dHi = bLo << (trailing - 32);
    dLo = 0;
  } else if (trailing > 0) {
    dHi = (bHi << trailing) | (bLo >>> (32 - trailing));
    dLo = bLo << trailing;
  }
  state[base] = (state[base] as number) ^ dHi;
  state[base + 1] = (state[base + 1] as number) ^ dLo;
}
