import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import type { RoleName } from '../../src/iam/policies/roles.js';
import type { MonitorInstanceRow, MonitorTeamRow } from '../../src/platform/db/schema.js';
import { createServiceId, insertPolicy } from '../../src/testing/identity-fixtures.js';
import {
  iamHeaders,
  insertInstance,
  insertMembership,
  insertTeam,
  provisionUser,
} from '../../src/testing/monitor-fixtures.js';
import { bearer, describeEachDatabase, type TestApp } from '../../src/testing/test-app.js';
import { seededRandom } from '../../src/testing/seeded-random.js';

/**
 * The rule of issue 12 as a generated test: a population of users and service IDs with random roles on
 * `iam-identity`, on a monitoring instance (and on every instance), on its teams, and random team memberships; then
 * for every pair (actor, target) and every credential operation — create a user's API key, create a service ID's API
 * key, read and reset a Monitor API token in each team, invite — the operation succeeds exactly when a small model
 * of the rules says it should, and the model's rule is rights(target) ⊆ rights(actor). The model below is written
 * from IBM's role tables and Sysdig's team roles, not from vigil's code, so the two can disagree.
 *
 * Seeds: fixed ones in CI (the same population every run), VIGIL_RIGHTS_SEED=<n> to try another.
 */

// --- the model -----------------------------------------------------------------------------------------------------

const IDENTITY_ROLES = [null, 'Viewer', 'Editor', 'Administrator'] as const;
const SERVICE_ROLES = [null, 'Reader', 'Writer', 'Manager'] as const;
const TEAM_ROLES = [null, 'ROLE_TEAM_READ', 'ROLE_TEAM_STANDARD', 'ROLE_TEAM_EDIT', 'ROLE_TEAM_MANAGER'] as const;
type ServiceRole = (typeof SERVICE_ROLES)[number];
type TeamRole = (typeof TEAM_ROLES)[number];

/** What one identity was given. Ranks index the tuples above; 0 is nothing. */
interface Grants {
  readonly accountAdmin: boolean;
  readonly identity: number;
  /** A `sysdig-monitor` policy without `serviceInstance`: every instance, those created later included. */
  readonly everyInstance: number;
  readonly instance: number;
  readonly teamPolicy: ReadonlyMap<string, number>;
  readonly membership: ReadonlyMap<string, number>;
}

// Reader → ROLE_TEAM_READ, Writer → ROLE_TEAM_EDIT, Manager → ROLE_TEAM_MANAGER (IBM's mapping).
const TEAM_RANK_OF_SERVICE_RANK = [0, 1, 3, 4];

function instanceRank(g: Grants): number {
  return g.accountAdmin ? 3 : Math.max(g.everyInstance, g.instance);
}

function isInstanceAdmin(g: Grants): boolean {
  return instanceRank(g) === 3;
}

function teamRank(g: Grants, team: string): number {
  if (isInstanceAdmin(g)) return 4;
  return Math.max(
    TEAM_RANK_OF_SERVICE_RANK[instanceRank(g)] ?? 0,
    TEAM_RANK_OF_SERVICE_RANK[g.teamPolicy.get(team) ?? 0] ?? 0,
    g.membership.get(team) ?? 0,
  );
}

/** rights(target) ⊆ rights(actor), in the whole account (API keys) or in the instance (Monitor API tokens). */
function covers(actor: Grants, target: Grants, scope: 'account' | 'instance', teams: readonly string[]): boolean {
  if (actor.accountAdmin) return true;
  if (target.accountAdmin) return false;
  if (scope === 'account' && (target.identity > actor.identity || target.everyInstance > actor.everyInstance)) {
    return false;
  }
  if (instanceRank(target) > instanceRank(actor)) return false;
  return teams.every((team) => teamRank(target, team) <= teamRank(actor, team));
}

// --- the population ------------------------------------------------------------------------------------------------

function pick<T>(random: () => number, weighted: readonly (readonly [T, number])[]): T {
  let roll = random() * weighted.reduce((sum, [, w]) => sum + w, 0);
  for (const [value, weight] of weighted) {
    roll -= weight;
    if (roll < 0) return value;
  }
  return weighted[weighted.length - 1]![0];
}

