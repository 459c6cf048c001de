import { quoteString } from '../../promql/literals.js';

/**
 * The number syntax of Go's `strconv`, which Prometheus's API uses to read `time`, `step`, `timeout` and `limit`:
 * a request that Prometheus reads as a number must read as the same number here, and one it rejects must be rejected.
 */

const DECIMAL = /^[+-]?(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d[\d_]*)?$/;
const HEX = /^([+-]?)0[xX](_?[\da-fA-F_]*(?:\.[\da-fA-F_]*)?)[pP]([+-]?\d[\d_]*)$/;
const SPECIAL = /^(?:[+-]?(?:inf|infinity)|nan)$/i;

/** Go's rule for `_` in a number: only between digits, or between a base prefix and a digit. */
function underscoresOk(text: string): boolean {
  let s = text.replace(/^[+-]/, '');
  let hex = false;
  let saw = '^';
  if (/^0[xXbBoO]/.test(s)) {
    hex = s[1] === 'x' || s[1] === 'X';
    s = s.slice(2);
    saw = '0';
  }
  for (const ch of s) {
    if ((ch >= '0' && ch <= '9') || (hex && /[a-fA-F]/.test(ch))) saw = '0';
    else if (ch === '_') {
      if (saw !== '0') return false;
      saw = '_';
    } else {
      if (saw === '_') return false;
      saw = '!';
    }
  }
  return saw !== '_';
}

function parseHexFloat(sign: string, mantissa: string, exponent: string): number {
  const [whole = '', fraction = ''] = mantissa.replaceAll('_', '').split('.');
  if (whole === '' && fraction === '') return NaN;
  const digits = BigInt(`0x${whole}${fraction}`);
  const power = Number(exponent.replaceAll('_', '')) - 4 * fraction.length;
  // Scaling in two steps keeps an intermediate power of two from overflowing when the result does not.
  const value = Number(digits) * 2 ** Math.trunc(power / 2) * 2 ** (power - Math.trunc(power / 2));
  return sign === '-' ? -value : value;
}

/**
 * The value of `text` as Go's `strconv.ParseFloat(text, 64)` reads it: decimal or hexadecimal (`0x1p-2`, which needs
 * its `p` exponent) floats, `_` between digits, `inf`, `infinity` and `nan` in any case. Null when Go reports an
 * error, including a value too large for a float64 (Go's "value out of range").
 */
export function parseGoFloat(text: string): number | null {
  if (SPECIAL.test(text)) {
    const lower = text.toLowerCase();
    if (lower === 'nan') return NaN;
    return lower.startsWith('-') ? -Infinity : Infinity;
  }
  let value: number;
  const hex = HEX.exec(text);
  if (hex) value = parseHexFloat(hex[1] ?? '', hex[2] ?? '', hex[3] ?? '0');
  else if (DECIMAL.test(text)) value = Number(text.replaceAll('_', ''));
  else return null;
  if (text.includes('_') && !underscoresOk(text)) return null;
  return Number.isFinite(value) ? value : null;
}

const INT64_MAX = 2n ** 63n - 1n;

/**
 * Go's `strconv.Atoi`: an optional sign and decimal digits, within int64. Returns the value, or the error text Go
 * gives (`strconv.Atoi: parsing "x": invalid syntax`), which Prometheus passes on in its messages.
 */
export function parseGoInt(text: string): number | { error: string } {
  if (!/^[+-]?\d+$/.test(text)) return { error: `strconv.Atoi: parsing ${quoteString(text)}: invalid syntax` };
  const value = BigInt(text);
  if (value > INT64_MAX || value < -INT64_MAX - 1n) {
    return { error: `strconv.Atoi: parsing ${quoteString(text)}: value out of range` };
  }
  return Number(value);
}
