import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { grantIdentityRole } from '../../src/testing/identity-fixtures.js';
import {
  grantMonitorRole,
  iamHeaders,
  insertInstance,
  insertMembership,
  insertTeam,
} from '../../src/testing/monitor-fixtures.js';
import { bearer, describeEachDatabase, type TestApp } from '../../src/testing/test-app.js';

/**
 * The privilege escalations found by an attacker's read of the identity half (issue 12), each written as the attack
 * through the public API: the request that used to succeed is refused, and nothing was created, read or linked. The
 * rule behind all of them — nobody obtains a credential that acts with rights they do not hold — is checked for every
 * pair of a generated population in test/security/credential-rights.test.ts.
 */

type Json = Record<string, unknown>;

async function post(app: TestApp, url: string, headers: Record<string, string>, payload?: Json) {
  return app.http.inject({ method: 'POST', url, headers, ...(payload !== undefined ? { payload } : {}) });
}

async function get(app: TestApp, url: string, headers: Record<string, string>) {
  return app.http.inject({ method: 'GET', url, headers });
}

function iamForbidden(res: LightMyRequestResponse, message: string): void {
  assert.equal(res.statusCode, 403, res.body);
  const body = res.json() as { errors: { code: string; message: string }[] };
  assert.equal(body.errors[0]?.code, 'insufficent_permissions');
  assert.equal(body.errors[0]?.message, message);
}

function sysdigForbidden(res: LightMyRequestResponse, message: string): void {
  assert.equal(res.statusCode, 403, res.body);
  assert.deepEqual(res.json(), {
    errors: [{ reason: 'Not enough privileges to complete the action', message }],
  });
}

async function keysOf(app: TestApp, iamId: string): Promise<unknown[]> {
  return app.database.db.selectFrom('api_keys').select('id').where('iam_id', '=', iamId).execute();
}

async function serviceIdWith(app: TestApp, token: string, name: string): Promise<{ iamId: string; id: string }> {
  const res = await post(app, '/v1/serviceids', bearer(token), { account_id: app.accountId, name });
  assert.equal(res.statusCode, 201, res.body);
  const body = res.json() as { id: string; iam_id: string };
  return { iamId: body.iam_id, id: body.id };
}

const keyRefusal = (what: string) =>
  `You are not authorized to create an API key for this service ID: it holds access you do not (${what}).`;

