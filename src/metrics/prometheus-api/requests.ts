import type { LabelMatcher } from '../../promql/index.js';
import { MAX_TIME_MS, MIN_TIME_MS } from './go-time.js';
import {
  formValue,
  formValues,
  parseDuration,
  parseLabelNameParam,
  parseLimit,
  parseLookbackDelta,
  parseMatchers,
  parseMetadataLimit,
  parseRangeParams,
  parseTime,
  type FormValues,
} from './params.js';

/**
 * Each endpoint's parameters, read and checked in the order Prometheus checks them, so that a request with several
 * bad parameters gets the same error as from Prometheus. The query text itself is not parsed here: the engine does
 * that, and `fromQueryError(error, 'query')` words its failure.
 */

/** The optional `timeout` of the query endpoints, in ms. */
function parseTimeout(form: FormValues): number | undefined {
  const value = formValue(form, 'timeout');
  return value === undefined || value === '' ? undefined : parseDuration(value, 'timeout');
}

export interface InstantQueryRequest {
  readonly query: string;
  readonly time: number;
  /** 0 for none. */
  readonly limit: number;
  readonly timeout: number | undefined;
  readonly lookbackDelta: number | undefined;
}

/** `/api/v1/query`: `limit`, `time` (default `now`, ms), `timeout`, `lookback_delta`. */
export function parseInstantQueryRequest(form: FormValues, now: number): InstantQueryRequest {
  const limit = parseLimit(formValue(form, 'limit'));
  const time = parseTime(formValue(form, 'time'), 'time', now);
  const timeout = parseTimeout(form);
  const lookbackDelta = parseLookbackDelta(formValue(form, 'lookback_delta'));
  return { query: formValue(form, 'query') ?? '', time, limit, timeout, lookbackDelta };
}

export interface RangeQueryRequest {
  readonly query: string;
  readonly start: number;
  readonly end: number;
  readonly step: number;
  readonly limit: number;
  readonly timeout: number | undefined;
  readonly lookbackDelta: number | undefined;
}

/** `/api/v1/query_range`: `limit`, then `start`, `end`, `step` (see parseRangeParams), `timeout`, `lookback_delta`. */
export function parseRangeQueryRequest(form: FormValues): RangeQueryRequest {
  const limit = parseLimit(formValue(form, 'limit'));
  const { start, end, step } = parseRangeParams(form);
  const timeout = parseTimeout(form);
  const lookbackDelta = parseLookbackDelta(formValue(form, 'lookback_delta'));
  return { query: formValue(form, 'query') ?? '', start, end, step, limit, timeout, lookbackDelta };
}

export interface SeriesRequest {
  readonly matchers: readonly LabelMatcher[][];
  readonly start: number;
  readonly end: number;
  readonly limit: number;
}

/** The optional `start`/`end` of the series and label endpoints: Prometheus's MinTime and MaxTime when absent. */
function parseOptionalRange(form: FormValues): { start: number; end: number } {
  const start = parseTime(formValue(form, 'start'), 'start', MIN_TIME_MS);
  const end = parseTime(formValue(form, 'end'), 'end', MAX_TIME_MS);
  return { start, end };
}

/** `/api/v1/series`: at least one `match[]` (checked first), `limit`, `start`, `end`, then the selectors. */
export function parseSeriesRequest(form: FormValues): SeriesRequest {
  const values = formValues(form, 'match[]');
  if (values.length === 0) parseMatchers(values, 'series');
  const limit = parseLimit(formValue(form, 'limit'));
  const { start, end } = parseOptionalRange(form);
  return { matchers: parseMatchers(values, 'series'), start, end, limit };
}

/** `/api/v1/labels`: `limit`, `start`, `end`, then the optional `match[]` selectors. */
export function parseLabelsRequest(form: FormValues): SeriesRequest {
  const limit = parseLimit(formValue(form, 'limit'));
  const { start, end } = parseOptionalRange(form);
  return { matchers: parseMatchers(formValues(form, 'match[]'), 'labels'), start, end, limit };
}

export interface LabelValuesRequest extends SeriesRequest {
  readonly name: string;
}

/** `/api/v1/label/<name>/values`: the name from the path (checked first), then as for `/labels`. */
export function parseLabelValuesRequest(rawName: string, form: FormValues): LabelValuesRequest {
  const name = parseLabelNameParam(rawName);
  return { name, ...parseLabelsRequest(form) };
}

export interface MetadataRequest {
  /** -1 for none, as Prometheus defaults them. */
  readonly limit: number;
  readonly limitPerMetric: number;
  /** '' for every metric. */
  readonly metric: string;
}

/** `/api/v1/metadata`: `limit`, `limit_per_metric`, `metric`. */
export function parseMetadataRequest(form: FormValues): MetadataRequest {
  const limit = parseMetadataLimit(formValue(form, 'limit'), 'limit');
  const limitPerMetric = parseMetadataLimit(formValue(form, 'limit_per_metric'), 'limit_per_metric');
  return { limit, limitPerMetric, metric: formValue(form, 'metric') ?? '' };
}
