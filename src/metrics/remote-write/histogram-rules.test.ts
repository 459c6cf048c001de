import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { floatHistogram, type FloatHistogram } from '../../promql/engine/histograms/native/float-histogram.js';
import { histogramProblem } from './histogram-rules.js';

const EXPONENTIAL = floatHistogram({
  schema: 2,
  count: 10,
  zeroCount: 1,
  zeroThreshold: 0.001,
  positiveSpans: [
    { offset: -3, length: 2 },
    { offset: 1, length: 1 },
  ],
  positiveBuckets: [1, 2, 3],
  negativeSpans: [{ offset: -1, length: 1 }],
  negativeBuckets: [3],
});
const CUSTOM = floatHistogram({
  schema: -53,
  count: 6,
  positiveSpans: [{ offset: 0, length: 3 }],
  positiveBuckets: [1, 2, 3],
  customValues: [0.5, 1, 2],
});

function problem(h: Partial<FloatHistogram>, base: FloatHistogram = EXPONENTIAL): string | null {
  return histogramProblem({ ...base, ...h });
}

describe('histogramProblem', () => {
  it('accepts well-formed exponential and custom-bucket histograms', () => {
    assert.equal(histogramProblem(EXPONENTIAL), null);
    assert.equal(histogramProblem(CUSTOM), null);
    assert.equal(histogramProblem(floatHistogram()), null);
    assert.equal(problem({ schema: -4 }), null);
    assert.equal(problem({ schema: 8 }), null);
  });

  it('refuses a schema that is neither exponential nor custom', () => {
    const reason = (schema: number) =>
      `histogram has an invalid schema ${schema}, which must be between -4 and 8 for exponential buckets, or -53 for custom buckets`;
    assert.equal(problem({ schema: 9 }), reason(9));
    assert.equal(problem({ schema: -5 }), reason(-5));
  });

  it('refuses spans that do not match the buckets, on either side', () => {
    assert.equal(problem({ positiveBuckets: [1, 2] }), 'positive side: spans need 3 buckets, have 2 buckets');
    assert.equal(problem({ negativeBuckets: [] }), 'negative side: spans need 1 buckets, have 0 buckets');
  });

  it('refuses a negative offset after the first span', () => {
    assert.equal(
      problem({
        positiveSpans: [
          { offset: 0, length: 2 },
          { offset: -1, length: 1 },
        ],
      }),
      'positive side: span number 2 with offset -1 is negative',
    );
  });

  it('refuses negative counts', () => {
    assert.equal(
      problem({ positiveBuckets: [1, -2, 3] }),
      'positive side: bucket number 2 has observation count of -2',
    );
    assert.equal(problem({ negativeBuckets: [-1] }), 'negative side: bucket number 1 has observation count of -1');
    assert.equal(problem({ zeroCount: -1 }), 'zero bucket has observation count of -1');
    assert.equal(problem({ count: -3 }), 'observation count is -3');
  });

  it('refuses custom bounds on an exponential schema', () => {
    assert.equal(problem({ customValues: [1] }), 'histogram with exponential schema must not have custom bounds');
  });

  it('refuses bad custom bounds', () => {
    assert.equal(
      problem({ customValues: [0.5, NaN, 2] }, CUSTOM),
      'custom buckets: histogram custom bounds must not be NaN',
    );
    assert.equal(
      problem({ customValues: [0.5, 0.5, 2] }, CUSTOM),
      'custom buckets: histogram custom bounds must be in strictly increasing order',
    );
    assert.equal(
      problem({ customValues: [0.5, 1, Infinity] }, CUSTOM),
      'custom buckets: last +Inf bound must not be explicitly defined',
    );
    assert.equal(
      problem({ customValues: [0.5] }, CUSTOM),
      'custom buckets: only 1 custom bounds defined which is insufficient to cover total span length of 3',
    );
  });

  it('refuses custom-bucket histograms with a negative offset, mismatched spans, or a zero or negative side', () => {
    assert.equal(
      problem({ positiveSpans: [{ offset: -1, length: 3 }] }, CUSTOM),
      'custom buckets: span number 1 with offset -1 is negative',
    );
    assert.equal(problem({ positiveBuckets: [1] }, CUSTOM), 'custom buckets: spans need 3 buckets, have 1 buckets');
    assert.equal(problem({ zeroCount: 1 }, CUSTOM), 'custom buckets: must have zero count of 0');
    assert.equal(problem({ zeroThreshold: 0.1 }, CUSTOM), 'custom buckets: must have zero threshold of 0');
    assert.equal(
      problem({ negativeSpans: [{ offset: 0, length: 1 }] }, CUSTOM),
      'custom buckets: must not have negative spans',
    );
    assert.equal(problem({ negativeBuckets: [1] }, CUSTOM), 'custom buckets: must not have negative buckets');
    assert.equal(
      problem({ positiveBuckets: [1, -1, 1] }, CUSTOM),
      'positive side: bucket number 2 has observation count of -1',
    );
  });
});
