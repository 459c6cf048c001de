import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock, isoAt } from '../../platform/clock.js';
import { bearer, describeEachDatabase } from '../../testing/test-app.js';
import {
  API_KEY_NOT_FOUND,
  APIKEY_GRANT,
  BX_BASIC,
  GENEROUS_LIMITS,
  JWT_SHAPE,
  REFRESH_TOKEN_SHAPE,
  UUID,
  apikeyGrant,
  assertTokenError,
  auditEvents,
  currentKid,
  decodeJwt,
  missing,
  postToken,
  verifyWithJwks,
} from '../../testing/token-fixtures.js';
import { createApiKey, createServiceId } from '../../testing/identity-fixtures.js';

const clock = new ManualClock(Date.UTC(2026, 2, 1, 12, 0, 0));
const iat = () => Math.floor(clock.now() / 1000);

describeEachDatabase(
  'POST /identity/token (apikey grant)',
  (t) => {
    describe('a user API key', () => {
      it('answers 200 with IBM’s body and an RS256 JWT carrying IBM’s user claims', async () => {
        const app = t.app();
        const user = await app.createUser({ name: 'Grace Brewster Hopper' });
        const key = await createApiKey(app, user);

        const res = await apikeyGrant(app, key.value);

        assert.equal(res.statusCode, 200, res.body);
        assert.equal(res.headers['cache-control'], 'no-store');
        const body = res.json() as Record<string, unknown>;
        assert.match(String(body['access_token']), JWT_SHAPE);
        assert.deepEqual(body, {
          access_token: body['access_token'],
          refresh_token: 'not_supported',
          token_type: 'Bearer',
          expires_in: 3600,
          expiration: iat() + 3600,
          scope: 'ibm openid',
        });
        const { header, payload } = decodeJwt(String(body['access_token']));
        assert.deepEqual(header, { alg: 'RS256', kid: currentKid(app) });
        assert.match(String(payload['jti']), UUID);
        assert.deepEqual(payload, {
          iam_id: user.iamId,
          id: user.iamId,
          realmid: 'IBMid',
          identifier: user.iamId.replace(/^IBMid-/, ''),
          sub: user.email,
          sub_type: 'user',
          name: 'Grace Brewster Hopper',
          email: user.email,
          given_name: 'Grace',
          family_name: 'Brewster Hopper',
          account: { valid: true, bss: app.accountId, frozen: false },
          iat: iat(),
          exp: iat() + 3600,
          iss: 'http://vigil.test/identity',
          grant_type: APIKEY_GRANT,
          scope: 'ibm openid',
          client_id: 'default',
          acr: 1,
          amr: ['pwd'],
          jti: payload['jti'],
          apikey_id: key.id,
        });
        await verifyWithJwks(app, String(body['access_token']));
      });

      it('issues a token that authenticates on the /v1 API', async () => {
        const app = t.app();
        const key = await createApiKey(app, app.admin);
        const token = String((await apikeyGrant(app, key.value)).json().access_token);
        const res = await app.http.inject({ method: 'GET', url: '/v1/admin/signing-keys', headers: bearer(token) });
        assert.equal(res.statusCode, 200, res.body);
      });

      it('takes the fields in any order, with or without Accept, response_type and scope', async () => {
        const app = t.app();
        const key = await createApiKey(app, app.admin);
        const orders: Array<Record<string, string>> = [
          { grant_type: APIKEY_GRANT, apikey: key.value },
          { apikey: key.value, grant_type: APIKEY_GRANT, response_type: 'cloud_iam', scope: 'ibm openid' },
          { scope: 'ibm', response_type: 'cloud_iam', apikey: key.value, grant_type: APIKEY_GRANT },
        ];
        for (const fields of orders) {
          assert.equal((await postToken(app, fields)).statusCode, 200);
          assert.equal((await postToken(app, fields, { accept: 'application/json' })).statusCode, 200);
        }
        const charset = await postToken(
          app,
          { grant_type: APIKEY_GRANT, apikey: key.value },
          { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' },
        );
        assert.equal(charset.statusCode, 200);
      });

      it('works for a locked key: locking blocks changes, not use', async () => {
        const app = t.app();
        const key = await createApiKey(app, app.admin, { locked: true });
        assert.equal((await apikeyGrant(app, key.value)).statusCode, 200);
      });

      it('works for a key whose expiry is still ahead', async () => {
        const app = t.app();
        const key = await createApiKey(app, app.admin, { expiresAt: isoAt(clock.now() + 60_000) });
        assert.equal((await apikeyGrant(app, key.value)).statusCode, 200);
      });
    });

    describe('a service ID API key', () => {
      it('answers 200 with a JWT carrying IBM’s service ID claims', async () => {
        const app = t.app();
        const sid = await createServiceId(app);
        const key = await createApiKey(app, sid);

        const res = await apikeyGrant(app, key.value);

        assert.equal(res.statusCode, 200, res.body);
        const body = res.json() as Record<string, unknown>;
        assert.deepEqual(body, {
          access_token: body['access_token'],
          refresh_token: 'not_supported',
          token_type: 'Bearer',
          expires_in: 3600,
          expiration: iat() + 3600,
          scope: 'ibm openid',
        });
        const { header, payload } = decodeJwt(String(body['access_token']));
        assert.deepEqual(header, { alg: 'RS256', kid: currentKid(app) });
        assert.deepEqual(payload, {
          iam_id: sid.iamId,
          id: sid.iamId,
          realmid: 'iam',
          identifier: sid.id,
          sub: sid.id,
          sub_type: 'ServiceId',
          name: sid.name,
          authn: { sub: sid.id, iam_id: sid.iamId, sub_type: 'ServiceId', name: sid.name },
          account: { valid: true, bss: app.accountId, frozen: false },
          iat: iat(),
          exp: iat() + 3600,
          iss: 'http://vigil.test/identity',
          grant_type: APIKEY_GRANT,
          scope: 'ibm openid',
          client_id: 'default',
          acr: 1,
          amr: ['pwd'],
          jti: payload['jti'],
          apikey_id: key.id,
        });
        assert.match(sid.id, /^ServiceId-[0-9a-f-]{36}$/);
        await verifyWithJwks(app, String(body['access_token']));
      });
    });

    describe('client credentials', () => {
      it('with Basic bx:bx, answers client_id "bx" and a refresh token stored only as its index', async () => {
        const app = t.app();
        const key = await createApiKey(app, app.admin);
        const before = await app.database.db.selectFrom('refresh_tokens').selectAll().execute();

        const res = await apikeyGrant(app, key.value, { authorization: BX_BASIC });

        assert.equal(res.statusCode, 200, res.body);
        const body = res.json() as Record<string, unknown>;
        const refreshToken = String(body['refresh_token']);
        assert.match(refreshToken, REFRESH_TOKEN_SHAPE);
        assert.deepEqual(body, {
          access_token: body['access_token'],
          refresh_token: refreshToken,
          token_type: 'Bearer',
          expires_in: 3600,
          expiration: iat() + 3600,
          scope: 'ibm openid',
        });
        assert.equal(decodeJwt(String(body['access_token'])).payload['client_id'], 'bx');
        const after = await app.database.db.selectFrom('refresh_tokens').selectAll().execute();
        assert.equal(after.length, before.length + 1);
        const row = after.find((r) => !before.some((b) => b.token_hash === r.token_hash));
        assert.ok(row);
        assert.match(row.family_id, UUID);
        assert.deepEqual(row, {
          token_hash: app.iam.ctx.keyring.index(refreshToken),
          family_id: row.family_id,
          account_id: app.accountId,
          iam_id: app.admin.iamId,
          apikey_id: key.id,
          client_id: 'bx',
          scope: 'ibm openid',
          created_at: isoAt(clock.now()),
          expires_at: isoAt(clock.now() + 30 * 24 * 3600 * 1000),
          used_at: null,
          revoked: 0,
        });
        assert.ok(!JSON.stringify(after).includes(refreshToken));
      });

      for (const [label, authorization] of [
        ['an unknown client', `Basic ${Buffer.from('cli:cli').toString('base64')}`],
        ['bx with a wrong secret', `Basic ${Buffer.from('bx:nope').toString('base64')}`],
        ['Basic without a colon', `Basic ${Buffer.from('bx').toString('base64')}`],
        ['Basic garbage', 'Basic !!!'],
        ['another scheme', 'Bearer abc'],
      ] as const) {
        it(`refuses ${label} with 401 BXNIM0416E, issuing nothing`, async () => {
          const app = t.app();
          const key = await createApiKey(app, app.admin);
          const issuedBefore = (await auditEvents(app, 'token.issue')).length;
          const refreshBefore = await app.database.db.selectFrom('refresh_tokens').selectAll().execute();
          const res = await apikeyGrant(app, key.value, { authorization });
          assertTokenError(res, 401, {
            errorCode: 'BXNIM0416E',
            errorMessage: 'Provided client credentials are invalid.',
          });
          assert.equal((await auditEvents(app, 'token.issue')).length, issuedBefore);
          assert.deepEqual(await app.database.db.selectFrom('refresh_tokens').selectAll().execute(), refreshBefore);
          assert.equal((await auditEvents(app, 'token.failure')).at(-1)?.details['reason'], 'invalid_client');
        });
      }
    });

    describe('refusals', () => {
      it('answers 400 BXNIM0109E when grant_type is missing (empty body, no body, garbage)', async () => {
        const app = t.app();
        assertTokenError(await postToken(app, {}), 400, missing('grant_type'));
        assertTokenError(await postToken(app, { grant_type: '' }), 400, missing('grant_type'));
        assertTokenError(await app.http.inject({ method: 'POST', url: '/identity/token' }), 400, missing('grant_type'));
        const garbage = await app.http.inject({
          method: 'POST',
          url: '/identity/token',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          payload: '%%%&&==\u0000',
        });
        assertTokenError(garbage, 400, missing('grant_type'));
      });

      it('answers 400 BXNIM0109E when apikey is missing or empty', async () => {
        const app = t.app();
        assertTokenError(await postToken(app, { grant_type: APIKEY_GRANT }), 400, missing('apikey'));
        assertTokenError(await postToken(app, { grant_type: APIKEY_GRANT, apikey: '' }), 400, missing('apikey'));
      });

      it('answers 400 BXNIM0104E for a grant it does not support', async () => {
        const app = t.app();
        assertTokenError(await postToken(app, { grant_type: 'client_credentials' }), 400, {
          errorCode: 'BXNIM0104E',
          errorMessage: 'Unsupported grant type.',
          errorDetails: "Grant type 'client_credentials' is not supported.",
        });
      });

      it('answers the same 400 BXNIM0415E for a malformed, unknown, disabled, expired or deleted key', async () => {
        const app = t.app();
        const good = await createApiKey(app, app.admin);
        const unknown = await createApiKey(app, app.admin);
        await app.database.db.deleteFrom('api_keys').where('id', '=', unknown.id).execute();
        const disabled = await createApiKey(app, app.admin, { disabled: true });
        const expired = await createApiKey(app, app.admin, { expiresAt: isoAt(clock.now()) });
        const deleted = await createApiKey(app, app.admin);
        assert.equal((await apikeyGrant(app, deleted.value)).statusCode, 200);
        await app.database.db.deleteFrom('api_keys').where('id', '=', deleted.id).execute();
        const flipped = good.value.slice(0, -1) + (good.value.endsWith('A') ? 'B' : 'A');

        for (const value of [flipped, 'not-a-key', unknown.value, disabled.value, expired.value, deleted.value]) {
          assertTokenError(await apikeyGrant(app, value), 400, API_KEY_NOT_FOUND);
        }
        const reasons = (await auditEvents(app, 'token.failure')).slice(-6).map((e) => e.details['reason']);
        assert.deepEqual(reasons, [
          'apikey_malformed',
          'apikey_malformed',
          'apikey_unknown',
          'apikey_disabled',
          'apikey_expired',
          'apikey_unknown',
        ]);
      });

      it('answers 400 BXNIM0415E when the key’s owner is disabled or deleted', async () => {
        const app = t.app();
        const disabledUser = await app.createUser();
        const disabledKey = await createApiKey(app, disabledUser);
        await app.database.db
          .updateTable('users')
          .set({ state: 'DISABLED' })
          .where('iam_id', '=', disabledUser.iamId)
          .execute();
        const goneUser = await app.createUser();
        const goneUserKey = await createApiKey(app, goneUser);
        await app.database.db.deleteFrom('users').where('iam_id', '=', goneUser.iamId).execute();
        const sid = await createServiceId(app);
        const sidKey = await createApiKey(app, sid);
        await app.database.db.deleteFrom('service_ids').where('id', '=', sid.id).execute();

        for (const key of [disabledKey, goneUserKey, sidKey]) {
          assertTokenError(await apikeyGrant(app, key.value), 400, API_KEY_NOT_FOUND);
        }
        const reasons = (await auditEvents(app, 'token.failure')).slice(-3).map((e) => e.details['reason']);
        assert.deepEqual(reasons, ['owner_inactive', 'owner_inactive', 'owner_inactive']);
      });

      it('answers 405 BXNIM0060E to other methods', async () => {
        const app = t.app();
        for (const method of ['GET', 'PUT', 'PATCH', 'DELETE'] as const) {
          const res = await app.http.inject({ method, url: '/identity/token' });
          assertTokenError(res, 405, { errorCode: 'BXNIM0060E', errorMessage: 'Method not allowed.' });
          assert.equal(res.headers['allow'], 'POST');
        }
      });

      it('answers 400 to a body that is not a form (JSON, text) and 413 to a huge one, never 500', async () => {
        const app = t.app();
        const key = await createApiKey(app, app.admin);
        const unsupported = {
          errorCode: 'BXNIM0109E',
          errorMessage: 'Content-Type must be application/x-www-form-urlencoded.',
        };
        const json = await app.http.inject({
          method: 'POST',
          url: '/identity/token',
          payload: { grant_type: APIKEY_GRANT, apikey: key.value },
        });
        assertTokenError(json, 400, unsupported);
        const text = await app.http.inject({
          method: 'POST',
          url: '/identity/token',
          headers: { 'content-type': 'text/plain' },
          payload: `grant_type=${APIKEY_GRANT}`,
        });
        assertTokenError(text, 400, unsupported);
        const huge = await postToken(app, { grant_type: APIKEY_GRANT, apikey: 'x'.repeat(100_000) });
        assertTokenError(huge, 413, { errorCode: 'BXNIM0109E', errorMessage: 'The request body is too large.' });
      });
    });

    describe('audit', () => {
      it('records every grant and every refusal with origin, never the key or its hash', async () => {
        const app = t.app();
        const key = await createApiKey(app, app.admin);
        const disabled = await createApiKey(app, app.admin, { disabled: true });
        const headers = { 'user-agent': 'audit-test/1.0', 'x-request-id': 'req-audit-1' };
        await apikeyGrant(app, key.value, headers);
        await apikeyGrant(app, disabled.value, { ...headers, 'x-request-id': 'req-audit-2' });

        const issued = (await auditEvents(app, 'token.issue')).at(-1);
        assert.ok(issued);
        assert.deepEqual(
          { ...issued, seq: 0, id: '' },
          {
            seq: 0,
            id: '',
            account_id: app.accountId,
            at: isoAt(clock.now()),
            action: 'token.issue',
            outcome: 'success',
            actor_iam_id: app.admin.iamId,
            target_type: 'apikey',
            target_id: key.id,
            ip: '127.0.0.1',
            user_agent: 'audit-test/1.0',
            request_id: 'req-audit-1',
            details: { grant_type: APIKEY_GRANT, client_id: 'default', apikey_id: key.id },
          },
        );
        const failed = (await auditEvents(app, 'token.failure')).at(-1);
        assert.ok(failed);
        assert.deepEqual(
          { ...failed, seq: 0, id: '' },
          {
            seq: 0,
            id: '',
            account_id: app.accountId,
            at: isoAt(clock.now()),
            action: 'token.failure',
            outcome: 'failure',
            actor_iam_id: app.admin.iamId,
            target_type: 'apikey',
            target_id: disabled.id,
            ip: '127.0.0.1',
            user_agent: 'audit-test/1.0',
            request_id: 'req-audit-2',
            details: { reason: 'apikey_disabled', grant_type: APIKEY_GRANT, error_code: 'BXNIM0415E' },
          },
        );
        const everything = JSON.stringify(await app.database.db.selectFrom('audit_events').selectAll().execute());
        for (const secret of [key.value, disabled.value]) {
          assert.ok(!everything.includes(secret));
          assert.ok(!everything.includes(app.iam.ctx.keyring.index(secret)));
        }
      });
    });
  },
  { clock, tokenRateLimits: GENEROUS_LIMITS },
);
