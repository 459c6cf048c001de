import fs from 'node:fs';
import path from 'node:path';
import type { Checkpoint, CheckpointSource } from './checkpoint.js';
import { loadCheckpoint, writeCheckpoint } from './checkpoint.js';
import { WalError } from './errors.js';
import type { WalRecord } from './frame.js';
import { SEGMENT_HEADER_SIZE, encodeFrames, framedSize, scanSegment } from './frame.js';
import { nodeWalIo, syncDir } from './io.js';
import type { WalIo } from './io.js';
import { SegmentWriter } from './segment-writer.js';
import { checkpointName, listWalDir, segmentName } from './wal-dir.js';

export const DEFAULT_SEGMENT_SIZE = 64 * 1024 * 1024;
const MIN_SEGMENT_SIZE = 64;
const MAX_SEGMENT_SIZE = 0x7fff0000;

export interface WalOptions {
  /** Bytes, default 64 MiB. A batch larger than this gets a segment of its own. */
  segmentSize?: number;
  /** For repair lines and failed background fsyncs; never given record contents. */
  log: (message: string, fields?: Record<string, unknown>) => void;
  /** The failure-prone file operations; tests pass failing ones. Default: node:fs. */
  io?: WalIo;
}

interface ClosedSegment {
  readonly index: number;
  readonly size: number;
}

/**
 * vigil's write-ahead log: the durable record of every series and sample the head accepted, replayed into the head at
 * startup. Appends are synchronous and group-committed (one write(2) per batch), so `append` returning means the bytes
 * are with the kernel: a `kill -9` afterwards loses nothing. An OS crash can lose what was not yet fsynced (`sync`).
 * Segments are never appended to across restarts: open verifies every segment, repairs a torn or corrupt tail as
 * Prometheus does (keep the records before it, drop the rest, log one line) and starts a new segment. Checkpoints
 * compact old segments into what the head still needs.
 */
export class Wal {
  private closed = false;

  private constructor(
    private readonly dir: string,
    private readonly io: WalIo,
    private readonly segmentSize: number,
    private readonly log: WalOptions['log'],
    private checkpointState: Checkpoint | null,
    /** Segments before the active one, ascending. */
    private readonly segments: ClosedSegment[],
    private active: SegmentWriter,
  ) {}

  /**
   * Opens (creating) the WAL directory. Removes leftover `checkpoint.*.tmp` directories, older checkpoints and
   * segments the newest checkpoint covers. A torn or corrupt tail (short or overlong record, bad checksum, bad header)
   * in any segment is repaired: every complete record before it is kept, the file truncated there, later segments
   * deleted and one line logged. Writing then continues in a new segment. Throws WalError for a damaged checkpoint,
   * a gap in segment numbers or an unknown segment format version.
   */
  static open(dir: string, options: WalOptions): Wal {
    const segmentSize = options.segmentSize ?? DEFAULT_SEGMENT_SIZE;
    if (!Number.isInteger(segmentSize) || segmentSize < MIN_SEGMENT_SIZE || segmentSize > MAX_SEGMENT_SIZE) {
      throw new RangeError(
        `segmentSize ${segmentSize} is not an integer in [${MIN_SEGMENT_SIZE}, ${MAX_SEGMENT_SIZE}]`,
      );
    }
    const io = options.io ?? nodeWalIo;
    fs.mkdirSync(dir, { recursive: true });
    const listing = listWalDir(dir);
    for (const name of listing.temporary) fs.rmSync(path.join(dir, name), { recursive: true, force: true });
    const checkpoint = openNewestCheckpoint(dir, listing.checkpoints);
    const indexes = liveSegments(dir, listing.segments, checkpoint);
    const segments = verifySegments(dir, io, options.log, indexes);
    const next = (segments.at(-1)?.index ?? checkpoint?.index ?? -1) + 1;
    const active = SegmentWriter.create(io, path.join(dir, segmentName(next)), next);
    syncDir(dir);
    return new Wal(dir, io, segmentSize, options.log, checkpoint, segments, active);
  }

