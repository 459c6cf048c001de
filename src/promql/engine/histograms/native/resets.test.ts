import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fh } from '../../../testing/histogram-fixtures.js';
import { detectReset } from './resets.js';

const GO_TEST = 'model/histogram/float_histogram_test.go';

describe('detectReset', () => {
  const previous = fh({
    zeroThreshold: 0.01,
    zeroCount: 5.5,
    count: 3493.3,
    sum: 2349209.324,
    positiveSpans: [
      [-2, 2],
      [1, 3],
    ],
    positiveBuckets: [1, 1.23, 3.3, 4.2, 0.1],
    negativeSpans: [
      [3, 2],
      [3, 2],
    ],
    negativeBuckets: [3.1, 3, 1.234e5, 1000],
  });

  it(`is no reset between equal or growing histograms (${GO_TEST}:566, 851)`, () => {
    assert.equal(detectReset(fh({}), fh({})), false);
    assert.equal(detectReset(previous, previous), false);
    assert.equal(detectReset(fh({ ...previous, positiveBuckets: [1, 1.23, 3.3, 4.3, 0.1] }), previous), false);
    assert.equal(detectReset(fh({ ...previous, sum: 0 }), previous), false);
  });

  it(`is a reset when a count, a bucket or the zero bucket shrinks (${GO_TEST}:587, 731, 779, 923)`, () => {
    assert.equal(detectReset(fh({}), previous), true);
    assert.equal(detectReset(fh({ ...previous, zeroCount: 5.4 }), previous), true);
    assert.equal(detectReset(fh({ ...previous, count: 3493.2 }), previous), true);
    assert.equal(detectReset(fh({ ...previous, negativeBuckets: [3.1, 3, 1.234e5, 999] }), previous), true);
  });

  it(`is a reset when the zero threshold moves into a populated bucket, not when it covers whole ones (${GO_TEST}:947, 995, 1019)`, () => {
    const covering = fh({
      ...previous,
      zeroThreshold: 1,
      zeroCount: 7.73,
      positiveSpans: [[1, 3]],
      positiveBuckets: [3.3, 4.2, 0.1],
    });
    assert.equal(detectReset(covering, previous), false);
    assert.equal(detectReset(fh({ ...previous, zeroThreshold: 0.3 }), previous), true);
    assert.equal(detectReset(fh({ ...previous, zeroThreshold: 0.009 }), previous), true);
  });

  it(`is a reset when the schema gets finer (${GO_TEST}:1043)`, () => {
    const finer = fh({
      ...previous,
      schema: 1,
      positiveSpans: [
        [-5, 4],
        [2, 6],
      ],
      positiveBuckets: [0.4, 0.6, 1, 0.23, 2, 1.3, 1.2, 3, 0.05, 0.05],
      negativeSpans: [
        [5, 4],
        [6, 4],
      ],
      negativeBuckets: [2, 1.1, 2, 1, 0.234e5, 1e5, 500, 500],
    });
    assert.equal(detectReset(finer, previous), true);
    assert.equal(detectReset(previous, finer), false);
  });

  it('answers from a reset or not_reset hint, not from gauge', () => {
    assert.equal(detectReset(fh({ ...previous, counterResetHint: 'reset' }), previous), true);
    assert.equal(detectReset(fh({ counterResetHint: 'not_reset' }), previous), false);
    assert.equal(detectReset(fh({ counterResetHint: 'gauge' }), previous), true);
  });

  it(`compares custom buckets with different bounds on the common bounds (${GO_TEST}:1299)`, () => {
    const before = fh({
      schema: -53,
      count: 100,
      sum: 500,
      positiveSpans: [[1, 4]],
      positiveBuckets: [10, 15, 20, 25],
      customValues: [0, 1, 3, 5],
    });
    const after = fh({
      schema: -53,
      count: 100,
      sum: 500,
      positiveSpans: [[1, 5]],
      positiveBuckets: [10, 16, 10, 5, 25],
      customValues: [0, 1, 2, 3, 5],
    });
    assert.equal(detectReset(after, before), true);
    assert.equal(detectReset(after, fh({ count: 1 })), true);
  });

  it(`is no reset when every common custom bucket grows (${GO_TEST}:1279)`, () => {
    const before = fh({
      schema: -53,
      count: 200,
      sum: 1000,
      positiveSpans: [[0, 4]],
      positiveBuckets: [20, 35, 40, 50],
      customValues: [0, 1, 2, 3],
    });
    const after = fh({
      schema: -53,
      count: 200,
      sum: 1000,
      positiveSpans: [[0, 5]],
      positiveBuckets: [25, 15, 40, 50, 70],
      customValues: [0, 0.5, 1, 2, 3],
    });
    assert.equal(detectReset(after, before), false);
  });
});
