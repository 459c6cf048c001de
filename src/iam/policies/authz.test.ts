import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ManualClock } from '../../platform/clock.js';
import { accessPolicy, adminCreates, errors, insertServiceId, ROLE } from '../../testing/policy-fixtures.js';
import { assertIamError } from '../../testing/observe.js';
import { bearer, describeEachDatabase, type TestApp, type TestUser } from '../../testing/test-app.js';
import { ACTIONS, ROLE_DESCRIPTIONS } from './roles.js';

// A clock that never moves: the decision cache's 5 s backstop never expires, so only the change feed can drop it.
const clock = new ManualClock(Date.UTC(2026, 3, 1, 12, 0));
const M = ACTIONS.monitor;

function request(iamId: string, action: string, attributes: Record<string, string>, requestId?: string) {
  return {
    ...(requestId !== undefined ? { request_id: requestId } : {}),
    subject: { attributes: { id: iamId } },
    action,
    resource: { attributes },
  };
}

async function authz(app: TestApp, as: TestUser, body: unknown) {
  return app.http.inject({
    method: 'POST',
    url: '/v2/authz',
    headers: bearer(await as.token()),
    payload: body as object,
  });
}

/** The decisions for a batch, as `Permit`/`Deny` in order. */
async function decisions(app: TestApp, as: TestUser, body: unknown[]): Promise<string[]> {
  const res = await authz(app, as, body);
  assert.equal(res.statusCode, 200, res.body);
  return (res.json() as { responses: { decision: string }[] }).responses.map((r) => r.decision);
}

describeEachDatabase(
  'POST /v2/authz',
  (t) => {
    it('200: Permit and Deny from the subject’s policies, with request ids echoed', async () => {
      const app = t.app();
      const owner = await app.createAccount();
      const user = await app.createUser({ accountId: owner.accountId });
      await adminCreates(app, owner, accessPolicy(owner.accountId, user.iamId, { roles: ['Writer'] }));
      const monitor = { accountId: owner.accountId, serviceName: 'sysdig-monitor', serviceInstance: 'i-1' };

      const res = await authz(app, owner, [
        request(user.iamId, M.viewer, monitor, 'r1'),
        request(user.iamId, M.user, monitor, 'r2'),
        request(user.iamId, M.admin, monitor),
      ]);

      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(res.json(), {
        responses: [
          { request_id: 'r1', status: '200', decision: 'Permit' },
          { request_id: 'r2', status: '200', decision: 'Permit' },
          { status: '200', decision: 'Deny' },
        ],
      });
    });

    it('a single request (not an array) is answered too', async () => {
      const app = t.app();
      const owner = await app.createAccount();
      const res = await authz(
        app,
        owner,
        request(owner.iamId, M.admin, { accountId: owner.accountId, serviceName: 'sysdig-monitor' }),
      );
      assert.equal(res.statusCode, 200);
      assert.deepEqual(res.json(), { responses: [{ status: '200', decision: 'Permit' }] });
    });

    it('deleting the policy denies at once (the change feed drops the cached decision)', async () => {
      const app = t.app();
      const owner = await app.createAccount();
      const user = await app.createUser({ accountId: owner.accountId });
      const monitor = { accountId: owner.accountId, serviceName: 'sysdig-monitor' };
      const ask = () => decisions(app, owner, [request(user.iamId, M.viewer, monitor)]);

      assert.deepEqual(await ask(), ['Deny']);
      const { id } = await adminCreates(app, owner, accessPolicy(owner.accountId, user.iamId));
      assert.deepEqual(await ask(), ['Permit']);
      const del = await app.http.inject({
        method: 'DELETE',
        url: `/v1/policies/${id}`,
        headers: bearer(await owner.token()),
      });
      assert.equal(del.statusCode, 204);
      assert.deepEqual(await ask(), ['Deny']);
    });

    it('replacing the policy changes the decision at once', async () => {
      const app = t.app();
      const owner = await app.createAccount();
      const user = await app.createUser({ accountId: owner.accountId });
      const monitor = { accountId: owner.accountId, serviceName: 'sysdig-monitor' };
      const { id, etag } = await adminCreates(app, owner, accessPolicy(owner.accountId, user.iamId));
      assert.deepEqual(await decisions(app, owner, [request(user.iamId, M.admin, monitor)]), ['Deny']);
      const put = await app.http.inject({
        method: 'PUT',
        url: `/v1/policies/${id}`,
        headers: { ...bearer(await owner.token()), 'if-match': etag },
        payload: accessPolicy(owner.accountId, user.iamId, { roles: ['Manager'] }),
      });
      assert.equal(put.statusCode, 200);
      assert.deepEqual(await decisions(app, owner, [request(user.iamId, M.admin, monitor)]), ['Permit']);
    });

    it('team and instance policies grant in that team or instance only', async () => {
      const app = t.app();
      const owner = await app.createAccount();
      const user = await app.createUser({ accountId: owner.accountId });
      await adminCreates(
        app,
        owner,
        accessPolicy(owner.accountId, user.iamId, {
          extra: [
            { name: 'serviceInstance', value: 'i-1' },
            { name: 'sysdigTeam', value: '7' },
          ],
        }),
      );
      const at = (serviceInstance: string, sysdigTeam?: string) => ({
        accountId: owner.accountId,
        serviceName: 'sysdig-monitor',
        serviceInstance,
        ...(sysdigTeam !== undefined ? { sysdigTeam } : {}),
      });
      assert.deepEqual(
        await decisions(app, owner, [
          request(user.iamId, M.viewer, at('i-1', '7')),
          request(user.iamId, M.viewer, at('i-1', '8')),
          request(user.iamId, M.viewer, at('i-2', '7')),
          request(user.iamId, M.viewer, at('i-1')),
        ]),
        ['Permit', 'Deny', 'Deny', 'Deny'],
      );
    });

    it('a service ID acts with its policies: none → Deny, asked by itself', async () => {
      const app = t.app();
      const owner = await app.createAccount();
      const robotIamId = await insertServiceId(app, owner.accountId);
      const robot: TestUser = { ...owner, iamId: robotIamId, token: () => app.tokenFor(robotIamId) };
      const monitor = { accountId: owner.accountId, serviceName: 'sysdig-monitor' };
      assert.deepEqual(await decisions(app, robot, [request(robotIamId, M.viewer, monitor)]), ['Deny']);
      await adminCreates(app, owner, accessPolicy(owner.accountId, robotIamId));
      assert.deepEqual(await decisions(app, robot, [request(robotIamId, M.viewer, monitor)]), ['Permit']);
    });

    it('Deny for an unknown subject, a subject of another account and a resource of another account', async () => {
      const app = t.app();
      const owner = await app.createAccount();
      const other = await app.createAccount();
      const mine = { accountId: owner.accountId, serviceName: 'sysdig-monitor' };
      const theirs = { accountId: other.accountId, serviceName: 'sysdig-monitor' };
      assert.deepEqual(
        await decisions(app, owner, [
          request('IBMid-NOBODY', M.viewer, mine),
          request(other.iamId, M.viewer, mine),
          request(other.iamId, M.viewer, theirs),
          request(owner.iamId, M.viewer, theirs),
          request(owner.iamId, M.viewer, mine),
        ]),
        ['Deny', 'Deny', 'Deny', 'Deny', 'Permit'],
      );
    });

    it('a user may ask about themselves; about others only with policy.get (403 otherwise)', async () => {
      const app = t.app();
      const owner = await app.createAccount();
      const user = await app.createUser({ accountId: owner.accountId });
      const monitor = { accountId: owner.accountId, serviceName: 'sysdig-monitor' };
      assert.deepEqual(await decisions(app, user, [request(user.iamId, M.viewer, monitor)]), ['Deny']);
      const res = await authz(app, user, [
        request(user.iamId, M.viewer, monitor),
        request(owner.iamId, M.viewer, monitor),
      ]);
      assertIamError(res, 403, errors.forbidden('ask about the access of other subjects'));

      await adminCreates(
        app,
        owner,
        accessPolicy(owner.accountId, user.iamId, { roles: ['Viewer'], serviceName: 'iam-identity' }),
      );
      assert.deepEqual(await decisions(app, user, [request(owner.iamId, M.viewer, monitor)]), ['Permit']);
    });

    it('400 invalid_body for a malformed request; 401 without a token', async () => {
      const app = t.app();
      const owner = await app.createAccount();
      assertIamError(
        await authz(app, owner, [{ subject: { attributes: { id: owner.iamId } }, action: M.viewer, resource: {} }]),
        400,
        errors.invalidBody("Invalid body: body/0/resource must have required property 'attributes'"),
      );
      assertIamError(
        await authz(app, owner, []),
        400,
        errors.invalidBody('Invalid body: body must NOT have fewer than 1 items'),
      );
      assertIamError(
        await authz(app, owner, { action: M.viewer }),
        400,
        errors.invalidBody("Invalid body: body/0 must have required property 'subject'"),
      );
      const res = await app.http.inject({
        method: 'POST',
        url: '/v2/authz',
        payload: request(owner.iamId, M.viewer, {}),
      });
      assertIamError(res, 401, errors.missingToken);
    });
  },
  { clock },
);

