/**
 * Chunk encoding numbers, as written in a chunk file's encoding byte. XOR is Prometheus's own number, so float chunks
 * are bit-for-bit Prometheus chunks; vigil's float-histogram chunk has a format of its own, so it takes a number
 * Prometheus does not give to any encoding (Prometheus uses 1–6), and a reader never mistakes it for Prometheus's
 * `floathistogram` (3).
 */
export const XOR_ENCODING = 1;
export const FLOAT_HISTOGRAM_ENCODING = 0x83;
export type ChunkEncoding = typeof XOR_ENCODING | typeof FLOAT_HISTOGRAM_ENCODING;
