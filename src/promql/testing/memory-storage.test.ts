import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LabelMatcher } from '../ast.js';
import { floatHistogram } from '../engine/histograms/native/float-histogram.js';
import { labelsFrom } from '../engine/core/labels.js';
import type { SeriesSamples } from '../engine/storage.js';
import { MemoryStorage } from './memory-storage.js';
import { describeStorageConformance } from './storage-conformance.js';

describeStorageConformance('MemoryStorage', () => {
  const storage = new MemoryStorage();
  return Promise.resolve({
    storage,
    appendFloats: (labels, timestamps, values, stale) => {
      storage.appendSamples(labels, timestamps, values, stale);
      return Promise.resolve();
    },
    appendHistogram: (labels, t, histogram) => {
      storage.appendHistogram(labels, t, histogram);
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  });
});

const ALL = { start: -Infinity, end: Infinity };
const byName = (name: string): LabelMatcher[] => [{ type: '=', name: '__name__', value: name }];

async function selectAll(storage: MemoryStorage, matchers: LabelMatcher[]): Promise<readonly SeriesSamples[]> {
  const querier = await storage.querier(ALL);
  try {
    return await querier.select(matchers, ALL);
  } finally {
    await querier.close();
  }
}

/** What the in-memory store does beyond the conformance suite: out-of-order loads, replacement, bulk loads. */
describe('MemoryStorage', () => {
  const a = labelsFrom({ __name__: 'up', job: 'a' });

  it('keeps samples sorted, adds later loads and replaces a sample at the same time, float or histogram', async () => {
    const storage = new MemoryStorage();
    storage.appendSamples(a, [0, 120_000, 240_000], [1, 3, 5]);
    storage.appendSamples(a, [60_000, 120_000, 300_000], [2, 30, 6]);
    storage.append(a, -60_000, 0);
    storage.appendHistogram(a, 240_000, floatHistogram({ count: 4 }));
    const [series] = await selectAll(storage, byName('up'));
    assert.deepEqual([...(series?.floats.timestamps ?? [])], [-60_000, 0, 60_000, 120_000, 300_000]);
    assert.deepEqual([...(series?.floats.values ?? [])], [0, 1, 2, 30, 6]);
    assert.deepEqual([...(series?.histograms?.timestamps ?? [])], [240_000]);
    storage.append(a, 240_000, 5);
    const [again] = await selectAll(storage, byName('up'));
    assert.equal(again?.histograms, undefined);
    assert.equal(again?.floats.values[4], 5);
  });

  it('an open querier keeps its snapshot through out-of-order writes and replacements', async () => {
    const storage = new MemoryStorage();
    storage.appendSamples(a, [0, 120_000], [1, 3]);
    const querier = await storage.querier(ALL);
    storage.append(a, 60_000, 2);
    storage.append(a, 0, 100);
    storage.appendHistogram(a, 120_000, floatHistogram({ count: 1 }));
    const [seen] = await querier.select(byName('up'), ALL);
    assert.deepEqual([...(seen?.floats.values ?? [])], [1, 3]);
    assert.equal(seen?.histograms, undefined);
    await querier.close();
    await assert.rejects(querier.select(byName('up'), ALL), /the querier is closed/);
    const [now] = await selectAll(storage, byName('up'));
    assert.deepEqual([...(now?.floats.values ?? [])], [100, 2]);
  });

  it('clear removes every series', async () => {
    const storage = new MemoryStorage();
    storage.append(a, 0, 1);
    storage.clear();
    assert.deepEqual(await selectAll(storage, byName('up')), []);
  });

  it("loads 10,000 series of 720 samples in bulk (the benchmark's data set; its speed is bench/promql-engine.ts's)", async () => {
    const storage = new MemoryStorage();
    const timestamps = Float64Array.from({ length: 720 }, (_, i) => i * 15_000);
    const values = Float64Array.from({ length: 720 }, (_, i) => i);
    for (let s = 0; s < 10_000; s++) {
      storage.appendSamples(labelsFrom({ __name__: 'bench', instance: `host-${s}`, job: 'node' }), timestamps, values);
    }
    assert.equal((await selectAll(storage, [{ type: '=', name: 'job', value: 'node' }])).length, 10_000);
    const selected = await selectAll(storage, [{ type: '=', name: 'instance', value: 'host-42' }]);
    assert.equal(selected[0]?.floats.values.length, 720);
    assert.equal(selected[0]?.floats.values[719], 719);
  });
});
