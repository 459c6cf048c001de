/**
 * Buffer's own slice decoders, which `toString(encoding, start, end)` calls after checking its arguments; they are not
 * in @types/node but have been on Buffer.prototype since Node's first releases. Skipping the checks makes decoding
 * a short string about a third faster; the fallback keeps this correct should they ever go.
 */
interface BufferSlices {
  utf8Slice(start: number, end: number): string;
  latin1Slice(start: number, end: number): string;
}
const SLICES: BufferSlices = Buffer.prototype as unknown as BufferSlices;
const FAST_SLICES = typeof SLICES.utf8Slice === 'function' && typeof SLICES.latin1Slice === 'function';

/** The bytes [start, end) of `buf` decoded as UTF-8, invalid sequences as U+FFFD. */
export function utf8(buf: Buffer, start: number, end: number): string {
  return FAST_SLICES ? (buf as unknown as BufferSlices).utf8Slice(start, end) : buf.toString('utf8', start, end);
}

/** The bytes [start, end) of `buf` as a one-byte-per-character string, for keys made of raw bytes. */
export function latin1(buf: Buffer, start: number, end: number): string {
  return FAST_SLICES ? (buf as unknown as BufferSlices).latin1Slice(start, end) : buf.toString('latin1', start, end);
}
