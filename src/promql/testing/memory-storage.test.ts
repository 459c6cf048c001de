import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LabelMatcher } from '../ast.js';
import { labelsFrom } from '../engine/labels.js';
import type { SeriesData } from '../engine/storage.js';
import { MemoryStorage } from './memory-storage.js';

const ALL = { start: -Infinity, end: Infinity };
const byName = (name: string): LabelMatcher[] => [{ type: '=', name: '__name__', value: name }];

/** A series as plain arrays, to compare with deepEqual. */
function plain(series: SeriesData): { labels: string; t: number[]; v: number[]; stale?: number[] } {
  const out = {
    labels: series.labels.map((l) => `${l.name}=${l.value}`).join(','),
    t: [...series.timestamps],
    v: [...series.values],
  };
  return series.stale ? { ...out, stale: [...series.stale] } : out;
}

describe('MemoryStorage', () => {
  const a = labelsFrom({ __name__: 'up', job: 'a' });
  const b = labelsFrom({ __name__: 'up', job: 'b' });
  const other = labelsFrom({ __name__: 'other', job: 'a' });

  it('returns the series matching every matcher, in label order, as typed arrays', async () => {
    const storage = new MemoryStorage();
    storage.appendSamples(b, [0, 60_000], [3, 4]);
    storage.appendSamples(a, [0, 60_000], [1, 2]);
    storage.append(other, 0, 9);
    const selected = await storage.select(byName('up'), ALL);
    assert.ok(selected[0]?.timestamps instanceof Float64Array);
    assert.ok(selected[0]?.values instanceof Float64Array);
    assert.deepEqual(selected.map(plain), [
      { labels: '__name__=up,job=a', t: [0, 60_000], v: [1, 2] },
      { labels: '__name__=up,job=b', t: [0, 60_000], v: [3, 4] },
    ]);
    const regex = await storage.select([{ type: '=~', name: 'job', value: 'a|c' }], ALL);
    assert.deepEqual(
      regex.map((s) => plain(s).labels),
      ['__name__=other,job=a', '__name__=up,job=a'],
    );
    assert.deepEqual(await storage.select([{ type: '=', name: 'job', value: '' }], ALL), []);
  });

  it('keeps samples sorted, adds later loads and overwrites a sample at the same time', async () => {
    const storage = new MemoryStorage();
    storage.appendSamples(a, [0, 120_000, 240_000], [1, 3, 5]);
    storage.appendSamples(a, [60_000, 120_000, 300_000], [2, 30, 6]);
    storage.append(a, -60_000, 0);
    const [series] = await storage.select(byName('up'), ALL);
    assert.ok(series);
    assert.deepEqual(plain(series), {
      labels: '__name__=up,job=a',
      t: [-60_000, 0, 60_000, 120_000, 240_000, 300_000],
      v: [0, 1, 2, 30, 5, 6],
    });
  });

  it('returns only the samples inside the inclusive range, and no series without any', async () => {
    const storage = new MemoryStorage();
    storage.appendSamples(a, [0, 60_000, 120_000, 180_000], [1, 2, 3, 4]);
    storage.appendSamples(b, [300_000], [9]);
    const selected = await storage.select(byName('up'), { start: 60_000, end: 120_000 });
    assert.deepEqual(selected.map(plain), [{ labels: '__name__=up,job=a', t: [60_000, 120_000], v: [2, 3] }]);
    const between = await storage.select(byName('up'), { start: 61_000, end: 119_000 });
    assert.deepEqual(between, []);
  });

  it('flags staleness markers, and only for ranges that hold one', async () => {
    const storage = new MemoryStorage();
    storage.appendSamples(a, [0, 60_000, 120_000], [1, 0, 3], [0, 1, 0]);
    const [series] = await storage.select(byName('up'), ALL);
    assert.ok(series);
    const { v, ...rest } = plain(series);
    assert.deepEqual(rest, { labels: '__name__=up,job=a', t: [0, 60_000, 120_000], stale: [0, 1, 0] });
    assert.deepEqual([v[0], Number.isNaN(v[1]), v[2]], [1, true, 3]);
    const [before] = await storage.select(byName('up'), { start: 0, end: 30_000 });
    assert.equal(before?.stale, undefined);
    storage.append(a, 60_000, 2);
    const [replaced] = await storage.select(byName('up'), ALL);
    assert.equal(replaced?.stale, undefined);
  });

  it('clear removes every series', async () => {
    const storage = new MemoryStorage();
    storage.append(a, 0, 1);
    storage.clear();
    assert.deepEqual(await storage.select(byName('up'), ALL), []);
  });

  it("loads 10,000 series of 720 samples in bulk (the benchmark's data set; its speed is bench/promql-engine.ts's)", async () => {
    const storage = new MemoryStorage();
    const timestamps = Float64Array.from({ length: 720 }, (_, i) => i * 15_000);
    const values = Float64Array.from({ length: 720 }, (_, i) => i);
    for (let s = 0; s < 10_000; s++) {
      storage.appendSamples(labelsFrom({ __name__: 'bench', instance: `host-${s}`, job: 'node' }), timestamps, values);
    }
    assert.equal((await storage.select([{ type: '=', name: 'job', value: 'node' }], ALL)).length, 10_000);
    const selected = await storage.select([{ type: '=', name: 'instance', value: 'host-42' }], ALL);
    assert.equal(selected[0]?.values.length, 720);
    assert.equal(selected[0]?.values[719], 719);
  });
});
