import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../app.js';
import { LocalChangeFeed } from '../../platform/change-feed.js';
import { isoAt, ManualClock } from '../../platform/clock.js';
import { Keyring } from '../../platform/crypto/keyring.js';
import { cryptoRandom } from '../../platform/crypto/random.js';
import { generateSecret } from '../../platform/crypto/secret-token.js';
import { createLogger } from '../../platform/logging.js';
import { openTestDatabase } from '../../testing/databases.js';
import { grantMonitorRole, insertInstance } from '../../testing/monitor-fixtures.js';
import { auditOf } from '../../testing/observe.js';
import { bearer, describeEachDatabase, type TestApp, type TestUser } from '../../testing/test-app.js';

const clock = new ManualClock(Date.UTC(2026, 5, 1, 8, 0));
const HOUR = 3600 * 1000;
const COOKIE = /^vigil_session=(vigil_cs_[0-9A-Za-z]{36}); HttpOnly; SameSite=Lax; Path=\/; Max-Age=28800$/;
const CLEARED = 'vigil_session=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0';

type Headers = Record<string, string>;

interface Session {
  readonly cookie: string;
  readonly csrf: string;
  readonly login: LightMyRequestResponse;
}

function login(app: TestApp, email: string, password: string, headers: Headers = {}) {
  return app.http.inject({ method: 'POST', url: '/auth/login', headers, payload: { email, password } });
}

async function signIn(app: TestApp, user: TestUser): Promise<Session> {
  const res = await login(app, user.email, user.password);
  assert.equal(res.statusCode, 200, res.body);
  const match = COOKIE.exec(String(res.headers['set-cookie']));
  assert.ok(match?.[1], String(res.headers['set-cookie']));
  return { cookie: match[1], csrf: (res.json() as { csrf_token: string }).csrf_token, login: res };
}

/** Headers of a browser request with the session cookie (and the CSRF token when given). */
function withCookie(session: Session, csrf?: string): Headers {
  return {
    cookie: `theme=dark; vigil_session=${session.cookie}`,
    ...(csrf !== undefined ? { 'x-csrf-token': csrf } : {}),
  };
}

function sessionBody(user: TestUser, csrf: string, admin = false) {
  return {
    user: { iam_id: user.iamId, email: user.email, name: user.name, account_id: user.accountId, admin },
    csrf_token: csrf,
  };
}

function assertIamBody(res: LightMyRequestResponse, status: number, error: Record<string, string>): void {
  assert.equal(res.statusCode, status, res.body);
  assert.deepEqual(res.json(), { trace: res.headers['x-request-id'], errors: [error], status_code: status });
}

const INVALID_TOKEN = {
  code: 'invalid_token',
  message_code: 'BXNIM0407E',
  message: 'Provided token is invalid or expired.',
};
const NO_SESSION = { code: 'invalid_session', message: 'No valid console session. Sign in again.' };
const LOGIN_FAILED = {
  code: 'invalid_credentials',
  message_code: 'BXNIM0602E',
  message: 'The email or password is not correct.',
};
const CSRF = {
  code: 'invalid_csrf_token',
  message: 'A request made with the console session cookie must carry the session’s X-CSRF-Token header.',
};
const SYSDIG_UNAUTHORIZED = { errors: [{ reason: 'Unauthorized', message: 'Bad credentials' }] };
const SYSDIG_CSRF = {
  errors: [
    {
      reason: 'Invalid CSRF token',
      message: 'A request made with the console session cookie must carry the session’s X-CSRF-Token header',
    },
  ],
};

async function sessionRows(app: TestApp, iamId: string) {
  return app.database.db.selectFrom('console_sessions').selectAll().where('iam_id', '=', iamId).execute();
}

async function apiKeyCount(app: TestApp, iamId: string): Promise<number> {
  const rows = await app.database.db.selectFrom('api_keys').select('id').where('iam_id', '=', iamId).execute();
  return rows.length;
}

function get(app: TestApp, url: string, headers: Headers) {
  return app.http.inject({ method: 'GET', url, headers });
}

