import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertSample } from '../../../testing/function-fixtures.js';
import { bucketFraction, bucketQuantile, type Bucket } from './buckets.js';

/** Buckets from `le → count` pairs, in the order given (bucketQuantile sorts them). */
function buckets(pairs: [number, number][]): Bucket[] {
  return pairs.map(([upperBound, count]) => ({ upperBound, count }));
}

// histograms.test:8-16, 30-44 and 22-26 at the times the evals use (counts at 50m, and at 5m for testhistogram2).
const testhistogram = {
  positive: buckets([
    [0.1, 50],
    [0.2, 70],
    [1, 110],
    [Infinity, 120],
  ]),
  negative: buckets([
    [-0.2, 10],
    [-0.1, 20],
    [0.3, 20],
    [Infinity, 30],
  ]),
};
const testhistogram3 = {
  positive: buckets([
    [0, 0],
    [0.1, 50],
    [0.2, 70],
    [1, 110],
    [Infinity, 110],
  ]),
  negative: buckets([
    [-0.25, 0],
    [-0.2, 10],
    [-0.1, 20],
    [0.3, 20],
    [Infinity, 20],
  ]),
};
const testhistogram2 = buckets([
  [0, 0],
  [2, 1],
  [4, 2],
  [6, 3],
  [Infinity, 3],
]);

const quantiles = (q: number, h: { positive: Bucket[]; negative: Bucket[] }) => [
  bucketQuantile(q, h.positive).value,
  bucketQuantile(q, h.negative).value,
];

describe('bucketQuantile', () => {
  it('histograms.test:556-596 testhistogram3_bucket', () => {
    const cases: [number, number, number][] = [
      [0, 0, -0.25],
      [0.25, 0.055, -0.225],
      [0.5, 0.125, -0.2],
      [0.75, 0.45, -0.15],
      [1, 1, -0.1],
    ];
    for (const [q, positive, negative] of cases) {
      const [p, n] = quantiles(q, testhistogram3);
      assertSample(p, positive);
      assertSample(n, negative);
    }
  });

  it('histograms.test:642-686 φ out of range or NaN', () => {
    assert.deepEqual(quantiles(-0.1, testhistogram), [-Infinity, -Infinity]);
    assert.deepEqual(quantiles(1.01, testhistogram), [Infinity, Infinity]);
    assert.ok(quantiles(Number.NaN, testhistogram).every(Number.isNaN));
  });

  it('histograms.test:714-761 lowest bucket, highest bucket, interpolation', () => {
    const cases: [number, number, number][] = [
      [0, 0, -0.2],
      [1, 1, 0.3],
      [0.2, 0.048, -0.2],
      [0.5, 0.15, -0.15],
      [0.8, 0.72, 0.3],
    ];
    for (const [q, positive, negative] of cases) {
      const [p, n] = quantiles(q, testhistogram);
      assertSample(p, positive);
      assertSample(n, negative);
    }
  });

  it('histograms.test:800-816 results in the middle of buckets', () => {
    assertSample(bucketQuantile(1 / 6, testhistogram2).value, 1);
    assertSample(bucketQuantile(0.5, testhistogram2).value, 3);
    assertSample(bucketQuantile(5 / 6, testhistogram2).value, 5);
  });

  it('histograms.test:1025-1035 non-monotonic counts are fixed, and say so', () => {
    const nonmonotonic = buckets([
      [0.1, 20],
      [1, 10],
      [10, 50],
      [100, 40],
      [1000, 90],
      [Infinity, 80],
    ]);
    const result = bucketQuantile(0.01, nonmonotonic);
    assertSample(result.value, 0.0045);
    assert.deepEqual(
      { ...result, value: 0 },
      { value: 0, forcedMonotonicity: true, fixedPrecision: false, minBucket: 1, maxBucket: Infinity, maxDiff: 10 },
    );
    assertSample(bucketQuantile(0.5, nonmonotonic).value, 8.5);
    assertSample(bucketQuantile(0.99, nonmonotonic).value, 979.75);
    assert.equal(nonmonotonic[1]?.count, 10, 'the input is not modified');
  });

  it('histograms.test:1044-1058 equal bounds are merged; a lone +Inf bucket gives NaN', () => {
    const ins1 = buckets([
      [0.1, 1],
      [0.2, 1],
      [0.2, 1],
      [0.2, 1],
      [Infinity, 4],
    ]);
    assertSample(bucketQuantile(0.5, ins1).value, 0.15);
    assertSample(bucketQuantile(0.75, ins1).value, 0.2);
    assertSample(bucketQuantile(1, ins1).value, 0.2);
    const ins2 = buckets([
      [Infinity, 0],
      [Infinity, 0],
    ]);
    assert.ok(Number.isNaN(bucketQuantile(0.5, ins2).value));
  });

  it('histograms.test:1065 and :1107 no observations give NaN', () => {
    const empty = buckets([
      [0.1, 0],
      [0.2, 0],
      [Infinity, 0],
    ]);
    assert.ok(Number.isNaN(bucketQuantile(0.2, empty).value));
    assert.ok(Number.isNaN(bucketQuantile(1, empty).value));
  });

  it('needs a +Inf bucket, and sorts the buckets', () => {
    assert.ok(Number.isNaN(bucketQuantile(0.5, buckets([[1, 1]])).value));
    const shuffled = buckets([
      [Infinity, 3],
      [4, 2],
      [0, 0],
      [6, 3],
      [2, 1],
    ]);
    assertSample(bucketQuantile(0.5, shuffled).value, 3);
  });

  it('ignores differences that are only float noise, without calling it a monotonicity fix', () => {
    const noisy = buckets([
      [1, 10],
      [2, 10 - 1e-14],
      [Infinity, 20],
    ]);
    const result = bucketQuantile(0.5, noisy);
    assert.equal(result.fixedPrecision, true);
    assert.equal(result.forcedMonotonicity, false);
    assert.equal(result.value, 1);
  });
});

