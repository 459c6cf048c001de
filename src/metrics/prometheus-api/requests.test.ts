import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PrometheusApiError } from './errors.js';
import { MAX_TIME_MS, MIN_TIME_MS } from './go-time.js';
import type { FormValues } from './params.js';
import {
  parseInstantQueryRequest,
  parseLabelsRequest,
  parseLabelValuesRequest,
  parseMetadataRequest,
  parseRangeQueryRequest,
  parseSeriesRequest,
} from './requests.js';

const NOW = 1_700_000_000_000;

function message(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof PrometheusApiError, String(error));
    assert.equal(error.type, 'bad_data');
    return error.message;
  }
  return assert.fail('no error');
}

describe('parseInstantQueryRequest', () => {
  it('reads the query, its time (now by default) and options', () => {
    assert.deepEqual(parseInstantQueryRequest({ query: 'up' }, NOW), {
      query: 'up',
      time: NOW,
      limit: 0,
      timeout: undefined,
      lookbackDelta: undefined,
    });
    const form: FormValues = {
      query: ['up', 'ignored'],
      time: '1.5',
      limit: '3',
      timeout: '10s',
      lookback_delta: '1m',
    };
    assert.deepEqual(parseInstantQueryRequest(form, NOW), {
      query: 'up',
      time: 1500,
      limit: 3,
      timeout: 10_000,
      lookbackDelta: 60_000,
    });
    assert.equal(parseInstantQueryRequest({}, NOW).query, '');
  });

  it('checks limit, then time, then timeout, then lookback_delta', () => {
    const all: FormValues = { query: 'up', limit: 'x', time: 'x', timeout: 'x', lookback_delta: 'x' };
    assert.equal(
      message(() => parseInstantQueryRequest(all, NOW)),
      'invalid parameter "limit": strconv.Atoi: parsing "x": invalid syntax',
    );
    assert.equal(
      message(() => parseInstantQueryRequest({ ...all, limit: '1' }, NOW)),
      `invalid parameter "time": invalid time value for 'time': cannot parse "x" to a valid timestamp`,
    );
    assert.equal(
      message(() => parseInstantQueryRequest({ ...all, limit: '1', time: '1' }, NOW)),
      'invalid parameter "timeout": cannot parse "x" to a valid duration',
    );
    assert.equal(
      message(() => parseInstantQueryRequest({ ...all, limit: '1', time: '1', timeout: '1' }, NOW)),
      'error parsing lookback delta duration: cannot parse "x" to a valid duration',
    );
  });
});

describe('parseRangeQueryRequest', () => {
  it('reads the query, its window and options', () => {
    assert.deepEqual(parseRangeQueryRequest({ query: 'up', start: '0', end: '120', step: '60', timeout: '1m' }), {
      query: 'up',
      start: 0,
      end: 120_000,
      step: 60_000,
      limit: 0,
      timeout: 60_000,
      lookbackDelta: undefined,
    });
  });

  it('checks limit before the window, and the window before timeout and lookback_delta', () => {
    const all: FormValues = {
      query: 'up',
      limit: '-1',
      start: 'x',
      end: '1',
      step: '1',
      timeout: 'x',
      lookback_delta: 'x',
    };
    assert.equal(
      message(() => parseRangeQueryRequest(all)),
      'invalid parameter "limit": limit must be non-negative',
    );
    assert.equal(
      message(() => parseRangeQueryRequest({ ...all, limit: '1' })),
      'invalid parameter "start": cannot parse "x" to a valid timestamp',
    );
    assert.equal(
      message(() => parseRangeQueryRequest({ ...all, limit: '1', start: '0' })),
      'invalid parameter "timeout": cannot parse "x" to a valid duration',
    );
    assert.equal(
      message(() => parseRangeQueryRequest({ ...all, limit: '1', start: '0', timeout: '1' })),
      'error parsing lookback delta duration: cannot parse "x" to a valid duration',
    );
  });
});

