import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  allBuckets,
  bucketBound,
  decodeSide,
  encodeSpans,
  exponentialBound,
  reduceSide,
  targetIndex,
} from './buckets.js';
import { fh } from '../../../testing/histogram-fixtures.js';

describe('exponentialBound', () => {
  it('splits each power of two into 2^schema buckets; bucket 0 ends at 1', () => {
    assert.equal(exponentialBound(0, 0), 1);
    assert.equal(exponentialBound(1, 0), 2);
    assert.equal(exponentialBound(-1, 0), 0.5);
    assert.equal(exponentialBound(2, 1), 2);
    assert.equal(exponentialBound(1, -1), 4);
    assert.equal(exponentialBound(-3, -2), 2 ** -12);
    // Prometheus's table values, one ulp below the correctly rounded √2 and 2^(-1/256) (exponential-bounds.test.ts).
    assert.equal(exponentialBound(1, 1), 1.414213562373095);
    assert.equal(exponentialBound(-1, 8), 0.9972960560854698);
  });

  it('caps the last bucket at MaxFloat64 as Prometheus does, beyond is +Inf', () => {
    assert.equal(exponentialBound(1024, 0), Number.MAX_VALUE);
    assert.equal(exponentialBound(512, -1), Number.MAX_VALUE);
    assert.equal(exponentialBound(1025, 0), Infinity);
    assert.equal(exponentialBound(1023, 0), 2 ** 1023); // finite, though 2 ** 1024 alone would overflow
  });
});

describe('bucketBound with custom buckets', () => {
  it('reads the bounds, with -Inf below the first and +Inf above the last', () => {
    assert.equal(bucketBound(1, -53, [5, 10]), 10);
    assert.equal(bucketBound(-1, -53, [5, 10]), -Infinity);
    assert.equal(bucketBound(2, -53, [5, 10]), Infinity);
    assert.throws(() => bucketBound(3, -53, [5, 10]), RangeError);
  });
});

describe('spans', () => {
  it('decode to absolute indices and encode back into runs', () => {
    const side = decodeSide(
      [
        { offset: -2, length: 2 },
        { offset: 0, length: 1 },
        { offset: 3, length: 1 },
      ],
      [1, 2, 3, 4],
    );
    assert.deepEqual(side, { indices: [-2, -1, 0, 4], counts: [1, 2, 3, 4] });
    assert.deepEqual(encodeSpans(side.indices), [
      { offset: -2, length: 3 },
      { offset: 3, length: 1 },
    ]);
  });

  it('reduce to a coarser schema by merging the buckets that share a coarser bucket', () => {
    assert.deepEqual(
      [targetIndex(0, 1, 0), targetIndex(1, 1, 0), targetIndex(2, 1, 0), targetIndex(-1, 1, 0)],
      [0, 1, 1, 0],
    );
    assert.deepEqual(reduceSide({ indices: [-1, 0, 1, 2, 5], counts: [1, 2, 3, 4, 5] }, 1, 0), {
      indices: [0, 1, 3],
      counts: [3, 7, 5],
    });
  });
});

describe('allBuckets', () => {
  const h = fh({
    zeroThreshold: 0.6,
    zeroCount: 2,
    positiveSpans: [[0, 2]],
    positiveBuckets: [1, 3],
    negativeSpans: [[0, 1]],
    negativeBuckets: [4],
  });

  it('walks negative, zero and positive buckets upwards, cutting buckets at the zero threshold', () => {
    assert.deepEqual(
      allBuckets(h).map((b) => [b.lower, b.upper, b.count, b.lowerInclusive, b.upperInclusive]),
      [
        [-1, -0.6, 4, true, false],
        [-0.6, 0.6, 2, true, true],
        [0.6, 1, 1, false, true],
        [1, 2, 3, false, true],
      ],
    );
  });

  it('walks downwards too, and leaves out an empty zero bucket', () => {
    assert.deepEqual(
      allBuckets(fh({ ...h, zeroCount: 0 }), true).map((b) => b.count),
      [3, 1, 4],
    );
  });
});
