import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertSample, load, ms, windowAt, type Samples } from '../../testing/function-fixtures.js';
import { RANGE_FUNCTIONS } from './range.js';

/** `name(series[range])` evaluated at `at`, as the evaluator calls it for one series and one step. */
function call(name: string, samples: Samples, at: string | number, range: string, args: number[] = [], offset = '0s') {
  const fn = RANGE_FUNCTIONS.get(name);
  assert.ok(fn, `no range function ${name}`);
  return fn(windowAt(samples, at, range, offset), args);
}

describe('resets and changes', () => {
  const foo = load('5m', '1 2 3 0 1 0 0 1 2 0');
  const bar = load('5m', '1 2 3 4 5 1 2 3 4 5');
  const biz = load('5m', '0 0 0 0 0 1 1 1 1 1');

  it('functions.test:11 gives no sample for an empty window', () => {
    assert.equal(call('resets', foo, '50m', '5m'), undefined);
  });

  it('functions.test:13-41 counts drops', () => {
    for (const [range, expected] of [
      ['10m', [0, 0, 0]],
      ['20m', [1, 0, 0]],
      ['32m', [2, 1, 0]],
      ['50m', [3, 1, 0]],
    ] as const) {
      assert.deepEqual(
        [foo, bar, biz].map((s) => call('resets', s, '50m', range)),
        expected,
      );
    }
  });

  it('functions.test:60-78 counts changes', () => {
    for (const [range, expected] of [
      ['6m', [0, 0, 0]],
      ['20m', [2, 2, 0]],
      ['30m', [3, 4, 0]],
      ['50m', [7, 8, 1]],
    ] as const) {
      assert.deepEqual(
        [foo, bar, biz].map((s) => call('changes', s, '50m', range)),
        expected,
      );
    }
  });

  it('functions.test:108 does not count NaN to NaN as a change, but NaN to a number', () => {
    assert.equal(call('changes', load('5m', 'NaN NaN NaN'), '15m', '20m'), 0);
    assert.equal(call('changes', load('5m', '0 NaN 0'), '15m', '20m'), 2);
  });
});

describe('increase, rate, delta', () => {
  it('functions.test:122 increase over the whole series', () => {
    assert.equal(call('increase', load('5m', '0+10x10'), '50m', '50m'), 100);
    assert.equal(call('increase', load('5m', '0+18x5 0+18x5'), '50m', '50m'), 160);
    assert.equal(call('increase', load('5m', '10+10x10'), '50m', '50m'), 100);
    assert.equal(call('increase', load('5m', '1+10x10'), '50m', '50m'), 100);
  });

  it('functions.test:135 extrapolates to the start only as far as the counter can have been zero', () => {
    assertSample(call('increase', load('5m', '0+10x10'), '50m', '100m'), 100);
    assertSample(call('increase', load('5m', '0+18x5 0+18x5'), '50m', '100m'), 162);
    assertSample(call('increase', load('5m', '10+10x10'), '50m', '100m'), 105);
    assertSample(call('increase', load('5m', '1+10x10'), '50m', '100m'), 101);
  });

  it('functions.test:150 adds back the value before a counter reset', () => {
    assert.equal(call('increase', load('5m', '0 1 2 3 2 3 4'), '30m', '30m'), 7);
  });

  it('functions.test:161-168 rate with a reset in the middle and at the end', () => {
    assertSample(call('rate', load('5m', '0+27x4 0+27x5'), '50m', '50m'), 0.08);
    const resetEnd = load('5m', '0+10x9 0 10');
    assert.equal(call('rate', resetEnd, '50m', '5m'), undefined);
    assert.equal(call('rate', resetEnd, '50m', '6m'), 0);
  });

  it('functions.test:178-183 per-second rates, also with offset', () => {
    assertSample(call('rate', load('5m', '0+80x10'), '50m', '50m'), 0.26666666666666666);
    assertSample(call('rate', load('5m', '0+10x10'), '50m', '10m', [], '5m'), 0.03333333333333333);
    assertSample(call('rate', load('5m', '0+20x10'), '50m', '10m', [], '5m'), 0.06666666666666667);
  });

  it('functions.test:198-213 zero cut-off of the left extrapolation', () => {
    const starts = ['0+240x10', '60+240x10', '120+240x10', '180+240x10', '240+240x10', '300+240x10'];
    const at10m = starts.map((s) => call('rate', load('4m', s), '10m', '20m'));
    [0.5, 0.55, 0.6, 0.6, 0.6, 0.6].forEach((expected, i) => assertSample(at10m[i], expected));
    for (const s of starts) assertSample(call('rate', load('4m', s), '50m', '20m'), 0.6);
  });

  it('functions.test:285 delta of gauges, no counter handling', () => {
    assert.equal(call('delta', load('5m', '0 50 100 150 200'), '20m', '20m'), 200);
    assert.equal(call('delta', load('5m', '200 150 100 50 0'), '20m', '20m'), -200);
  });

  it('needs two samples', () => {
    assert.equal(call('rate', load('5m', '1'), '0m', '5m'), undefined);
    assert.equal(call('delta', load('5m', '1'), '0m', '5m'), undefined);
  });
});

