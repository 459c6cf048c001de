import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { createTestApp, type TestApp } from '../testing/test-app.js';

/** A console build of our own (what Vite writes), so that these tests do not depend on `npm run build:web`. */
function fakeBuild(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-console-'));
  fs.mkdirSync(path.join(dir, 'assets'));
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>vigil</title><div id="root"></div>');
  fs.writeFileSync(path.join(dir, 'assets', 'index-AbC123.js'), `console.log(${JSON.stringify('x'.repeat(4000))});\n`);
  fs.writeFileSync(path.join(dir, 'assets', 'font-Xy9.woff2'), Buffer.from([0x77, 0x4f, 0x46, 0x32, 1, 2, 3]));
  fs.writeFileSync(path.join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  fs.writeFileSync(path.join(dir, '.build-stamp'), 'not served\n');
  return dir;
}

const HTML = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };
const INDEX = '<!doctype html><title>vigil</title><div id="root"></div>';

describe('the console at /', () => {
  let app: TestApp;
  let dir: string;

  before(async () => {
    dir = fakeBuild();
    app = await createTestApp('sqlite', { consoleDir: dir });
  });
  after(async () => {
    await app.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serves index.html at / for revalidation on every load, with the page policy headers', async () => {
    const res = await app.http.inject({ method: 'GET', url: '/', headers: HTML });
    assert.equal(res.statusCode, 200);
    assert.equal(res.body, INDEX);
    assert.equal(res.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(res.headers['cache-control'], 'no-cache');
    assert.match(String(res.headers['etag']), /^"[A-Za-z0-9_-]{27}"$/);
    assert.equal(res.headers['x-frame-options'], 'DENY');
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.equal(res.headers['referrer-policy'], 'same-origin');
    const csp = String(res.headers['content-security-policy']);
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.doesNotMatch(csp, /unsafe-eval/);
  });

  it('answers every page path of the app with index.html, with or without a query', async () => {
    for (const url of [
      '/iam/apikeys',
      '/iam/serviceids/ServiceId-1',
      '/monitoring/instances/x/teams?team=2',
      '/index.html',
    ]) {
      const res = await app.http.inject({ method: 'GET', url, headers: HTML });
      assert.equal(res.statusCode, 200, url);
      assert.equal(res.body, INDEX, url);
      assert.equal(res.headers['cache-control'], 'no-cache', url);
    }
  });

  it('serves hashed assets as immutable for a year, other files revalidated, dotfiles never', async () => {
    const js = await app.http.inject({ method: 'GET', url: '/assets/index-AbC123.js' });
    assert.equal(js.statusCode, 200);
    assert.equal(js.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal(js.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(js.headers['content-security-policy'], undefined);
    assert.equal(js.body, fs.readFileSync(path.join(dir, 'assets', 'index-AbC123.js'), 'utf8'));
    const font = await app.http.inject({ method: 'GET', url: '/assets/font-Xy9.woff2' });
    assert.equal(font.headers['content-type'], 'font/woff2');
    assert.deepEqual(font.rawPayload, Buffer.from([0x77, 0x4f, 0x46, 0x32, 1, 2, 3]));
    const icon = await app.http.inject({ method: 'GET', url: '/favicon.svg' });
    assert.equal(icon.statusCode, 200);
    assert.equal(icon.headers['content-type'], 'image/svg+xml');
    assert.equal(icon.headers['cache-control'], 'no-cache');
    const stamp = await app.http.inject({ method: 'GET', url: '/.build-stamp', headers: HTML });
    assert.equal(stamp.statusCode, 404);
  });

  it('compresses text for clients that accept gzip, and only for them', async () => {
    const zipped = await app.http.inject({
      method: 'GET',
      url: '/assets/index-AbC123.js',
      headers: { 'accept-encoding': 'gzip, deflate, br' },
    });
    assert.equal(zipped.headers['content-encoding'], 'gzip');
    assert.equal(zipped.headers['vary'], 'accept-encoding');
    const original = fs.readFileSync(path.join(dir, 'assets', 'index-AbC123.js'));
    assert.ok(zipped.rawPayload.length < original.length / 10);
    assert.deepEqual(gunzipSync(zipped.rawPayload), original);
    const plain = await app.http.inject({ method: 'GET', url: '/assets/index-AbC123.js' });
    assert.equal(plain.headers['content-encoding'], undefined);
    const font = await app.http.inject({
      method: 'GET',
      url: '/assets/font-Xy9.woff2',
      headers: { 'accept-encoding': 'gzip' },
    });
    assert.equal(font.headers['content-encoding'], undefined, 'fonts are compressed already');
  });

  it('answers 304 to a matching If-None-Match, and HEAD without a body', async () => {
    const first = await app.http.inject({ method: 'GET', url: '/assets/index-AbC123.js' });
    const etag = String(first.headers['etag']);
    const again = await app.http.inject({
      method: 'GET',
      url: '/assets/index-AbC123.js',
      headers: { 'if-none-match': etag },
    });
    assert.equal(again.statusCode, 304);
    assert.equal(again.body, '');
    const stale = await app.http.inject({
      method: 'GET',
      url: '/assets/index-AbC123.js',
      headers: { 'if-none-match': '"other"' },
    });
    assert.equal(stale.statusCode, 200);
    const head = await app.http.inject({ method: 'HEAD', url: '/' });
    assert.equal(head.statusCode, 200);
    assert.equal(head.body, '');
    assert.equal(head.headers['content-type'], 'text/html; charset=utf-8');
  });

  it('a missing file is a 404 in vigil’s shape, never the app page', async () => {
    for (const url of ['/assets/index-Gone.js', '/favicon.ico', '/robots.txt']) {
      const res = await app.http.inject({ method: 'GET', url, headers: HTML });
      assert.equal(res.statusCode, 404, url);
      assert.deepEqual(res.json(), {
        error: 'not_found',
        message: `No route for GET ${url}`,
        request_id: res.headers['x-request-id'],
      });
    }
  });

  it('a script asking for JSON at an unknown path gets the plain 404, not HTML', async () => {
    const res = await app.http.inject({ method: 'GET', url: '/nowhere', headers: { accept: 'application/json' } });
    assert.equal(res.statusCode, 404);
    assert.deepEqual(res.json(), {
      error: 'not_found',
      message: 'No route for GET /nowhere',
      request_id: res.headers['x-request-id'],
    });
  });

  it('unknown API paths keep the 404 of their own surface, even for a browser', async () => {
    const iam = await app.http.inject({ method: 'GET', url: '/v1/nowhere', headers: HTML });
    assert.equal(iam.statusCode, 404);
    assert.deepEqual(iam.json(), {
      trace: iam.headers['x-request-id'],
      errors: [{ code: 'not_found', message: 'No route for GET /v1/nowhere' }],
      status_code: 404,
    });
    const sysdig = await app.http.inject({ method: 'GET', url: '/api/nowhere', headers: HTML });
    assert.equal(sysdig.statusCode, 404);
    const sysdigBody = sysdig.json() as { errors: { reason: string; message: string }[] };
    assert.equal(sysdigBody.errors[0]?.message, 'No route for GET /api/nowhere');
    for (const url of ['/v2/nowhere', '/auth/nowhere', '/identity/nowhere', '/prometheus/nowhere']) {
      const res = await app.http.inject({ method: 'GET', url, headers: HTML });
      assert.equal(res.statusCode, 404, url);
      assert.doesNotMatch(res.body, /<title>vigil/, url);
    }
    const docs = await app.http.inject({ method: 'GET', url: '/docs/', headers: HTML });
    assert.equal(docs.statusCode, 200);
    assert.match(docs.body, /swagger/i);
    const health = await app.http.inject({ method: 'GET', url: '/healthz', headers: HTML });
    assert.deepEqual(health.json(), { status: 'ok' });
  });

  it('refuses paths that climb out of the build or do not decode, and methods other than GET and HEAD', async () => {
    for (const url of ['/..%2f..%2fpackage.json', '/assets/..%2f..%2f..%2fetc%2fpasswd', '/a%00b', '/.git/config']) {
      const res = await app.http.inject({ method: 'GET', url, headers: HTML });
      assert.equal(res.statusCode, 404, url);
      assert.equal((res.json() as { error: string }).error, 'not_found', url);
    }
    // A malformed escape is refused before any route, in the surface's shape.
    const malformed = await app.http.inject({ method: 'GET', url: '/%E0%A4%A', headers: HTML });
    assert.equal(malformed.statusCode, 400);
    assert.deepEqual(malformed.json(), {
      error: 'invalid_url',
      message: "The URL /%E0%A4%A is not valid: '/%E0%A4%A' is not a valid url component",
      request_id: malformed.headers['x-request-id'],
    });
    const iam = await app.http.inject({ method: 'GET', url: '/v1/users/%E0%A4%A' });
    assert.equal(iam.statusCode, 400);
    assert.equal((iam.json() as { errors: { code: string }[] }).errors[0]?.code, 'invalid_url');
    const post = await app.http.inject({ method: 'POST', url: '/iam/apikeys', headers: HTML });
    assert.equal(post.statusCode, 404);
    assert.equal((post.json() as { error: string }).error, 'not_found');
  });
});

describe('the console when it is not built', () => {
  let app: TestApp;
  let dir: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-console-empty-'));
    app = await createTestApp('sqlite', { consoleDir: dir });
  });
  after(async () => {
    await app.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('says how to build it at /, and the APIs work as ever', async () => {
    const res = await app.http.inject({ method: 'GET', url: '/', headers: HTML });
    assert.equal(res.statusCode, 404);
    assert.deepEqual(res.json(), {
      error: 'console_not_built',
      message: 'The web console is not built: run `npm run build` (or `npm start`, which builds it).',
      request_id: res.headers['x-request-id'],
    });
    const health = await app.http.inject({ method: 'GET', url: '/healthz' });
    assert.equal(health.statusCode, 200);
  });
});
