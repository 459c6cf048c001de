/**
 * Shared pieces of the WAL tests: a fresh temporary directory per test, a logger that keeps its lines, numbered
 * records that say which append they came from, and a WalIo whose operations fail on demand.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { WalIo } from '../io.js';
import { nodeWalIo } from '../io.js';
import type { Wal } from '../wal.js';

/** Runs `body` with a new empty directory, removed afterwards whatever happens. */
export async function withTempDir(body: (dir: string) => void | Promise<void>): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-wal-'));
  try {
    await body(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export interface LogLine {
  readonly message: string;
  readonly fields: Record<string, unknown> | undefined;
}

/** A WalOptions.log that records its lines. */
export function recordingLog(): { log: (message: string, fields?: Record<string, unknown>) => void; lines: LogLine[] } {
  const lines: LogLine[] = [];
  return { log: (message, fields) => lines.push({ message, fields }), lines };
}

export interface PlainRecord {
  type: number;
  payload: Uint8Array;
}

/** Record `i`: type 1 + i % 7, payload `i` as 4 bytes BE followed by `extra` bytes derived from i. */
export function numbered(i: number, extra = 0): PlainRecord {
  const payload = new Uint8Array(4 + extra);
  new DataView(payload.buffer).setUint32(0, i);
  for (let k = 0; k < extra; k++) payload[4 + k] = (i * 31 + k) & 0xff;
  return { type: 1 + (i % 7), payload };
}

/** Every record replay gives, copied, as plain objects to compare with deepEqual. */
export function replayAll(wal: Wal): PlainRecord[] {
  const out: PlainRecord[] = [];
  wal.replay((type, payload) => out.push({ type, payload: Uint8Array.from(payload) }));
  return out;
}

/** Names of the files in `dir`, sorted. */
export function listing(dir: string): string[] {
  return fs.readdirSync(dir).sort();
}

/**
 * A WalIo that behaves like node:fs until told otherwise: `failWrites` makes each write write `partial` bytes (if
 * any are asked) and then throw ENOSPC; the other flags make that operation throw. `calls` counts writes.
 */
export class FaultyIo implements WalIo {
  failWrites = false;
  partial = 0;
  shortWrites = 0;
  zeroWrites = false;
  failTruncate = false;
  failFsync = false;
  failDatasync = false;
  writes = 0;

  write(fd: number, bytes: Uint8Array, offset: number, length: number, position: number): number {
    this.writes++;
    if (this.zeroWrites) return 0;
    if (this.failWrites) {
      const n = Math.min(this.partial, length);
      if (n > 0) nodeWalIo.write(fd, bytes, offset, n, position);
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    }
    const n = this.shortWrites > 0 ? Math.min(this.shortWrites, length) : length;
    return nodeWalIo.write(fd, bytes, offset, n, position);
  }

  truncate(fd: number, length: number): void {
    if (this.failTruncate) throw Object.assign(new Error('EIO: i/o error, ftruncate'), { code: 'EIO' });
    nodeWalIo.truncate(fd, length);
  }

  fsync(fd: number): void {
    if (this.failFsync) throw Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' });
    nodeWalIo.fsync(fd);
  }

  datasync(fd: number): Promise<void> {
    if (this.failDatasync)
      return Promise.reject(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
    return nodeWalIo.datasync(fd);
  }
}
