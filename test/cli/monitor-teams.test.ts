import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { TeamBody } from '../../src/client/teams.js';
import { iamHeaders } from '../../src/testing/monitor-fixtures.js';
import type { TestUser } from '../../src/testing/test-app.js';
import { CliHome, jsonOf, type CliServer } from './cli-harness.js';
import { startMonitorWorld, type MonitorWorld } from './monitor-world.js';

/**
 * `vigil monitor teams`, `team-create`, `team-delete`, `team-members` and `team-member-add`, run as the built binary
 * against a real server: tables and rows, the scope validated by the server, memberships written with the team's
 * version, a person who never used the instance invited and linked on their first call, and every refusal.
 */

describe('vigil monitor teams / team-create / team-delete / team-members / team-member-add', () => {
  let server: CliServer;
  let admin: CliHome;
  let reader: CliHome;
  let readerUser: TestUser;
  let newcomer: TestUser;
  let instanceGuid = '';
  let opsId = 0;

  const teamRow = (name: string) =>
    server.app.database.db
      .selectFrom('monitor_teams')
      .selectAll()
      .where('instance_guid', '=', instanceGuid)
      .where('name', '=', name)
      .executeTakeFirst();
  const membershipsOf = (teamId: number) =>
    server.app.database.db
      .selectFrom('monitor_memberships')
      .innerJoin('monitor_users', 'monitor_users.id', 'monitor_memberships.user_id')
      .select(['monitor_users.username', 'monitor_memberships.role'])
      .where('monitor_memberships.team_id', '=', teamId)
      .orderBy('monitor_users.username')
      .execute();
  const apiTeam = async (id: number): Promise<TeamBody> => {
    const response = await server.app.http.inject({
      method: 'GET',
      url: `/api/teams/${id}`,
      headers: iamHeaders(await server.app.admin.token(), instanceGuid),
    });
    assert.equal(response.statusCode, 200);
    return (response.json() as { team: TeamBody }).team;
  };

  let world: MonitorWorld;
  before(async () => {
    world = await startMonitorWorld({ webTeam: false });
    ({ server, admin, reader, readerUser, instanceGuid, opsId } = world);
    newcomer = await server.app.createUser({ name: 'Nico Newcomer' });
  });
  after(async () => {
    await world.close();
  });

  it('lists the teams of the targeted instance', async () => {
    const result = await admin.run(['monitor', 'teams']);

    assert.deepEqual(result, {
      code: 0,
      stdout: [
        `Getting teams of monitoring instance default as ${server.app.admin.email}...`,
        '',
        'ID   Name                 Scope        Default role     Members',
        `${opsId}    Monitor Operations   everywhere   ROLE_TEAM_READ   0`,
        '',
      ].join('\n'),
      stderr: '',
    });
    assert.deepEqual(jsonOf<TeamBody[]>(await admin.run(['monitor', 'teams', '--output', 'json'])), [
      await apiTeam(opsId),
    ]);
  });

  it('creates a team with a scope and a description, and prints its rows', async () => {
    const result = await admin.run([
      'monitor',
      'team-create',
      'web',
      '--scope',
      'kubernetes.namespace.name = "web"',
      '-d',
      'The web people',
    ]);

    assert.equal(result.code, 0, result.stderr);
    const row = await teamRow('web');
    assert.ok(row);
    assert.equal(row.filter, 'kubernetes.namespace.name = "web"');
    assert.equal(row.description, 'The web people');
    assert.equal(
      result.stdout,
      [
        `Creating team web in monitoring instance default as ${server.app.admin.email}...`,
        'OK',
        'Team web was created',
        '',
        `ID            ${row.id}`,
        'Name          web',
        'Description   The web people',
        'Scope         kubernetes.namespace.name = "web"',
        'Default role  ROLE_TEAM_EDIT',
        'Members       0',
        `Created At    ${new Date(row.created_at).toISOString()}`,
        '',
      ].join('\n'),
    );

    const json = jsonOf<TeamBody>(await admin.run(['monitor', 'team-create', 'ops-2', '--output', 'json']));
    assert.equal(json.filter, null);
    assert.deepEqual(json, await apiTeam(json.id));
  });

  it('shows the server’s 400 for a bad scope (exit 1) and creates nothing', async () => {
    const result = await admin.run(['monitor', 'team-create', 'bad', '--scope', 'kubernetes.namespace.name = ']);

    assert.deepEqual(result, {
      code: 1,
      stdout: `Creating team bad in monitoring instance default as ${server.app.admin.email}...\n`,
      stderr:
        'FAILED\nfilter: unexpected end of the expression at 29: expected a quoted value after "=" ' +
        '(Bad Request: filter, HTTP 400)\n',
    });
    assert.equal(await teamRow('bad'), undefined);
  });

  it('a Reader cannot create a team (the server’s 403)', async () => {
    const result = await reader.run(['monitor', 'team-create', 'mine']);

    assert.equal(result.code, 1);
    assert.equal(
      result.stderr,
      'FAILED\nOnly instance administrators can create teams (Not enough privileges to complete the action, HTTP 403)\n',
    );
    assert.equal(await teamRow('mine'), undefined);
  });

  it('a new team has no members', async () => {
    const result = await admin.run(['monitor', 'team-members', '--team', 'web']);

    assert.deepEqual(result, {
      code: 0,
      stdout: `Getting members of team web as ${server.app.admin.email}...\n\nNo members found.\n`,
      stderr: '',
    });
  });

  it('adds a person who has used the instance, with the role given as a short name', async () => {
    // The reader's first Monitor API call provisions their Monitor user.
    assert.equal((await reader.run(['monitor', 'teams'])).code, 0);
    const web = await teamRow('web');
    assert.ok(web);

    const result = await admin.run(['monitor', 'team-member-add', readerUser.email, '--role', 'edit', '--team', 'web']);

    assert.deepEqual(result, {
      code: 0,
      stdout: [
        `Adding ${readerUser.email} to team web with role ROLE_TEAM_EDIT as ${server.app.admin.email}...`,
        'OK',
        `${readerUser.email} is a member of team web with role ROLE_TEAM_EDIT`,
        '',
      ].join('\n'),
      stderr: '',
    });
    assert.deepEqual(await membershipsOf(web.id), [{ username: readerUser.email, role: 'ROLE_TEAM_EDIT' }]);
    assert.equal((await teamRow('web'))?.version, web.version + 1);
  });

  it('invites a person who has not used the instance yet; their first call links the invitation', async () => {
    const web = await teamRow('web');
    assert.ok(web);

    const result = await admin.run([
      'monitor',
      'team-member-add',
      newcomer.email,
      '--role',
      'ROLE_TEAM_READ',
      '--team',
      'web',
    ]);

    assert.deepEqual(result, {
      code: 0,
      stdout: [
        `Adding ${newcomer.email} to team web with role ROLE_TEAM_READ as ${server.app.admin.email}...`,
        'OK',
        `${newcomer.email} has not used monitoring instance default yet and was invited`,
        `${newcomer.email} is a member of team web with role ROLE_TEAM_READ`,
        '',
      ].join('\n'),
      stderr: '',
    });
    const invited = await server.app.database.db
      .selectFrom('monitor_users')
      .selectAll()
      .where('instance_guid', '=', instanceGuid)
      .where('username', '=', newcomer.email)
      .executeTakeFirstOrThrow();
    // The invitation names the IAM user with that email at once; it already lets them find the instance.
    assert.equal(invited.iam_id, newcomer.iamId);
    const newcomerHome = new CliHome();
    try {
      await newcomerHome.login(server, newcomer);
      assert.deepEqual(newcomerHome.session()['instance'], { guid: instanceGuid, name: 'default' });
    } finally {
      newcomerHome.remove();
    }
    assert.deepEqual(
      await membershipsOf(web.id),
      [
        { username: readerUser.email, role: 'ROLE_TEAM_EDIT' },
        { username: newcomer.email, role: 'ROLE_TEAM_READ' },
      ].sort((a, b) => a.username.localeCompare(b.username)),
    );

    // The newcomer's first call with their IAM token (as IBM's docs do it with curl) links the invitation.
    const me = await fetch(`${server.url}/api/user/me`, {
      headers: iamHeaders(await newcomer.token(), instanceGuid),
    });
    assert.equal(me.status, 200);
    const user = ((await me.json()) as { user: { id: number; teamRoles: unknown[] } }).user;
    assert.equal(user.id, invited.id);
    assert.deepEqual(user.teamRoles, [{ teamId: web.id, teamName: 'web', role: 'ROLE_TEAM_READ' }]);
  });

  it('a Reader who is not the team’s manager cannot add members (the server’s 403)', async () => {
    const web = await teamRow('web');
    assert.ok(web);
    const before = await membershipsOf(web.id);

    const result = await reader.run([
      'monitor',
      'team-member-add',
      server.app.admin.email,
      '--role',
      'read',
      '--team',
      'ops-2',
    ]);

    assert.equal(result.code, 1);
    assert.equal(
      result.stderr,
      "FAILED\nOnly instance administrators and the team's managers can edit a team " +
        '(Not enough privileges to complete the action, HTTP 403)\n',
    );
    assert.deepEqual(await membershipsOf((await teamRow('ops-2'))?.id ?? 0), []);
    assert.deepEqual(await membershipsOf(web.id), before);
  });

  it('adding a member again changes their role, keeping the other members', async () => {
    const web = await teamRow('web');
    assert.ok(web);

    const result = await admin.run([
      'monitor',
      'team-member-add',
      readerUser.email,
      '--role',
      'MANAGER',
      '--team',
      'web',
      '--output',
      'json',
    ]);

    const team = jsonOf<TeamBody>(result);
    assert.deepEqual(team, await apiTeam(web.id));
    assert.deepEqual(
      await membershipsOf(web.id),
      [
        { username: readerUser.email, role: 'ROLE_TEAM_MANAGER' },
        { username: newcomer.email, role: 'ROLE_TEAM_READ' },
      ].sort((a, b) => a.username.localeCompare(b.username)),
    );
  });

  it('lists the members with their names and roles, in the targeted team by default', async () => {
    const web = await teamRow('web');
    assert.ok(web);
    assert.equal((await admin.run(['monitor', 'instance-target', 'default', '--team', 'web'])).code, 0);
    // A Monitor user takes the IAM name: on their first call, or when an invitation names an existing IAM user.
    const names = new Map([
      [readerUser.email, 'Rita Reader'],
      [newcomer.email, 'Nico Newcomer'],
    ]);
    const rows = (await apiTeam(web.id)).userRoles.map((m) => [m.userName, names.get(m.userName) ?? '', m.role]);
    assert.equal(rows.length, 2);
    const widths = [0, 1].map(
      (column) => Math.max(...[['Username', 'Name'], ...rows].map((row) => (row[column] ?? '').length)) + 3,
    );
    const line = (cells: string[]) =>
      `${(cells[0] ?? '').padEnd(widths[0] ?? 0)}${(cells[1] ?? '').padEnd(widths[1] ?? 0)}${cells[2] ?? ''}`;

    const result = await admin.run(['monitor', 'team-members']);

    assert.deepEqual(result, {
      code: 0,
      stdout: [
        `Getting members of team web as ${server.app.admin.email}...`,
        '',
        line(['Username', 'Name', 'Role']),
        ...rows.map(line),
        '',
      ].join('\n'),
      stderr: '',
    });
    const json = jsonOf<TeamBody['userRoles']>(await admin.run(['monitor', 'team-members', '--output', 'json']));
    assert.deepEqual(json, (await apiTeam(web.id)).userRoles);
    // The listing marks the targeted team.
    assert.match((await admin.run(['monitor', 'teams'])).stdout, new RegExp(`^${web.id} +web \\(targeted\\) `, 'm'));
  });

  it('rejects a role that is not a team role, and a missing --role (exit 2)', async () => {
    const bad = await admin.run(['monitor', 'team-member-add', readerUser.email, '--role', 'boss']);
    assert.deepEqual(bad, {
      code: 2,
      stdout: '',
      stderr:
        "vigil: --role takes read, standard, edit, manager (or ROLE_TEAM_…), not 'boss'\n" +
        'Usage: vigil monitor team-member-add EMAIL --role ROLE [--team NAME] [--output json]\n',
    });
    const missing = await admin.run(['monitor', 'team-member-add', readerUser.email]);
    assert.equal(missing.code, 2);
    assert.equal(missing.stderr.split('\n')[0], 'vigil: missing --role');
    const noEmail = await admin.run(['monitor', 'team-member-add', '--role', 'read']);
    assert.equal(noEmail.code, 2);
    assert.equal(noEmail.stderr.split('\n')[0], 'vigil: missing EMAIL');
  });

  it('unknown team names fail with a hint', async () => {
    for (const args of [
      ['monitor', 'team-members', '--team', 'nope'],
      ['monitor', 'team-member-add', readerUser.email, '--role', 'read', '--team', 'nope'],
      ['monitor', 'team-delete', 'nope', '-f'],
    ]) {
      const result = await admin.run(args);
      assert.deepEqual(result.code, 1, args.join(' '));
      assert.equal(result.stderr, "FAILED\nTeam 'nope' was not found: run `vigil monitor teams`\n", args.join(' '));
    }
  });

  it('refuses to delete without -f when stdin is not a terminal (exit 2), and deletes nothing', async () => {
    const result = await admin.run(['monitor', 'team-delete', 'ops-2']);

    assert.equal(result.code, 2);
    assert.equal(result.stdout, '');
    assert.equal(
      result.stderr,
      'vigil: this needs a confirmation, and standard input is not a terminal: add -f to go ahead without asking\n' +
        'Usage: vigil monitor team-delete NAME|ID [-f]\n',
    );
    assert.ok(await teamRow('ops-2'));
  });

  it('deletes a team by id', async () => {
    const ops2 = await teamRow('ops-2');
    assert.ok(ops2);

    const result = await admin.run(['monitor', 'team-delete', String(ops2.id), '-f']);

    assert.deepEqual(result, {
      code: 0,
      stdout: `Deleting team ops-2 as ${server.app.admin.email}...\nOK\nTeam ops-2 was deleted\n`,
      stderr: '',
    });
    assert.equal(await teamRow('ops-2'), undefined);
  });

  it('the default team cannot be deleted (the server’s 403)', async () => {
    const result = await admin.run(['monitor', 'team-delete', 'Monitor Operations', '-f']);

    assert.equal(result.code, 1);
    assert.equal(
      result.stderr,
      "FAILED\nMonitor Operations is the instance's default team and cannot be deleted " +
        '(Not enough privileges to complete the action, HTTP 403)\n',
    );
    assert.ok(await teamRow('Monitor Operations'));
  });

  it('deleting the targeted team by name removes its memberships and the team from the session', async () => {
    const web = await teamRow('web');
    assert.ok(web);
    assert.deepEqual(admin.session()['team'], { id: web.id, name: 'web' });

    const result = await admin.run(['monitor', 'team-delete', 'web', '-f']);

    assert.deepEqual(result, {
      code: 0,
      stdout: [
        `Deleting team web as ${server.app.admin.email}...`,
        'OK',
        'Team web was deleted',
        'The targeted team is now your default team',
        '',
      ].join('\n'),
      stderr: '',
    });
    assert.equal(await teamRow('web'), undefined);
    assert.deepEqual(await membershipsOf(web.id), []);
    assert.equal('team' in admin.session(), false);
    assert.deepEqual(admin.session()['instance'], { guid: instanceGuid, name: 'default' });
  });

  it('needs a targeted instance', async () => {
    const other = new CliHome();
    try {
      await other.login(server, server.app.admin);
      const session = other.session();
      delete session['instance'];
      fs.writeFileSync(other.configFile, JSON.stringify(session), { mode: 0o600 });

      const result = await other.run(['monitor', 'team-members']);

      assert.deepEqual(result, {
        code: 1,
        stdout: '',
        stderr: 'FAILED\nNo monitoring instance targeted: run `vigil monitor instance-target NAME`\n',
      });
    } finally {
      other.remove();
    }
  });
});