describe('parseSeriesRequest', () => {
  it('reads the selectors and the optional window (MinTime to MaxTime)', () => {
    assert.deepEqual(parseSeriesRequest({ 'match[]': ['up', 'node_load1'] }), {
      matchers: [
        [{ type: '=', name: '__name__', value: 'up' }],
        [{ type: '=', name: '__name__', value: 'node_load1' }],
      ],
      start: MIN_TIME_MS,
      end: MAX_TIME_MS,
      limit: 0,
    });
    const windowed = parseSeriesRequest({ 'match[]': 'up', start: '10', end: '20', limit: '5' });
    assert.deepEqual([windowed.start, windowed.end, windowed.limit], [10_000, 20_000, 5]);
  });

  it('requires a selector before anything else, then checks limit, start, end and the selectors', () => {
    assert.equal(
      message(() => parseSeriesRequest({ limit: 'x' })),
      'no match[] parameter provided',
    );
    const all: FormValues = { 'match[]': '{}', limit: 'x', start: 'x', end: 'x' };
    assert.equal(
      message(() => parseSeriesRequest(all)),
      'invalid parameter "limit": strconv.Atoi: parsing "x": invalid syntax',
    );
    assert.equal(
      message(() => parseSeriesRequest({ ...all, limit: '1' })),
      `invalid parameter "start": invalid time value for 'start': cannot parse "x" to a valid timestamp`,
    );
    assert.equal(
      message(() => parseSeriesRequest({ ...all, limit: '1', start: '1' })),
      `invalid parameter "end": invalid time value for 'end': cannot parse "x" to a valid timestamp`,
    );
    assert.equal(
      message(() => parseSeriesRequest({ ...all, limit: '1', start: '1', end: '2' })),
      'invalid parameter "match[]": match[] must contain at least one non-empty matcher',
    );
  });

  it('does not check that end follows start, as Prometheus does not', () => {
    const request = parseSeriesRequest({ 'match[]': 'up', start: '3', end: '2' });
    assert.deepEqual([request.start, request.end], [3000, 2000]);
  });
});

describe('parseLabelsRequest', () => {
  it('takes no selector as "all series"', () => {
    assert.deepEqual(parseLabelsRequest({}), { matchers: [], start: MIN_TIME_MS, end: MAX_TIME_MS, limit: 0 });
  });

  it('answers bad selectors with the bare message', () => {
    assert.equal(
      message(() => parseLabelsRequest({ 'match[]': 'up[5m]' })),
      '1:3: parse error: unexpected "["',
    );
  });
});

describe('parseLabelValuesRequest', () => {
  it('reads the name from the path, then as for /labels', () => {
    assert.deepEqual(parseLabelValuesRequest('U__http_2e_method', { 'match[]': 'up', limit: '2' }), {
      name: 'http.method',
      matchers: [[{ type: '=', name: '__name__', value: 'up' }]],
      start: MIN_TIME_MS,
      end: MAX_TIME_MS,
      limit: 2,
    });
  });

  it('checks the name first', () => {
    assert.equal(
      message(() => parseLabelValuesRequest('', { limit: 'x' })),
      'invalid label name: ""',
    );
    assert.equal(
      message(() => parseLabelValuesRequest('job', { limit: 'x', 'match[]': '1' })),
      'invalid parameter "limit": strconv.Atoi: parsing "x": invalid syntax',
    );
    assert.equal(
      message(() => parseLabelValuesRequest('job', { 'match[]': '1' })),
      '1:1: parse error: unexpected number "1"',
    );
  });
});

describe('parseMetadataRequest', () => {
  it('reads limit, limit_per_metric and metric', () => {
    assert.deepEqual(parseMetadataRequest({}), { limit: -1, limitPerMetric: -1, metric: '' });
    assert.deepEqual(parseMetadataRequest({ limit: '5', limit_per_metric: '1', metric: 'up' }), {
      limit: 5,
      limitPerMetric: 1,
      metric: 'up',
    });
  });

  it('checks limit before limit_per_metric', () => {
    assert.equal(
      message(() => parseMetadataRequest({ limit: 'x', limit_per_metric: 'y' })),
      'limit must be a number',
    );
    assert.equal(
      message(() => parseMetadataRequest({ limit_per_metric: 'y' })),
      'limit_per_metric must be a number',
    );
  });
});
