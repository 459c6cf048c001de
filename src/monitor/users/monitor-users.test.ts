import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import type { Change } from '../../platform/change-feed.js';
import { ManualClock } from '../../platform/clock.js';
import type { MonitorInstanceRow, MonitorTeamRow } from '../../platform/db/schema.js';
import { createServiceId } from '../../testing/identity-fixtures.js';
import {
  grantMonitorRole,
  iamHeaders,
  insertInstance,
  insertMembership,
  insertTeam,
  revokePolicy,
} from '../../testing/monitor-fixtures.js';
import { bearer, describeEachDatabase, type TestApp, type TestUser } from '../../testing/test-app.js';

const clock = new ManualClock(Date.UTC(2026, 4, 2, 10, 45, 12, 345));
const NOW = clock.now();
const MAX_AGENTS = 2_147_483_647;
const MONITOR_TOKEN = /^vigil_mt_[0-9A-Za-z]{36}$/;

type Json = Record<string, unknown>;
type Headers = Record<string, string>;

/** Sysdig's error body, asserted whole. */
function assertSysdigError(res: LightMyRequestResponse, status: number, message: string, reason: string): void {
  assert.equal(res.statusCode, status, res.body);
  assert.deepEqual(res.json(), { errors: [{ reason, message }] });
}
const unauthorized = (res: LightMyRequestResponse) => assertSysdigError(res, 401, 'Bad credentials', 'Unauthorized');
const forbidden = (res: LightMyRequestResponse, what: string) =>
  assertSysdigError(
    res,
    403,
    `Only administrators of this monitoring instance can ${what}`,
    'Not enough privileges to complete the action',
  );
const userNotFound = (res: LightMyRequestResponse) => assertSysdigError(res, 404, 'User not found', 'Not Found');
const ROLES_FROM_IAM =
  'System roles come from IAM policies: grant Manager on sysdig-monitor for this instance to make someone an administrator';

/** The `customer` of an instance: Sysdig's integer id (the GUID's first 31 bits), its name and the GUID. */
function customerOf(instance: MonitorInstanceRow): Json {
  return {
    id: Number.parseInt(instance.guid.replace(/-/g, '').slice(0, 8), 16) & 0x7fffffff,
    name: instance.name,
    externalId: instance.guid,
  };
}

/** A person with an IAM identity and the headers of their IAM token on the world's instance. */
interface Person {
  readonly user: TestUser;
  readonly headers: Headers;
  /** The Monitor user id, known after {@link signIn}. */
  id: number;
}

/**
 * One instance with Monitor Operations and teams A and B, and its people: the account administrator, an instance
 * Manager (policy), a Writer on the instance, a Reader on team A only, a Reader on team B only and a user without access.
 */
interface World {
  readonly instance: MonitorInstanceRow;
  readonly operations: MonitorTeamRow;
  readonly teamA: MonitorTeamRow;
  readonly teamB: MonitorTeamRow;
  readonly admin: Person;
  readonly manager: Person;
  readonly writer: Person;
  readonly reader: Person;
  readonly readerB: Person;
  readonly outsider: Person;
}

async function person(user: TestUser, instance: MonitorInstanceRow): Promise<Person> {
  return { user, headers: iamHeaders(await user.token(), instance.guid), id: 0 };
}

async function world(app: TestApp): Promise<World> {
  const { instance, operations } = await insertInstance(app);
  const teamA = await insertTeam(app, instance.guid, 'Team A', { filter: 'kubernetes.namespace.name = "a"' });
  const teamB = await insertTeam(app, instance.guid, 'Team B');
  const make = (name: string) => app.createUser({ name });
  const [managerUser, writerUser, readerUser, readerBUser, outsiderUser] = await Promise.all([
    make('Mona Manager'),
    make('Walt Writer'),
    make('Rita Reader'),
    make('Bert Reader'),
    make('Otto Outsider'),
  ]);
  await grantMonitorRole(app, managerUser.iamId, 'Manager', { instanceGuid: instance.guid });
  await grantMonitorRole(app, writerUser.iamId, 'Writer', { instanceGuid: instance.guid });
  await grantMonitorRole(app, readerUser.iamId, 'Reader', { instanceGuid: instance.guid, teamId: teamA.id });
  await grantMonitorRole(app, readerBUser.iamId, 'Reader', { instanceGuid: instance.guid, teamId: teamB.id });
  const w: World = {
    instance,
    operations,
    teamA,
    teamB,
    admin: await person(app.admin, instance),
    manager: await person(managerUser, instance),
    writer: await person(writerUser, instance),
    reader: await person(readerUser, instance),
    readerB: await person(readerBUser, instance),
    outsider: await person(outsiderUser, instance),
  };
  for (const p of [w.admin, w.manager, w.writer, w.reader, w.readerB]) await signIn(app, p);
  return w;
}

/** The identity's first request provisions its Monitor user; returns its id. */
async function signIn(app: TestApp, p: Person): Promise<number> {
  const res = await app.http.inject({ method: 'GET', url: '/api/user/me', headers: p.headers });
  assert.equal(res.statusCode, 200, res.body);
  p.id = (res.json() as { user: { id: number } }).user.id;
  return p.id;
}

async function send(
  app: TestApp,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  headers: Headers,
  payload?: Json,
): Promise<LightMyRequestResponse> {
  return app.http.inject({ method, url, headers, ...(payload !== undefined ? { payload } : {}) });
}

/** A user as `GET /api/users` lists it (created and provisioned at NOW, never edited). */
function listed(p: Person, fields: Json = {}): Json {
  const [firstName, ...rest] = p.user.name.split(' ');
  return {
    id: p.id,
    username: p.user.email,
    name: p.user.name,
    firstName,
    lastName: rest.join(' '),
    systemRole: 'ROLE_USER',
    roles: ['ROLE_USER'],
    enabled: true,
    version: 1,
    currentTeam: null,
    dateCreated: NOW,
    lastUpdated: NOW,
    ...fields,
  };
}

async function monitorUser(app: TestApp, id: number) {
  return app.database.db.selectFrom('monitor_users').selectAll().where('id', '=', id).executeTakeFirst();
}

