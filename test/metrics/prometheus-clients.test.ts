import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { before, describe, it } from 'node:test';
import { iamHeaders } from '../../src/testing/monitor-fixtures.js';
import { metricsWorld, postV1, series, type MetricsWorld } from '../../src/testing/metrics-fixtures.js';
import { describeEachDatabase, type TestApp } from '../../src/testing/test-app.js';

/**
 * The request sequences of three real query clients, replayed over a real socket with `fetch` exactly as they send
 * them — method, path, parameter encoding and order, headers — and read back as they read the answers, so that a
 * field they use that is missing or of the wrong type fails here:
 *
 * - sdcclient's PromQL helpers (sysdig-sdk-python v0.18/v0.19, `sdcclient/_common.py`; reference/monitor-api.md) and
 *   what its `examples/get_*.py` scripts do with the answers; GET with `requests`, `match[]` repeated;
 * - Grafana's Prometheus data source: the backend client (`pkg/promlib/client/client.go`: POST form by default,
 *   `url.Values` sorted, GET for the GET-only resources, GET again after a 405 or 400), its health check and build-info
 *   heuristics (`healthcheck.go`, `heuristics.go`), the frontend's resource calls (`language_provider.ts`,
 *   `datasource.ts`: labels, label values, series, metadata, exemplars, rules) and the response converter's reading;
 * - prometheus-api-client (Python, `PrometheusConnect`): GET with `requests`, instant queries of range selectors for
 *   `get_metric_range_data`, its `Metric` reading, and its exception on anything but 200.
 *
 * Each answer is recorded: none is a 5xx, every one is JSON, every refusal is in Prometheus's error shape.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface Exchange {
  readonly client: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/** The data's last sample: the last whole minute, so that a query at "now" still sees it (5 min lookback). */
const BASE = Math.floor(Date.now() / 60_000) * 60_000;
const T = BASE / 1000;

/** Python's `urllib.parse.quote_plus` and Go's `url.QueryEscape`: only A-Z a-z 0-9 - _ . ~ stay, a space is '+'. */
function queryEscape(value: string): string {
  return encodeURIComponent(value)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

type PyParam = string | number | readonly string[];

/** `requests`' encoding of a params dict: insertion order, a list repeated under its key. */
function pythonQuery(params: Readonly<Record<string, PyParam>>): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(params)) {
    for (const v of typeof value === 'object' ? value : [String(value)])
      parts.push(`${queryEscape(name)}=${queryEscape(v)}`);
  }
  return parts.join('&');
}

/** Go's `url.Values.Encode()`: sorted by key. */
function goValues(values: Readonly<Record<string, string>>): string {
  return Object.keys(values)
    .sort()
    .map((key) => `${queryEscape(key)}=${queryEscape(values[key] as string)}`)
    .join('&');
}

/** Grafana's frontend `_request`: `encodeURIComponent(k)=encodeURIComponent(v)`, in the object's order. */
function frontendQuery(params: Readonly<Record<string, string>>): string {
  return Object.entries(params)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
}

interface Reply {
  readonly status: number;
  readonly text: string;
}

/** One socket, every exchange recorded. */
class Wire {
  constructor(
    private readonly base: string,
    private readonly client: string,
    private readonly log: Exchange[],
  ) {}

