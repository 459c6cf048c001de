import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseGoFloat, parseGoInt } from './go-numbers.js';

describe('parseGoFloat', () => {
  // Each accepted or refused as Prometheus's `time` parameter showed (it reads floats with strconv.ParseFloat).
  const accepted: [string, number][] = [
    ['1.5', 1.5],
    ['+1.5e3', 1500],
    ['.5', 0.5],
    ['5.', 5],
    ['017', 17],
    ['1_000', 1000],
    ['0x1p4', 16],
    ['0x1.8p1', 3],
    ['0X_1p-2', 0.25],
    ['-0', -0],
    ['1e-400', 0],
    ['inf', Infinity],
    ['+Inf', Infinity],
    ['-infinity', -Infinity],
  ];
  for (const [text, value] of accepted) {
    it(`reads ${text} as ${value}`, () => assert.equal(parseGoFloat(text), value));
  }
  it('reads NaN in any case', () => {
    assert.ok(Number.isNaN(parseGoFloat('NaN')));
    assert.ok(Number.isNaN(parseGoFloat('nan')));
  });

  for (const text of [
    '',
    ' 1',
    '1 ',
    'abc',
    '0x10',
    '0b101',
    '0o17',
    '1__0',
    '_1',
    '1_',
    '1e',
    '.',
    '+nan',
    'infin',
    '1e400',
    '0x',
    '--1',
  ]) {
    it(`refuses ${JSON.stringify(text)}`, () => assert.equal(parseGoFloat(text), null));
  }
});

describe('parseGoInt', () => {
  it('reads decimal integers with a sign', () => {
    assert.equal(parseGoInt('10'), 10);
    assert.equal(parseGoInt('+5'), 5);
    assert.equal(parseGoInt('-0'), 0);
    assert.equal(parseGoInt('007'), 7);
    // The largest int64, as the nearest double.
    assert.equal(parseGoInt('9223372036854775807'), 2 ** 63);
  });

  it("gives Go's error for anything else", () => {
    assert.deepEqual(parseGoInt('x'), { error: 'strconv.Atoi: parsing "x": invalid syntax' });
    assert.deepEqual(parseGoInt('1.5'), { error: 'strconv.Atoi: parsing "1.5": invalid syntax' });
    assert.deepEqual(parseGoInt('1_0'), { error: 'strconv.Atoi: parsing "1_0": invalid syntax' });
    assert.deepEqual(parseGoInt('-'), { error: 'strconv.Atoi: parsing "-": invalid syntax' });
    assert.deepEqual(parseGoInt('9223372036854775808'), {
      error: 'strconv.Atoi: parsing "9223372036854775808": value out of range',
    });
    assert.deepEqual(parseGoInt('-9223372036854775809'), {
      error: 'strconv.Atoi: parsing "-9223372036854775809": value out of range',
    });
  });
});
