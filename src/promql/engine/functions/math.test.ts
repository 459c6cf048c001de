import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertSample } from '../../testing/function-fixtures.js';
import { MAP_FUNCTIONS } from './math.js';

function apply(name: string, value: number, args: number[] = []): number | undefined {
  const fn = MAP_FUNCTIONS.get(name);
  assert.ok(fn, `no function ${name}`);
  return fn(value, args);
}

const each = (name: string, values: readonly number[], args: number[] = []) => values.map((v) => apply(name, v, args));

describe('abs, ceil, floor, round', () => {
  // functions.test:1665: positive, whole, negative, nwhole, zero, nzero, inf, ninf, nan.
  const data = [2.5, 2, -2.5, -2, 0, -0, Infinity, -Infinity, Number.NaN];
  const check = (actual: (number | undefined)[], expected: number[]) =>
    actual.forEach((v, i) => assertSample(v, expected[i] as number));

  it('functions.test:1677 abs', () => check(each('abs', data), [2.5, 2, 2.5, 2, 0, 0, Infinity, Infinity, Number.NaN]));
  it('functions.test:1688 ceil', () =>
    check(each('ceil', data), [3, 2, -2, -2, 0, 0, Infinity, -Infinity, Number.NaN]));
  it('functions.test:1699 floor', () =>
    check(each('floor', data), [2, 2, -3, -2, 0, 0, Infinity, -Infinity, Number.NaN]));
  it('functions.test:1710 round, ties upwards', () =>
    check(each('round', data), [3, 2, -2, -2, 0, 0, Infinity, -Infinity, Number.NaN]));

  it('round to a multiple, through the inverse', () => {
    assert.equal(apply('round', 0.29, [0.1]), 0.3);
    assert.equal(apply('round', 17, [5]), 15);
    assert.equal(apply('round', 17.5, [5]), 20);
    assert.equal(apply('round', -12.5, [5]), -10);
  });
});

describe('clamp, clamp_min, clamp_max', () => {
  const data = [-50, 0, 100]; // functions.test:611

  it('functions.test:617-630', () => {
    assert.deepEqual(each('clamp_max', data, [75]), [-50, 0, 75]);
    assert.deepEqual(each('clamp_min', data, [-25]), [-25, 0, 100]);
    assert.deepEqual(each('clamp', data, [-25, 75]), [-25, 0, 75]);
  });

  it('functions.test:642-652 a NaN bound gives NaN, min > max drops the sample', () => {
    for (const v of [...each('clamp', data, [0, Number.NaN]), ...each('clamp', data, [Number.NaN, 0])]) {
      assertSample(v, Number.NaN);
    }
    assert.deepEqual(each('clamp', data, [5, -5]), [undefined, undefined, undefined]);
  });
});

it('functions.test:680 sgn', () => {
  const actual = each('sgn', [-Infinity, Infinity, Number.NaN, -50, 0, 100]);
  [-1, 1, Number.NaN, -1, 0, 1].forEach((expected, i) => assertSample(actual[i], expected));
});

describe('exp, ln, sqrt, log2, log10', () => {
  it('functions.test:1924-2002', () => {
    const cases: [string, number, number][] = [
      ['exp', 10, 22026.465794806718],
      ['exp', 20, 485165195.4097903],
      ['exp', 0, 1],
      ['exp', -10, 4.5399929762484854e-5],
      ['ln', 10, 2.302585092994046],
      ['ln', 20, 2.995732273553991],
      ['ln', 0, -Infinity],
      ['ln', -10, Number.NaN],
      ['sqrt', 10, 3.1622776601683795],
      ['sqrt', 20, 4.47213595499958],
      ['log2', 10, 3.3219280948873626],
      ['log2', 20, 4.321928094887363],
      ['log2', 0, -Infinity],
      ['log2', -10, Number.NaN],
      ['log10', 10, 1],
      ['log10', 20, 1.301029995663981],
      ['log10', 0, -Infinity],
      ['log10', -10, Number.NaN],
    ];
    for (const [name, value, expected] of cases) assertSample(apply(name, value), expected);
  });

  it('log2 and log10 are Go’s formulas: exact powers of two, ln scaled by 1/ln 10', () => {
    assert.equal(apply('log2', 1024), 10);
    assert.equal(apply('log2', 0.125), -3);
    assert.equal(apply('log2', 5e-324), -1074);
    assert.equal(apply('log10', 20), 1.301029995663981);
    assert.equal(apply('log10', 10), 0.9999999999999999);
  });
});