describe('bucketFraction', () => {
  const positive = buckets([
    [1, 1],
    [2, 3],
    [3, 6],
    [Infinity, 100],
  ]);
  const negative = buckets([
    [-3, 10],
    [-2, 12],
    [-1, 15],
    [Infinity, 100],
  ]);

  it('histograms.test:119-135 testhistogram2_bucket', () => {
    assertSample(bucketFraction(0, 4, testhistogram2), 0.6666666666666666);
    assertSample(bucketFraction(0, 6, testhistogram2), 1);
    assertSample(bucketFraction(0, 3.5, testhistogram2), 0.5833333333333334);
  });

  it('histograms.test:145 testhistogram3_bucket', () => {
    assertSample(bucketFraction(0, 0.2, testhistogram3.positive), 0.6363636363636364);
    assertSample(bucketFraction(0, 0.2, testhistogram3.negative), 0);
  });

  it('histograms.test:172-441 bounds inside, on and outside buckets', () => {
    const cases: [number, number, Bucket[], number][] = [
      [0, 1.5, positive, 0.02], // :172
      [-4, -2, negative, 0.02], // :191
      [-Infinity, -1.5, negative, 0.135], // :211
      [-Infinity, Infinity, positive, 1], // :228
      [-Infinity, Infinity, negative, 1], // :245
      [4, 5, positive, 0], // :263
      [0, 1, negative, 0], // :281
      [2, 5, positive, 0.03], // :300
      [400, Infinity, positive, 0.94], // :318
      [2, 2, positive, 0], // :335
      [3, 2, positive, 0], // :350
      [2, 3.5, positive, 0.03], // :399
      [0.5, 2, positive, 0.025], // :418
      [1, 3, positive, 0.05], // :437
    ];
    for (const [lower, upper, b, expected] of cases) assertSample(bucketFraction(lower, upper, b), expected);
  });

  it('histograms.test:365-535 single bucket, empty, NaN bounds, ranges beside all buckets', () => {
    assert.equal(bucketFraction(0, 1, buckets([[Infinity, 100]])), 0);
    const zero = buckets([
      [1, 0],
      [2, 0],
      [3, 0],
      [Infinity, 0],
    ]);
    assert.ok(Number.isNaN(bucketFraction(0, 5, zero)));
    const nanBounds = buckets([
      [1, 1],
      [Infinity, 100],
    ]);
    assert.ok(Number.isNaN(bucketFraction(Number.NaN, 1, nanBounds)));
    assert.ok(Number.isNaN(bucketFraction(0, Number.NaN, nanBounds)));
    assertSample(
      bucketFraction(
        0.1,
        0.75,
        buckets([
          [0.5, 2.5],
          [1, 7.5],
          [Infinity, 100],
        ]),
      ),
      0.045,
    ); // :455
    const crossesZero = buckets([
      [-2, 5],
      [-1, 10],
      [0, 15],
      [1, 20],
      [Infinity, 100],
    ]);
    assertSample(bucketFraction(-1, 1, crossesZero), 0.1); // :475
    const small = buckets([
      [1, 1],
      [2, 3],
      [Infinity, 10],
    ]);
    assert.equal(bucketFraction(-10, -5, small), 0); // :515
    assert.equal(bucketFraction(5, 10, small), 0); // :529
  });
});
