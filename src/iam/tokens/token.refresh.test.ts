import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock, isoAt } from '../../platform/clock.js';
import type { TestApp } from '../../testing/test-app.js';
import { describeEachDatabase } from '../../testing/test-app.js';
import {
  APIKEY_GRANT,
  BX_BASIC,
  GENEROUS_LIMITS,
  REFRESH_TOKEN_SHAPE,
  apikeyGrant,
  assertTokenError,
  auditEvents,
  currentKid,
  decodeJwt,
  missing,
  postToken,
} from '../../testing/token-fixtures.js';
import { createApiKey, createServiceId, type TestApiKey } from '../../testing/identity-fixtures.js';

const clock = new ManualClock(Date.UTC(2026, 3, 1, 8, 0, 0));
const iat = () => Math.floor(clock.now() / 1000);
const DAY_MS = 24 * 3600 * 1000;
const INVALID_REFRESH = { errorCode: 'BXNIM0407E', errorMessage: 'Provided refresh token is invalid.' };

function refresh(app: TestApp, refreshToken: string, headers: Record<string, string> = { authorization: BX_BASIC }) {
  return postToken(
    app,
    { grant_type: 'refresh_token', refresh_token: refreshToken, response_type: 'cloud_iam' },
    headers,
  );
}

/** An API key and a refresh token obtained with it (Basic bx:bx, as the CLI does). */
async function loggedIn(app: TestApp, owner: { iamId: string; accountId: string } = app.admin) {
  const key = await createApiKey(app, owner);
  const res = await apikeyGrant(app, key.value, { authorization: BX_BASIC });
  assert.equal(res.statusCode, 200, res.body);
  return { key, refreshToken: String(res.json().refresh_token) };
}

async function rowOf(app: TestApp, refreshToken: string) {
  return app.database.db
    .selectFrom('refresh_tokens')
    .selectAll()
    .where('token_hash', '=', app.iam.ctx.keyring.index(refreshToken))
    .executeTakeFirstOrThrow();
}

