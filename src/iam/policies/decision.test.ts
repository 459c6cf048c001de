import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LocalChangeFeed } from '../../platform/change-feed.js';
import { ManualClock } from '../../platform/clock.js';
import type { Subject } from '../auth/principal.js';
import { Decisions, grantAllows, wildcardMatch, type PolicySource, type ResourceAttributes } from './decision.js';
import type { PolicyAttribute, PolicyGrant } from './policy.model.js';
import { ACTIONS, roleCrn, type RoleName } from './roles.js';

const ACCOUNT = 'a1';
const M = ACTIONS.monitor;
const I = ACTIONS.identity;

function grant(
  roles: RoleName[],
  attributes: PolicyAttribute[],
  tags?: { name: string; value: string }[],
): PolicyGrant {
  return {
    id: `p-${roles.join('-')}`,
    roles: roles.map((role) => ({ role_id: roleCrn(role) })),
    resources: [{ attributes, ...(tags ? { tags } : {}) }],
  };
}

const monitorPolicy = (roles: RoleName[], ...extra: PolicyAttribute[]) =>
  grant(roles, [{ name: 'accountId', value: ACCOUNT }, { name: 'serviceName', value: 'sysdig-monitor' }, ...extra]);

const monitor = (extra: Partial<ResourceAttributes> = {}): ResourceAttributes => ({
  accountId: ACCOUNT,
  serviceName: 'sysdig-monitor',
  ...extra,
});

/** The monitor actions a single grant allows on a resource. */
function monitorActions(g: PolicyGrant, resource = monitor()): string[] {
  return [M.viewer, M.user, M.admin].filter((action) => grantAllows(g, action, resource));
}

describe('grantAllows: roles on sysdig-monitor', () => {
  it('Reader → launch.viewer only; Writer → + launch.user; Manager → + launch.admin', () => {
    assert.deepEqual(monitorActions(monitorPolicy(['Reader'])), [M.viewer]);
    assert.deepEqual(monitorActions(monitorPolicy(['Writer'])), [M.viewer, M.user]);
    assert.deepEqual(monitorActions(monitorPolicy(['Manager'])), [M.viewer, M.user, M.admin]);
  });

  it('Administrator implies Manager; Viewer, Operator and Editor grant no launch action', () => {
    assert.deepEqual(monitorActions(monitorPolicy(['Administrator'])), [M.viewer, M.user, M.admin]);
    for (const role of ['Viewer', 'Operator', 'Editor'] as const)
      assert.deepEqual(monitorActions(monitorPolicy([role])), []);
    assert.equal(grantAllows(monitorPolicy(['Editor']), M.instanceManage, monitor()), true);
    assert.equal(grantAllows(monitorPolicy(['Viewer']), M.instanceManage, monitor()), false);
  });

  it('several roles add up', () => {
    assert.deepEqual(monitorActions(monitorPolicy(['Viewer', 'Writer'])), [M.viewer, M.user]);
  });

  it('an unknown role grants nothing', () => {
    const g: PolicyGrant = {
      id: 'p',
      roles: [{ role_id: 'crn:v1:bluemix:public:iam::::role:Owner' }],
      resources: monitorPolicy([]).resources,
    };
    assert.deepEqual(monitorActions(g), []);
  });
});

