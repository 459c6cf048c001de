import fs from 'node:fs';

/**
 * The file operations whose failure the WAL must survive, passed in so tests can fail them on purpose (a full disk in
 * the middle of a write, a truncate or an fsync that fails) without a real full disk. Everything else (open, read,
 * rename, delete) goes straight to node:fs.
 */
export interface WalIo {
  /** Like fs.writeSync with a position: returns the bytes written, which may be fewer than asked. */
  write(fd: number, bytes: Uint8Array, offset: number, length: number, position: number): number;
  /** ftruncate. */
  truncate(fd: number, length: number): void;
  /** fsync, blocking: for close and for checkpoint files before their rename. */
  fsync(fd: number): void;
  /** fdatasync on the thread pool: for periodic syncs, which must not block appends. */
  datasync(fd: number): Promise<void>;
}

/** The real operations. */
export const nodeWalIo: WalIo = {
  write: (fd, bytes, offset, length, position) => fs.writeSync(fd, bytes, offset, length, position),
  truncate: (fd, length) => fs.ftruncateSync(fd, length),
  fsync: (fd) => fs.fsyncSync(fd),
  datasync: (fd) =>
    new Promise((resolve, reject) => {
      fs.fdatasync(fd, (error) => (error ? reject(error) : resolve()));
    }),
};

/** fsync of a directory, so that files created, renamed or deleted in it stay so after an OS crash. */
export function syncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
