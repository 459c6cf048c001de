import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FloatColumns } from './float-columns.js';

describe('FloatColumns', () => {
  it('grows past its initial capacity and hands out trimmed views', () => {
    const columns = new FloatColumns(2);
    for (let i = 0; i < 100; i++) columns.push(i * 10, i / 2, false);
    assert.equal(columns.length, 100);
    const samples = columns.toFloatSamples();
    assert.equal(samples.timestamps.length, 100);
    assert.equal(samples.values.length, 100);
    assert.deepEqual([samples.timestamps[0], samples.timestamps[99], samples.values[99]], [0, 990, 49.5]);
    assert.ok(samples.timestamps.buffer.byteLength >= 100 * 8, 'a view of the store, not a copy');
    assert.equal('stale' in samples, false);
  });

  it('is empty before any push', () => {
    const samples = new FloatColumns().toFloatSamples();
    assert.deepEqual([samples.timestamps.length, samples.values.length, samples.stale], [0, 0, undefined]);
  });

  it('adds the stale column once a stale sample arrives, across growth', () => {
    const columns = new FloatColumns(1);
    columns.push(1, 1, false);
    columns.push(2, NaN, true);
    for (let i = 3; i < 10; i++) columns.push(i, i, i === 9);
    const samples = columns.toFloatSamples();
    assert.deepEqual([...(samples.stale ?? [])], [0, 1, 0, 0, 0, 0, 0, 0, 1]);
  });

  it('leaves the stale column out when the samples kept after a reset of length have none', () => {
    const columns = new FloatColumns();
    columns.push(1, 1, true);
    columns.length = 0;
    columns.push(5, 5, false);
    const samples = columns.toFloatSamples();
    assert.deepEqual([...samples.timestamps], [5]);
    assert.equal(samples.stale, undefined);
  });
});