describe('irate and idelta', () => {
  it('functions.test:230-239 per-second rate of the last two samples, a drop taken as a reset', () => {
    assertSample(call('irate', load('5m', '0+10x10'), '50m', '50m'), 0.03333333333333333);
    assertSample(call('irate', load('5m', '0+10x5 0+10x5'), '50m', '50m'), 0.03333333333333333);
    assertSample(call('irate', load('5m', '0+10x10'), '30m', '50m'), 0.03333333333333333);
    assert.equal(call('irate', load('5m', '0+10x5 0+10x5'), '30m', '50m'), 0);
  });

  it('functions.test:241 and :324 propagate NaN', () => {
    const nan = load('5m', '1 NaN NaN 5 11');
    const irate = ['0m', '5m', '10m', '15m', '20m'].map((at) => call('irate', nan, at, '15m1s'));
    assert.equal(irate[0], undefined);
    irate.slice(1, 4).forEach((v) => assertSample(v, Number.NaN));
    assertSample(irate[4], 0.02);
    const idelta = ['0m', '5m', '10m', '15m', '20m'].map((at) => call('idelta', nan, at, '15m1s'));
    assert.equal(idelta[0], undefined);
    idelta.slice(1, 4).forEach((v) => assertSample(v, Number.NaN));
    assert.equal(idelta[4], 6);
  });

  it('functions.test:319 idelta is the plain difference', () => {
    assert.equal(call('idelta', load('5m', '0 50 100 150'), '20m', '20m'), 50);
    assert.equal(call('idelta', load('5m', '0 50 100 50'), '20m', '20m'), -50);
  });
});

describe('deriv and predict_linear', () => {
  const resetMiddle = load('5m', '0+10x4 0+10x5');

  it('functions.test:374-381 slope of the least-squares line', () => {
    assertSample(call('deriv', load('5m', '0+80x10'), '50m', '50m'), 0.26666666666666666);
    assertSample(call('deriv', resetMiddle, '50m', '100m'), 0.010606060606060607);
  });

  it('functions.test:399 an infinite sample makes the slope NaN', () => {
    assertSample(call('deriv', load('5m', '-Inf 0+80x10 Inf'), '100m', '100m'), Number.NaN);
    assertSample(call('predict_linear', load('5m', '-Inf 0+80x10 Inf'), '100m', '100m', [6000]), Number.NaN);
  });

  it('functions.test:417-442 extrapolates from the step time, also with @', () => {
    assertSample(call('predict_linear', resetMiddle, '50m', '50m', [3600]), 70);
    // `[55m] @ 3000` evaluated at 50m, 10m and 70m: the window stays put, the prediction starts at the step time.
    const at = (step: string) => {
      const w = windowAt(resetMiddle, 3_000_000, '55m');
      return RANGE_FUNCTIONS.get('predict_linear')?.({ ...w, stepTime: ms(step) }, [3600]);
    };
    assertSample(at('50m'), 76.81818181818181);
    assertSample(at('10m'), 51.36363636363637);
    assertSample(at('70m'), 89.54545454545455);
  });

  it('a constant series has slope 0 exactly', () => {
    assert.equal(call('deriv', load('10s', '0.1x20'), '200s', '200s'), 0);
    assert.equal(call('predict_linear', load('10s', '0.1x20'), '200s', '200s', [100]), 0.1);
  });
});

