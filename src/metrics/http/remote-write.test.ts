import assert from 'node:assert/strict';
import { it } from 'node:test';
import { encodeV1, patchDoubles, snappy, STALE_NAN } from '../remote-write/testing/encoder.js';
import { metricsWorld, postV1, postV2, series, type MetricsWorld } from '../../testing/metrics-fixtures.js';
import { describeEachDatabase, type TestApp } from '../../testing/test-app.js';
import { tenantStorage } from '../store/tenant-storage.js';

const NOW = Date.now();
const ALL = { start: 0, end: NOW + 86_400_000 };

/** Everything an instance holds, read from the store (not through the API under test). */
async function stored(app: TestApp, tenant: string) {
  const store = app.metrics?.store;
  assert.ok(store);
  const querier = await tenantStorage(store, tenant).querier(ALL);
  try {
    const rows = await querier.select([{ type: '=~', name: '__name__', value: '.+' }], ALL);
    return rows.map((row) => ({
      labels: Object.fromEntries(row.labels.map((l) => [l.name, l.value])),
      t: [...row.floats.timestamps],
      v: [...row.floats.values],
      ...(row.floats.stale ? { stale: [...row.floats.stale] } : {}),
      ...(row.histograms ? { histograms: row.histograms.histograms.length } : {}),
    }));
  } finally {
    await querier.close();
  }
}

const sysdigError = (reason: string, message: string) => ({ errors: [{ reason, message }] });

