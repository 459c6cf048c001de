import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkPolicyContent, exactResource, fingerprintOf, serviceTypeOf } from './policy-content.js';
import type { PolicyBody } from './policies.schema.js';

const body = (overrides: Partial<PolicyBody> = {}): PolicyBody => ({
  type: 'access',
  subjects: [{ attributes: [{ name: 'iam_id', value: 'IBMid-U' }] }],
  roles: [{ role_id: 'crn:v1:bluemix:public:iam::::serviceRole:Reader' }],
  resources: [
    {
      attributes: [
        { name: 'accountId', value: 'a1', operator: 'stringEquals' },
        { name: 'serviceName', value: 'sysdig-monitor' },
      ],
    },
  ],
  ...overrides,
});

describe('checkPolicyContent', () => {
  it('reads subject, accounts and roles of an access policy', () => {
    const checked = checkPolicyContent(body());
    assert.equal(checked.subjectIamId, 'IBMid-U');
    assert.deepEqual(checked.accountIds, ['a1']);
    assert.deepEqual(checked.roleNames, ['Reader']);
    assert.deepEqual(checked.roles, [{ role_id: 'crn:v1:bluemix:public:iam::::serviceRole:Reader' }]);
  });

  it('an access-group policy has no subject iam_id', () => {
    const checked = checkPolicyContent(
      body({ subjects: [{ attributes: [{ name: 'access_group_id', value: 'AccessGroup-1' }] }] }),
    );
    assert.equal(checked.subjectIamId, null);
  });

  it('an authorization policy needs the subject’s accountId and serviceName, and checks both accounts', () => {
    const checked = checkPolicyContent(
      body({
        type: 'authorization',
        subjects: [
          {
            attributes: [
              { name: 'accountId', value: 'a1' },
              { name: 'serviceName', value: 'sysdig-monitor' },
            ],
          },
        ],
      }),
    );
    assert.equal(checked.subjectIamId, null);
    assert.deepEqual(checked.accountIds, ['a1', 'a1']);
    assert.throws(
      () => checkPolicyContent(body({ type: 'authorization' })),
      /attribute accountId \(operator stringEquals\) is required/,
    );
  });
});

describe('fingerprintOf', () => {
  it('ignores attribute order, an implied stringEquals, repeated roles and the description', () => {
    const a = fingerprintOf(body());
    const b = fingerprintOf(
      body({
        roles: [
          { role_id: 'crn:v1:bluemix:public:iam::::serviceRole:Reader' },
          { role_id: 'crn:v1:bluemix:public:iam::::serviceRole:Reader' },
        ],
        resources: [
          {
            attributes: [
              { name: 'serviceName', value: 'sysdig-monitor', operator: 'stringEquals' },
              { name: 'accountId', value: 'a1' },
            ],
          },
        ],
        description: 'other words',
      }),
    );
    assert.equal(a, b);
    assert.match(a, /^[0-9a-f]{64}$/);
  });

  it('differs for another subject, role, attribute, operator, tag or type', () => {
    const base = fingerprintOf(body());
    const variants: PolicyBody[] = [
      body({ subjects: [{ attributes: [{ name: 'iam_id', value: 'IBMid-V' }] }] }),
      body({ roles: [{ role_id: 'crn:v1:bluemix:public:iam::::serviceRole:Writer' }] }),
      body({ resources: [{ attributes: [{ name: 'accountId', value: 'a1' }] }] }),
      body({
        resources: [
          {
            attributes: [
              { name: 'accountId', value: 'a1' },
              { name: 'serviceName', value: 'sysdig-monitor', operator: 'stringMatch' },
            ],
          },
        ],
      }),
      body({
        resources: [
          {
            attributes: [
              { name: 'accountId', value: 'a1' },
              { name: 'serviceName', value: 'sysdig-monitor' },
            ],
            tags: [{ name: 'env', value: 'prod' }],
          },
        ],
      }),
      body({ type: 'authorization' }),
    ];
    for (const variant of variants) assert.notEqual(fingerprintOf(variant), base);
  });
});

describe('serviceTypeOf and exactResource', () => {
  it('classifies IAM services as platform_service, others as service, an explicit serviceType wins', () => {
    const attrs = (...a: { name: string; value: string }[]) => [{ attributes: a }];
    assert.equal(serviceTypeOf(attrs({ name: 'serviceName', value: 'iam-identity' })), 'platform_service');
    assert.equal(serviceTypeOf(attrs({ name: 'serviceName', value: 'sysdig-monitor' })), 'service');
    assert.equal(serviceTypeOf(attrs({ name: 'serviceType', value: 'service' })), 'service');
    assert.equal(serviceTypeOf(attrs({ name: 'accountId', value: 'a1' })), undefined);
  });

  it('names the one resource of an exact policy, nothing for sets', () => {
    assert.deepEqual(exactResource(body().resources[0]!), { accountId: 'a1', serviceName: 'sysdig-monitor' });
    assert.equal(exactResource({ attributes: [{ name: 'accountId', value: 'a1' }] }), undefined);
    assert.equal(
      exactResource({
        attributes: [
          { name: 'accountId', value: 'a1' },
          { name: 'serviceName', value: 'sysdig-*', operator: 'stringMatch' },
        ],
      }),
      undefined,
    );
    assert.equal(exactResource({ ...body().resources[0]!, tags: [{ name: 'env', value: 'prod' }] }), undefined);
  });
});