describeEachDatabase('Credential escalations, as the attacks (issue 12)', (t) => {
  it('1. an iam-identity Editor creates no API key for the account administrator (403) and no key exists', async () => {
    const app = t.app();
    const editor = await app.createUser({ name: 'Eve Editor' });
    await grantIdentityRole(app, editor.iamId, 'Editor');
    const res = await post(app, '/v1/apikeys', bearer(await editor.token()), {
      name: 'backdoor',
      iam_id: app.admin.iamId,
    });
    iamForbidden(
      res,
      "You are not authorized to create API keys for other users: a user's API keys are created by that user only.",
    );
    assert.ok(!res.body.includes('vigil_ak_'));
    assert.deepEqual(await keysOf(app, app.admin.iamId), []);
    // Asking for the same rights through a policy was already refused; it still is.
    const policy = await post(app, '/v1/policies', bearer(await editor.token()), {
      type: 'access',
      subjects: [{ attributes: [{ name: 'iam_id', value: editor.iamId }] }],
      roles: [{ role_id: 'crn:v1:bluemix:public:iam::::role:Administrator' }],
      resources: [
        {
          attributes: [
            { name: 'accountId', value: app.accountId },
            { name: 'serviceName', value: 'iam-identity' },
          ],
        },
      ],
    });
    assert.equal(policy.statusCode, 403, policy.body);
  });

  it('2. an Editor mints no key for a service ID that holds more than the Editor, and may for one that holds less', async () => {
    const app = t.app();
    const { instance } = await insertInstance(app, { name: 'prod' });
    const editor = await app.createUser({ name: 'Eve Editor' });
    await grantIdentityRole(app, editor.iamId, 'Editor');
    const editorToken = await editor.token();

    const powerful = await serviceIdWith(app, editorToken, 'deployer');
    await grantIdentityRole(app, powerful.iamId, 'Administrator');
    iamForbidden(
      await post(app, '/v1/apikeys', bearer(editorToken), { name: 'mine now', iam_id: powerful.iamId }),
      keyRefusal('iam-identity.audit.get, iam-identity.user.manage'),
    );
    assert.deepEqual(await keysOf(app, powerful.iamId), []);

    const monitorAdmin = await serviceIdWith(app, editorToken, 'scraper');
    await grantMonitorRole(app, monitorAdmin.iamId, 'Manager', { instanceGuid: instance.guid });
    const refused = await post(app, '/v1/apikeys', bearer(editorToken), { name: 'k', iam_id: monitorAdmin.iamId });
    assert.equal(refused.statusCode, 403, refused.body);
    assert.match(refused.body, /sysdig-monitor\.launch\.admin on instance prod/);
    assert.deepEqual(await keysOf(app, monitorAdmin.iamId), []);

    // Holding everything the service ID holds is enough: the Editor made Manager on that instance may.
    await grantMonitorRole(app, editor.iamId, 'Manager', { instanceGuid: instance.guid });
    const allowed = await post(app, '/v1/apikeys', bearer(await editor.token()), {
      name: 'k',
      iam_id: monitorAdmin.iamId,
    });
    assert.equal(allowed.statusCode, 201, allowed.body);

    const modest = await serviceIdWith(app, editorToken, 'reporter');
    await grantIdentityRole(app, modest.iamId, 'Viewer');
    const ok = await post(app, '/v1/apikeys', bearer(editorToken), { name: 'k', iam_id: modest.iamId });
    assert.equal(ok.statusCode, 201, ok.body);
    assert.equal((await keysOf(app, modest.iamId)).length, 1);
  });

  it("3. a team manager neither reads nor resets the instance administrator's Monitor API token (403)", async () => {
    const app = t.app();
    const { instance } = await insertInstance(app);
    const team = await insertTeam(app, instance.guid, 'Payments');
    const other = await insertTeam(app, instance.guid, 'Search');
    const adminHeaders = iamHeaders(await app.admin.token(), instance.guid, team.id);
    const adminToken = await get(app, '/api/token', adminHeaders);
    assert.equal(adminToken.statusCode, 200, adminToken.body);
    const adminKey = (adminToken.json() as { token: { key: string } }).token.key;

    const manager = await app.createUser({ name: 'Tom Teamlead' });
    await grantMonitorRole(app, manager.iamId, 'Reader', { instanceGuid: instance.guid, teamId: team.id });
    const managerHeaders = iamHeaders(await manager.token(), instance.guid, team.id);
    const me = await get(app, '/api/user/me', managerHeaders);
    assert.equal(me.statusCode, 200, me.body);
    await insertMembership(app, team.id, (me.json() as { user: { id: number } }).user.id, 'ROLE_TEAM_MANAGER');

    const adminTokenUrl = `/api/token/${app.admin.email}/${team.id}`;
    const refusal =
      `The token of ${app.admin.email} acts with access you do not hold (account administrator, ` +
      `sysdig-monitor.launch.admin on instance ${instance.name}, sysdig-monitor.launch.user on instance ` +
      `${instance.name} and 6 more): only someone who holds all of it may see or reset it`;
    sysdigForbidden(await get(app, adminTokenUrl, managerHeaders), refusal);
    sysdigForbidden(await post(app, `${adminTokenUrl}/reset`, managerHeaders), refusal);
    // The administrator's token is what it was, and works.
    const again = await get(app, '/api/token', adminHeaders);
    assert.equal((again.json() as { token: { key: string } }).token.key, adminKey);
    assert.equal((await get(app, '/api/user/me', bearer(adminKey))).statusCode, 200);

    // A member whose rights are within the manager's: readable. One who also holds a role elsewhere: not.
    const member = await app.createUser({ name: 'Mia Member' });
    await grantMonitorRole(app, member.iamId, 'Reader', { instanceGuid: instance.guid, teamId: team.id });
    assert.equal((await get(app, '/api/user/me', iamHeaders(await member.token(), instance.guid))).statusCode, 200);
    const memberToken = await get(app, `/api/token/${member.email}/${team.id}`, managerHeaders);
    assert.equal(memberToken.statusCode, 200, memberToken.body);
    await grantMonitorRole(app, member.iamId, 'Writer', { instanceGuid: instance.guid, teamId: other.id });
    const wider = await get(app, `/api/token/${member.email}/${team.id}`, managerHeaders);
    assert.equal(wider.statusCode, 403, wider.body);
    assert.match(wider.body, /ROLE_TEAM_EDIT in team Search/);

    // An instance administrator by policy is not an account administrator: the account administrator's token stays out
    // of reach, while another instance administrator's is within it.
    const instanceAdmin = await app.createUser({ name: 'Ivy Instance' });
    await grantMonitorRole(app, instanceAdmin.iamId, 'Manager', { instanceGuid: instance.guid });
    const instanceAdminHeaders = iamHeaders(await instanceAdmin.token(), instance.guid, team.id);
    const denied = await get(app, adminTokenUrl, instanceAdminHeaders);
    assert.equal(denied.statusCode, 403, denied.body);
    assert.match(denied.body, /\(account administrator\)/);
    const peer = await app.createUser({ name: 'Pat Peer' });
    await grantMonitorRole(app, peer.iamId, 'Manager', { instanceGuid: instance.guid });
    assert.equal((await get(app, '/api/user/me', iamHeaders(await peer.token(), instance.guid))).statusCode, 200);
    assert.equal((await get(app, `/api/token/${peer.email}/${team.id}`, instanceAdminHeaders)).statusCode, 200);
  });

  it('4. a service ID named like an invited email does not take over the invitation; the real person gets it', async () => {
    const app = t.app();
    const { instance, operations } = await insertInstance(app);
    const team = await insertTeam(app, instance.guid, 'Frontend');
    const adminHeaders = iamHeaders(await app.admin.token(), instance.guid, operations.id);
    const frank = `frank-${randomBytes(3).toString('hex')}@example.com`;
    const invited = await post(app, '/api/users', adminHeaders, { username: frank, firstName: 'Frank' });
    assert.equal(invited.statusCode, 201, invited.body);
    const invitationId = (invited.json() as { user: { id: number } }).user.id;
    await insertMembership(app, team.id, invitationId, 'ROLE_TEAM_MANAGER');
    const invitation = await app.database.db
      .selectFrom('monitor_users')
      .selectAll()
      .where('id', '=', invitationId)
      .executeTakeFirstOrThrow();
    assert.ok(invitation.iam_id?.startsWith('IBMid-'));

    // An Editor without monitoring access makes a service ID with Frank's address as its name, and calls the instance.
    const editor = await app.createUser({ name: 'Eve Editor' });
    await grantIdentityRole(app, editor.iamId, 'Editor');
    const squatter = await serviceIdWith(app, await editor.token(), frank);
    const squatterHeaders = iamHeaders(await app.tokenFor(squatter.iamId), instance.guid);
    sysdigForbidden(
      await get(app, '/api/user/me', squatterHeaders),
      'You have no access to any team of this monitoring instance',
    );
    sysdigForbidden(
      await get(app, '/api/user/me', { ...squatterHeaders, sysdigteamid: String(team.id) }),
      'You are not a member of this team',
    );
    // Refused, so nothing was written: no Monitor user, and the invitation is untouched.
    const rows = await app.database.db
      .selectFrom('monitor_users')
      .select(['id', 'iam_id', 'username'])
      .where('instance_guid', '=', instance.guid)
      .where('iam_id', '=', squatter.iamId)
      .execute();
    assert.deepEqual(rows, []);
    const after = await app.database.db
      .selectFrom('monitor_users')
      .selectAll()
      .where('id', '=', invitationId)
      .executeTakeFirstOrThrow();
    assert.deepEqual(after, invitation);

    // Given access of its own, the service ID gets a Monitor user of its own, never the invitation or its role.
    await grantMonitorRole(app, squatter.iamId, 'Reader', { instanceGuid: instance.guid });
    const own = await get(app, '/api/user/me', { ...squatterHeaders, sysdigteamid: String(team.id) });
    assert.equal(own.statusCode, 200, own.body);
    const ownUser = (own.json() as { user: Json }).user;
    assert.notEqual(ownUser['id'], invitationId);
    assert.equal(ownUser['username'], `${frank}#${squatter.iamId}`);
    assert.deepEqual(ownUser['teamRoles'], [
      { teamId: operations.id, teamName: 'Monitor Operations', role: 'ROLE_TEAM_READ' },
      { teamId: team.id, teamName: 'Frontend', role: 'ROLE_TEAM_READ' },
    ]);

    // The real Frank, once an administrator completes his user, signs in to his invitation and its role.
    const password = `pw-${randomBytes(9).toString('base64url')}`;
    const completed = await post(app, '/v1/users', bearer(await app.admin.token()), {
      email: frank,
      name: 'Frank Real',
      password,
    });
    assert.equal(completed.statusCode, 201, completed.body);
    const signIn = await app.http.inject({
      method: 'POST',
      url: '/identity/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ grant_type: 'password', username: frank, password }).toString(),
    });
    assert.equal(signIn.statusCode, 200, signIn.body);
    const frankToken = (signIn.json() as { access_token: string }).access_token;
    const frankMe = await get(app, '/api/user/me', iamHeaders(frankToken, instance.guid, team.id));
    assert.equal(frankMe.statusCode, 200, frankMe.body);
    const frankUser = (frankMe.json() as { user: Json }).user;
    assert.deepEqual(
      [frankUser['id'], frankUser['teamRoles']],
      [invitationId, [{ teamId: team.id, teamName: 'Frontend', role: 'ROLE_TEAM_MANAGER' }]],
    );
  });

  it('a refused Monitor request of a user creates no Monitor user either', async () => {
    const app = t.app();
    const { instance } = await insertInstance(app);
    const outsider = await app.createUser({ name: 'Otto Outsider' });
    sysdigForbidden(
      await get(app, '/api/user/me', iamHeaders(await outsider.token(), instance.guid)),
      'You have no access to any team of this monitoring instance',
    );
    const rows = await app.database.db
      .selectFrom('monitor_users')
      .select('id')
      .where('iam_id', '=', outsider.iamId)
      .execute();
    assert.deepEqual(rows, []);
  });
});
