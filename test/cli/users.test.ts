import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { UserBody } from '../../src/client/users.js';
import { grantIdentityRole } from '../../src/testing/identity-fixtures.js';
import { bearer, type TestUser } from '../../src/testing/test-app.js';
import { CliHome, jsonOf, startCliServer, type CliServer } from './cli-harness.js';

/**
 * `vigil iam users`, `user-create` and `user-delete`, run as the built binary against a real server: IBM-style output,
 * the JSON of the API, the password from -p or standard input, and the refusals (non-administrators, no -f without a
 * terminal, unknown emails), each checked against the server's state.
 */

const IAM_ID = /^IBMid-[0-9A-F]{10}$/;
const IBM_DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d\+0000$/;

/** Generated per run: no password is written in the sources. */
const newPassword = () => `pw-${randomBytes(12).toString('base64url')}`;
const newEmail = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}@example.test`;

/** The lines of `Output.table`: columns three spaces apart, the last one unpadded. */
function table(rows: string[][]): string {
  const widths = (rows[0] ?? []).map((_, index) => Math.max(...rows.map((row) => row[index]?.length ?? 0)));
  return rows
    .map((row) =>
      row.map((cell, index) => (index === row.length - 1 ? cell : cell.padEnd((widths[index] ?? 0) + 3))).join(''),
    )
    .join('\n');
}

describe('vigil iam users / user-create / user-unlock / user-delete', () => {
  let server: CliServer;
  const homes: CliHome[] = [];
  let admin: CliHome;
  /** A user with Viewer on iam-identity: may list users, may not create or delete them. */
  let viewer: TestUser;
  let viewerHome: CliHome;

  const home = () => {
    const created = new CliHome();
    homes.push(created);
    return created;
  };
  const adminToken = () => server.app.admin.token();
  /** The account's users as the API lists them (as the administrator). */
  const serverUsers = async (): Promise<UserBody[]> => {
    const res = await server.app.http.inject({
      method: 'GET',
      url: '/v1/users?limit=100',
      headers: bearer(await adminToken()),
    });
    assert.equal(res.statusCode, 200, res.body);
    return (res.json() as { users: UserBody[] }).users;
  };
  const serverUser = async (email: string) => (await serverUsers()).find((user) => user.email === email);

  before(async () => {
    server = await startCliServer();
    admin = home();
    await admin.login(server, server.app.admin);
    viewer = await server.app.createUser({ name: 'Vic Viewer' });
    await grantIdentityRole(server.app, viewer.iamId, 'Viewer');
    viewerHome = home();
    await viewerHome.login(server, viewer);
  });
  after(async () => {
    for (const created of homes) created.remove();
    await server.close();
  });

  it('lists the users of the account as a table, and as the API’s JSON', async () => {
    const users = await serverUsers();
    const { accountId } = server.app;

    const result = await admin.run(['iam', 'users']);

    assert.deepEqual(result, {
      code: 0,
      stdout:
        `Getting users of account ${accountId} as ${server.app.admin.email}...\n\n` +
        table([
          ['User ID', 'Email', 'Name', 'State', 'Admin'],
          ...users.map((user) => [user.iam_id, user.email, user.name, user.state, String(user.admin)]),
        ]) +
        '\n',
      stderr: '',
    });
    assert.match(
      result.stdout,
      new RegExp(`^${server.app.admin.iamId} +${server.app.admin.email} +Ada Admin +ACTIVE +true$`, 'm'),
    );
    assert.match(result.stdout, new RegExp(`^${viewer.iamId} +${viewer.email} +Vic Viewer +ACTIVE +false$`, 'm'));

    assert.deepEqual(jsonOf(await admin.run(['iam', 'users', '--output', 'json'])), users);
  });

  it('creates a user with -p, who can then log in with that password', async () => {
    const email = newEmail('ana');
    const password = newPassword();
    assert.equal(await serverUser(email), undefined);

    const result = await admin.run(['iam', 'user-create', email, '--name', 'Ana Analyst', '-p', password]);

    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, '');
    const created = await serverUser(email);
    assert.ok(created);
    assert.deepEqual(
      { name: created.name, state: created.state, admin: created.admin, account: created.account_id },
      { name: 'Ana Analyst', state: 'ACTIVE', admin: false, account: server.app.accountId },
    );
    assert.equal(
      result.stdout,
      [
        `Creating user ${email} under account ${server.app.accountId} as ${server.app.admin.email}...`,
        'OK',
        `User ${email} was created`,
        '',
        `User ID       ${created.iam_id}`,
        `Email         ${email}`,
        'Name          Ana Analyst',
        'State         ACTIVE',
        'Admin         false',
        `Created At    ${created.created_at}`,
        '',
      ].join('\n'),
    );
    assert.match(created.iam_id, IAM_ID);
    assert.match(created.created_at, IBM_DATE);
    assert.ok(!result.stdout.includes(password), 'the password is never printed');

    const ana = home();
    const login = await ana.run(['login', '-a', server.url, '-u', email, '-p', password]);
    assert.equal(login.code, 0, login.stderr);
    assert.equal(ana.session()['iamId'], created.iam_id);
  });

  it('reads the password from standard input without -p, names the user by the email when --name is left out', async () => {
    const email = newEmail('bo');
    const password = newPassword();

    const created = jsonOf<UserBody>(
      await admin.run(['iam', 'user-create', email, '--output', 'json'], { stdin: `${password}\n` }),
    );

    assert.deepEqual(created, await serverUser(email));
    assert.equal(created.name, email);
    assert.equal(created.admin, false);
    const bo = home();
    assert.equal((await bo.run(['login', '-a', server.url, '-u', email], { stdin: `${password}\n` })).code, 0);
  });

  it('creates an account administrator with --admin', async () => {
    const email = newEmail('root');

    const created = jsonOf<UserBody>(
      await admin.run(['iam', 'user-create', email, '--admin', '-p', newPassword(), '--output', 'json']),
    );

    assert.equal(created.admin, true);
    assert.equal((await serverUser(email))?.admin, true);
  });

  it('reports the server’s refusals: an email already taken (409), a short password (400)', async () => {
    const before = await serverUsers();

    const taken = await admin.run(['iam', 'user-create', viewer.email, '-p', newPassword()]);
    assert.equal(taken.code, 1);
    assert.equal(taken.stderr, `FAILED\nA user with the email ${viewer.email} already exists. (conflict, HTTP 409)\n`);

    const short = await admin.run(['iam', 'user-create', newEmail('short'), '-p', 'short']);
    assert.equal(short.code, 1);
    assert.equal(
      short.stderr,
      'FAILED\nInvalid body: body/password must NOT have fewer than 8 characters (invalid_request, HTTP 400)\n',
    );

    assert.deepEqual(await serverUsers(), before);
  });

  it('refuses a user without user management with the server’s 403, and creates nothing', async () => {
    const email = newEmail('nope');

    const result = await viewerHome.run(['iam', 'user-create', email, '-p', newPassword()]);

    assert.deepEqual(result, {
      code: 1,
      stdout: `Creating user ${email} under account ${server.app.accountId} as ${viewer.email}...\n`,
      stderr: 'FAILED\nYou are not authorized to create users. (insufficent_permissions, HTTP 403)\n',
    });
    assert.equal(await serverUser(email), undefined);
  });

  it('needs an email, and a password when standard input has none (exit 2)', async () => {
    const noEmail = await admin.run(['iam', 'user-create']);
    assert.equal(noEmail.code, 2);
    assert.equal(
      noEmail.stderr,
      'vigil: missing EMAIL\nUsage: vigil iam user-create EMAIL [--name NAME] [-p PASSWORD] [--admin] [--output json]\n',
    );

    const email = newEmail('nopw');
    const noPassword = await admin.run(['iam', 'user-create', email]);
    assert.equal(noPassword.code, 2);
    assert.match(noPassword.stderr, /^vigil: no password given: use -p, a terminal, or standard input\nUsage: /);
    assert.equal(await serverUser(email), undefined);
  });

  it('deletes a user by email with -f: their login stops working', async () => {
    const user = await server.app.createUser({ name: 'Dee Leted' });
    const theirs = home();
    await theirs.login(server, user);

    const result = await admin.run(['iam', 'user-delete', user.email, '-f']);

    assert.deepEqual(result, {
      code: 0,
      stdout: [
        `Deleting user ${user.email} as ${server.app.admin.email}...`,
        'OK',
        `User ${user.email} is deleted`,
        '',
      ].join('\n'),
      stderr: '',
    });
    assert.equal(await serverUser(user.email), undefined);
    const res = await server.app.http.inject({
      method: 'GET',
      url: `/v1/users/${user.iamId}`,
      headers: bearer(await adminToken()),
    });
    assert.equal(res.statusCode, 404);
    const again = await theirs.run(['login', '-a', server.url, '-u', user.email, '-p', user.password]);
    assert.equal(again.code, 1);
  });

  it('asks before deleting: without -f and without a terminal it refuses (exit 2) and deletes nothing', async () => {
    const user = await server.app.createUser();

    const result = await admin.run(['iam', 'user-delete', user.email]);

    assert.deepEqual(result, {
      code: 2,
      stdout: '',
      stderr:
        'vigil: this needs a confirmation, and standard input is not a terminal: add -f to go ahead without asking\n' +
        'Usage: vigil iam user-delete EMAIL [-f]\n',
    });
    assert.equal((await serverUser(user.email))?.iam_id, user.iamId);
  });

  it('says so when no user has the email (exit 1)', async () => {
    const result = await admin.run(['iam', 'user-delete', 'nobody@example.test', '-f']);

    assert.deepEqual(result, {
      code: 1,
      stdout: '',
      stderr: "FAILED\nUser 'nobody@example.test' was not found: run `vigil iam users`\n",
    });
  });

  it('refuses a user without user management with the server’s 403, and deletes nothing', async () => {
    const user = await server.app.createUser();

    const result = await viewerHome.run(['iam', 'user-delete', user.email, '-f']);

    assert.deepEqual(result, {
      code: 1,
      stdout: `Deleting user ${user.email} as ${viewer.email}...\n`,
      stderr: 'FAILED\nYou are not authorized to delete users. (insufficent_permissions, HTTP 403)\n',
    });
    assert.equal((await serverUser(user.email))?.iam_id, user.iamId);
  });

  it('user-unlock ends a sign-in lock after ten wrong passwords; the user signs in at once', async () => {
    const email = newEmail('locked');
    const password = newPassword();
    assert.equal((await admin.run(['iam', 'user-create', email, '-p', password])).code, 0);
    const grant = (pw: string) =>
      server.app.http.inject({
        method: 'POST',
        url: '/identity/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ grant_type: 'password', username: email, password: pw }).toString(),
      });
    for (let i = 0; i < 10; i++) assert.equal((await grant(`wrong-${i}-password`)).statusCode, 400);
    assert.equal((await grant(password)).statusCode, 429);
    assert.ok((await serverUser(email))?.signin_locked_until);

    const refused = await viewerHome.run(['iam', 'user-unlock', email]);
    assert.equal(refused.code, 1);
    assert.equal(
      refused.stderr,
      'FAILED\nYou are not authorized to unlock the sign-in of users. (insufficent_permissions, HTTP 403)\n',
    );

    const result = await admin.run(['iam', 'user-unlock', email]);
    assert.deepEqual(result, {
      code: 0,
      stdout: `Unlocking the sign-in of user ${email} as ${server.app.admin.email}...\nOK\nUser ${email} can sign in again\n`,
      stderr: '',
    });
    assert.equal((await serverUser(email))?.signin_locked_until, undefined);
    assert.equal((await grant(password)).statusCode, 200);
  });

  it('refuses a user without any access to list users with the server’s 403', async () => {
    const plain = await server.app.createUser();
    const theirs = home();
    await theirs.login(server, plain);

    const result = await theirs.run(['iam', 'users']);

    assert.deepEqual(result, {
      code: 1,
      stdout: '',
      stderr: 'FAILED\nYou are not authorized to list users. (insufficent_permissions, HTTP 403)\n',
    });
  });
});