describe('grantAllows: resource attributes', () => {
  it('a sysdigTeam policy grants in that team only, never outside a team', () => {
    const team = monitorPolicy(['Writer'], { name: 'sysdigTeam', value: '7' });
    assert.deepEqual(monitorActions(team, monitor({ sysdigTeam: '7' })), [M.viewer, M.user]);
    assert.deepEqual(monitorActions(team, monitor({ sysdigTeam: '8' })), []);
    assert.deepEqual(monitorActions(team, monitor()), []);
  });

  it('a serviceInstance policy grants on that instance only; a policy without one covers every instance', () => {
    const instance = monitorPolicy(['Reader'], { name: 'serviceInstance', value: 'i-1' });
    assert.deepEqual(monitorActions(instance, monitor({ serviceInstance: 'i-1' })), [M.viewer]);
    assert.deepEqual(monitorActions(instance, monitor({ serviceInstance: 'i-2' })), []);
    assert.deepEqual(monitorActions(monitorPolicy(['Reader']), monitor({ serviceInstance: 'i-2', sysdigTeam: '9' })), [
      M.viewer,
    ]);
  });

  it('a policy without serviceName covers every service, each with its own role table', () => {
    const everything = grant(['Administrator'], [{ name: 'accountId', value: ACCOUNT }]);
    assert.equal(grantAllows(everything, M.admin, monitor()), true);
    assert.equal(grantAllows(everything, I.userManage, { accountId: ACCOUNT, serviceName: 'iam-identity' }), true);
    // An action of one service is not allowed on a resource of another.
    assert.equal(grantAllows(everything, M.admin, { accountId: ACCOUNT, serviceName: 'iam-identity' }), false);
  });

  it('a policy on another service grants nothing here', () => {
    const identity = grant(
      ['Administrator'],
      [
        { name: 'accountId', value: ACCOUNT },
        { name: 'serviceName', value: 'iam-identity' },
      ],
    );
    assert.deepEqual(monitorActions(identity), []);
  });

  it('stringMatch wildcards: `*` any run, `?` one character; stringEquals is literal', () => {
    const wildcard = monitorPolicy(['Reader'], { name: 'serviceInstance', value: 'prod-*', operator: 'stringMatch' });
    assert.deepEqual(monitorActions(wildcard, monitor({ serviceInstance: 'prod-eu' })), [M.viewer]);
    assert.deepEqual(monitorActions(wildcard, monitor({ serviceInstance: 'staging-eu' })), []);
    const literal = monitorPolicy(['Reader'], { name: 'serviceInstance', value: 'prod-*' });
    assert.deepEqual(monitorActions(literal, monitor({ serviceInstance: 'prod-eu' })), []);
    const services = grant(
      ['Reader'],
      [
        { name: 'accountId', value: ACCOUNT },
        { name: 'serviceName', value: 'sysdig-*', operator: 'stringMatch' },
      ],
    );
    assert.deepEqual(monitorActions(services), [M.viewer]);
  });

  it('an unknown operator, a non-string value or an inherited property name never match', () => {
    assert.deepEqual(
      monitorActions(
        monitorPolicy(['Reader'], { name: 'sysdigTeam', value: '7', operator: 'stringExists' }),
        monitor({ sysdigTeam: '7' }),
      ),
      [],
    );
    assert.deepEqual(
      monitorActions(monitorPolicy(['Reader'], { name: 'sysdigTeam', value: 7 }), monitor({ sysdigTeam: '7' })),
      [],
    );
    assert.deepEqual(
      monitorActions(monitorPolicy(['Reader'], { name: 'constructor', value: '*', operator: 'stringMatch' })),
      [],
    );
  });

  it('a policy limited by access tags grants nothing (vigil’s resources carry no tags)', () => {
    const tagged = grant(['Manager'], [{ name: 'accountId', value: ACCOUNT }], [{ name: 'env', value: 'prod' }]);
    assert.deepEqual(monitorActions(tagged), []);
  });
});

describe('wildcardMatch', () => {
  it('matches IBM stringMatch patterns', () => {
    const cases: [string, string, boolean][] = [
      ['*', '', true],
      ['*', 'anything', true],
      ['a*c', 'abbbc', true],
      ['a*c', 'abbb', false],
      ['a?c', 'abc', true],
      ['a?c', 'ac', false],
      ['*-eu-*', 'prod-eu-1', true],
      ['a.c', 'abc', false],
      ['(x)+', '(x)+', true],
      ['', '', true],
      ['', 'a', false],
    ];
    for (const [pattern, value, expected] of cases)
      assert.equal(wildcardMatch(pattern, value), expected, `${pattern} ~ ${value}`);
  });

  // A backtracking matcher would take hours here (exponential in the stars); the iterative one is O(pattern × value).
  // No clock is read: a regression fails by the test's timeout, generous enough never to trip on a busy machine.
  it('finishes on a pathological pattern', { timeout: 30_000 }, () => {
    assert.equal(wildcardMatch(`${'a*'.repeat(500)}b`, 'a'.repeat(1000)), false);
    assert.equal(wildcardMatch(`${'a*'.repeat(500)}`, 'a'.repeat(1000)), true);
  });
});

