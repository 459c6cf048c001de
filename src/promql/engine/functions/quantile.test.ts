import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertSample } from '../../testing/function-fixtures.js';
import { quantile } from './quantile.js';

describe('quantile', () => {
  const groups = {
    two: [0, 1],
    three: [0, 1, 2],
    uneven: [0, 1, 4],
    nan: [0, 1, Number.NaN],
  };

  it('aggregators.test:504 the 80th percentile, NaN counted as the smallest value', () => {
    [0.8, 1.6, 2.8, 0.6].forEach((expected, i) =>
      assertSample(quantile(0.8, Object.values(groups)[i] ?? []), expected),
    );
  });

  it('aggregators.test:513 a rank between NaN and a number is NaN', () => {
    [0.2, 0.4, 0.4, Number.NaN].forEach((expected, i) =>
      assertSample(quantile(0.2, Object.values(groups)[i] ?? []), expected),
    );
  });

  it('aggregators.test:544 a NaN φ gives NaN', () => {
    for (const values of Object.values(groups)) assertSample(quantile(Number.NaN, values), Number.NaN);
  });

  it('functions.test:1416-1428 φ < 0 gives -Inf, φ > 1 gives +Inf; no values give NaN', () => {
    assert.equal(quantile(-1, [0, 1]), -Infinity);
    assert.equal(quantile(2, [0, 1]), Infinity);
    assert.ok(Number.isNaN(quantile(0.5, [])));
  });

  it('orders unsorted input and leaves it untouched', () => {
    const values = [4, Number.NaN, 1, 0];
    assert.equal(quantile(1, values), 4);
    assert.ok(Number.isNaN(quantile(0, values)));
    assert.equal(quantile(2 / 3, values), 1);
    assert.deepEqual(values, [4, Number.NaN, 1, 0]);
  });
});