  async send(method: string, url: string, headers: Record<string, string>, body?: string): Promise<Reply> {
    const response = await fetch(this.base + url, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await response.text();
    this.log.push({
      client: this.client,
      method,
      path: url.split('?')[0] ?? url,
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      body: text,
    });
    return { status: response.status, text };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Python's reading of JSON: dict.get, d[key], float().

/** A KeyError or TypeError in the client, as an assertion. */
function pyFail(message: string): never {
  assert.fail(`the client would raise ${message}`);
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `d.get(key, default)`: `d` must be a dict. */
function pyGet(d: Json | undefined, key: string, fallback: Json): Json {
  if (!isObject(d)) pyFail(`AttributeError: ${JSON.stringify(d)} has no attribute 'get'`);
  return key in d ? (d[key] as Json) : fallback;
}

/** `d[key]`. */
function pyItem(d: Json | undefined, key: string | number): Json {
  if (typeof key === 'number') {
    if (!Array.isArray(d) || key >= d.length) pyFail(`IndexError: ${key} of ${JSON.stringify(d)}`);
    return d[key] as Json;
  }
  if (!isObject(d) || !(key in d)) pyFail(`KeyError: '${key}' in ${JSON.stringify(d)}`);
  return d[key] as Json;
}

function pyList(value: Json): Json[] {
  if (!Array.isArray(value)) pyFail(`TypeError: ${JSON.stringify(value)} is not iterable as a list`);
  return value;
}

/** Python's `float()`: a number, or a string Python reads as one ('1e-07', '+Inf', 'NaN'). */
function pyFloat(value: Json): number {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string')
    pyFail(`TypeError: float() argument must be a string or a number: ${JSON.stringify(value)}`);
  const text = value.trim().replaceAll('_', '');
  if (/^[+-]?(inf|infinity)$/i.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/i.test(text)) return Number.NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text))
    pyFail(`ValueError: could not convert string to float: '${value}'`);
  return Number(text);
}

/** `str`: what a format string or `len()` of a label needs. */
function pyStr(value: Json): string {
  if (typeof value !== 'string') pyFail(`TypeError: expected str, got ${JSON.stringify(value)}`);
  return value;
}

/** `sorted(metric.items())` joined as the sdcclient examples print a series. */
function labelLine(metric: Json, separator: string, quote: boolean): string {
  if (!isObject(metric)) pyFail(`AttributeError: ${JSON.stringify(metric)} has no attribute 'items'`);
  return Object.keys(metric)
    .sort()
    .map((k) => (quote ? `${k}="${pyStr(metric[k] as Json)}"` : `${k}=${pyStr(metric[k] as Json)}`))
    .join(separator);
}

// ---------------------------------------------------------------------------------------------------------------
// (a) sdcclient

/** sdcclient's return convention: `(True, payload)` or `(False, "error string")`. */
type Result<T = Json> = [true, T] | [false, string];

/** The PromQL helpers of sdcclient's `_SdcCommon`, request for request (the session's and `requests`' headers). */
class SdcPromClient {
  private lasterr = '';
  private readonly headers: Record<string, string>;

  constructor(
    private readonly wire: Wire,
    token: string,
    customHeaders: Record<string, string> = {},
  ) {
    this.headers = {
      'User-Agent': 'python-requests/2.32.3',
      'Accept-Encoding': 'gzip, deflate',
      Accept: '*/*',
      'Content-Type': 'application/json',
      Authorization: `Bearer ${token}`,
      ...customHeaders,
    };
  }

  /** `self.http.get(url, headers=self.hdrs, params=params)` then `_request_result`. */
  private async get(path: string, params: Record<string, PyParam>): Promise<Result> {
    const query = pythonQuery(params);
    const reply = await this.wire.send('GET', query === '' ? path : `${path}?${query}`, this.headers);
    if (!this.checkResponse(reply)) return [false, this.lasterr];
    return [true, JSON.parse(reply.text) as Json];
  }

  /** `_checkResponse`: ≥ 300 sets lasterr from `errors[]`, `message` or `error`. */
  private checkResponse(reply: Reply): boolean {
    if (reply.status < 300) return true;
    let j: Json;
    try {
      j = JSON.parse(reply.text) as Json;
    } catch {
      this.lasterr = `status code ${reply.status}`;
      return false;
    }
    if (isObject(j) && 'errors' in j) {
      this.lasterr = pyList(j['errors'] as Json)
        .map((e) => [pyGet(e, 'message', null), pyGet(e, 'reason', null)].filter((p) => p !== null).join(': '))
        .join('\n');
    } else if (isObject(j) && 'message' in j) this.lasterr = pyStr(j['message'] as Json);
    else if (isObject(j) && 'error' in j) this.lasterr = pyStr(j['error'] as Json);
    else this.lasterr = `status code ${reply.status}`;
    return false;
  }

  get_data_promql(query: string, start: number, end: number, step: PyParam, timeout?: string, limit?: number) {
    const params: Record<string, PyParam> = { query, start, end, step };
    if (timeout) params['timeout'] = timeout;
    if (limit) params['limit'] = limit;
    return this.get('/prometheus/api/v1/query_range', params);
  }

  get_data_promql_instant(query: string, time?: number, timeout?: string, limit?: number) {
    const params: Record<string, PyParam> = { query };
    if (time) params['time'] = time;
    if (timeout) params['timeout'] = timeout;
    if (limit) params['limit'] = limit;
    return this.get('/prometheus/api/v1/query', params);
  }

  get_series(match: readonly string[], start?: number, end?: number, limit?: number) {
    const params: Record<string, PyParam> = { 'match[]': match };
    if (start) params['start'] = start;
    if (end) params['end'] = end;
    if (limit) params['limit'] = limit;
    return this.get('/prometheus/api/v1/series', params);
  }

  get_labels(match?: readonly string[], limit?: number) {
    const params: Record<string, PyParam> = {};
    if (match && match.length > 0) params['match[]'] = match;
    if (limit) params['limit'] = limit;
    return this.get('/prometheus/api/v1/labels', params);
  }

  get_label_values(labelName: string, match?: readonly string[], limit?: number) {
    const params: Record<string, PyParam> = {};
    if (match && match.length > 0) params['match[]'] = match;
    if (limit) params['limit'] = limit;
    return this.get(`/prometheus/api/v1/label/${labelName}/values`, params);
  }

  get_metadata(metricName?: string, limit?: number) {
    const params: Record<string, PyParam> = {};
    if (metricName) params['metric'] = metricName;
    if (limit) params['limit'] = limit;
    return this.get('/prometheus/api/v1/metadata', params);
  }
}

function ok<T>(result: Result<T>): T {
  assert.equal(result[0], true, `sdcclient returned (False, ${JSON.stringify(result[1])})`);
  return result[1] as T;
}

/** examples/get_data_promql_*.py: `data.result`, each series' sorted labels, `int(float(ts))` → value. */
function promqlTable(response: Json): Map<string, Map<number, string>> {
  const table = new Map<string, Map<number, string>>();
  for (const entry of pyList(pyGet(pyGet(response, 'data', {}), 'result', []))) {
    const row = new Map<number, string>();
    table.set(labelLine(pyGet(entry, 'metric', {}), ',', false), row);
    for (const point of pyList(pyGet(entry, 'values', []))) {
      const [timestamp, value] = pyList(point);
      row.set(Math.trunc(pyFloat(timestamp ?? null)), pyStr(value ?? null));
    }
  }
  return table;
}

/** examples/get_data_promql_instant_simple.py: `entry.get("value")`, `float(timestamp)`, the labels quoted. */
function instantRows(response: Json): [number, string, string][] {
  return pyList(pyGet(pyGet(response, 'data', {}), 'result', [])).map((entry) => {
    const [timestamp, value] = pyList(pyGet(entry, 'value', [null, null]));
    return [pyFloat(timestamp ?? null), labelLine(pyGet(entry, 'metric', {}), ', ', true), pyStr(value ?? null)];
  });
}

/** examples/get_series.py: the first series' keys are the columns, `row.get(key, "")` each cell. */
function seriesTable(response: Json): { columns: string[]; rows: string[][] } {
  const results = pyList(pyGet(response, 'data', {}));
  if (results.length === 0) return { columns: [], rows: [] };
  const first = results[0] as Json;
  if (!isObject(first)) pyFail('AttributeError: a series is not a dict');
  const columns = Object.keys(first);
  return { columns, rows: results.map((row) => columns.map((key) => pyStr(pyGet(row, key, '')))) };
}

/** examples/get_labels.py, get_label_values.py: `max(len(label) for label in labels)`. */
function stringList(response: Json): string[] {
  return pyList(pyGet(response, 'data', [])).map(pyStr);
}

/** examples/get_metadata.py: `metadata.items()`, then `detail.get("type"|"unit"|"help", "")`. */
function metadataRows(response: Json): string[][] {
  const metadata = pyGet(response, 'data', []);
  if (!isObject(metadata)) pyFail('AttributeError: data has no attribute items');
  return Object.entries(metadata).flatMap(([metric, details]) =>
    pyList(details).map((d) => [
      metric,
      pyStr(pyGet(d, 'type', '')),
      pyStr(pyGet(d, 'unit', '')),
      pyStr(pyGet(d, 'help', '')),
    ]),
  );
}

// ---------------------------------------------------------------------------------------------------------------
// (b) Grafana

/** Go's `strconv.ParseFloat` on a sample value, as Grafana's converter reads it. */
function goParseFloat(text: string): number {
  if (/^[+-]?(inf|infinity)$/i.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  if (/^nan$/i.test(text)) return Number.NaN;
  assert.match(text, /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i, `strconv.ParseFloat: parsing ${JSON.stringify(text)}`);
  return Number(text);
}

interface Frame {
  readonly labels: Record<string, string>;
  readonly times: number[];
  readonly values: number[];
}

interface ConvertedResponse {
  readonly frames: Frame[];
  readonly error?: string;
  readonly notices: string[];
}

function goStringMap(value: Json | undefined, what: string): Record<string, string> {
  assert.ok(isObject(value), `${what} is an object`);
  for (const [k, v] of Object.entries(value)) assert.equal(typeof v, 'string', `${what}.${k} is a string`);
  return value as Record<string, string>;
}

function goPoint(point: Json | undefined, what: string): [number, number] {
  assert.ok(Array.isArray(point) && point.length === 2, `${what} is [time, "value"]`);
  const [t, v] = point;
  assert.equal(typeof t, 'number', `${what}: time is a JSON number`);
  assert.equal(typeof v, 'string', `${what}: value is a string`);
  return [Math.round((t as number) * 1000), goParseFloat(v as string)];
}

/**
 * `converter.ReadPrometheusStyleResult` as Grafana's backend runs it on every query answer: `status`, then `data`
 * with `resultType` and `result` read by type (matrix `values`, vector `value`, scalar and string pairs), `error`
 * and `errorType` on a refusal, `warnings` and `infos` as notices — each field with the JSON type it expects.
 */
function grafanaConvert(text: string): ConvertedResponse {
  const body = JSON.parse(text) as Json;
  assert.ok(isObject(body));
  assert.equal(typeof body['status'], 'string');
  const notices: string[] = [];
  for (const key of ['warnings', 'infos']) {
    if (!(key in body)) continue;
    const list = body[key];
    assert.ok(Array.isArray(list) && list.every((s) => typeof s === 'string'), `${key} are strings`);
    notices.push(...(list as string[]));
  }
  if (body['status'] === 'error') {
    assert.equal(typeof body['errorType'], 'string');
    assert.equal(typeof body['error'], 'string');
    return { frames: [], error: body['error'] as string, notices };
  }
  const data = body['data'];
  assert.ok(isObject(data), 'data is an object');
  const result = data['result'];
  switch (data['resultType']) {
    case 'matrix':
      assert.ok(Array.isArray(result));
      return {
        notices,
        frames: result.map((s, i) => {
          assert.ok(isObject(s));
          const points = (s['values'] ?? []) as Json;
          assert.ok(Array.isArray(points), `result[${i}].values is an array`);
          const read = points.map((p, j) => goPoint(p, `result[${i}].values[${j}]`));
          return {
            labels: goStringMap(s['metric'], 'metric'),
            times: read.map((p) => p[0]),
            values: read.map((p) => p[1]),
          };
        }),
      };
    case 'vector':
      assert.ok(Array.isArray(result));
      return {
        notices,
        frames: result.map((s, i) => {
          assert.ok(isObject(s));
          const [time, value] = goPoint(s['value'], `result[${i}].value`);
          return { labels: goStringMap(s['metric'], 'metric'), times: [time], values: [value] };
        }),
      };
    case 'scalar': {
      const [time, value] = goPoint(result, 'scalar');
      return { notices, frames: [{ labels: {}, times: [time], values: [value] }] };
    }
    default:
      return assert.fail(`unexpected resultType ${JSON.stringify(data['resultType'])}`);
  }
}

/** `endpointsSupportOnlyGet` of Grafana's promlib client, matched with `strings.HasPrefix` against the resource path. */
const GRAFANA_GET_ONLY = [
  'api/v1/label/',
  'api/v1/metadata',
  '/api/v1/targets',
  '/api/v1/rules',
  '/api/v1/alerts',
  '/api/v1/targets/metadata',
  '/api/v1/alertmanagers',
  '/api/v1/status/config',
  '/api/v1/status/flags',
  '/api/v1/status/runtimeinfo',
  '/api/v1/status/buildinfo',
  '/api/v1/status/tsdb',
  '/api/v1/status/walreplay',
  '/api/v1/notifications',
];

/** Grafana's Prometheus data source, configured with vigil's URL, POST (its default) and a custom auth header. */
class GrafanaDataSource {
  private readonly headers: Record<string, string>;

  constructor(
    private readonly wire: Wire,
    /** The path part of the data source URL: '/prometheus' (IBM's documented URL) or '' (vigil's `/api/v1`). */
    private readonly urlPath: string,
    customHeaders: Record<string, string>,
  ) {
    this.headers = {
      'User-Agent': 'Grafana/12.0.0',
      'Accept-Encoding': 'gzip',
      'X-Grafana-Org-Id': '1',
      ...customHeaders,
    };
  }

  /** `path.Join(url.Path, endpoint)`: one slash between them, whether the endpoint starts with one or not. */
  private url(endpoint: string): string {
    return `${this.urlPath}/${endpoint.replace(/^\/+/, '')}`;
  }

  private post(endpoint: string, body: string, extra: Record<string, string> = {}): Promise<Reply> {
    const headers = { ...this.headers, ...extra, 'Content-Type': 'application/x-www-form-urlencoded' };
    return this.wire.send('POST', this.url(endpoint), headers, body);
  }

  /** `Client.QueryRange`/`QueryInstant`/`QueryExemplars` with POST: the form `url.Values.Encode()` writes. */
  query(endpoint: 'api/v1/query' | 'api/v1/query_range' | 'api/v1/query_exemplars', form: Record<string, string>) {
    return this.post(endpoint, goValues(form), { 'X-Dashboard-Uid': 'vigil-dash', 'X-Panel-Id': '2' });
  }

  /**
   * `Client.QueryResource`: GET for the GET-only endpoints, else POST with the frontend's body; after a 405 or 400 to
   * the POST, GET again with the body's parameters moved to the URL.
   */
  async resource(path: string, rawQuery: string, body = ''): Promise<Reply> {
    const withQuery = (q: string) => (q === '' ? this.url(path) : `${this.url(path)}?${q}`);
    if (GRAFANA_GET_ONLY.some((prefix) => path.startsWith(prefix))) {
      return this.wire.send('GET', withQuery([rawQuery, body].filter((p) => p !== '').join('&')), this.headers);
    }
    const posted = await this.wire.send(
      'POST',
      withQuery(rawQuery),
      {
        ...this.headers,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body,
    );
    if (posted.status !== 405 && posted.status !== 400) return posted;
    return this.wire.send('GET', withQuery([rawQuery, body].filter((p) => p !== '').join('&')), this.headers);
  }

  /** `healthcheck`: the instant query `1+1` over the time range 1 s–4 s, which must come back without an error. */
  async checkHealth(): Promise<{ status: 'OK' | 'ERROR'; message: string }> {
    const reply = await this.query('api/v1/query', { query: '1+1', time: '4' });
    const converted = grafanaConvert(reply.text);
    if (converted.error !== undefined) {
      return {
        status: 'ERROR',
        message: `${converted.error} - There was an error returned querying the Prometheus API.`,
      };
    }
    assert.deepEqual(converted.frames, [{ labels: {}, times: [4000], values: [2] }]);
    return { status: 'OK', message: 'Successfully queried the Prometheus API.' };
  }

  /** `getHeuristics`: build info through the resource path; no `features` means plain Prometheus. */
  async heuristics(): Promise<{ application: string } | { error: string }> {
    const reply = await this.resource('api/v1/status/buildinfo', '');
    if (reply.status === 404) return { error: 'no build info' };
    if (reply.status !== 200) return { error: `unexpected response ${reply.status}` };
    const body = JSON.parse(reply.text) as Json;
    const data = pyItem(body, 'data');
    assert.ok(isObject(data));
    for (const key of ['version', 'revision', 'branch', 'buildUser', 'buildDate', 'goVersion']) {
      assert.equal(typeof data[key], 'string', `buildinfo ${key} is a Go string`);
    }
    const features = data['features'];
    return {
      application:
        features === undefined || (isObject(features) && Object.keys(features).length === 0) ? 'Prometheus' : 'Mimir',
    };
  }
}

/** Grafana's `getRangeSnapInterval` (cache level Low): whole minutes around the picked range, as strings. */
function snapped(fromMs: number, toMs: number): { start: string; end: string } {
  return {
    start: String(Math.floor(fromMs / 60_000) * 60),
    end: String(Math.ceil(toMs / 60_000) * 60),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// (c) prometheus-api-client

class PrometheusApiClientException extends Error {}

/** `PrometheusConnect(url, headers)`: every call a GET with `requests`, anything but 200 raised. */
class PrometheusConnect {
  private readonly headers: Record<string, string>;

  constructor(
    private readonly wire: Wire,
    /** The path part of `url`. */
    private readonly urlPath: string,
    headers: Record<string, string>,
  ) {
    this.headers = {
      'User-Agent': 'python-requests/2.32.3',
      'Accept-Encoding': 'gzip, deflate',
      Accept: '*/*',
      ...headers,
    };
  }

  private async get(path: string, params: Record<string, PyParam>): Promise<Json> {
    const query = pythonQuery(params);
    const reply = await this.wire.send('GET', `${this.urlPath}${path}${query === '' ? '' : `?${query}`}`, this.headers);
    if (reply.status !== 200) {
      throw new PrometheusApiClientException(`HTTP Status Code ${reply.status} (b'${reply.text}')`);
    }
    return JSON.parse(reply.text) as Json;
  }

  async check_prometheus_connection(): Promise<boolean> {
    const reply = await this.wire.send('GET', `${this.urlPath}/`, this.headers);
    return reply.status < 400;
  }

  async all_metrics(): Promise<Json> {
    return this.get_label_values('__name__');
  }

  async get_label_names(params: Record<string, PyParam> = {}): Promise<Json> {
    return pyItem(await this.get('/api/v1/labels', params), 'data');
  }

  async get_label_values(labelName: string, params: Record<string, PyParam> = {}): Promise<Json> {
    return pyItem(await this.get(`/api/v1/label/${labelName}/values`, params), 'data');
  }

  private static selector(metricName: string, labelConfig?: Record<string, string>): string {
    if (!labelConfig) return metricName;
    return `${metricName}{${Object.entries(labelConfig)
      .map(([k, v]) => `${k}='${v}'`)
      .join(',')}}`;
  }

  async get_current_metric_value(metricName: string, labelConfig?: Record<string, string>): Promise<Json[]> {
    const response = await this.get('/api/v1/query', { query: PrometheusConnect.selector(metricName, labelConfig) });
    return pyList(pyItem(pyItem(response, 'data'), 'result'));
  }

  /** Instant queries of `<selector>[<chunk>s]` at the end of each chunk, from `round(start)` to `round(end)`. */
  async get_metric_range_data(
    metricName: string,
    labelConfig: Record<string, string> | undefined,
    startSeconds: number,
    endSeconds: number,
    chunkSeconds: number,
  ): Promise<Json[]> {
    const query = PrometheusConnect.selector(metricName, labelConfig);
    const data: Json[] = [];
    let start = Math.round(startSeconds);
    const end = Math.round(endSeconds);
    let chunk = Math.round(chunkSeconds);
    while (start < end) {
      if (start + chunk > end) chunk = end - start;
      const response = await this.get('/api/v1/query', { query: `${query}[${chunk}s]`, time: start + chunk });
      data.push(...pyList(pyItem(pyItem(response, 'data'), 'result')));
      start += chunk;
    }
    return data;
  }

  async custom_query(query: string): Promise<Json> {
    return pyItem(pyItem(await this.get('/api/v1/query', { query }), 'data'), 'result');
  }

  async custom_query_range(query: string, startSeconds: number, endSeconds: number, step: string): Promise<Json> {
    const params = { query, start: Math.round(startSeconds), end: Math.round(endSeconds), step };
    return pyItem(pyItem(await this.get('/api/v1/query_range', params), 'data'), 'result');
  }

  /** With a start and an end: `float(val[1])` of every point `custom_query_range` returns, then numpy's sum, max, min, average. */
  async get_metric_aggregation(query: string, startSeconds: number, endSeconds: number, step: string) {
    const values = pyList(await this.custom_query_range(query, startSeconds, endSeconds, step)).flatMap((result) =>
      pyList(pyItem(result, 'values')).map((val) => pyFloat(pyItem(val, 1))),
    );
    const sum = values.reduce((a, b) => a + b, 0);
    return { sum, max: Math.max(...values), min: Math.min(...values), average: sum / values.length };
  }
}

/** prometheus_api_client's `Metric(metric)`: `metric["metric"]["__name__"]`, the other labels, `values` as floats. */
function toMetric(item: Json) {
  const labels = pyItem(item, 'metric');
  const name = pyStr(pyItem(labels, '__name__'));
  const labelConfig = Object.fromEntries(Object.entries(labels as JsonObject).filter(([k]) => k !== '__name__'));
  const values = isObject(item) && 'value' in item ? [pyItem(item, 'value')] : pyList(pyItem(item, 'values'));
  return {
    name,
    labelConfig,
    points: values.map((v) => [pyFloat(pyItem(v, 0)), pyFloat(pyItem(v, 1))] as [number, number]),
  };
}

// ---------------------------------------------------------------------------------------------------------------

/** Samples every 30 s ending at BASE. */
function every30s(values: number[]): [number, number][] {
  return values.map((v, i) => [BASE - (values.length - 1 - i) * 30_000, v]);
}

async function seed(app: TestApp, w: MetricsWorld): Promise<void> {
  const written = await postV1(app, w.tokens.writer, {
    timeseries: [
      series({ __name__: 'http_requests_total', code: '200', job: 'api', team: 'a' }, every30s([0, 10, 20, 30, 40])),
      series({ __name__: 'http_requests_total', code: '500', job: 'api', team: 'b' }, every30s([0, 3, 6, 9, 12])),
      series({ __name__: 'temperature_celsius', room: 'lab', team: 'b' }, every30s([20, 21.5, 21, 22, 22.5])),
    ],
    metadata: [
      { type: 1, metricFamilyName: 'http_requests_total', help: 'Requests handled.', unit: '' },
      { type: 2, metricFamilyName: 'temperature_celsius', help: 'Room temperature.', unit: 'celsius' },
    ],
  });
  assert.equal(written.statusCode, 204, written.body);
}

const S1 = { __name__: 'http_requests_total', code: '200', job: 'api', remote_write: 'true', team: 'a' };
const S2 = { __name__: 'http_requests_total', code: '500', job: 'api', remote_write: 'true', team: 'b' };
const BAD_QUERY = 'invalid parameter "query": 1:5: parse error: unclosed left parenthesis';

describeEachDatabase(
  'Query clients over a real socket: sdcclient, Grafana, prometheus-api-client',
  (t) => {
    let w: MetricsWorld;
    let base = '';
    const log: Exchange[] = [];

    before(async () => {
      const app = t.app();
      w = await metricsWorld(app);
      await seed(app, w);
      await app.http.listen({ port: 0, host: '127.0.0.1' });
      base = `http://127.0.0.1:${(app.http.server.address() as AddressInfo).port}`;
    });

    describe('sdcclient PromQL helpers (sysdig-sdk-python ≥ 0.18)', () => {
      const credentials: [string, () => Promise<SdcPromClient>][] = [
        ['a Monitor API token', async () => new SdcPromClient(new Wire(base, 'sdcclient', log), w.tokens.reader)],
        [
          'IbmAuthHelper’s headers (IAM token, IBMInstanceID)',
          async () =>
            new SdcPromClient(new Wire(base, 'sdcclient', log), '', {
              Authorization: `Bearer ${await t.app().admin.token()}`,
              IBMInstanceID: w.instance.guid,
            }),
        ],
      ];

      for (const [kind, connect] of credentials) {
        describe(`with ${kind}`, () => {
          let sdc: SdcPromClient;
          before(async () => {
            sdc = await connect();
          });

          it('get_data_promql: GET query_range, and the example’s table of series by time', async () => {
            const table = promqlTable(
              ok(await sdc.get_data_promql('sum by (team) (http_requests_total)', T - 60, T, 30)),
            );
            assert.deepEqual(
              table,
              new Map([
                [
                  'team=a',
                  new Map([
                    [T - 60, '20'],
                    [T - 30, '30'],
                    [T, '40'],
                  ]),
                ],
                [
                  'team=b',
                  new Map([
                    [T - 60, '6'],
                    [T - 30, '9'],
                    [T, '12'],
                  ]),
                ],
              ]),
            );
            const limited = ok(await sdc.get_data_promql('http_requests_total', T - 60, T, '30s', '30s', 1));
            assert.deepEqual(pyGet(limited, 'warnings', []), ['results truncated due to limit']);
            assert.equal(promqlTable(limited).size, 1);
          });

          it('get_data_promql_instant: at a time and at "now", read as the instant example reads them', async () => {
            assert.deepEqual(instantRows(ok(await sdc.get_data_promql_instant('temperature_celsius', T))), [
              [T, '__name__="temperature_celsius", remote_write="true", room="lab", team="b"', '22.5'],
            ]);
            const now = instantRows(ok(await sdc.get_data_promql_instant('sum(http_requests_total)')));
            assert.equal(now.length, 1);
            assert.equal(now[0]?.[2], '52');
            assert.ok(Math.abs((now[0]?.[0] ?? 0) - Date.now() / 1000) < 60, 'evaluated at the server’s now');
          });

          it('get_series: match[] repeated, the example’s columns from the first series', async () => {
            const answer = ok(
              await sdc.get_series(['http_requests_total', 'temperature_celsius{room="lab"}'], undefined, undefined, 5),
            );
            assert.deepEqual(seriesTable(answer), {
              columns: ['__name__', 'code', 'job', 'remote_write', 'team'],
              rows: [
                ['http_requests_total', '200', 'api', 'true', 'a'],
                ['http_requests_total', '500', 'api', 'true', 'b'],
                ['temperature_celsius', '', '', 'true', 'b'],
              ],
            });
            const windowed = ok(await sdc.get_series(['temperature_celsius'], T - 3600, T));
            assert.deepEqual(seriesTable(windowed).rows, [['temperature_celsius', 'true', 'lab', 'b']]);
            const before = ok(await sdc.get_series(['temperature_celsius'], T - 7200, T - 3600));
            assert.deepEqual(seriesTable(before), { columns: [], rows: [] });
          });

          it('get_labels and get_label_values, with and without match[] and limit', async () => {
            assert.deepEqual(stringList(ok(await sdc.get_labels())), [
              '__name__',
              'code',
              'job',
              'remote_write',
              'room',
              'team',
            ]);
            assert.deepEqual(stringList(ok(await sdc.get_labels(['temperature_celsius'], 10))), [
              '__name__',
              'remote_write',
              'room',
              'team',
            ]);
            assert.deepEqual(stringList(ok(await sdc.get_label_values('job'))), ['api']);
            assert.deepEqual(stringList(ok(await sdc.get_label_values('__name__', ['{team="b"}']))), [
              'http_requests_total',
              'temperature_celsius',
            ]);
            const cut = ok(await sdc.get_label_values('team', undefined, 1));
            assert.deepEqual(
              [stringList(cut), pyGet(cut, 'warnings', [])],
              [['a'], ['results truncated due to limit']],
            );
          });

          it('get_metadata: one metric and all of them, as the example’s rows', async () => {
            assert.deepEqual(metadataRows(ok(await sdc.get_metadata('http_requests_total', 10))), [
              ['http_requests_total', 'counter', '', 'Requests handled.'],
            ]);
            assert.deepEqual(metadataRows(ok(await sdc.get_metadata())), [
              ['http_requests_total', 'counter', '', 'Requests handled.'],
              ['temperature_celsius', 'gauge', 'celsius', 'Room temperature.'],
            ]);
          });

          it('refusals reach the caller as sdcclient’s `(False, error)`', async () => {
            assert.deepEqual(await sdc.get_data_promql('sum(', T - 60, T, 30), [false, BAD_QUERY]);
            assert.deepEqual(await sdc.get_data_promql('up', T - 60, T, 0), [
              false,
              'invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer',
            ]);
            assert.deepEqual(await sdc.get_series([]), [false, 'no match[] parameter provided']);
            assert.deepEqual(await sdc.get_data_promql_instant('up', undefined, 'soon'), [
              false,
              'invalid parameter "timeout": cannot parse "soon" to a valid duration',
            ]);
          });
        });
      }

      it('a wrong token: `(False, "Bad credentials")`; team A’s token sees team a only', async () => {
        const wrong = new SdcPromClient(new Wire(base, 'sdcclient', log), 'vigil_mt_not_a_token');
        assert.deepEqual(await wrong.get_labels(), [false, 'Bad credentials']);
        const teamA = new SdcPromClient(new Wire(base, 'sdcclient', log), w.tokens.teamA);
        assert.deepEqual(seriesTable(ok(await teamA.get_series(['{__name__=~".+"}']))).rows, [
          ['http_requests_total', '200', 'api', 'true', 'a'],
        ]);
        assert.deepEqual(stringList(ok(await teamA.get_label_values('team'))), ['a']);
        assert.deepEqual(metadataRows(ok(await teamA.get_metadata())), [
          ['http_requests_total', 'counter', '', 'Requests handled.'],
        ]);
      });
    });

    describe('Grafana’s Prometheus data source (HTTP method POST, its default)', () => {
      const setups: [string, string, () => Promise<Record<string, string>>][] = [
        [
          'URL <vigil>/prometheus, custom header Authorization: Bearer <Monitor API token>',
          '/prometheus',
          async () => ({
            Authorization: `Bearer ${w.tokens.reader}`,
          }),
        ],
        [
          'URL <vigil>, custom headers Authorization: Bearer <IAM token> and IBMInstanceID',
          '',
          async () => {
            const iam = iamHeaders(await t.app().admin.token(), w.instance.guid);
            return { Authorization: iam.authorization, IBMInstanceID: iam.ibminstanceid as string };
          },
        ],
      ];

      for (const [title, urlPath, headers] of setups) {
        describe(title, () => {
          let grafana: GrafanaDataSource;
          before(async () => {
            grafana = new GrafanaDataSource(new Wire(base, 'grafana', log), urlPath, await headers());
          });

          it('Save & test: the health check query 1+1 at 4 s succeeds', async () => {
            assert.deepEqual(await grafana.checkHealth(), {
              status: 'OK',
              message: 'Successfully queried the Prometheus API.',
            });
          });

          it('the config page’s version detection: GET buildinfo, a semver version, no features: Prometheus', async () => {
            const reply = await grafana.resource('/api/v1/status/buildinfo', '');
            assert.equal(reply.status, 200);
            const data = pyItem(JSON.parse(reply.text) as Json, 'data');
            assert.match(pyStr(pyItem(data, 'version')), /^\d+\.\d+\.\d+$/);
            assert.equal(pyGet(data, 'application', null), null);
            assert.equal(pyGet(data, 'features', null), null);
          });

          it('the health check’s heuristics: the build-info probe finds plain Prometheus', async () => {
            assert.deepEqual(await grafana.heuristics(), { application: 'Prometheus' });
          });

          it('Explore opens: metric names, metadata, label names, exemplars probe, rules', async () => {
            const range = snapped(BASE - 3_600_000, BASE);
            const names = await grafana.resource('api/v1/label/__name__/values', frontendQuery(range));
            assert.deepEqual(stringList(JSON.parse(names.text) as Json), [
              'http_requests_total',
              'temperature_celsius',
            ]);

            const metadata = await grafana.resource('api/v1/metadata', '');
            const families = pyItem(JSON.parse(metadata.text) as Json, 'data');
            assert.ok(isObject(families));
            // fixSummariesMetadata and getMetadataString read metadata[metric][0].type and .help
            for (const [name, entries] of Object.entries(families)) {
              const first = pyItem(entries, 0);
              assert.equal(typeof pyItem(first, 'type'), 'string', name);
              assert.equal(typeof pyItem(first, 'help'), 'string', name);
            }
            assert.equal(
              `${pyStr(pyItem(pyItem(families.temperature_celsius ?? null, 0), 'type')).toUpperCase()}`,
              'GAUGE',
            );

            const labels = await grafana.resource('api/v1/labels', '', new URLSearchParams(range).toString());
            assert.deepEqual(stringList(JSON.parse(labels.text) as Json), [
              '__name__',
              'code',
              'job',
              'remote_write',
              'room',
              'team',
            ]);

            const exemplars = await grafana.resource(
              'api/v1/query_exemplars',
              '',
              frontendQuery({ query: 'test', start: String(Date.now() - 1_800_000), end: String(Date.now()) }),
            );
            assert.equal(pyItem(JSON.parse(exemplars.text) as Json, 'status'), 'success', 'exemplars are available');

            // loadRules: no rules API in vigil; Grafana logs "Rules API is experimental" and goes on.
            const rules = await grafana.resource('api/v1/rules', '');
            assert.equal(rules.status, 404);
            assert.equal(pyItem(JSON.parse(rules.text) as Json, 'status'), 'error');
          });

          it('a dashboard panel: range, instant and exemplar queries, converted to frames', async () => {
            const range = await grafana.query('api/v1/query_range', {
              query: 'sum by (team) (http_requests_total)',
              start: String(T - 60),
              end: String(T),
              step: '30',
            });
            assert.deepEqual(grafanaConvert(range.text), {
              notices: [],
              frames: [
                { labels: { team: 'a' }, times: [BASE - 60_000, BASE - 30_000, BASE], values: [20, 30, 40] },
                { labels: { team: 'b' }, times: [BASE - 60_000, BASE - 30_000, BASE], values: [6, 9, 12] },
              ],
            });
            const instant = await grafana.query('api/v1/query', {
              query: 'rate(temperature_celsius[5m])',
              time: String(T),
            });
            assert.deepEqual(grafanaConvert(instant.text), {
              notices: [
                'PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: "temperature_celsius" (1:6)',
              ],
              frames: [{ labels: { remote_write: 'true', room: 'lab', team: 'b' }, times: [BASE], values: [0.09] }],
            });
            const special = await grafana.query('api/v1/query', { query: '1/0', time: '1435781451.781' });
            assert.deepEqual(grafanaConvert(special.text).frames, [
              { labels: {}, times: [1435781451781], values: [Infinity] },
            ]);
            const exemplars = await grafana.query('api/v1/query_exemplars', {
              query: 'http_requests_total',
              start: String(T - 60),
              end: String(T),
            });
            assert.deepEqual(JSON.parse(exemplars.text), { status: 'success', data: [] });
          });

          it('the metrics browser: series (limit 40000) and label values with match[]', async () => {
            const range = snapped(BASE - 3_600_000, BASE);
            const found = await grafana.resource(
              'api/v1/series',
              '',
              new URLSearchParams({ ...range, 'match[]': 'http_requests_total', limit: '40000' }).toString(),
            );
            // processLabels: every key and value of every series is a string
            const list = pyList(pyItem(JSON.parse(found.text) as Json, 'data'));
            assert.deepEqual(
              list.map((s) => goStringMap(s, 'series')),
              [S1, S2],
            );
            const values = await grafana.resource(
              'api/v1/label/team/values',
              frontendQuery({ ...range, 'match[]': '{__name__="temperature_celsius"}' }),
            );
            assert.deepEqual(stringList(JSON.parse(values.text) as Json), ['b']);
          });

          it('a bad query: the converter reads the refusal and shows its message', async () => {
            const reply = await grafana.query('api/v1/query_range', {
              query: 'sum(',
              start: String(T - 60),
              end: String(T),
              step: '30',
            });
            assert.equal(reply.status, 400);
            assert.deepEqual(grafanaConvert(reply.text), { frames: [], error: BAD_QUERY, notices: [] });
          });
        });
      }

      it('a wrong token: Save & test shows Prometheus’s error shape with vigil’s message', async () => {
        const grafana = new GrafanaDataSource(new Wire(base, 'grafana', log), '/prometheus', {
          Authorization: 'Bearer vigil_mt_not_a_token',
        });
        assert.deepEqual(await grafana.checkHealth(), {
          status: 'ERROR',
          message: 'Bad credentials - There was an error returned querying the Prometheus API.',
        });
      });
    });

    describe('prometheus-api-client (PrometheusConnect)', () => {
      let prom: PrometheusConnect;
      before(() => {
        prom = new PrometheusConnect(new Wire(base, 'prometheus-api-client', log), '/prometheus', {
          Authorization: `Bearer ${w.tokens.reader}`,
        });
      });

      it('all_metrics, get_label_names, get_label_values', async () => {
        assert.deepEqual(await prom.all_metrics(), ['http_requests_total', 'temperature_celsius']);
        assert.deepEqual(await prom.get_label_names(), ['__name__', 'code', 'job', 'remote_write', 'room', 'team']);
        assert.deepEqual(await prom.get_label_names({ 'match[]': ['temperature_celsius'] }), [
          '__name__',
          'remote_write',
          'room',
          'team',
        ]);
        assert.deepEqual(await prom.get_label_values('code'), ['200', '500']);
      });

      it('get_current_metric_value with a label_config (single-quoted values), read as Metric objects', async () => {
        const items = await prom.get_current_metric_value('http_requests_total', { job: 'api', team: 'b' });
        assert.equal(items.length, 1);
        const metric = toMetric(items[0] ?? null);
        assert.deepEqual(
          [metric.name, metric.labelConfig],
          ['http_requests_total', { code: '500', job: 'api', remote_write: 'true', team: 'b' }],
        );
        assert.equal(metric.points[0]?.[1], 12);
        assert.ok(Math.abs((metric.points[0]?.[0] ?? 0) - Date.now() / 1000) < 60);
      });

      it('get_metric_range_data: instant queries of <selector>[60s] chunk by chunk, read as Metric objects', async () => {
        const data = await prom.get_metric_range_data('http_requests_total', { team: 'a' }, T - 120, T, 60);
        assert.deepEqual(
          data.map((item) => toMetric(item)),
          [
            {
              name: 'http_requests_total',
              labelConfig: { code: '200', job: 'api', remote_write: 'true', team: 'a' },
              points: [
                [T - 90, 10],
                [T - 60, 20],
              ],
            },
            {
              name: 'http_requests_total',
              labelConfig: { code: '200', job: 'api', remote_write: 'true', team: 'a' },
              points: [
                [T - 30, 30],
                [T, 40],
              ],
            },
          ],
        );
      });

      it('custom_query, custom_query_range and get_metric_aggregation', async () => {
        const summed = pyList(await prom.custom_query('sum by (job) (http_requests_total)'));
        assert.equal(summed.length, 1);
        assert.deepEqual(pyItem(summed[0] ?? null, 'metric'), { job: 'api' });
        const [at, value] = pyList(pyItem(summed[0] ?? null, 'value'));
        assert.ok(Math.abs(pyFloat(at ?? null) - Date.now() / 1000) < 60, 'evaluated at the server’s now');
        assert.equal(pyFloat(value ?? null), 52);
        const ranged = await prom.custom_query_range('temperature_celsius', T - 60, T, '30');
        assert.deepEqual(toMetric(pyItem(ranged, 0)).points, [
          [T - 60, 21],
          [T - 30, 22],
          [T, 22.5],
        ]);
        assert.deepEqual(await prom.get_metric_aggregation('http_requests_total', T - 60, T, '30'), {
          sum: 117,
          max: 40,
          min: 6,
          average: 19.5,
        });
      });

      it('a refusal raises PrometheusApiClientException with the status and Prometheus’s body', async () => {
        await assert.rejects(
          prom.custom_query('sum('),
          new PrometheusApiClientException(
            `HTTP Status Code 400 (b'{"status":"error","errorType":"bad_data","error":${JSON.stringify(BAD_QUERY)}}')`,
          ),
        );
      });

      it('check_prometheus_connection with url <vigil> (GET /) is True', async () => {
        const atRoot = new PrometheusConnect(new Wire(base, 'prometheus-api-client', log), '', {
          Authorization: `Bearer ${w.tokens.reader}`,
        });
        assert.equal(await atRoot.check_prometheus_connection(), true);
      });

      it('check_prometheus_connection with url <vigil>/prometheus (GET /prometheus/) is True', async () => {
        assert.equal(await prom.check_prometheus_connection(), true);
      });
    });

    it('answered no 5xx, JSON on every API answer, Prometheus’s error shape on every refusal', () => {
      const api = log.filter((e) => /^(\/prometheus)?\/api\/v1\//.test(e.path));
      assert.ok(api.length > 60, `the flows ran (${api.length} API exchanges)`);
      assert.deepEqual(
        log.filter((e) => e.status >= 500),
        [],
        'no 5xx, ever',
      );
      for (const e of api) {
        assert.match(e.contentType, /^application\/json/, `${e.client} ${e.method} ${e.path}`);
        const body = JSON.parse(e.body) as Json;
        if (e.status < 300) {
          assert.equal(pyItem(body, 'status'), 'success', `${e.client} ${e.method} ${e.path}`);
          continue;
        }
        assert.equal(pyItem(body, 'status'), 'error', `${e.client} ${e.method} ${e.path}: ${e.body}`);
        assert.equal(typeof pyItem(body, 'errorType'), 'string');
        assert.equal(typeof pyItem(body, 'error'), 'string');
      }
    });
  },
  { metrics: true },
);
