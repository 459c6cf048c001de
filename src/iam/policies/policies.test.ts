import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ManualClock } from '../../platform/clock.js';
import {
  accessPolicy,
  adminCreates,
  createPolicy,
  ETAG,
  errors,
  insertServiceId,
  renderedRoles,
  ROLE,
  UUID,
} from '../../testing/policy-fixtures.js';
import { assertIamError } from '../../testing/observe.js';
import { bearer, describeEachDatabase, TEST_PUBLIC_URL, type TestApp, type TestUser } from '../../testing/test-app.js';

const T0 = Date.UTC(2026, 3, 1, 12, 0);
const clock = new ManualClock(T0);

interface PolicyJson {
  id: string;
  created_at: string;
  last_modified_at: string;
  state: string;
  [key: string]: unknown;
}

/** The policies stored for an account, straight from the database. */
async function storedPolicies(app: TestApp, accountId: string) {
  return app.database.db
    .selectFrom('policies')
    .select(['id', 'subject_iam_id', 'state', 'version'])
    .where('account_id', '=', accountId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

async function auditActions(app: TestApp, accountId: string, targetId: string): Promise<string[]> {
  const events = await app.iam.ctx.audit.list({ accountId, targetId, limit: 20 });
  return events.map((e) => `${e.action}:${e.actor_iam_id}`).reverse();
}

/** Gives a user a role on iam-identity through the API, as the administrator. */
async function grantIdentity(
  app: TestApp,
  owner: TestUser,
  iamId: string,
  role: 'Viewer' | 'Editor' | 'Administrator',
) {
  return adminCreates(app, owner, accessPolicy(owner.accountId, iamId, { roles: [role], serviceName: 'iam-identity' }));
}

describeEachDatabase(
  'POST /v1/policies',
  (t) => {
    it('201: echoes subjects and resources verbatim and adds id, href, timestamps, state and role names', async () => {
      const app = t.app();
      const owner = await app.createAccount();
      clock.set(T0);
      const user = await app.createUser({ accountId: owner.accountId });
      const body = {
        type: 'access',
        description: 'Read the production dashboards',
        subjects: [{ attributes: [{ name: 'iam_id', value: user.iamId }] }],
        roles: [{ role_id: ROLE.Reader }],
        resources: [
          {
            attributes: [
              { name: 'accountId', value: owner.accountId, operator: 'stringEquals' },
              { name: 'serviceName', value: 'sysdig-monitor', operator: 'stringEquals' },
              { name: 'serviceInstance', value: 'inst-*', operator: 'stringMatch', custom: 'kept' },
            ],
            tags: [{ name: 'project', operator: 'stringEquals', value: 'prototype' }],
          },
        ],
      };
      assert.deepEqual(await storedPolicies(app, owner.accountId), []);

      const res = await createPolicy(app, await owner.token(), body);

      assert.equal(res.statusCode, 201, res.body);
      const created = res.json() as PolicyJson;
      assert.match(created.id, UUID);
      assert.deepEqual(created, {
        id: created.id,
        type: 'access',
        description: 'Read the production dashboards',
        subjects: body.subjects,
        roles: renderedRoles('Reader'),
        resources: body.resources,
        href: `${TEST_PUBLIC_URL}/v1/policies/${created.id}`,
        created_at: '2026-04-01T12:00:00.000Z',
        created_by_id: owner.iamId,
        last_modified_at: '2026-04-01T12:00:00.000Z',
        last_modified_by_id: owner.iamId,
        state: 'active',
      });
      assert.match(String(res.headers.etag), ETAG);
      assert.deepEqual(await storedPolicies(app, owner.accountId), [
        { id: created.id, subject_iam_id: user.iamId, state: 'active', version: 1 },
      ]);
      assert.deepEqual(await auditActions(app, owner.accountId, created.id), [`policy.create:${owner.iamId}`]);
    });

    it('201: a service ID of the account may be the subject', async () => {
      const app = t.app();
      const owner = await app.createAccount();
      const serviceIamId = await insertServiceId(app, owner.accountId);
      const res = await createPolicy(app, await owner.token(), accessPolicy(owner.accountId, serviceIamId));
      assert.equal(res.statusCode, 201, res.body);
      assert.deepEqual((res.json() as { subjects: unknown }).subjects, [
        { attributes: [{ name: 'iam_id', value: serviceIamId }] },
      ]);
    });

    it('409 policy_conflict_error: the same policy twice, even with attributes reordered and operators implied', async () => {
      const app = t.app();
      const owner = await app.createAccount();
      const user = await app.createUser({ accountId: owner.accountId });
      const first = await adminCreates(app, owner, accessPolicy(owner.accountId, user.iamId, { roles: ['Writer'] }));
      const same = {
        type: 'access',
        subjects: [{ attributes: [{ name: 'iam_id', value: user.iamId }] }],
        roles: [{ role_id: ROLE.Writer }, { role_id: ROLE.Writer }],
        resources: [
          {
            attributes: [
              { name: 'serviceName', value: 'sysdig-monitor' },
              { name: 'accountId', value: owner.accountId },
            ],
          },
        ],
      };
      const before = await storedPolicies(app, owner.accountId);

      const res = await createPolicy(app, await owner.token(), same);

      assertIamError(res, 409, errors.conflict(first.id));
      assert.deepEqual(await storedPolicies(app, owner.accountId), before);
    });

    it('201: a deleted policy does not conflict with a new one', async () => {
      const app = t.app();
      const owner = await app.createAccount();
      const user = await app.createUser({ accountId: owner.accountId });
      const first = await adminCreates(app, owner, accessPolicy(owner.accountId, user.iamId));
      const del = await app.http.inject({
        method: 'DELETE',
        url: `/v1/policies/${first.id}`,
        headers: bearer(await owner.token()),
      });
      assert.equal(del.statusCode, 204);
      const res = await createPolicy(app, await owner.token(), accessPolicy(owner.accountId, user.iamId));
      assert.equal(res.statusCode, 201, res.body);
    });

    it('401 without a token', async () => {
      const app = t.app();
      const owner = await app.createAccount();
      const res = await app.http.inject({
        method: 'POST',
        url: '/v1/policies',
        payload: accessPolicy(owner.accountId, 'x'),
      });
      assertIamError(res, 401, errors.missingToken);
    });

    it('403 for a user without iam-identity policy.manage (Viewer on iam-identity only reads)', async () => {
      const app = t.app();
      const owner = await app.createAccount();
      const user = await app.createUser({ accountId: owner.accountId });
      await grantIdentity(app, owner, user.iamId, 'Viewer');
      const before = await storedPolicies(app, owner.accountId);
      const res = await createPolicy(app, await user.token(), accessPolicy(owner.accountId, user.iamId));
      assertIamError(res, 403, errors.forbidden('manage access policies in this account'));
      assert.deepEqual(await storedPolicies(app, owner.accountId), before);
    });

    it('403 for a resource of another account, even for the administrator', async () => {
      const app = t.app();
      const owner = await app.createAccount();
      const other = await app.createAccount();
      const user = await app.createUser({ accountId: owner.accountId });
      const res = await createPolicy(app, await owner.token(), accessPolicy(other.accountId, user.iamId));
      assertIamError(res, 403, errors.forbidden('manage access policies in this account'));
    });

    it('400 for a subject that is not a user or service ID of the account (unknown, or of another account)', async () => {
      const app = t.app();
      const owner = await app.createAccount();
      const other = await app.createAccount();
      for (const iamId of [other.iamId, 'IBMid-UNKNOWN', 'iam-ServiceId-00000000-0000-0000-0000-000000000000']) {
        const res = await createPolicy(app, await owner.token(), accessPolicy(owner.accountId, iamId));
        assertIamError(
          res,
          400,
          errors.invalidBody(`Invalid subject: ${iamId} is not a user or service ID of account ${owner.accountId}.`),
        );
      }
      assert.deepEqual(await storedPolicies(app, owner.accountId), []);
    });

    it('400 role_not_found for an unknown role CRN, and for a role that means nothing on the service', async () => {
      const app = t.app();
      const owner = await app.createAccount();
      const user = await app.createUser({ accountId: owner.accountId });
      const unknown = 'crn:v1:bluemix:public:iam-identity::::serviceRole:ServiceIdCreator';
      const body = {
        ...accessPolicy(owner.accountId, user.iamId),
        roles: [{ role_id: ROLE.Reader }, { role_id: unknown }],
      };
      assertIamError(await createPolicy(app, await owner.token(), body), 400, errors.roleNotFound(unknown));
      const readerOnIdentity = accessPolicy(owner.accountId, user.iamId, { serviceName: 'iam-identity' });
      assertIamError(
        await createPolicy(app, await owner.token(), readerOnIdentity),
        400,
        errors.roleNotFound(ROLE.Reader),
      );
    });

    it('400 invalid_body in IBM’s shape for a body the schema refuses', async () => {
      const app = t.app();
      const owner = await app.createAccount();
      const token = await owner.token();
      const user = await app.createUser({ accountId: owner.accountId });
      const valid = accessPolicy(owner.accountId, user.iamId);
      const cases: [unknown, string][] = [
        [{ ...valid, subjects: undefined }, "Invalid body: body must have required property 'subjects'"],
        [{ ...valid, type: 'owner' }, 'Invalid body: body/type must be equal to constant'],
        [{ ...valid, roles: [] }, 'Invalid body: body/roles must NOT have fewer than 1 items'],
        [
          { ...valid, resources: [...valid.resources, ...valid.resources] },
          'Invalid body: body/resources must NOT have more than 1 items',
        ],
      ];
      for (const [body, message] of cases) {
        assertIamError(await createPolicy(app, token, body), 400, errors.invalidBody(message));
      }
    });

    it('400 invalid_body for content the service refuses: values, operators, the subject, accountId', async () => {
      const app = t.app();
      const owner = await app.createAccount();
      const token = await owner.token();
      const user = await app.createUser({ accountId: owner.accountId });
      const valid = accessPolicy(owner.accountId, user.iamId);
      const resource = (attributes: unknown[]) => ({ ...valid, resources: [{ attributes }] });
      const cases: [unknown, string][] = [
        [
          resource([{ name: 'accountId', value: 42 }]),
          'Invalid resources[0]: the value of attribute accountId must be a string of 1–1000 characters.',
        ],
        [
          resource([
            { name: 'accountId', value: owner.accountId },
            { name: 'serviceName', value: 'sysdig-monitor', operator: 'stringExists' },
          ]),
          'Invalid resources[0]: operator stringExists is not supported on serviceName.',
        ],
        [
          resource([{ name: 'serviceName', value: 'sysdig-monitor' }]),
          'Invalid resources[0]: attribute accountId (operator stringEquals) is required.',
        ],
        [
          resource([{ name: 'accountId', value: '*', operator: 'stringMatch' }]),
          'Invalid resources[0]: attribute accountId (operator stringEquals) is required.',
        ],
        [
          resource([
            { name: 'accountId', value: owner.accountId },
            { name: 'accountId', value: owner.accountId },
          ]),
          'Invalid resources[0]: attribute accountId appears twice.',
        ],
        [
          { ...valid, subjects: [{ attributes: [{ name: 'email', value: user.email }] }] },
          'Invalid subject: an access policy names one subject attribute, iam_id or access_group_id.',
        ],
        [
          { ...valid, subjects: [{ attributes: [{ name: 'iam_id', value: 'IBMid-*', operator: 'stringMatch' }] }] },
          'Invalid subjects[0]: operator stringMatch is not supported on iam_id.',
        ],
      ];
      for (const [body, message] of cases) {
        assertIamError(await createPolicy(app, token, body), 400, errors.invalidBody(message));
      }
      assert.deepEqual(await storedPolicies(app, owner.accountId), []);
    });

    it('400 for a service vigil does not know (case, spaces, IBM services it does not run) or a role it lacks', async () => {
      const app = t.app();
      const owner = await app.createAccount();
      const token = await owner.token();
      const user = await app.createUser({ accountId: owner.accountId });
      const known = 'iam-identity, sysdig-monitor';
      for (const serviceName of ['IAM-IDENTITY', 'iam-identity ', ' sysdig-monitor', 'kms', 'iam-groups', '']) {
        const body = accessPolicy(owner.accountId, user.iamId, { roles: ['Viewer'], serviceName });
        const message =
          serviceName === ''
            ? 'Invalid resources[0]: the value of attribute serviceName must be a string of 1–1000 characters.'
            : `Invalid resources[0]: serviceName ${JSON.stringify(serviceName)} is not a service of vigil (${known}).`;
        assertIamError(await createPolicy(app, token, body), 400, errors.invalidBody(message));
      }
      const pattern = accessPolicy(owner.accountId, user.iamId, {
        roles: ['Viewer'],
        serviceName: 'cloud-*',
      });
      (pattern.resources[0]!.attributes[1] as { operator?: string }).operator = 'stringMatch';
      assertIamError(
        await createPolicy(app, token, pattern),
        400,
        errors.invalidBody(`Invalid resources[0]: serviceName "cloud-*" is not a service of vigil (${known}).`),
      );
      const serviceType = accessPolicy(owner.accountId, user.iamId, {
        extra: [{ name: 'serviceType', value: 'platform-service' }],
      });
      assertIamError(
        await createPolicy(app, token, serviceType),
        400,
        errors.invalidBody('Invalid resources[0]: serviceType must be service or platform_service.'),
      );
      // Roles that do not exist for the service named, or for any service a pattern names.
      const readerOnIdentity = accessPolicy(owner.accountId, user.iamId, { serviceName: 'iam-identity' });
      assertIamError(await createPolicy(app, token, readerOnIdentity), 400, errors.roleNotFound(ROLE.Reader));
      const managerOnIam = accessPolicy(owner.accountId, user.iamId, { roles: ['Manager'], serviceName: 'iam-*' });
      (managerOnIam.resources[0]!.attributes[1] as { operator?: string }).operator = 'stringMatch';
      assertIamError(await createPolicy(app, token, managerOnIam), 400, errors.roleNotFound(ROLE.Manager));
      assert.deepEqual(await storedPolicies(app, owner.accountId), []);
      // What vigil knows is still accepted, a pattern that names a known service included.
      const ok = accessPolicy(owner.accountId, user.iamId, { roles: ['Reader'], serviceName: 'sysdig-*' });
      (ok.resources[0]!.attributes[1] as { operator?: string }).operator = 'stringMatch';
      assert.equal((await createPolicy(app, token, ok)).statusCode, 201);
    });

    it('an Editor on iam-identity (not an administrator) may grant only what they hold themselves', async () => {
      const app = t.app();
      const owner = await app.createAccount();
      const editor = await app.createUser({ accountId: owner.accountId });
      const colleague = await app.createUser({ accountId: owner.accountId });
      await grantIdentity(app, owner, editor.iamId, 'Editor');
      const token = await editor.token();

      const viewer = accessPolicy(owner.accountId, colleague.iamId, { roles: ['Viewer'], serviceName: 'iam-identity' });
      assert.equal((await createPolicy(app, token, viewer)).statusCode, 201);

      const escalate = accessPolicy(owner.accountId, editor.iamId, {
        roles: ['Administrator'],
        serviceName: 'iam-identity',
      });
      assertIamError(
        await createPolicy(app, token, escalate),
        403,
        errors.forbidden('grant the Administrator role on iam-identity: you do not hold it'),
      );
      const monitor = accessPolicy(owner.accountId, colleague.iamId, { roles: ['Reader'] });
      assertIamError(
        await createPolicy(app, token, monitor),
        403,
        errors.forbidden('grant the Reader role on sysdig-monitor: you do not hold it'),
      );
      const everything = {
        ...viewer,
        resources: [{ attributes: [{ name: 'accountId', value: owner.accountId }] }],
      };
      assertIamError(
        await createPolicy(app, token, everything),
        403,
        errors.forbidden('grant access on every service or on a wildcard or tagged resource'),
      );
    });
  },
  { clock },
);

describeEachDatabase(
  'GET /v1/policies',
  (t) => {
    it('200: the account’s active policies, filtered by iam_id, type, service_type, state, tags', async () => {
      const app = t.app();
      const owner = await app.createAccount();
      const alice = await app.createUser({ accountId: owner.accountId });
      const bob = await app.createUser({ accountId: owner.accountId });
      const a1 = await adminCreates(app, owner, accessPolicy(owner.accountId, alice.iamId));
      clock.advance(1000);
      const a2 = await adminCreates(
        app,
        owner,
        accessPolicy(owner.accountId, alice.iamId, { roles: ['Viewer'], serviceName: 'iam-identity' }),
      );
      clock.advance(1000);
      const b1 = await adminCreates(app, owner, {
        ...accessPolicy(owner.accountId, bob.iamId, { roles: ['Manager'] }),
        resources: [
          {
            attributes: [{ name: 'accountId', value: owner.accountId }],
            tags: [{ name: 'env', value: 'prod' }],
          },
        ],
      });
      const ids = async (query: string): Promise<string[]> => {
        const res = await app.http.inject({
          method: 'GET',
          url: `/v1/policies?account_id=${owner.accountId}${query}`,
          headers: bearer(await owner.token()),
        });
        assert.equal(res.statusCode, 200, res.body);
        return (res.json() as { policies: { id: string }[] }).policies.map((p) => p.id);
      };

      assert.deepEqual(await ids(''), [a1.id, a2.id, b1.id]);
      assert.deepEqual(await ids(`&iam_id=${alice.iamId}`), [a1.id, a2.id]);
      assert.deepEqual(await ids('&type=authorization'), []);
      assert.deepEqual(await ids('&service_type=platform_service'), [a2.id]);
      assert.deepEqual(await ids('&service_type=service'), [a1.id]);
      assert.deepEqual(await ids('&tag_name=env&tag_value=prod'), [b1.id]);
      assert.deepEqual(await ids('&sort=-created_at'), [b1.id, a2.id, a1.id]);
      assert.deepEqual(await ids('&sort=id'), [a1.id, a2.id, b1.id].sort());
      assert.deepEqual(await ids('&state=deleted'), []);

      await app.http.inject({
        method: 'DELETE',
        url: `/v1/policies/${a1.id}`,
        headers: bearer(await owner.token()),
      });
      assert.deepEqual(await ids(''), [a2.id, b1.id]);
      assert.deepEqual(await ids('&state=deleted'), [a1.id]);
    });

    it('200: the full policy in each entry and a first link', async () => {
      const app = t.app();
      const owner = await app.createAccount();
      clock.set(T0);
      const user = await app.createUser({ accountId: owner.accountId });
      const body = accessPolicy(owner.accountId, user.iamId, { description: 'monitor' });
      const { id } = await adminCreates(app, owner, body);
      const res = await app.http.inject({
        method: 'GET',
        url: `/v1/policies?account_id=${owner.accountId}`,
        headers: bearer(await owner.token()),
      });
      assert.equal(res.statusCode, 200);
      assert.deepEqual(res.json(), {
        limit: 50,
        first: { href: `${TEST_PUBLIC_URL}/v1/policies?account_id=${owner.accountId}` },
        policies: [
          {
            id,
            type: 'access',
            description: 'monitor',
            subjects: body.subjects,
            roles: renderedRoles('Reader'),
            resources: body.resources,
            href: `${TEST_PUBLIC_URL}/v1/policies/${id}`,
            created_at: '2026-04-01T12:00:00.000Z',
            created_by_id: owner.iamId,
            last_modified_at: '2026-04-01T12:00:00.000Z',
            last_modified_by_id: owner.iamId,
            state: 'active',
          },
        ],
      });
    });

    it('200: pages of `limit` with next {href, start}; the last page has no next', async () => {
      const app = t.app();
      const owner = await app.createAccount();
      const user = await app.createUser({ accountId: owner.accountId });
      const created: string[] = [];
      for (const role of ['Reader', 'Writer', 'Manager'] as const) {
        created.push((await adminCreates(app, owner, accessPolicy(owner.accountId, user.iamId, { roles: [role] }))).id);
      }
      const token = await owner.token();
      const first = await app.http.inject({
        method: 'GET',
        url: `/v1/policies?account_id=${owner.accountId}&limit=2&sort=id`,
        headers: bearer(token),
      });
      const page1 = first.json() as {
        limit: number;
        next: { href: string; start: string };
        policies: { id: string }[];
      };
      const sorted = [...created].sort();
      assert.equal(page1.limit, 2);
      assert.deepEqual(
        page1.policies.map((p) => p.id),
        sorted.slice(0, 2),
      );
      assert.deepEqual(page1.next, {
        href: `${TEST_PUBLIC_URL}/v1/policies?account_id=${owner.accountId}&sort=id&limit=2&start=2`,
        start: '2',
      });
      const second = await app.http.inject({
        method: 'GET',
        url: new URL(page1.next.href).pathname + new URL(page1.next.href).search,
        headers: bearer(token),
      });
      const page2 = second.json() as { next?: unknown; policies: { id: string }[] };
      assert.deepEqual(
        page2.policies.map((p) => p.id),
        sorted.slice(2),
      );
      assert.equal('next' in page2, false);
    });

    it('400 missing_required_query_parameter without account_id', async () => {
      const app = t.app();
      const owner = await app.createAccount();
      const res = await app.http.inject({
        method: 'GET',
        url: '/v1/policies',
        headers: bearer(await owner.token()),
      });
      assertIamError(res, 400, {
        code: 'missing_required_query_parameter',
        message: "The query parameter 'account_id' is required.",
      });
    });

    it('400 for a bad limit, sort or start', async () => {
      const app = t.app();
      const owner = await app.createAccount();
      const token = await owner.token();
      const get = (query: string) =>
        app.http.inject({
          method: 'GET',
          url: `/v1/policies?account_id=${owner.accountId}${query}`,
          headers: bearer(token),
        });
      assertIamError(
        await get('&limit=101'),
        400,
        errors.invalidRequest('Invalid querystring: querystring/limit must be <= 100'),
      );
      assertIamError(
        await get('&sort=secret'),
        400,
        errors.invalidBody('Invalid sort: secret is not a sortable policy field.'),
      );
      assertIamError(await get('&start=abc'), 400, errors.invalidBody('Invalid start: use the value of next.start.'));
    });

    it('403 for another account’s id: nothing of it is visible', async () => {
      const app = t.app();
      const owner = await app.createAccount();
      const other = await app.createAccount();
      const res = await app.http.inject({
        method: 'GET',
        url: `/v1/policies?account_id=${other.accountId}`,
        headers: bearer(await owner.token()),
      });
      assertIamError(res, 403, errors.forbidden('list the policies of this account'));
    });

    it('a user without policy.get lists only their own policies (iam_id = self), and never others’', async () => {
      const app = t.app();
      const owner = await app.createAccount();
      const alice = await app.createUser({ accountId: owner.accountId });
      const bob = await app.createUser({ accountId: owner.accountId });
      const mine = await adminCreates(app, owner, accessPolicy(owner.accountId, alice.iamId));
      await adminCreates(app, owner, accessPolicy(owner.accountId, bob.iamId));
      const token = await alice.token();
      const own = await app.http.inject({
        method: 'GET',
        url: `/v1/policies?account_id=${owner.accountId}&iam_id=${alice.iamId}`,
        headers: bearer(token),
      });
      assert.equal(own.statusCode, 200);
      assert.deepEqual(
        (own.json() as { policies: { id: string }[] }).policies.map((p) => p.id),
        [mine.id],
      );
      for (const query of ['', `&iam_id=${bob.iamId}`]) {
        const res = await app.http.inject({
          method: 'GET',
          url: `/v1/policies?account_id=${owner.accountId}${query}`,
          headers: bearer(token),
        });
        assertIamError(res, 403, errors.forbidden('list the access policies of other subjects'));
      }
    });

    it('a Viewer on iam-identity lists every policy of the account', async () => {
      const app = t.app();
      const owner = await app.createAccount();
      const auditor = await app.createUser({ accountId: owner.accountId });
      await grantIdentity(app, owner, auditor.iamId, 'Viewer');
      const res = await app.http.inject({
        method: 'GET',
        url: `/v1/policies?account_id=${owner.accountId}`,
        headers: bearer(await auditor.token()),
      });
      assert.equal(res.statusCode, 200);
      assert.equal((res.json() as { policies: unknown[] }).policies.length, 1);
    });

    it('401 without a token', async () => {
      const app = t.app();
      const owner = await app.createAccount();
      assertIamError(
        await app.http.inject({ method: 'GET', url: `/v1/policies?account_id=${owner.accountId}` }),
        401,
        errors.missingToken,
      );
    });
  },
  { clock },
);

describeEachDatabase(
  'GET /v1/policies/:policy_id',
  (t) => {
    it('200 with the policy and an ETag', async () => {
      const app = t.app();
      const owner = await app.createAccount();
      clock.set(T0);
      const user = await app.createUser({ accountId: owner.accountId });
      const body = accessPolicy(owner.accountId, user.iamId);
      const { id, etag } = await adminCreates(app, owner, body);
      const res = await app.http.inject({
        method: 'GET',
        url: `/v1/policies/${id}`,
        headers: bearer(await owner.token()),
      });
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers.etag, etag);
      assert.match(etag, /^1-[0-9a-f]{32}$/);
      assert.deepEqual(res.json(), {
        id,
        type: 'access',
        subjects: body.subjects,
        roles: renderedRoles('Reader'),
        resources: body.resources,
        href: `${TEST_PUBLIC_URL}/v1/policies/${id}`,
        created_at: '2026-04-01T12:00:00.000Z',
        created_by_id: owner.iamId,
        last_modified_at: '2026-04-01T12:00:00.000Z',
        last_modified_by_id: owner.iamId,
        state: 'active',
      });
    });

    it('its subject may read it; another user of the account may not (403)', async () => {
      const app = t.app();
      const owner = await app.createAccount();
      const user = await app.createUser({ accountId: owner.accountId });
      const stranger = await app.createUser({ accountId: owner.accountId });
      const { id } = await adminCreates(app, owner, accessPolicy(owner.accountId, user.iamId));
      const own = await app.http.inject({
        method: 'GET',
        url: `/v1/policies/${id}`,
        headers: bearer(await user.token()),
      });
      assert.equal(own.statusCode, 200);
      const res = await app.http.inject({
        method: 'GET',
        url: `/v1/policies/${id}`,
        headers: bearer(await stranger.token()),
      });
      assertIamError(res, 403, errors.forbidden('read this access policy'));
    });

    it('404 policy_not_found for an unknown id and for another account’s policy', async () => {
      const app = t.app();
      const owner = await app.createAccount();
      const other = await app.createAccount();
      const otherUser = await app.createUser({ accountId: other.accountId });
      const theirs = await createPolicy(app, await other.token(), accessPolicy(other.accountId, otherUser.iamId));
      assert.equal(theirs.statusCode, 201);
      const theirId = (theirs.json() as { id: string }).id;
      for (const id of [theirId, '00000000-0000-0000-0000-000000000000']) {
        const res = await app.http.inject({
          method: 'GET',
          url: `/v1/policies/${id}`,
          headers: bearer(await owner.token()),
        });
        assertIamError(res, 404, errors.policyNotFound(id));
      }
    });
  },
  { clock },
);

describeEachDatabase(
  'PUT /v1/policies/:policy_id',
  (t) => {
    const put = async (app: TestApp, as: TestUser, id: string, ifMatch: string | undefined, body: unknown) =>
      app.http.inject({
        method: 'PUT',
        url: `/v1/policies/${id}`,
        headers: { ...bearer(await as.token()), ...(ifMatch ? { 'if-match': ifMatch } : {}) },
        payload: body as object,
      });

    it('200: replaces the content, bumps the ETag and last_modified_*', async () => {
      const app = t.app();
      const owner = await app.createAccount();
      clock.set(T0);
      const user = await app.createUser({ accountId: owner.accountId });
      const { id, etag } = await adminCreates(app, owner, accessPolicy(owner.accountId, user.iamId));
      clock.advance(60_000);
      const replacement = accessPolicy(owner.accountId, user.iamId, { roles: ['Writer'], description: 'more' });

      const res = await put(app, owner, id, etag, replacement);

      assert.equal(res.statusCode, 200, res.body);
      assert.match(String(res.headers.etag), /^2-[0-9a-f]{32}$/);
      assert.deepEqual(res.json(), {
        id,
        type: 'access',
        description: 'more',
        subjects: replacement.subjects,
        roles: renderedRoles('Writer'),
        resources: replacement.resources,
        href: `${TEST_PUBLIC_URL}/v1/policies/${id}`,
        created_at: '2026-04-01T12:00:00.000Z',
        created_by_id: owner.iamId,
        last_modified_at: '2026-04-01T12:01:00.000Z',
        last_modified_by_id: owner.iamId,
        state: 'active',
      });
      const get = await app.http.inject({
        method: 'GET',
        url: `/v1/policies/${id}`,
        headers: bearer(await owner.token()),
      });
      assert.equal(get.headers.etag, res.headers.etag);
      assert.deepEqual(await auditActions(app, owner.accountId, id), [
        `policy.create:${owner.iamId}`,
        `policy.update:${owner.iamId}`,
      ]);
    });

    it('200 with If-Match: *', async () => {
      const app = t.app();
      const owner = await app.createAccount();
      const user = await app.createUser({ accountId: owner.accountId });
      const { id } = await adminCreates(app, owner, accessPolicy(owner.accountId, user.iamId));
      const res = await put(app, owner, id, '*', accessPolicy(owner.accountId, user.iamId, { roles: ['Manager'] }));
      assert.equal(res.statusCode, 200);
    });

    it('400 missing_if_match without If-Match; 409 conflict for a stale one', async () => {
      const app = t.app();
      const owner = await app.createAccount();
      const user = await app.createUser({ accountId: owner.accountId });
      const { id, etag } = await adminCreates(app, owner, accessPolicy(owner.accountId, user.iamId));
      const body = accessPolicy(owner.accountId, user.iamId, { roles: ['Writer'] });
      assertIamError(await put(app, owner, id, undefined, body), 400, errors.ifMatchRequired);
      assert.equal((await put(app, owner, id, etag, body)).statusCode, 200);
      assertIamError(await put(app, owner, id, etag, accessPolicy(owner.accountId, user.iamId)), 409, errors.stale);
    });

    it('400 when the type would change; 409 when it would duplicate another active policy', async () => {
      const app = t.app();
      const owner = await app.createAccount();
      const user = await app.createUser({ accountId: owner.accountId });
      const reader = await adminCreates(app, owner, accessPolicy(owner.accountId, user.iamId));
      const writer = await adminCreates(app, owner, accessPolicy(owner.accountId, user.iamId, { roles: ['Writer'] }));
      assertIamError(
        await put(app, owner, writer.id, '*', { ...accessPolicy(owner.accountId, user.iamId), type: 'authorization' }),
        400,
        errors.invalidBody('Invalid type: the type of a policy cannot be changed.'),
      );
      assertIamError(
        await put(app, owner, writer.id, writer.etag, accessPolicy(owner.accountId, user.iamId)),
        409,
        errors.conflict(reader.id),
      );
    });

    it('404 for another account’s policy; 403 for a user without policy.manage', async () => {
      const app = t.app();
      const owner = await app.createAccount();
      const other = await app.createAccount();
      const otherUser = await app.createUser({ accountId: other.accountId });
      const theirs = await createPolicy(app, await other.token(), accessPolicy(other.accountId, otherUser.iamId));
      const theirId = (theirs.json() as { id: string }).id;
      assertIamError(
        await put(app, owner, theirId, '*', accessPolicy(other.accountId, otherUser.iamId)),
        404,
        errors.policyNotFound(theirId),
      );
      const user = await app.createUser({ accountId: owner.accountId });
      const { id } = await adminCreates(app, owner, accessPolicy(owner.accountId, user.iamId));
      assertIamError(
        await put(app, user, id, '*', accessPolicy(owner.accountId, user.iamId, { roles: ['Manager'] })),
        403,
        errors.forbidden('manage access policies in this account'),
      );
    });

    it('401 without a token', async () => {
      const app = t.app();
      const res = await app.http.inject({ method: 'PUT', url: '/v1/policies/x', payload: {} });
      assertIamError(res, 401, errors.missingToken);
    });
  },
  { clock },
);

describeEachDatabase(
  'PATCH /v1/policies/:policy_id',
  (t) => {
    const patch = async (app: TestApp, as: TestUser, id: string, ifMatch: string | undefined, body: unknown) =>
      app.http.inject({
        method: 'PATCH',
        url: `/v1/policies/${id}`,
        headers: { ...bearer(await as.token()), ...(ifMatch ? { 'if-match': ifMatch } : {}) },
        payload: body as object,
      });

    it('200: {state:"deleted"} then {state:"active"} deletes and restores it', async () => {
      const app = t.app();
      const owner = await app.createAccount();
      const user = await app.createUser({ accountId: owner.accountId });
      const { id, etag } = await adminCreates(app, owner, accessPolicy(owner.accountId, user.iamId));

      const deleted = await patch(app, owner, id, etag, { state: 'deleted' });
      assert.equal(deleted.statusCode, 200, deleted.body);
      assert.equal((deleted.json() as PolicyJson).state, 'deleted');
      assert.match(String(deleted.headers.etag), /^2-/);
      assert.deepEqual(await storedPolicies(app, owner.accountId), [
        { id, subject_iam_id: user.iamId, state: 'deleted', version: 2 },
      ]);

      const restored = await patch(app, owner, id, String(deleted.headers.etag), { state: 'active' });
      assert.equal(restored.statusCode, 200, restored.body);
      assert.equal((restored.json() as PolicyJson).state, 'active');
      assert.deepEqual(await storedPolicies(app, owner.accountId), [
        { id, subject_iam_id: user.iamId, state: 'active', version: 3 },
      ]);
      assert.deepEqual(await auditActions(app, owner.accountId, id), [
        `policy.create:${owner.iamId}`,
        `policy.delete:${owner.iamId}`,
        `policy.restore:${owner.iamId}`,
      ]);
    });

    it('400 without If-Match, 409 with a stale one, 400 invalid_body for a bad state', async () => {
      const app = t.app();
      const owner = await app.createAccount();
      const user = await app.createUser({ accountId: owner.accountId });
      const { id, etag } = await adminCreates(app, owner, accessPolicy(owner.accountId, user.iamId));
      assertIamError(await patch(app, owner, id, undefined, { state: 'deleted' }), 400, errors.ifMatchRequired);
      assertIamError(
        await patch(app, owner, id, etag, { state: 'gone' }),
        400,
        errors.invalidBody('Invalid body: body/state must be equal to constant'),
      );
      assert.equal((await patch(app, owner, id, etag, { state: 'deleted' })).statusCode, 200);
      assertIamError(await patch(app, owner, id, etag, { state: 'active' }), 409, errors.stale);
    });

    it('409 policy_conflict_error when restoring a policy that an active one now duplicates', async () => {
      const app = t.app();
      const owner = await app.createAccount();
      const user = await app.createUser({ accountId: owner.accountId });
      const old = await adminCreates(app, owner, accessPolicy(owner.accountId, user.iamId));
      const deleted = await patch(app, owner, old.id, old.etag, { state: 'deleted' });
      const fresh = await adminCreates(app, owner, accessPolicy(owner.accountId, user.iamId));
      assertIamError(
        await patch(app, owner, old.id, String(deleted.headers.etag), { state: 'active' }),
        409,
        errors.conflict(fresh.id),
      );
    });

    it('404 for another account’s policy; 403 for a user without policy.manage', async () => {
      const app = t.app();
      const owner = await app.createAccount();
      const other = await app.createAccount();
      const otherUser = await app.createUser({ accountId: other.accountId });
      const theirs = await createPolicy(app, await other.token(), accessPolicy(other.accountId, otherUser.iamId));
      const theirId = (theirs.json() as { id: string }).id;
      assertIamError(await patch(app, owner, theirId, '*', { state: 'deleted' }), 404, errors.policyNotFound(theirId));
      const user = await app.createUser({ accountId: owner.accountId });
      const { id } = await adminCreates(app, owner, accessPolicy(owner.accountId, user.iamId));
      assertIamError(
        await patch(app, user, id, '*', { state: 'deleted' }),
        403,
        errors.forbidden('manage access policies in this account'),
      );
    });
  },
  { clock },
);

describeEachDatabase(
  'DELETE /v1/policies/:policy_id',
  (t) => {
    const del = async (app: TestApp, as: TestUser, id: string) =>
      app.http.inject({
        method: 'DELETE',
        url: `/v1/policies/${id}`,
        headers: bearer(await as.token()),
      });

    it('204: the policy is deleted (state "deleted", out of the default list); deleting it again is 404', async () => {
      const app = t.app();
      const owner = await app.createAccount();
      const user = await app.createUser({ accountId: owner.accountId });
      const { id } = await adminCreates(app, owner, accessPolicy(owner.accountId, user.iamId));
      const res = await del(app, owner, id);
      assert.equal(res.statusCode, 204);
      assert.equal(res.body, '');
      assert.deepEqual(await storedPolicies(app, owner.accountId), [
        { id, subject_iam_id: user.iamId, state: 'deleted', version: 2 },
      ]);
      const get = await app.http.inject({
        method: 'GET',
        url: `/v1/policies/${id}`,
        headers: bearer(await owner.token()),
      });
      assert.equal(get.statusCode, 200);
      assert.equal((get.json() as PolicyJson).state, 'deleted');
      const list = await app.http.inject({
        method: 'GET',
        url: `/v1/policies?account_id=${owner.accountId}`,
        headers: bearer(await owner.token()),
      });
      assert.deepEqual((list.json() as { policies: unknown[] }).policies, []);
      assertIamError(await del(app, owner, id), 404, errors.policyNotFound(id));
      assert.deepEqual(await auditActions(app, owner.accountId, id), [
        `policy.create:${owner.iamId}`,
        `policy.delete:${owner.iamId}`,
      ]);
    });

    it('404 for another account’s policy; 403 for a user without policy.manage; 401 without a token', async () => {
      const app = t.app();
      const owner = await app.createAccount();
      const other = await app.createAccount();
      const otherUser = await app.createUser({ accountId: other.accountId });
      const theirs = await createPolicy(app, await other.token(), accessPolicy(other.accountId, otherUser.iamId));
      const theirId = (theirs.json() as { id: string }).id;
      assertIamError(await del(app, owner, theirId), 404, errors.policyNotFound(theirId));
      const user = await app.createUser({ accountId: owner.accountId });
      const { id } = await adminCreates(app, owner, accessPolicy(owner.accountId, user.iamId));
      assertIamError(await del(app, user, id), 403, errors.forbidden('manage access policies in this account'));
      assertIamError(await app.http.inject({ method: 'DELETE', url: `/v1/policies/${id}` }), 401, errors.missingToken);
      assert.deepEqual(await storedPolicies(app, owner.accountId), [
        { id, subject_iam_id: user.iamId, state: 'active', version: 1 },
      ]);
    });
  },
  { clock },
);
