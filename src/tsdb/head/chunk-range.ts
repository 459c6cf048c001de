/**
 * When the head closes a chunk, as Prometheus's head does (tsdb/head_append.go): no chunk crosses a block boundary (the
 * 2 h ranges blocks are cut on), and once a chunk is a quarter full its end is re-predicted so that the rest of the
 * range is split into chunks of about `SAMPLES_PER_CHUNK` samples each, whatever the scrape interval.
 */

/** Prometheus's DefaultSamplesPerChunk: compression gains flatten beyond it, decode cost per query grows with it. */
export const SAMPLES_PER_CHUNK = 120;
/** A chunk is closed past this many bytes (Prometheus's 1024-byte cap minus a worst-case sample, 19 bytes). */
export const MAX_CHUNK_BYTES = 1005;
/** A chunk never holds more than twice the target, even when the prediction was wrong. */
export const MAX_SAMPLES_PER_CHUNK = 2 * SAMPLES_PER_CHUNK;
/** The time range head chunks and the first blocks are aligned on (Prometheus's DefaultBlockDuration). */
export const BLOCK_RANGE = 2 * 60 * 60_000;

/** The end (exclusive) of the aligned range `t` falls in. */
export function rangeEnd(t: number, range = BLOCK_RANGE): number {
  return Math.floor(t / range) * range + range;
}

/**
 * The predicted end of a chunk that started at `start`, has reached `current` and must end by `maxEnd`: the rest of
 * the range divided into equal parts, each filled at the rate seen so far up to the target (`ratioToFull` = how much
 * of a full chunk has been filled).
 */
export function predictChunkEnd(start: number, current: number, maxEnd: number, ratioToFull = 4): number {
  const parts = (maxEnd - start) / ((current - start + 1) * ratioToFull);
  if (parts <= 1) return maxEnd;
  return Math.floor(start + (maxEnd - start) / Math.floor(parts));
}
