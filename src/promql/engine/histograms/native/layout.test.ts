import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fh } from '../../../testing/histogram-fixtures.js';
import { compact, equals, toSchema } from './layout.js';

const GO_TEST = 'model/histogram/float_histogram_test.go';

describe('compact', () => {
  const input = fh({
    positiveSpans: [
      [-4, 6],
      [3, 3],
      [10, 2],
    ],
    positiveBuckets: [0, 0, 1, 0, 0, 3.3, 4.2, 0.1, 3.3, 2, 3],
    negativeSpans: [
      [0, 2],
      [3, 5],
    ],
    negativeBuckets: [3.1, 3, 1.234e5, 1000, 0, 3, 4],
  });

  it(`keeps runs of at most maxEmptyBuckets empty buckets (${GO_TEST}:1673)`, () => {
    assert.deepEqual(
      compact(input, 1),
      fh({
        positiveSpans: [
          [-2, 1],
          [2, 1],
          [3, 3],
          [10, 2],
        ],
        positiveBuckets: [1, 3.3, 4.2, 0.1, 3.3, 2, 3],
        negativeSpans: [
          [0, 2],
          [3, 5],
        ],
        negativeBuckets: [3.1, 3, 1.234e5, 1000, 0, 3, 4],
      }),
    );
  });

  it(`with 0 drops every empty bucket, splitting spans`, () => {
    const r = compact(input);
    assert.deepEqual(r.negativeSpans, [
      { offset: 0, length: 2 },
      { offset: 3, length: 2 },
      { offset: 1, length: 2 },
    ]);
    assert.deepEqual(r.negativeBuckets, [3.1, 3, 1.234e5, 1000, 3, 4]);
  });

  it(`fills gaps to merge spans when allowed (${GO_TEST}:1705 "everything merged into one span")`, () => {
    const r = compact(
      fh({
        ...input,
        positiveSpans: [
          [-4, 6],
          [3, 3],
        ],
        positiveBuckets: input.positiveBuckets.slice(0, 9),
      }),
      3,
    );
    assert.deepEqual(r.positiveSpans, [{ offset: -2, length: 10 }]);
    assert.deepEqual(r.positiveBuckets, [1, 0, 0, 3.3, 0, 0, 0, 4.2, 0.1, 3.3]);
    assert.deepEqual(r.negativeSpans, [{ offset: 0, length: 10 }]);
    assert.deepEqual(r.negativeBuckets, [3.1, 3, 0, 0, 0, 1.234e5, 1000, 0, 3, 4]);
  });
});

describe('equals', () => {
  const h = fh({ count: 3, sum: 2, zeroThreshold: 0.001, positiveSpans: [[0, 3]], positiveBuckets: [1, 0, 2] });

  it('compares the data bit for bit, empty buckets included', () => {
    assert.equal(
      equals(
        h,
        fh({
          ...h,
          positiveSpans: [
            [0, 2],
            [0, 1],
          ],
        }),
      ),
      true,
    );
    assert.equal(equals(h, compact(h)), false);
    assert.equal(equals(fh({ sum: NaN }), fh({ sum: NaN })), true);
    assert.equal(equals(fh({ sum: 0 }), fh({ sum: -0 })), false);
    assert.equal(equals(h, fh({ ...h, counterResetHint: 'gauge' })), true);
  });

  it('tells custom bounds apart', () => {
    const nhcb = fh({ schema: -53, count: 1, positiveSpans: [[0, 1]], positiveBuckets: [1], customValues: [1] });
    assert.equal(equals(nhcb, fh({ ...nhcb, customValues: [2] })), false);
    assert.equal(equals(nhcb, fh({ ...nhcb, customValues: [1] })), true);
  });
});

describe('toSchema', () => {
  it(`merges buckets into the coarser schema (${GO_TEST}:3170 TestFloatHistogramCopyToSchema)`, () => {
    const h = fh({
      schema: 1,
      zeroThreshold: 0.01,
      zeroCount: 11,
      count: 30,
      sum: 2.345,
      positiveSpans: [
        [-4, 3],
        [5, 5],
      ],
      positiveBuckets: [1, 0, 0, 3, 2, 2, 3, 4],
      negativeSpans: [
        [6, 3],
        [6, 4],
      ],
      negativeBuckets: [3, 0.5, 0.5, 2, 3, 2, 4],
    });
    const r = toSchema(h, 0);
    assert.equal(r.schema, 0);
    assert.deepEqual(r.positiveSpans, [
      { offset: -2, length: 2 },
      { offset: 2, length: 3 },
    ]);
    assert.deepEqual(r.positiveBuckets, [1, 0, 3, 4, 7]);
    assert.deepEqual(r.negativeSpans, [
      { offset: 3, length: 2 },
      { offset: 3, length: 2 },
    ]);
    assert.deepEqual(r.negativeBuckets, [3, 1, 5, 6]);
  });
});
