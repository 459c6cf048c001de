import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock, isoAt } from '../../platform/clock.js';
import { describeEachDatabase } from '../../testing/test-app.js';
import {
  BX_BASIC,
  GENEROUS_LIMITS,
  REFRESH_TOKEN_SHAPE,
  assertTokenError,
  auditEvents,
  currentKid,
  decodeJwt,
  missing,
  postToken,
  verifyWithJwks,
} from '../../testing/token-fixtures.js';

const clock = new ManualClock(Date.UTC(2026, 4, 1, 9, 30, 0));
const iat = () => Math.floor(clock.now() / 1000);
const INVALID_CREDENTIALS = { errorCode: 'BXNIM0602E', errorMessage: 'Provided user name or password is invalid.' };

describeEachDatabase(
  'POST /identity/token (password grant)',
  (t) => {
    describe('a user’s email and password', () => {
      it('answers 200 with a user token (no apikey_id) and a refresh token, even without client credentials', async () => {
        const app = t.app();
        const user = await app.createUser({ name: 'Ada Lovelace' });

        const res = await postToken(app, { grant_type: 'password', username: user.email, password: user.password });

        assert.equal(res.statusCode, 200, res.body);
        const body = res.json() as Record<string, unknown>;
        assert.match(String(body['refresh_token']), REFRESH_TOKEN_SHAPE);
        assert.deepEqual(body, {
          access_token: body['access_token'],
          refresh_token: body['refresh_token'],
          token_type: 'Bearer',
          expires_in: 3600,
          expiration: iat() + 3600,
          scope: 'ibm openid',
        });
        const { header, payload } = decodeJwt(String(body['access_token']));
        assert.deepEqual(header, { alg: 'RS256', kid: currentKid(app) });
        assert.deepEqual(payload, {
          iam_id: user.iamId,
          id: user.iamId,
          realmid: 'IBMid',
          identifier: user.iamId.replace(/^IBMid-/, ''),
          sub: user.email,
          sub_type: 'user',
          name: 'Ada Lovelace',
          email: user.email,
          given_name: 'Ada',
          family_name: 'Lovelace',
          account: { valid: true, bss: app.accountId, frozen: false },
          iat: iat(),
          exp: iat() + 3600,
          iss: 'http://vigil.test/identity',
          grant_type: 'password',
          scope: 'ibm openid',
          client_id: 'default',
          acr: 1,
          amr: ['pwd'],
          jti: payload['jti'],
        });
        await verifyWithJwks(app, String(body['access_token']));
        const row = await app.database.db
          .selectFrom('refresh_tokens')
          .selectAll()
          .where('token_hash', '=', app.iam.ctx.keyring.index(String(body['refresh_token'])))
          .executeTakeFirstOrThrow();
        assert.deepEqual(
          [row.iam_id, row.apikey_id, row.client_id, row.expires_at],
          [user.iamId, null, 'default', isoAt(clock.now() + 30 * 24 * 3600 * 1000)],
        );
        const issued = (await auditEvents(app, 'token.issue')).at(-1);
        assert.deepEqual(
          [issued?.actor_iam_id, issued?.target_type, issued?.target_id, issued?.details],
          [user.iamId, 'user', user.iamId, { grant_type: 'password', client_id: 'default', apikey_id: null }],
        );
      });

      it('matches the email case-insensitively and honours Basic bx:bx', async () => {
        const app = t.app();
        const user = await app.createUser();
        const res = await postToken(
          app,
          { password: user.password, username: user.email.toUpperCase(), grant_type: 'password' },
          { authorization: BX_BASIC },
        );
        assert.equal(res.statusCode, 200, res.body);
        assert.equal(decodeJwt(String(res.json().access_token)).payload['client_id'], 'bx');
      });

      it('gives a refresh token that refreshes without client credentials (client "default")', async () => {
        const app = t.app();
        const user = await app.createUser();
        const login = await postToken(app, { grant_type: 'password', username: user.email, password: user.password });
        const res = await postToken(app, { grant_type: 'refresh_token', refresh_token: login.json().refresh_token });
        assert.equal(res.statusCode, 200, res.body);
        assert.equal(decodeJwt(String(res.json().access_token)).payload['sub'], user.email);
      });
    });

    describe('refusals', () => {
      it('answers the same 400 BXNIM0602E for a wrong password, an unknown email and a disabled user', async () => {
        const app = t.app();
        const user = await app.createUser();
        const disabled = await app.createUser();
        await app.database.db
          .updateTable('users')
          .set({ state: 'DISABLED' })
          .where('iam_id', '=', disabled.iamId)
          .execute();
        const refreshBefore = await app.database.db.selectFrom('refresh_tokens').selectAll().execute();

        const attempts = [
          { username: user.email, password: `${user.password}x` },
          { username: 'nobody@example.test', password: user.password },
          { username: disabled.email, password: disabled.password },
        ];
        for (const attempt of attempts) {
          assertTokenError(await postToken(app, { grant_type: 'password', ...attempt }), 400, INVALID_CREDENTIALS);
        }
        assert.deepEqual(await app.database.db.selectFrom('refresh_tokens').selectAll().execute(), refreshBefore);
        const failures = (await auditEvents(app, 'token.failure')).slice(-3);
        assert.deepEqual(
          failures.map((e) => [e.details['reason'], e.actor_iam_id]),
          [
            ['wrong_password', user.iamId],
            ['user_unknown', null],
            ['user_disabled', disabled.iamId],
          ],
        );
        assert.ok(!JSON.stringify(failures).includes(user.password));
      });

      it('answers 400 BXNIM0109E when username or password is missing', async () => {
        const app = t.app();
        assertTokenError(await postToken(app, { grant_type: 'password', password: 'x' }), 400, missing('username'));
        assertTokenError(
          await postToken(app, { grant_type: 'password', username: app.admin.email }),
          400,
          missing('password'),
        );
      });

      it('does not log in a service ID (users only)', async () => {
        const app = t.app();
        assertTokenError(
          await postToken(app, { grant_type: 'password', username: 'ServiceId-1', password: 'whatever-it-is' }),
          400,
          INVALID_CREDENTIALS,
        );
      });
    });
  },
  { clock, tokenRateLimits: GENEROUS_LIMITS },
);
