import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { before, it } from 'node:test';
import IamPolicyManagementV1 from '@ibm-cloud/platform-services/iam-policy-management/v1.js';
import { BearerTokenAuthenticator } from 'ibm-cloud-sdk-core';
import { describeEachDatabase, type TestUser } from '../../src/testing/test-app.js';

/**
 * IBM's own Node SDK (`@ibm-cloud/platform-services` IamPolicyManagementV1) against vigil on a real socket, following
 * IBM's integration test for access policies: create (subjects and resources come back exactly as sent), get with
 * ETag, replace with If-Match, patch the state, list, delete, and a duplicate refused with `policy_conflict_error`.
 */

interface SdkError {
  status: number;
  message: string;
  body: string;
}

async function rejection(promise: Promise<unknown>): Promise<SdkError> {
  try {
    await promise;
  } catch (error) {
    return error as SdkError;
  }
  assert.fail('expected the SDK call to fail');
}

const VIEWER = 'crn:v1:bluemix:public:iam::::role:Viewer';
const EDITOR = 'crn:v1:bluemix:public:iam::::role:Editor';

describeEachDatabase('IamPolicyManagementV1 (IBM platform-services SDK) on a real socket', (t) => {
  let policies: IamPolicyManagementV1;
  let subject: TestUser;

  before(async () => {
    const app = t.app();
    await app.http.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.http.server.address() as AddressInfo;
    policies = new IamPolicyManagementV1({
      authenticator: new BearerTokenAuthenticator({ bearerToken: await app.tokenFor(app.admin.iamId) }),
      serviceUrl: `http://127.0.0.1:${port}`,
    });
    subject = await app.createUser();
  });

  it('runs the access-policy lifecycle of IBM’s integration test', async () => {
    const app = t.app();
    const policySubjects = [{ attributes: [{ name: 'iam_id', value: subject.iamId }] }];
    const policyResources = [
      {
        attributes: [
          { name: 'accountId', value: app.accountId, operator: 'stringEquals' },
          { name: 'serviceName', value: 'sysdig-monitor', operator: 'stringEquals' },
        ],
        tags: [{ name: 'project', operator: 'stringEquals', value: 'prototype' }],
      },
    ];

    const created = await policies.createPolicy({
      type: 'access',
      subjects: policySubjects,
      roles: [{ role_id: VIEWER }],
      resources: policyResources,
    });
    assert.equal(created.status, 201);
    assert.equal(created.result.type, 'access');
    assert.deepEqual(created.result.subjects, policySubjects);
    assert.deepEqual(created.result.resources, policyResources);
    assert.equal(created.result.roles[0]?.role_id, VIEWER);
    assert.equal(created.result.roles[0]?.display_name, 'Viewer');
    assert.equal(created.result.state, 'active');
    const policyId = created.result.id as string;

    const got = await policies.getPolicy({ policyId });
    assert.equal(got.status, 200);
    assert.equal(got.result.id, policyId);
    assert.deepEqual(got.result.subjects, policySubjects);
    assert.deepEqual(got.result.resources, policyResources);
    const etag = got.headers.etag as string;
    assert.match(etag, /^1-[0-9a-f]{32}$/);

    const replaced = await policies.replacePolicy({
      policyId,
      ifMatch: etag,
      type: 'access',
      subjects: policySubjects,
      roles: [{ role_id: EDITOR }],
      resources: policyResources,
    });
    assert.equal(replaced.status, 200);
    assert.equal(replaced.result.roles[0]?.role_id, EDITOR);
    assert.deepEqual(replaced.result.resources, policyResources);
    const newEtag = replaced.headers.etag as string;
    assert.match(newEtag, /^2-[0-9a-f]{32}$/);

    const stale = await rejection(
      policies.replacePolicy({
        policyId,
        ifMatch: etag,
        type: 'access',
        subjects: policySubjects,
        roles: [{ role_id: VIEWER }],
        resources: policyResources,
      }),
    );
    assert.equal(stale.status, 409);

    const patched = await policies.updatePolicyState({ policyId, ifMatch: newEtag, state: 'active' });
    assert.equal(patched.status, 200);
    assert.equal(patched.result.state, 'active');
    assert.deepEqual(patched.result.subjects, policySubjects);

    const listed = await policies.listPolicies({ accountId: app.accountId, iamId: subject.iamId });
    assert.equal(listed.status, 200);
    assert.deepEqual(
      listed.result.policies.map((p) => p.id),
      [policyId],
    );

    const deleted = await policies.deletePolicy({ policyId });
    assert.equal(deleted.status, 204);
    const after = await policies.listPolicies({ accountId: app.accountId, iamId: subject.iamId });
    assert.deepEqual(after.result.policies, []);
  });

  it('refuses a duplicate with policy_conflict_error', async () => {
    const app = t.app();
    const params = {
      type: 'access',
      subjects: [{ attributes: [{ name: 'iam_id', value: subject.iamId }] }],
      roles: [{ role_id: 'crn:v1:bluemix:public:iam::::serviceRole:Reader' }],
      resources: [
        {
          attributes: [
            { name: 'accountId', value: app.accountId, operator: 'stringEquals' },
            { name: 'serviceName', value: 'sysdig-monitor', operator: 'stringEquals' },
          ],
        },
      ],
    };
    const first = await policies.createPolicy(params);
    assert.equal(first.status, 201);

    const duplicate = await rejection(policies.createPolicy(params));
    assert.equal(duplicate.status, 409);
    assert.match(duplicate.message, /duplicates policy/);
    assert.match(duplicate.body, /policy_conflict_error/);
  });

  it('pages with the SDK’s PoliciesPager (it reads next.start)', async () => {
    const app = t.app();
    const pageSubject = await app.createUser();
    for (const role of ['Reader', 'Writer', 'Manager']) {
      await policies.createPolicy({
        type: 'access',
        subjects: [{ attributes: [{ name: 'iam_id', value: pageSubject.iamId }] }],
        roles: [{ role_id: `crn:v1:bluemix:public:iam::::serviceRole:${role}` }],
        resources: [
          {
            attributes: [
              { name: 'accountId', value: app.accountId },
              { name: 'serviceName', value: 'sysdig-monitor' },
            ],
          },
        ],
      });
    }
    const pager = new IamPolicyManagementV1.PoliciesPager(policies, {
      accountId: app.accountId,
      iamId: pageSubject.iamId,
      limit: 2,
    });
    const all = await pager.getAll();
    assert.equal(all.length, 3);
  });
});