describeEachDatabase(
  'POST /prometheus/remote/write and /api/v1/write',
  (t) => {
    let w: MetricsWorld;
    const world = async () => (w ??= await metricsWorld(t.app()));

    it('stores remote-write 1.0 samples in the instance, with remote_write="true", and answers 204', async () => {
      const app = t.app();
      const { tokens, instance, other } = await world();
      const response = await postV1(app, tokens.writer, {
        timeseries: [
          series({ __name__: 'rw_one', job: 'api', remote_write: 'false' }, [
            [NOW - 2000, 1],
            [NOW - 1000, 2],
          ]),
          series({ __name__: 'rw_two', job: 'db' }, [[NOW - 1000, 7.5]]),
        ],
      });
      assert.equal(response.statusCode, 204, response.body);
      assert.equal(response.body, '');
      assert.deepEqual(await stored(app, instance.guid), [
        { labels: { __name__: 'rw_one', job: 'api', remote_write: 'true' }, t: [NOW - 2000, NOW - 1000], v: [1, 2] },
        { labels: { __name__: 'rw_two', job: 'db', remote_write: 'true' }, t: [NOW - 1000], v: [7.5] },
      ]);
      assert.deepEqual(await stored(app, other.guid), [], 'nothing in the other instance');
    });

    it("accepts Prometheus's path /api/v1/write, and the same batch again (a retry) without an error", async () => {
      const app = t.app();
      const { tokens, instance } = await world();
      const body = { timeseries: [series({ __name__: 'rw_retry', job: 'x' }, [[NOW - 500, 3]])] };
      assert.equal((await postV1(app, tokens.admin, body, { url: '/api/v1/write' })).statusCode, 204);
      assert.equal((await postV1(app, tokens.admin, body)).statusCode, 204);
      const rows = (await stored(app, instance.guid)).filter((r) => r.labels['__name__'] === 'rw_retry');
      assert.deepEqual(rows, [
        { labels: { __name__: 'rw_retry', job: 'x', remote_write: 'true' }, t: [NOW - 500], v: [3] },
      ]);
    });

    it('remote-write 2.0: 204 with the written-counts headers; staleness markers kept as markers', async () => {
      const app = t.app();
      const { tokens, instance } = await world();
      const response = await postV2(app, tokens.writer, {
        symbols: ['', '__name__', 'rw_v2', 'job', 'v2'],
        timeseries: [{ labelsRefs: [1, 2, 3, 4], samples: [{ value: 4, timestamp: NOW - 3000 }] }],
      });
      assert.equal(response.statusCode, 204, response.body);
      assert.equal(response.headers['x-prometheus-remote-write-samples-written'], '1');
      assert.equal(response.headers['x-prometheus-remote-write-histograms-written'], '0');
      assert.equal(response.headers['x-prometheus-remote-write-exemplars-written'], '0');

      const raw = encodeV1({ timeseries: [series({ __name__: 'rw_v2', job: 'v2' }, [[NOW - 2000, 12345.678]])] });
      assert.equal(patchDoubles(raw, 12345.678, STALE_NAN.hi, STALE_NAN.lo), 1);
      assert.equal((await postV1(app, tokens.writer, snappy(raw))).statusCode, 204);
      const [row] = (await stored(app, instance.guid)).filter((r) => r.labels['__name__'] === 'rw_v2');
      assert.deepEqual(row, {
        labels: { __name__: 'rw_v2', job: 'v2', remote_write: 'true' },
        t: [NOW - 3000, NOW - 2000],
        v: [4, NaN],
        stale: [0, 1],
      });
    });

    it('stores native histograms of both versions (integer counts become floats), and metadata for /metadata', async () => {
      const app = t.app();
      const { tokens, instance } = await world();
      const histogram = {
        countInt: 6,
        sum: 12.5,
        schema: 0,
        zeroThreshold: 0.001,
        zeroCountInt: 1,
        positiveSpans: [{ offset: 0, length: 2 }],
        positiveDeltas: [2, 1],
        resetHint: 2,
        timestamp: NOW - 1000,
      };
      const v1 = await postV1(app, tokens.writer, {
        timeseries: [
          {
            labels: [
              { name: '__name__', value: 'rw_hist' },
              { name: 'v', value: '1' },
            ],
            histograms: [histogram],
          },
        ],
        metadata: [{ type: 3, metricFamilyName: 'rw_hist', help: 'A native histogram.', unit: 'seconds' }],
      });
      assert.equal(v1.statusCode, 204, v1.body);
      const v2 = await postV2(app, tokens.writer, {
        symbols: ['', '__name__', 'rw_hist', 'v', '2'],
        timeseries: [{ labelsRefs: [1, 2, 3, 4], histograms: [histogram] }],
      });
      assert.equal(v2.statusCode, 204, v2.body);
      assert.equal(v2.headers['x-prometheus-remote-write-histograms-written'], '1');
      const store = app.metrics?.store;
      assert.ok(store);
      const querier = await tenantStorage(store, instance.guid).querier(ALL);
      const rows = await querier.select([{ type: '=', name: '__name__', value: 'rw_hist' }], ALL);
      await querier.close();
      assert.deepEqual(
        rows.map((r) => [r.labels.map((l) => l.value).join(','), [...(r.histograms?.timestamps ?? [])]]),
        [
          ['rw_hist,true,1', [NOW - 1000]],
          ['rw_hist,true,2', [NOW - 1000]],
        ],
      );
      assert.deepEqual(rows[0]?.histograms?.histograms[0], {
        counterResetHint: 'not_reset',
        schema: 0,
        zeroThreshold: 0.001,
        zeroCount: 1,
        count: 6,
        sum: 12.5,
        positiveSpans: [{ offset: 0, length: 2 }],
        positiveBuckets: [2, 3],
        negativeSpans: [],
        negativeBuckets: [],
        customValues: [],
      });
      assert.deepEqual(
        [...store.metadataOf(instance.guid).values()].filter((m) => m.family === 'rw_hist'),
        [{ tenant: instance.guid, family: 'rw_hist', type: 'histogram', help: 'A native histogram.', unit: 'seconds' }],
      );
    });

    it('refuses a missing or wrong token (401) and a Reader (403), in Sysdig’s shape, writing nothing', async () => {
      const app = t.app();
      const { tokens, instance } = await world();
      const body = { timeseries: [series({ __name__: 'rw_refused', job: 'x' }, [[NOW, 1]])] };
      const wrong = await postV1(app, `${tokens.writer.slice(0, -4)}AAAA`, body);
      assert.equal(wrong.statusCode, 401);
      assert.deepEqual(wrong.json(), sysdigError('Unauthorized', 'Bad credentials'));
      const none = await app.http.inject({ method: 'POST', url: '/api/v1/write', payload: snappy(encodeV1(body)) });
      assert.equal(none.statusCode, 401);
      const reader = await postV1(app, tokens.reader, body);
      assert.equal(reader.statusCode, 403);
      assert.deepEqual(
        reader.json(),
        sysdigError(
          'Not enough privileges to complete the action',
          'A Read-only (ROLE_TEAM_READ) member may not write metrics to this team',
        ),
      );
      assert.deepEqual(
        (await stored(app, instance.guid)).filter((r) => r.labels['__name__'] === 'rw_refused'),
        [],
      );
    });

    it('a scoped team writes inside its scope; one series outside refuses the whole request (400)', async () => {
      const app = t.app();
      const { tokens, instance } = await world();
      const inside = series({ __name__: 'rw_scoped', team: 'a' }, [[NOW - 1000, 1]]);
      const outside = series({ __name__: 'rw_scoped', team: 'b' }, [[NOW - 1000, 2]]);
      const refused = await postV1(app, tokens.teamA, { timeseries: [inside, outside] });
      assert.equal(refused.statusCode, 400);
      assert.deepEqual(
        refused.json(),
        sysdigError(
          'Bad Request',
          `series {__name__="rw_scoped", remote_write="true", team="b"} is outside the team's scope ` +
            `({team="a"}); nothing of this request was written`,
        ),
      );
      assert.deepEqual(
        (await stored(app, instance.guid)).filter((r) => r.labels['__name__'] === 'rw_scoped'),
        [],
      );
      assert.equal((await postV1(app, tokens.teamA, { timeseries: [inside] })).statusCode, 204);
      assert.deepEqual(
        (await stored(app, instance.guid)).filter((r) => r.labels['__name__'] === 'rw_scoped'),
        [{ labels: { __name__: 'rw_scoped', remote_write: 'true', team: 'a' }, t: [NOW - 1000], v: [1] }],
      );
    });

    it('writes the valid samples and answers 400 saying how many were refused and why', async () => {
      const app = t.app();
      const { tokens, instance } = await world();
      assert.equal(
        (await postV1(app, tokens.writer, { timeseries: [series({ __name__: 'rw_partial' }, [[NOW - 1000, 1]])] }))
          .statusCode,
        204,
      );
      const response = await postV1(app, tokens.writer, {
        timeseries: [
          series({ __name__: 'rw_partial' }, [[NOW - 2000, 9]]),
          {
            labels: [
              { name: '__name__', value: 'rw_partial' },
              { name: '1bad', value: 'x' },
            ],
            samples: [{ value: 1, timestamp: NOW }],
          },
          series({ __name__: 'rw_partial_ok' }, [[NOW - 1000, 5]]),
        ],
      });
      assert.equal(response.statusCode, 400);
      const { errors } = response.json() as { errors: { reason: string; message: string }[] };
      assert.equal(errors[0]?.reason, 'Bad Request');
      assert.match(
        errors[0]?.message ?? '',
        /^2 of 3 samples rejected; out of order sample: 1 \(e\.g\. \{__name__="rw_partial", remote_write="true"\} @ \d+\); invalid series: 1 \(e\.g\. .*1bad.*\)$/,
      );
      const rows = (await stored(app, instance.guid)).filter((r) => r.labels['__name__']?.startsWith('rw_partial'));
      assert.deepEqual(
        rows.map((r) => [r.labels['__name__'], r.t, r.v]),
        [
          ['rw_partial', [NOW - 1000], [1]],
          ['rw_partial_ok', [NOW - 1000], [5]],
        ],
      );
    });

    it('answers 415 for a media type or encoding it does not decode, 400 for bad snappy or protobuf, 413 when too big', async () => {
      const app = t.app();
      const { tokens } = await world();
      const body = { timeseries: [series({ __name__: 'rw_bad' }, [[NOW, 1]])] };
      const json = await postV1(app, tokens.writer, body, { headers: { 'content-type': 'application/json' } });
      assert.equal(json.statusCode, 415);
      assert.equal((json.json() as { errors: { reason: string }[] }).errors[0]?.reason, 'Unsupported Media Type');
      const gzip = await postV1(app, tokens.writer, body, { headers: { 'content-encoding': 'gzip' } });
      assert.equal(gzip.statusCode, 415);
      const badSnappy = await postV1(app, tokens.writer, Buffer.from('not snappy at all'));
      assert.equal(badSnappy.statusCode, 400);
      assert.match((badSnappy.json() as { errors: { message: string }[] }).errors[0]?.message ?? '', /^snappy: /);
      const badProto = await postV1(app, tokens.writer, snappy(Buffer.from([0x0a, 0xff, 0xff, 0x01])));
      assert.equal(badProto.statusCode, 400);
      assert.match((badProto.json() as { errors: { message: string }[] }).errors[0]?.message ?? '', /proto/);
      const big = await postV1(app, tokens.writer, Buffer.alloc(64 * 1024 + 1, 1));
      assert.equal(big.statusCode, 413);
    });

    it('answers 429 with Retry-After over the samples-per-second limit, and writes nothing then', async () => {
      const app = t.app();
      const { tokens, instance } = await world();
      // A full bucket: earlier tests of this app spent some of it.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const many = Array.from({ length: 60 }, (_, i) => series({ __name__: 'rw_rate', i: String(i) }, [[NOW, i]]));
      assert.equal((await postV1(app, tokens.writer, { timeseries: many.slice(0, 50) })).statusCode, 204);
      const limited = await postV1(app, tokens.writer, { timeseries: many.slice(50) });
      assert.equal(limited.statusCode, 429);
      assert.equal(limited.headers['retry-after'], '1');
      assert.match(
        (limited.json() as { errors: { message: string }[] }).errors[0]?.message ?? '',
        /50 samples per second/,
      );
      assert.equal((await stored(app, instance.guid)).filter((r) => r.labels['__name__'] === 'rw_rate').length, 50);
    });
  },
  { metrics: { maxBodyBytes: 64 * 1024, maxSamplesPerSecond: 50 } },
);

