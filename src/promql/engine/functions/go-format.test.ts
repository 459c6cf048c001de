import assert from 'node:assert/strict';
import { it } from 'node:test';
import { formatGoFixed } from './go-format.js';

it("formats as Go's %f", () => {
  assert.equal(formatGoFixed(1), '1.000000');
  assert.equal(formatGoFixed(-0.25), '-0.250000');
  assert.equal(formatGoFixed(-0), '-0.000000');
  assert.equal(formatGoFixed(Number.NaN), 'NaN');
  assert.equal(formatGoFixed(Infinity), '+Inf');
  assert.equal(formatGoFixed(-Infinity), '-Inf');
  assert.equal(formatGoFixed(1e21), '1000000000000000000000.000000');
  assert.equal(formatGoFixed(2 / 3), '0.666667');
  // Exact ties round to even: 0.0078125 = 2⁻⁷, 0.0234375 = 3 × 2⁻⁷.
  assert.equal(formatGoFixed(0.0078125), '0.007812');
  assert.equal(formatGoFixed(0.0234375), '0.023438');
});