describe('Decisions', () => {
  const user: Subject = { kind: 'user', iamId: 'IBMid-U', accountId: ACCOUNT, isAccountAdmin: false };

  function setup(grants: Record<string, PolicyGrant[]>) {
    const loads: string[] = [];
    const source: PolicySource = {
      activeGrantsFor: async (_accountId, iamId) => {
        loads.push(iamId);
        return grants[iamId] ?? [];
      },
    };
    const clock = new ManualClock();
    const feed = new LocalChangeFeed();
    const decisions = new Decisions(source, clock);
    // As createIam wires it: every change on the feed reaches the decisions' cache.
    feed.subscribe((change) => decisions.onChange(change));
    return { decisions, loads, clock, feed, grants };
  }

  it('permits from an active policy and names it as the reason', async () => {
    const { decisions } = setup({ [user.iamId]: [monitorPolicy(['Reader'])] });
    assert.deepEqual(await decisions.decide(user, M.viewer, monitor()), { permitted: true, reason: 'p-Reader' });
    assert.deepEqual(await decisions.decide(user, M.user, monitor()), { permitted: false, reason: null });
  });

  it('an account administrator may do anything in the account, nothing in another', async () => {
    const { decisions, loads } = setup({});
    const admin: Subject = { ...user, isAccountAdmin: true };
    assert.deepEqual(await decisions.decide(admin, M.admin, monitor()), { permitted: true, reason: 'account-admin' });
    assert.equal(await decisions.isAllowed(admin, M.admin, monitor({ accountId: 'a2' })), false);
    assert.deepEqual(loads, []);
  });

  it('never permits on a resource of another account, whatever the policy says', async () => {
    const { decisions } = setup({
      [user.iamId]: [grant(['Manager'], [{ name: 'serviceName', value: 'sysdig-monitor' }])],
    });
    assert.equal(await decisions.isAllowed(user, M.viewer, monitor()), true);
    assert.equal(await decisions.isAllowed(user, M.viewer, monitor({ accountId: 'a2' })), false);
  });

  it('a service ID with no policy is denied; a service ID is never an account administrator', async () => {
    const robot: Subject = { kind: 'serviceid', iamId: 'iam-ServiceId-1', accountId: ACCOUNT, isAccountAdmin: false };
    const { decisions } = setup({});
    assert.equal(await decisions.isAllowed(robot, M.viewer, monitor()), false);
    assert.equal(await decisions.isAllowed({ ...robot, isAccountAdmin: true }, M.viewer, monitor()), false);
  });

  it('caches a subject’s policies; a `policy` change drops them at once (a deleted policy is denied)', async () => {
    const { decisions, loads, feed, grants } = setup({ [user.iamId]: [monitorPolicy(['Reader'])] });
    assert.equal(await decisions.isAllowed(user, M.viewer, monitor()), true);
    assert.equal(await decisions.isAllowed(user, M.viewer, monitor()), true);
    assert.deepEqual(loads, [user.iamId]);

    grants[user.iamId] = [];
    assert.equal(await decisions.isAllowed(user, M.viewer, monitor()), true, 'cached until told');
    await feed.publish({ topic: 'policy', key: 'IBMid-OTHER' });
    assert.equal(await decisions.isAllowed(user, M.viewer, monitor()), true, 'another subject’s change keeps it');
    await feed.publish({ topic: 'policy', key: user.iamId });
    assert.equal(await decisions.isAllowed(user, M.viewer, monitor()), false);
    assert.deepEqual(loads, [user.iamId, user.iamId]);
  });

  it('re-reads after 5 s even without a change', async () => {
    const { decisions, loads, clock } = setup({});
    await decisions.isAllowed(user, M.viewer, monitor());
    clock.advance(4_999);
    await decisions.isAllowed(user, M.viewer, monitor());
    clock.advance(1);
    await decisions.isAllowed(user, M.viewer, monitor());
    assert.deepEqual(loads, [user.iamId, user.iamId]);
  });

  it('`user`, `serviceid` and `reset-all` changes drop the cache too', async () => {
    const { decisions, loads, feed } = setup({});
    for (const change of [
      { topic: 'user', key: user.iamId },
      { topic: 'serviceid', key: user.iamId },
      { topic: 'reset-all', key: '' },
    ]) {
      await decisions.isAllowed(user, M.viewer, monitor());
      await feed.publish(change);
    }
    await decisions.isAllowed(user, M.viewer, monitor());
    assert.equal(loads.length, 4);
  });
});
