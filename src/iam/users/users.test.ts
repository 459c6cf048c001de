import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { isoAt, ManualClock } from '../../platform/clock.js';
import { NO_ORIGIN } from '../../platform/audit/audit.service.js';
import { verifyPassword } from '../../platform/crypto/password.js';
import { bearer, describeEachDatabase, type TestApp } from '../../testing/test-app.js';
import { createServiceId, grantIdentityRole } from '../../testing/identity-fixtures.js';
import { grantMonitorRole, insertInstance } from '../../testing/monitor-fixtures.js';
import { assertIamError } from '../../testing/observe.js';

const clock = new ManualClock(Date.UTC(2026, 2, 1, 9, 30));
const CREATED = '2026-03-01T09:30+0000';

/** A password made at test time (no secret in the sources). */
function password(): string {
  return `pw-${randomBytes(9).toString('base64url')}`;
}

const forbidden = (what: string) => ({
  code: 'insufficent_permissions',
  message_code: 'BXNIM0513E',
  message: `You are not authorized to ${what}.`,
});
const notFound = (iamId: string) => ({
  code: 'not_found',
  message_code: 'BXNIM0102E',
  message: 'Unable to find object',
  details: `Object type User with id ${iamId} could not be found.`,
});
const badRequest = (message: string) => ({ code: 'invalid_body', message_code: 'BXNIM0109E', message });

async function userRow(app: TestApp, iamId: string) {
  return app.database.db.selectFrom('users').selectAll().where('iam_id', '=', iamId).executeTakeFirst();
}

async function countUsers(app: TestApp): Promise<number> {
  const rows = await app.database.db.selectFrom('users').select('iam_id').execute();
  return rows.length;
}

function expectedUser(user: { iamId: string; accountId: string; email: string; name: string }, extra = {}) {
  return {
    iam_id: user.iamId,
    id: user.iamId,
    account_id: user.accountId,
    email: user.email,
    name: user.name,
    state: 'ACTIVE',
    admin: false,
    created_at: CREATED,
    modified_at: CREATED,
    ...extra,
  };
}

async function inject(
  app: TestApp,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  token: string | null,
  payload?: object,
): Promise<LightMyRequestResponse> {
  return app.http.inject({
    method,
    url,
    headers: token === null ? {} : bearer(token),
    ...(payload ? { payload } : {}),
  });
}

const options = { clock };