describe('double_exponential_smoothing', () => {
  it('functions.test:898 follows a linear trend exactly', () => {
    const cases: [string, number][] = [
      ['0+10x1000 100+30x1000', 8000],
      ['0+20x1000 200+30x1000', 16000],
      ['0+30x1000 300+80x1000', 24000],
      ['0+40x2000', 32000],
    ];
    for (const [series, expected] of cases) {
      assertSample(call('double_exponential_smoothing', load('10s', series), '8000s', '1m', [0.01, 0.1]), expected);
    }
  });

  it('functions.test:926 negative trends', () => {
    const cases: [string, number][] = [
      ['8000-10x1000', 0],
      ['0-20x1000', -16000],
      ['0+30x1000 300-80x1000', 24000],
      ['0-40x1000 0+40x1000', -32000],
    ];
    for (const [series, expected] of cases) {
      assertSample(call('double_exponential_smoothing', load('10s', series), '8000s', '1m', [0.01, 0.1]), expected);
    }
  });

  it('rejects factors outside (0, 1) with Prometheus’s messages, and needs two samples', () => {
    const s = load('10s', '1 2 3');
    assert.throws(() => call('double_exponential_smoothing', s, '20s', '1m', [1, 0.5]), {
      message: 'invalid smoothing factor. Expected: 0 < sf < 1, got: 1.000000',
    });
    assert.throws(() => call('double_exponential_smoothing', s, '20s', '1m', [0.5, -0.25]), {
      message: 'invalid trend factor. Expected: 0 < tf < 1, got: -0.250000',
    });
    assert.equal(call('double_exponential_smoothing', s, '0s', '1m', [0.5, 0.5]), undefined);
  });
});

describe('avg_over_time and sum_over_time', () => {
  const metric = load('10s', '1 2 3 4 5');

  it('functions.test:954-964 no sample, one sample, all samples', () => {
    assert.equal(call('avg_over_time', metric, '55s', '10s'), undefined);
    assert.equal(call('avg_over_time', metric, '55s', '20s'), 5);
    assert.equal(call('avg_over_time', metric, '55s', '1m'), 3);
    assert.equal(call('sum_over_time', metric, '55s', '1m'), 15);
  });

  it('functions.test:967-1025 infinities and NaN', () => {
    const cases: [string, number][] = [
      ['1 2 3 4 Inf', Infinity],
      ['1 2 3 4 -Inf', -Infinity],
      ['1 2 3 Inf -Inf', Number.NaN],
      ['Inf 0 Inf', Infinity],
      ['Inf Inf Inf -Inf', Number.NaN],
      ['1 2 3 -Inf -Inf', -Infinity],
      ['-Inf 0 -Inf', -Infinity],
      ['-Inf -Inf -Inf Inf', Number.NaN],
      ['1 2 -Inf -Inf Inf', Number.NaN],
    ];
    for (const [series, expected] of cases) {
      assertSample(call('avg_over_time', load('10s', series), '55s', '1m'), expected);
      const s = load('10s', series);
      assertSample(
        (call('sum_over_time', s, '55s', '1m') as number) / (call('count_over_time', s, '55s', '1m') as number),
        expected,
      );
    }
  });

  it('functions.test:1027-1045 averages values whose sum overflows', () => {
    assert.equal(
      call('avg_over_time', load('10s', '9.988465674311579e+307 9.988465674311579e+307'), '55s', '1m'),
      9.988465674311579e307,
    );
    assert.equal(
      call('sum_over_time', load('10s', '9.988465674311579e+307 9.988465674311579e+307'), '55s', '1m'),
      Infinity,
    );
    const negative = load('10s', '-9.988465674311579e+307 -9.988465674311579e+307 -9.988465674311579e+307');
    assert.equal(call('avg_over_time', negative, '55s', '1m'), -9.988465674311579e307);
    assert.equal(call('avg_over_time', load('10s', '-9.988465674311579e+307 9.988465674311579e+307'), '55s', '1m'), 0);
  });

  it('functions.test:1048-1055 NaN', () => {
    const s = load('10s', '1 2 3 NaN NaN');
    assert.equal(call('avg_over_time', s, '20s', '1m'), 2);
    assertSample(call('avg_over_time', s, '30s', '1m'), Number.NaN);
  });

  it('functions.test:1084 and :1087 keep detail next to very big intermediate values', () => {
    const s = load('10s', '1 1e100 1 -1e100');
    assert.equal(call('sum_over_time', s, '1m', '2m'), 2);
    assert.equal(call('avg_over_time', s, '1m', '2m'), 0.5);
  });

  it('functions.test:1100-1150 extreme magnitudes', () => {
    const cases: [string, number][] = [
      ['1e10 1e-6 1e-6 1e-6 1e-6 1e-6', 1.6666666666666675e9],
      [
        '5.30921651659898 0.961118537914768 1.62091361305318 0.865089463758091 0.323055185914577 0.951811357687154',
        1.67186744582113,
      ],
      ['1.78264e50 0.76342771 1.9592258 7.69805412 458.90154', 3.56528e49],
      ['0.76342771 1.9592258 7.69805412 1.78264e50 458.90154', 3.56528e49],
      ['1.78264E+50 0.76342771 1.9592258 2.258E+220 7.69805412 458.90154', 3.76333333333333e219],
      ['-1.78264E+50 0.76342771 1.9592258 2.258E+220 7.69805412 -458.90154', 3.76333333333333e219],
      ['-1.78264E+50 0.76342771 1.9592258 -2.258E+220 7.69805412 -458.90154', -3.76333333333333e219],
      ['-1.78264E+215 0.76342771 1.9592258 2.258E+220 7.69805412 -458.90154', 3.76330362266667e219],
      ['-1.78264E+215 0.76342771 1.9592258 2.258E+220 7.69805412 1.78264E+215 -458.90154', 3.225714285714286e219],
      [
        '-1.78264E+219 0.76342771 1.9592258 2.3757689E+217 -2.3757689E+217 2.258E+220 7.69805412 1.78264E+219 -458.90154',
        2.5088888888888888e219,
      ],
      [
        '-2.258E+220 -1.78264E+219 0.76342771 1.9592258 2.3757689E+217 -2.3757689E+217 2.258E+220 7.69805412 1.78264E+219 -458.90154',
        0,
      ],
    ];
    for (const [series, expected] of cases)
      assertSample(call('avg_over_time', load('5s', series), '55s', '1m'), expected);
  });

  it('functions.test:1162-1190 the mean of equal values is exactly that value', () => {
    const foo = load('10s', '52+0x100');
    for (const range of ['100s', '110s', '120s', '130s']) assert.equal(call('avg_over_time', foo, '10m', range), 52);
  });

  it('functions.test:1197-1230 sums of many ones are exact', () => {
    const metric1ms = load('1ms', '1+0x4000');
    for (const range of [1000, 1001, 1002, 1003, 2000, 2001, 2002, 2003, 3000, 3001, 3002, 3003]) {
      assert.equal(call('sum_over_time', metric1ms, '4s', `${range}ms`), range);
    }
  });
});

