import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock, isoAt } from '../../platform/clock.js';
import { bearer, describeEachDatabase } from '../../testing/test-app.js';
import {
  GENEROUS_LIMITS,
  apikeyGrant,
  auditEvents,
  currentKid,
  decodeJwt,
  verifyWithJwks,
} from '../../testing/token-fixtures.js';
import { createApiKey, createServiceId } from '../../testing/identity-fixtures.js';

const clock = new ManualClock(Date.UTC(2026, 7, 1, 6, 0, 0));
const HOUR_MS = 3600 * 1000;
const KID = /^\d{14}-[0-9a-f]{6}$/;

interface Jwk {
  kty: string;
  n: string;
  e: string;
  alg: string;
  kid: string;
  use: string;
}

describeEachDatabase(
  'token keys and discovery',
  (t) => {
    describe('GET /identity/keys', () => {
      it('answers 200 with the JWKS: the current RS256 public key by kid, no private parts', async () => {
        const app = t.app();
        const res = await app.http.inject({ method: 'GET', url: '/identity/keys' });
        assert.equal(res.statusCode, 200);
        const { keys } = res.json() as { keys: Jwk[] };
        assert.equal(keys.length, 1);
        const [key] = keys as [Jwk];
        assert.match(key.n, /^[A-Za-z0-9_-]{342}$/);
        assert.deepEqual(key, { kty: 'RSA', n: key.n, e: 'AQAB', alg: 'RS256', kid: currentKid(app), use: 'sig' });
        assert.match(key.kid, KID);
      });
    });

    describe('GET /identity/.well-known/openid-configuration', () => {
      it('answers 200 with the issuer and endpoints under the public URL', async () => {
        const app = t.app();
        const res = await app.http.inject({ method: 'GET', url: '/identity/.well-known/openid-configuration' });
        assert.equal(res.statusCode, 200);
        assert.deepEqual(res.json(), {
          issuer: 'http://vigil.test/identity',
          token_endpoint: 'http://vigil.test/identity/token',
          jwks_uri: 'http://vigil.test/identity/keys',
          grant_types_supported: ['urn:ibm:params:oauth:grant-type:apikey', 'refresh_token', 'password'],
          response_types_supported: ['cloud_iam'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['RS256'],
          token_endpoint_auth_methods_supported: ['none', 'client_secret_basic'],
        });
      });
    });

    describe('GET /v1/admin/signing-keys', () => {
      it('answers 200 to an account administrator with kids and dates only', async () => {
        const app = t.app();
        const res = await app.http.inject({
          method: 'GET',
          url: '/v1/admin/signing-keys',
          headers: bearer(await app.admin.token()),
        });
        assert.equal(res.statusCode, 200, res.body);
        const row = await app.database.db.selectFrom('signing_keys').selectAll().executeTakeFirstOrThrow();
        assert.deepEqual(res.json(), {
          keys: [
            {
              kid: currentKid(app),
              alg: 'RS256',
              created_at: row.created_at,
              retired_at: null,
              current: true,
              in_jwks: true,
            },
          ],
        });
      });

      it('answers 403 to a user who is not an administrator, and to a service ID', async () => {
        const app = t.app();
        const user = await app.createUser();
        const sid = await createServiceId(app);
        for (const token of [await user.token(), await app.tokenFor(sid.iamId)]) {
          const res = await app.http.inject({ method: 'GET', url: '/v1/admin/signing-keys', headers: bearer(token) });
          assert.equal(res.statusCode, 403);
          assert.deepEqual(res.json(), {
            trace: res.headers['x-request-id'],
            errors: [
              {
                code: 'insufficent_permissions',
                message_code: 'BXNIM0513E',
                message: 'You are not authorized to manage signing keys.',
              },
            ],
            status_code: 403,
          });
        }
      });

      it("answers 403 to another account's administrator: signing keys belong to the operator account", async () => {
        const app = t.app();
        const otherOwner = await app.createAccount();
        for (const [method, url] of [
          ['GET', '/v1/admin/signing-keys'],
          ['POST', '/v1/admin/signing-keys/rotate'],
        ] as const) {
          const before = currentKid(app);
          const res = await app.http.inject({ method, url, headers: bearer(await otherOwner.token()) });
          assert.equal(res.statusCode, 403);
          assert.deepEqual(res.json(), {
            trace: res.headers['x-request-id'],
            errors: [
              {
                code: 'insufficent_permissions',
                message_code: 'BXNIM0513E',
                message: 'You are not authorized to manage signing keys.',
              },
            ],
            status_code: 403,
          });
          assert.equal(currentKid(app), before);
        }
      });

      it('answers 401 without a token', async () => {
        const app = t.app();
        const res = await app.http.inject({ method: 'GET', url: '/v1/admin/signing-keys' });
        assert.equal(res.statusCode, 401);
        assert.equal(res.json().errors[0].code, 'missing_token');
      });
    });

    describe('POST /v1/admin/signing-keys/rotate', () => {
      it('refuses a non-administrator with 403 and changes nothing', async () => {
        const app = t.app();
        const user = await app.createUser();
        const before = currentKid(app);
        const res = await app.http.inject({
          method: 'POST',
          url: '/v1/admin/signing-keys/rotate',
          headers: bearer(await user.token()),
        });
        assert.equal(res.statusCode, 403);
        assert.equal(currentKid(app), before);
        assert.equal((await app.database.db.selectFrom('signing_keys').selectAll().execute()).length, 1);
      });

      it('makes a new key current; the previous one keeps verifying its tokens until they expire', async () => {
        const app = t.app();
        const key = await createApiKey(app, app.admin);
        const oldKid = currentKid(app);
        const oldToken = String((await apikeyGrant(app, key.value)).json().access_token);
        const adminToken = String((await apikeyGrant(app, key.value)).json().access_token);
        clock.advance(60_000);

        const res = await app.http.inject({
          method: 'POST',
          url: '/v1/admin/signing-keys/rotate',
          headers: bearer(adminToken),
        });

        assert.equal(res.statusCode, 200, res.body);
        const body = res.json() as { kid: string; keys: Jwk[] };
        assert.match(body.kid, KID);
        assert.notEqual(body.kid, oldKid);
        assert.deepEqual(
          body.keys.map((k) => k.kid),
          [body.kid, oldKid],
        );
        assert.equal(currentKid(app), body.kid);
        const jwks = (await app.http.inject({ method: 'GET', url: '/identity/keys' })).json() as { keys: Jwk[] };
        assert.deepEqual(jwks, { keys: body.keys });
        const rows = await app.database.db.selectFrom('signing_keys').selectAll().orderBy('created_at').execute();
        assert.deepEqual(
          rows.map((r) => [r.kid, r.retired_at]),
          [
            [oldKid, isoAt(clock.now())],
            [body.kid, null],
          ],
        );
        const audit = (await auditEvents(app, 'signing_key.rotate')).at(-1);
        assert.deepEqual([audit?.actor_iam_id, audit?.target_id], [app.admin.iamId, body.kid]);

        // New tokens use the new kid and verify against the JWKS.
        const newToken = String((await apikeyGrant(app, key.value)).json().access_token);
        assert.equal(decodeJwt(newToken).header['kid'], body.kid);
        await verifyWithJwks(app, newToken);

        // The old token still works until it expires, then it does not.
        const call = (token: string) =>
          app.http.inject({ method: 'GET', url: '/v1/admin/signing-keys', headers: bearer(token) });
        assert.equal((await call(oldToken)).statusCode, 200);
        await verifyWithJwks(app, oldToken);
        clock.advance(HOUR_MS - 120_000);
        assert.equal((await call(oldToken)).statusCode, 200);
        clock.advance(120_000);
        const expired = await call(oldToken);
        assert.equal(expired.statusCode, 401);
        assert.equal(expired.json().errors[0].code, 'invalid_token');
        assert.equal((await call(newToken)).statusCode, 200);

        const listed = (await call(newToken)).json() as { keys: Array<Record<string, unknown>> };
        assert.deepEqual(
          listed.keys.map((k) => [k['kid'], k['current']]),
          [
            [body.kid, true],
            [oldKid, false],
          ],
        );
      });

      it('serves only the newest two keys once older ones can no longer verify anything', async () => {
        const app = t.app();
        const rotate = async () => {
          clock.advance(1_000);
          const res = await app.http.inject({
            method: 'POST',
            url: '/v1/admin/signing-keys/rotate',
            headers: bearer(await app.admin.token()),
          });
          assert.equal(res.statusCode, 200, res.body);
          return (res.json() as { kid: string }).kid;
        };
        const first = currentKid(app);
        const second = await rotate();
        const third = await rotate();
        let kids = ((await app.http.inject({ method: 'GET', url: '/identity/keys' })).json() as { keys: Jwk[] }).keys;
        // Keys retired by earlier tests in this block may still be there too, after these three.
        assert.deepEqual(kids.map((k) => k.kid).slice(0, 3), [third, second, first]);
        clock.advance(HOUR_MS + 61_000);
        kids = ((await app.http.inject({ method: 'GET', url: '/identity/keys' })).json() as { keys: Jwk[] }).keys;
        assert.deepEqual(
          kids.map((k) => k.kid),
          [third, second],
        );
      });
    });
  },
  { clock, tokenRateLimits: GENEROUS_LIMITS },
);