async function auditOf(app: TestApp, id: number) {
  const rows = await app.database.db
    .selectFrom('audit_events')
    .selectAll()
    .where('target_type', '=', 'monitor_user')
    .where('target_id', '=', String(id))
    .orderBy('seq', 'asc')
    .execute();
  return rows.map((r) => ({
    action: r.action,
    outcome: r.outcome,
    actor: r.actor_iam_id,
    account: r.account_id,
    details: JSON.parse(r.details) as unknown,
  }));
}

async function feedDuring(app: TestApp, body: () => Promise<void>): Promise<Change[]> {
  const seen: Change[] = [];
  const stop = app.feed.subscribe((change) => seen.push(change));
  try {
    await body();
  } finally {
    stop();
  }
  // On PostgreSQL the publisher hears its own change twice: at once, and again through NOTIFY.
  const distinct = new Map(seen.map((c) => [`${c.topic}|${c.key}`, c]));
  return [...distinct.values()].filter((c) => c.topic.startsWith('monitor-'));
}

/** The caller's Monitor API token in its current team (created on first read). */
async function monitorTokenOf(app: TestApp, headers: Headers): Promise<string> {
  const res = await send(app, 'GET', '/api/token', headers);
  assert.equal(res.statusCode, 200, res.body);
  const key = (res.json() as { token: { key: string } }).token.key;
  assert.match(key, MONITOR_TOKEN);
  return key;
}

/** The sdcclient edit_user body for a user as GET /api/users lists it. */
function editBody(user: Json, changes: Json = {}): Json {
  return {
    systemRole: user['systemRole'],
    username: user['username'],
    enabled: user['enabled'],
    version: user['version'],
    firstName: user['firstName'],
    lastName: user['lastName'],
    ...changes,
  };
}

async function listedById(app: TestApp, w: World, id: number): Promise<Json> {
  const res = await send(app, 'GET', '/api/users', w.admin.headers);
  const user = (res.json() as { users: Json[] }).users.find((u) => u['id'] === id);
  assert.ok(user, `user ${id} listed`);
  return user;
}