describe('stddev_over_time, stdvar_over_time, mad_over_time', () => {
  it('functions.test:1240-1247', () => {
    const s = load('10s', '0 8 8 2 3');
    assertSample(call('stdvar_over_time', s, '1m', '2m'), 10.56);
    assertSample(call('stddev_over_time', s, '1m', '2m'), 3.249615);
  });

  it('functions.test:1270-1274 equal values have no variance at all', () => {
    const s = load('10s', '1.5990505637277868 1.5990505637277868 1.5990505637277868');
    assert.equal(call('stdvar_over_time', s, '55s', '1m'), 0);
    assert.equal(call('stddev_over_time', s, '55s', '1m'), 0);
  });

  it('functions.test:1287-1309 median absolute deviation', () => {
    assert.equal(call('mad_over_time', load('10s', '4 6 2 1 999 1 2'), '70s', '70s'), 1);
    assert.equal(call('mad_over_time', load('10s', '1 2 3 4 5'), '40s', '50s'), 1);
    assert.equal(call('mad_over_time', load('10s', '7 7 7 7 7'), '40s', '50s'), 0);
    assert.equal(call('mad_over_time', load('10s', '5'), '0s', '10s'), 0);
    assertSample(call('mad_over_time', load('10s', '1 2 NaN 4'), '30s', '40s'), Number.NaN);
  });
});

