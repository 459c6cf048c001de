import fs from 'node:fs';
import path from 'node:path';
import { TsdbLockedError } from './errors.js';

/** Directories this process has open, so a second open in the same process is refused too. */
const openHere = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the store's lock file (`<dir>/lock`, holding the owner's pid). A lock left by a process that is gone (a crash,
 * a `kill -9`) is taken over; one held by a live process is refused with TsdbLockedError, since two writers on one WAL
 * would corrupt it. Returns the function that releases it.
 */
export function acquireLock(dir: string): () => void {
  const file = path.join(dir, 'lock');
  const resolved = path.resolve(dir);
  if (openHere.has(resolved)) throw new TsdbLockedError(file, process.pid);
  try {
    fs.writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const owner = Number.parseInt(fs.readFileSync(file, 'utf8'), 10);
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner)) {
      throw new TsdbLockedError(file, owner);
    }
    fs.writeFileSync(file, `${process.pid}\n`);
  }
  openHere.add(resolved);
  return () => {
    openHere.delete(resolved);
    try {
      if (fs.readFileSync(file, 'utf8').trim() === String(process.pid)) fs.rmSync(file);
    } catch {
      // already gone: nothing to release
    }
  };
}
