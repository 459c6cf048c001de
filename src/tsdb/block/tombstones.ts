import fs from 'node:fs';
import path from 'node:path';
import { TsdbCorruptionError } from '../chunks/errors.js';
import { crc32c } from '../wal/crc32c.js';

const TOMBSTONES_MAGIC = 0x0130ba30;
const TOMBSTONES_FORMAT_V1 = 1;
export const TOMBSTONES_FILE = 'tombstones';

/**
 * The `tombstones` file of a block without deletions: magic, format version 1, no entries, and the CRC32C of the
 * (empty) entries — 9 bytes. vigil deletes whole blocks only, but Prometheus's tools expect the file.
 */
export function emptyTombstones(): Uint8Array {
  const out = new Uint8Array(9);
  const view = new DataView(out.buffer);
  view.setUint32(0, TOMBSTONES_MAGIC);
  out[4] = TOMBSTONES_FORMAT_V1;
  view.setUint32(5, crc32c(out, 5, 5));
  return out;
}

/**
 * Checks a block's tombstones file (absent counts as empty, as in Prometheus) and returns how many deletion entries it
 * holds. vigil never writes any; a block that has them came from elsewhere and must not be read as if whole.
 */
export function countTombstones(dir: string): number {
  const file = path.join(dir, TOMBSTONES_FILE);
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw new TsdbCorruptionError(`${file}: ${(error as Error).message}`);
  }
  if (bytes.length < 9 || bytes.readUInt32BE(0) !== TOMBSTONES_MAGIC || bytes[4] !== TOMBSTONES_FORMAT_V1) {
    throw new TsdbCorruptionError(`${file}: bad header`);
  }
  const end = bytes.length - 4;
  if (crc32c(bytes, 5, end) !== bytes.readUInt32BE(end)) throw new TsdbCorruptionError(`${file}: checksum mismatch`);
  let entries = 0;
  let varints = 0;
  for (let i = 5; i < end; i++) {
    if ((bytes[i] as number) < 0x80 && ++varints % 3 === 0) entries++;
  }
  return entries;
}
