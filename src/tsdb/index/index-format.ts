/** First four bytes of an index file (tsdb/index/index.go MagicIndex). */
export const INDEX_MAGIC = 0xbaaad700;
/** The index format vigil writes and reads: v2, series ids = offset / 16. */
export const INDEX_FORMAT_V2 = 2;
/** Series entries start on 16-byte boundaries so a 4-byte id addresses 64 GiB. */
export const SERIES_ALIGN = 16;
/** The TOC at the end of the file: six 8-byte section offsets and a CRC32C. */
export const INDEX_TOC_LENGTH = 6 * 8 + 4;
