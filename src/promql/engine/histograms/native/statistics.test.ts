import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseHistogramLiteral } from '../../../testing/histogram-notation.js';
import {
  histogramAvg,
  histogramCount,
  histogramFraction,
  histogramQuantile,
  histogramStddev,
  histogramStdvar,
  histogramSum,
} from './statistics.js';

const SCRIPT = 'promql/promqltest/testdata/native_histograms.test';

const h = (text: string) => parseHistogramLiteral(text).histogram;

/** Prometheus's test comparison (util/almost.Equal with epsilon 1e-6). */
function near(actual: number, expected: number): void {
  if (Number.isNaN(expected) || !Number.isFinite(expected)) return assert.deepEqual(actual, expected);
  assert.ok(Math.abs(actual - expected) <= 1e-6 * Math.abs(expected), `${actual} ≉ ${expected}`);
}

describe('histogram_count, histogram_sum, histogram_avg', () => {
  it(`read the totals (${SCRIPT}:226-232)`, () => {
    const negative = h('{{schema:0 sum:-5 count:4 n_buckets:[1 2 1]}}');
    assert.equal(histogramCount(negative), 4);
    assert.equal(histogramSum(negative), -5);
    assert.equal(histogramAvg(negative), -1.25);
    assert.ok(Number.isNaN(histogramAvg(h('{{}}'))));
  });
});

describe('histogram_stddev and histogram_stdvar', () => {
  const cases: [line: number, literal: string, stddev: number, stdvar: number][] = [
    [330, '{{schema:2 count:4 sum:10 buckets:[1 0 0 0 1 0 0 1 1]}}', 1.0787993180043811, 1.163807968526718],
    [342, '{{schema:8 count:10 sum:10 buckets:[1 2 3 4]}}', 0.0048960313898237465, 2.3971123370139447e-5],
    [
      366,
      '{{schema:0 count:10 sum:-112946 z_bucket:0 n_buckets:[0 0 1 1 1 0 1 1 0 0 3 0 0 0 1 0 0 1]}}',
      27556.344499842,
      759352122.1939945,
    ],
    [378, '{{schema:0 count:10 sum:-100 z_bucket:0 n_buckets:[0 0 0 0 10]}}', 1.3137084989848, 1.725830020304794],
  ];
  for (const [line, literal, stddev, stdvar] of cases) {
    it(`${literal} (${SCRIPT}:${line})`, () => {
      near(histogramStddev(h(literal)), stddev);
      near(histogramStdvar(h(literal)), stdvar);
    });
  }

  // {-50, -8, 0, 3, 8, 9} in schema 3, with a sum of 62, NaN and Inf.
  const zeros = (n: number) => Array<string>(n).fill('0').join(' ');
  const observations = (sum: string) =>
    h(
      `{{schema:3 count:7 sum:${sum} z_bucket:1 buckets:[${zeros(13)} 1 ${zeros(10)} 1 0 1 ${zeros(27)} 1 ]` +
        ` n_buckets:[${zeros(24)} 1 ${zeros(21)} 1 ]}}`,
    );

  it(`puts observations of the zero bucket at 0 (${SCRIPT}:354)`, () => {
    near(histogramStddev(observations('62')), 42.94723640026);
    near(histogramStdvar(observations('62')), 1844.4651144196398);
  });

  it(`is NaN with a NaN sum and Inf with an infinite one (${SCRIPT}:390, 402)`, () => {
    assert.ok(Number.isNaN(histogramStddev(observations('NaN'))));
    assert.equal(histogramStdvar(observations('Inf')), Infinity);
  });
});