describe('trigonometry', () => {
  // trig_functions.test:3: trig{l="x"} 10, trig{l="y"} 20, trig{l="NaN"} NaN.
  const cases: [string, number, [number, number]][] = [
    ['sin', 0, [-0.5440211108893699, 0.9129452507276277]], // :8
    ['cos', 0, [-0.8390715290764524, 0.40808206181339196]], // :13
    ['tan', 0, [0.6483608274590867, 2.2371609442247427]], // :18
    ['asin', -10.1, [-0.10016742116155944, Number.NaN]], // :23
    ['acos', -10.1, [1.670963747956456, Number.NaN]], // :28
    ['atan', 0, [1.4711276743037345, 1.5208379310729538]], // :33
    ['sinh', 0, [11013.232920103324, 2.4258259770489514e8]], // :38
    ['cosh', 0, [11013.232920103324, 2.4258259770489514e8]], // :43
    ['tanh', 0, [0.9999999958776927, 1]], // :48
    ['asinh', 0, [2.99822295029797, 3.6895038689889055]], // :53
    ['acosh', 0, [2.993222846126381, 3.6882538673612966]], // :58
    ['atanh', -10.1, [-0.10033534773107522, Number.NaN]], // :63
    ['rad', 0, [0.17453292519943295, 0.3490658503988659]], // :68
    ['rad', -10, [0, 0.17453292519943295]], // :73
    ['rad', -20, [-0.17453292519943295, 0]], // :78
    ['deg', 0, [572.9577951308232, 1145.9155902616465]], // :83
    ['deg', -10, [0, 572.9577951308232]], // :88
    ['deg', -20, [-572.9577951308232, 0]], // :93
  ];

  it('trig_functions.test:8-96, NaN in NaN out', () => {
    for (const [name, shift, [x, y]] of cases) {
      assertSample(apply(name, 10 + shift), x);
      assertSample(apply(name, 20 + shift), y);
      assertSample(apply(name, Number.NaN), Number.NaN);
    }
  });
});

describe('date functions', () => {
  it('functions.test:1462-1500 fields of 2006-01-02T22:04:05Z', () => {
    const t = 1136239445;
    assert.deepEqual(
      ['year', 'month', 'day_of_month', 'day_of_year', 'day_of_week', 'hour', 'minute'].map((name) => apply(name, t)),
      [2006, 1, 2, 2, 1, 22, 4],
    );
  });

  it('functions.test:1453-1496 the epoch is a Thursday', () => {
    assert.deepEqual(
      ['year', 'month', 'day_of_month', 'day_of_year', 'day_of_week', 'hour', 'minute'].map((name) => apply(name, 0)),
      [1970, 1, 1, 1, 4, 0, 0],
    );
  });

  it('functions.test:1503-1531 year ends, leap days, days in month', () => {
    assert.equal(apply('year', 1230767999), 2008);
    assert.equal(apply('year', 1230768000), 2009);
    assert.equal((apply('month', 1456790399) as number) + (apply('day_of_month', 1456790399) as number) / 100, 2.29);
    assert.equal((apply('month', 1456790400) as number) + (apply('day_of_month', 1456790400) as number) / 100, 3.01);
    assert.equal(apply('day_of_year', 1483191420), 366);
    assert.equal(apply('day_of_year', 1672493820), 365);
    assert.equal(apply('days_in_month', 1454284800), 29);
    assert.equal(apply('days_in_month', 1485907200), 28);
  });

  it('truncates fractional seconds towards zero, as Go’s int64 conversion does', () => {
    assert.equal(apply('year', -0.5), 1970);
    assert.equal(apply('year', -1.5), 1969);
    assert.equal(apply('minute', 59.9), 0);
  });
});