interface Identity {
  readonly label: string;
  readonly kind: 'user' | 'serviceid' | 'invitee';
  readonly iamId: string;
  readonly grants: Grants;
  /** Its Monitor username in the instance. */
  username: string;
  /** An IAM access token (not for invitees, who have no sign-in). */
  readonly token: string | null;
}

interface Population {
  readonly seed: number;
  readonly accountId: string;
  readonly instance: MonitorInstanceRow;
  readonly teams: readonly MonitorTeamRow[];
  readonly people: readonly Identity[];
}

async function populate(app: TestApp, seed: number): Promise<Population> {
  const random = seededRandom(seed);
  const owner = await app.createAccount();
  const accountId = owner.accountId;
  const { instance, operations } = await insertInstance(app, { accountId, name: `rights-${seed}` });
  const teams = [
    operations,
    await insertTeam(app, instance.guid, 'Alpha'),
    await insertTeam(app, instance.guid, 'Beta'),
  ];
  const teamNames = teams.map((team) => team.name);

  const randomGrants = (mayBeAdmin: boolean): Grants => {
    const teamPolicy = new Map<string, number>();
    const membership = new Map<string, number>();
    const policyTeam = pick(random, [...teamNames.map((n) => [n, 1] as const), [null, 3] as const]);
    if (policyTeam !== null) teamPolicy.set(policyTeam, 1 + Math.floor(random() * 3));
    const memberTeam = pick(random, [...teamNames.map((n) => [n, 1] as const), [null, 3] as const]);
    if (memberTeam !== null) membership.set(memberTeam, 1 + Math.floor(random() * 4));
    return {
      accountAdmin: mayBeAdmin && random() < 0.1,
      identity: pick(random, [
        [0, 4],
        [1, 2],
        [2, 3],
        [3, 1.5],
      ]),
      everyInstance: pick(random, [
        [0, 8],
        [1, 1],
        [2, 0.5],
        [3, 0.5],
      ]),
      instance: pick(random, [
        [0, 4.5],
        [1, 2],
        [2, 2],
        [3, 1.5],
      ]),
      teamPolicy,
      membership,
    };
  };

  const grantPolicies = async (iamId: string, g: Grants): Promise<void> => {
    const monitor = { name: 'serviceName', value: 'sysdig-monitor' };
    const onInstance = { name: 'serviceInstance', value: instance.guid };
    const identityRole = IDENTITY_ROLES[g.identity];
    if (identityRole) {
      await insertPolicy(app, iamId, identityRole, [{ name: 'serviceName', value: 'iam-identity' }], accountId);
    }
    const every = SERVICE_ROLES[g.everyInstance];
    if (every) await insertPolicy(app, iamId, every, [monitor], accountId);
    const own = SERVICE_ROLES[g.instance];
    if (own) await insertPolicy(app, iamId, own, [monitor, onInstance], accountId);
    for (const [teamName, rank] of g.teamPolicy) {
      const team = teams.find((t) => t.name === teamName)!;
      const role = SERVICE_ROLES[rank] as RoleName;
      await insertPolicy(
        app,
        iamId,
        role,
        [monitor, onInstance, { name: 'sysdigTeam', value: String(team.id) }],
        accountId,
      );
    }
  };

  const people: Identity[] = [];
  const adminGrants: Grants = {
    accountAdmin: true,
    identity: 0,
    everyInstance: 0,
    instance: 0,
    teamPolicy: new Map(),
    membership: new Map(),
  };
  people.push({
    label: 'account administrator',
    kind: 'user',
    iamId: owner.iamId,
    grants: adminGrants,
    username: owner.email,
    token: await owner.token(),
  });
  for (let i = 0; i < 5; i++) {
    const grants = randomGrants(true);
    const user = await app.createUser({ accountId, admin: grants.accountAdmin, name: `User ${i}` });
    await grantPolicies(user.iamId, grants);
    people.push({
      label: `user ${i}`,
      kind: 'user',
      iamId: user.iamId,
      grants,
      username: user.email,
      token: await user.token(),
    });
  }
  for (let i = 0; i < 4; i++) {
    const grants = randomGrants(false);
    const sid = await createServiceId(app, accountId, `robot-${i}`);
    await grantPolicies(sid.iamId, grants);
    const token = await app.tokenFor(sid.iamId);
    people.push({ label: `service ID ${i}`, kind: 'serviceid', iamId: sid.iamId, grants, username: sid.name, token });
  }

  // Everyone gets a Monitor user (as a first request would make it), and the memberships they were dealt.
  const admin = people[0]!;
  const adminHeaders = iamHeaders(admin.token!, instance.guid, operations.id);
  for (const person of people) {
    const row =
      person.kind === 'user'
        ? await provisionUser(app, { iamId: person.iamId, email: person.username, name: person.label }, instance)
        : await app.monitor.provisioner.provision(
            { kind: 'serviceid', iamId: person.iamId, email: null, name: person.username },
            instance,
            false,
          );
    person.username = row.username;
    for (const [teamName, rank] of person.grants.membership) {
      await insertMembership(app, teams.find((t) => t.name === teamName)!.id, row.id, TEAM_ROLES[rank]!);
    }
  }
  // Two people invited by email, with memberships only: pending IAM users, targets of token reads.
  for (let i = 0; i < 2; i++) {
    const email = `invitee-${seed}-${i}@example.test`;
    const res = await app.http.inject({
      method: 'POST',
      url: '/api/users',
      headers: adminHeaders,
      payload: { username: email },
    });
    assert.equal(res.statusCode, 201, res.body);
    const id = (res.json() as { user: { id: number } }).user.id;
    const teamName = teamNames[Math.floor(random() * teamNames.length)]!;
    const rank = 1 + Math.floor(random() * 4);
    await insertMembership(app, teams.find((t) => t.name === teamName)!.id, id, TEAM_ROLES[rank]!);
    const iamUser = await app.iam.ctx.repositories.users.findByEmail(email);
    const grants: Grants = { ...adminGrants, accountAdmin: false, membership: new Map([[teamName, rank]]) };
    people.push({
      label: `invitee ${i}`,
      kind: 'invitee',
      iamId: iamUser!.iam_id,
      grants,
      username: email,
      token: null,
    });
  }
  return { seed, accountId, instance, teams, people };
}

