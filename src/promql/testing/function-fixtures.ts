import assert from 'node:assert/strict';
import { parseDuration } from '../literals.js';
import type { Window } from '../engine/core/types.js';

/**
 * Helpers for the function tests, so that a case reads like the upstream script line it comes from: a series in the
 * scripts' `load` notation, a window at an evaluation time, and the scripts' comparison of sample values.
 */

export interface Samples {
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
}

/** Milliseconds of a PromQL duration such as `5m` or `10s53ms`. */
export function ms(duration: string): number {
  const value = parseDuration(duration);
  if (value === null) throw new Error(`bad duration ${duration}`);
  return value;
}

/**
 * A float series in `load` notation, one sample per `interval` from time 0: numbers, `NaN`, `Inf`, `_` (no sample),
 * `a+bxn` / `a-bxn` (n+1 samples from a in steps of b, added up as upstream does) and `axn` (a, n+1 times).
 */
export function load(interval: string, notation: string): Samples {
  const step = ms(interval);
  const timestamps: number[] = [];
  const values: number[] = [];
  let slot = 0;
  const push = (value: number): void => {
    timestamps.push(slot * step);
    values.push(value);
    slot++;
  };
  for (const token of notation.trim().split(/\s+/)) {
    if (token === '_') {
      slot++;
      continue;
    }
    const run = /^(.+?)(?:([+-])(.+?))?x(\d+)$/.exec(token);
    if (!run) {
      push(parseValue(token));
      continue;
    }
    const [, start = '', sign, increment = '0', times = '0'] = run;
    let value = parseValue(start);
    const delta = (sign === '-' ? -1 : 1) * parseValue(increment);
    for (let i = 0; i <= Number(times); i++) {
      push(value);
      value += delta;
    }
  }
  return { timestamps: Float64Array.from(timestamps), values: Float64Array.from(values) };
}

function parseValue(text: string): number {
  const lower = text.toLowerCase();
  if (lower === 'nan') return Number.NaN;
  if (lower === 'inf' || lower === '+inf') return Infinity;
  if (lower === '-inf') return -Infinity;
  const value = Number(text);
  if (Number.isNaN(value)) throw new Error(`bad sample value ${text}`);
  return value;
}

/** The window `rate(x[range] offset o)` sees when evaluated at `at`: the samples in (at−o−range, at−o]. */
export function windowAt(samples: Samples, at: string | number, range: string, offset = '0s'): Window {
  const stepTime = typeof at === 'number' ? at : ms(at);
  const end = stepTime - ms(offset);
  const start = end - ms(range);
  let from = 0;
  while (from < samples.timestamps.length && (samples.timestamps[from] as number) <= start) from++;
  let to = from;
  while (to < samples.timestamps.length && (samples.timestamps[to] as number) <= end) to++;
  return { timestamps: samples.timestamps, values: samples.values, from, to, start, end, stepTime };
}

/**
 * Compares a sample value as upstream's test scripts do (`almost.Equal` with a relative tolerance of 1e-6, NaN equal
 * to NaN), since the scripts' expected values are written with fewer digits than a float carries.
 */
export function assertSample(actual: number | undefined, expected: number): void {
  assert.notEqual(actual, undefined, `expected ${expected}, got no sample`);
  const a = actual as number;
  if (Number.isNaN(expected) || Number.isNaN(a)) {
    assert.ok(Number.isNaN(expected) && Number.isNaN(a), `expected ${expected}, got ${a}`);
    return;
  }
  if (a === expected) return;
  const minNormal = 2 ** -1022;
  const absSum = Math.abs(a) + Math.abs(expected);
  const diff = Math.abs(a - expected);
  const close =
    a === 0 || expected === 0 || absSum < minNormal
      ? diff < 1e-6 * minNormal
      : diff / Math.min(absSum, Number.MAX_VALUE) < 1e-6;
  assert.ok(close, `expected ${expected}, got ${a}`);
}