describeEachDatabase(
  'POST /v1/users',
  (t) => {
    it('an administrator creates a user: 201, email lower-cased, no password or hash in the body', async () => {
      const app = t.app();
      const before = await countUsers(app);
      const secret = password();
      const res = await inject(app, 'POST', '/v1/users', await app.admin.token(), {
        email: 'Grace.Hopper@Example.TEST',
        name: 'Grace Hopper',
        password: secret,
      });
      assert.equal(res.statusCode, 201, res.body);
      const body = res.json() as { iam_id: string };
      assert.match(body.iam_id, /^IBMid-[0-9A-F]{10}$/);
      assert.deepEqual(
        body,
        expectedUser({
          iamId: body.iam_id,
          accountId: app.accountId,
          email: 'grace.hopper@example.test',
          name: 'Grace Hopper',
        }),
      );
      assert.ok(!res.body.includes(secret));
      assert.equal(await countUsers(app), before + 1);
      const row = await userRow(app, body.iam_id);
      assert.ok(row);
      assert.equal(row.email, 'grace.hopper@example.test');
      assert.equal(row.is_admin, 0);
      assert.match(row.password_hash, /^scrypt\$/);
      assert.ok(await verifyPassword(secret, row.password_hash));
    });

    it('an administrator may create another administrator', async () => {
      const app = t.app();
      const res = await inject(app, 'POST', '/v1/users', await app.admin.token(), {
        email: `second-admin-${randomBytes(3).toString('hex')}@example.test`,
        name: 'Second Admin',
        password: password(),
        admin: true,
      });
      assert.equal(res.statusCode, 201, res.body);
      const body = res.json() as { iam_id: string; email: string };
      assert.deepEqual(
        body,
        expectedUser(
          { iamId: body.iam_id, accountId: app.accountId, email: body.email, name: 'Second Admin' },
          { admin: true },
        ),
      );
      assert.equal((await userRow(app, body.iam_id))?.is_admin, 1);
    });

    it('refuses an email that is already taken, in any case and any account: 409', async () => {
      const app = t.app();
      const other = await app.createAccount();
      const before = await countUsers(app);
      const res = await inject(app, 'POST', '/v1/users', await app.admin.token(), {
        email: other.email.toUpperCase(),
        name: 'Copy',
        password: password(),
      });
      assertIamError(res, 409, {
        code: 'conflict',
        message_code: 'BXNIM0503E',
        message: `A user with the email ${other.email} already exists.`,
      });
      assert.equal(await countUsers(app), before);
    });

    it('completes a PENDING (invited) user of the account: same iam_id, ACTIVE, its password works', async () => {
      const app = t.app();
      const invited = await app.iam.users.invite(
        { accountId: app.accountId, email: 'pia@example.test', name: 'Pia Pending', invitedBy: app.admin.iamId },
        NO_ORIGIN,
      );
      assert.ok(invited?.created);
      const admin = await app.admin.token();
      const pending = await inject(app, 'GET', `/v1/users/${invited.iamId}`, admin);
      assert.deepEqual(
        pending.json(),
        expectedUser(
          { iamId: invited.iamId, accountId: app.accountId, email: 'pia@example.test', name: 'Pia Pending' },
          { state: 'PENDING' },
        ),
      );
      // Disabled and enabled again before anyone set a password: back to PENDING, still no sign-in.
      assert.equal((await inject(app, 'POST', `/v1/users/${invited.iamId}/disable`, admin)).statusCode, 204);
      assert.equal((await userRow(app, invited.iamId))?.state, 'DISABLED');
      assert.equal((await inject(app, 'DELETE', `/v1/users/${invited.iamId}/disable`, admin)).statusCode, 204);
      assert.equal((await userRow(app, invited.iamId))?.state, 'PENDING');

      const secret = password();
      const res = await inject(app, 'POST', '/v1/users', admin, {
        email: 'PIA@example.test',
        name: 'Pia Person',
        password: secret,
      });
      assert.equal(res.statusCode, 201, res.body);
      assert.deepEqual(
        res.json(),
        expectedUser({ iamId: invited.iamId, accountId: app.accountId, email: 'pia@example.test', name: 'Pia Person' }),
      );
      const row = await userRow(app, invited.iamId);
      assert.equal(await verifyPassword(secret, row?.password_hash ?? ''), true);
      const audit = await app.database.db
        .selectFrom('audit_events')
        .select(['action', 'details'])
        .where('target_id', '=', invited.iamId)
        .where('action', 'in', ['user.invite', 'user.create'])
        .orderBy('seq')
        .execute();
      assert.deepEqual(audit, [
        { action: 'user.invite', details: JSON.stringify({ email: 'pia@example.test', state: 'PENDING' }) },
        {
          action: 'user.create',
          details: JSON.stringify({ email: 'pia@example.test', admin: false, completed_invitation: true }),
        },
      ]);
      // Complete means complete: the same email again is the usual conflict.
      const again = await inject(app, 'POST', '/v1/users', admin, {
        email: 'pia@example.test',
        name: 'X',
        password: secret,
      });
      assert.equal(again.statusCode, 409);
    });

    it('completing a pending user who holds access takes holding it too (setting its password obtains it)', async () => {
      const app = t.app();
      const { instance } = await insertInstance(app, { name: 'prod' });
      const invited = await app.iam.users.invite(
        { accountId: app.accountId, email: 'quinn@example.test', name: 'Quinn', invitedBy: app.admin.iamId },
        NO_ORIGIN,
      );
      assert.ok(invited);
      await grantMonitorRole(app, invited.iamId, 'Manager', { instanceGuid: instance.guid });
      const iamAdmin = await app.createUser({ name: 'Ian IAM' });
      await grantIdentityRole(app, iamAdmin.iamId, 'Administrator');
      const body = { email: 'quinn@example.test', name: 'Quinn Q', password: password() };
      const denied = await inject(app, 'POST', '/v1/users', await iamAdmin.token(), body);
      assert.equal(denied.statusCode, 403, denied.body);
      assert.match(
        (denied.json() as { errors: { message: string }[] }).errors[0]?.message ?? '',
        /^You are not authorized to set the password of this invited user: it holds access you do not \(sysdig-monitor\.launch\.admin on instance prod, /,
      );
      assert.equal((await userRow(app, invited.iamId))?.state, 'PENDING');
      await grantMonitorRole(app, iamAdmin.iamId, 'Manager', { instanceGuid: instance.guid });
      const allowed = await inject(app, 'POST', '/v1/users', await iamAdmin.token(), body);
      assert.equal(allowed.statusCode, 201, allowed.body);
      assert.equal((await userRow(app, invited.iamId))?.state, 'ACTIVE');
    });

    it('a pending user of another account is not completed by this one: 409, and it stays pending', async () => {
      const app = t.app();
      const other = await app.createAccount();
      const invited = await app.iam.users.invite(
        { accountId: other.accountId, email: 'far@example.test', name: '', invitedBy: other.iamId },
        NO_ORIGIN,
      );
      assert.ok(invited);
      const res = await inject(app, 'POST', '/v1/users', await app.admin.token(), {
        email: 'far@example.test',
        name: 'Grab',
        password: password(),
      });
      assert.equal(res.statusCode, 409, res.body);
      const row = await userRow(app, invited.iamId);
      assert.deepEqual([row?.account_id, row?.state, row?.name], [other.accountId, 'PENDING', 'far@example.test']);
    });

    it('refuses a password shorter than 8 characters, a bad email and missing fields: 400', async () => {
      const app = t.app();
      const token = await app.admin.token();
      const before = await countUsers(app);
      const short = await inject(app, 'POST', '/v1/users', token, {
        email: 'short@example.test',
        name: 'Short',
        password: 'x'.repeat(7),
      });
      assertIamError(short, 400, {
        code: 'invalid_request',
        message: 'Invalid body: body/password must NOT have fewer than 8 characters',
      });
      const email = await inject(app, 'POST', '/v1/users', token, {
        email: 'not an email',
        name: 'Bad',
        password: password(),
      });
      assertIamError(email, 400, badRequest('"not an email" is not an email address.'));
      const blankName = await inject(app, 'POST', '/v1/users', token, {
        email: 'blank@example.test',
        name: '   ',
        password: password(),
      });
      assertIamError(blankName, 400, badRequest('The name must not be empty.'));
      const missing = await inject(app, 'POST', '/v1/users', token, { email: 'missing@example.test' });
      assertIamError(missing, 400, {
        code: 'invalid_request',
        message: "Invalid body: body must have required property 'name'",
      });
      assert.equal(await countUsers(app), before);
    });

    it('refuses a user who is not an administrator: 403', async () => {
      const app = t.app();
      const user = await app.createUser();
      const before = await countUsers(app);
      const res = await inject(app, 'POST', '/v1/users', await user.token(), {
        email: 'nope@example.test',
        name: 'Nope',
        password: password(),
      });
      assertIamError(res, 403, forbidden('create users'));
      assert.equal(await countUsers(app), before);
    });

    it('lets an iam-identity Administrator create users, but not account administrators', async () => {
      const app = t.app();
      const manager = await app.createUser();
      await grantIdentityRole(app, manager.iamId, 'Administrator');
      const token = await manager.token();
      const email = `managed-${randomBytes(3).toString('hex')}@example.test`;
      const ok = await inject(app, 'POST', '/v1/users', token, { email, name: 'Managed', password: password() });
      assert.equal(ok.statusCode, 201, ok.body);
      const escalate = await inject(app, 'POST', '/v1/users', token, {
        email: `escalate-${randomBytes(3).toString('hex')}@example.test`,
        name: 'Escalate',
        password: password(),
        admin: true,
      });
      assertIamError(escalate, 403, forbidden('create an account administrator'));
    });

    it('refuses a request without a token: 401', async () => {
      const app = t.app();
      const res = await inject(app, 'POST', '/v1/users', null, {
        email: 'anon@example.test',
        name: 'Anon',
        password: password(),
      });
      assertIamError(res, 401, {
        code: 'missing_token',
        message_code: 'BXNIM0308E',
        message: 'Authorization header with a Bearer token is required.',
      });
    });
  },
  options,
);

describeEachDatabase(
  'GET /v1/users',
  (t) => {
    it('pages through the users of the caller’s account only, with `next` as a full URL absent on the last page', async () => {
      const app = t.app();
      const other = await app.createAccount();
      const a = await app.createUser({ name: 'A' });
      const b = await app.createUser({ name: 'B' });
      const token = await app.admin.token();
      const admin = expectedUser(app.admin, { admin: true });

      const first = await inject(app, 'GET', '/v1/users?limit=2', token);
      assert.equal(first.statusCode, 200, first.body);
      const firstBody = first.json() as { users: { iam_id: string }[] };
      // Same creation time: ties are broken by iam_id.
      const expected = [admin, expectedUser(a), expectedUser(b)].sort((x, y) => (x.iam_id < y.iam_id ? -1 : 1));
      assert.deepEqual(firstBody, {
        users: expected.slice(0, 2),
        offset: 0,
        limit: 2,
        next: 'http://vigil.test/v1/users?limit=2&start=2',
      });

      const second = await inject(app, 'GET', '/v1/users?limit=2&start=2', token);
      assert.equal(second.statusCode, 200);
      assert.deepEqual(second.json(), { users: expected.slice(2), offset: 2, limit: 2 });
      assert.ok(!second.body.includes(other.iamId));
    });

    it('answers one page with default limit 20 and no `next`', async () => {
      const app = t.app();
      const res = await inject(app, 'GET', '/v1/users', await app.admin.token());
      assert.equal(res.statusCode, 200);
      const body = res.json() as { users: unknown[]; offset: number; limit: number; next?: string };
      assert.equal(body.offset, 0);
      assert.equal(body.limit, 20);
      assert.equal(body.next, undefined);
      assert.equal(body.users.length, await usersOfAccount(app));
      assert.ok(!res.body.includes('password'));
      assert.ok(!res.body.includes('scrypt'));
    });

    it('lets an iam-identity Viewer list, refuses a plain user: 403', async () => {
      const app = t.app();
      const viewer = await app.createUser();
      await grantIdentityRole(app, viewer.iamId, 'Viewer');
      const ok = await inject(app, 'GET', '/v1/users', await viewer.token());
      assert.equal(ok.statusCode, 200);
      const plain = await app.createUser();
      assertIamError(await inject(app, 'GET', '/v1/users', await plain.token()), 403, forbidden('list users'));
    });

    it('refuses a limit outside 1–100 and a negative start: 400', async () => {
      const app = t.app();
      const token = await app.admin.token();
      for (const query of ['limit=0', 'limit=101', 'start=-1', 'limit=ten']) {
        const res = await inject(app, 'GET', `/v1/users?${query}`, token);
        assert.equal(res.statusCode, 400, query);
        assert.equal((res.json() as { errors: { code: string }[] }).errors[0]?.code, 'invalid_request');
      }
    });
  },
  options,
);

async function usersOfAccount(app: TestApp): Promise<number> {
  const rows = await app.database.db
    .selectFrom('users')
    .select('iam_id')
    .where('account_id', '=', app.accountId)
    .execute();
  return rows.length;
}

describeEachDatabase(
  'GET /v1/users/:iam_id and GET /v1/users/me',
  (t) => {
    it('an administrator reads a user of the account', async () => {
      const app = t.app();
      const user = await app.createUser({ name: 'Read Me' });
      const res = await inject(app, 'GET', `/v1/users/${user.iamId}`, await app.admin.token());
      assert.equal(res.statusCode, 200);
      assert.deepEqual(res.json(), expectedUser(user));
    });

    it('a user reads themselves by iam_id and as `me`, but not another user: 403', async () => {
      const app = t.app();
      const user = await app.createUser({ name: 'Self' });
      const token = await user.token();
      const byId = await inject(app, 'GET', `/v1/users/${user.iamId}`, token);
      assert.equal(byId.statusCode, 200);
      assert.deepEqual(byId.json(), expectedUser(user));
      const me = await inject(app, 'GET', '/v1/users/me', token);
      assert.equal(me.statusCode, 200);
      assert.deepEqual(me.json(), expectedUser(user));
      const admin = await inject(app, 'GET', '/v1/users/me/', await app.admin.token());
      assert.deepEqual(admin.json(), expectedUser(app.admin, { admin: true }));
      assertIamError(await inject(app, 'GET', `/v1/users/${app.admin.iamId}`, token), 403, forbidden('read users'));
    });

    it('answers 404 for another account’s user and for an unknown one', async () => {
      const app = t.app();
      const other = await app.createAccount();
      const token = await app.admin.token();
      assertIamError(await inject(app, 'GET', `/v1/users/${other.iamId}`, token), 404, notFound(other.iamId));
      assertIamError(await inject(app, 'GET', '/v1/users/IBMid-0000000000', token), 404, notFound('IBMid-0000000000'));
    });

    it('refuses `me` to a service ID: 403', async () => {
      const app = t.app();
      const serviceIamId = (await createServiceId(app, app.accountId, 'robot')).iamId;
      const res = await inject(app, 'GET', '/v1/users/me', await app.tokenFor(serviceIamId));
      assertIamError(res, 403, forbidden('use a user’s own routes with a service ID token'));
    });
  },
  options,
);

describeEachDatabase(
  'POST /v1/users/:iam_id/disable and DELETE /v1/users/:iam_id/disable',
  (t) => {
    it('disabling refuses the user’s token on the next request; enabling lets it in again', async () => {
      const app = t.app();
      const user = await app.createUser();
      const userToken = await user.token();
      const adminToken = await app.admin.token();
      assert.equal((await inject(app, 'GET', '/v1/users/me', userToken)).statusCode, 200);

      const disable = await inject(app, 'POST', `/v1/users/${user.iamId}/disable`, adminToken);
      assert.equal(disable.statusCode, 204);
      assert.equal(disable.body, '');
      const disabled = await userRow(app, user.iamId);
      assert.equal(disabled?.state, 'DISABLED');
      assert.equal(disabled?.version, 2);
      assertIamError(await inject(app, 'GET', '/v1/users/me', userToken), 401, {
        code: 'invalid_token',
        message_code: 'BXNIM0407E',
        message: 'Provided token is invalid or expired.',
      });
      const read = await inject(app, 'GET', `/v1/users/${user.iamId}`, adminToken);
      assert.deepEqual(read.json(), expectedUser(user, { state: 'DISABLED' }));

      const enable = await inject(app, 'DELETE', `/v1/users/${user.iamId}/disable`, adminToken);
      assert.equal(enable.statusCode, 204);
      assert.equal((await userRow(app, user.iamId))?.state, 'ACTIVE');
      assert.equal((await inject(app, 'GET', '/v1/users/me', userToken)).statusCode, 200);
    });

    it('refuses to let an administrator disable themselves: 400', async () => {
      const app = t.app();
      const res = await inject(app, 'POST', `/v1/users/${app.admin.iamId}/disable`, await app.admin.token());
      assertIamError(res, 400, badRequest('You cannot disable your own user.'));
      assert.equal((await userRow(app, app.admin.iamId))?.state, 'ACTIVE');
    });

    it('answers 404 for another account’s user and leaves it active', async () => {
      const app = t.app();
      const other = await app.createAccount();
      const res = await inject(app, 'POST', `/v1/users/${other.iamId}/disable`, await app.admin.token());
      assertIamError(res, 404, notFound(other.iamId));
      assert.equal((await userRow(app, other.iamId))?.state, 'ACTIVE');
    });

    it('refuses a plain user (403), and an iam-identity Administrator acting on an account administrator (403)', async () => {
      const app = t.app();
      const user = await app.createUser();
      const target = await app.createUser();
      assertIamError(
        await inject(app, 'POST', `/v1/users/${target.iamId}/disable`, await user.token()),
        403,
        forbidden('disable users'),
      );
      const manager = await app.createUser();
      await grantIdentityRole(app, manager.iamId, 'Administrator');
      const managerToken = await manager.token();
      assertIamError(
        await inject(app, 'POST', `/v1/users/${app.admin.iamId}/disable`, managerToken),
        403,
        forbidden('disable an account administrator'),
      );
      assert.equal((await inject(app, 'POST', `/v1/users/${target.iamId}/disable`, managerToken)).statusCode, 204);
      assert.equal((await userRow(app, app.admin.iamId))?.state, 'ACTIVE');
    });
  },
  options,
);

describeEachDatabase(
  'DELETE /v1/users/:iam_id',
  (t) => {
    it('deletes the user with their API keys, refresh tokens and policies; their token stops working', async () => {
      const app = t.app();
      const user = await app.createUser();
      const userToken = await user.token();
      const now = isoAt(clock.now());
      await app.database.db
        .insertInto('api_keys')
        .values({
          id: `ApiKey-${randomUUID()}`,
          account_id: app.accountId,
          iam_id: user.iamId,
          owner_type: 'user',
          name: 'k',
          description: null,
          key_hash: randomBytes(32).toString('base64url'),
          locked: 0,
          disabled: 0,
          support_sessions: 0,
          action_when_leaked: 'none',
          expires_at: null,
          version: 1,
          created_by: user.iamId,
          created_at: now,
          modified_at: now,
          last_authn: null,
          authn_count: 0,
        })
        .execute();
      await insertRefreshToken(app, user.iamId);
      await grantIdentityRole(app, user.iamId, 'Viewer');
      assert.equal((await inject(app, 'GET', '/v1/users/me', userToken)).statusCode, 200);

      const res = await inject(app, 'DELETE', `/v1/users/${user.iamId}`, await app.admin.token());
      assert.equal(res.statusCode, 204);
      assert.equal(res.body, '');
      assert.equal(await userRow(app, user.iamId), undefined);
      const db = app.database.db;
      assert.deepEqual(await db.selectFrom('api_keys').select('id').where('iam_id', '=', user.iamId).execute(), []);
      assert.deepEqual(
        await db.selectFrom('refresh_tokens').select('iam_id').where('iam_id', '=', user.iamId).execute(),
        [],
      );
      assert.deepEqual(
        await db.selectFrom('policies').select('id').where('subject_iam_id', '=', user.iamId).execute(),
        [],
      );
      assert.equal((await inject(app, 'GET', '/v1/users/me', userToken)).statusCode, 401);
      assertIamError(
        await inject(app, 'GET', `/v1/users/${user.iamId}`, await app.admin.token()),
        404,
        notFound(user.iamId),
      );
    });

    it('refuses self-deletion (400), a plain user (403) and another account’s user (404)', async () => {
      const app = t.app();
      const adminToken = await app.admin.token();
      assertIamError(
        await inject(app, 'DELETE', `/v1/users/${app.admin.iamId}`, adminToken),
        400,
        badRequest('You cannot delete your own user.'),
      );
      const user = await app.createUser();
      const target = await app.createUser();
      assertIamError(
        await inject(app, 'DELETE', `/v1/users/${target.iamId}`, await user.token()),
        403,
        forbidden('delete users'),
      );
      const other = await app.createAccount();
      assertIamError(await inject(app, 'DELETE', `/v1/users/${other.iamId}`, adminToken), 404, notFound(other.iamId));
      assert.ok(await userRow(app, app.admin.iamId));
      assert.ok(await userRow(app, target.iamId));
      assert.ok(await userRow(app, other.iamId));
    });
  },
  options,
);

async function insertRefreshToken(app: TestApp, iamId: string): Promise<string> {
  const hash = randomBytes(32).toString('base64url');
  await app.database.db
    .insertInto('refresh_tokens')
    .values({
      token_hash: hash,
      family_id: randomUUID(),
      account_id: app.accountId,
      iam_id: iamId,
      apikey_id: null,
      client_id: 'bx',
      scope: 'ibm openid',
      created_at: isoAt(clock.now()),
      expires_at: isoAt(clock.now() + 30 * 86_400_000),
      used_at: null,
      revoked: 0,
    })
    .execute();
  return hash;
}

describeEachDatabase(
  'PUT /v1/users/me/password',
  (t) => {
    it('changes the password, records when, and revokes the user’s refresh tokens', async () => {
      const app = t.app();
      const user = await app.createUser();
      const hash = await insertRefreshToken(app, user.iamId);
      const othersToken = await insertRefreshToken(app, app.admin.iamId);
      const next = password();
      clock.advance(60_000);
      const res = await inject(app, 'PUT', '/v1/users/me/password', await user.token(), {
        current_password: user.password,
        new_password: next,
      });
      assert.equal(res.statusCode, 204, res.body);
      assert.equal(res.body, '');
      const row = await userRow(app, user.iamId);
      assert.ok(row);
      assert.equal(row.password_changed_at, isoAt(clock.now()));
      assert.equal(row.modified_at, isoAt(clock.now()));
      assert.equal(row.version, 2);
      assert.ok(await verifyPassword(next, row.password_hash));
      assert.ok(!(await verifyPassword(user.password, row.password_hash)));
      const tokens = await app.database.db.selectFrom('refresh_tokens').select(['token_hash', 'revoked']).execute();
      assert.equal(tokens.find((r) => r.token_hash === hash)?.revoked, 1);
      assert.equal(tokens.find((r) => r.token_hash === othersToken)?.revoked, 0);
    });

    it('refuses a wrong current password with 400 and changes nothing', async () => {
      const app = t.app();
      const user = await app.createUser();
      const before = await userRow(app, user.iamId);
      const res = await inject(app, 'PUT', '/v1/users/me/password', await user.token(), {
        current_password: password(),
        new_password: password(),
      });
      assertIamError(res, 400, {
        code: 'invalid_current_password',
        message_code: 'BXNIM0602E',
        message: 'The current password is not correct.',
      });
      assert.deepEqual(await userRow(app, user.iamId), before);
    });

    it('refuses a new password shorter than 8 characters and a missing field: 400', async () => {
      const app = t.app();
      const user = await app.createUser();
      const token = await user.token();
      assertIamError(
        await inject(app, 'PUT', '/v1/users/me/password', token, {
          current_password: user.password,
          new_password: 'short',
        }),
        400,
        { code: 'invalid_request', message: 'Invalid body: body/new_password must NOT have fewer than 8 characters' },
      );
      assertIamError(await inject(app, 'PUT', '/v1/users/me/password', token, { new_password: password() }), 400, {
        code: 'invalid_request',
        message: "Invalid body: body must have required property 'current_password'",
      });
    });

    it('refuses a service ID: 403', async () => {
      const app = t.app();
      const serviceIamId = (await createServiceId(app, app.accountId, 'robot')).iamId;
      const res = await inject(app, 'PUT', '/v1/users/me/password', await app.tokenFor(serviceIamId), {
        current_password: password(),
        new_password: password(),
      });
      assertIamError(res, 403, forbidden('use a user’s own routes with a service ID token'));
    });
  },
  options,
);

describeEachDatabase('OpenAPI for /v1/users', (t) => {
  it('documents every users route under the Users tag, with no password in any response', async () => {
    const res = await t.app().http.inject({ method: 'GET', url: '/openapi.json' });
    assert.equal(res.statusCode, 200);
    const doc = res.json() as {
      paths: Record<string, Record<string, { tags?: string[]; responses: Record<string, unknown> }>>;
    };
    const operations = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/v1/users'))
      .flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));
    assert.deepEqual(operations.map((o) => `${o.method.toUpperCase()} ${o.path}`).sort(), [
      'DELETE /v1/users/{iam_id}',
      'DELETE /v1/users/{iam_id}/disable',
      'DELETE /v1/users/{iam_id}/signin-lock',
      'GET /v1/users',
      'GET /v1/users/me',
      'GET /v1/users/{iam_id}',
      'POST /v1/users',
      'POST /v1/users/{iam_id}/disable',
      'PUT /v1/users/me/password',
    ]);
    for (const { op } of operations) {
      assert.deepEqual(op.tags, ['Users']);
      assert.deepEqual(
        propertyNames(op.responses).filter((name) => /password|hash/i.test(name)),
        [],
      );
    }
  });
});

/** Every property name declared anywhere in a JSON schema fragment. */
function propertyNames(schema: unknown): string[] {
  if (Array.isArray(schema)) return schema.flatMap(propertyNames);
  if (typeof schema !== 'object' || schema === null) return [];
  return Object.entries(schema).flatMap(([key, value]) =>
    key === 'properties' && typeof value === 'object' && value !== null
      ? [...Object.keys(value), ...propertyNames(Object.values(value))]
      : propertyNames(value),
  );
}
