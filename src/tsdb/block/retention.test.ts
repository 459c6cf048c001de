import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BlockMeta } from './meta.js';
import { beyondRetention } from './retention.js';

function meta(ulid: string, minTime: number, maxTime: number): BlockMeta {
  return {
    ulid,
    minTime,
    maxTime,
    stats: { numSamples: 1, numSeries: 1, numChunks: 1 },
    compaction: { level: 1, sources: [ulid] },
    version: 1,
  };
}

const ids = (metas: readonly BlockMeta[]): string[] => metas.map((m) => m.ulid);

describe('beyondRetention', () => {
  // tsdb/db_test.go TestTimeRetention.
  it('deletes a block whose maxTime is more than the retention older than the newest', () => {
    const blocks = [meta('old', 500, 900), meta('mid', 1000, 1500), meta('new', 1500, 2000)];
    assert.deepEqual(ids(beyondRetention(blocks, 1000)), ['old']);
  });

  it('deletes a block exactly the retention older than the newest', () => {
    const blocks = [meta('old', 500, 900), meta('mid', 1000, 1500), meta('new', 1500, 2000)];
    assert.deepEqual(ids(beyondRetention(blocks, 500)), ['mid', 'old']);
  });

  it('measures from the newest block whatever the input order, and never deletes it', () => {
    const blocks = [meta('new', 1500, 2000), meta('old', 0, 100), meta('twin', 1000, 2000), meta('mid', 1000, 1500)];
    assert.deepEqual(ids(beyondRetention(blocks, 1)), ['mid', 'old']);
    assert.deepEqual(ids(beyondRetention([meta('only', 0, 10)], 1)), []);
  });

  it('keeps everything within the retention, and when it is disabled', () => {
    const blocks = [meta('a', 0, 1000), meta('b', 1000, 2000)];
    assert.deepEqual(beyondRetention(blocks, 1001), []);
    assert.deepEqual(beyondRetention(blocks, 0), []);
    assert.deepEqual(beyondRetention(blocks, -5), []);
    assert.deepEqual(beyondRetention([], 10), []);
  });
});
