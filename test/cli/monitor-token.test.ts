import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { TestUser } from '../../src/testing/test-app.js';
import { insertInstance } from '../../src/testing/monitor-fixtures.js';
import { CliHome, jsonOf, type CliServer } from './cli-harness.js';
import { startMonitorWorld, type MonitorWorld } from './monitor-world.js';

/**
 * `vigil monitor token` and `token-reset`, run as the built binary against a real server: the printed token works as
 * `Authorization: Bearer` on the Monitor API (a real request), a reset kills it (or not, during --grace) and `monitor
 * token` then prints the new one; an administrator resets a member's token, a Reader cannot; and the refusals.
 */

const MONITOR_TOKEN = /^vigil_mt_[A-Za-z0-9]+$/;

describe('vigil monitor token / token-reset', () => {
  let server: CliServer;
  let admin: CliHome;
  let reader: CliHome;
  let readerUser: TestUser;
  let opsId = 0;
  let webId = 0;

  /** GET /api/user/me with a Monitor API token, over the socket: the status and, on 200, the user and team. */
  const useToken = async (token: string): Promise<{ status: number; username?: string; currentTeam?: number }> => {
    const response = await fetch(`${server.url}/api/user/me`, { headers: { authorization: `Bearer ${token}` } });
    if (response.status !== 200) return { status: response.status };
    const { user } = (await response.json()) as { user: { username: string; currentTeam: number } };
    return { status: 200, username: user.username, currentTeam: user.currentTeam };
  };
  const tokenOf = async (home: CliHome, ...extra: string[]): Promise<string> => {
    const result = await home.run(['monitor', 'token', ...extra]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, '');
    const lines = result.stdout.split('\n');
    assert.equal(lines.length, 2, 'one line');
    assert.match(lines[0] ?? '', MONITOR_TOKEN);
    return lines[0] ?? '';
  };
  const tokenRows = async () =>
    server.app.database.db
      .selectFrom('monitor_tokens')
      .select(['id', 'token_hash', 'reset_at'])
      .orderBy('id')
      .execute();

  let world: MonitorWorld;
  before(async () => {
    world = await startMonitorWorld({ webTeam: true });
    ({ server, admin, reader, readerUser, opsId, webId } = world);
  });
  after(async () => {
    await world.close();
  });

  it('prints just the token, which works as a Bearer token on the Monitor API', async () => {
    const token = await tokenOf(admin);

    assert.deepEqual(await useToken(token), { status: 200, username: server.app.admin.email, currentTeam: opsId });
    // Asking again shows the same token; the shell form of the docs works as written.
    assert.equal(await tokenOf(admin), token);
    const shell = await admin.shell('printf "Authorization: Bearer %s" "$(vigil monitor token)"');
    assert.equal(shell.stdout, `Authorization: Bearer ${token}`);
    const json = jsonOf<{ token: { key: string } }>(await admin.run(['monitor', 'token', '--output', 'json']));
    assert.deepEqual(json, { token: { key: token } });
  });

  it('--team gives the token of another team, which acts in that team', async () => {
    const ops = await tokenOf(admin);

    const web = await tokenOf(admin, '--team', 'web');

    assert.notEqual(web, ops);
    assert.deepEqual(await useToken(web), { status: 200, username: server.app.admin.email, currentTeam: webId });
    const unknown = await admin.run(['monitor', 'token', '--team', 'nope']);
    assert.deepEqual(unknown, {
      code: 1,
      stdout: '',
      stderr: "FAILED\nTeam 'nope' was not found: run `vigil monitor teams`\n",
    });
  });

  it('reset -f: the old token gets 401 at once, and `monitor token` prints the new one, which works', async () => {
    const old = await tokenOf(admin);
    const before = await tokenRows();

    const result = await admin.run(['monitor', 'token-reset', '-f']);

    assert.equal(result.code, 0, result.stderr);
    const [, , , , , , token = ''] = result.stdout.split('\n');
    const fresh = token.replace(/^Token +/, '');
    assert.match(fresh, MONITOR_TOKEN);
    assert.equal(
      result.stdout,
      [
        `Resetting your Monitor API token in team Monitor Operations as ${server.app.admin.email}...`,
        'OK',
        'The old token no longer works',
        '',
        `Team          Monitor Operations (${opsId})`,
        `User          ${server.app.admin.email}`,
        `Token         ${fresh}`,
        '',
      ].join('\n'),
    );
    assert.deepEqual(await useToken(old), { status: 401 });
    assert.equal(await tokenOf(admin), fresh);
    assert.equal((await useToken(fresh)).status, 200);
    const after = await tokenRows();
    assert.equal(after.length, before.length);
    const changed = after.filter((row, index) => row.token_hash !== before[index]?.token_hash);
    assert.equal(changed.length, 1);
    assert.ok(changed[0]?.reset_at);
  });

  it('--grace keeps the old token working; --output json prints the new one', async () => {
    const old = await tokenOf(admin);

    const result = await admin.run(['monitor', 'token-reset', '-f', '--grace', '300', '--output', 'json']);

    const { token } = jsonOf<{ token: { key: string } }>(result);
    assert.notEqual(token.key, old);
    assert.equal((await useToken(old)).status, 200);
    assert.equal((await useToken(token.key)).status, 200);
    assert.equal(await tokenOf(admin), token.key);
    const text = await admin.run(['monitor', 'token-reset', '-f', '--grace', '60']);
    assert.equal(text.code, 0, text.stderr);
    assert.equal(text.stdout.split('\n')[2], 'The old token keeps working for 60 seconds');
    // A second reset ends the first grace: the value from before it is dead, the one it replaced still works.
    assert.equal((await useToken(old)).status, 401);
    assert.equal((await useToken(token.key)).status, 200);
  });

  it('--grace must be a whole number of seconds up to a day (exit 2, nothing reset)', async () => {
    const before = await tokenRows();
    for (const value of ['-1', '86401', 'soon']) {
      const result = await admin.run(['monitor', 'token-reset', '-f', `--grace=${value}`]);
      assert.deepEqual(result, {
        code: 2,
        stdout: '',
        stderr:
          `vigil: --grace must be a whole number from 0 to 86400, not '${value}'\n` +
          'Usage: vigil monitor token-reset [--team NAME] [--user EMAIL] [--grace SECONDS] [-f] [--output json]\n',
      });
    }
    assert.deepEqual(await tokenRows(), before);
  });

  it('refuses to reset without -f when stdin is not a terminal (exit 2), and the token is unchanged', async () => {
    const token = await tokenOf(admin);
    const before = await tokenRows();

    const result = await admin.run(['monitor', 'token-reset']);

    assert.deepEqual(result, {
      code: 2,
      stdout: '',
      stderr:
        'vigil: this needs a confirmation, and standard input is not a terminal: add -f to go ahead without asking\n' +
        'Usage: vigil monitor token-reset [--team NAME] [--user EMAIL] [--grace SECONDS] [-f] [--output json]\n',
    });
    assert.deepEqual(await tokenRows(), before);
    assert.equal(await tokenOf(admin), token);
    assert.equal((await useToken(token)).status, 200);
  });

  it("an administrator resets a member's token with --user; the member's old token dies", async () => {
    const old = await tokenOf(reader);
    assert.deepEqual(await useToken(old), { status: 200, username: readerUser.email, currentTeam: opsId });

    const result = await admin.run(['monitor', 'token-reset', '--user', readerUser.email, '-f']);

    assert.equal(result.code, 0, result.stderr);
    const fresh = (result.stdout.split('\n')[6] ?? '').replace(/^Token +/, '');
    assert.equal(
      result.stdout,
      [
        `Resetting the Monitor API token of ${readerUser.email} in team Monitor Operations as ${server.app.admin.email}...`,
        'OK',
        'The old token no longer works',
        '',
        `Team          Monitor Operations (${opsId})`,
        `User          ${readerUser.email}`,
        `Token         ${fresh}`,
        '',
      ].join('\n'),
    );
    assert.deepEqual(await useToken(old), { status: 401 });
    assert.equal(await tokenOf(reader), fresh);
    assert.deepEqual(await useToken(fresh), { status: 200, username: readerUser.email, currentTeam: opsId });
  });

  it("a Reader cannot reset another user's token (the server's 403); that token still works", async () => {
    const adminToken = await tokenOf(admin);
    const before = await tokenRows();

    const result = await reader.run(['monitor', 'token-reset', '--user', server.app.admin.email, '-f']);

    assert.deepEqual(result, {
      code: 1,
      stdout: `Resetting the Monitor API token of ${server.app.admin.email} in team Monitor Operations as ${readerUser.email}...\n`,
      stderr:
        "FAILED\nOnly instance administrators and this team's managers may see or reset another member's token " +
        '(Not enough privileges to complete the action, HTTP 403)\n',
    });
    assert.deepEqual(await tokenRows(), before);
    assert.equal(await tokenOf(admin), adminToken);
    assert.equal((await useToken(adminToken)).status, 200);
  });

  it('an unknown --user is the server’s 404', async () => {
    const result = await admin.run(['monitor', 'token-reset', '--user', 'nobody@example.test', '-f']);

    assert.equal(result.code, 1);
    assert.equal(result.stderr, 'FAILED\nUser not found (Not Found, HTTP 404)\n');
  });

  it('an IAM_ONLY instance has no Monitor API token to show', async () => {
    await insertInstance(server.app, { name: 'locked', externalApiAuth: 'IAM_ONLY' });
    const home = new CliHome();
    try {
      await home.login(server, server.app.admin);
      assert.equal((await home.run(['monitor', 'instance-target', 'locked'])).code, 0);

      const result = await home.run(['monitor', 'token']);

      assert.deepEqual(result, {
        code: 1,
        stdout: '',
        stderr:
          'FAILED\nMonitoring instance locked accepts IAM tokens only (external API auth IAM_ONLY), so it has no ' +
          'Monitor API tokens: use an IAM token with IBMInstanceID instead (`vigil iam oauth-tokens`)\n',
      });
    } finally {
      home.remove();
    }
  });

  it('needs a targeted instance', async () => {
    const home = new CliHome();
    try {
      await home.login(server, server.app.admin);
      const session = home.session();
      delete session['instance'];
      fs.writeFileSync(home.configFile, JSON.stringify(session), { mode: 0o600 });

      for (const args of [
        ['monitor', 'token'],
        ['monitor', 'token-reset', '-f'],
      ]) {
        const result = await home.run(args);
        assert.deepEqual(result, {
          code: 1,
          stdout: '',
          stderr: 'FAILED\nNo monitoring instance targeted: run `vigil monitor instance-target NAME`\n',
        });
      }
    } finally {
      home.remove();
    }
  });
});
