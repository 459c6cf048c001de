/**
 * Why the WAL refused to open or to go on. Torn and corrupt segment tails are not errors (open repairs them); these
 * are the states where going on could lose or invent data, so the caller must stop and a person must look.
 */
export type WalErrorCode =
  /** A checkpoint fails its checks: it was fsynced before its rename, so this is damage, never a crash. */
  | 'wal_corrupt_checkpoint'
  /** A segment that open had accepted no longer reads back (found by replay or checkpoint). */
  | 'wal_corrupt_segment'
  /** Segment numbers skip one: records are missing in the middle. */
  | 'wal_segment_gap'
  /** A segment header with a good checksum names a format version this code cannot read. */
  | 'wal_unsupported_version'
  /** A failed write could not be rolled back, so the active segment may end in a partial record. */
  | 'wal_failed'
  | 'wal_closed';

/** A WAL failure with a stable code; `file` and `offset` locate damage on disk when there is some. */
export class WalError extends Error {
  constructor(
    readonly code: WalErrorCode,
    message: string,
    readonly file?: string,
    readonly offset?: number,
  ) {
    super(message);
    this.name = 'WalError';
  }
}

/**
 * A record payload the codecs in records.ts cannot decode (truncated, overlong varint, out-of-range ref or time,
 * invalid UTF-8). Its frame passed the CRC, so this means a writer bug or a format change, not disk damage: the head
 * decides whether to stop or to skip the record.
 */
export class WalRecordError extends Error {
  readonly code = 'wal_malformed_record';

  constructor(
    readonly recordType: number,
    message: string,
    /** Byte offset in the payload where decoding failed. */
    readonly offset: number,
  ) {
    super(`malformed WAL record (type ${recordType}) at payload offset ${offset}: ${message}`);
    this.name = 'WalRecordError';
  }
}
