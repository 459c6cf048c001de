import fs from 'node:fs';

/**
 * Names in a WAL directory, as Prometheus lays it out: segments `%08d`, checkpoints `checkpoint.%08d` (a directory of
 * segments holding what was kept from segments up to that index), and `checkpoint.%08d.tmp` while one is written.
 * Anything else in the directory (including names with extra leading zeros) is left alone.
 */
export function segmentName(index: number): string {
  return String(index).padStart(8, '0');
}

export function checkpointName(index: number): string {
  return `checkpoint.${segmentName(index)}`;
}

export interface WalDirListing {
  /** Segment indexes, ascending. */
  readonly segments: number[];
  /** Checkpoint indexes, ascending. */
  readonly checkpoints: number[];
  /** Names of unfinished checkpoint directories. */
  readonly temporary: string[];
}

const SEGMENT = /^\d{8,}$/;
const CHECKPOINT = /^checkpoint\.(\d{8,})$/;
const TEMPORARY = /^checkpoint\..+\.tmp$/;

/** What the directory holds, by kind. */
export function listWalDir(dir: string): WalDirListing {
  const segments: number[] = [];
  const checkpoints: number[] = [];
  const temporary: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const name = entry.name;
    if (SEGMENT.test(name) && entry.isFile() && segmentName(Number(name)) === name) segments.push(Number(name));
    else if (TEMPORARY.test(name)) temporary.push(name);
    else {
      const match = CHECKPOINT.exec(name);
      if (match !== null && entry.isDirectory() && checkpointName(Number(match[1])) === name) {
        checkpoints.push(Number(match[1]));
      }
    }
  }
  const ascending = (a: number, b: number): number => a - b;
  return { segments: segments.sort(ascending), checkpoints: checkpoints.sort(ascending), temporary };
}