describeEachDatabase(
  'POST /prometheus/remote/write: series limits',
  (t) => {
    it('answers 429 when new series would pass the active-series or per-metric limits, and writes none of them', async () => {
      const app = t.app();
      const { tokens, instance } = await metricsWorld(app);
      const batch = (name: string, from: number, n: number) =>
        Array.from({ length: n }, (_, i) => series({ __name__: name, i: String(from + i) }, [[NOW, 1]]));
      assert.equal((await postV1(app, tokens.writer, { timeseries: batch('lim_a', 0, 3) })).statusCode, 204);
      const perMetric = await postV1(app, tokens.writer, { timeseries: batch('lim_a', 3, 1) });
      assert.equal(perMetric.statusCode, 429);
      assert.match(
        (perMetric.json() as { errors: { message: string }[] }).errors[0]?.message ?? '',
        /^metric lim_a would have more than 3 active series in instance .* \(VIGIL_METRICS_MAX_SERIES_PER_METRIC\)$/,
      );
      assert.equal((await postV1(app, tokens.writer, { timeseries: batch('lim_b', 0, 2) })).statusCode, 204);
      const active = await postV1(app, tokens.writer, { timeseries: batch('lim_c', 0, 1) });
      assert.equal(active.statusCode, 429);
      assert.equal(active.headers['retry-after'], '60');
      // Known series still take samples.
      assert.equal(
        (await postV1(app, tokens.writer, { timeseries: [series({ __name__: 'lim_a', i: '0' }, [[NOW + 1000, 2]])] }))
          .statusCode,
        204,
      );
      const names = (await stored(app, instance.guid)).map((r) => r.labels['__name__']);
      assert.deepEqual(names, ['lim_a', 'lim_a', 'lim_a', 'lim_b', 'lim_b']);
    });
  },
  { metrics: { maxActiveSeries: 5, maxSeriesPerMetric: 3 } },
);
