import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fh } from './histogram-fixtures.js';
import {
  expandHistogramItem,
  HistogramNotationError,
  parseHistogramLiteral,
  splitSeriesValues,
  testExpression,
} from './histogram-notation.js';

const PARSE_TEST = 'promql/parser/parse_test.go';

describe('parseHistogramLiteral', () => {
  it('reads every key; each side is one span from its offset', () => {
    const { histogram, counterResetHintSet } = parseHistogramLiteral(
      '{{schema:1 sum:-0.3 count:3.1 z_bucket:7.1 z_bucket_w:0.05 counter_reset_hint:reset offset:-3 ' +
        'buckets:[5.1 10 7] n_offset:-5 n_buckets:[4.1 5]}}',
    );
    assert.deepEqual(
      histogram,
      fh({
        counterResetHint: 'reset',
        schema: 1,
        sum: -0.3,
        count: 3.1,
        zeroCount: 7.1,
        zeroThreshold: 0.05,
        positiveSpans: [[-3, 3]],
        positiveBuckets: [5.1, 10, 7],
        negativeSpans: [[-5, 2]],
        negativeBuckets: [4.1, 5],
      }),
    );
    assert.equal(counterResetHintSet, true);
  });

  it('gives an empty schema-0 histogram for {{}} and reads Inf, NaN and custom bounds', () => {
    assert.deepEqual(parseHistogramLiteral('{{}}'), { histogram: fh({}), counterResetHintSet: false });
    const h = parseHistogramLiteral('{{schema:-53 count:Inf sum:NaN custom_values:[-2 3] buckets:[1 0 2]}}').histogram;
    assert.equal(h.count, Infinity);
    assert.ok(Number.isNaN(h.sum));
    assert.deepEqual(h.customValues, [-2, 3]);
  });

  it(`rejects unknown keys and hint values (${PARSE_TEST}:6003)`, () => {
    assert.throws(() => parseHistogramLiteral('{{counter_reset_hint:foo}}'), HistogramNotationError);
    assert.throws(() => parseHistogramLiteral('{{bucket:[1]}}'), HistogramNotationError);
    assert.throws(() => parseHistogramLiteral('{{sum:1 sum:2}}'), /duplicate key "sum"/);
    assert.throws(() => parseHistogramLiteral('{{z_bucket_w:-1}}'), HistogramNotationError);
  });
});

describe('expandHistogramItem', () => {
  const buckets = (item: string) => expandHistogramItem(item).map((v) => v.histogram.positiveBuckets);

  it(`repeats with xN: N+1 values (${PARSE_TEST}:5796)`, () => {
    assert.deepEqual(buckets('{{buckets:[5 10 7] schema:1}}x2'), [
      [5, 10, 7],
      [5, 10, 7],
      [5, 10, 7],
    ]);
  });

  it(`adds step by step, in the coarser schema (${PARSE_TEST}:5862)`, () => {
    const values = expandHistogramItem('{{buckets:[5] schema:0}}+{{buckets:[1 2] schema:1}}x2');
    assert.deepEqual(
      values.map((v) => [v.histogram.schema, v.histogram.positiveSpans, v.histogram.positiveBuckets]),
      [
        [0, [{ offset: 0, length: 1 }], [5]],
        [0, [{ offset: 0, length: 2 }], [6, 2]],
        [0, [{ offset: 0, length: 2 }], [7, 4]],
      ],
    );
  });

  it(`subtracts step by step (${PARSE_TEST}:5913)`, () => {
    assert.deepEqual(buckets('{{buckets:[5 10 7] schema:1}}-{{buckets:[1 2 3] schema:1}}x2'), [
      [5, 10, 7],
      [4, 8, 4],
      [3, 6, 1],
    ]);
  });

  it(`refuses an increment in a coarser schema than the running value (${PARSE_TEST}:5957)`, () => {
    assert.throws(
      () => expandHistogramItem('{{buckets:[5 10 7] schema:1}}+{{buckets:[1 2 3] schema:0}}x2'),
      /error combining histograms: cannot merge from schema 0 to 1/,
    );
  });

  it('takes the increment’s hint flag for the whole series (native_histograms.test:115)', () => {
    const values = expandHistogramItem(
      '{{schema:0 sum:4 count:4 buckets:[1 2 1]}}+{{sum:2 count:1 buckets:[1] offset:1 counter_reset_hint:gauge}}x1',
    );
    assert.deepEqual(
      values.map((v) => [v.counterResetHintSet, v.histogram.counterResetHint, v.histogram.count]),
      [
        [true, 'unknown', 4],
        [true, 'gauge', 5],
      ],
    );
  });
});

describe('splitSeriesValues', () => {
  it('keeps histogram items whole', () => {
    assert.deepEqual(splitSeriesValues(' 1 {{schema:0 sum:1 count:1 buckets:[1 2]}}x2  _ {{}}+{{sum:1}}x3 stale'), [
      '1',
      '{{schema:0 sum:1 count:1 buckets:[1 2]}}x2',
      '_',
      '{{}}+{{sum:1}}x3',
      'stale',
    ]);
  });
});

describe('testExpression', () => {
  it(`prints Prometheus's TestExpression (${PARSE_TEST}:6048-6099)`, () => {
    const text =
      '{{schema:1 count:3.1 sum:-0.3 z_bucket:7.1 z_bucket_w:0.05 counter_reset_hint:reset offset:-3 ' +
      'buckets:[5.1 10 7] n_offset:-5 n_buckets:[4.1 5]}}';
    assert.equal(testExpression(parseHistogramLiteral(text).histogram), text);
    const split = fh({
      positiveBuckets: [5.1, 10, 7],
      positiveSpans: [
        [-3, 1],
        [4, 2],
      ],
      negativeBuckets: [4.1, 5, 7, 8, 9],
      negativeSpans: [
        [-1, 2],
        [2, 3],
      ],
    });
    assert.equal(
      testExpression(split),
      '{{offset:-3 buckets:[5.1 0 0 0 0 10 7] n_offset:-1 n_buckets:[4.1 5 0 0 7 8 9]}}',
    );
  });

  it('prints custom bounds and large or small numbers as Go’s %g', () => {
    const h = fh({ schema: -53, count: 1e21, sum: 1.5e-7, customValues: [], counterResetHint: 'gauge' });
    assert.equal(testExpression(h), '{{schema:-53 count:1e+21 sum:1.5e-07 custom_values:[] counter_reset_hint:gauge}}');
  });
});
