import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, before, describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import type { Querier } from '../../promql/engine/storage.js';
import { iamHeaders } from '../../testing/monitor-fixtures.js';
import { metricsWorld, postV1, series, type MetricsWorld } from '../../testing/metrics-fixtures.js';
import { describeEachDatabase, type TestApp } from '../../testing/test-app.js';
import type { Tsdb } from '../../tsdb/tsdb.js';
import { VERSION } from '../../version.js';

/**
 * Prometheus's HTTP query API as vigil serves it, as a specification: every route under both prefixes, GET and POST
 * form, with the status and the whole body asserted — the envelope, the numbers and times as Prometheus 3 writes
 * them, warnings and infos, every error's status, `errorType` and message (checked against Prometheus's
 * `web/api/v1/api.go`, and for what 2.42 shares with it against Debian's `prometheus` 2.42), the sample limits, the
 * timeouts, a client that goes away, and who sees what: a team scoped to `team="a"`, another instance, and the
 * tenant label that must never show.
 */

const PREFIXES = ['/prometheus/api/v1', '/api/v1'] as const;

/** The data's last sample: a whole minute ten minutes ago, so that times in answers are whole seconds. */
const BASE = Math.floor(Date.now() / 60_000) * 60_000 - 600_000;
const T = BASE / 1000;

type Params = readonly (readonly [string, string | number])[];
type Metric = Record<string, string>;

const S1: Metric = { __name__: 'http_requests_total', code: '200', job: 'api', remote_write: 'true', team: 'a' };
const S2: Metric = { __name__: 'http_requests_total', code: '500', job: 'api', remote_write: 'true', team: 'b' };
const S3: Metric = { __name__: 'temperature_celsius', remote_write: 'true', room: 'lab', team: 'b' };
const ELSEWHERE: Metric = { __name__: 'elsewhere_up', remote_write: 'true', team: 'a' };

/** Samples every 30 s ending at BASE. */
function every30s(values: number[]): [number, number][] {
  return values.map((v, i) => [BASE - (values.length - 1 - i) * 30_000, v]);
}

/** What a sender writes: the series' labels without the `remote_write` label vigil adds. */
function sent(metric: Metric): Record<string, string> {
  return Object.fromEntries(Object.entries(metric).filter(([name]) => name !== 'remote_write'));
}

async function seed(app: TestApp, w: MetricsWorld): Promise<void> {
  const mine = await postV1(app, w.tokens.writer, {
    timeseries: [
      series(sent(S1), every30s([0, 10, 20, 30, 40])),
      series(sent(S2), every30s([0, 3, 6, 9, 12])),
      series(sent(S3), every30s([20, 21.5, 21, 22, 22.5])),
    ],
    metadata: [
      { type: 1, metricFamilyName: 'http_requests_total', help: 'Requests handled.', unit: '' },
      { type: 2, metricFamilyName: 'temperature_celsius', help: 'Room temperature.', unit: 'celsius' },
    ],
  });
  assert.equal(mine.statusCode, 204, mine.body);
  const theirs = await postV1(app, w.tokens.otherInstance, {
    timeseries: [series(sent(ELSEWHERE), every30s([1]))],
    metadata: [{ type: 2, metricFamilyName: 'elsewhere_up', help: 'Elsewhere.', unit: '' }],
  });
  assert.equal(theirs.statusCode, 204, theirs.body);
}

function encode(params: Params): string {
  return new URLSearchParams(params.map(([k, v]): [string, string] => [k, String(v)])).toString();
}

interface Answer {
  readonly status: number;
  readonly body: string;
  readonly headers: Record<string, string | string[] | number | undefined>;
}

