/**
 * Chunk encoding numbers, as written in a chunk file's encoding byte. XOR is Prometheus's own number, so float chunks
 * are bit-for-bit Prometheus chunks; vigil's float-histogram chunk has a format of its own, so it takes a number
 * Prometheus does not give to any encoding (Prometheus uses 1–6), and a reader never mistakes it for Prometheus's
 * `floathistogram` (3).
 */
export const XOR_ENCODING = 1;
export const FLOAT_HISTOGRAM_ENCODING = 0x83;
export type ChunkEncoding = typeof XOR_ENCODING | typeof FLOAT_HISTOGRAM_ENCODING;

/** Writes a chunk's sample count into its first two bytes (big-endian), as both chunk formats start. */
export function withSampleCount(bytes: Uint8Array, samples: number): Uint8Array {
  bytes[0] = samples >>> 8;
  bytes[1] = samples & 0xff;
  return bytes;
}
