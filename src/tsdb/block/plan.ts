import type { BlockMeta } from './meta.js';

/** A block's meta and where it is. */
export type PlannedBlock = BlockMeta & { readonly dir: string };

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * The compaction ranges Prometheus derives from the time retention (tsdb/db.go, cmd/prometheus/main.go): 2 h × 3^i for
 * i < 10, cut before the first range longer than the biggest block allowed, min(31 d, retention / 10) — never below
 * 2 h. Blocks at most a tenth of the retention let retention drop data in ~10 % steps. 15 d → [2 h, 6 h, 18 h].
 * A retention ≤ 0 means none: blocks grow to 31 d.
 */
export function compactionRanges(retentionMs: number): number[] {
  let maxBlock = 31 * DAY;
  if (retentionMs > 0 && retentionMs / 10 < maxBlock) maxBlock = retentionMs / 10;
  if (maxBlock < 2 * HOUR) maxBlock = 2 * HOUR;
  const ranges: number[] = [];
  for (let i = 0, range = 2 * HOUR; i < 10 && range <= maxBlock; i++, range *= 3) ranges.push(range);
  return ranges;
}

function selectOverlapping(ds: readonly PlannedBlock[]): string[] {
  const out: string[] = [];
  if (ds.length < 2) return out;
  let globalMaxT = (ds[0] as PlannedBlock).maxTime;
  for (let i = 1; i < ds.length; i++) {
    const d = ds[i] as PlannedBlock;
    if (d.minTime < globalMaxT) {
      if (out.length === 0) out.push((ds[i - 1] as PlannedBlock).dir);
      out.push(d.dir);
    } else if (out.length > 0) {
      break;
    }
    if (d.maxTime > globalMaxT) globalMaxT = d.maxTime;
  }
  return out;
}

/** Groups consecutive blocks that fall inside one aligned range [t0, t0 + tr); blocks wider than their range are skipped. */
function splitByRange(ds: readonly PlannedBlock[], tr: number): PlannedBlock[][] {
  const groups: PlannedBlock[][] = [];
  for (let i = 0; i < ds.length;) {
    const t0 = tr * Math.floor((ds[i] as PlannedBlock).minTime / tr);
    if ((ds[i] as PlannedBlock).maxTime > t0 + tr) {
      i++;
      continue;
    }
    const group: PlannedBlock[] = [];
    for (; i < ds.length && (ds[i] as PlannedBlock).maxTime <= t0 + tr; i++) group.push(ds[i] as PlannedBlock);
    if (group.length > 0) groups.push(group);
  }
  return groups;
}

function selectDirs(ds: readonly PlannedBlock[], ranges: readonly number[]): PlannedBlock[] {
  if (ranges.length < 2 || ds.length < 1) return [];
  const highTime = (ds[ds.length - 1] as PlannedBlock).minTime;
  for (const range of ranges.slice(1)) {
    for (const part of splitByRange(ds, range)) {
      if (part.some((d) => d.compaction.failed === true)) continue;
      const mint = (part[0] as PlannedBlock).minTime;
      const maxt = (part[part.length - 1] as PlannedBlock).maxTime;
      // A full range (gaps allowed), or one that can no longer grow because a later block exists.
      if ((maxt - mint === range || maxt <= highTime) && part.length > 1) return part;
    }
  }
  return [];
}

/**
 * Which blocks to merge next, as Prometheus's LeveledCompactor plans it (tsdb/compact.go `plan`): first any run of
 * blocks whose time ranges overlap (vertical compaction); otherwise — leaving out the newest block, so a backup tool
 * gets one block range of slack — the first group of adjacent blocks filling an aligned range of the next size (three
 * 2 h blocks → one 6 h…), or that can no longer be joined by a later block; otherwise one big block with more than 5 %
 * tombstoned series (or a small fully-deleted one) to rewrite alone. Returns the blocks' dirs, empty when there is
 * nothing to do. `ranges` are compactionRanges' output (at least one).
 */
export function planCompaction(metas: readonly PlannedBlock[], ranges: readonly number[]): string[] {
  if (ranges.length === 0) throw new RangeError('compaction needs at least one range');
  if (metas.length === 0) return [];
  const ds = [...metas].sort((a, b) => a.minTime - b.minTime);
  const overlapping = selectOverlapping(ds);
  if (overlapping.length > 0) return overlapping;

  const older = ds.slice(0, -1);
  const selected = selectDirs(older, ranges);
  if (selected.length > 0) return selected.map((d) => d.dir);

  const midRange = ranges[Math.floor(ranges.length / 2)] as number;
  for (let i = older.length - 1; i >= 0; i--) {
    const { dir, minTime, maxTime, stats } = older[i] as PlannedBlock;
    const tombstones = stats.numTombstones ?? 0;
    if (maxTime - minTime < midRange) {
      if (tombstones > 0 && tombstones >= stats.numSeries) return [dir];
      break;
    }
    if (tombstones / (stats.numSeries + 1) > 0.05) return [dir];
  }
  return [];
}