/** One request in-process: GET with the parameters in the URL, POST with them as a form body. */
async function call(
  app: TestApp,
  method: 'GET' | 'POST',
  path: string,
  params: Params,
  headers: Record<string, string>,
): Promise<Answer> {
  const query = encode(params);
  const response = await app.http.inject(
    method === 'GET'
      ? { method, url: query === '' ? path : `${path}?${query}`, headers }
      : {
          method,
          url: path,
          headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
          payload: query,
        },
  );
  return { status: response.statusCode, body: response.body, headers: response.headers };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** The body Prometheus writes, key for key: JSON.stringify writes the whole seconds and `.781` of times alike. */
function success(data: unknown, annotations: { warnings?: string[]; infos?: string[] } = {}): string {
  return JSON.stringify({ status: 'success', data, ...annotations });
}

function failure(errorType: string, error: string): string {
  return JSON.stringify({ status: 'error', errorType, error });
}

function vector(...samples: [Metric, number, string][]) {
  return { resultType: 'vector', result: samples.map(([metric, t, v]) => ({ metric, value: [t, v] })) };
}

function matrix(...rows: [Metric, [number, string][]][]) {
  return { resultType: 'matrix', result: rows.map(([metric, values]) => ({ metric, values })) };
}

const INVALID_QUERY = 'invalid parameter "query": ';
const TRUNCATED = 'results truncated due to limit';
const NOT_COUNTER = (name: string, at: string) =>
  `PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: "${name}" (${at})`;

interface Route {
  readonly path: string;
  readonly params: Params;
  readonly body: string;
  /** Prometheus registers these for GET only. */
  readonly getOnly?: boolean;
}

const ROUTES: readonly Route[] = [
  {
    path: '/query',
    params: [
      ['query', 'http_requests_total'],
      ['time', T],
    ],
    body: success(vector([S1, T, '40'], [S2, T, '12'])),
  },
  {
    path: '/query_range',
    params: [
      ['query', 'http_requests_total'],
      ['start', T - 60],
      ['end', T],
      ['step', '30'],
    ],
    body: success(
      matrix(
        [
          S1,
          [
            [T - 60, '20'],
            [T - 30, '30'],
            [T, '40'],
          ],
        ],
        [
          S2,
          [
            [T - 60, '6'],
            [T - 30, '9'],
            [T, '12'],
          ],
        ],
      ),
    ),
  },
  {
    path: '/series',
    params: [
      ['match[]', 'http_requests_total'],
      ['match[]', 'temperature_celsius'],
    ],
    body: success([S1, S2, S3]),
  },
  { path: '/labels', params: [], body: success(['__name__', 'code', 'job', 'remote_write', 'room', 'team']) },
  { path: '/label/job/values', params: [], body: success(['api']), getOnly: true },
  {
    path: '/metadata',
    params: [],
    body: success({
      http_requests_total: [{ type: 'counter', help: 'Requests handled.', unit: '' }],
      temperature_celsius: [{ type: 'gauge', help: 'Room temperature.', unit: 'celsius' }],
    }),
    getOnly: true,
  },
  {
    path: '/format_query',
    params: [['query', 'sum(http_requests_total)by(job)']],
    body: success('sum by (job) (http_requests_total)'),
  },
  {
    path: '/parse_query',
    params: [['query', 'up']],
    body: success({
      anchored: false,
      matchers: [{ name: '__name__', type: '=', value: 'up' }],
      name: 'up',
      offset: 0,
      offsetExpr: null,
      smoothed: false,
      startOrEnd: null,
      timestamp: null,
      type: 'vectorSelector',
    }),
  },
  {
    path: '/query_exemplars',
    params: [
      ['query', 'http_requests_total'],
      ['start', T - 60],
      ['end', T],
    ],
    body: success([]),
  },
  {
    path: '/status/buildinfo',
    params: [],
    body: success({
      version: '3.5.0',
      revision: `vigil-${VERSION}`,
      branch: 'vigil',
      buildUser: 'vigil',
      buildDate: '',
      goVersion: `node${process.versions.node}`,
    }),
    getOnly: true,
  },
];

interface Refusal {
  readonly title: string;
  readonly path: string;
  readonly params: Params;
  readonly status: number;
  readonly errorType: string;
  readonly error: string;
}

const RANGE: Params = [
  ['start', T - 60],
  ['end', T],
];

const REFUSALS: readonly Refusal[] = [
  ...['/query', '/format_query', '/parse_query'].map((path) => ({
    title: `${path}: bad PromQL`,
    path,
    params: [['query', 'sum(http_requests_total']] as Params,
    status: 400,
    errorType: 'bad_data',
    error: `${INVALID_QUERY}1:24: parse error: unclosed left parenthesis`,
  })),
  {
    title: '/query: no query',
    path: '/query',
    params: [],
    status: 400,
    errorType: 'bad_data',
    error: `${INVALID_QUERY}1:1: parse error: no expression found in input`,
  },
  {
    title: '/query: bad time',
    path: '/query',
    params: [
      ['query', 'up'],
      ['time', 'yesterday'],
    ],
    status: 400,
    errorType: 'bad_data',
    error: `invalid parameter "time": invalid time value for 'time': cannot parse "yesterday" to a valid timestamp`,
  },
  {
    title: '/query: bad timeout',
    path: '/query',
    params: [
      ['query', 'up'],
      ['timeout', '5 minutes'],
    ],
    status: 400,
    errorType: 'bad_data',
    error: 'invalid parameter "timeout": cannot parse "5 minutes" to a valid duration',
  },
  {
    title: '/query: negative limit',
    path: '/query',
    params: [
      ['query', 'up'],
      ['limit', '-1'],
    ],
    status: 400,
    errorType: 'bad_data',
    error: 'invalid parameter "limit": limit must be non-negative',
  },
  {
    title: '/query: bad lookback_delta',
    path: '/query',
    params: [
      ['query', 'up'],
      ['lookback_delta', 'x'],
    ],
    status: 400,
    errorType: 'bad_data',
    error: 'error parsing lookback delta duration: cannot parse "x" to a valid duration',
  },
  {
    title: '/query: an error while evaluating is execution (422)',
    path: '/query',
    params: [
      ['query', 'label_replace(http_requests_total, "x", "$1", "job", "(")'],
      ['time', T],
    ],
    status: 422,
    errorType: 'execution',
    error: 'invalid regular expression in label_replace(): (',
  },
  {
    title: '/query_range: no start',
    path: '/query_range',
    params: [
      ['query', 'up'],
      ['end', T],
      ['step', '30'],
    ],
    status: 400,
    errorType: 'bad_data',
    error: 'invalid parameter "start": cannot parse "" to a valid timestamp',
  },
  {
    title: '/query_range: bad end',
    path: '/query_range',
    params: [
      ['query', 'up'],
      ['start', T],
      ['end', 'later'],
      ['step', '30'],
    ],
    status: 400,
    errorType: 'bad_data',
    error: 'invalid parameter "end": cannot parse "later" to a valid timestamp',
  },
  {
    title: '/query_range: start after end',
    path: '/query_range',
    params: [
      ['query', 'up'],
      ['start', T],
      ['end', T - 1],
      ['step', '30'],
    ],
    status: 400,
    errorType: 'bad_data',
    error: 'invalid parameter "end": end timestamp must not be before start time',
  },
  ...['0', '-30'].map((step) => ({
    title: `/query_range: step ${step}`,
    path: '/query_range',
    params: [['query', 'up'], ...RANGE, ['step', step]] as Params,
    status: 400,
    errorType: 'bad_data',
    error:
      'invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer',
  })),
  {
    title: '/query_range: bad step',
    path: '/query_range',
    params: [['query', 'up'], ...RANGE, ['step', 'often']],
    status: 400,
    errorType: 'bad_data',
    error: 'invalid parameter "step": cannot parse "often" to a valid duration',
  },
  {
    title: '/query_range: 11,001 points',
    path: '/query_range',
    params: [
      ['query', 'up'],
      ['start', T - 11_001],
      ['end', T],
      ['step', '1'],
    ],
    status: 400,
    errorType: 'bad_data',
    error:
      'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)',
  },
  {
    title: '/query_range: a range vector',
    path: '/query_range',
    params: [['query', 'http_requests_total[5m]'], ...RANGE, ['step', '30']],
    status: 400,
    errorType: 'bad_data',
    error: `${INVALID_QUERY}invalid expression type "range vector" for range query, must be Scalar or instant Vector`,
  },
  {
    title: '/series: no match[]',
    path: '/series',
    params: [],
    status: 400,
    errorType: 'bad_data',
    error: 'no match[] parameter provided',
  },
  {
    title: '/series: bad match[]',
    path: '/series',
    params: [['match[]', 'up{']],
    status: 400,
    errorType: 'bad_data',
    error: 'invalid parameter "match[]": 1:4: parse error: unexpected end of input inside braces',
  },
  {
    title: '/series: a match[] that matches everything',
    path: '/series',
    params: [['match[]', '{job=""}']],
    status: 400,
    errorType: 'bad_data',
    error: 'invalid parameter "match[]": match[] must contain at least one non-empty matcher',
  },
  {
    title: '/series: bad limit',
    path: '/series',
    params: [
      ['match[]', 'up'],
      ['limit', 'x'],
    ],
    status: 400,
    errorType: 'bad_data',
    error: 'invalid parameter "limit": strconv.Atoi: parsing "x": invalid syntax',
  },
  {
    title: '/labels: bad match[] (no parameter named)',
    path: '/labels',
    params: [['match[]', 'up{']],
    status: 400,
    errorType: 'bad_data',
    error: '1:4: parse error: unexpected end of input inside braces',
  },
  {
    title: '/labels: bad start',
    path: '/labels',
    params: [['start', 'abc']],
    status: 400,
    errorType: 'bad_data',
    error: `invalid parameter "start": invalid time value for 'start': cannot parse "abc" to a valid timestamp`,
  },
  {
    title: '/label/…/values: a match[] that matches everything',
    path: '/label/job/values',
    params: [['match[]', '{job=~".*"}']],
    status: 400,
    errorType: 'bad_data',
    error: 'match[] must contain at least one non-empty matcher',
  },
  {
    title: '/metadata: bad limit',
    path: '/metadata',
    params: [['limit', 'x']],
    status: 400,
    errorType: 'bad_data',
    error: 'limit must be a number',
  },
];

const GET_ONLY = new Set(ROUTES.filter((r) => r.getOnly).map((r) => r.path));
const isGetOnly = (path: string) => GET_ONLY.has(path) || path.startsWith('/label/');

describeEachDatabase(
  'Prometheus query API (/prometheus/api/v1/*, /api/v1/*)',
  (t) => {
    let w: MetricsWorld;

    before(async () => {
      w = await metricsWorld(t.app());
      await seed(t.app(), w);
    });

    const as = (token: () => string) => (method: 'GET' | 'POST', path: string, params: Params) =>
      call(t.app(), method, path, params, bearer(token()));
    const admin = as(() => w.tokens.admin);
    const teamA = as(() => w.tokens.teamA);
    const stranger = as(() => w.tokens.otherInstance);

    for (const prefix of PREFIXES) {
      describe(`every route under ${prefix}, GET and POST form alike`, () => {
        for (const route of ROUTES) {
          it(`${route.getOnly ? 'GET' : 'GET and POST'} ${prefix}${route.path}`, async () => {
            const got = await admin('GET', prefix + route.path, route.params);
            assert.deepEqual([got.status, got.body], [200, route.body]);
            assert.equal(got.headers['content-type'], 'application/json; charset=utf-8');
            if (route.getOnly) return;
            const posted = await admin('POST', prefix + route.path, route.params);
            assert.deepEqual([posted.status, posted.body], [200, route.body]);
          });
        }
      });
    }

    it("POST form: the body's values win over the URL's, as Go's ParseForm merges them", async () => {
      const response = await t.app().http.inject({
        method: 'POST',
        url: `/prometheus/api/v1/query?query=vector(2)&time=${T}`,
        headers: { ...bearer(w.tokens.admin), 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'query=vector(3)',
      });
      assert.deepEqual([response.statusCode, response.body], [200, success(vector([{}, T, '3']))]);
    });

    describe('GET-only routes (label values, metadata, buildinfo) and POST', () => {
      const getOnly = ['/label/job/values', '/metadata', '/status/buildinfo'];

      it('refuse a POST without answering it', async () => {
        for (const prefix of PREFIXES) {
          for (const path of getOnly) {
            const response = await admin('POST', prefix + path, []);
            assert.ok([404, 405].includes(response.status), `POST ${prefix}${path}: ${response.status}`);
            assert.equal((JSON.parse(response.body) as { status: string }).status, 'error');
          }
        }
      });

      it('answer a POST with 405 and Allow: GET, OPTIONS, as Prometheus does', async () => {
        for (const prefix of PREFIXES) {
          for (const path of getOnly) {
            const response = await admin('POST', prefix + path, []);
            assert.equal(response.status, 405, `POST ${prefix}${path}`);
            assert.equal(response.headers['allow'], 'GET, OPTIONS');
          }
        }
      });
    });

    describe('values and times, written as Prometheus writes them', () => {
      const at = '1435781451.781';
      const cases: [string, string, string][] = [
        ['vector(0.0000001)', at, success(vector([{}, 1435781451.781, '1e-07']))],
        ['vector(1e21)', at, success(vector([{}, 1435781451.781, '1e+21']))],
        ['vector(-0.5)', at, success(vector([{}, 1435781451.781, '-0.5']))],
        ['1/0', at, success({ resultType: 'scalar', result: [1435781451.781, '+Inf'] })],
        ['-1/0', at, success({ resultType: 'scalar', result: [1435781451.781, '-Inf'] })],
        ['0/0', at, success({ resultType: 'scalar', result: [1435781451.781, 'NaN'] })],
        ['1e21', at, success({ resultType: 'scalar', result: [1435781451.781, '1000000000000000000000'] })],
        ['0.0000001', '1435781451.7815', success({ resultType: 'scalar', result: [1435781451.782, '0.0000001'] })],
        ['time()', at, success({ resultType: 'scalar', result: [1435781451.781, '1435781451.781'] })],
        [
          'time()',
          '2015-07-01T20:10:51.781Z',
          success({ resultType: 'scalar', result: [1435781451.781, '1435781451.781'] }),
        ],
        ['"hello"', at, success({ resultType: 'string', result: [1435781451.781, 'hello'] })],
      ];
      for (const [query, time, body] of cases) {
        it(`${query} at ${time}`, async () => {
          const response = await admin('GET', '/prometheus/api/v1/query', [
            ['query', query],
            ['time', time],
          ]);
          assert.deepEqual([response.status, response.body], [200, body]);
        });
      }

      it('a range of 11,000 steps is the most allowed: 11,001 points', async () => {
        const response = await admin('GET', '/prometheus/api/v1/query_range', [
          ['query', 'vector(1)'],
          ['start', T - 11_000],
          ['end', T],
          ['step', '1'],
        ]);
        assert.equal(response.status, 200, response.body);
        const body = JSON.parse(response.body) as { data: { result: { values: [number, string][] }[] } };
        assert.equal(body.data.result[0]?.values.length, 11_001);
        assert.deepEqual(body.data.result[0]?.values.at(-1), [T, '1']);
      });
    });

    describe('warnings and infos', () => {
      it('rate() of a metric that is not a counter: the value, and an info naming it', async () => {
        const response = await admin('GET', '/prometheus/api/v1/query', [
          ['query', 'rate(temperature_celsius[5m])'],
          ['time', T],
        ]);
        assert.deepEqual(
          [response.status, response.body],
          [
            200,
            success(vector([{ remote_write: 'true', room: 'lab', team: 'b' }, T, '0.09']), {
              infos: [NOT_COUNTER('temperature_celsius', '1:6')],
            }),
          ],
        );
      });

      it('a warning and an info together; a counter gets no info', async () => {
        const response = await admin('GET', '/prometheus/api/v1/query', [
          ['query', 'quantile(2, rate(temperature_celsius[5m])) or sum by (team) (rate(http_requests_total[2m]))'],
          ['time', T],
        ]);
        assert.deepEqual(
          [response.status, response.body],
          [
            200,
            success(
              vector(
                [{}, T, '+Inf'],
                [{ team: 'a' }, T, '0.3333333333333333'],
                [{ team: 'b' }, T, '0.09999999999999999'],
              ),
              {
                warnings: ['PromQL warning: quantile value should be between 0 and 1, got 2 (1:10)'],
                infos: [NOT_COUNTER('temperature_celsius', '1:18')],
              },
            ),
          ],
        );
      });

      it('limit cuts the result and warns, on query and query_range', async () => {
        const instant = await admin('POST', '/api/v1/query', [
          ['query', 'http_requests_total'],
          ['time', T],
          ['limit', '1'],
        ]);
        assert.deepEqual(
          [instant.status, instant.body],
          [200, success(vector([S1, T, '40']), { warnings: [TRUNCATED] })],
        );
        const range = await admin('GET', '/api/v1/query_range', [
          ['query', 'http_requests_total'],
          ['start', T],
          ['end', T],
          ['step', '30'],
          ['limit', '1'],
        ]);
        assert.deepEqual(
          [range.status, range.body],
          [200, success(matrix([S1, [[T, '40']]]), { warnings: [TRUNCATED] })],
        );
        const enough = await admin('GET', '/api/v1/query', [
          ['query', 'http_requests_total'],
          ['time', T],
          ['limit', '2'],
        ]);
        assert.equal(enough.body, success(vector([S1, T, '40'], [S2, T, '12'])), 'no warning when nothing is cut');
      });

      it('limit cuts series, label names and label values, and warns', async () => {
        const cases: [string, Params, string][] = [
          [
            '/series',
            [
              ['match[]', '{team=~".+"}'],
              ['limit', '1'],
            ],
            success([S1], { warnings: [TRUNCATED] }),
          ],
          ['/labels', [['limit', '2']], success(['__name__', 'code'], { warnings: [TRUNCATED] })],
          ['/label/__name__/values', [['limit', '1']], success(['http_requests_total'], { warnings: [TRUNCATED] })],
        ];
        for (const [path, params, body] of cases) {
          const response = await admin('GET', `/prometheus/api/v1${path}`, params);
          assert.deepEqual([response.status, response.body], [200, body], path);
        }
      });
    });

    describe('refusals: status, errorType and message as Prometheus words them', () => {
      for (const refusal of REFUSALS) {
        it(refusal.title, async () => {
          const expected = [refusal.status, failure(refusal.errorType, refusal.error)];
          for (const prefix of PREFIXES) {
            for (const method of isGetOnly(refusal.path) ? (['GET'] as const) : (['GET', 'POST'] as const)) {
              const response = await admin(method, prefix + refusal.path, refusal.params);
              assert.deepEqual([response.status, response.body], expected, `${method} ${prefix}${refusal.path}`);
              assert.equal(response.headers['content-type'], 'application/json; charset=utf-8');
            }
          }
        });
      }

      it('a label name that is not UTF-8 in /label/<name>/values: 400 bad_data', async () => {
        const response = await admin('GET', '/prometheus/api/v1/label/%FF/values', []);
        assert.equal(response.status, 400);
        assert.equal((JSON.parse(response.body) as { errorType: string }).errorType, 'bad_data');
      });

      it(
        'a label name that is not UTF-8: Prometheus’s message',
        {
          todo:
            'Fastify refuses the path before the route runs ("The URL … is not a valid url component"); ' +
            'Prometheus decodes it and answers `invalid label name: "\\xff"`',
        },
        async () => {
          const response = await admin('GET', '/prometheus/api/v1/label/%FF/values', []);
          assert.equal(response.body, failure('bad_data', 'invalid label name: "\\xff"'));
        },
      );

      it('/query_exemplars checks its parameters and answers 204 for a query without selectors', async () => {
        const bad = await admin('GET', '/api/v1/query_exemplars', [['query', 'sum(up']]);
        assert.deepEqual(
          [bad.status, bad.body],
          [400, failure('bad_data', '1:7: parse error: unclosed left parenthesis')],
        );
        const badStart = await admin('GET', '/api/v1/query_exemplars', [
          ['query', 'up'],
          ['start', 'abc'],
        ]);
        assert.deepEqual(
          [badStart.status, badStart.body],
          [
            400,
            failure(
              'bad_data',
              `invalid parameter "start": invalid time value for 'start': cannot parse "abc" to a valid timestamp`,
            ),
          ],
        );
        const reversed = await admin('GET', '/api/v1/query_exemplars', [
          ['query', 'up'],
          ['start', T],
          ['end', T - 1],
        ]);
        assert.deepEqual(
          [reversed.status, reversed.body],
          [400, failure('bad_data', 'end timestamp must not be before start timestamp')],
        );
        const noSelector = await admin('GET', '/api/v1/query_exemplars', [['query', 'vector(1)']]);
        assert.deepEqual([noSelector.status, noSelector.body], [204, '']);
      });
    });

    describe('authentication', () => {
      const unauthorized = failure('unauthorized', 'Bad credentials');

      it('no token, a wrong token, a Basic header: 401 in Prometheus’s shape, on every route', async () => {
        for (const prefix of PREFIXES) {
          for (const route of ROUTES) {
            for (const headers of [{}, bearer('vigil_mt_wrong'), { authorization: 'Basic dXNlcjpwYXNz' }]) {
              const response = await call(t.app(), 'GET', prefix + route.path, route.params, headers);
              assert.deepEqual([response.status, response.body], [401, unauthorized], `${prefix}${route.path}`);
              assert.equal(response.headers['www-authenticate'], 'Bearer realm="vigil"');
            }
          }
        }
      });

      it('a Reader’s token, and an IAM token with IBMInstanceID, read the instance', async () => {
        const expected = success(vector([S1, T, '40'], [S2, T, '12']));
        const params: Params = [
          ['query', 'http_requests_total'],
          ['time', T],
        ];
        const reader = await call(t.app(), 'GET', '/prometheus/api/v1/query', params, bearer(w.tokens.reader));
        assert.deepEqual([reader.status, reader.body], [200, expected]);
        const iam = iamHeaders(await t.app().admin.token(), w.instance.guid);
        const viaIam = await call(t.app(), 'POST', '/api/v1/query', params, iam);
        assert.deepEqual([viaIam.status, viaIam.body], [200, expected]);
      });
    });

    describe('team scope: team A’s token (team="a") sees team a only', () => {
      it('query, query_range, series, labels, label values and metadata', async () => {
        const cases: [string, Params, string][] = [
          [
            '/query',
            [
              ['query', '{__name__=~".+"}'],
              ['time', T],
            ],
            success(vector([S1, T, '40'])),
          ],
          [
            '/query_range',
            [['query', '{__name__=~".+"}'], ...RANGE, ['step', '30']],
            success(
              matrix([
                S1,
                [
                  [T - 60, '20'],
                  [T - 30, '30'],
                  [T, '40'],
                ],
              ]),
            ),
          ],
          ['/series', [['match[]', '{__name__=~".+"}']], success([S1])],
          ['/labels', [], success(['__name__', 'code', 'job', 'remote_write', 'team'])],
          ['/label/team/values', [], success(['a'])],
          ['/label/__name__/values', [], success(['http_requests_total'])],
          ['/label/room/values', [], success([])],
          [
            '/metadata',
            [],
            success({ http_requests_total: [{ type: 'counter', help: 'Requests handled.', unit: '' }] }),
          ],
          ['/metadata', [['metric', 'temperature_celsius']], success({})],
        ];
        for (const prefix of PREFIXES) {
          for (const [path, params, body] of cases) {
            const response = await teamA('GET', prefix + path, params);
            assert.deepEqual([response.status, response.body], [200, body], `${prefix}${path}`);
          }
        }
      });

      it('queries written to reach team b return nothing of it', async () => {
        const attacks: [string, string][] = [
          ['{team="b"}', success(vector())],
          ['http_requests_total{team=~"a|b"}', success(vector([S1, T, '40']))],
          ['{__name__=~".+", team!="a"}', success(vector())],
          ['http_requests_total or temperature_celsius', success(vector([S1, T, '40']))],
          ['label_replace(temperature_celsius, "team", "a", "team", ".*")', success(vector())],
          ['label_replace({team="b"}, "x", "$1", "team", "(.*)") or vector(0)', success(vector([{}, T, '0']))],
          ['absent(http_requests_total{team="b"})', success(vector([{}, T, '1']))],
          ['count({__name__=~".+"})', success(vector([{}, T, '1']))],
          ['sum by (team) ({__name__=~".+"})', success(vector([{ team: 'a' }, T, '40']))],
          ['max_over_time(temperature_celsius[5m:30s])', success(vector())],
          ['count(count_over_time({__name__=~".+"}[1h]))', success(vector([{}, T, '1']))],
        ];
        for (const [query, body] of attacks) {
          for (const method of ['GET', 'POST'] as const) {
            const response = await teamA(method, '/prometheus/api/v1/query', [
              ['query', query],
              ['time', T],
            ]);
            assert.deepEqual([response.status, response.body], [200, body], `${method} ${query}`);
          }
        }
        const range = await teamA('GET', '/api/v1/query_range', [
          ['query', 'temperature_celsius or http_requests_total{team="b"}'],
          ...RANGE,
          ['step', '30'],
        ]);
        assert.deepEqual([range.status, range.body], [200, success(matrix())]);
        for (const [path, params] of [
          ['/series', [['match[]', '{team="b"}']]],
          ['/labels', [['match[]', '{team="b"}']]],
          ['/label/__name__/values', [['match[]', 'temperature_celsius']]],
        ] as const) {
          const response = await teamA('GET', `/prometheus/api/v1${path}`, params);
          assert.deepEqual([response.status, response.body], [200, success([])], path);
        }
      });
    });

    describe('instance isolation, and the tenant label that never shows', () => {
      it('the other instance’s token sees its own series and nothing of this instance', async () => {
        const cases: [string, Params, string][] = [
          [
            '/query',
            [
              ['query', '{__name__=~".+"}'],
              ['time', T],
            ],
            success(vector([ELSEWHERE, T, '1'])),
          ],
          [
            '/query',
            [
              ['query', 'http_requests_total or temperature_celsius'],
              ['time', T],
            ],
            success(vector()),
          ],
          [
            '/query_range',
            [['query', '{__name__=~".+"}'], ...RANGE, ['step', '30']],
            success(matrix([ELSEWHERE, [[T, '1']]])),
          ],
          ['/series', [['match[]', '{__name__=~".+"}']], success([ELSEWHERE])],
          ['/series', [['match[]', 'http_requests_total']], success([])],
          ['/labels', [], success(['__name__', 'remote_write', 'team'])],
          ['/label/__name__/values', [], success(['elsewhere_up'])],
          ['/label/job/values', [], success([])],
          ['/metadata', [], success({ elsewhere_up: [{ type: 'gauge', help: 'Elsewhere.', unit: '' }] })],
        ];
        for (const [path, params, body] of cases) {
          const response = await stranger('GET', `/api/v1${path}`, params);
          assert.deepEqual([response.status, response.body], [200, body], path);
        }
      });

      it('"@tenant" is in no label list, no series, no result, and selecting by it reaches no other instance', async () => {
        const guid = w.instance.guid;
        const other = w.other.guid;
        for (const ask of [admin, teamA, stranger]) {
          const values = await ask('GET', '/prometheus/api/v1/label/@tenant/values', []);
          assert.deepEqual([values.status, values.body], [200, success([])]);
          const names = await ask('GET', '/prometheus/api/v1/labels', []);
          assert.ok(!names.body.includes('@tenant'), names.body);
          const found = await ask('GET', '/prometheus/api/v1/series', [['match[]', '{__name__=~".+"}']]);
          assert.ok(!found.body.includes('@tenant') && !found.body.includes(guid) && !found.body.includes(other));
        }
        const queries: [string, string][] = [
          ['count by ("@tenant") ({__name__=~".+"})', success(vector([{}, T, '3']))],
          [
            'count(label_replace({__name__=~".+"}, "leak", "$1", "@tenant", "(.+)")) by (leak)',
            success(vector([{}, T, '3'])),
          ],
          [`{"@tenant"="${other}"}`, success(vector())],
          [`{"@tenant"=~".+", "@tenant"!="${guid}"}`, success(vector())],
          [`count({"@tenant"="${guid}"})`, success(vector([{}, T, '3']))],
        ];
        for (const [query, body] of queries) {
          const response = await admin('GET', '/prometheus/api/v1/query', [
            ['query', query],
            ['time', T],
          ]);
          assert.deepEqual([response.status, response.body], [200, body], query);
        }
        const stolen = await stranger('GET', '/prometheus/api/v1/series', [['match[]', `{"@tenant"="${guid}"}`]]);
        assert.deepEqual([stolen.status, stolen.body], [200, success([])]);
      });
    });
  },
  { metrics: true },
);

/** `load{i="0"…"19"}`: 100 samples each, one a second up to BASE. */
function loadSeries(count: number, samples: number, every: number) {
  return Array.from({ length: count }, (_, i) =>
    series(
      { __name__: 'load', i: String(i) },
      Array.from({ length: samples }, (_, j): [number, number] => [BASE - (samples - 1 - j) * every, j]),
    ),
  );
}

const TOO_MANY_SAMPLES = 'query processing would load too many samples into memory in query execution';

describeEachDatabase(
  'Prometheus query API: queryMaxSamples (50) and queryMaxLoadedSamples (1,500)',
  (t) => {
    let token = '';

    before(async () => {
      const w = await metricsWorld(t.app());
      token = w.tokens.reader;
      const written = await postV1(t.app(), w.tokens.writer, { timeseries: loadSeries(20, 100, 1000) });
      assert.equal(written.statusCode, 204, written.body);
    });

    const ask = (method: 'GET' | 'POST', path: string, params: Params) =>
      call(t.app(), method, path, params, bearer(token));

    it('a query within both limits answers', async () => {
      const response = await ask('GET', '/prometheus/api/v1/query', [
        ['query', 'count(load{i=~"1|2"})'],
        ['time', T],
      ]);
      assert.deepEqual([response.status, response.body], [200, success(vector([{}, T, '2']))]);
    });

    it('loading 2,000 samples for 20 points: 422 execution', async () => {
      for (const method of ['GET', 'POST'] as const) {
        const response = await ask(method, '/api/v1/query', [
          ['query', 'count(load)'],
          ['time', T],
        ]);
        assert.deepEqual([response.status, response.body], [422, failure('execution', TOO_MANY_SAMPLES)], method);
      }
    });

    it('holding 60 points of one series: 422 execution; 41 points answer', async () => {
      const over = await ask('GET', '/prometheus/api/v1/query_range', [
        ['query', 'load{i="1"}'],
        ['start', T - 59],
        ['end', T],
        ['step', '1'],
      ]);
      assert.deepEqual([over.status, over.body], [422, failure('execution', TOO_MANY_SAMPLES)]);
      const within = await ask('GET', '/prometheus/api/v1/query_range', [
        ['query', 'load{i="1"}'],
        ['start', T - 40],
        ['end', T],
        ['step', '1'],
      ]);
      assert.equal(within.status, 200, within.body);
      const body = JSON.parse(within.body) as { data: { result: { values: unknown[] }[] } };
      assert.equal(body.data.result[0]?.values.length, 41);
    });
  },
  { metrics: { queryMaxSamples: 50, queryMaxLoadedSamples: 1500 } },
);

/** A range query that takes a second or more of CPU here: twenty selections, each with its own quantiles. */
const HEAVY = Array.from({ length: 20 }, () => 'sum(quantile_over_time(0.5, load[10m]))').join(' + ');
const HEAVY_RANGE: Params = [
  ['start', T - 3600],
  ['end', T],
  ['step', '10'],
];
const TIMED_OUT = failure('timeout', 'query timed out in expression evaluation');

/** Count and total seconds of `vigil_metrics_query_duration_seconds{kind}`, read from vigil's own registry. */
async function durations(app: TestApp, kind: 'instant' | 'range'): Promise<{ count: number; sum: number }> {
  const text = await app.http.metricsRegistry.getSingleMetricAsString('vigil_metrics_query_duration_seconds');
  const read = (suffix: string) => {
    const line = text
      .split('\n')
      .find((l) => l.startsWith(`vigil_metrics_query_duration_seconds_${suffix}{kind="${kind}"}`));
    return line === undefined ? 0 : Number(line.split(' ').at(-1));
  };
  return { count: read('count'), sum: read('sum') };
}

async function eventually<T>(what: string, probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

interface StoreSpy {
  readonly selects: number;
  readonly closed: number;
  readonly signals: readonly AbortSignal[];
  /** Awaited before the n-th select (1-based) reaches the store. */
  beforeSelect: (n: number) => Promise<void>;
  restore(): void;
}

/** Wraps the store's queriers: counts selects and closes, keeps the signals queries hand it, can hold a select. */
function spyOnStore(store: Tsdb): StoreSpy {
  const original = store.querier.bind(store);
  const signals: AbortSignal[] = [];
  const spy = {
    selects: 0,
    closed: 0,
    signals,
    beforeSelect: async (_n: number) => {},
    restore: () => void Reflect.deleteProperty(store, 'querier'),
  };
  store.querier = async (range, options = {}): Promise<Querier> => {
    if (options.signal) signals.push(options.signal);
    const inner = await original(range, options);
    return {
      select: async (matchers, selectRange, hints) => {
        spy.selects += 1;
        await spy.beforeSelect(spy.selects);
        return inner.select(matchers, selectRange, hints);
      },
      labelNames: (matchers, limit) => inner.labelNames(matchers, limit),
      labelValues: (name, matchers, limit) => inner.labelValues(name, matchers, limit),
      series: (matchers, limit) => inner.series(matchers, limit),
      close: async () => {
        spy.closed += 1;
        await inner.close();
      },
    };
  };
  return spy;
}

/** Resolves once the server-side response of the request whose URL contains `marker` is closed. */
function responseClosed(app: TestApp, marker: string): Promise<void> {
  return new Promise((resolve) => {
    const onRequest = (request: IncomingMessage, response: ServerResponse) => {
      if (!request.url?.includes(marker)) return;
      app.http.server.off('request', onRequest);
      response.once('close', () => resolve());
    };
    app.http.server.on('request', onRequest);
  });
}

/**
 * A client on its own thread, so that it can go away while vigil's thread is busy evaluating: it sends the request,
 * and gives up `abortAfter` ms after the main thread tells it the request has reached the server.
 */
const IMPATIENT_CLIENT = `
const { parentPort, workerData } = require('node:worker_threads');
const controller = new AbortController();
parentPort.once('message', () => setTimeout(() => controller.abort(), workerData.abortAfter));
fetch(workerData.url, { headers: workerData.headers, signal: controller.signal }).then(
  (response) => parentPort.postMessage({ status: response.status }),
  (error) => parentPort.postMessage({ error: error.name }),
);
`;

describeEachDatabase(
  'Prometheus query API over a socket: timeouts, and a client that goes away',
  (t) => {
    let base = '';
    let headers: Record<string, string> = {};

    before(async () => {
      const app = t.app();
      const w = await metricsWorld(app);
      headers = bearer(w.tokens.reader);
      const written = await postV1(app, w.tokens.writer, { timeseries: loadSeries(100, 500, 7000) });
      assert.equal(written.statusCode, 204, written.body);
      await app.http.listen({ port: 0, host: '127.0.0.1' });
      base = `http://127.0.0.1:${(app.http.server.address() as AddressInfo).port}`;
    });

    // A client that gave up can leave a connection that never carries a request; closing the app would wait for it.
    afterEach(async () => {
      t.app().http.server.closeAllConnections();
      // Let the client see those sockets closed before it picks one for its next request.
      await new Promise((resolve) => setTimeout(resolve, 50));
    });

    const url = (path: string, params: Params) => `${base}${path}?${encode(params)}`;

    it('timeout=1ms on a heavy query: 503 timeout, without running the query to its end', async (test) => {
      const started = performance.now();
      const response = await fetch(
        url('/prometheus/api/v1/query_range', [['query', HEAVY], ...HEAVY_RANGE, ['timeout', '1ms']]),
        {
          headers,
        },
      );
      const elapsed = performance.now() - started;
      assert.deepEqual([response.status, await response.text()], [503, TIMED_OUT]);
      test.diagnostic(`503 after ${Math.round(elapsed)} ms`);
      assert.ok(elapsed < 1000, `answered after ${Math.round(elapsed)} ms`);
    });

    it('the configured queryTimeout (500 ms) stops it with 503, and timeout=1h cannot lengthen it', async (test) => {
      const started = performance.now();
      const response = await fetch(`${base}/api/v1/query_range`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
        body: encode([['query', HEAVY], ...HEAVY_RANGE, ['timeout', '1h']]),
      });
      const elapsed = performance.now() - started;
      assert.deepEqual([response.status, await response.text()], [503, TIMED_OUT]);
      test.diagnostic(`503 after ${Math.round(elapsed)} ms`);
      assert.ok(elapsed < 5000, `answered after ${Math.round(elapsed)} ms: never a hang`);
      const light = await fetch(
        url('/api/v1/query', [
          ['query', 'vector(1)'],
          ['time', T],
        ]),
        { headers },
      );
      assert.deepEqual([light.status, await light.text()], [200, success(vector([{}, T, '1']))]);
    });

    describe('a client that goes away', () => {
      const TWO_SELECTS = 'sum(load{i="1"}) + sum(load{i="2"})';
      const store = () => {
        const found = t.app().metrics?.store;
        assert.ok(found, 'the metrics plane is mounted');
        return found;
      };

      it('(control) with the store spied on, a query reads its two selectors and answers', async () => {
        const spy = spyOnStore(store());
        try {
          const response = await fetch(
            url('/prometheus/api/v1/query', [
              ['query', TWO_SELECTS],
              ['time', T],
            ]),
            { headers },
          );
          assert.deepEqual([response.status, await response.text()], [200, success(vector([{}, T, '998']))]);
          assert.deepEqual([spy.selects, spy.closed, spy.signals.map((s) => s.aborted)], [2, 1, [false]]);
        } finally {
          spy.restore();
        }
      });

      it('the evaluation is cancelled at its next step once the socket closes: the store is read no further', async () => {
        const spy = spyOnStore(store());
        const closed = responseClosed(t.app(), 'probe=disconnect');
        let reachedStore = () => {};
        const inStore = new Promise<void>((resolve) => (reachedStore = resolve));
        // The first selection waits, as a slow disk would, until the client has gone.
        spy.beforeSelect = async (n) => {
          if (n !== 1) return;
          reachedStore();
          await closed;
        };
        const before = await durations(t.app(), 'instant');
        try {
          const controller = new AbortController();
          const request = fetch(
            url('/prometheus/api/v1/query', [
              ['query', TWO_SELECTS],
              ['time', T],
              ['probe', 'disconnect'],
            ]),
            {
              headers,
              signal: controller.signal,
            },
          ).then(
            (response) => `answered ${response.status}`,
            (error: Error) => error.name,
          );
          await inStore;
          controller.abort();
          assert.equal(await request, 'AbortError');
          await eventually('the evaluation to end', () => (spy.closed === 1 ? true : undefined));
          assert.equal(spy.selects, 1, 'the second selector was never read');
          assert.equal(spy.signals[0]?.aborted, true, 'the signal handed to the store was aborted');
          const after = await eventually('the duration to be observed', async () => {
            const now = await durations(t.app(), 'instant');
            return now.count > before.count ? now : undefined;
          });
          assert.equal(after.count - before.count, 1);
        } finally {
          spy.restore();
        }
      });

      it('a CPU-bound evaluation stops soon after its client goes away', async (test) => {
        const app = t.app();
        const before = await durations(app, 'range');
        const worker = new Worker(IMPATIENT_CLIENT, {
          eval: true,
          workerData: {
            url: url('/prometheus/api/v1/query_range', [
              ['query', 'sum(quantile_over_time(0.5, load[10m]))'],
              ['start', T - 3600],
              ['end', T],
              ['step', '1'],
              ['probe', 'impatient'],
            ]),
            headers,
            abortAfter: 100,
          },
        });
        const onRequest = (request: IncomingMessage) => {
          if (request.url?.includes('probe=impatient')) worker.postMessage('arrived');
        };
        app.http.server.on('request', onRequest);
        try {
          const outcome = await new Promise((resolve) => worker.once('message', resolve));
          assert.deepEqual(outcome, { error: 'AbortError' });
          const after = await eventually('the evaluation to end', async () => {
            const now = await durations(app, 'range');
            return now.count > before.count ? now : undefined;
          });
          const ran = after.sum - before.sum;
          test.diagnostic(`evaluated for ${ran.toFixed(3)} s; the client left 0.1 s after its request arrived`);
          assert.ok(ran < 0.25, `evaluated for ${ran.toFixed(3)} s although the client left after 0.1 s`);
        } finally {
          app.http.server.off('request', onRequest);
          await worker.terminate();
        }
      });
    });
  },
  { metrics: { queryTimeout: 500 } },
);
