import type { BitWriter } from './bit-writer.js';
import { writeDod } from './dod-codec.js';
import { writeUvarint, writeVarint } from './varint-codec.js';

/** Timestamps within ±(2^52 − 1) ms keep every delta and delta-of-delta an exact double (±142,000 years). */
const MAX_ABS_T = 2 ** 52 - 1;

/**
 * Refuses a sample time a chunk cannot hold: not an integer, out of the exact range, or not after the chunk's last
 * time (readers rely on the order to stop early, and the head refuses such samples before they get here).
 */
export function checkAppendTime(chunk: string, t: number, lastT: number): void {
  if (!(t > lastT) || !Number.isInteger(t) || t > MAX_ABS_T || t < -MAX_ABS_T) {
    throw new RangeError(`${chunk}: time ${t} is not an integer after ${lastT} within ±(2^52 − 1) ms`);
  }
}

/**
 * Writes the time of sample `index` as Prometheus's XOR chunk does: sample 0 as a signed varint, sample 1 as the
 * unsigned varint Δt, later ones as the delta-of-delta. Returns this sample's Δt (the next call's `lastDelta`).
 */
export function writeSampleTime(writer: BitWriter, index: number, t: number, lastT: number, lastDelta: number): number {
  if (index === 0) {
    writeVarint(writer, t);
    return 0;
  }
  const delta = t - lastT;
  if (index === 1) writeUvarint(writer, delta);
  else writeDod(writer, delta - lastDelta);
  return delta;
}
