import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { ManualClock } from '../../platform/clock.js';
import { createApiKey, grantIdentityRole } from '../../testing/identity-fixtures.js';
import { bearer, describeEachDatabase, type TestApp, type TestUser } from '../../testing/test-app.js';
import { apikeyGrant, GENEROUS_LIMITS, postToken } from '../../testing/token-fixtures.js';

const clock = new ManualClock(Date.UTC(2026, 11, 6, 9, 0, 0));
const MINUTE = 60_000;
const LOCKED_MESSAGE =
  'Too many failed sign-ins for this user: password sign-in is locked for a while. Try again later, or ask an ' +
  'administrator to unlock it.';

function signIn(app: TestApp, username: string, password: string): Promise<LightMyRequestResponse> {
  return postToken(app, { grant_type: 'password', username, password });
}

function consoleSignIn(app: TestApp, email: string, password: string): Promise<LightMyRequestResponse> {
  return app.http.inject({ method: 'POST', url: '/auth/login', payload: { email, password } });
}

async function wrong(app: TestApp, username: string, times: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    const res = await signIn(app, username, `wrong-${i}-password`);
    assert.equal(res.statusCode, 400, res.body);
  }
}

function assertLocked(res: LightMyRequestResponse, retryAfter: number): void {
  assert.equal(res.statusCode, 429, res.body);
  assert.equal(res.headers['retry-after'], String(retryAfter));
  const body = res.json() as { errorCode: string; errorMessage: string };
  assert.deepEqual([body.errorCode, body.errorMessage], ['BXNIM0420E', LOCKED_MESSAGE]);
}

async function lockEvents(app: TestApp, iamId: string) {
  const rows = await app.database.db
    .selectFrom('audit_events')
    .selectAll()
    .where('action', 'in', ['user.signin.lock', 'user.signin.unlock'])
    .where('target_id', '=', iamId)
    .orderBy('seq', 'asc')
    .execute();
  return rows.map((r) => ({ action: r.action, outcome: r.outcome, actor: r.actor_iam_id, details: r.details }));
}

