import { formatNumber } from '../../promql/literals.js';
import { jsonNumber } from './json.js';

/**
 * The text of a sample value in a vector, matrix or native histogram, without its quotes: Prometheus's `MarshalFloat`,
 * which is Go's shortest decimal (`0.1`, `100000`, `-0`), switching to exponent form below 1e-6 and from 1e21 on, with
 * a signed exponent of at least two digits (`1e-07`, `1e+21`), and `NaN`, `+Inf`, `-Inf`. JavaScript's own number text
 * switches at the same bounds and picks the same digits; only the exponent, the infinities and -0 are written apart.
 */
export function formatFloat(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const abs = Math.abs(value);
  if (abs >= 1e-6 && abs < 1e21) return String(value);
  return value.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
}

/**
 * The value of a scalar result, without its quotes: Prometheus writes scalars with Go's `FormatFloat(v, 'f', -1)`,
 * never in exponent form (`0.0000001`, `1000000000000000000000`), unlike vector and matrix values.
 */
export function formatScalarValue(value: number): string {
  return formatNumber(value);
}

/**
 * A sample's timestamp (ms) as the JSON number Prometheus writes in vectors, matrices and exemplars: whole seconds,
 * then, when there are milliseconds, a dot and always three digits (`1435781451.781`, `1.500`, `-0.001`, `1`). The
 * text is returned rather than a number because `1.500` has no JavaScript number that prints that way.
 */
export function formatTimestamp(ms: number): string {
  let t = Math.trunc(ms);
  let out = '';
  if (t < 0) {
    out = '-';
    t = -t;
  }
  const fraction = t % 1000;
  out += String((t - fraction) / 1000);
  return fraction === 0 ? out : `${out}.${String(fraction).padStart(3, '0')}`;
}

/**
 * The timestamp of a scalar or string result: Prometheus writes these as the float `t / 1000` (`1.5`, `0.001`), with
 * no trailing zeros, unlike the timestamps of samples ({@link formatTimestamp}).
 */
export function formatScalarTimestamp(ms: number): string {
  return jsonNumber(Math.trunc(ms) / 1000 + 0);
}