describeEachDatabase(
  'POST /identity/token (refresh_token grant)',
  (t) => {
    describe('a valid refresh token', () => {
      it('answers 200 with a new access token and a new refresh token of the same family', async () => {
        const app = t.app();
        const { key, refreshToken } = await loggedIn(app);
        const before = await rowOf(app, refreshToken);
        clock.advance(60_000);

        const res = await refresh(app, refreshToken);

        assert.equal(res.statusCode, 200, res.body);
        const body = res.json() as Record<string, unknown>;
        const next = String(body['refresh_token']);
        assert.match(next, REFRESH_TOKEN_SHAPE);
        assert.notEqual(next, refreshToken);
        assert.deepEqual(body, {
          access_token: body['access_token'],
          refresh_token: next,
          token_type: 'Bearer',
          expires_in: 3600,
          expiration: iat() + 3600,
          scope: 'ibm openid',
        });
        const { header, payload } = decodeJwt(String(body['access_token']));
        assert.deepEqual(header, { alg: 'RS256', kid: currentKid(app) });
        assert.deepEqual(
          {
            iam_id: payload['iam_id'],
            grant_type: payload['grant_type'],
            client_id: payload['client_id'],
            apikey_id: payload['apikey_id'],
            sub: payload['sub'],
            iat: payload['iat'],
            exp: payload['exp'],
          },
          {
            iam_id: app.admin.iamId,
            grant_type: 'refresh_token',
            client_id: 'bx',
            apikey_id: key.id,
            sub: app.admin.email,
            iat: iat(),
            exp: iat() + 3600,
          },
        );
        assert.deepEqual(await rowOf(app, refreshToken), { ...before, used_at: isoAt(clock.now()) });
        assert.deepEqual(await rowOf(app, next), {
          ...before,
          token_hash: app.iam.ctx.keyring.index(next),
          created_at: isoAt(clock.now()),
          expires_at: isoAt(clock.now() + 30 * DAY_MS),
        });
        const issued = (await auditEvents(app, 'token.issue')).at(-1);
        assert.deepEqual(issued?.details, { grant_type: 'refresh_token', client_id: 'bx', apikey_id: key.id });
        assert.deepEqual([issued?.target_type, issued?.target_id], ['refresh_token', before.family_id]);
      });

      it('works for a service ID’s token and keeps its claims', async () => {
        const app = t.app();
        const sid = await createServiceId(app);
        const { refreshToken } = await loggedIn(app, sid);
        const res = await refresh(app, refreshToken);
        assert.equal(res.statusCode, 200, res.body);
        const { payload } = decodeJwt(String(res.json().access_token));
        assert.deepEqual([payload['sub'], payload['sub_type'], payload['realmid']], [sid.id, 'ServiceId', 'iam']);
      });

      it('keeps refreshing along the chain, each token once', async () => {
        const app = t.app();
        let { refreshToken } = await loggedIn(app);
        for (let i = 0; i < 3; i++) {
          const res = await refresh(app, refreshToken);
          assert.equal(res.statusCode, 200, res.body);
          refreshToken = String(res.json().refresh_token);
        }
      });
    });

    describe('refusals', () => {
      it('refuses a used token with 400 BXNIM0407E and revokes its whole family', async () => {
        const app = t.app();
        const { refreshToken } = await loggedIn(app);
        const first = await refresh(app, refreshToken);
        assert.equal(first.statusCode, 200);
        const successor = String(first.json().refresh_token);

        assertTokenError(await refresh(app, refreshToken), 400, INVALID_REFRESH);

        const family = (await rowOf(app, refreshToken)).family_id;
        const rows = await app.database.db
          .selectFrom('refresh_tokens')
          .select(['revoked'])
          .where('family_id', '=', family)
          .execute();
        assert.deepEqual(rows, [{ revoked: 1 }, { revoked: 1 }]);
        assertTokenError(await refresh(app, successor), 400, INVALID_REFRESH);
        const reasons = (await auditEvents(app, 'token.failure')).slice(-2).map((e) => e.details['reason']);
        assert.deepEqual(reasons, ['refresh_token_reused', 'refresh_token_revoked']);
      });

      it('refuses an expired token with 400 BXNIM0408E', async () => {
        const app = t.app();
        const { refreshToken } = await loggedIn(app);
        clock.advance(30 * DAY_MS);
        assertTokenError(await refresh(app, refreshToken), 400, {
          errorCode: 'BXNIM0408E',
          errorMessage: 'Provided refresh token is expired',
        });
        assert.equal((await rowOf(app, refreshToken)).used_at, null);
      });

      it('refuses a malformed or unknown token with 400 BXNIM0407E', async () => {
        const app = t.app();
        const { refreshToken } = await loggedIn(app);
        const flipped = refreshToken.slice(0, -1) + (refreshToken.endsWith('A') ? 'B' : 'A');
        assertTokenError(await refresh(app, flipped), 400, INVALID_REFRESH);
        assertTokenError(await refresh(app, 'garbage'), 400, INVALID_REFRESH);
        await app.database.db
          .deleteFrom('refresh_tokens')
          .where('token_hash', '=', app.iam.ctx.keyring.index(refreshToken))
          .execute();
        assertTokenError(await refresh(app, refreshToken), 400, INVALID_REFRESH);
      });

      it('answers 400 BXNIM0109E when refresh_token is missing', async () => {
        const app = t.app();
        assertTokenError(await postToken(app, { grant_type: 'refresh_token' }), 400, missing('refresh_token'));
      });

      it('refuses a token presented without its client’s credentials, without spending it', async () => {
        const app = t.app();
        const { refreshToken } = await loggedIn(app);
        assertTokenError(await refresh(app, refreshToken, {}), 401, {
          errorCode: 'BXNIM0416E',
          errorMessage: 'Provided client credentials are invalid.',
        });
        assert.equal((await rowOf(app, refreshToken)).used_at, null);
        assert.equal((await refresh(app, refreshToken)).statusCode, 200);
      });

      it('refuses, and revokes, a token whose API key was disabled, expired or deleted', async () => {
        const app = t.app();
        const cases: Array<[string, (key: TestApiKey) => Promise<unknown>]> = [
          [
            'disabled',
            (key) => app.database.db.updateTable('api_keys').set({ disabled: 1 }).where('id', '=', key.id).execute(),
          ],
          [
            'expired',
            (key) =>
              app.database.db
                .updateTable('api_keys')
                .set({ expires_at: isoAt(clock.now()) })
                .where('id', '=', key.id)
                .execute(),
          ],
          ['deleted', (key) => app.database.db.deleteFrom('api_keys').where('id', '=', key.id).execute()],
        ];
        for (const [, change] of cases) {
          const { key, refreshToken } = await loggedIn(app);
          await change(key);
          assertTokenError(await refresh(app, refreshToken), 400, INVALID_REFRESH);
          assert.equal((await rowOf(app, refreshToken)).revoked, 1);
          assert.equal((await auditEvents(app, 'token.failure')).at(-1)?.details['reason'], 'subject_inactive');
        }
      });

      it('refuses a token whose user was disabled', async () => {
        const app = t.app();
        const user = await app.createUser();
        const { refreshToken } = await loggedIn(app, user);
        await app.database.db
          .updateTable('users')
          .set({ state: 'DISABLED' })
          .where('iam_id', '=', user.iamId)
          .execute();
        assertTokenError(await refresh(app, refreshToken), 400, INVALID_REFRESH);
      });

      it('refuses a token whose service ID was deleted', async () => {
        const app = t.app();
        const sid = await createServiceId(app);
        const { refreshToken } = await loggedIn(app, sid);
        await app.database.db.deleteFrom('service_ids').where('id', '=', sid.id).execute();
        assertTokenError(await refresh(app, refreshToken), 400, INVALID_REFRESH);
      });
    });

    it('the apikey grant without client credentials gives no refresh token to refresh', async () => {
      const app = t.app();
      const key = await createApiKey(app, app.admin);
      const res = await postToken(app, { grant_type: APIKEY_GRANT, apikey: key.value });
      assert.equal(res.json().refresh_token, 'not_supported');
      assertTokenError(await refresh(app, 'not_supported'), 400, INVALID_REFRESH);
    });
  },
  { clock, tokenRateLimits: GENEROUS_LIMITS },
);
