import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatFloat, formatScalarTimestamp, formatScalarValue, formatTimestamp } from './format.js';

// Expected texts are Prometheus's, as its API answered them (Prometheus 2.42 here, whose float and timestamp writers
// are those of 3.x) or as its json_codec tests state them.
describe('formatFloat (vector, matrix and histogram values)', () => {
  const cases: [number, string][] = [
    [0, '0'],
    [-0, '-0'],
    [1, '1'],
    [-1.5, '-1.5'],
    [1.5, '1.5'],
    [0.1, '0.1'],
    [100000, '100000'],
    [1234567.8, '1234567.8'],
    [1e-6, '0.000001'],
    [0.0000012345678, '0.0000012345678'],
    [1e-7, '1e-07'],
    [-1e-7, '-1e-07'],
    [1.2345678e-67, '1.2345678e-67'],
    // The double nearest 123456789012345678901234, which Prometheus answered for that literal.
    [1.2345678901234569e23, '1.2345678901234569e+23'],
    [1e20, '100000000000000000000'],
    [1e21, '1e+21'],
    [1.5e300, '1.5e+300'],
    [5e-324, '5e-324'],
    [Number.MAX_VALUE, '1.7976931348623157e+308'],
    [NaN, 'NaN'],
    [Infinity, '+Inf'],
    [-Infinity, '-Inf'],
  ];
  for (const [value, text] of cases) {
    it(`writes ${String(value)} as ${text}`, () => assert.equal(formatFloat(value), text));
  }
});

describe('formatScalarValue (scalar results, never in exponent form)', () => {
  const cases: [number, string][] = [
    [1e-7, '0.0000001'],
    [1e21, '1000000000000000000000'],
    [1e20, '100000000000000000000'],
    [1.2345678901234569e23, '123456789012345690000000'],
    [-0, '-0'],
    [NaN, 'NaN'],
    [Infinity, '+Inf'],
    [-Infinity, '-Inf'],
  ];
  for (const [value, text] of cases) {
    it(`writes ${String(value)} as ${text}`, () => assert.equal(formatScalarValue(value), text));
  }
  it('writes the smallest denormal in full', () => {
    assert.equal(formatScalarValue(5e-324), `0.${'0'.repeat(323)}5`);
  });
});

describe('formatTimestamp (sample timestamps)', () => {
  const cases: [number, string][] = [
    [0, '0'],
    [1000, '1'],
    [1500, '1.500'],
    [-1500, '-1.500'],
    [1, '0.001'],
    [-1, '-0.001'],
    [10, '0.010'],
    [100, '0.100'],
    [1001, '1.001'],
    [1010, '1.010'],
    [1100, '1.100'],
    [1000050, '1000.050'],
    [1435781451781, '1435781451.781'],
    [1234567812345655, '1234567812345.655'],
  ];
  for (const [ms, text] of cases) {
    it(`writes ${ms} ms as ${text}`, () => assert.equal(formatTimestamp(ms), text));
  }
});

describe('formatScalarTimestamp (scalar and string results)', () => {
  const cases: [number, string][] = [
    [0, '0'],
    [-0, '0'],
    [1000, '1'],
    [1500, '1.5'],
    [-1500, '-1.5'],
    [1, '0.001'],
    [1435781451781, '1435781451.781'],
  ];
  for (const [ms, text] of cases) {
    it(`writes ${ms} ms as ${text}`, () => assert.equal(formatScalarTimestamp(ms), text));
  }
});
