import fs from 'node:fs';
import path from 'node:path';
import { TsdbCorruptionError } from '../chunks/errors.js';

/** A block's identity, time range and provenance: Prometheus's meta.json (tsdb/block.go BlockMeta). */
export interface BlockMeta {
  readonly ulid: string;
  readonly minTime: number;
  /** Exclusive. */
  readonly maxTime: number;
  readonly stats: {
    readonly numSamples: number;
    readonly numSeries: number;
    readonly numChunks: number;
    /** Only in blocks Prometheus wrote with deletions; vigil writes none. */
    readonly numTombstones?: number;
  };
  readonly compaction: {
    readonly level: number;
    readonly sources: readonly string[];
    readonly parents?: readonly { readonly ulid: string; readonly minTime: number; readonly maxTime: number }[];
    /** Set on a block whose compaction failed, so the planner stops picking it (Prometheus's `failed`). */
    readonly failed?: boolean;
  };
  readonly version: 1;
}

export const META_FILE = 'meta.json';

/** meta.json as Prometheus writes it (tab-indented, the same field names), so its tools read vigil's blocks. */
export function encodeMeta(meta: BlockMeta): string {
  return JSON.stringify(meta, null, '\t');
}

function integer(value: unknown, what: string, dir: string): number {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (value === undefined) return 0;
  throw new TsdbCorruptionError(`${dir}/${META_FILE}: ${what} is not an integer`);
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/**
 * Reads and checks a block's meta.json. Go omits zero stats (`omitempty`), so absent counts read as 0; anything else
 * unexpected (unreadable, not JSON, no ULID, a version other than 1, maxTime ≤ minTime) is TsdbCorruptionError.
 */
export function readMeta(dir: string): BlockMeta {
  const file = path.join(dir, META_FILE);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new TsdbCorruptionError(`${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const m = record(raw);
  if (typeof m['ulid'] !== 'string') throw new TsdbCorruptionError(`${file}: no ulid`);
  if (m['version'] !== 1)
    throw new TsdbCorruptionError(`${file}: unexpected meta file version ${String(m['version'])}`);
  const minTime = integer(m['minTime'], 'minTime', dir);
  const maxTime = integer(m['maxTime'], 'maxTime', dir);
  if (maxTime <= minTime) throw new TsdbCorruptionError(`${file}: maxTime ${maxTime} not after minTime ${minTime}`);
  const stats = record(m['stats']);
  const compaction = record(m['compaction']);
  const sources = compaction['sources'] ?? [];
  if (!Array.isArray(sources) || !sources.every((s) => typeof s === 'string')) {
    throw new TsdbCorruptionError(`${file}: compaction.sources is not a list of ULIDs`);
  }
  const parents = compaction['parents'];
  const numTombstones = integer(stats['numTombstones'], 'stats.numTombstones', dir);
  return {
    ulid: m['ulid'],
    minTime,
    maxTime,
    stats: {
      numSamples: integer(stats['numSamples'], 'stats.numSamples', dir),
      numSeries: integer(stats['numSeries'], 'stats.numSeries', dir),
      numChunks: integer(stats['numChunks'], 'stats.numChunks', dir),
      ...(numTombstones > 0 ? { numTombstones } : {}),
    },
    compaction: {
      level: integer(compaction['level'], 'compaction.level', dir),
      sources: sources as string[],
      ...(Array.isArray(parents)
        ? {
            parents: parents.map((p) => {
              const parent = record(p);
              return {
                ulid: String(parent['ulid']),
                minTime: integer(parent['minTime'], 'parent minTime', dir),
                maxTime: integer(parent['maxTime'], 'parent maxTime', dir),
              };
            }),
          }
        : {}),
      ...(compaction['failed'] === true ? { failed: true } : {}),
    },
    version: 1,
  };
}
