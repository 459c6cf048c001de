import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../../platform/clock.js';
import { TokenBuckets } from './rate-limiter.js';

describe('TokenBuckets', () => {
  it('allows a burst, then one request per 1/rate seconds, and says how long to wait', () => {
    const clock = new ManualClock();
    const buckets = new TokenBuckets({ ratePerSecond: 2, burst: 3 }, clock);
    assert.deepEqual([buckets.take('a'), buckets.take('a'), buckets.take('a')], [0, 0, 0]);
    assert.equal(buckets.take('a'), 1);
    assert.equal(buckets.take('b'), 0);
    clock.advance(500);
    assert.equal(buckets.take('a'), 0);
    assert.equal(buckets.take('a'), 1);
    clock.advance(10_000);
    assert.deepEqual([buckets.take('a'), buckets.take('a'), buckets.take('a'), buckets.take('a')], [0, 0, 0, 1]);
  });

  it('rounds the wait up to whole seconds for slow rates', () => {
    const clock = new ManualClock();
    const buckets = new TokenBuckets({ ratePerSecond: 0.1, burst: 1 }, clock);
    assert.equal(buckets.take('k'), 0);
    assert.equal(buckets.take('k'), 10);
    clock.advance(4_000);
    assert.equal(buckets.take('k'), 6);
  });

  it('stays bounded under a flood of distinct keys, forgetting refilled buckets first', () => {
    const clock = new ManualClock();
    const buckets = new TokenBuckets({ ratePerSecond: 1, burst: 1 }, clock, 100);
    for (let i = 0; i < 1_000; i++) buckets.take(`key-${i}`);
    const size = (buckets as unknown as { buckets: Map<string, unknown> }).buckets.size;
    assert.ok(size <= 100, `size ${size}`);
    // The newest keys are still limited.
    assert.equal(buckets.take('key-999'), 1);
  });
});
