/**
 * One shared Float64Array(1)/Uint32Array(2) pair to move between a float and its two 32-bit words without BigInt or
 * allocation. `HI`/`LO` index the words whatever the platform's byte order. Encoders write the words, never a JS
 * number, because V8 may set the quiet bit of a signalling NaN (Prometheus's stale marker) when it stores one.
 */
export const FLOAT = new Float64Array(1);
export const WORDS = new Uint32Array(FLOAT.buffer);
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
export const HI = littleEndian ? 1 : 0;
export const LO = littleEndian ? 0 : 1;

/** Prometheus's staleness marker, 0x7ff0000000000002 (model/value/value.go `StaleNaN`), as its two words. */
export const STALE_HI = 0x7ff00000;
export const STALE_LO = 2;

/**
 * Whether a float's words are the stale marker. The quiet bit (bit 51) is ignored, since the marker may have passed
 * through a Float64Array on its way; Prometheus's ordinary NaN, 0x7ff8000000000001, has low word 1 and so is not stale.
 */
export function isStaleWords(hi: number, lo: number): boolean {
  return lo === STALE_LO && (hi & 0xfff7ffff) === STALE_HI;
}