describe('histogram_quantile', () => {
  const positive = h('{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 buckets:[2 3 0 1 4]}}');

  it(`interpolates log-linearly in exponential buckets, linearly in the zero bucket (${SCRIPT}:414-453)`, () => {
    const cases: [number, number][] = [
      [1.001, Infinity],
      [1, 16],
      [0.99, 15.67072476139083],
      [0.9, 12.99603834169977],
      [0.6, 4.594793419988138],
      [0.5, 1.5874010519681994],
      [0.1, 0.0006],
      [0, 0],
      [-1, -Infinity],
    ];
    for (const [q, expected] of cases) near(histogramQuantile(q, positive).value, expected);
  });

  it(`mirrors negative buckets (${SCRIPT}:238)`, () => {
    near(histogramQuantile(0.5, h('{{schema:0 sum:-5 count:4 n_buckets:[1 2 1]}}')).value, -1.414213562373095);
  });

  it(`lands on the next populated bucket after empty ones (${SCRIPT}:284)`, () => {
    const balanced = h('{{schema:0 count:8 sum:0 buckets:[1 2 1] n_buckets:[1 2 1]}}');
    near(histogramQuantile(0.5, balanced).value, 0.5);
  });

  it(`interpolates linearly in custom buckets (${SCRIPT}:1083)`, () => {
    near(histogramQuantile(0.5, h('{{schema:-53 sum:5 count:4 custom_values:[5 10] buckets:[1 2 1]}}')).value, 7.5);
  });

  it(`reports NaN observations (${SCRIPT}:1616-1646)`, () => {
    const allNaN = h('{{schema:0 count:3 sum:NaN}}');
    const someNaN = h('{{schema:0 count:15 sum:NaN buckets:[12]}}');
    assert.deepEqual(histogramQuantile(1, allNaN), { value: NaN, info: 'quantile-nan-result' });
    assert.deepEqual(histogramQuantile(0.81, someNaN), { value: NaN, info: 'quantile-nan-result' });
    assert.deepEqual(histogramQuantile(0.8, someNaN), { value: 1, info: 'quantile-nan-skew' });
    const q = histogramQuantile(0.4, someNaN);
    near(q.value, 0.7071067811865475);
    assert.equal(q.info, 'quantile-nan-skew');
  });

  it('is NaN for an empty histogram or a NaN φ', () => {
    assert.deepEqual(histogramQuantile(0.5, h('{{}}')), { value: NaN });
    assert.deepEqual(histogramQuantile(NaN, positive), { value: NaN });
  });
});

describe('histogram_fraction', () => {
  const single = h('{{schema:0 sum:5 count:4 buckets:[1 2 1]}}');

  it(`estimates the share between two values (${SCRIPT}:49-54, 211, 234, 279, 1080)`, () => {
    near(histogramFraction(1, 2, single).value, 0.5);
    near(histogramFraction(0, 8, single).value, 1);
    near(histogramFraction(-0.5, 0.5, h('{{schema:0 sum:0.25 count:1 z_bucket:1 z_bucket_w:0.5}}')).value, 1);
    near(histogramFraction(-2, -1, h('{{schema:0 sum:-5 count:4 n_buckets:[1 2 1]}}')).value, 0.5);
    near(histogramFraction(0, 4, h('{{schema:0 count:8 sum:0 buckets:[1 2 1] n_buckets:[1 2 1]}}')).value, 0.5);
    near(histogramFraction(5, 10, h('{{schema:-53 sum:5 count:4 custom_values:[5 10] buckets:[1 2 1]}}')).value, 0.5);
  });

  it(`is NaN for an empty histogram and 0 for an empty range (${SCRIPT}:22-27)`, () => {
    assert.deepEqual(histogramFraction(-Infinity, Infinity, h('{{}}')), { value: NaN });
    assert.deepEqual(histogramFraction(2, 1, single), { value: 0 });
  });

  it(`leaves NaN observations out (${SCRIPT}:1648)`, () => {
    const r = histogramFraction(-Infinity, 0.7071067811865475, h('{{schema:0 count:15 sum:NaN buckets:[12]}}'));
    near(r.value, 0.4);
    assert.equal(r.info, 'fraction-nans');
  });
});

describe("histogram_quantile and histogram_fraction at Prometheus's bucket bounds", () => {
  // 1.414213562373095 is √2 as Prometheus's table has it (and its API prints it), one ulp below the correctly rounded
  // 1.4142135623730951. Each expected value is what Prometheus's formulas give in Go for these buckets.
  const positive = h('{{schema:1 count:2 sum:3 buckets:[0 1 1]}}');
  const negative = h('{{schema:1 count:2 sum:-3 n_buckets:[0 1 1]}}');

  it('splits the observations exactly at a bound the API printed', () => {
    assert.deepEqual(histogramFraction(0, 1.414213562373095, positive), { value: 0.5 });
    assert.deepEqual(histogramFraction(1.414213562373095, Infinity, positive), { value: 0.5 });
    assert.deepEqual(histogramFraction(-1.414213562373095, 0, negative), { value: 0.5 });
  });

  it('answers a quantile that ends on a bucket bound with that bound', () => {
    assert.deepEqual(histogramQuantile(0.5, positive), { value: 1.414213562373095 });
    assert.deepEqual(histogramQuantile(0.5, negative), { value: -1.414213562373095 });
    assert.deepEqual(histogramQuantile(0.25, positive), { value: 1.189207115002721 });
  });
});
