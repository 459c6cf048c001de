/**
 * Go's time syntax as Prometheus's API reads it: RFC 3339 timestamps (`time.Parse(time.RFC3339Nano, …)`) and
 * Prometheus durations (`model.ParseDuration`, `1h30m`), with the same acceptance and the same rounding.
 */

/**
 * Prometheus's `MinTime` and `MaxTime` (the defaults of optional `start`/`end`), in ms. Their exact values are beyond
 * 2^53; these are the nearest doubles, which order every real timestamp the same way.
 */
export const MIN_TIME_MS = -9223309901257974 * 1000;
export const MAX_TIME_MS = 9223309901257974 * 1000 + 999;

/** The text of MinTime and MaxTime, which Go's parser cannot read back (years beyond 9999) and so are matched whole. */
export const MIN_TIME_TEXT = '-292273086-05-16T16:47:06Z';
export const MAX_TIME_TEXT = '292277025-08-18T07:12:54.999999999Z';

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(?:Z|([+-])(\d{2}):(\d{2}))$/;

function daysIn(month: number, year: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * Milliseconds since the epoch of an RFC 3339 timestamp (`2015-07-01T20:10:51.781Z`, `…+02:00`), or null when Go would
 * not read it. As Prometheus converts a time to ms, digits after the millisecond are dropped (rounding down).
 */
export function parseRfc3339(text: string): number | null {
  const m = RFC3339.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > daysIn(month, year)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  let offsetMinutes = 0;
  if (m[8] !== undefined) {
    const offsetHours = Number(m[9]);
    const offsetMins = Number(m[10]);
    // Go's RFC 3339 fast path takes 00–23 hours, its general parser (which it falls back to) also 24.
    if (offsetHours > 24 || offsetMins > 59) return null;
    offsetMinutes = (m[8] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, Number((m[7] ?? '').slice(0, 3).padEnd(3, '0')));
  return date.getTime() - offsetMinutes * 60_000;
}

const NS_PER_UNIT: Readonly<Record<string, bigint>> = {
  y: 365n * 24n * 3600n * 1_000_000_000n,
  w: 7n * 24n * 3600n * 1_000_000_000n,
  d: 24n * 3600n * 1_000_000_000n,
  h: 3600n * 1_000_000_000n,
  m: 60n * 1_000_000_000n,
  s: 1_000_000_000n,
  ms: 1_000_000n,
};
const UNIT_ORDER = ['y', 'w', 'd', 'h', 'm', 's', 'ms'];
const INT64_MAX = 2n ** 63n - 1n;

/**
 * Nanoseconds of a Prometheus duration (`1h30m`, `90s`, `0`): unsigned parts with units from the largest down, each
 * unit at most once, the total within Go's int64 nanoseconds. Null when `model.ParseDuration` would fail.
 */
export function parsePrometheusDuration(text: string): bigint | null {
  if (text === '0') return 0n;
  if (text === '') return null;
  let rest = text;
  let total = 0n;
  let lastUnit = -1;
  while (rest !== '') {
    const part = /^(\d+)([^\d]*)/.exec(rest);
    if (!part || part[2] === '') return null;
    const unitIndex = UNIT_ORDER.indexOf(part[2] as string);
    if (unitIndex < 0 || unitIndex <= lastUnit) return null;
    lastUnit = unitIndex;
    const count = BigInt(part[1] as string);
    const mult = NS_PER_UNIT[part[2] as string] as bigint;
    if (count > 2n ** 63n / mult) return null;
    total += count * mult;
    if (total > INT64_MAX) return null;
    rest = rest.slice(part[0].length);
  }
  return total;
}
