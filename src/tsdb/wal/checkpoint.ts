import fs from 'node:fs';
import path from 'node:path';
import { WalError } from './errors.js';
import type { WalRecord } from './frame.js';
import { FRAME_HEADER_SIZE, SEGMENT_HEADER_SIZE, encodeFrames, framedSize, scanSegment } from './frame.js';
import { syncDir } from './io.js';
import type { WalIo } from './io.js';
import { SegmentWriter } from './segment-writer.js';
import { checkpointName, segmentName } from './wal-dir.js';

/** A checkpoint on disk: `checkpoint.<index>/`, segments 00000000… in WAL format. */
export interface Checkpoint {
  readonly index: number;
  readonly dir: string;
  readonly files: readonly string[];
  readonly bytes: number;
}

/**
 * Opens and fully verifies the checkpoint in `dir`. A checkpoint is fsynced before its rename, so unlike a segment
 * tail it can never be torn by a crash: any damage (a missing, short or corrupt file) is a hard error, as in
 * Prometheus, and nothing is repaired or deleted.
 */
export function loadCheckpoint(dir: string, index: number): Checkpoint {
  const names = fs.readdirSync(dir).sort();
  if (names.length === 0) throw new WalError('wal_corrupt_checkpoint', `${dir}: checkpoint has no segment`, dir);
  const files: string[] = [];
  let bytes = 0;
  for (const [i, name] of names.entries()) {
    const file = path.join(dir, name);
    if (name !== segmentName(i)) {
      throw new WalError('wal_corrupt_checkpoint', `${file}: expected checkpoint segment ${segmentName(i)}`, file);
    }
    const content = fs.readFileSync(file);
    const scan = scanSegment(content, file, null);
    if (scan.damage !== null || content.length === 0) {
      const why = scan.damage ?? 'empty file';
      throw new WalError('wal_corrupt_checkpoint', `${file}: ${why} at offset ${scan.validEnd}`, file, scan.validEnd);
    }
    files.push(file);
    bytes += content.length;
  }
  return { index, dir, files, bytes };
}

/** A file to read records from while writing a checkpoint, and the error code for damage found in it. */
export interface CheckpointSource {
  readonly file: string;
  readonly code: 'wal_corrupt_checkpoint' | 'wal_corrupt_segment';
}

/** Bytes of framed records gathered before one write. */
const BATCH_BYTES = 1 << 20;

/**
 * Writes `checkpoint.<upTo>` in `walDir` from the records of `sources` that `keep` keeps (possibly rewritten): first
 * into `checkpoint.<upTo>.tmp`, each file fsynced, the directory fsynced, then renamed into place and the WAL
 * directory fsynced, so a crash leaves either no checkpoint or a whole one. On any error (damage in a source, a
 * failing `keep`, a full disk) the temporary directory is removed and the error rethrown. Reading re-verifies every
 * checksum: a checkpoint must not copy damage forward.
 */
export function writeCheckpoint(
  io: WalIo,
  walDir: string,
  upTo: number,
  sources: readonly CheckpointSource[],
  keep: (type: number, payload: Uint8Array) => Uint8Array | null,
  segmentSize: number,
): Checkpoint {
  const dir = path.join(walDir, checkpointName(upTo));
  const tmp = `${dir}.tmp`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp);
  const out = new SegmentSequence(io, tmp, segmentSize);
  try {
    out.start();
    for (const { file, code } of sources) {
      const scan = scanSegment(fs.readFileSync(file), file, (type, payload) => {
        const kept = keep(type, payload);
        if (kept !== null) out.add(type, kept);
      });
      if (scan.damage !== null) {
        throw new WalError(code, `${file}: ${scan.damage} at offset ${scan.validEnd}`, file, scan.validEnd);
      }
    }
    out.flush();
    let bytes = 0;
    for (const w of out.writers) {
      w.syncNow();
      bytes += w.size;
    }
    out.close();
    syncDir(tmp);
    fs.renameSync(tmp, dir);
    syncDir(walDir);
    return { index: upTo, dir, files: out.writers.map((w) => path.join(dir, path.basename(w.path))), bytes };
  } catch (error) {
    out.close();
    fs.rmSync(tmp, { recursive: true, force: true });
    throw error;
  }
}

/** Numbered segments in one directory, filled in batches, a new one started when the next record would not fit. */
class SegmentSequence {
  readonly writers: SegmentWriter[] = [];
  private pending: WalRecord[] = [];
  private pendingBytes = 0;

  constructor(
    private readonly io: WalIo,
    private readonly dir: string,
    private readonly segmentSize: number,
  ) {}

  start(): void {
    this.writers.push(SegmentWriter.create(this.io, path.join(this.dir, segmentName(0)), 0));
  }

  add(type: number, payload: Uint8Array): void {
    const frame = FRAME_HEADER_SIZE + payload.length;
    const planned = this.current.size + this.pendingBytes;
    if (planned > SEGMENT_HEADER_SIZE && planned + frame > this.segmentSize) {
      this.flush();
      const index = this.current.index + 1;
      this.writers.push(SegmentWriter.create(this.io, path.join(this.dir, segmentName(index)), index));
    }
    this.pending.push({ type, payload });
    this.pendingBytes += frame;
    if (this.pendingBytes >= BATCH_BYTES) this.flush();
  }

  flush(): void {
    if (this.pending.length === 0) return;
    this.current.append(encodeFrames(this.pending, framedSize(this.pending)));
    this.pending = [];
    this.pendingBytes = 0;
  }

  close(): void {
    for (const w of this.writers) w.close();
  }

  private get current(): SegmentWriter {
    return this.writers[this.writers.length - 1] as SegmentWriter;
  }
}
