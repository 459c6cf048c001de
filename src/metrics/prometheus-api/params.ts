import type { LabelMatcher } from '../../promql/index.js';
import { compileLabelRegex, isPromQLError } from '../../promql/index.js';
import { isValidUtf8, quoteString } from '../../promql/literals.js';
import { invalidParameter, PrometheusApiError } from './errors.js';
import { parseGoFloat, parseGoInt } from './go-numbers.js';
import {
  MAX_TIME_MS,
  MAX_TIME_TEXT,
  MIN_TIME_MS,
  MIN_TIME_TEXT,
  parsePrometheusDuration,
  parseRfc3339,
} from './go-time.js';
import { parseMetricSelector } from './metric-selector.js';

/**
 * The parameters of one request, GET query and POST form merged (form values first, as Go's `r.Form` has them). A
 * repeated parameter is an array; single-valued parameters use its first value, as Go's `FormValue` does.
 */
export type FormValues = Readonly<Record<string, string | readonly string[] | undefined>>;

/** The first value of a parameter, or undefined when it is absent. */
export function formValue(form: FormValues, name: string): string | undefined {
  const value = form[name];
  return typeof value === 'string' ? value : value?.[0];
}

/** Every value of a repeated parameter (`match[]`). */
export function formValues(form: FormValues, name: string): readonly string[] {
  const value = form[name];
  if (value === undefined) return [];
  return typeof value === 'string' ? [value] : value;
}

const NS_PER_MS = 1_000_000n;
const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

/** Go's `math.Round`: halves away from zero (JavaScript's `Math.round` takes -0.5 up to -0). */
function roundHalfAway(value: number): number {
  return Math.sign(value) * Math.round(Math.abs(value));
}

/** Go's int64 seconds hold times up to here; beyond it Prometheus's conversions overflow into meaningless times. */
const MAX_SECONDS = 2 ** 63 / 1000;

/**
 * A time as Prometheus's `parseTime` reads it, in ms: float seconds first (rounded to the millisecond with Go's float
 * steps, so `1435781451.7815` is …782), then RFC 3339, then the texts of MinTime and MaxTime. Null when unreadable.
 * `NaN`, `±Inf` and seconds beyond int64, which Go reads as floats and turns into a meaningless time, are refused.
 */
function readTime(text: string): number | null {
  const seconds = parseGoFloat(text);
  if (seconds !== null) {
    if (!(Math.abs(seconds) < MAX_SECONDS)) return null;
    let whole = Math.trunc(seconds);
    let nanos = Math.trunc((roundHalfAway((seconds - whole) * 1000) / 1000) * 1e9);
    if (nanos < 0) {
      whole -= 1;
      nanos += 1e9;
    } else if (nanos >= 1e9) {
      whole += 1;
      nanos -= 1e9;
    }
    return whole * 1000 + Math.floor(nanos / 1e6);
  }
  const parsed = parseRfc3339(text);
  if (parsed !== null) return parsed;
  if (text === MIN_TIME_TEXT) return MIN_TIME_MS;
  if (text === MAX_TIME_TEXT) return MAX_TIME_MS;
  return null;
}

function unreadableTime(text: string): string {
  return `cannot parse ${quoteString(text)} to a valid timestamp`;
}

/**
 * An optional time parameter (`time`, and `start`/`end` of the series and label endpoints), in ms: `fallback` when
 * it is absent or empty, else float seconds or RFC 3339. Throws `bad_data` worded as Prometheus 3 words it:
 * `invalid parameter "time": invalid time value for 'time': cannot parse "x" to a valid timestamp`.
 */
export function parseTime(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const ms = readTime(value);
  if (ms === null) throw invalidParameter(name, `invalid time value for '${name}': ${unreadableTime(value)}`);
  return ms;
}

/** Nanoseconds of a duration parameter as Prometheus's `parseDuration` reads it, or the reason it cannot. */
function readDuration(text: string): bigint | string {
  const seconds = parseGoFloat(text);
  if (seconds !== null) {
    const ns = seconds * 1e9;
    if (ns > 2 ** 63 || ns < -(2 ** 63)) {
      return `cannot parse ${quoteString(text)} to a valid duration. It overflows int64`;
    }
    // Go turns NaN and 2^63 itself into the lowest int64 (amd64), so they read as negative.
    if (Number.isNaN(ns) || ns === 2 ** 63) return INT64_MIN;
    return BigInt(Math.trunc(ns));
  }
  const ns = parsePrometheusDuration(text);
  return ns ?? `cannot parse ${quoteString(text)} to a valid duration`;
}

/**
 * A duration parameter (`timeout`, `step`…) in ms: float seconds or a Prometheus duration (`1h30m`). Go keeps
 * nanoseconds, so a fraction of a millisecond can remain. Throws `bad_data`:
 * `invalid parameter "timeout": cannot parse "x" to a valid duration`.
 */
export function parseDuration(value: string, name: string): number {
  const ns = readDuration(value);
  if (typeof ns === 'string') throw invalidParameter(name, ns);
  return Number(ns) / 1e6;
}

/**
 * `lookback_delta` of the query endpoints, in ms, or undefined when absent. Its error, unlike the others, names no
 * parameter: `error parsing lookback delta duration: cannot parse "x" to a valid duration`.
 */
export function parseLookbackDelta(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const ns = readDuration(value);
  if (typeof ns === 'string') throw new PrometheusApiError('bad_data', `error parsing lookback delta duration: ${ns}`);
  return Number(ns) / 1e6;
}

/** Prometheus's cap on the points of one series in a range query (`(end - start) / step`, rounded down). */
const MAX_POINTS = 11_000n;