describeEachDatabase(
  'Console sessions',
  (t) => {
    describe('POST /auth/login', () => {
      it('sets the session cookie with exactly its attributes and returns the user and the CSRF token', async () => {
        const app = t.app();
        const user = await app.createUser({ name: 'Sam Session' });
        const session = await signIn(app, user);
        assert.deepEqual(session.login.json(), sessionBody(user, session.csrf));
        assert.equal(session.login.headers['cache-control'], 'no-store');
        assert.match(session.csrf, /^[A-Za-z0-9_-]{43}$/);
        assert.ok(!session.login.body.includes(session.cookie));

        const [row, ...others] = await sessionRows(app, user.iamId);
        assert.equal(others.length, 0);
        assert.ok(row);
        assert.equal(row.account_id, user.accountId);
        assert.equal(row.created_at, isoAt(clock.now()));
        assert.equal(row.last_seen_at, isoAt(clock.now()));
        assert.equal(row.expires_at, isoAt(clock.now() + 8 * HOUR));
        assert.equal(row.revoked_at, null);
        assert.ok(!JSON.stringify(row).includes(session.cookie), 'the cookie value is stored only as its HMAC');
        assert.notEqual(row.token_index, session.csrf);

        const audit = await auditOf(app, user.iamId);
        assert.deepEqual(
          audit.map((e) => [e.action, e.outcome, e.actor_iam_id, JSON.parse(e.details)]),
          [['session.login', 'success', user.iamId, { session_id: row.id }]],
        );
      });

      it('marks an administrator as admin', async () => {
        const app = t.app();
        const session = await signIn(app, app.admin);
        assert.deepEqual(session.login.json(), sessionBody(app.admin, session.csrf, true));
      });

      it('answers a wrong password, an unknown email and a disabled user with the same 401 and no cookie', async () => {
        const app = t.app();
        const user = await app.createUser();
        const disabled = await app.createUser();
        const off = await app.http.inject({
          method: 'POST',
          url: `/v1/users/${disabled.iamId}/disable`,
          headers: bearer(await app.admin.token()),
        });
        assert.equal(off.statusCode, 204, off.body);

        const answers = [
          await login(app, user.email, `${user.password}x`),
          await login(app, `nobody-${randomBytes(3).toString('hex')}@example.test`, user.password),
          await login(app, disabled.email, disabled.password),
        ];
        for (const res of answers) {
          assertIamBody(res, 401, LOGIN_FAILED);
          assert.equal(res.headers['set-cookie'], undefined);
        }
        assert.deepEqual(await sessionRows(app, user.iamId), []);
        assert.deepEqual(await sessionRows(app, disabled.iamId), []);
        const failures = await app.database.db
          .selectFrom('audit_events')
          .select(['details', 'target_id'])
          .where('action', '=', 'session.login')
          .where('outcome', '=', 'failure')
          .orderBy('seq', 'asc')
          .execute();
        assert.deepEqual(
          failures.slice(-3).map((f) => [JSON.parse(f.details), f.target_id]),
          [
            [{ reason: 'wrong_password' }, user.iamId],
            [{ reason: 'user_unknown' }, null],
            [{ reason: 'user_disabled' }, disabled.iamId],
          ],
        );
      });

      it('refuses a body without email or password with 400', async () => {
        const app = t.app();
        const res = await app.http.inject({ method: 'POST', url: '/auth/login', payload: { email: 'a@b' } });
        assert.equal(res.statusCode, 400, res.body);
      });
    });

    describe('GET /auth/session', () => {
      it('answers the same body as the login for a valid cookie', async () => {
        const app = t.app();
        const user = await app.createUser();
        const session = await signIn(app, user);
        const res = await get(app, '/auth/session', withCookie(session));
        assert.equal(res.statusCode, 200, res.body);
        assert.deepEqual(res.json(), sessionBody(user, session.csrf));
        assert.equal(res.headers['set-cookie'], undefined, 'used within the minute: no renewal');
      });

      it('refuses no cookie, a forged, a truncated and another vigil’s cookie with 401', async () => {
        const app = t.app();
        const session = await signIn(app, await app.createUser());
        const other = await openTestDatabase('sqlite');
        const elsewhere = await buildApp({
          database: other,
          feed: new LocalChangeFeed(),
          keyring: new Keyring(randomBytes(32)),
          clock,
          random: cryptoRandom,
          publicUrl: 'http://other.test',
          logger: false,
        });
        try {
          const foreign = { ...session, cookie: generateSecret('session', cryptoRandom) };
          const cookies: Headers[] = [
            {},
            withCookie(foreign),
            withCookie({ ...session, cookie: session.cookie.slice(0, -1) }),
            withCookie({
              ...session,
              cookie: `${session.cookie.slice(0, -1)}${session.cookie.endsWith('A') ? 'B' : 'A'}`,
            }),
            { cookie: 'vigil_session=' },
          ];
          for (const headers of cookies) {
            assertIamBody(await get(app, '/auth/session', headers), 401, NO_SESSION);
            assertIamBody(
              await get(app, '/v1/apikeys', headers),
              401,
              // An empty cookie is no cookie at all.
              headers.cookie !== undefined && headers.cookie !== 'vigil_session='
                ? INVALID_TOKEN
                : {
                    code: 'missing_token',
                    message_code: 'BXNIM0308E',
                    message: 'Authorization header with a Bearer token is required.',
                  },
            );
          }
          // This vigil's valid cookie means nothing to a vigil with another master key.
          const res = await elsewhere.http.inject({
            method: 'GET',
            url: '/auth/session',
            headers: withCookie(session),
          });
          assertIamBody(res, 401, NO_SESSION);
        } finally {
          await elsewhere.http.close();
          await other.close();
        }
      });
    });

    describe('the session as a principal', () => {
      it('authenticates GET /v1/apikeys and GET /api/user/me (with IBMInstanceID)', async () => {
        const app = t.app();
        const user = await app.createUser();
        const { instance } = await insertInstance(app);
        await grantMonitorRole(app, user.iamId, 'Reader', { instanceGuid: instance.guid });
        const session = await signIn(app, user);

        const keys = await get(app, '/v1/apikeys', withCookie(session));
        assert.equal(keys.statusCode, 200, keys.body);
        assert.deepEqual((keys.json() as { apikeys: unknown[] }).apikeys, []);

        const me = await get(app, '/api/user/me', { ...withCookie(session), ibminstanceid: instance.guid });
        assert.equal(me.statusCode, 200, me.body);
        const body = me.json() as { user: { username: string; teamRoles: { role: string }[] } };
        assert.equal(body.user.username, user.email);
        assert.deepEqual(
          body.user.teamRoles.map((r) => r.role),
          ['ROLE_TEAM_READ'],
        );
        const noInstance = await get(app, '/api/user/me', withCookie(session));
        assert.equal(noInstance.statusCode, 400, noInstance.body);
      });

      it('answers another account’s session on this account’s instance as an IAM token of it: 404', async () => {
        const app = t.app();
        const { instance } = await insertInstance(app);
        const stranger = await app.createAccount();
        const session = await signIn(app, stranger);
        const res = await get(app, '/api/user/me', { ...withCookie(session), ibminstanceid: instance.guid });
        assert.equal(res.statusCode, 404, res.body);
        assert.deepEqual(res.json(), { errors: [{ reason: 'Not Found', message: 'Monitoring instance not found' }] });
      });

      it('refuses POST /v1/apikeys without the CSRF token, changing nothing; accepts it with the token', async () => {
        const app = t.app();
        const user = await app.createUser();
        const session = await signIn(app, user);
        const payload = { name: 'console key', iam_id: user.iamId, account_id: user.accountId };
        // The last character changed to another one (a fixed 'A' would be the real token one time in 64).
        const tampered = `${session.csrf.slice(0, -1)}${session.csrf.endsWith('A') ? 'B' : 'A'}`;
        for (const csrf of [undefined, '', 'x'.repeat(43), tampered]) {
          const res = await app.http.inject({
            method: 'POST',
            url: '/v1/apikeys',
            headers: withCookie(session, csrf),
            payload,
          });
          assertIamBody(res, 403, CSRF);
        }
        assert.equal(await apiKeyCount(app, user.iamId), 0);

        const ok = await app.http.inject({
          method: 'POST',
          url: '/v1/apikeys',
          headers: withCookie(session, session.csrf),
          payload,
        });
        assert.equal(ok.statusCode, 201, ok.body);
        assert.equal(await apiKeyCount(app, user.iamId), 1);

        // Authorization wins over the cookie, and needs no CSRF token.
        const bearerWins = await app.http.inject({
          method: 'POST',
          url: '/v1/apikeys',
          headers: { ...withCookie(session), ...bearer(await user.token()) },
          payload,
        });
        assert.equal(bearerWins.statusCode, 201, bearerWins.body);
        const badBearer = await get(app, '/v1/apikeys', { ...withCookie(session), authorization: 'Bearer nope' });
        assertIamBody(badBearer, 401, INVALID_TOKEN);
      });

      it('refuses POST /api/token/reset without the CSRF token, keeping the token; resets it with the token', async () => {
        const app = t.app();
        const user = await app.createUser();
        const { instance } = await insertInstance(app);
        await grantMonitorRole(app, user.iamId, 'Manager', { instanceGuid: instance.guid });
        const session = await signIn(app, user);
        const headers = { ...withCookie(session), ibminstanceid: instance.guid };
        const tokenOf = async () => {
          const res = await get(app, '/api/token', headers);
          assert.equal(res.statusCode, 200, res.body);
          return (res.json() as { token: { key: string } }).token.key;
        };
        const before = await tokenOf();
        for (const csrf of [undefined, 'nope']) {
          const res = await app.http.inject({
            method: 'POST',
            url: '/api/token/reset',
            headers: { ...headers, ...(csrf !== undefined ? { 'x-csrf-token': csrf } : {}) },
            payload: {},
          });
          assert.equal(res.statusCode, 403, res.body);
          assert.deepEqual(res.json(), SYSDIG_CSRF);
        }
        assert.equal(await tokenOf(), before);

        const reset = await app.http.inject({
          method: 'POST',
          url: '/api/token/reset',
          headers: { ...headers, 'x-csrf-token': session.csrf },
          payload: {},
        });
        assert.equal(reset.statusCode, 200, reset.body);
        const after = (reset.json() as { token: { key: string } }).token.key;
        assert.notEqual(after, before);
        assert.equal(await tokenOf(), after);
      });
    });

    describe('POST /auth/logout', () => {
      it('needs the CSRF token, then revokes the session, clears the cookie, and the cookie is refused everywhere', async () => {
        const app = t.app();
        const user = await app.createUser();
        const { instance } = await insertInstance(app);
        await grantMonitorRole(app, user.iamId, 'Reader', { instanceGuid: instance.guid });
        const session = await signIn(app, user);

        const forced = await app.http.inject({ method: 'POST', url: '/auth/logout', headers: withCookie(session) });
        assertIamBody(forced, 403, CSRF);
        assert.equal((await get(app, '/auth/session', withCookie(session))).statusCode, 200);

        const out = await app.http.inject({
          method: 'POST',
          url: '/auth/logout',
          headers: withCookie(session, session.csrf),
        });
        assert.equal(out.statusCode, 204, out.body);
        assert.equal(out.body, '');
        assert.equal(out.headers['set-cookie'], CLEARED);
        const [row] = await sessionRows(app, user.iamId);
        assert.equal(row?.revoked_at, isoAt(clock.now()));

        assertIamBody(await get(app, '/auth/session', withCookie(session)), 401, NO_SESSION);
        assertIamBody(await get(app, '/v1/apikeys', withCookie(session)), 401, INVALID_TOKEN);
        const me = await get(app, '/api/user/me', { ...withCookie(session), ibminstanceid: instance.guid });
        assert.equal(me.statusCode, 401, me.body);
        assert.deepEqual(me.json(), SYSDIG_UNAUTHORIZED);

        // Signing out again, or without any session, still clears the cookie.
        const again = await app.http.inject({ method: 'POST', url: '/auth/logout', headers: withCookie(session) });
        assert.equal(again.statusCode, 204, again.body);
        assert.equal(again.headers['set-cookie'], CLEARED);

        const audit = await auditOf(app, user.iamId);
        assert.deepEqual(
          audit.map((e) => [e.action, JSON.parse(e.details)]),
          [
            ['session.login', { session_id: row?.id }],
            ['session.logout', { session_id: row?.id }],
          ],
        );
      });
    });

    describe('revocation', () => {
      it('revokes every session of a user who changes their password, the one used included', async () => {
        const app = t.app();
        const user = await app.createUser();
        const first = await signIn(app, user);
        const second = await signIn(app, user);
        const newPassword = `pw-${randomBytes(9).toString('base64url')}`;
        const res = await app.http.inject({
          method: 'PUT',
          url: '/v1/users/me/password',
          headers: withCookie(first, first.csrf),
          payload: { current_password: user.password, new_password: newPassword },
        });
        assert.equal(res.statusCode, 204, res.body);
        for (const s of [first, second]) {
          assertIamBody(await get(app, '/auth/session', withCookie(s)), 401, NO_SESSION);
        }
        assert.equal((await signIn(app, { ...user, password: newPassword })).login.statusCode, 200);
        const revoke = (await auditOf(app, user.iamId)).filter((e) => e.action === 'session.revoke');
        assert.deepEqual(
          revoke.map((e) => JSON.parse(e.details)),
          [{ reason: 'password_change', sessions: 2 }],
        );
      });

      it('refuses a disabled user’s session at once and keeps it revoked after re-enabling', async () => {
        const app = t.app();
        const user = await app.createUser();
        const session = await signIn(app, user);
        assert.equal((await get(app, '/v1/apikeys', withCookie(session))).statusCode, 200);
        const admin = bearer(await app.admin.token());
        const off = await app.http.inject({ method: 'POST', url: `/v1/users/${user.iamId}/disable`, headers: admin });
        assert.equal(off.statusCode, 204, off.body);
        assertIamBody(await get(app, '/v1/apikeys', withCookie(session)), 401, INVALID_TOKEN);
        const on = await app.http.inject({ method: 'DELETE', url: `/v1/users/${user.iamId}/disable`, headers: admin });
        assert.equal(on.statusCode, 204, on.body);
        assertIamBody(await get(app, '/auth/session', withCookie(session)), 401, NO_SESSION);
      });

      it('deletes a deleted user’s sessions', async () => {
        const app = t.app();
        const user = await app.createUser();
        const session = await signIn(app, user);
        const res = await app.http.inject({
          method: 'DELETE',
          url: `/v1/users/${user.iamId}`,
          headers: bearer(await app.admin.token()),
        });
        assert.equal(res.statusCode, 204, res.body);
        assert.deepEqual(await sessionRows(app, user.iamId), []);
        assertIamBody(await get(app, '/auth/session', withCookie(session)), 401, NO_SESSION);
      });
    });

    describe('expiry', () => {
      it('ends a session after 8 hours without use', async () => {
        const app = t.app();
        const session = await signIn(app, await app.createUser());
        clock.advance(8 * HOUR - 1);
        // Just in time; this use moves the expiry, so go back to a fresh session for the idle case.
        assert.equal((await get(app, '/auth/session', withCookie(session))).statusCode, 200);
        const idle = await signIn(app, await app.createUser());
        clock.advance(8 * HOUR);
        assertIamBody(await get(app, '/auth/session', withCookie(idle)), 401, NO_SESSION);
        assertIamBody(await get(app, '/v1/apikeys', withCookie(idle)), 401, INVALID_TOKEN);
      });

      it('slides on use, writing and renewing the cookie at most once a minute', async () => {
        const app = t.app();
        const user = await app.createUser();
        const session = await signIn(app, user);
        const start = clock.now();

        clock.advance(30_000);
        const early = await get(app, '/v1/apikeys', withCookie(session));
        assert.equal(early.statusCode, 200, early.body);
        assert.equal(early.headers['set-cookie'], undefined);
        assert.equal((await sessionRows(app, user.iamId))[0]?.last_seen_at, isoAt(start));

        clock.advance(7 * HOUR);
        const renewed = await get(app, '/v1/apikeys', withCookie(session));
        assert.equal(renewed.statusCode, 200, renewed.body);
        assert.equal(
          renewed.headers['set-cookie'],
          `vigil_session=${session.cookie}; HttpOnly; SameSite=Lax; Path=/; Max-Age=28800`,
        );
        const [row] = await sessionRows(app, user.iamId);
        assert.equal(row?.last_seen_at, isoAt(clock.now()));
        assert.equal(row?.expires_at, isoAt(clock.now() + 8 * HOUR));

        clock.advance(7 * HOUR);
        assert.equal((await get(app, '/auth/session', withCookie(session))).statusCode, 200);
        clock.advance(8 * HOUR);
        assertIamBody(await get(app, '/auth/session', withCookie(session)), 401, NO_SESSION);
      });

      it('ends a busy session 7 days after sign-in', async () => {
        const app = t.app();
        const session = await signIn(app, await app.createUser());
        const start = clock.now();
        while (clock.now() + 7 * HOUR < start + 7 * 24 * HOUR) {
          clock.advance(7 * HOUR);
          assert.equal((await get(app, '/auth/session', withCookie(session))).statusCode, 200);
        }
        clock.set(start + 7 * 24 * HOUR);
        assertIamBody(await get(app, '/auth/session', withCookie(session)), 401, NO_SESSION);
      });
    });
  },
  { clock },
);