  /**
   * Calls `visit` for every record: the checkpoint's first, then every segment after it, in order. Segments are read
   * whole and payloads handed out as views of that buffer (valid as long as they are referenced; copy what is kept to
   * let the segment's memory go). Checksums were verified by open or the bytes were written by this process, so
   * replay only follows the framing; framing that no longer holds throws WalError.
   */
  replay(visit: (type: number, payload: Uint8Array) => void): void {
    this.checkOpen();
    for (const file of this.checkpointState?.files ?? []) readTrusted(file, 'wal_corrupt_checkpoint', visit);
    for (const { index } of this.segments) readTrusted(this.segmentPath(index), 'wal_corrupt_segment', visit);
    readTrusted(this.active.path, 'wal_corrupt_segment', visit);
  }

  /**
   * Appends the records with one write of all of them framed (group commit), in a new segment if they would not fit
   * in the active one (a batch larger than a segment gets a segment of its own). Returning means the kernel has the
   * bytes. On a write error the segment is truncated back to where this call began and the error rethrown, so nothing
   * partial stays; if that truncate fails too the WAL refuses all further appends (WalError `wal_failed`) until it is
   * reopened, which repairs the tail.
   */
  append(records: readonly WalRecord[]): void {
    this.checkWritable();
    if (records.length === 0) return;
    const size = framedSize(records);
    const used = this.active.size;
    if (used > SEGMENT_HEADER_SIZE && used + size > this.segmentSize) this.rotate();
    this.active.append(encodeFrames(records, size));
  }

  /**
   * fdatasync of the active segment on the thread pool, for the periodic sync and before shutdown. Segments left by
   * rotation are synced when they are left. If it rejects, data acknowledged before may not survive an OS crash.
   */
  async sync(): Promise<void> {
    this.checkOpen();
    await this.active.sync();
  }

  /** Starts a new segment (so the previous one can be checkpointed); returns the index of the one that was active. */
  cut(): number {
    this.checkWritable();
    const previous = this.active.index;
    this.rotate();
    return previous;
  }

  /** Segment indexes on disk, first..last; last is the active segment. */
  segmentRange(): { first: number; last: number } {
    return { first: this.segments[0]?.index ?? this.active.index, last: this.active.index };
  }

  /**
   * Writes `checkpoint.<upTo>` from the previous checkpoint and segments up to `upTo` (which must be before the active
   * segment): each record goes through `keep`, which returns the payload to keep (maybe rewritten) or null. Once the
   * checkpoint is durably in place, the segments it covers and the older checkpoint are deleted. On error nothing
   * changes on disk (the temporary directory is removed) and the error is rethrown; damage found in a segment or the
   * old checkpoint throws WalError.
   */
  checkpoint(upTo: number, keep: (type: number, payload: Uint8Array) => Uint8Array | null): void {
    this.checkOpen();
    const { first, last } = this.segmentRange();
    if (!Number.isInteger(upTo) || upTo < first || upTo >= last) {
      throw new RangeError(`checkpoint up to segment ${upTo}: must be in [${first}, ${last - 1}]`);
    }
    const sources: CheckpointSource[] = [
      ...(this.checkpointState?.files ?? []).map((file) => ({ file, code: 'wal_corrupt_checkpoint' as const })),
      ...this.segments
        .filter((s) => s.index <= upTo)
        .map((s) => ({ file: this.segmentPath(s.index), code: 'wal_corrupt_segment' as const })),
    ];
    const written = writeCheckpoint(this.io, this.dir, upTo, sources, keep, this.segmentSize);
    const previous = this.checkpointState;
    this.checkpointState = written;
    while (this.segments.length > 0 && (this.segments[0] as ClosedSegment).index <= upTo) {
      fs.rmSync(this.segmentPath((this.segments[0] as ClosedSegment).index));
      this.segments.shift();
    }
    if (previous !== null) fs.rmSync(previous.dir, { recursive: true, force: true });
    syncDir(this.dir);
  }

  /** Bytes of all segments and the checkpoint. */
  size(): number {
    let total = (this.checkpointState?.bytes ?? 0) + this.active.size;
    for (const s of this.segments) total += s.size;
    return total;
  }

