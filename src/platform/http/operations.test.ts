import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { buildApp } from '../../app.js';
import { openTestDatabase } from '../../testing/databases.js';
import { describeEachDatabase } from '../../testing/test-app.js';
import { LocalChangeFeed } from '../change-feed.js';
import { systemClock } from '../clock.js';
import { Keyring } from '../crypto/keyring.js';
import { cryptoRandom } from '../crypto/random.js';
import { createHttpServer } from './create-server.js';

describeEachDatabase('operations routes', (t) => {
  it('GET /healthz answers 200 {status:"ok"}', async () => {
    const res = await t.app().http.inject({ method: 'GET', url: '/healthz' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { status: 'ok' });
    assert.match(String(res.headers['x-request-id']), /^[0-9a-f-]{36}$/);
  });

  it('GET /readyz answers 200 {status:"ready"} once migrations are applied and the first start is done', async () => {
    const res = await t.app().http.inject({ method: 'GET', url: '/readyz' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { status: 'ready' });
  });

  it('keeps a sane incoming X-Request-ID and replaces an unsafe one', async () => {
    const kept = await t.app().http.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'abc-123' } });
    assert.equal(kept.headers['x-request-id'], 'abc-123');
    assert.equal(kept.headers['transaction-id'], 'abc-123');
    const replaced = await t
      .app()
      .http.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'a b<script>' } });
    assert.notEqual(replaced.headers['x-request-id'], 'a b<script>');
  });

  it('GET /metrics serves Prometheus text with request counters', async () => {
    await t.app().http.inject({ method: 'GET', url: '/healthz' });
    const res = await t.app().http.inject({ method: 'GET', url: '/metrics' });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/plain/);
    assert.match(res.body, /vigil_http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+/);
  });

  it('GET /openapi.json describes the API and /docs serves the browser', async () => {
    const res = await t.app().http.inject({ method: 'GET', url: '/openapi.json' });
    assert.equal(res.statusCode, 200);
    const doc = res.json() as { openapi: string; paths: Record<string, unknown> };
    assert.equal(doc.openapi, '3.0.3');
    assert.ok('/healthz' in doc.paths);
    const docs = await t.app().http.inject({ method: 'GET', url: '/docs/' });
    assert.equal(docs.statusCode, 200);
    assert.match(docs.body, /swagger/i);
  });

  it('an unknown route answers 404 in the shape of its surface', async () => {
    const plain = await t.app().http.inject({ method: 'GET', url: '/nowhere' });
    assert.equal(plain.statusCode, 404);
    assert.deepEqual(plain.json(), {
      error: 'not_found',
      message: 'No route for GET /nowhere',
      request_id: plain.headers['x-request-id'],
    });
    const iam = await t.app().http.inject({ method: 'GET', url: '/v1/nowhere' });
    assert.equal(iam.statusCode, 404);
    assert.deepEqual(iam.json(), {
      trace: iam.headers['x-request-id'],
      errors: [{ code: 'not_found', message: 'No route for GET /v1/nowhere' }],
      status_code: 404,
    });
  });
});

describe('GET /metrics with an operator token (VIGIL_METRICS_TOKEN)', () => {
  it('answers only Bearer <token>: 401 without it or with another one, 200 with it', async () => {
    const token = randomBytes(24).toString('hex');
    const http = await createHttpServer(
      { logger: false, publicUrl: 'http://vigil.test', version: 'test', ready: async () => true, metricsToken: token },
      [],
    );
    try {
      for (const authorization of [undefined, 'Bearer', `Bearer ${token}x`, `Basic ${token}`, token]) {
        const res = await http.inject({
          method: 'GET',
          url: '/metrics',
          headers: authorization === undefined ? {} : { authorization },
        });
        assert.equal(res.statusCode, 401, String(authorization));
        assert.equal(res.headers['www-authenticate'], 'Bearer realm="vigil-metrics"');
        assert.deepEqual(res.json(), {
          error: 'unauthorized',
          message: '/metrics needs the operator token: Authorization: Bearer <VIGIL_METRICS_TOKEN>.',
          request_id: res.headers['x-request-id'],
        });
        assert.ok(!res.body.includes(token));
      }
      const ok = await http.inject({ method: 'GET', url: '/metrics', headers: { authorization: `bearer ${token}` } });
      assert.equal(ok.statusCode, 200);
      assert.match(ok.body, /vigil_http_requests_total/);
    } finally {
      await http.close();
    }
  });
});

describe('GET /readyz before the first start is done', () => {
  it('answers 503 until the app is told the account and administrator exist, then 200', async () => {
    const database = await openTestDatabase('sqlite');
    const feed = new LocalChangeFeed();
    const app = await buildApp({
      database,
      feed,
      keyring: new Keyring(randomBytes(32)),
      clock: systemClock,
      random: cryptoRandom,
      publicUrl: 'http://vigil.test',
      logger: false,
    });
    try {
      const early = await app.http.inject({ method: 'GET', url: '/readyz' });
      assert.equal(early.statusCode, 503);
      assert.deepEqual(early.json(), { status: 'unavailable' });
      app.bootstrapped();
      const ready = await app.http.inject({ method: 'GET', url: '/readyz' });
      assert.equal(ready.statusCode, 200);
      assert.deepEqual(ready.json(), { status: 'ready' });
    } finally {
      await app.http.close();
      await feed.close();
      await database.close();
    }
  });
});
