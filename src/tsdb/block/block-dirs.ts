import fs from 'node:fs';
import path from 'node:path';
import { isUlid } from './ulid.js';

const CREATION = '.tmp-for-creation';
const DELETION = '.tmp-for-deletion';
/** What Prometheus before 2.21 named a block being written. */
const LEGACY = '.tmp';

function isLeftover(name: string): boolean {
  for (const suffix of [CREATION, DELETION, LEGACY]) {
    if (name.endsWith(suffix) && isUlid(name.slice(0, -suffix.length))) return true;
  }
  return false;
}

function syncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** The block directories in `parentDir` (named by a ULID), oldest ULID first. */
export function blockDirs(parentDir: string): string[] {
  return fs
    .readdirSync(parentDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && isUlid(entry.name))
    .map((entry) => entry.name)
    .sort()
    .map((name) => path.join(parentDir, name));
}

/**
 * Removes what a crash left behind in the blocks' parent directory: `<ulid>.tmp-for-creation` (a block write that did
 * not reach its rename), `<ulid>.tmp-for-deletion` (a deletion that did not finish) and Prometheus's older `<ulid>.tmp`.
 * Only ULID-named entries are touched, so the WAL's own temporary directories are left to the WAL. Call it at open,
 * before blocks are listed.
 */
export function cleanLeftovers(parentDir: string): void {
  for (const entry of fs.readdirSync(parentDir, { withFileTypes: true })) {
    if (entry.isDirectory() && isLeftover(entry.name)) {
      fs.rmSync(path.join(parentDir, entry.name), { recursive: true, force: true });
    }
  }
}

/**
 * Deletes a block so that a crash half-way never leaves a partial block that looks whole: the directory is renamed to
 * `<ulid>.tmp-for-deletion` (atomic; the parent is fsynced) and only then removed. A block already gone is a no-op.
 * Close the Block first; readers holding its files keep reading them until they close.
 */
export function deleteBlock(dir: string): void {
  if (!fs.existsSync(dir)) return;
  const doomed = `${dir}${DELETION}`;
  fs.rmSync(doomed, { recursive: true, force: true });
  fs.renameSync(dir, doomed);
  syncDir(path.dirname(dir));
  fs.rmSync(doomed, { recursive: true, force: true });
}
