import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ACTIONS,
  actionsOf,
  KNOWN_SERVICES,
  PLATFORM_ROLES,
  ROLE_DESCRIPTIONS,
  roleCrn,
  roleNameFromCrn,
  SERVICE_ROLES,
} from './roles.js';

const I = ACTIONS.identity;
const M = ACTIONS.monitor;

describe('roleNameFromCrn', () => {
  it('reads the platform and service role CRNs IBM uses', () => {
    for (const role of PLATFORM_ROLES) assert.equal(roleNameFromCrn(`crn:v1:bluemix:public:iam::::role:${role}`), role);
    for (const role of SERVICE_ROLES) {
      assert.equal(roleNameFromCrn(`crn:v1:bluemix:public:iam::::serviceRole:${role}`), role);
      assert.equal(roleNameFromCrn(`crn:v1:bluemix:public:sysdig-monitor::::serviceRole:${role}`), role);
    }
  });

  it('refuses unknown roles and near misses', () => {
    for (const crn of [
      'crn:v1:bluemix:public:iam::::role:Owner',
      'crn:v1:bluemix:public:iam::::serviceRole:Viewer',
      'crn:v1:bluemix:public:iam::::role:Reader',
      'crn:v1:bluemix:public:iam-identity::::serviceRole:ServiceIdCreator',
      'crn:v1:bluemix:public:iam::::role:viewer',
      ' crn:v1:bluemix:public:iam::::role:Viewer',
      'crn:v1:bluemix:public:iam::::role:Viewer\n',
      'Viewer',
      '',
    ]) {
      assert.equal(roleNameFromCrn(crn), undefined, crn);
    }
  });

  it('round-trips with roleCrn', () => {
    for (const role of [...PLATFORM_ROLES, ...SERVICE_ROLES]) assert.equal(roleNameFromCrn(roleCrn(role)), role);
    assert.equal(roleCrn('Viewer'), 'crn:v1:bluemix:public:iam::::role:Viewer');
    assert.equal(roleCrn('Manager'), 'crn:v1:bluemix:public:iam::::serviceRole:Manager');
  });
});

describe('actionsOf', () => {
  it('sysdig-monitor: Reader ⊂ Writer ⊂ Manager ⊆ Administrator, as IBM Cloud Monitoring documents', () => {
    assert.deepEqual(actionsOf('sysdig-monitor', 'Reader'), [M.viewer]);
    assert.deepEqual(actionsOf('sysdig-monitor', 'Writer'), [M.viewer, M.user]);
    assert.deepEqual(actionsOf('sysdig-monitor', 'Manager'), [M.viewer, M.user, M.admin]);
    for (const action of actionsOf('sysdig-monitor', 'Manager')) {
      assert.ok(actionsOf('sysdig-monitor', 'Administrator').includes(action));
    }
  });

  it('iam-identity: Viewer and Operator read, Editor manages policies, Administrator also users and audit', () => {
    assert.ok(actionsOf('iam-identity', 'Viewer').includes(I.policyRead));
    assert.ok(!actionsOf('iam-identity', 'Viewer').includes(I.policyManage));
    assert.deepEqual(actionsOf('iam-identity', 'Operator'), actionsOf('iam-identity', 'Viewer'));
    assert.ok(actionsOf('iam-identity', 'Editor').includes(I.policyManage));
    assert.ok(!actionsOf('iam-identity', 'Editor').includes(I.userManage));
    assert.ok(actionsOf('iam-identity', 'Administrator').includes(I.userManage));
    assert.ok(actionsOf('iam-identity', 'Administrator').includes(I.auditRead));
    assert.deepEqual(actionsOf('iam-identity', 'Reader'), []);
  });

  it('an unknown service grants nothing', () => {
    assert.deepEqual(actionsOf('cloud-object-storage', 'Administrator'), []);
    assert.deepEqual(KNOWN_SERVICES, ['iam-identity', 'sysdig-monitor']);
  });

  it('every role has a description', () => {
    for (const role of [...PLATFORM_ROLES, ...SERVICE_ROLES]) assert.match(ROLE_DESCRIPTIONS[role], /^As an? /);
  });
});