describeEachDatabase(
  'Console sessions behind https',
  (t) => {
    it('marks the cookie Secure', async () => {
      const app = t.app();
      const user = await app.createUser();
      const res = await login(app, user.email, user.password);
      assert.equal(res.statusCode, 200, res.body);
      assert.match(
        String(res.headers['set-cookie']),
        /^vigil_session=vigil_cs_[0-9A-Za-z]{36}; HttpOnly; SameSite=Lax; Path=\/; Max-Age=28800; Secure$/,
      );
      const cookie = String(res.headers['set-cookie']).split(';')[0] ?? '';
      const out = await app.http.inject({
        method: 'POST',
        url: '/auth/logout',
        headers: { cookie, 'x-csrf-token': (res.json() as { csrf_token: string }).csrf_token },
      });
      assert.equal(out.headers['set-cookie'], 'vigil_session=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0; Secure');
    });
  },
  { publicUrl: 'https://vigil.test' },
);

describe('Console sessions in the log', () => {
  it('never write the cookie, the CSRF token or the password', async () => {
    let written = '';
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        written += chunk.toString();
        callback();
      },
    });
    const database = await openTestDatabase('sqlite');
    const app = await buildApp({
      database,
      feed: new LocalChangeFeed(),
      keyring: new Keyring(randomBytes(32)),
      clock,
      random: cryptoRandom,
      publicUrl: 'http://vigil.test',
      logger: createLogger('trace', sink),
    });
    try {
      const password = `pw-${randomBytes(9).toString('base64url')}`;
      const created = await app.iam.accounts.create({
        name: 'log',
        adminEmail: 'log@example.test',
        adminName: 'Log Admin',
        adminPassword: password,
      });
      assert.ok(created.accountId);
      const res = await app.http.inject({
        method: 'POST',
        url: '/auth/login',
        payload: { email: 'log@example.test', password },
      });
      assert.equal(res.statusCode, 200, res.body);
      const cookie = String(res.headers['set-cookie']).split(';')[0] ?? '';
      const csrf = (res.json() as { csrf_token: string }).csrf_token;
      await app.http.inject({ method: 'GET', url: '/auth/session', headers: { cookie } });
      await app.http.inject({ method: 'POST', url: '/v1/apikeys', headers: { cookie, 'x-csrf-token': 'wrong' } });
      await app.http.inject({ method: 'POST', url: '/auth/logout', headers: { cookie, 'x-csrf-token': csrf } });
      await app.http.inject({
        method: 'POST',
        url: '/auth/login',
        payload: { email: 'log@example.test', password: `${password}!` },
      });
      assert.ok(written.length > 0, 'something was logged');
      for (const secret of [cookie.slice('vigil_session='.length), csrf, password]) {
        assert.ok(!written.includes(secret), `the log holds ${secret.slice(0, 9)}…`);
      }
    } finally {
      await app.http.close();
      await database.close();
    }
  });
});
