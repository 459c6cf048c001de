import fs from 'node:fs';
import { promisify } from 'node:util';

const fsync = promisify(fs.fsync);
const close = promisify(fs.close);

/**
 * An append-only file written through a 1 MiB buffer with its position known, as block files need (offsets go into
 * the index; the series section is 16-byte aligned). Writes are synchronous but short (one buffer at a time, on the
 * caller's schedule of yields); fsync and close are asynchronous so the disk flush does not stall the event loop.
 */
export class FileSink {
  private readonly fd: number;
  private readonly buf = Buffer.allocUnsafe(1 << 20);
  private used = 0;
  /** Bytes written so far, buffered ones included. */
  pos = 0;

  constructor(readonly path: string) {
    this.fd = fs.openSync(path, 'wx');
  }

  write(bytes: Uint8Array): void {
    if (bytes.length > this.buf.length - this.used) {
      this.flush();
      if (bytes.length > this.buf.length) {
        writeFully(this.fd, bytes, null);
        this.pos += bytes.length;
        return;
      }
    }
    this.buf.set(bytes, this.used);
    this.used += bytes.length;
    this.pos += bytes.length;
  }

  /** Zero bytes up to the next multiple of `align`. */
  pad(align: number): void {
    const n = (align - (this.pos % align)) % align;
    if (n > 0) this.write(new Uint8Array(n));
  }

  /** Overwrites bytes already written (a length field known only at the end of a section). */
  writeAt(bytes: Uint8Array, position: number): void {
    this.flush();
    writeFully(this.fd, bytes, position);
  }

  flush(): void {
    if (this.used === 0) return;
    writeFully(this.fd, this.buf.subarray(0, this.used), null);
    this.used = 0;
  }

  /** Flushes, fsyncs and closes; the file is durable once this resolves. */
  async close(): Promise<void> {
    try {
      this.flush();
      await fsync(this.fd);
    } finally {
      await close(this.fd);
    }
  }

  /** Closes without syncing, after a failure (the file is about to be removed). */
  abandon(): void {
    try {
      fs.closeSync(this.fd);
    } catch {
      // Already closed.
    }
  }
}

function writeFully(fd: number, bytes: Uint8Array, position: number | null): void {
  let done = 0;
  while (done < bytes.length) {
    const n = fs.writeSync(fd, bytes, done, bytes.length - done, position === null ? null : position + done);
    done += n;
  }
}