describeEachDatabase(
  'Password sign-in lockout',
  (t) => {
    let user: TestUser;
    const fresh = async (app: TestApp) => {
      user = await app.createUser({ name: 'Lena Locked' });
      return user;
    };

    describe('POST /identity/token (password grant)', () => {
      it('10 wrong passwords lock the account: then even the right one is 429 with Retry-After, until the wait is over', async () => {
        const app = t.app();
        await fresh(app);
        await wrong(app, user.email, 10);
        assertLocked(await signIn(app, user.email, user.password), 60);
        assertLocked(await signIn(app, user.email, 'still-wrong-password'), 60);
        clock.advance(45_000);
        assertLocked(await signIn(app, user.email, user.password), 15);
        assert.deepEqual(await lockEvents(app, user.iamId), [
          {
            action: 'user.signin.lock',
            outcome: 'failure',
            actor: null,
            details: JSON.stringify({ failures: 10, lockouts: 1, wait_seconds: 60 }),
          },
        ]);
        clock.advance(15_000);
        assert.equal((await signIn(app, user.email, user.password)).statusCode, 200);
        // The success started the count again: nine more wrong passwords lock nothing.
        await wrong(app, user.email, 9);
        assert.equal((await signIn(app, user.email, user.password)).statusCode, 200);
      });

      it('each further lock before a success waits twice as long, up to 15 minutes', async () => {
        const app = t.app();
        await fresh(app);
        for (const wait of [60, 120, 240, 480, 900, 900]) {
          await wrong(app, user.email, 10);
          assertLocked(await signIn(app, user.email, user.password), wait);
          clock.advance(wait * 1000);
        }
        assert.equal((await signIn(app, user.email, user.password)).statusCode, 200);
        await wrong(app, user.email, 10);
        assertLocked(await signIn(app, user.email, user.password), 60);
        clock.advance(MINUTE);
      });

      it('failures older than 12 hours no longer count', async () => {
        const app = t.app();
        await fresh(app);
        await wrong(app, user.email, 9);
        clock.advance(12 * 60 * MINUTE + 1);
        await wrong(app, user.email, 9);
        assert.equal((await signIn(app, user.email, user.password)).statusCode, 200);
      });

      it("locks only that account's password sign-in: other users, other accounts and its API keys are untouched", async () => {
        const app = t.app();
        await fresh(app);
        const key = await createApiKey(app, user);
        const colleague = await app.createUser();
        const stranger = await app.createAccount();
        await wrong(app, user.email, 10);
        assertLocked(await signIn(app, user.email, user.password), 60);
        assert.equal((await signIn(app, colleague.email, colleague.password)).statusCode, 200);
        assert.equal((await signIn(app, stranger.email, stranger.password)).statusCode, 200);
        assert.equal((await signIn(app, user.email.toUpperCase(), user.password)).statusCode, 429);
        // Automation keeps running: the API key still gets tokens, which still work.
        const granted = await apikeyGrant(app, key.value);
        assert.equal(granted.statusCode, 200, granted.body);
        const token = (granted.json() as { access_token: string }).access_token;
        assert.equal((await app.http.inject({ url: '/v1/users/me', headers: bearer(token) })).statusCode, 200);
        clock.advance(MINUTE);
      });

      it('an email of nobody locks the same way, so a lock does not tell which emails exist', async () => {
        const app = t.app();
        await wrong(app, 'nobody-at-all@example.test', 10);
        assertLocked(await signIn(app, 'nobody-at-all@example.test', 'any-password'), 60);
        clock.advance(MINUTE);
        assert.equal((await signIn(app, 'nobody-at-all@example.test', 'any-password')).statusCode, 400);
      });
    });

    describe('POST /auth/login (the console)', () => {
      it('counts with the token endpoint and answers 429 in the IAM shape', async () => {
        const app = t.app();
        await fresh(app);
        await wrong(app, user.email, 5);
        for (let i = 0; i < 5; i++) {
          assert.equal((await consoleSignIn(app, user.email, `bad-${i}-password`)).statusCode, 401);
        }
        const res = await consoleSignIn(app, user.email, user.password);
        assert.equal(res.statusCode, 429, res.body);
        assert.equal(res.headers['retry-after'], '60');
        const body = res.json() as { errors: { code: string; message: string }[]; status_code: number };
        assert.deepEqual(
          [body.errors[0]?.code, body.errors[0]?.message, body.status_code],
          ['signin_locked', LOCKED_MESSAGE, 429],
        );
        clock.advance(MINUTE);
        assert.equal((await consoleSignIn(app, user.email, user.password)).statusCode, 200);
      });
    });

    describe('DELETE /v1/users/:iam_id/signin-lock', () => {
      it('shows the lock on the user, and an administrator ends it at once (204, audited)', async () => {
        const app = t.app();
        await fresh(app);
        await wrong(app, user.email, 10);
        const adminToken = await app.admin.token();
        const shown = await app.http.inject({ url: `/v1/users/${user.iamId}`, headers: bearer(adminToken) });
        assert.equal(shown.statusCode, 200, shown.body);
        const until = new Date(clock.now() + MINUTE).toISOString().slice(0, 16);
        assert.equal((shown.json() as Record<string, unknown>)['signin_locked_until'], `${until}+0000`);
        const listed = await app.http.inject({ url: '/v1/users?limit=100', headers: bearer(adminToken) });
        const inList = (listed.json() as { users: Record<string, unknown>[] }).users;
        assert.equal(inList.find((u) => u['iam_id'] === user.iamId)?.['signin_locked_until'], `${until}+0000`);
        assert.equal(inList.find((u) => u['iam_id'] === app.admin.iamId)?.['signin_locked_until'], undefined);

        const res = await app.http.inject({
          method: 'DELETE',
          url: `/v1/users/${user.iamId}/signin-lock`,
          headers: bearer(adminToken),
        });
        assert.equal(res.statusCode, 204, res.body);
        assert.equal((await signIn(app, user.email, user.password)).statusCode, 200);
        const after = await app.http.inject({ url: `/v1/users/${user.iamId}`, headers: bearer(adminToken) });
        assert.equal((after.json() as Record<string, unknown>)['signin_locked_until'], undefined);
        assert.deepEqual((await lockEvents(app, user.iamId)).slice(1), [
          {
            action: 'user.signin.unlock',
            outcome: 'success',
            actor: app.admin.iamId,
            details: JSON.stringify({ email: user.email, was_locked: true, had_failures: true }),
          },
        ]);
      });

      it('is 403 without iam-identity.user.manage (an Editor), 404 for another account, and the lock stays', async () => {
        const app = t.app();
        await fresh(app);
        await wrong(app, user.email, 10);
        const editor = await app.createUser();
        await grantIdentityRole(app, editor.iamId, 'Editor');
        const denied = await app.http.inject({
          method: 'DELETE',
          url: `/v1/users/${user.iamId}/signin-lock`,
          headers: bearer(await editor.token()),
        });
        assert.equal(denied.statusCode, 403, denied.body);
        const other = await app.createAccount();
        const foreign = await app.http.inject({
          method: 'DELETE',
          url: `/v1/users/${user.iamId}/signin-lock`,
          headers: bearer(await other.token()),
        });
        assert.equal(foreign.statusCode, 404, foreign.body);
        assertLocked(await signIn(app, user.email, user.password), 60);
        clock.advance(MINUTE);
      });
    });
  },
  { clock, tokenRateLimits: GENEROUS_LIMITS },
);
