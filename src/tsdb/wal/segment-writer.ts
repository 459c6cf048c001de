import fs from 'node:fs';
import { WalError } from './errors.js';
import { segmentHeader } from './frame.js';
import type { WalIo } from './io.js';

/**
 * One segment file open for appending. Its contract is all or nothing: `append` either leaves every byte it was given
 * in the file or truncates the file back to where the call began and throws, so a failed write (a full disk) never
 * leaves a partial record for later records to follow (prometheus/prometheus#13027). If even the truncate fails the
 * writer turns `broken` and refuses further appends. Closing waits for syncs still running on the thread pool, so an
 * fd is never closed (and reused) under an fdatasync.
 */
export class SegmentWriter {
  broken = false;
  private syncing = 0;
  private closeWhenIdle = false;
  private closed = false;

  private constructor(
    readonly index: number,
    readonly path: string,
    private readonly fd: number,
    private readonly io: WalIo,
    /** Bytes in the file (header included). */
    public size: number,
  ) {}

  /** Creates the file (it must not exist) and writes the segment header; on failure no file is left behind. */
  static create(io: WalIo, path: string, index: number): SegmentWriter {
    const fd = fs.openSync(path, 'wx');
    const writer = new SegmentWriter(index, path, fd, io, 0);
    try {
      writer.append(segmentHeader());
    } catch (error) {
      fs.closeSync(fd);
      fs.rmSync(path, { force: true });
      throw error;
    }
    return writer;
  }

  append(bytes: Uint8Array): void {
    if (this.broken) {
      throw new WalError('wal_failed', `${this.path}: an earlier failed write could not be rolled back`, this.path);
    }
    const start = this.size;
    let done = 0;
    try {
      while (done < bytes.length) {
        const n = this.io.write(this.fd, bytes, done, bytes.length - done, start + done);
        if (n <= 0) throw new Error(`write of ${bytes.length - done} bytes to ${this.path} wrote nothing`);
        done += n;
      }
    } catch (error) {
      try {
        this.io.truncate(this.fd, start);
      } catch (truncateError) {
        this.broken = true;
        throw new WalError(
          'wal_failed',
          `${this.path}: write failed (${String(error)}) and truncating back to ${start} failed (${String(truncateError)})`,
          this.path,
          start,
        );
      }
      throw error;
    }
    this.size = start + bytes.length;
  }

  /** fsync now (close, checkpoint). */
  syncNow(): void {
    this.io.fsync(this.fd);
  }

  /** fdatasync on the thread pool. */
  async sync(): Promise<void> {
    this.syncing++;
    try {
      await this.io.datasync(this.fd);
    } finally {
      this.syncing--;
      if (this.closeWhenIdle && this.syncing === 0) this.closeNow();
    }
  }

  /** Closes the fd now, or once the syncs in flight have finished. */
  close(): void {
    if (this.syncing > 0) this.closeWhenIdle = true;
    else this.closeNow();
  }

  private closeNow(): void {
    if (this.closed) return;
    this.closed = true;
    fs.closeSync(this.fd);
  }
}
