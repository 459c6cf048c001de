import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { add, combineHints, div, kahanAdd, mul, negate, sub } from './arithmetic.js';
import type { FloatHistogram } from './float-histogram.js';
import { fh } from '../../../testing/histogram-fixtures.js';
import { compact } from './layout.js';

const GO_TEST = 'model/histogram/float_histogram_test.go';

/** The result compacted, as Prometheus's tests and its engine compare histograms. */
function sum(a: FloatHistogram, b: FloatHistogram): FloatHistogram {
  const r = add(a, b);
  assert.ok(r.ok);
  return compact(r.histogram);
}

describe('add', () => {
  const spansA = fh({
    zeroThreshold: 0.01,
    zeroCount: 11,
    count: 30,
    sum: 2.345,
    positiveSpans: [
      [-2, 2],
      [2, 3],
    ],
    positiveBuckets: [1, 0, 3, 4, 7],
    negativeSpans: [
      [3, 2],
      [3, 2],
    ],
    negativeBuckets: [3, 1, 5, 6],
  });

  it(`merges overlapping spans either way round (${GO_TEST}:2008 "overlapping spans")`, () => {
    const b = fh({
      zeroThreshold: 0.01,
      zeroCount: 8,
      count: 21,
      sum: 1.234,
      positiveSpans: [
        [-1, 4],
        [0, 3],
      ],
      positiveBuckets: [5, 4, 2, 3, 6, 2, 5],
      negativeSpans: [
        [4, 2],
        [1, 2],
      ],
      negativeBuckets: [1, 1, 4, 4],
    });
    const expected = compact(
      fh({
        zeroThreshold: 0.01,
        zeroCount: 19,
        count: 51,
        sum: 3.579,
        positiveSpans: [
          [-2, 4],
          [0, 4],
        ],
        positiveBuckets: [1, 5, 4, 2, 6, 10, 9, 5],
        negativeSpans: [
          [3, 3],
          [1, 3],
        ],
        negativeBuckets: [3, 2, 1, 4, 9, 6],
      }),
    );
    assert.deepEqual(sum(spansA, b), expected);
    assert.deepEqual(sum(b, spansA), expected);
  });

  it(`reduces the finer schema to the coarser one (${GO_TEST}:2074 "schema change")`, () => {
    const a = fh({
      zeroThreshold: 0.01,
      zeroCount: 8,
      count: 21,
      sum: 1.234,
      positiveSpans: [
        [-1, 4],
        [0, 3],
      ],
      positiveBuckets: [5, 4, 2, 3, 6, 2, 5],
      negativeSpans: [
        [4, 2],
        [1, 2],
      ],
      negativeBuckets: [1, 1, 4, 4],
    });
    const b = fh({
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
    const expected = compact(
      fh({
        zeroThreshold: 0.01,
        zeroCount: 19,
        count: 51,
        sum: 3.579,
        positiveSpans: [
          [-2, 5],
          [0, 3],
        ],
        positiveBuckets: [1, 5, 4, 2, 6, 10, 9, 5],
        negativeSpans: [
          [3, 3],
          [1, 3],
        ],
        negativeBuckets: [3, 2, 1, 4, 9, 6],
      }),
    );
    assert.deepEqual(sum(a, b), expected);
    assert.deepEqual(sum(b, a), expected);
  });

  it(`widens the zero bucket to the larger threshold (${GO_TEST}:2109 "larger zero bucket in first histogram")`, () => {
    const wide = fh({
      zeroThreshold: 1,
      zeroCount: 17,
      count: 21,
      sum: 1.234,
      positiveSpans: [
        [1, 2],
        [0, 3],
      ],
      positiveBuckets: [2, 3, 6, 2, 5],
      negativeSpans: [
        [4, 2],
        [1, 2],
      ],
      negativeBuckets: [1, 1, 4, 4],
    });
    const expected = compact(
      fh({
        zeroThreshold: 1,
        zeroCount: 29,
        count: 51,
        sum: 3.579,
        positiveSpans: [[1, 5]],
        positiveBuckets: [2, 6, 10, 9, 5],
        negativeSpans: [
          [3, 3],
          [1, 3],
        ],
        negativeBuckets: [3, 2, 1, 4, 9, 6],
      }),
    );
    assert.deepEqual(sum(wide, spansA), expected);
    assert.deepEqual(sum(spansA, wide), expected);
  });

  it(`adds custom buckets with different bounds on the common bounds (${GO_TEST}:2501)`, () => {
    const a = fh({
      schema: -53,
      count: 6,
      sum: 2.345,
      positiveSpans: [
        [0, 1],
        [1, 1],
      ],
      positiveBuckets: [1, 5],
      customValues: [2, 4],
    });
    const b = fh({
      schema: -53,
      count: 220,
      sum: 1.234,
      positiveSpans: [
        [0, 2],
        [1, 1],
        [0, 2],
      ],
      positiveBuckets: [10, 20, 40, 50, 100],
      customValues: [1, 2, 3, 4, 5],
    });
    const r = add(a, b);
    assert.ok(r.ok);
    assert.equal(r.nhcbBoundsReconciled, true);
    assert.deepEqual(
      compact(r.histogram),
      fh({
        schema: -53,
        count: 226,
        sum: 3.579,
        positiveSpans: [[0, 3]],
        positiveBuckets: [31, 40, 155],
        customValues: [2, 4],
      }),
    );
  });

  it(`refuses to mix exponential and custom buckets (${GO_TEST}:2557)`, () => {
    const r = add(spansA, fh({ schema: -53, count: 11, sum: 12, customValues: [1, 2, 3, 4, 5] }));
    assert.deepEqual(r, { ok: false, error: 'mixed-schemas' });
  });

  it(`reports a reset/not_reset collision and answers unknown (${GO_TEST}:2580)`, () => {
    const r = add(fh({ schema: -53, counterResetHint: 'reset' }), fh({ schema: -53, counterResetHint: 'not_reset' }));
    assert.ok(r.ok);
    assert.equal(r.counterResetCollision, true);
    assert.equal(r.histogram.counterResetHint, 'unknown');
  });

  it('leaves its operands untouched', () => {
    const before = structuredClone(spansA);
    sum(spansA, fh({ schema: -1, zeroThreshold: 2, count: 1, positiveSpans: [[0, 1]], positiveBuckets: [1] }));
    assert.deepEqual(spansA, before);
  });
});

describe('sub', () => {
  it(`subtracts bucket by bucket (${GO_TEST}:2951 "same bucket layout")`, () => {
    const a = fh({
      zeroThreshold: 0.01,
      zeroCount: 11,
      count: 30,
      sum: 23,
      positiveSpans: [
        [-2, 2],
        [1, 3],
      ],
      positiveBuckets: [1, 0, 3, 4, 7],
      negativeSpans: [
        [3, 2],
        [3, 2],
      ],
      negativeBuckets: [3, 1, 5, 6],
    });
    const b = fh({
      zeroThreshold: 0.01,
      zeroCount: 8,
      count: 21,
      sum: 12,
      positiveSpans: [
        [-2, 2],
        [1, 3],
      ],
      positiveBuckets: [0, 0, 2, 3, 6],
      negativeSpans: [
        [3, 2],
        [3, 2],
      ],
      negativeBuckets: [1, 1, 4, 4],
    });
    const r = sub(a, b);
    assert.ok(r.ok);
    const expected = fh({
      zeroThreshold: 0.01,
      zeroCount: 3,
      count: 9,
      sum: 11,
      positiveSpans: [
        [-2, 2],
        [1, 3],
      ],
      positiveBuckets: [1, 0, 1, 1, 1],
      negativeSpans: [
        [3, 2],
        [3, 2],
      ],
      negativeBuckets: [2, 0, 1, 2],
    });
    assert.deepEqual(compact(r.histogram), compact(expected));
  });

  it('keeps the hint rules of add (the - operator marks its result gauge itself)', () => {
    const r = sub(fh({ counterResetHint: 'not_reset' }), fh({ counterResetHint: 'not_reset' }));
    assert.ok(r.ok);
    assert.equal(r.histogram.counterResetHint, 'not_reset');
  });
});

describe('kahanAdd', () => {
  it('keeps the small addends that plain addition loses (why sum() uses it)', () => {
    const big = fh({ count: 1e100, sum: 1e100, positiveSpans: [[0, 1]], positiveBuckets: [1e100] });
    const one = fh({ count: 1, sum: 1, positiveSpans: [[0, 1]], positiveBuckets: [1] });
    const minusBig = mul(big, -1);
    let acc = big;
    let comp: FloatHistogram | undefined;
    for (const h of [one, minusBig]) {
      const r = kahanAdd(acc, comp, h);
      assert.ok(r.ok);
      acc = r.sum;
      comp = r.compensation;
    }
    assert.ok(comp);
    const total = add(acc, comp);
    assert.ok(total.ok);
    assert.equal(total.histogram.count, 1);
    assert.deepEqual(total.histogram.positiveBuckets, [1]);
    assert.equal(sum(sum(big, one), minusBig).count, 0);
  });
});

describe('mul, div and negate', () => {
  const h = fh({
    zeroThreshold: 0.01,
    zeroCount: 5.5,
    count: 3493.3,
    sum: 2349209.324,
    positiveSpans: [
      [-2, 1],
      [2, 3],
    ],
    positiveBuckets: [1, 3.3, 4.2, 0.1],
    negativeSpans: [
      [3, 2],
      [3, 2],
    ],
    negativeBuckets: [3.1, 3, 1.234e5, 1000],
  });

  it(`scales counts and sum, keeping the layout (${GO_TEST}:25 TestFloatHistogramMul)`, () => {
    const r = mul(h, 2);
    assert.deepEqual(r.positiveBuckets, [2, 6.6, 8.4, 0.2]);
    assert.deepEqual(r.negativeBuckets, [6.2, 6, 2.468e5, 2000]);
    assert.equal(r.count, 6986.6);
    assert.equal(r.zeroCount, 11);
    assert.deepEqual(r.positiveSpans, h.positiveSpans);
  });

  it('makes a gauge histogram when the factor is negative (negate is × -1)', () => {
    assert.equal(mul(h, -1).counterResetHint, 'gauge');
    assert.equal(negate(h).sum, -2349209.324);
    assert.equal(mul(h, 0).counterResetHint, 'unknown');
  });

  it(`divides by zero into ±Inf/NaN totals and no buckets (${GO_TEST}:377 TestFloatHistogramDiv)`, () => {
    const r = div(h, 0);
    assert.equal(r.count, Infinity);
    assert.equal(r.zeroCount, Infinity);
    assert.deepEqual([r.positiveSpans, r.positiveBuckets, r.negativeSpans, r.negativeBuckets], [[], [], [], []]);
    assert.ok(Number.isNaN(div(fh({}), 0).count));
    assert.equal(div(h, -2).counterResetHint, 'gauge');
    assert.deepEqual(div(h, 2).positiveBuckets, [0.5, 1.65, 2.1, 0.05]);
  });
});

describe('combineHints', () => {
  it('keeps equal hints, prefers gauge, then unknown, and flags reset against not_reset', () => {
    assert.deepEqual(combineHints('reset', 'reset'), { hint: 'reset', collision: false });
    assert.deepEqual(combineHints('not_reset', 'gauge'), { hint: 'gauge', collision: false });
    assert.deepEqual(combineHints('unknown', 'gauge'), { hint: 'gauge', collision: false });
    assert.deepEqual(combineHints('not_reset', 'unknown'), { hint: 'unknown', collision: false });
    assert.deepEqual(combineHints('not_reset', 'reset'), { hint: 'unknown', collision: true });
  });
});
