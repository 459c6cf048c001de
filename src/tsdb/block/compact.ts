import { compareLabels, type Labels } from '../../promql/engine/core/labels.js';
import type { Block } from './block.js';
import { mergeChunks, type SourcedChunk } from './merge-chunks.js';
import type { BlockMeta } from './meta.js';
import { ulid } from './ulid.js';
import { writeBlock, type SeriesInput } from './writer.js';

export { planCompaction, compactionRanges } from './plan.js';
export { beyondRetention } from './retention.js';

/** A k-way merge of the blocks' series by label set (each block's ids are already in label order). */
function* mergedSeries(blocks: readonly Block[]): Generator<SeriesInput> {
  const cursors = blocks.map((block, rank) => ({
    block,
    rank,
    next: 0,
    count: block.index.allPostings().length,
    labels: null as Labels | null,
  }));
  for (const c of cursors) c.labels = c.count > 0 ? c.block.seriesLabels(0) : null;
  for (;;) {
    let min: Labels | null = null;
    for (const c of cursors)
      if (c.labels !== null && (min === null || compareLabels(c.labels, min) < 0)) min = c.labels;
    if (min === null) return;
    const parts: SourcedChunk[] = [];
    for (const c of cursors) {
      if (c.labels === null || compareLabels(c.labels, min) !== 0) continue;
      for (const meta of c.block.seriesChunks(c.next)) parts.push({ meta, block: c.block, rank: c.rank });
      c.next++;
      c.labels = c.next < c.count ? c.block.seriesLabels(c.next) : null;
    }
    yield { labels: min, chunks: mergeChunks(parts) };
  }
}

/**
 * Merges blocks into one new block in `parentDir` (Prometheus's LeveledCompactor.Compact): its range covers them all,
 * its level is one more than the highest, its sources are all theirs and its parents are them. Series are merged by
 * label set; chunks are copied as they are, except where two blocks overlap in time for a series — there samples are
 * decoded and re-encoded, one per timestamp, the newer block's (later ULID) winning. Returns null when the blocks
 * hold no samples. The caller deletes the parents once the new block is open (Prometheus also treats any block named
 * as a parent by a loaded block as deletable at startup, which finishes a deletion a crash interrupted).
 */
export async function compactBlocks(
  parentDir: string,
  blocks: readonly Block[],
  random: (n: number) => Uint8Array,
  now: number,
): Promise<BlockMeta | null> {
  if (blocks.length === 0) return null;
  const metas = blocks.map((b) => b.meta);
  const byAge = [...blocks].sort((a, b) => (a.meta.ulid < b.meta.ulid ? -1 : a.meta.ulid > b.meta.ulid ? 1 : 0));
  const sources = [...new Set(metas.flatMap((m) => m.compaction.sources))].sort();
  return writeBlock(parentDir, {
    ulid: ulid(now, random),
    minTime: Math.min(...metas.map((m) => m.minTime)),
    maxTime: Math.max(...metas.map((m) => m.maxTime)),
    series: mergedSeries(byAge),
    level: Math.max(...metas.map((m) => m.compaction.level)) + 1,
    sources,
    parents: metas,
  });
}