  /** fsync and close the active segment. Later calls do nothing; other methods throw WalError `wal_closed`. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.active.syncNow();
    } finally {
      this.active.close();
    }
  }

  private rotate(): void {
    const previous = this.active;
    const index = previous.index + 1;
    this.active = SegmentWriter.create(this.io, this.segmentPath(index), index);
    this.segments.push({ index: previous.index, size: previous.size });
    previous.sync().catch((error: unknown) => {
      this.log('WAL segment fsync failed', { segment: segmentName(previous.index), error: String(error) });
    });
    previous.close();
    syncDir(this.dir);
  }

  private segmentPath(index: number): string {
    return path.join(this.dir, segmentName(index));
  }

  private checkOpen(): void {
    if (this.closed) throw new WalError('wal_closed', `WAL ${this.dir} is closed`);
  }

  private checkWritable(): void {
    this.checkOpen();
    if (this.active.broken) {
      throw new WalError('wal_failed', `${this.active.path}: an earlier failed write could not be rolled back`);
    }
  }
}

function gap(dir: string, detail: string): WalError {
  return new WalError('wal_segment_gap', `${dir}: segments are not consecutive: ${detail}`, dir);
}

/** Loads (verifying) the newest checkpoint and deletes the older ones it replaces. */
function openNewestCheckpoint(dir: string, indexes: readonly number[]): Checkpoint | null {
  const newest = indexes.at(-1);
  if (newest === undefined) return null;
  const checkpoint = loadCheckpoint(path.join(dir, checkpointName(newest)), newest);
  for (const older of indexes.slice(0, -1)) {
    fs.rmSync(path.join(dir, checkpointName(older)), { recursive: true, force: true });
  }
  return checkpoint;
}

/**
 * The segments after the checkpoint, after deleting those it covers (left by a crash between its rename and the
 * deletion); throws WalError when they do not follow the checkpoint and each other without a gap.
 */
function liveSegments(dir: string, indexes: readonly number[], checkpoint: Checkpoint | null): number[] {
  const covered = checkpoint?.index ?? -1;
  for (const index of indexes) if (index <= covered) fs.rmSync(path.join(dir, segmentName(index)));
  const live = indexes.filter((index) => index > covered);
  if (checkpoint !== null && live.length > 0 && live[0] !== covered + 1) {
    throw gap(dir, `${checkpointName(covered)} is followed by segment ${segmentName(live[0] as number)}`);
  }
  for (let k = 1; k < live.length; k++) {
    const [before, after] = [live[k - 1] as number, live[k] as number];
    if (after !== before + 1) throw gap(dir, `segment ${segmentName(before)} is followed by ${segmentName(after)}`);
  }
  return live;
}

/** Reads every segment, checksums included, and repairs the first damage found (which ends the list). */
function verifySegments(dir: string, io: WalIo, log: WalOptions['log'], indexes: readonly number[]): ClosedSegment[] {
  const segments: ClosedSegment[] = [];
  for (const [k, index] of indexes.entries()) {
    const file = path.join(dir, segmentName(index));
    const bytes = fs.readFileSync(file);
    const scan = scanSegment(bytes, file, null);
    if (scan.damage === null) {
      segments.push({ index, size: bytes.length });
      continue;
    }
    repair(dir, io, log, index, bytes.length, scan.validEnd, scan.damage, indexes.slice(k + 1));
    segments.push({ index, size: scan.validEnd });
    break;
  }
  return segments;
}

/**
 * Prometheus's repair (wlog.Repair) without the copy: the records before the damage are kept in place by truncating
 * the file at the last good record, and every later segment is deleted, since records have causality (samples after
 * a lost Series record would be orphans).
 */
function repair(
  dir: string,
  io: WalIo,
  log: WalOptions['log'],
  index: number,
  size: number,
  validEnd: number,
  damage: string,
  later: readonly number[],
): void {
  const file = path.join(dir, segmentName(index));
  const fd = fs.openSync(file, 'r+');
  try {
    io.truncate(fd, validEnd);
    io.fsync(fd);
  } finally {
    fs.closeSync(fd);
  }
  let droppedBytes = size - validEnd;
  for (const laterIndex of later) {
    const laterFile = path.join(dir, segmentName(laterIndex));
    droppedBytes += fs.statSync(laterFile).size;
    fs.rmSync(laterFile);
  }
  syncDir(dir);
  log('WAL repaired: dropped a torn or corrupt tail', {
    segment: segmentName(index),
    offset: validEnd,
    reason: damage,
    droppedBytes,
    deletedSegments: later.map(segmentName),
  });
}

function readTrusted(
  file: string,
  code: 'wal_corrupt_checkpoint' | 'wal_corrupt_segment',
  visit: (type: number, payload: Uint8Array) => void,
): void {
  const scan = scanSegment(fs.readFileSync(file), file, visit, false);
  if (scan.damage !== null) {
    throw new WalError(code, `${file}: ${scan.damage} at offset ${scan.validEnd}`, file, scan.validEnd);
  }
}