describeEachDatabase(
  'GET /v2/roles',
  (t) => {
    it('200: the system and service roles with their actions on a service', async () => {
      const app = t.app();
      const res = await app.http.inject({
        method: 'GET',
        url: '/v2/roles?service_name=sysdig-monitor',
        headers: bearer(await app.admin.token()),
      });
      assert.equal(res.statusCode, 200);
      const role = (name: keyof typeof ROLE, actions: string[]) => ({
        display_name: name,
        description: ROLE_DESCRIPTIONS[name],
        actions,
        crn: ROLE[name],
      });
      assert.deepEqual(res.json(), {
        custom_roles: [],
        service_roles: [
          role('Reader', [M.viewer]),
          role('Writer', [M.viewer, M.user]),
          role('Manager', [M.viewer, M.user, M.admin]),
        ],
        system_roles: [
          role('Viewer', [M.instanceRead]),
          role('Operator', [M.instanceRead]),
          role('Editor', [M.instanceRead, M.instanceManage]),
          role('Administrator', [M.instanceRead, M.instanceManage, M.viewer, M.user, M.admin]),
        ],
      });
    });

    it('no service roles for a service that has none; 401 without a token', async () => {
      const app = t.app();
      const res = await app.http.inject({
        method: 'GET',
        url: '/v2/roles?service_name=iam-identity',
        headers: bearer(await app.admin.token()),
      });
      assert.deepEqual((res.json() as { service_roles: unknown[] }).service_roles, []);
      assertIamError(await app.http.inject({ method: 'GET', url: '/v2/roles' }), 401, errors.missingToken);
    });
  },
  { clock },
);
