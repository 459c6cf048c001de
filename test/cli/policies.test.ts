import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { PolicyWire } from '../../src/client/policies.js';
import type { UserBody } from '../../src/client/users.js';
import { createServiceId, grantIdentityRole, type TestServiceId } from '../../src/testing/identity-fixtures.js';
import { insertInstance } from '../../src/testing/monitor-fixtures.js';
import { ETAG, ROLE, UUID, renderedRoles } from '../../src/testing/policy-fixtures.js';
import { bearer, type TestUser } from '../../src/testing/test-app.js';
import { CliHome, jsonOf, type CliResult, startCliServer, type CliServer } from './cli-harness.js';

/**
 * `vigil iam user-policy-create`, `service-policy-create`, `user-policies`, `service-policies` and `policy-delete`,
 * run as the built binary against a real server. The grant is proved end to end: a user created with the CLI gets a
 * Monitor token through `vigil iam oauth-tokens` that the Monitor API refuses before the policy, accepts with it, and
 * refuses again once the policy is deleted. Every refusal is checked against the server's state.
 */

const newPassword = () => `pw-${randomBytes(12).toString('base64url')}`;
const newEmail = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}@example.test`;
const VALID_ROLES = 'Viewer, Operator, Editor, Administrator, Reader, Writer, Manager';
const CREATE_USAGE =
  'Usage: vigil iam user-policy-create EMAIL --roles ROLE[,ROLE] --service-name NAME [--service-instance GUID] ' +
  '[--attributes NAME=VALUE[,NAME=VALUE]] [--output json]\n';

/** The lines of `Output.table`: columns three spaces apart, the last one unpadded. */
function table(rows: string[][]): string {
  const widths = (rows[0] ?? []).map((_, index) => Math.max(...rows.map((row) => row[index]?.length ?? 0)));
  return rows
    .map((row) =>
      row.map((cell, index) => (index === row.length - 1 ? cell : cell.padEnd((widths[index] ?? 0) + 3))).join(''),
    )
    .join('\n');
}

/** The policy id in the rows `user-policy-create` printed. */
function policyIdOf(result: CliResult): string {
  assert.equal(result.code, 0, result.stderr);
  const id = /^Policy ID {5}(\S+)$/m.exec(result.stdout)?.[1];
  assert.ok(id, result.stdout);
  return id;
}

describe('vigil iam user-policy-create / service-policy-create / user-policies / service-policies / policy-delete', () => {
  let server: CliServer;
  const homes: CliHome[] = [];
  let admin: CliHome;
  let guid = '';
  let teamId = 0;
  /** Viewer on iam-identity: may read users and policies, may not manage policies. */
  let viewer: TestUser;
  let viewerHome: CliHome;

  const home = () => {
    const created = new CliHome();
    homes.push(created);
    return created;
  };
  const asAdmin = async () => bearer(await server.app.admin.token());
  /** A policy as the API shows it, with its ETag. */
  const serverPolicy = async (id: string): Promise<{ policy: PolicyWire; etag: string }> => {
    const res = await server.app.http.inject({ method: 'GET', url: `/v1/policies/${id}`, headers: await asAdmin() });
    assert.equal(res.statusCode, 200, res.body);
    return { policy: res.json() as PolicyWire, etag: String(res.headers.etag) };
  };
  /** The active policies of a subject, as the API lists them. */
  const serverPolicies = async (iamId: string): Promise<PolicyWire[]> => {
    const res = await server.app.http.inject({
      method: 'GET',
      url: `/v1/policies?account_id=${server.app.accountId}&iam_id=${iamId}`,
      headers: await asAdmin(),
    });
    assert.equal(res.statusCode, 200, res.body);
    return (res.json() as { policies: PolicyWire[] }).policies;
  };
  const equals = (name: string, value: string) => ({ name, value, operator: 'stringEquals' });
  const monitorResource = (...extra: { name: string; value: string; operator: string }[]) => [
    {
      attributes: [
        equals('accountId', server.app.accountId),
        equals('serviceName', 'sysdig-monitor'),
        equals('serviceInstance', guid),
        ...extra,
      ],
    },
  ];
  /** A user created directly, with no policy. */
  const someUser = () => server.app.createUser();

  before(async () => {
    server = await startCliServer();
    admin = home();
    await admin.login(server, server.app.admin);
    const created = await insertInstance(server.app, { name: 'prod' });
    guid = created.instance.guid;
    teamId = created.operations.id;
    viewer = await server.app.createUser({ name: 'Vic Viewer' });
    await grantIdentityRole(server.app, viewer.iamId, 'Viewer');
    viewerHome = home();
    await viewerHome.login(server, viewer);
  });
  after(async () => {
    for (const created of homes) created.remove();
    await server.close();
  });

  it('grants a user created with the CLI Reader on an instance: the Monitor API lets them in until the policy is deleted', async () => {
    const email = newEmail('rita');
    const password = newPassword();
    const user = jsonOf<UserBody>(
      await admin.run(['iam', 'user-create', email, '--name', 'Rita Reader', '-p', password, '--output', 'json']),
    );
    const rita = home();
    assert.equal((await rita.run(['login', '-a', server.url, '-u', email, '-p', password])).code, 0);
    /** GET /api/user/me with the IAM token `vigil iam oauth-tokens` prints (it already starts with "Bearer "). */
    const monitorStatus = async () => {
      const { iam_token: token } = jsonOf<{ iam_token: string }>(
        await rita.run(['iam', 'oauth-tokens', '--output', 'json']),
      );
      const res = await fetch(`${server.url}/api/user/me`, { headers: { authorization: token, ibminstanceid: guid } });
      await res.arrayBuffer();
      return res.status;
    };
    assert.equal(await monitorStatus(), 403, 'no access before the policy');
    assert.deepEqual(await serverPolicies(user.iam_id), []);

    const created = await admin.run([
      'iam',
      'user-policy-create',
      email,
      '--roles',
      'Reader',
      '--service-name',
      'sysdig-monitor',
      '--service-instance',
      guid,
    ]);

    const id = policyIdOf(created);
    const { policy, etag } = await serverPolicy(id);
    assert.match(id, UUID);
    assert.match(etag, ETAG);
    assert.deepEqual(
      { state: policy.state, subjects: policy.subjects, roles: policy.roles, resources: policy.resources },
      {
        state: 'active',
        subjects: [{ attributes: [{ name: 'iam_id', value: user.iam_id }] }],
        roles: renderedRoles('Reader'),
        resources: monitorResource(),
      },
    );
    assert.deepEqual(created, {
      code: 0,
      stdout: [
        `Creating user policy under current account for user ${email} as ${server.app.admin.email}...`,
        'OK',
        'Policy is created',
        '',
        `Policy ID     ${id}`,
        `Version       ${etag}`,
        'Roles         Reader',
        `Resources     serviceName=sysdig-monitor, serviceInstance=${guid}`,
        '',
      ].join('\n'),
      stderr: '',
    });
    assert.equal(await monitorStatus(), 200, 'the policy grants access');

    const listed = await admin.run(['iam', 'user-policies', email]);
    assert.deepEqual(listed, {
      code: 0,
      stdout:
        `Getting policies of user ${email} under account ${server.app.accountId} as ${server.app.admin.email}...\n\n` +
        table([
          ['Policy ID', 'Roles', 'Resources'],
          [id, 'Reader', `serviceName=sysdig-monitor, serviceInstance=${guid}`],
        ]) +
        '\n',
      stderr: '',
    });
    assert.deepEqual(jsonOf(await admin.run(['iam', 'user-policies', email, '--output', 'json'])), [policy]);
    // Anyone may list their own policies, without the right to list users.
    assert.deepEqual(jsonOf(await rita.run(['iam', 'user-policies', email, '--output', 'json'])), [policy]);

    const deleted = await admin.run(['iam', 'policy-delete', id, '-f']);

    assert.deepEqual(deleted, {
      code: 0,
      stdout: [`Deleting policy ${id} as ${server.app.admin.email}...`, 'OK', `Policy ${id} is deleted`, ''].join('\n'),
      stderr: '',
    });
    assert.equal((await serverPolicy(id)).policy.state, 'deleted');
    assert.deepEqual(await serverPolicies(user.iam_id), []);
    assert.equal(await monitorStatus(), 403, 'the access is gone with the policy');
    const empty = await admin.run(['iam', 'user-policies', email]);
    assert.equal(
      empty.stdout,
      `Getting policies of user ${email} under account ${server.app.accountId} as ${server.app.admin.email}...\n\nNo policies found.\n`,
    );
  });

  it('puts --attributes (a sysdigTeam) and several roles in the policy, and prints its JSON with --output json', async () => {
    const user = await someUser();

    const result = await admin.run([
      'iam',
      'user-policy-create',
      user.email,
      '--roles',
      'writer, Reader',
      '--service-name',
      'sysdig-monitor',
      '--service-instance',
      guid,
      '--attributes',
      `sysdigTeam=${teamId}`,
      '--output',
      'json',
    ]);

    const printed = jsonOf<PolicyWire>(result);
    assert.deepEqual(printed, (await serverPolicy(printed.id)).policy);
    assert.deepEqual(printed.roles, renderedRoles('Writer', 'Reader'));
    assert.deepEqual(printed.resources, monitorResource(equals('sysdigTeam', String(teamId))));
    assert.deepEqual(await serverPolicies(user.iamId), [printed]);
  });

  it('grants a service ID named by its name, lists its policies by its ID', async () => {
    const serviceId: TestServiceId = await createServiceId(server.app, server.app.accountId, 'exporter');

    const created = await admin.run([
      'iam',
      'service-policy-create',
      'exporter',
      '--roles',
      'Manager',
      '--service-name',
      'sysdig-monitor',
      '--service-instance',
      guid,
    ]);

    const id = policyIdOf(created);
    const { policy, etag } = await serverPolicy(id);
    assert.deepEqual(policy.subjects, [{ attributes: [{ name: 'iam_id', value: serviceId.iamId }] }]);
    assert.deepEqual(policy.roles, [
      { role_id: ROLE.Manager, display_name: 'Manager', description: policy.roles[0]?.description },
    ]);
    assert.equal(
      created.stdout,
      [
        `Creating service policy under current account for service ID exporter as ${server.app.admin.email}...`,
        'OK',
        'Policy is created',
        '',
        `Policy ID     ${id}`,
        `Version       ${etag}`,
        'Roles         Manager',
        `Resources     serviceName=sysdig-monitor, serviceInstance=${guid}`,
        '',
      ].join('\n'),
    );

    const listed = await admin.run(['iam', 'service-policies', serviceId.id]);
    assert.deepEqual(listed, {
      code: 0,
      stdout:
        `Getting policies of service ID exporter under account ${server.app.accountId} as ${server.app.admin.email}...\n\n` +
        table([
          ['Policy ID', 'Roles', 'Resources'],
          [id, 'Manager', `serviceName=sysdig-monitor, serviceInstance=${guid}`],
        ]) +
        '\n',
      stderr: '',
    });
    assert.deepEqual(jsonOf(await admin.run(['iam', 'service-policies', 'exporter', '--output', 'json'])), [policy]);

    const byId = jsonOf<PolicyWire>(
      await admin.run([
        'iam',
        'service-policy-create',
        serviceId.id,
        '--roles',
        'Viewer',
        '--service-name',
        'iam-identity',
        '--output',
        'json',
      ]),
    );
    assert.deepEqual(byId.resources, [
      { attributes: [equals('accountId', server.app.accountId), equals('serviceName', 'iam-identity')] },
    ]);
    assert.deepEqual((await serverPolicies(serviceId.iamId)).map((each) => each.id).sort(), [id, byId.id].sort());
  });

  it('names the valid roles when a role is unknown (exit 1), and creates nothing', async () => {
    const user = await someUser();

    const result = await admin.run([
      'iam',
      'user-policy-create',
      user.email,
      '--roles',
      'Reader,Owner',
      '--service-name',
      'sysdig-monitor',
    ]);

    assert.deepEqual(result, {
      code: 1,
      stdout: '',
      stderr: `FAILED\nRole 'Owner' is not a role of sysdig-monitor; the roles are ${VALID_ROLES}\n`,
    });
    assert.deepEqual(await serverPolicies(user.iamId), []);
  });

  it('says so when no user has the email, or no service ID the name (exit 1)', async () => {
    const noUser = await admin.run([
      'iam',
      'user-policy-create',
      'nobody@example.test',
      '--roles',
      'Reader',
      '--service-name',
      'sysdig-monitor',
    ]);
    assert.deepEqual(noUser, {
      code: 1,
      stdout: '',
      stderr: "FAILED\nUser 'nobody@example.test' was not found: run `vigil iam users`\n",
    });

    const noPolicies = await admin.run(['iam', 'user-policies', 'nobody@example.test']);
    assert.equal(noPolicies.code, 1);
    assert.equal(noPolicies.stderr, "FAILED\nUser 'nobody@example.test' was not found: run `vigil iam users`\n");

    const noServiceId = await admin.run(['iam', 'service-policies', 'no-such-robot']);
    assert.deepEqual(noServiceId, {
      code: 1,
      stdout: '',
      stderr: "FAILED\nService ID 'no-such-robot' was not found: run `vigil iam service-ids`\n",
    });
  });

  it('reports the same policy twice with the server’s conflict (409)', async () => {
    const user = await someUser();
    const args = ['iam', 'user-policy-create', user.email, '--roles', 'Reader', '--service-name', 'sysdig-monitor'];
    const first = policyIdOf(await admin.run(args));

    const again = await admin.run(args);

    assert.equal(again.code, 1);
    assert.equal(
      again.stderr,
      `FAILED\nFailed to create policy: it duplicates policy ${first}. (policy_conflict_error, HTTP 409)\n`,
    );
    assert.deepEqual(
      (await serverPolicies(user.iamId)).map((policy) => policy.id),
      [first],
    );
  });

  it('refuses a user who may not manage policies with the server’s 403, and creates nothing', async () => {
    const user = await someUser();

    const result = await viewerHome.run([
      'iam',
      'user-policy-create',
      user.email,
      '--roles',
      'Reader',
      '--service-name',
      'sysdig-monitor',
      '--service-instance',
      guid,
    ]);

    assert.deepEqual(result, {
      code: 1,
      stdout: `Creating user policy under current account for user ${user.email} as ${viewer.email}...\n`,
      stderr:
        'FAILED\nYou are not authorized to manage access policies in this account. (insufficent_permissions, HTTP 403)\n',
    });
    assert.deepEqual(await serverPolicies(user.iamId), []);
  });

  it('refuses a user who may not manage policies a policy-delete with the server’s 403, and deletes nothing', async () => {
    const user = await someUser();
    const id = policyIdOf(
      await admin.run([
        'iam',
        'user-policy-create',
        user.email,
        '--roles',
        'Reader',
        '--service-name',
        'sysdig-monitor',
      ]),
    );

    const result = await viewerHome.run(['iam', 'policy-delete', id, '-f']);

    assert.equal(result.code, 1);
    assert.equal(result.stdout, `Deleting policy ${id} as ${viewer.email}...\n`);
    assert.equal(
      result.stderr,
      'FAILED\nYou are not authorized to manage access policies in this account. (insufficent_permissions, HTTP 403)\n',
    );
    assert.equal((await serverPolicy(id)).policy.state, 'active');
  });

  it('asks before deleting a policy: without -f and without a terminal it refuses (exit 2) and deletes nothing', async () => {
    const user = await someUser();
    const id = policyIdOf(
      await admin.run([
        'iam',
        'user-policy-create',
        user.email,
        '--roles',
        'Reader',
        '--service-name',
        'sysdig-monitor',
      ]),
    );

    const result = await admin.run(['iam', 'policy-delete', id]);

    assert.deepEqual(result, {
      code: 2,
      stdout: '',
      stderr:
        'vigil: this needs a confirmation, and standard input is not a terminal: add -f to go ahead without asking\n' +
        'Usage: vigil iam policy-delete POLICY_ID [-f]\n',
    });
    assert.equal((await serverPolicy(id)).policy.state, 'active');
  });

  it('reports an unknown policy id with the server’s message (exit 1)', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';

    const result = await admin.run(['iam', 'policy-delete', unknown, '-f']);

    assert.deepEqual(result, {
      code: 1,
      stdout: '',
      stderr: `FAILED\nPolicy with ID ${unknown} could not be found. (policy_not_found, HTTP 404)\n`,
    });
  });

  it('needs --roles, --service-name and well-formed --attributes (exit 2), before any call', async () => {
    const user = await someUser();
    const base = ['iam', 'user-policy-create', user.email];

    const noRoles = await admin.run([...base, '--service-name', 'sysdig-monitor']);
    assert.deepEqual(noRoles, { code: 2, stdout: '', stderr: `vigil: missing --roles\n${CREATE_USAGE}` });

    const noService = await admin.run([...base, '--roles', 'Reader']);
    assert.deepEqual(noService, { code: 2, stdout: '', stderr: `vigil: missing --service-name\n${CREATE_USAGE}` });

    const badAttributes = await admin.run([
      ...base,
      '--roles',
      'Reader',
      '--service-name',
      'sysdig-monitor',
      '--attributes',
      'sysdigTeam',
    ]);
    assert.deepEqual(badAttributes, {
      code: 2,
      stdout: '',
      stderr: `vigil: --attributes takes NAME=VALUE[,NAME=VALUE], not 'sysdigTeam'\n${CREATE_USAGE}`,
    });

    const noEmail = await admin.run(['iam', 'user-policy-create', '--roles', 'Reader', '--service-name', 'x']);
    assert.equal(noEmail.code, 2);
    assert.equal(noEmail.stderr, `vigil: missing EMAIL\n${CREATE_USAGE}`);

    assert.deepEqual(await serverPolicies(user.iamId), []);
  });
});
