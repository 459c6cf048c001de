import type { MapFunction } from '../core/types.js';
import { calendarFields, type CalendarFields } from './date.js';

/**
 * PromQL's element-wise functions of an instant vector, by name. Scalar arguments come in `args` in call order after
 * the vector (`clamp(v, min, max)` gets `[min, max]`); undefined drops the sample. Where Go's math package computes
 * a function differently from JavaScript's (log2, log10), Go's formula is used so that results match to the last bit.
 */
export const MAP_FUNCTIONS: ReadonlyMap<string, MapFunction> = new Map<string, MapFunction>([
  ['abs', Math.abs],
  ['ceil', Math.ceil],
  ['floor', Math.floor],
  ['exp', Math.exp],
  ['sqrt', Math.sqrt],
  ['ln', Math.log],
  ['log2', log2],
  ['log10', (v) => Math.log(v) * (1 / Math.LN10)],
  ['sgn', (v) => (v < 0 ? -1 : v > 0 ? 1 : v)],
  ['round', (v, args) => round(v, args[0] ?? 1)],
  ['clamp', (v, args) => clamp(v, args[0] ?? Number.NaN, args[1] ?? Number.NaN)],
  ['clamp_min', (v, args) => clamp(v, args[0] ?? Number.NaN, Infinity)],
  ['clamp_max', (v, args) => clamp(v, -Infinity, args[0] ?? Number.NaN)],
  ['sin', Math.sin],
  ['cos', Math.cos],
  ['tan', Math.tan],
  ['asin', Math.asin],
  ['acos', Math.acos],
  ['atan', Math.atan],
  ['sinh', Math.sinh],
  ['cosh', Math.cosh],
  ['tanh', Math.tanh],
  ['asinh', Math.asinh],
  ['acosh', Math.acosh],
  ['atanh', Math.atanh],
  ['deg', (v) => (v * 180) / Math.PI],
  ['rad', (v) => (v * Math.PI) / 180],
  ['minute', date((f) => f.minute)],
  ['hour', date((f) => f.hour)],
  ['day_of_week', date((f) => f.dayOfWeek)],
  ['day_of_month', date((f) => f.dayOfMonth)],
  ['day_of_year', date((f) => f.dayOfYear)],
  ['days_in_month', date((f) => f.daysInMonth)],
  ['month', date((f) => f.month)],
  ['year', date((f) => f.year)],
]);

/**
 * Rounds to the nearest multiple of `toNearest`, ties upwards (-2.5 → -2), dividing by the inverse as Prometheus
 * does, which keeps `round(x, 0.1)` free of artefacts like 0.30000000000000004.
 */
function round(value: number, toNearest: number): number {
  const inverse = 1 / toNearest;
  return Math.floor(value * inverse + 0.5) / inverse;
}

/** Clamps into [min, max]; an empty interval (min > max) drops the sample, a NaN bound makes the result NaN. */
function clamp(value: number, min: number, max: number): number | undefined {
  if (max < min) return undefined;
  return Math.max(min, Math.min(max, value));
}

/** Go's log2: exact for powers of two, otherwise ln of the mantissa scaled, plus the exponent. */
function log2(value: number): number {
  if (!(value > 0) || value === Infinity) return Math.log2(value);
  const { mantissa, exponent } = frexp(value);
  if (mantissa === 0.5) return exponent - 1;
  return Math.log(mantissa) * (1 / Math.LN2) + exponent;
}

/** `value = mantissa × 2^exponent` with the mantissa in [0.5, 1), for positive finite values (subnormals included). */
function frexp(value: number): { mantissa: number; exponent: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  let biased = (view.getUint16(0) >> 4) & 0x7ff;
  let shift = 0;
  if (biased === 0) {
    // Subnormal: scale into the normal range first.
    view.setFloat64(0, value * 2 ** 64);
    biased = (view.getUint16(0) >> 4) & 0x7ff;
    shift = 64;
  }
  const exponent = biased - 1022 - shift;
  view.setUint16(0, (view.getUint16(0) & 0x800f) | (1022 << 4));
  return { mantissa: view.getFloat64(0), exponent };
}

function date(field: (fields: CalendarFields) => number): MapFunction {
  return (value) => field(calendarFields(value));
}