describe('min, max, first, last, count, present and their timestamps', () => {
  const data = {
    numbers: load('10s', '2 0 3'),
    some_nan: load('10s', '2 0 NaN'),
    some_nan2: load('10s', '2 NaN 1'),
    some_nan3: load('10s', 'NaN 0 1'),
    only_nan: load('10s', 'NaN NaN NaN'),
  };
  const each = (name: string) => Object.values(data).map((s) => call(name, s, '1m', '2m'));

  it('functions.test:1585 min_over_time skips NaN unless all are NaN', () => {
    each('min_over_time').forEach((v, i) => assertSample(v, [0, 0, 1, 0, Number.NaN][i] as number));
  });

  it('functions.test:1605 max_over_time', () => {
    each('max_over_time').forEach((v, i) => assertSample(v, [3, 2, 2, 1, Number.NaN][i] as number));
  });

  it('functions.test:1625 and :1637 last_over_time and first_over_time keep NaN', () => {
    each('last_over_time').forEach((v, i) => assertSample(v, [3, Number.NaN, 1, 1, Number.NaN][i] as number));
    each('first_over_time').forEach((v, i) => assertSample(v, [2, 2, 2, Number.NaN, Number.NaN][i] as number));
    assert.equal(call('last_over_time', load('10s', '_ 5 2 _ 4 _'), '1m', '2m'), 4);
    assert.equal(call('first_over_time', load('10s', '_ 5 2 _ 4 _'), '1m', '2m'), 5);
  });

  it('functions.test:1649 count_over_time counts NaN samples too', () => {
    assert.deepEqual(each('count_over_time'), [3, 3, 3, 3, 3]);
    assert.equal(call('count_over_time', load('10s', '_ 5 2 _ 4 _'), '1m', '2m'), 3);
  });

  it('functions.test:1877-1914 present_over_time', () => {
    assert.equal(call('present_over_time', load('1m', 'NaN NaN NaN NaN NaN'), '5m', '4m'), 1);
    assert.equal(call('present_over_time', load('1m', 'NaN NaN NaN NaN NaN'), '10m', '4m'), undefined);
    assert.equal(call('present_over_time', load('1m', '1'), '0m', '30s'), 1);
  });

  it('functions.test:1324-1328 ts_of_min_over_time and ts_of_max_over_time, in seconds', () => {
    const s = load('10s53ms', '1 2 3 0 5 6 2 1 4');
    assert.equal(call('ts_of_min_over_time', s, '90s', '90s'), 30.159);
    assert.equal(call('ts_of_max_over_time', s, '90s', '90s'), 50.265);
  });

  it('the timestamp of a repeated extremum is that of its last occurrence', () => {
    const s = load('10s', '3 1 3 1 2');
    assert.equal(call('ts_of_max_over_time', s, '40s', '1m'), 20);
    assert.equal(call('ts_of_min_over_time', s, '40s', '1m'), 30);
  });

  it('functions.test:1337-1362 ts_of_last_over_time and ts_of_first_over_time', () => {
    assert.equal(call('ts_of_last_over_time', load('10s53ms', '1 2 3 _ _'), '90s', '90s'), 20.106);
    assert.equal(call('ts_of_last_over_time', load('10s53ms', '1 2 3 _ _'), '95s', '90s'), 20.106);
    assert.equal(call('ts_of_first_over_time', load('10s53ms', '_ _ 1 2 3 _ _'), '90s', '90s'), 20.106);
    assert.equal(call('ts_of_first_over_time', load('10s53ms', '_ _ 1 2 3 _ _'), '15s', '90s'), undefined);
  });
});

describe('quantile_over_time', () => {
  const two = load('10s', '0 1');
  const three = load('10s', '0 1 2');
  const uneven = load('10s', '0 1 4');
  const at = (q: number) => [two, three, uneven].map((s) => call('quantile_over_time', s, '1m', '2m', [q]));

  it('functions.test:1381-1414 interpolates between ranks', () => {
    assert.deepEqual(at(0), [0, 0, 0]);
    assert.deepEqual(at(0.5), [0.5, 1, 1]);
    assert.deepEqual(at(0.75), [0.75, 1.5, 2.5]);
    at(0.8).forEach((v, i) => assertSample(v, [0.8, 1.6, 2.8][i] as number));
    assert.deepEqual(at(1), [1, 2, 4]);
  });

  it('functions.test:1416-1428 φ out of range gives ±Inf', () => {
    assert.deepEqual(at(-1), [-Infinity, -Infinity, -Infinity]);
    assert.deepEqual(at(2), [Infinity, Infinity, Infinity]);
  });
});

it('every function gives no sample for an empty window', () => {
  const empty = load('10s', '1');
  for (const [name, fn] of RANGE_FUNCTIONS) {
    assert.equal(fn(windowAt(empty, '1h', '1m'), [0.5, 0.5]), undefined, name);
  }
});