/**
 * `start`, `end` and `step` of `query_range`, checked in Prometheus's order: start, end, end before start, step,
 * step not positive, more than 11,000 points. Both times are required (no default, as in Prometheus). `step` is in
 * whole ms as the engine steps (Go truncates to the millisecond), at least 1.
 */
export function parseRangeParams(form: FormValues): { start: number; end: number; step: number } {
  const start = readTime(formValue(form, 'start') ?? '');
  if (start === null) throw invalidParameter('start', unreadableTime(formValue(form, 'start') ?? ''));
  const end = readTime(formValue(form, 'end') ?? '');
  if (end === null) throw invalidParameter('end', unreadableTime(formValue(form, 'end') ?? ''));
  if (end < start) throw invalidParameter('end', 'end timestamp must not be before start time');
  const step = readDuration(formValue(form, 'step') ?? '');
  if (typeof step === 'string') throw invalidParameter('step', step);
  if (step <= 0n) {
    throw invalidParameter(
      'step',
      'zero or negative query resolution step widths are not accepted. Try a positive integer',
    );
  }
  let span = (BigInt(end) - BigInt(start)) * NS_PER_MS;
  if (span > INT64_MAX) span = INT64_MAX;
  if (span / step > MAX_POINTS) {
    throw new PrometheusApiError(
      'bad_data',
      'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)',
    );
  }
  return { start, end, step: Math.max(1, Number(step / NS_PER_MS)) };
}

/**
 * `limit` of the query, series and label endpoints: 0 (no limit) when absent, else a non-negative integer. Throws
 * `bad_data`: `invalid parameter "limit": strconv.Atoi: parsing "x": invalid syntax`, `… limit must be non-negative`.
 */
export function parseLimit(value: string | undefined): number {
  if (value === undefined || value === '') return 0;
  const limit = parseGoInt(value);
  if (typeof limit !== 'number') throw invalidParameter('limit', limit.error);
  if (limit < 0) throw invalidParameter('limit', 'limit must be non-negative');
  return limit;
}

/**
 * `limit` and `limit_per_metric` of `/metadata`, which Prometheus reads apart: any integer (negative means none, the
 * default -1), and the error names the parameter alone: `limit must be a number`.
 */
export function parseMetadataLimit(value: string | undefined, name: 'limit' | 'limit_per_metric'): number {
  if (value === undefined || value === '') return -1;
  const limit = parseGoInt(value);
  if (typeof limit !== 'number') throw new PrometheusApiError('bad_data', `${name} must be a number`);
  return limit;
}

/** Whether a matcher selects series that lack its label (it matches the empty string). */
function matchesEmpty(matcher: LabelMatcher): boolean {
  switch (matcher.type) {
    case '=':
      return matcher.value === '';
    case '!=':
      return matcher.value !== '';
    case '=~':
      return compileLabelRegex(matcher.value).test('');
    case '!~':
      return !compileLabelRegex(matcher.value).test('');
  }
}

/**
 * The `match[]` selectors of the series and label endpoints, one matcher list each, read as Prometheus reads them
 * (see parseMetricSelector); each must have a matcher that does not match the empty string, so that no selector
 * reads every series. `/series` wraps the errors as a parameter error (`invalid parameter "match[]": 1:3: parse
 * error: unexpected "["`) and requires at least one selector (`no match[] parameter provided`); `/labels` and
 * `/label/…/values` answer with the bare message and take none as "all series".
 */
export function parseMatchers(values: readonly string[], endpoint: 'series' | 'labels'): LabelMatcher[][] {
  const fail = (message: string): PrometheusApiError =>
    endpoint === 'series' ? invalidParameter('match[]', message) : new PrometheusApiError('bad_data', message);
  if (endpoint === 'series' && values.length === 0) {
    throw new PrometheusApiError('bad_data', 'no match[] parameter provided');
  }
  const sets = values.map((value) => {
    try {
      return parseMetricSelector(value);
    } catch (error) {
      if (isPromQLError(error)) throw fail(error.message);
      throw error;
    }
  });
  for (const set of sets) {
    if (!set.some((matcher) => !matchesEmpty(matcher))) {
      throw fail('match[] must contain at least one non-empty matcher');
    }
  }
  return sets;
}

/** Prometheus's `model.UnescapeName` for the `U__` value encoding; the name itself when it is not a valid encoding. */
function unescapeName(name: string): string {
  const escaped = name.slice(3);
  let out = '';
  for (let i = 0; i < escaped.length; i++) {
    if (escaped[i] !== '_') {
      out += escaped[i];
      continue;
    }
    i++;
    if (i >= escaped.length) return name;
    if (escaped[i] === '_') {
      out += '_';
      continue;
    }
    let code = 0;
    for (let digits = 0; ; digits++) {
      // More than five hex digits never make a code point up to U+10FFFF; a missing closing `_` is invalid too.
      if (i >= escaped.length || digits >= 6) return name;
      if (escaped[i] === '_') break;
      const digit = Number.parseInt(escaped[i] as string, 16);
      if (Number.isNaN(digit)) return name;
      code = code * 16 + digit;
      i++;
    }
    if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return name;
    out += String.fromCodePoint(code);
  }
  return out;
}

/**
 * The label name in `/label/<name>/values`, already URL-decoded: a `U__`-escaped name (Prometheus 3's encoding of
 * UTF-8 names for URLs, `U__http_2e_method` for `http.method`) is unescaped; any non-empty UTF-8 name is valid, as in
 * Prometheus 3. Throws `bad_data`: `invalid label name: ""`.
 */
export function parseLabelNameParam(raw: string): string {
  const name = raw.startsWith('U__') ? unescapeName(raw) : raw;
  if (name === '' || !isValidUtf8(name)) {
    throw new PrometheusApiError('bad_data', `invalid label name: ${quoteString(name)}`);
  }
  return name;
}
