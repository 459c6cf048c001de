import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { InstanceBody } from '../../src/client/instances.js';
import { CliHome, jsonOf, type CliServer } from './cli-harness.js';
import { startMonitorWorld, type MonitorWorld } from './monitor-world.js';

/**
 * `vigil monitor instances`, `instance-create`, `instance-delete` and `instance-target`, run as the built binary against
 * a real server: the table and JSON, the rows of a new instance, the session file before and after targeting and
 * deleting, and the refusals (unknown names, no -f without a terminal, a user without Editor).
 */

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function targetRows(url: string, user: string, account: string, instance: string, team: string): string[] {
  return [
    `API endpoint:      ${url}`,
    `User:              ${user}`,
    `Account:           ${account}`,
    `Instance:          ${instance}`,
    `Team:              ${team}`,
  ];
}

describe('vigil monitor instances / instance-create / instance-delete / instance-target', () => {
  let server: CliServer;
  let admin: CliHome;
  let reader: CliHome;
  let defaultGuid = '';
  let opsTeamId = 0;
  let webTeamId = 0;

  const instancesOf = async (): Promise<InstanceBody[]> => {
    const response = await server.app.http.inject({
      method: 'GET',
      url: '/v1/instances',
      headers: { authorization: `Bearer ${await server.app.admin.token()}` },
    });
    assert.equal(response.statusCode, 200);
    return (response.json() as { instances: InstanceBody[] }).instances;
  };
  const instanceRow = (guid: string) =>
    server.app.database.db.selectFrom('monitor_instances').selectAll().where('guid', '=', guid).executeTakeFirst();

  let world: MonitorWorld;
  before(async () => {
    world = await startMonitorWorld({ webTeam: true });
    ({ server, admin, reader } = world);
    [defaultGuid, opsTeamId, webTeamId] = [world.instanceGuid, world.opsId, world.webId];
  });
  after(async () => {
    await world.close();
  });

  it('lists the instances with the targeted one marked, and the API’s JSON with --output json', async () => {
    const [only] = await instancesOf();
    assert.ok(only);

    const result = await admin.run(['monitor', 'instances']);

    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, '');
    assert.equal(
      result.stdout,
      [
        `Getting monitoring instances of account ${server.app.accountId} as ${server.app.admin.email}...`,
        '',
        'GUID                                   Name                 Region   External API auth   Created',
        `${defaultGuid}   default (targeted)   local    ANY                 ${only.created_at}`,
        '',
      ].join('\n'),
    );
    assert.deepEqual(jsonOf(await admin.run(['monitor', 'instances', '--output', 'json'])), await instancesOf());
  });

  it('creates an instance with its default team and prints its rows', async () => {
    const result = await admin.run(['monitor', 'instance-create', 'staging', '--region', 'eu-de']);

    assert.equal(result.code, 0, result.stderr);
    const created = (await instancesOf()).find((instance) => instance.name === 'staging');
    assert.ok(created);
    assert.equal(
      result.stdout,
      [
        `Creating monitoring instance staging in region eu-de as ${server.app.admin.email}...`,
        'OK',
        'Monitoring instance staging was created',
        '',
        `GUID              ${created.guid}`,
        'Name              staging',
        'Region            eu-de',
        'External API auth ANY',
        `Created At        ${created.created_at}`,
        '',
      ].join('\n'),
    );
    assert.match(created.created_at, ISO);
    const teams = await server.app.database.db
      .selectFrom('monitor_teams')
      .select(['name', 'is_default'])
      .where('instance_guid', '=', created.guid)
      .execute();
    assert.deepEqual(teams, [{ name: 'Monitor Operations', is_default: 1 }]);

    const json = jsonOf<InstanceBody>(await admin.run(['monitor', 'instance-create', 'batch', '--output', 'json']));
    assert.equal(json.name, 'batch');
    assert.equal(json.region, 'local');
    assert.deepEqual(
      json,
      (await instancesOf()).find((instance) => instance.guid === json.guid),
    );
  });

  it('shows the server’s 409 for a name already used, and creates nothing', async () => {
    const before = await instancesOf();

    const result = await admin.run(['monitor', 'instance-create', 'staging']);

    assert.equal(result.code, 1);
    assert.equal(result.stdout, `Creating monitoring instance staging as ${server.app.admin.email}...\n`);
    assert.equal(
      result.stderr,
      'FAILED\nA monitoring instance named "staging" already exists in this account. (conflict, HTTP 409)\n',
    );
    assert.deepEqual(await instancesOf(), before);
  });

  it('refuses a user without Editor on sysdig-monitor (the server’s 403), and creates nothing', async () => {
    const before = await instancesOf();

    const result = await reader.run(['monitor', 'instance-create', 'mine']);

    assert.equal(result.code, 1);
    assert.equal(
      result.stderr,
      'FAILED\nYou are not authorized to create monitoring instances. (insufficent_permissions, HTTP 403)\n',
    );
    assert.deepEqual(await instancesOf(), before);
  });

  it('a missing name is a usage error (exit 2)', async () => {
    const result = await admin.run(['monitor', 'instance-create']);

    assert.deepEqual(result, {
      code: 2,
      stdout: '',
      stderr: 'vigil: missing NAME\nUsage: vigil monitor instance-create NAME [--region REGION] [--output json]\n',
    });
  });

  it('targets an instance by name with a team, and by GUID without one, saving both in the session', async () => {
    const staging = (await instancesOf()).find((instance) => instance.name === 'staging');
    assert.ok(staging);
    const sessionBefore = admin.session();
    assert.deepEqual(sessionBefore['instance'], { guid: defaultGuid, name: 'default' });
    assert.equal(sessionBefore['team'], undefined);

    const withTeam = await admin.run(['monitor', 'instance-target', 'default', '--team', 'web']);

    assert.deepEqual(withTeam, {
      code: 0,
      stdout: [
        `Targeted monitoring instance default (${defaultGuid})`,
        `Targeted team web (${webTeamId})`,
        '',
        ...targetRows(
          server.url,
          server.app.admin.email,
          server.app.accountId,
          `default (${defaultGuid})`,
          `web (${webTeamId})`,
        ),
        '',
      ].join('\n'),
      stderr: '',
    });
    const targeted = admin.session();
    assert.deepEqual(targeted['instance'], { guid: defaultGuid, name: 'default' });
    assert.deepEqual(targeted['team'], { id: webTeamId, name: 'web' });
    assert.equal(targeted['accessToken'], sessionBefore['accessToken']);
    const target = await admin.run(['target']);
    assert.match(target.stdout, new RegExp(`^Team: +web \\(${webTeamId}\\)$`, 'm'));

    const byGuid = await admin.run(['monitor', 'instance-target', staging.guid]);

    assert.equal(byGuid.code, 0, byGuid.stderr);
    assert.equal(
      byGuid.stdout,
      [
        `Targeted monitoring instance staging (${staging.guid})`,
        '',
        ...targetRows(
          server.url,
          server.app.admin.email,
          server.app.accountId,
          `staging (${staging.guid})`,
          'Your default team',
        ),
        '',
      ].join('\n'),
    );
    assert.deepEqual(admin.session()['instance'], { guid: staging.guid, name: 'staging' });
    assert.equal('team' in admin.session(), false);
  });

  it('the team given with --team is looked up in the instance being targeted', async () => {
    const staging = (await instancesOf()).find((instance) => instance.name === 'staging');
    assert.ok(staging);
    const stagingOps = await server.app.database.db
      .selectFrom('monitor_teams')
      .select('id')
      .where('instance_guid', '=', staging.guid)
      .executeTakeFirstOrThrow();
    await admin.run(['monitor', 'instance-target', 'default']);

    const result = await admin.run(['monitor', 'instance-target', 'staging', '--team', 'Monitor Operations']);

    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(admin.session()['team'], { id: stagingOps.id, name: 'Monitor Operations' });
    assert.notEqual(stagingOps.id, opsTeamId);
    // web exists in `default` only.
    const missing = await admin.run(['monitor', 'instance-target', 'staging', '--team', 'web']);
    assert.deepEqual(missing, {
      code: 1,
      stdout: '',
      stderr: "FAILED\nTeam 'web' was not found: run `vigil monitor teams`\n",
    });
    assert.deepEqual(admin.session()['team'], { id: stagingOps.id, name: 'Monitor Operations' });
  });

  it('an unknown instance name fails with a hint and leaves the session alone', async () => {
    const before = admin.session();

    const result = await admin.run(['monitor', 'instance-target', 'nowhere']);

    assert.deepEqual(result, {
      code: 1,
      stdout: '',
      stderr: "FAILED\nMonitoring instance 'nowhere' was not found: run `vigil monitor instances`\n",
    });
    assert.deepEqual(admin.session(), before);
    const deleting = await admin.run(['monitor', 'instance-delete', 'nowhere', '-f']);
    assert.equal(deleting.code, 1);
    assert.equal(
      deleting.stderr,
      "FAILED\nMonitoring instance 'nowhere' was not found: run `vigil monitor instances`\n",
    );
  });

  it('a user sees only the instances they have access to, and cannot target another', async () => {
    const listed = await reader.run(['monitor', 'instances', '--output', 'json']);
    assert.deepEqual(
      jsonOf<InstanceBody[]>(listed).map((instance) => instance.name),
      ['default'],
    );

    const result = await reader.run(['monitor', 'instance-target', 'staging']);

    assert.equal(result.code, 1);
    assert.equal(result.stderr, "FAILED\nMonitoring instance 'staging' was not found: run `vigil monitor instances`\n");
  });

  it('refuses to delete without -f when stdin is not a terminal (exit 2), and deletes nothing', async () => {
    const result = await admin.run(['monitor', 'instance-delete', 'batch']);

    assert.equal(result.code, 2);
    assert.equal(result.stdout, '');
    assert.equal(
      result.stderr,
      'vigil: this needs a confirmation, and standard input is not a terminal: add -f to go ahead without asking\n' +
        'Usage: vigil monitor instance-delete NAME|GUID [-f]\n',
    );
    assert.ok((await instancesOf()).some((instance) => instance.name === 'batch'));
  });

  it('deletes an instance that is not targeted and leaves the session alone', async () => {
    const batch = (await instancesOf()).find((instance) => instance.name === 'batch');
    assert.ok(batch);
    const before = admin.session();

    const result = await admin.run(['monitor', 'instance-delete', batch.guid, '-f']);

    assert.deepEqual(result, {
      code: 0,
      stdout: `Deleting monitoring instance batch as ${server.app.admin.email}...\nOK\nMonitoring instance batch was deleted\n`,
      stderr: '',
    });
    assert.equal(await instanceRow(batch.guid), undefined);
    assert.deepEqual(admin.session(), before);
  });

  it('deleting the targeted instance removes the instance and team from the session', async () => {
    const staging = (await instancesOf()).find((instance) => instance.name === 'staging');
    assert.ok(staging);
    assert.deepEqual(admin.session()['instance'], { guid: staging.guid, name: 'staging' });
    assert.ok(admin.session()['team']);

    const result = await admin.run(['monitor', 'instance-delete', 'staging', '-f']);

    assert.deepEqual(result, {
      code: 0,
      stdout: [
        `Deleting monitoring instance staging as ${server.app.admin.email}...`,
        'OK',
        'Monitoring instance staging was deleted',
        "No monitoring instance is targeted now: use 'vigil monitor instance-target NAME'",
        '',
      ].join('\n'),
      stderr: '',
    });
    assert.equal(await instanceRow(staging.guid), undefined);
    const session = admin.session();
    assert.equal('instance' in session, false);
    assert.equal('team' in session, false);
    assert.equal(session['user'], server.app.admin.email);
    const teams = await admin.run(['monitor', 'teams']);
    assert.deepEqual(teams, {
      code: 1,
      stdout: '',
      stderr: 'FAILED\nNo monitoring instance targeted: run `vigil monitor instance-target NAME`\n',
    });
  });

  it('a non-administrator cannot delete an instance (the server’s 403); it is still there', async () => {
    const result = await reader.run(['monitor', 'instance-delete', 'default', '-f']);

    assert.equal(result.code, 1);
    assert.equal(
      result.stderr,
      'FAILED\nYou are not authorized to delete this monitoring instance. (insufficent_permissions, HTTP 403)\n',
    );
    assert.ok(await instanceRow(defaultGuid));
  });

  it('says to log in when there is no session', async () => {
    const nobody = new CliHome();
    try {
      const result = await nobody.run(['monitor', 'instances']);
      assert.deepEqual(result, { code: 1, stdout: '', stderr: 'FAILED\nNot logged in: run `vigil login`\n' });
    } finally {
      nobody.remove();
    }
  });
});