function describeGrants(g: Grants): string {
  const parts = [
    g.accountAdmin ? 'account admin' : null,
    g.identity ? `${IDENTITY_ROLES[g.identity]} on iam-identity` : null,
    g.everyInstance ? `${SERVICE_ROLES[g.everyInstance] as ServiceRole} on every instance` : null,
    g.instance ? `${SERVICE_ROLES[g.instance] as ServiceRole} on the instance` : null,
    ...[...g.teamPolicy].map(([t, r]) => `${SERVICE_ROLES[r] as ServiceRole} on team ${t}`),
    ...[...g.membership].map(([t, r]) => `member of ${t} as ${TEAM_ROLES[r] as TeamRole}`),
  ].filter((p) => p !== null);
  return parts.length > 0 ? parts.join(', ') : 'nothing';
}

// --- the operations ------------------------------------------------------------------------------------------------

function expectStatus(res: LightMyRequestResponse, expected: number, what: string): void {
  assert.equal(res.statusCode, expected, `${what}\n  → ${res.statusCode} ${res.body}`);
}

const SEEDS = process.env['VIGIL_RIGHTS_SEED'] ? [Number(process.env['VIGIL_RIGHTS_SEED'])] : [20261206, 12];

describeEachDatabase('Credential rights: rights(target) ⊆ rights(actor), for a generated population', (t) => {
  for (const seed of SEEDS) {
    it(`seed ${seed}: API keys, Monitor API tokens (read, reset) and invitations`, async () => {
      const app = t.app();
      const p = await populate(app, seed);
      const teamNames = p.teams.map((team) => team.name);
      const actors = p.people.filter((person) => person.token !== null);
      let checked = 0;
      let allowed = 0;
      const tell = (op: string, actor: Identity, target: Identity) =>
        `seed ${seed}: ${op}\n  actor  ${actor.label}: ${describeGrants(actor.grants)}\n  target ${target.label}: ` +
        describeGrants(target.grants);

      for (const actor of actors) {
        const headers = bearer(actor.token!);
        for (const target of p.people) {
          // Create an API key for a user: that user only. For a service ID: serviceIdManage and every right it holds.
          if (target.kind !== 'invitee') {
            const res = await app.http.inject({
              method: 'POST',
              url: '/v1/apikeys',
              headers,
              payload: { name: 'generated', iam_id: target.iamId },
            });
            const may =
              target.kind === 'user'
                ? actor.iamId === target.iamId
                : (actor.grants.accountAdmin || actor.grants.identity >= 2) &&
                  covers(actor.grants, target.grants, 'account', teamNames);
            expectStatus(res, may ? 201 : 403, tell(`create an API key for ${target.label}`, actor, target));
            checked++;
            if (may) allowed++;
          }

          // Read, then reset, the target's Monitor API token in each team, acting in that team.
          for (const team of p.teams) {
            const inTeam = iamHeaders(actor.token!, p.instance.guid, team.id);
            const url = `/api/token/${encodeURIComponent(target.username)}/${team.id}`;
            const self = actor.iamId === target.iamId;
            const actorRank = teamRank(actor.grants, team.name);
            let expected: number;
            if (actorRank === 0) expected = 403;
            else if (!(isInstanceAdmin(actor.grants) || actorRank === 4 || self)) expected = 403;
            else if (teamRank(target.grants, team.name) === 0) expected = 404;
            else expected = self || covers(actor.grants, target.grants, 'instance', teamNames) ? 200 : 403;
            const read = await app.http.inject({ method: 'GET', url, headers: inTeam });
            expectStatus(
              read,
              expected,
              tell(`read the Monitor API token of ${target.label} in ${team.name}`, actor, target),
            );
            // Resetting is an administration right, one's own token included (a plain member reads theirs only).
            const mayReset = expected !== 200 || isInstanceAdmin(actor.grants) || actorRank === 4;
            const reset = await app.http.inject({ method: 'POST', url: `${url}/reset`, headers: inTeam });
            expectStatus(
              reset,
              mayReset ? expected : 403,
              tell(`reset the Monitor API token of ${target.label} in ${team.name}`, actor, target),
            );
            if (expected === 200 && mayReset) {
              const before = (read.json() as { token: { key: string } }).token.key;
              const after = (reset.json() as { token: { key: string } }).token.key;
              assert.notEqual(after, before);
              const used = await app.http.inject({ method: 'GET', url: '/api/user/me', headers: bearer(after) });
              expectStatus(used, 200, tell(`use the new token of ${target.label}`, actor, target));
              assert.equal((used.json() as { user: { username: string } }).user.username, target.username);
              allowed++;
            }
            checked += 2;
          }
        }

        // Invite: instance administrators only; the invitation names a new pending IAM user, never anyone else.
        const email = `new-${seed}-${actors.indexOf(actor)}@example.test`;
        const invite = await app.http.inject({
          method: 'POST',
          url: '/api/users',
          headers: iamHeaders(actor.token!, p.instance.guid),
          payload: { username: email },
        });
        const mayInvite = isInstanceAdmin(actor.grants);
        expectStatus(invite, mayInvite ? 201 : 403, tell(`invite ${email}`, actor, actor));
        checked++;
        if (mayInvite) {
          const row = await app.database.db
            .selectFrom('monitor_users')
            .select('iam_id')
            .where('instance_guid', '=', p.instance.guid)
            .where('username', '=', email)
            .executeTakeFirstOrThrow();
          const invited = await app.iam.ctx.repositories.users.findByEmail(email);
          assert.deepEqual(
            [row.iam_id, invited?.state, invited?.account_id],
            [invited?.iam_id, 'PENDING', p.accountId],
          );
          allowed++;
        } else {
          // Refused: nothing was created, in monitoring or in IAM.
          const rows = await app.database.db
            .selectFrom('monitor_users')
            .select('id')
            .where('username', '=', email)
            .execute();
          assert.deepEqual(rows, []);
          assert.equal(await app.iam.ctx.repositories.users.findByEmail(email), undefined);
        }
      }
      // The population exercised both answers of every operation.
      assert.ok(allowed > 20 && checked - allowed > 20, `seed ${seed}: ${allowed} of ${checked} allowed`);
    });
  }
});
