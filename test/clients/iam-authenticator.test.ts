import assert from 'node:assert/strict';
import { describe, it, before } from 'node:test';
import { IamAuthenticator, IamTokenManager } from 'ibm-cloud-sdk-core';
import { cryptoRandom } from '../../src/platform/crypto/random.js';
import { generateSecret } from '../../src/platform/crypto/secret-token.js';
import { describeEachDatabase, type TestApp } from '../../src/testing/test-app.js';
import { BX_BASIC, REFRESH_TOKEN_SHAPE, decodeJwt } from '../../src/testing/token-fixtures.js';
import { createApiKey, createServiceId, type TestApiKey } from '../../src/testing/identity-fixtures.js';

/**
 * IBM's own Node SDK core (ibm-cloud-sdk-core, a dev dependency) against vigil on a real socket: IamAuthenticator and
 * IamTokenManager obtain tokens, reuse them from their cache, and report a bad key as IBM's endpoint would make them.
 */

const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

async function tokenRequests(app: TestApp, apikeyId: string): Promise<number> {
  const rows = await app.database.db
    .selectFrom('audit_events')
    .select('id')
    .where('action', '=', 'token.issue')
    .where('target_id', '=', apikeyId)
    .execute();
  return rows.length;
}

describeEachDatabase('ibm-cloud-sdk-core IamAuthenticator against POST /identity/token', (t) => {
  let base = '';
  let key: TestApiKey;

  before(async () => {
    const app = t.app();
    await app.http.listen({ port: 0, host: '127.0.0.1' });
    const address = app.http.server.address();
    assert.ok(address && typeof address === 'object');
    base = `http://127.0.0.1:${address.port}`;
    key = await createApiKey(app, app.admin);
  });

  describe('IamAuthenticator', () => {
    it('authenticate() sets Authorization: Bearer <jwt>, and a second call reuses the cached token', async () => {
      const app = t.app();
      const authenticator = new IamAuthenticator({ apikey: key.value, url: base });
      const first: { headers: Record<string, string> } = { headers: {} };
      await authenticator.authenticate(first);

      const authorization = String(first.headers['Authorization']);
      assert.match(authorization, /^Bearer /);
      const jwt = authorization.slice('Bearer '.length);
      assert.match(jwt, JWT);
      const { header, payload } = decodeJwt(jwt);
      assert.deepEqual(header, { alg: 'RS256', kid: app.iam.signingKeys.current().kid });
      assert.deepEqual(
        [payload['iam_id'], payload['apikey_id'], payload['client_id']],
        [app.admin.iamId, key.id, 'default'],
      );
      assert.equal(await tokenRequests(app, key.id), 1);

      const second: { headers: Record<string, string> } = { headers: {} };
      await authenticator.authenticate(second);
      assert.equal(second.headers['Authorization'], authorization);
      assert.equal(await tokenRequests(app, key.id), 1);

      // The token works on the /v1 API over the same socket.
      const res = await fetch(`${base}/v1/admin/signing-keys`, { headers: { authorization } });
      assert.equal(res.status, 200);
      const audit = await app.database.db
        .selectFrom('audit_events')
        .select(['user_agent', 'ip'])
        .where('action', '=', 'token.issue')
        .where('target_id', '=', key.id)
        .executeTakeFirstOrThrow();
      assert.match(String(audit.user_agent), /^ibm-node-sdk-core\/iam-authenticator-5\./);
      assert.equal(audit.ip, '127.0.0.1');
    });

    it('accepts a url that already ends in /identity/token', async () => {
      const app = t.app();
      const other = await createApiKey(app, app.admin);
      const authenticator = new IamAuthenticator({ apikey: other.value, url: `${base}/identity/token` });
      const options: { headers: Record<string, string> } = { headers: {} };
      await authenticator.authenticate(options);
      assert.match(String(options.headers['Authorization']), /^Bearer [A-Za-z0-9_-]+\./);
      assert.equal(await tokenRequests(app, other.id), 1);
    });

    it('gets a service ID token with a service ID key', async () => {
      const app = t.app();
      const sid = await createServiceId(app);
      const sidKey = await createApiKey(app, sid);
      const authenticator = new IamAuthenticator({ apikey: sidKey.value, url: base });
      const options: { headers: Record<string, string> } = { headers: {} };
      await authenticator.authenticate(options);
      const { payload } = decodeJwt(String(options.headers['Authorization']).slice('Bearer '.length));
      assert.deepEqual([payload['sub'], payload['sub_type'], payload['realmid']], [sid.id, 'ServiceId', 'iam']);
    });

    it('raises an error with status 400 and IBM’s message for a key vigil does not know', async () => {
      const authenticator = new IamAuthenticator({ apikey: generateSecret('apiKey', cryptoRandom), url: base });
      await assert.rejects(authenticator.authenticate({ headers: {} }), (error: unknown) => {
        const e = error as { status?: number; message?: string; result?: Record<string, unknown> };
        assert.equal(e.status, 400);
        // The SDK's rule: errorMessage, since the body's context.url does not name "iam".
        assert.equal(e.message, 'Provided API key could not be found.');
        assert.equal(e.result?.['errorCode'], 'BXNIM0415E');
        return true;
      });
    });
  });

  describe('IamTokenManager', () => {
    it('getToken() returns a JWT and reuses it', async () => {
      const app = t.app();
      const other = await createApiKey(app, app.admin);
      const manager = new IamTokenManager({ apikey: other.value, url: base });
      const token = await manager.getToken();
      assert.match(String(token), JWT);
      assert.equal(await manager.getToken(), token);
      assert.equal(await tokenRequests(app, other.id), 1);
      assert.equal(manager.getRefreshToken(), 'not_supported');
    });

    it('with clientId/clientSecret bx:bx, receives a refresh token that refreshes as the CLI does', async () => {
      const app = t.app();
      const other = await createApiKey(app, app.admin);
      const manager = new IamTokenManager({ apikey: other.value, url: base, clientId: 'bx', clientSecret: 'bx' });
      const token = String(await manager.getToken());
      assert.equal(decodeJwt(token).payload['client_id'], 'bx');
      const refreshToken = manager.getRefreshToken();
      assert.match(refreshToken, REFRESH_TOKEN_SHAPE);

      const res = await fetch(`${base}/identity/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: BX_BASIC },
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: refreshToken,
          response_type: 'cloud_iam',
        }),
      });
      assert.equal(res.status, 200);
      const body = (await res.json()) as Record<string, unknown>;
      assert.match(String(body['refresh_token']), REFRESH_TOKEN_SHAPE);
      assert.equal(decodeJwt(String(body['access_token'])).payload['apikey_id'], other.id);
    });
  });
});
