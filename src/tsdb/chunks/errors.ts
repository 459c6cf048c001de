/**
 * Chunk bytes that cannot be decoded: truncated, with bits no encoder writes, or of an unknown encoding. Readers throw
 * it instead of returning made-up samples, so that a damaged block or head file is reported rather than queried.
 */
export class TsdbCorruptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TsdbCorruptionError';
  }
}
