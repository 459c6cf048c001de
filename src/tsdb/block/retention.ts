import type { BlockMeta } from './meta.js';

/**
 * The blocks time retention deletes, as Prometheus decides it (tsdb/db.go BeyondTimeRetention): measured from the
 * newest block's maxTime, not the wall clock, so a store that stopped receiving data keeps its last `retentionMs`;
 * a block goes once newest.maxTime − block.maxTime ≥ retention, and the newest block never. Whole blocks only, so data
 * lives up to retention plus one block range. Newest first; empty when retention ≤ 0 (disabled).
 */
export function beyondRetention<M extends BlockMeta>(metas: readonly M[], retentionMs: number): M[] {
  if (metas.length === 0 || !(retentionMs > 0)) return [];
  const byMaxTime = [...metas].sort((a, b) => b.maxTime - a.maxTime);
  const newest = (byMaxTime[0] as M).maxTime;
  const first = byMaxTime.findIndex((m, i) => i > 0 && newest - m.maxTime >= retentionMs);
  return first < 0 ? [] : byMaxTime.slice(first);
}