describeEachDatabase(
  'Monitor users',
  (t) => {
    describe('GET /api/user/me and /api/users/me', () => {
      it('answers the account administrator’s Monitor user, provisioned on the first request', async () => {
        const app = t.app();
        const w = await world(app);
        for (const url of ['/api/user/me', '/api/users/me', '/api/user/me/', '/api/users/me/']) {
          const res = await send(app, 'GET', url, w.admin.headers);
          assert.equal(res.statusCode, 200, res.body);
          assert.deepEqual(res.json(), {
            user: {
              ...listed(w.admin, { systemRole: 'ROLE_CUSTOMER', roles: ['ROLE_CUSTOMER'] }),
              currentTeam: w.operations.id,
              customer: customerOf(w.instance),
              customerSettings: { plan: { maxAgents: MAX_AGENTS } },
              teamRoles: [w.operations, w.teamA, w.teamB].map((team) => ({
                teamId: team.id,
                teamName: team.name,
                role: 'ROLE_TEAM_MANAGER',
              })),
            },
          });
        }
        const row = await monitorUser(app, w.admin.id);
        assert.equal(row?.iam_id, app.admin.iamId);
        assert.equal(row?.instance_guid, w.instance.guid);
        assert.equal(row?.system_role, 'ROLE_CUSTOMER');
      });

      it('gives a Reader of team A that team as current team and only that role', async () => {
        const app = t.app();
        const w = await world(app);
        const res = await send(app, 'GET', '/api/user/me', w.reader.headers);
        assert.equal(res.statusCode, 200, res.body);
        assert.deepEqual(res.json(), {
          user: {
            ...listed(w.reader),
            currentTeam: w.teamA.id,
            customer: customerOf(w.instance),
            customerSettings: { plan: { maxAgents: MAX_AGENTS } },
            teamRoles: [{ teamId: w.teamA.id, teamName: 'Team A', role: 'ROLE_TEAM_READ' }],
          },
        });
      });

      it('reports the team named by SysdigTeamID as currentTeam, and the Monitor token’s team with a Monitor token', async () => {
        const app = t.app();
        const w = await world(app);
        const inA = iamHeaders(await w.writer.user.token(), w.instance.guid, w.teamA.id);
        const res = await send(app, 'GET', '/api/user/me', inA);
        assert.equal(res.statusCode, 200, res.body);
        const body = res.json() as { user: Json };
        assert.equal(body.user['currentTeam'], w.teamA.id);
        assert.deepEqual(body.user['teamRoles'], [
          { teamId: w.operations.id, teamName: 'Monitor Operations', role: 'ROLE_TEAM_EDIT' },
          { teamId: w.teamA.id, teamName: 'Team A', role: 'ROLE_TEAM_EDIT' },
          { teamId: w.teamB.id, teamName: 'Team B', role: 'ROLE_TEAM_EDIT' },
        ]);

        const token = await monitorTokenOf(app, inA);
        const viaToken = await send(app, 'GET', '/api/user/me', bearer(token));
        assert.equal(viaToken.statusCode, 200, viaToken.body);
        assert.deepEqual(viaToken.json(), body);
      });

      it('shows a team membership set through the Sysdig API next to policy roles', async () => {
        const app = t.app();
        const w = await world(app);
        await insertMembership(app, w.teamB.id, w.reader.id, 'ROLE_TEAM_STANDARD');
        const res = await send(app, 'GET', '/api/user/me', w.reader.headers);
        assert.deepEqual((res.json() as { user: Json }).user['teamRoles'], [
          { teamId: w.teamA.id, teamName: 'Team A', role: 'ROLE_TEAM_READ' },
          { teamId: w.teamB.id, teamName: 'Team B', role: 'ROLE_TEAM_STANDARD' },
        ]);
      });

      it('answers a service ID with Writer, its name as username', async () => {
        const app = t.app();
        const w = await world(app);
        const sid = await createServiceId(app, app.accountId, 'ci-robot');
        await grantMonitorRole(app, sid.iamId, 'Writer', { instanceGuid: w.instance.guid, teamId: w.teamB.id });
        const res = await send(app, 'GET', '/api/user/me', iamHeaders(await app.tokenFor(sid.iamId), w.instance.guid));
        assert.equal(res.statusCode, 200, res.body);
        const user = (res.json() as { user: Json & { id: number } }).user;
        assert.deepEqual(user, {
          id: user.id,
          username: 'ci-robot',
          name: 'ci-robot',
          firstName: 'ci-robot',
          lastName: '',
          systemRole: 'ROLE_USER',
          roles: ['ROLE_USER'],
          enabled: true,
          version: 1,
          currentTeam: w.teamB.id,
          dateCreated: NOW,
          lastUpdated: NOW,
          customer: customerOf(w.instance),
          customerSettings: { plan: { maxAgents: MAX_AGENTS } },
          teamRoles: [{ teamId: w.teamB.id, teamName: 'Team B', role: 'ROLE_TEAM_EDIT' }],
        });
      });

      it('follows a change at once: a new name, a revoked policy', async () => {
        const app = t.app();
        const w = await world(app);
        const before = await send(app, 'GET', '/api/user/me', w.reader.headers);
        assert.equal((before.json() as { user: Json }).user['firstName'], 'Rita');
        const listedReader = await listedById(app, w, w.reader.id);
        const put = await send(
          app,
          'PUT',
          `/api/users/${w.reader.id}`,
          w.admin.headers,
          editBody(listedReader, { firstName: 'Rebecca' }),
        );
        assert.equal(put.statusCode, 200, put.body);
        const after = await send(app, 'GET', '/api/user/me', w.reader.headers);
        assert.equal((after.json() as { user: Json }).user['firstName'], 'Rebecca');
        assert.equal((after.json() as { user: Json }).user['version'], 2);

        const policy = await grantMonitorRole(app, w.reader.user.iamId, 'Reader', {
          instanceGuid: w.instance.guid,
          teamId: w.teamB.id,
        });
        const withB = await send(app, 'GET', '/api/user/me', w.reader.headers);
        assert.equal(((withB.json() as { user: Json }).user['teamRoles'] as unknown[]).length, 2);
        await revokePolicy(app, policy, w.reader.user.iamId);
        const withoutB = await send(app, 'GET', '/api/user/me', w.reader.headers);
        assert.deepEqual((withoutB.json() as { user: Json }).user['teamRoles'], [
          { teamId: w.teamA.id, teamName: 'Team A', role: 'ROLE_TEAM_READ' },
        ]);
      });

      it('refuses a missing, garbage or unknown credential with 401 and the same body', async () => {
        const app = t.app();
        const w = await world(app);
        const cases: Headers[] = [
          {},
          { authorization: '' },
          { authorization: 'Bearer ' },
          { authorization: 'Bearer garbage' },
          { authorization: 'Basic dXNlcjpwYXNz' },
          { authorization: `Bearer vigil_mt_${'A'.repeat(36)}`, ibminstanceid: w.instance.guid },
          { ...w.admin.headers, authorization: `${w.admin.headers['authorization']}x` },
        ];
        for (const headers of cases) unauthorized(await send(app, 'GET', '/api/user/me', headers));
      });

      it('needs IBMInstanceID with an IAM token (400) and hides another account’s instance (404)', async () => {
        const app = t.app();
        const w = await world(app);
        assertSysdigError(
          await send(app, 'GET', '/api/user/me', bearer(await app.admin.token())),
          400,
          'An IAM token needs the IBMInstanceID header naming the monitoring instance',
          'Bad Request',
        );
        const other = await app.createAccount();
        const { instance: foreign } = await insertInstance(app, { accountId: other.accountId });
        assertSysdigError(
          await send(app, 'GET', '/api/user/me', iamHeaders(await app.admin.token(), foreign.guid)),
          404,
          'Monitoring instance not found',
          'Not Found',
        );
        assertSysdigError(
          await send(app, 'GET', '/api/user/me', iamHeaders(await other.token(), w.instance.guid)),
          404,
          'Monitoring instance not found',
          'Not Found',
        );
      });

      it('answers 403 to an identity without access to the instance, and provisions nobody for a refusal', async () => {
        const app = t.app();
        const w = await world(app);
        assertSysdigError(
          await send(app, 'GET', '/api/user/me', w.outsider.headers),
          403,
          'You have no access to any team of this monitoring instance',
          'Not enough privileges to complete the action',
        );
        assertSysdigError(
          await send(app, 'GET', '/api/user/me', iamHeaders(await w.reader.user.token(), w.instance.guid, w.teamB.id)),
          403,
          'You are not a member of this team',
          'Not enough privileges to complete the action',
        );
      });
    });

    describe('GET /api/users', () => {
      it('lists every user of the instance for an administrator, system roles derived from IAM', async () => {
        const app = t.app();
        const w = await world(app);
        const invited = await send(app, 'POST', '/api/users', w.admin.headers, { username: 'new@example.test' });
        assert.equal(invited.statusCode, 201, invited.body);
        const invitedId = (invited.json() as { user: { id: number } }).user.id;
        // Another instance's users are not listed.
        const { instance: elsewhere } = await insertInstance(app);
        await send(app, 'GET', '/api/user/me', iamHeaders(await w.writer.user.token(), elsewhere.guid));

        for (const caller of [w.admin, w.manager]) {
          const res = await send(app, 'GET', '/api/users', caller.headers);
          assert.equal(res.statusCode, 200, res.body);
          assert.deepEqual(res.json(), {
            users: [
              listed(w.admin, {
                systemRole: 'ROLE_CUSTOMER',
                roles: ['ROLE_CUSTOMER'],
                currentTeam: w.operations.id,
              }),
              listed(w.manager, {
                systemRole: 'ROLE_CUSTOMER',
                roles: ['ROLE_CUSTOMER'],
                currentTeam: w.operations.id,
              }),
              listed(w.writer, { currentTeam: w.operations.id }),
              listed(w.reader, { currentTeam: w.teamA.id }),
              listed(w.readerB, { currentTeam: w.teamB.id }),
              {
                id: invitedId,
                username: 'new@example.test',
                name: 'new@example.test',
                firstName: '',
                lastName: '',
                systemRole: 'ROLE_USER',
                roles: ['ROLE_USER'],
                enabled: true,
                version: 1,
                currentTeam: null,
                dateCreated: NOW,
                lastUpdated: NOW,
              },
            ],
          });
        }
      });

      it('shows an administrator’s role as soon as the Manager policy is revoked', async () => {
        const app = t.app();
        const w = await world(app);
        const policy = await grantMonitorRole(app, w.writer.user.iamId, 'Manager', { instanceGuid: w.instance.guid });
        let writer = await listedById(app, w, w.writer.id);
        assert.equal(writer['systemRole'], 'ROLE_CUSTOMER');
        await revokePolicy(app, policy, w.writer.user.iamId);
        writer = await listedById(app, w, w.writer.id);
        assert.equal(writer['systemRole'], 'ROLE_USER');
      });

      it('lists only the users of the caller’s teams for everyone else', async () => {
        const app = t.app();
        const w = await world(app);
        const invited = await send(app, 'POST', '/api/users', w.admin.headers, { username: 'member@example.test' });
        const invitedId = (invited.json() as { user: { id: number } }).user.id;
        await insertMembership(app, w.teamA.id, invitedId, 'ROLE_TEAM_READ');
        const admins = [
          listed(w.admin, { systemRole: 'ROLE_CUSTOMER', roles: ['ROLE_CUSTOMER'], currentTeam: w.operations.id }),
          listed(w.manager, { systemRole: 'ROLE_CUSTOMER', roles: ['ROLE_CUSTOMER'], currentTeam: w.operations.id }),
        ];
        // Team A: the administrators (a role in every team), the Writer on the instance, the Reader, the invitee.
        const inA = await send(app, 'GET', '/api/users', w.reader.headers);
        assert.equal(inA.statusCode, 200, inA.body);
        const names = (res: LightMyRequestResponse) => (res.json() as { users: Json[] }).users.map((u) => u['id']);
        assert.deepEqual(names(inA), [w.admin.id, w.manager.id, w.writer.id, w.reader.id, invitedId]);
        assert.deepEqual((inA.json() as { users: Json[] }).users.slice(0, 4), [
          ...admins,
          listed(w.writer, { currentTeam: w.operations.id }),
          listed(w.reader, { currentTeam: w.teamA.id }),
        ]);
        // Team B, seen by its Reader: no Reader of team A, no invitee.
        const inB = await send(app, 'GET', '/api/users', w.readerB.headers);
        assert.deepEqual(names(inB), [w.admin.id, w.manager.id, w.writer.id, w.readerB.id]);
        // A membership in team B adds team B's users, whichever team the request acts in.
        await insertMembership(app, w.teamB.id, w.reader.id, 'ROLE_TEAM_MANAGER');
        const both = await send(app, 'GET', '/api/users', w.reader.headers);
        assert.deepEqual(names(both), [w.admin.id, w.manager.id, w.writer.id, w.reader.id, w.readerB.id, invitedId]);
      });

      it('refuses without a valid credential', async () => {
        const app = t.app();
        await world(app);
        unauthorized(await send(app, 'GET', '/api/users', {}));
        unauthorized(await send(app, 'GET', '/api/users', { authorization: 'Bearer nope' }));
      });
    });

    describe('GET /api/users/light', () => {
      it('lists id, username and name of the same users', async () => {
        const app = t.app();
        const w = await world(app);
        const res = await send(app, 'GET', '/api/users/light', w.admin.headers);
        assert.equal(res.statusCode, 200, res.body);
        assert.deepEqual(res.json(), {
          users: [w.admin, w.manager, w.writer, w.reader, w.readerB].map((p) => ({
            id: p.id,
            username: p.user.email,
            name: p.user.name,
          })),
        });
        const forB = await send(app, 'GET', '/api/users/light/', w.readerB.headers);
        assert.deepEqual(
          (forB.json() as { users: { id: number }[] }).users.map((u) => u.id),
          [w.admin.id, w.manager.id, w.writer.id, w.readerB.id],
        );
        unauthorized(await send(app, 'GET', '/api/users/light', {}));
      });
    });

    describe('GET /api/users/{id|email}', () => {
      it('answers a user by id and by URL-encoded email, with its team roles', async () => {
        const app = t.app();
        const w = await world(app);
        const expected = {
          user: {
            ...listed(w.writer, { currentTeam: w.operations.id }),
            customer: customerOf(w.instance),
            customerSettings: { plan: { maxAgents: MAX_AGENTS } },
            teamRoles: [w.operations, w.teamA, w.teamB].map((team) => ({
              teamId: team.id,
              teamName: team.name,
              role: 'ROLE_TEAM_EDIT',
            })),
          },
        };
        for (const ref of [String(w.writer.id), w.writer.user.email, encodeURIComponent(w.writer.user.email)]) {
          const res = await send(app, 'GET', `/api/users/${ref}`, w.admin.headers);
          assert.equal(res.statusCode, 200, res.body);
          assert.deepEqual(res.json(), expected);
        }
        const upper = await send(app, 'GET', `/api/users/${w.writer.user.email.toUpperCase()}`, w.admin.headers);
        assert.deepEqual(upper.json(), expected);
      });

      it('answers an invitation with its stored memberships', async () => {
        const app = t.app();
        const w = await world(app);
        const invited = await send(app, 'POST', '/api/users', w.admin.headers, { username: 'inv@example.test' });
        const id = (invited.json() as { user: { id: number } }).user.id;
        await insertMembership(app, w.teamB.id, id, 'ROLE_TEAM_EDIT');
        const res = await send(app, 'GET', `/api/users/${id}`, w.manager.headers);
        assert.equal(res.statusCode, 200, res.body);
        assert.deepEqual((res.json() as { user: Json }).user['teamRoles'], [
          { teamId: w.teamB.id, teamName: 'Team B', role: 'ROLE_TEAM_EDIT' },
        ]);
      });

      it('lets everyone read themselves and their team, and hides other users (404)', async () => {
        const app = t.app();
        const w = await world(app);
        const self = await send(app, 'GET', `/api/users/${w.reader.id}`, w.reader.headers);
        assert.equal(self.statusCode, 200, self.body);
        assert.deepEqual(self.json(), (await send(app, 'GET', '/api/user/me', w.reader.headers)).json());
        const teammate = await send(app, 'GET', `/api/users/${w.writer.id}`, w.reader.headers);
        assert.equal(teammate.statusCode, 200, teammate.body);
        // Only the roles in teams the caller sees: the Writer's roles in Monitor Operations and team B are left out.
        assert.deepEqual(teammate.json(), {
          user: {
            ...listed(w.writer, { currentTeam: w.operations.id }),
            customer: customerOf(w.instance),
            customerSettings: { plan: { maxAgents: MAX_AGENTS } },
            teamRoles: [{ teamId: w.teamA.id, teamName: 'Team A', role: 'ROLE_TEAM_EDIT' }],
          },
        });
        userNotFound(await send(app, 'GET', `/api/users/${w.readerB.id}`, w.reader.headers));
        userNotFound(await send(app, 'GET', `/api/users/${w.readerB.user.email}`, w.reader.headers));
      });

      it('answers 404 for an unknown id or email, another instance’s user and an id beyond the integer range', async () => {
        const app = t.app();
        const w = await world(app);
        const { instance: elsewhere } = await insertInstance(app);
        const there = await send(app, 'GET', '/api/user/me', iamHeaders(await app.admin.token(), elsewhere.guid));
        const foreignId = (there.json() as { user: { id: number } }).user.id;
        for (const ref of [String(foreignId), '999999', '99999999999', 'nobody@example.test', 'x%20y']) {
          userNotFound(await send(app, 'GET', `/api/users/${ref}`, w.admin.headers));
        }
        unauthorized(await send(app, 'GET', `/api/users/${w.admin.id}`, {}));
      });
    });

    describe('POST /api/users', () => {
      it('invites a user by email (201): a pending IAM user from then on, whose token acts in its team, completed later', async () => {
        const app = t.app();
        const w = await world(app);
        const res = await send(app, 'POST', '/api/users', w.manager.headers, {
          username: ' Nina@Example.TEST ',
          firstName: 'Nina',
          lastName: 'New',
          systemRole: 'ROLE_USER',
        });
        assert.equal(res.statusCode, 201, res.body);
        const body = res.json() as { user: Json & { id: number } };
        const id = body.user.id;
        assert.deepEqual(body, {
          user: {
            id,
            username: 'nina@example.test',
            name: 'Nina New',
            firstName: 'Nina',
            lastName: 'New',
            systemRole: 'ROLE_USER',
            roles: ['ROLE_USER'],
            enabled: true,
            version: 1,
            currentTeam: null,
            dateCreated: NOW,
            lastUpdated: NOW,
            customer: customerOf(w.instance),
            customerSettings: { plan: { maxAgents: MAX_AGENTS } },
            teamRoles: [],
          },
        });
        // The invitation names one IAM user from now on: a pending one, without password, in the instance's account.
        const row = await monitorUser(app, id);
        const iamUser = await app.iam.ctx.repositories.users.findByEmail('nina@example.test');
        assert.ok(iamUser);
        assert.equal(row?.iam_id, iamUser.iam_id);
        assert.equal(row?.instance_guid, w.instance.guid);
        assert.deepEqual(
          { account: iamUser.account_id, state: iamUser.state, name: iamUser.name, admin: iamUser.is_admin },
          { account: app.accountId, state: 'PENDING', name: 'Nina New', admin: 0 },
        );
        assert.deepEqual(await auditOf(app, id), [
          {
            action: 'monitor.user.invite',
            outcome: 'success',
            actor: w.manager.user.iamId,
            account: app.accountId,
            details: {
              instance: w.instance.guid,
              username: 'nina@example.test',
              iam_id: iamUser.iam_id,
              new_iam_user: true,
            },
          },
        ]);
        // Nobody can sign in as a pending user: the password grant refuses it like a wrong password.
        const grant = await app.http.inject({
          method: 'POST',
          url: '/identity/token',
          payload: 'grant_type=password&username=nina%40example.test&password=anything-at-all',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        });
        assert.equal(grant.statusCode, 400, grant.body);

        // Added to team B, the invitee's Monitor API token (sdcclient's get_user_api_token) acts as Nina there.
        await insertMembership(app, w.teamB.id, id, 'ROLE_TEAM_EDIT');
        const tokenRes = await send(app, 'GET', `/api/token/nina@example.test/${w.teamB.id}`, w.manager.headers);
        assert.equal(tokenRes.statusCode, 200, tokenRes.body);
        const key = (tokenRes.json() as { token: { key: string } }).token.key;
        const asNina = await send(app, 'GET', '/api/user/me', { authorization: `Bearer ${key}` });
        assert.equal(asNina.statusCode, 200, asNina.body);
        const seen = (asNina.json() as { user: Json }).user;
        assert.deepEqual(
          [seen['id'], seen['currentTeam'], seen['teamRoles']],
          [id, w.teamB.id, [{ teamId: w.teamB.id, teamName: 'Team B', role: 'ROLE_TEAM_EDIT' }]],
        );

        // An IAM administrator completes the user: same iam_id, so Nina signs in to her invitation and her token.
        const password = `pw-${Math.random().toString(36).slice(2)}x`;
        const created = await app.http.inject({
          method: 'POST',
          url: '/v1/users',
          headers: { authorization: `Bearer ${await app.admin.token()}` },
          payload: { email: 'nina@example.test', name: 'Nina IAM', password },
        });
        assert.equal(created.statusCode, 201, created.body);
        assert.deepEqual(
          [(created.json() as Json)['iam_id'], (created.json() as Json)['state']],
          [iamUser.iam_id, 'ACTIVE'],
        );
        const signIn = await app.http.inject({
          method: 'POST',
          url: '/identity/token',
          payload: `grant_type=password&username=nina%40example.test&password=${password}`,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        });
        assert.equal(signIn.statusCode, 200, signIn.body);
        const ninaToken = (signIn.json() as { access_token: string }).access_token;
        const me = await send(app, 'GET', '/api/user/me', iamHeaders(ninaToken, w.instance.guid));
        assert.equal(me.statusCode, 200, me.body);
        const user = (me.json() as { user: Json }).user;
        assert.deepEqual([user['id'], user['firstName'], user['currentTeam']], [id, 'Nina', w.teamB.id]);
        const still = await send(app, 'GET', '/api/user/me', { authorization: `Bearer ${key}` });
        assert.equal(still.statusCode, 200, still.body);
      });

      it('works without names and with the trailing slash', async () => {
        const app = t.app();
        const w = await world(app);
        const res = await send(app, 'POST', '/api/users/', w.admin.headers, { username: 'bare@example.test' });
        assert.equal(res.statusCode, 201, res.body);
        const user = (res.json() as { user: Json }).user;
        assert.equal(user['name'], 'bare@example.test');
        assert.equal(user['firstName'], '');
      });

      it('refuses a username that exists (409), even as another case', async () => {
        const app = t.app();
        const w = await world(app);
        for (const username of [w.writer.user.email, w.writer.user.email.toUpperCase()]) {
          assertSysdigError(
            await send(app, 'POST', '/api/users', w.admin.headers, { username }),
            409,
            `A user with the username ${w.writer.user.email} already exists`,
            'Conflict',
          );
        }
      });

      it('refuses an administrator role (400: it comes from IAM) and a username that is not an email', async () => {
        const app = t.app();
        const w = await world(app);
        for (const systemRole of ['ROLE_CUSTOMER', 'ROLE_ADMIN', 'nonsense']) {
          assertSysdigError(
            await send(app, 'POST', '/api/users', w.admin.headers, { username: 'boss@example.test', systemRole }),
            400,
            ROLES_FROM_IAM,
            'Bad Request: systemRole',
          );
        }
        assertSysdigError(
          await send(app, 'POST', '/api/users', w.admin.headers, { username: 'not-an-email' }),
          400,
          '"not-an-email" is not an email address',
          'Bad Request: username',
        );
        const rows = await app.database.db
          .selectFrom('monitor_users')
          .select('username')
          .where('username', 'in', ['boss@example.test', 'not-an-email'])
          .execute();
        assert.deepEqual(rows, []);
      });

      it('validates the body (400 in Sysdig’s shape)', async () => {
        const app = t.app();
        const w = await world(app);
        assertSysdigError(
          await send(app, 'POST', '/api/users', w.admin.headers, {}),
          400,
          "Invalid body: body must have required property 'username'",
          'Bad Request',
        );
        assertSysdigError(
          await send(app, 'POST', '/api/users', w.admin.headers, { username: 'a@b.c', firstName: { first: 'A' } }),
          400,
          'Invalid body: body/firstName must be string, body/firstName must be null, body/firstName must match a schema in anyOf',
          'Bad Request',
        );
        const notJson = await app.http.inject({
          method: 'POST',
          url: '/api/users',
          headers: { ...w.admin.headers, 'content-type': 'application/json' },
          payload: '{"username":',
        });
        assert.equal(notJson.statusCode, 400, notJson.body);
        assert.equal((notJson.json() as { errors: { reason: string }[] }).errors[0]?.reason, 'Bad Request');
      });

      it('is for administrators only (403), and needs a credential (401)', async () => {
        const app = t.app();
        const w = await world(app);
        for (const caller of [w.writer, w.reader]) {
          forbidden(
            await send(app, 'POST', '/api/users', caller.headers, { username: 'x@example.test' }),
            'invite users',
          );
        }
        unauthorized(await send(app, 'POST', '/api/users', {}, { username: 'x@example.test' }));
      });
    });

    describe('POST /api/user/provisioning/', () => {
      it('provisions like an invitation (201) and ignores the password', async () => {
        const app = t.app();
        const w = await world(app);
        const password = `pw-${Math.random().toString(36).slice(2)}`;
        const res = await send(app, 'POST', '/api/user/provisioning/', w.admin.headers, {
          username: 'prov@example.test',
          firstName: 'Pro',
          lastName: 'Vision',
          password,
        });
        assert.equal(res.statusCode, 201, res.body);
        const user = (res.json() as { user: Json & { id: number } }).user;
        assert.deepEqual(user, {
          id: user.id,
          username: 'prov@example.test',
          name: 'Pro Vision',
          firstName: 'Pro',
          lastName: 'Vision',
          systemRole: 'ROLE_USER',
          roles: ['ROLE_USER'],
          enabled: true,
          version: 1,
          currentTeam: null,
          dateCreated: NOW,
          lastUpdated: NOW,
          customer: customerOf(w.instance),
          customerSettings: { plan: { maxAgents: MAX_AGENTS } },
          teamRoles: [],
        });
        assert.ok(!res.body.includes(password));
        const audit = await auditOf(app, user.id);
        const invited = await app.iam.ctx.repositories.users.findByEmail('prov@example.test');
        assert.equal(invited?.state, 'PENDING');
        assert.deepEqual(
          audit.map((a) => [a.action, a.details]),
          [
            [
              'monitor.user.provision',
              {
                instance: w.instance.guid,
                username: 'prov@example.test',
                iam_id: invited.iam_id,
                new_iam_user: true,
              },
            ],
          ],
        );
        const auditText = JSON.stringify(await app.database.db.selectFrom('audit_events').selectAll().execute());
        assert.ok(!auditText.includes(password));
      });

      it('refuses a duplicate (409), an administrator role (400), a non-administrator (403)', async () => {
        const app = t.app();
        const w = await world(app);
        assertSysdigError(
          await send(app, 'POST', '/api/user/provisioning', w.admin.headers, { username: w.reader.user.email }),
          409,
          `A user with the username ${w.reader.user.email} already exists`,
          'Conflict',
        );
        assertSysdigError(
          await send(app, 'POST', '/api/user/provisioning/', w.admin.headers, {
            username: 'p@example.test',
            systemRole: 'ROLE_CUSTOMER',
          }),
          400,
          ROLES_FROM_IAM,
          'Bad Request: systemRole',
        );
        forbidden(
          await send(app, 'POST', '/api/user/provisioning/', w.writer.headers, { username: 'p@example.test' }),
          'invite users',
        );
      });
    });

    describe('PUT /api/users/{id}', () => {
      it('edits names with the current version (200, version bumped, change announced, audited)', async () => {
        const app = t.app();
        const w = await world(app);
        clock.advance(60_000);
        try {
          const listedWriter = await listedById(app, w, w.writer.id);
          let res: LightMyRequestResponse | undefined;
          const changes = await feedDuring(app, async () => {
            res = await send(
              app,
              'PUT',
              `/api/users/${w.writer.id}`,
              w.admin.headers,
              editBody(listedWriter, { firstName: 'Walter', lastName: 'W.' }),
            );
          });
          assert.ok(res);
          assert.equal(res.statusCode, 200, res.body);
          assert.deepEqual(res.json(), {
            user: {
              ...listed(w.writer, {
                firstName: 'Walter',
                lastName: 'W.',
                name: 'Walter W.',
                version: 2,
                lastUpdated: NOW + 60_000,
                currentTeam: w.operations.id,
              }),
              customer: customerOf(w.instance),
              customerSettings: { plan: { maxAgents: MAX_AGENTS } },
              teamRoles: [w.operations, w.teamA, w.teamB].map((team) => ({
                teamId: team.id,
                teamName: team.name,
                role: 'ROLE_TEAM_EDIT',
              })),
            },
          });
          assert.deepEqual(changes, [{ topic: 'monitor-user', key: String(w.writer.id) }]);
          const row = await monitorUser(app, w.writer.id);
          assert.equal(row?.first_name, 'Walter');
          assert.equal(row?.version, 2);
          assert.deepEqual((await auditOf(app, w.writer.id)).at(-1), {
            action: 'monitor.user.update',
            outcome: 'success',
            actor: app.admin.iamId,
            account: app.accountId,
            details: {
              instance: w.instance.guid,
              username: w.writer.user.email,
              first_name: 'Walter',
              last_name: 'W.',
              enabled: true,
            },
          });
        } finally {
          clock.set(NOW);
        }
      });

      it('accepts Terraform’s body (id, currentTeam, customer) and an administrator’s own ROLE_CUSTOMER', async () => {
        const app = t.app();
        const w = await world(app);
        const res = await send(app, 'PUT', `/api/users/${w.manager.id}/`, w.admin.headers, {
          id: w.manager.id,
          version: 1,
          systemRole: 'ROLE_CUSTOMER',
          username: w.manager.user.email,
          firstName: 'Mona',
          lastName: 'Lisa',
          currentTeam: null,
          customer: { id: 1, name: 'x' },
        });
        assert.equal(res.statusCode, 200, res.body);
        assert.equal((res.json() as { user: Json }).user['lastName'], 'Lisa');
      });

      it('refuses a stale version (409) and leaves the user as it was', async () => {
        const app = t.app();
        const w = await world(app);
        const listedReader = await listedById(app, w, w.reader.id);
        const first = await send(app, 'PUT', `/api/users/${w.reader.id}`, w.admin.headers, editBody(listedReader));
        assert.equal(first.statusCode, 200, first.body);
        assertSysdigError(
          await send(
            app,
            'PUT',
            `/api/users/${w.reader.id}`,
            w.admin.headers,
            editBody(listedReader, { firstName: 'Late' }),
          ),
          409,
          'The user was changed by someone else: the current version is 2; read it again and retry',
          'Conflict',
        );
        const row = await monitorUser(app, w.reader.id);
        assert.equal(row?.first_name, 'Rita');
        assert.equal(row?.version, 2);
      });

      it('refuses a new username, a system role other than the current one, a mismatched id (400)', async () => {
        const app = t.app();
        const w = await world(app);
        const listedReader = await listedById(app, w, w.reader.id);
        const url = `/api/users/${w.reader.id}`;
        assertSysdigError(
          await send(app, 'PUT', url, w.admin.headers, editBody(listedReader, { username: 'other@example.test' })),
          400,
          'The username of a user cannot be changed',
          'Bad Request: username',
        );
        assertSysdigError(
          await send(app, 'PUT', url, w.admin.headers, editBody(listedReader, { systemRole: 'ROLE_CUSTOMER' })),
          400,
          ROLES_FROM_IAM,
          'Bad Request: systemRole',
        );
        assertSysdigError(
          await send(app, 'PUT', url, w.admin.headers, { ...editBody(listedReader), id: w.writer.id }),
          400,
          `The id in the body (${w.writer.id}) is not the id in the path (${w.reader.id})`,
          'Bad Request: id',
        );
        assertSysdigError(
          await send(app, 'PUT', url, w.admin.headers, { firstName: 'No version' }),
          400,
          "Invalid body: body must have required property 'version'",
          'Bad Request',
        );
        assertSysdigError(
          await send(app, 'PUT', '/api/users/abc', w.admin.headers, editBody(listedReader)),
          400,
          'Invalid params: params/id must be integer',
          'Bad Request',
        );
        assert.equal((await monitorUser(app, w.reader.id))?.version, 1);
      });

      it('disables a user: their Monitor token and IAM requests stop at once; enabling restores them', async () => {
        const app = t.app();
        const w = await world(app);
        const token = await monitorTokenOf(app, w.writer.headers);
        assert.equal((await send(app, 'GET', '/api/user/me', bearer(token))).statusCode, 200);
        const listedWriter = await listedById(app, w, w.writer.id);
        const off = await send(
          app,
          'PUT',
          `/api/users/${w.writer.id}`,
          w.manager.headers,
          editBody(listedWriter, { enabled: false }),
        );
        assert.equal(off.statusCode, 200, off.body);
        assert.equal((off.json() as { user: Json }).user['enabled'], false);
        assert.equal((await monitorUser(app, w.writer.id))?.enabled, 0);
        unauthorized(await send(app, 'GET', '/api/user/me', bearer(token)));
        assertSysdigError(
          await send(app, 'GET', '/api/user/me', w.writer.headers),
          403,
          'This user is disabled in the monitoring instance',
          'Not enough privileges to complete the action',
        );
        assert.deepEqual((await auditOf(app, w.writer.id)).at(-1)?.details, {
          instance: w.instance.guid,
          username: w.writer.user.email,
          first_name: 'Walt',
          last_name: 'Writer',
          enabled: false,
          enabled_changed: true,
        });

        const on = await send(
          app,
          'PUT',
          `/api/users/${w.writer.id}`,
          w.manager.headers,
          editBody({ ...listedWriter, version: 2 }, { enabled: true }),
        );
        assert.equal(on.statusCode, 200, on.body);
        assert.equal((await send(app, 'GET', '/api/user/me', bearer(token))).statusCode, 200);
        assert.equal((await send(app, 'GET', '/api/user/me', w.writer.headers)).statusCode, 200);
      });

      it('refuses to disable yourself (400), and an account administrator unless you are one (403)', async () => {
        const app = t.app();
        const w = await world(app);
        const self = await listedById(app, w, w.manager.id);
        assertSysdigError(
          await send(app, 'PUT', `/api/users/${w.manager.id}`, w.manager.headers, editBody(self, { enabled: false })),
          400,
          'You cannot disable your own user',
          'Bad Request',
        );
        const adminUser = await listedById(app, w, w.admin.id);
        assertSysdigError(
          await send(
            app,
            'PUT',
            `/api/users/${w.admin.id}`,
            w.manager.headers,
            editBody(adminUser, { enabled: false }),
          ),
          403,
          'Only an account administrator can disable an account administrator',
          'Not enough privileges to complete the action',
        );
        // Names of an account administrator may still be edited by a Manager.
        const renamed = await send(
          app,
          'PUT',
          `/api/users/${w.admin.id}`,
          w.manager.headers,
          editBody(adminUser, { lastName: 'Lovelace' }),
        );
        assert.equal(renamed.statusCode, 200, renamed.body);
        // Another account administrator may disable one.
        const second = await person(await app.createUser({ admin: true, name: 'Second Admin' }), w.instance);
        await signIn(app, second);
        const disabled = await send(
          app,
          'PUT',
          `/api/users/${w.admin.id}`,
          second.headers,
          editBody({ ...adminUser, version: 2 }, { enabled: false }),
        );
        assert.equal(disabled.statusCode, 200, disabled.body);
      });

      it('answers 404 for another instance’s or an unknown user, 403 to non-administrators, 401 without credential', async () => {
        const app = t.app();
        const w = await world(app);
        const { instance: elsewhere } = await insertInstance(app);
        const there = await send(app, 'GET', '/api/user/me', iamHeaders(await app.admin.token(), elsewhere.guid));
        const foreignId = (there.json() as { user: { id: number } }).user.id;
        const body = { version: 1, firstName: 'X' };
        userNotFound(await send(app, 'PUT', `/api/users/${foreignId}`, w.admin.headers, body));
        userNotFound(await send(app, 'PUT', '/api/users/999999', w.admin.headers, body));
        forbidden(await send(app, 'PUT', `/api/users/${w.reader.id}`, w.writer.headers, body), 'edit users');
        forbidden(await send(app, 'PUT', `/api/users/${w.reader.id}`, w.reader.headers, body), 'edit users');
        unauthorized(await send(app, 'PUT', `/api/users/${w.reader.id}`, {}, body));
        assert.equal((await monitorUser(app, foreignId))?.first_name, 'Ada');
      });
    });

    describe('DELETE /api/users/{id}', () => {
      it('deletes a user with memberships and tokens (204), announces and audits it', async () => {
        const app = t.app();
        const w = await world(app);
        await insertMembership(app, w.teamB.id, w.reader.id, 'ROLE_TEAM_STANDARD');
        const token = await monitorTokenOf(app, w.reader.headers);
        let res: LightMyRequestResponse | undefined;
        const changes = await feedDuring(app, async () => {
          res = await send(app, 'DELETE', `/api/users/${w.reader.id}`, w.manager.headers);
        });
        assert.ok(res);
        assert.equal(res.statusCode, 204, res.body);
        assert.equal(res.body, '');
        assert.deepEqual(changes, [{ topic: 'monitor-user', key: String(w.reader.id) }]);
        assert.equal(await monitorUser(app, w.reader.id), undefined);
        const db = app.database.db;
        assert.deepEqual(
          await db.selectFrom('monitor_memberships').select('team_id').where('user_id', '=', w.reader.id).execute(),
          [],
        );
        assert.deepEqual(
          await db.selectFrom('monitor_tokens').select('id').where('user_id', '=', w.reader.id).execute(),
          [],
        );
        unauthorized(await send(app, 'GET', '/api/user/me', bearer(token)));
        assert.deepEqual((await auditOf(app, w.reader.id)).at(-1), {
          action: 'monitor.user.delete',
          outcome: 'success',
          actor: w.manager.user.iamId,
          account: app.accountId,
          details: { instance: w.instance.guid, username: w.reader.user.email },
        });
        userNotFound(await send(app, 'GET', `/api/users/${w.reader.id}`, w.admin.headers));

        // The IAM identity still holds its Reader policy: its next request provisions a new Monitor user.
        const again = await send(app, 'GET', '/api/user/me', w.reader.headers);
        assert.equal(again.statusCode, 200, again.body);
        assert.notEqual((again.json() as { user: { id: number } }).user.id, w.reader.id);
      });

      it('deletes a pending invitation', async () => {
        const app = t.app();
        const w = await world(app);
        const invited = await send(app, 'POST', '/api/users', w.admin.headers, { username: 'gone@example.test' });
        const id = (invited.json() as { user: { id: number } }).user.id;
        const res = await send(app, 'DELETE', `/api/users/${id}/`, w.admin.headers);
        assert.equal(res.statusCode, 204, res.body);
        assert.equal(await monitorUser(app, id), undefined);
      });

      it('refuses yourself (400), an account administrator for a Manager (403), non-administrators (403)', async () => {
        const app = t.app();
        const w = await world(app);
        assertSysdigError(
          await send(app, 'DELETE', `/api/users/${w.admin.id}`, w.admin.headers),
          400,
          'You cannot delete your own user',
          'Bad Request',
        );
        assertSysdigError(
          await send(app, 'DELETE', `/api/users/${w.admin.id}`, w.manager.headers),
          403,
          'Only an account administrator can delete an account administrator',
          'Not enough privileges to complete the action',
        );
        forbidden(await send(app, 'DELETE', `/api/users/${w.reader.id}`, w.writer.headers), 'delete users');
        forbidden(await send(app, 'DELETE', `/api/users/${w.writer.id}`, w.reader.headers), 'delete users');
        unauthorized(await send(app, 'DELETE', `/api/users/${w.writer.id}`, {}));
        for (const p of [w.admin, w.writer, w.reader]) assert.ok(await monitorUser(app, p.id));
      });

      it('answers 404 for another instance’s or an unknown user', async () => {
        const app = t.app();
        const w = await world(app);
        const { instance: elsewhere } = await insertInstance(app);
        const there = await send(app, 'GET', '/api/user/me', iamHeaders(await app.admin.token(), elsewhere.guid));
        const foreignId = (there.json() as { user: { id: number } }).user.id;
        userNotFound(await send(app, 'DELETE', `/api/users/${foreignId}`, w.admin.headers));
        userNotFound(await send(app, 'DELETE', '/api/users/424242', w.admin.headers));
        assert.ok(await monitorUser(app, foreignId));
      });
    });
  },
  { clock },
);
