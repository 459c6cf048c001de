import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import type { Change } from '../../platform/change-feed.js';
import { ManualClock } from '../../platform/clock.js';
import type { MonitorInstanceRow, MonitorTeamRow } from '../../platform/db/schema.js';
import {
  grantMonitorRole,
  iamHeaders,
  insertInstance,
  insertMembership,
  insertTeam,
  provisionUser,
} from '../../testing/monitor-fixtures.js';
import { describeEachDatabase, type TestApp, type TestUser } from '../../testing/test-app.js';
import type { TeamRole } from '../roles.js';
import { customerIdOf } from '../users/monitor-users.view.js';
import { feedDuring } from '../../testing/observe.js';

const clock = new ManualClock(Date.UTC(2026, 4, 2, 10, 45, 12, 345));

type Json = Record<string, unknown>;
type Headers = Record<string, string>;
type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** Sysdig's error body, asserted whole. */
function assertSysdigError(res: LightMyRequestResponse, status: number, reason: string, message: string): void {
  assert.equal(res.statusCode, status, res.body);
  assert.deepEqual(res.json(), { errors: [{ reason, message }] });
}
const NO_PRIVILEGE = 'Not enough privileges to complete the action';
const notFound = (res: LightMyRequestResponse, what: string) =>
  assertSysdigError(res, 404, 'Not Found', `${what} not found`);
const badRequest = (res: LightMyRequestResponse, field: string, message: string) =>
  assertSysdigError(res, 400, `Bad Request: ${field}`, message);

function call(app: TestApp, method: Method, url: string, headers: Headers, payload?: unknown) {
  return app.http.inject({ method, url, headers, ...(payload !== undefined ? { payload: payload as Json } : {}) });
}

/** A person of the instance: an IAM user, the headers of their IAM token there, and their Monitor user id. */
interface Person {
  readonly user: TestUser;
  readonly id: number;
  readonly username: string;
  headers(teamId?: number): Promise<Headers>;
}

/** An instance with Monitor Operations, its administrator (the account admin) as a Person. */
interface World {
  readonly instance: MonitorInstanceRow;
  readonly operations: MonitorTeamRow;
  readonly admin: Person;
}

async function person(app: TestApp, user: TestUser, instance: MonitorInstanceRow): Promise<Person> {
  // The identity's first IAM request provisions its Monitor user; provisioning directly does the same.
  const row = await provisionUser(app, user, instance, user.iamId === app.admin.iamId);
  return {
    user,
    id: row.id,
    username: row.username,
    headers: async (teamId?: number) => iamHeaders(await user.token(), instance.guid, teamId),
  };
}

async function world(app: TestApp): Promise<World> {
  const { instance, operations } = await insertInstance(app);
  return { instance, operations, admin: await person(app, app.admin, instance) };
}

async function newPerson(app: TestApp, w: World, name = 'Pat Person'): Promise<Person> {
  return person(app, await app.createUser({ name }), w.instance);
}

/** What a team created by the API looks like, at the clock's current time unless told otherwise. */
function teamBody(w: World, fields: Json & { id: number; name: string }): Json {
  const userRoles = (fields['userRoles'] as unknown[] | undefined) ?? [];
  return {
    version: 1,
    description: '',
    theme: '#7BB0B2',
    show: 'host',
    canUseSysdigCapture: false,
    canUseCustomEvents: false,
    canUseAwsMetrics: false,
    canUseBeaconMetrics: false,
    canUseRapidResponse: false,
    defaultTeamRole: 'ROLE_TEAM_EDIT',
    entryPoint: { module: 'Explore' },
    filter: null,
    userRoles,
    userCount: userRoles.length,
    immutable: false,
    default: false,
    products: ['SDC'],
    origin: 'SYSDIG',
    dateCreated: clock.now(),
    lastUpdated: clock.now(),
    customerId: customerIdOf(w.instance.guid),
    properties: {},
    namespaceFilters: { ibmPlatformMetrics: null },
    ...fields,
  };
}

/** A team inserted by the fixtures (not through the API): the fixtures' settings. */
function fixtureTeamBody(w: World, team: MonitorTeamRow, fields: Json = {}): Json {
  return teamBody(w, {
    id: team.id,
    name: team.name,
    filter: team.filter,
    defaultTeamRole: 'ROLE_TEAM_READ',
    canUseSysdigCapture: true,
    canUseCustomEvents: true,
    canUseAwsMetrics: true,
    canUseBeaconMetrics: true,
    immutable: team.immutable === 1,
    default: team.is_default === 1,
    dateCreated: Date.parse(team.created_at),
    lastUpdated: Date.parse(team.modified_at),
    ...fields,
  });
}

function role(p: Person, teamRole: TeamRole, admin = false): Json {
  return { userId: p.id, userName: p.username, role: teamRole, admin };
}

/** The body sdcclient's create_team sends (defaults: show host, theme #7BB0B2, no permissions). */
function sdcCreateBody(name: string, extra: Json = {}): Json {
  return {
    name,
    description: '',
    theme: '#7BB0B2',
    show: 'host',
    canUseSysdigCapture: false,
    canUseCustomEvents: false,
    canUseAwsMetrics: false,
    canUseRapidResponse: false,
    users: [],
    ...extra,
  };
}

async function createTeam(app: TestApp, w: World, name: string, extra: Json = {}): Promise<Json & { id: number }> {
  const res = await call(app, 'POST', '/api/teams', await w.admin.headers(), sdcCreateBody(name, extra));
  assert.equal(res.statusCode, 201, res.body);
  return (res.json() as { team: Json & { id: number } }).team;
}

async function getTeam(app: TestApp, w: World, id: number): Promise<Json & { id: number; version: number }> {
  const res = await call(app, 'GET', `/api/teams/${id}`, await w.admin.headers());
  assert.equal(res.statusCode, 200, res.body);
  return (res.json() as { team: Json & { id: number; version: number } }).team;
}

/** The body sdcclient's edit_team sends, from a team as GET read it. */
function editBody(team: Json, changes: Json = {}): Json {
  return {
    name: team['name'],
    theme: team['theme'],
    show: team['show'],
    canUseSysdigCapture: team['canUseSysdigCapture'],
    canUseCustomEvents: team['canUseCustomEvents'],
    canUseAwsMetrics: team['canUseAwsMetrics'],
    canUseRapidResponse: false,
    defaultTeamRole: team['defaultTeamRole'],
    entryPoint: team['entryPoint'],
    id: team['id'],
    version: team['version'],
    description: team['description'],
    userRoles: team['userRoles'],
    filter: team['filter'],
    ...changes,
  };
}

async function membershipsOf(app: TestApp, teamId: number) {
  const rows = await app.database.db
    .selectFrom('monitor_memberships')
    .select(['user_id', 'role'])
    .where('team_id', '=', teamId)
    .orderBy('user_id', 'asc')
    .execute();
  return rows.map((r) => [r.user_id, r.role]);
}

async function teamRow(app: TestApp, id: number) {
  return app.monitor.ctx.repositories.teams.findById(id);
}

async function auditOf(app: TestApp, teamId: number) {
  const rows = await app.database.db
    .selectFrom('audit_events')
    .selectAll()
    .where('target_type', '=', 'monitor_team')
    .where('target_id', '=', String(teamId))
    .orderBy('seq', 'asc')
    .execute();
  return rows.map((r) => ({ action: r.action, actor: r.actor_iam_id, details: JSON.parse(r.details) as Json }));
}

/** On PostgreSQL a change arrives twice (at once, then NOTIFY's echo): assert presence, not count. */
function assertPublished(changes: readonly Change[], ...expected: Change[]): void {
  for (const change of expected) {
    assert.ok(
      changes.some((c) => c.topic === change.topic && c.key === change.key),
      `${JSON.stringify(change)} not in ${JSON.stringify(changes)}`,
    );
  }
}

describeEachDatabase(
  'Monitor teams',
  (t) => {
    describe('GET /api/teams', () => {
      it('lists every team of the instance to an instance administrator, with or without product=SDC', async () => {
        const app = t.app();
        const w = await world(app);
        const scoped = await insertTeam(app, w.instance.guid, 'Scoped', { filter: 'job = "node"' });
        const member = await newPerson(app, w);
        await insertMembership(app, scoped.id, member.id, 'ROLE_TEAM_STANDARD');
        const other = await insertInstance(app);
        await insertTeam(app, other.instance.guid, 'Elsewhere');
        const expected = {
          teams: [
            fixtureTeamBody(w, w.operations),
            fixtureTeamBody(w, scoped, { userRoles: [role(member, 'ROLE_TEAM_STANDARD')] }),
          ],
        };
        for (const url of ['/api/teams', '/api/teams/', '/api/teams?product=SDC']) {
          const res = await call(app, 'GET', url, await w.admin.headers());
          assert.equal(res.statusCode, 200, res.body);
          assert.deepEqual(res.json(), expected);
        }
      });

      it('lists to anyone else only the teams they have a role in (membership or team policy)', async () => {
        const app = t.app();
        const w = await world(app);
        const viaMembership = await insertTeam(app, w.instance.guid, 'Via membership');
        const viaPolicy = await insertTeam(app, w.instance.guid, 'Via policy');
        await insertTeam(app, w.instance.guid, 'Not mine');
        const user = await newPerson(app, w);
        await insertMembership(app, viaMembership.id, user.id, 'ROLE_TEAM_EDIT');
        await grantMonitorRole(app, user.user.iamId, 'Reader', { instanceGuid: w.instance.guid, teamId: viaPolicy.id });
        const res = await call(app, 'GET', '/api/teams', await user.headers());
        assert.equal(res.statusCode, 200, res.body);
        assert.deepEqual(res.json(), {
          teams: [
            fixtureTeamBody(w, viaMembership, { userRoles: [role(user, 'ROLE_TEAM_EDIT')] }),
            fixtureTeamBody(w, viaPolicy),
          ],
        });
      });

      it('lists no team for product=SDS, refuses an unknown product (400) and a missing credential (401)', async () => {
        const app = t.app();
        const w = await world(app);
        const sds = await call(app, 'GET', '/api/teams?product=SDS', await w.admin.headers());
        assert.equal(sds.statusCode, 200, sds.body);
        assert.deepEqual(sds.json(), { teams: [] });
        assertSysdigError(
          await call(app, 'GET', '/api/teams?product=XYZ', await w.admin.headers()),
          400,
          'Bad Request',
          'Invalid querystring: querystring/product must be equal to one of the allowed values',
        );
        assertSysdigError(await call(app, 'GET', '/api/teams', {}), 401, 'Unauthorized', 'Bad credentials');
      });
    });

    describe('POST /api/teams', () => {
      it("creates a team from sdcclient's create_team body (201) and audits it", async () => {
        const app = t.app();
        const w = await world(app);
        const res = await call(
          app,
          'POST',
          '/api/teams',
          await w.admin.headers(),
          sdcCreateBody('Payments', { description: 'the payments squad' }),
        );
        assert.equal(res.statusCode, 201, res.body);
        const team = (res.json() as { team: Json & { id: number } }).team;
        assert.equal(typeof team.id, 'number');
        assert.deepEqual(res.json(), {
          team: teamBody(w, { id: team.id, name: 'Payments', description: 'the payments squad' }),
        });
        const row = await teamRow(app, team.id);
        assert.deepEqual(
          { instance: row?.instance_guid, filter: row?.filter, scope: row?.scope, immutable: row?.immutable },
          { instance: w.instance.guid, filter: null, scope: '[]', immutable: 0 },
        );
        assert.deepEqual(await auditOf(app, team.id), [
          {
            action: 'monitor_team.create',
            actor: app.admin.iamId,
            details: { instance_guid: w.instance.guid, name: 'Payments', scope_conditions: 0, members_added: 0 },
          },
        ]);
      });

      it('stores the parsed scope and the memberships, and announces them', async () => {
        const app = t.app();
        const w = await world(app);
        const alice = await newPerson(app, w, 'Alice');
        const bob = await newPerson(app, w, 'Bob');
        let res: LightMyRequestResponse | undefined;
        const changes = await feedDuring(app, async () => {
          res = await call(app, 'POST', '/api/teams', await w.admin.headers(), {
            name: 'Prod',
            description: 'production',
            theme: '#FF0000',
            show: 'container',
            canUseSysdigCapture: true,
            canUseCustomEvents: true,
            canUseAwsMetrics: false,
            canUseBeaconMetrics: true,
            canUseRapidResponse: true,
            defaultTeamRole: 'ROLE_TEAM_READ',
            entryPoint: { module: 'Dashboards', selection: 'overview' },
            namespaceFilters: { ibmPlatformMetrics: 'ibm_location = "eu-de"' },
            filter: 'kubernetes.namespace.name in ("prod", "prod-eu") and agent.tag.env = \'prod\'',
            userRoles: [{ userId: alice.id, role: 'ROLE_TEAM_MANAGER' }, { userId: bob.id }],
            zoneIds: [],
            allZones: false,
          });
        });
        assert.equal(res?.statusCode, 201, res?.body);
        const id = (res?.json() as { team: { id: number } }).team.id;
        assert.deepEqual(res?.json(), {
          team: teamBody(w, {
            id,
            name: 'Prod',
            description: 'production',
            theme: '#FF0000',
            show: 'container',
            canUseSysdigCapture: true,
            canUseCustomEvents: true,
            canUseBeaconMetrics: true,
            canUseRapidResponse: true,
            defaultTeamRole: 'ROLE_TEAM_READ',
            entryPoint: { module: 'Dashboards', selection: 'overview' },
            namespaceFilters: { ibmPlatformMetrics: 'ibm_location = "eu-de"' },
            filter: 'kubernetes.namespace.name in ("prod", "prod-eu") and agent.tag.env = \'prod\'',
            userRoles: [role(alice, 'ROLE_TEAM_MANAGER'), role(bob, 'ROLE_TEAM_READ')],
          }),
        });
        assert.deepEqual(JSON.parse((await teamRow(app, id))?.scope ?? ''), [
          { label: 'kubernetes.namespace.name', op: 'in', values: ['prod', 'prod-eu'] },
          { label: 'agent.tag.env', op: '=', values: ['prod'] },
        ]);
        assert.deepEqual(await membershipsOf(app, id), [
          [alice.id, 'ROLE_TEAM_MANAGER'],
          [bob.id, 'ROLE_TEAM_READ'],
        ]);
        assertPublished(changes, { topic: 'monitor-membership', key: String(id) });
        // The membership is access: Alice can now act in the team.
        const asAlice = await call(app, 'GET', `/api/teams/${id}`, await alice.headers(id));
        assert.equal(asAlice.statusCode, 200, asAlice.body);
      });

      it('refuses a scope that does not parse, naming the bad part and its position (400), creating nothing', async () => {
        const app = t.app();
        const w = await world(app);
        const headers = await w.admin.headers();
        const cases: [string, string][] = [
          ['job = "a" or job = "b"', 'filter: unexpected "or" at 11: only "and" joins conditions'],
          ['job ~ "a"', 'filter: unexpected "~" at 5'],
          ['job = a', 'filter: unexpected "a" at 7: expected a quoted value after "="'],
          ['job in ("a"', 'filter: unexpected end of the expression at 12: expected "," or ")"'],
          ['job = "a', 'filter: unterminated string starting at 7'],
        ];
        for (const [filter, message] of cases) {
          badRequest(
            await call(app, 'POST', '/api/teams', headers, sdcCreateBody('Bad', { filter })),
            'filter',
            message,
          );
        }
        assert.equal(await app.monitor.ctx.repositories.teams.findByName(w.instance.guid, 'Bad'), undefined);
      });

      it('refuses unknown users, users of another instance, bad or repeated roles (400)', async () => {
        const app = t.app();
        const w = await world(app);
        const headers = await w.admin.headers();
        const member = await newPerson(app, w);
        const other = await insertInstance(app);
        const stranger = await person(app, await app.createUser(), other.instance);
        const post = (extra: Json) => call(app, 'POST', '/api/teams', headers, sdcCreateBody('Members', extra));
        badRequest(
          await post({ userRoles: [{ userId: 999999, role: 'ROLE_TEAM_READ' }] }),
          'userRoles',
          'userRoles: user 999999 is not a user of this monitoring instance (see GET /api/users)',
        );
        badRequest(
          await post({ userRoles: [{ userId: stranger.id, role: 'ROLE_TEAM_READ' }] }),
          'userRoles',
          `userRoles: user ${stranger.id} is not a user of this monitoring instance (see GET /api/users)`,
        );
        badRequest(
          await post({ userRoles: [{ userId: member.id, role: 'ROLE_TEAM_GOD' }] }),
          'userRoles',
          `userRoles: "ROLE_TEAM_GOD" (user ${member.id}) is not a team role: use ROLE_TEAM_READ, ROLE_TEAM_STANDARD, ` +
            'ROLE_TEAM_EDIT, ROLE_TEAM_MANAGER',
        );
        badRequest(
          await post({
            userRoles: [
              { userId: member.id, role: 'ROLE_TEAM_READ' },
              { userId: member.id, role: 'ROLE_TEAM_EDIT' },
            ],
          }),
          'userRoles',
          `userRoles: user ${member.id} is listed more than once`,
        );
        badRequest(
          await post({ defaultTeamRole: 'ROLE_CUSTOMER' }),
          'defaultTeamRole',
          'defaultTeamRole: "ROLE_CUSTOMER" is not a team role: use ROLE_TEAM_READ, ROLE_TEAM_STANDARD, ' +
            'ROLE_TEAM_EDIT, ROLE_TEAM_MANAGER',
        );
        assertSysdigError(
          await call(app, 'POST', '/api/teams', headers, { description: 'no name' }),
          400,
          'Bad Request',
          "Invalid body: body must have required property 'name'",
        );
        assertSysdigError(
          await post({ show: 'pods' }),
          400,
          'Bad Request',
          'Invalid body: body/show must be equal to one of the allowed values',
        );
        assert.equal(await app.monitor.ctx.repositories.teams.findByName(w.instance.guid, 'Members'), undefined);
      });

      it('refuses a name the instance already has (409), not one another instance has', async () => {
        const app = t.app();
        const w = await world(app);
        await createTeam(app, w, 'Twice');
        assertSysdigError(
          await call(app, 'POST', '/api/teams', await w.admin.headers(), sdcCreateBody('Twice')),
          409,
          'Conflict',
          'A team named "Twice" already exists in this monitoring instance',
        );
        assertSysdigError(
          await call(app, 'POST', '/api/teams', await w.admin.headers(), sdcCreateBody('Monitor Operations')),
          409,
          'Conflict',
          'A team named "Monitor Operations" already exists in this monitoring instance',
        );
        const other = await world(app);
        await createTeam(app, other, 'Twice');
      });

      it('is refused to anyone but an instance administrator (403), team managers and Writers included', async () => {
        const app = t.app();
        const w = await world(app);
        const teamManager = await newPerson(app, w);
        await insertMembership(app, w.operations.id, teamManager.id, 'ROLE_TEAM_MANAGER');
        const writer = await newPerson(app, w);
        await grantMonitorRole(app, writer.user.iamId, 'Writer', { instanceGuid: w.instance.guid });
        for (const p of [teamManager, writer]) {
          assertSysdigError(
            await call(app, 'POST', '/api/teams', await p.headers(), sdcCreateBody('Nope')),
            403,
            NO_PRIVILEGE,
            'Only instance administrators can create teams',
          );
        }
        const instanceManager = await newPerson(app, w);
        await grantMonitorRole(app, instanceManager.user.iamId, 'Manager', { instanceGuid: w.instance.guid });
        const res = await call(app, 'POST', '/api/teams', await instanceManager.headers(), sdcCreateBody('By manager'));
        assert.equal(res.statusCode, 201, res.body);
      });
    });

    describe('GET /api/teams/:id', () => {
      it('returns a team with its memberships to an administrator and to a member', async () => {
        const app = t.app();
        const w = await world(app);
        const member = await newPerson(app, w);
        const created = await createTeam(app, w, 'Readable', {
          users: undefined,
          userRoles: [{ userId: member.id, role: 'ROLE_TEAM_READ' }],
          filter: 'host.hostName starts with "web"',
        });
        const expected = {
          team: teamBody(w, {
            id: created.id,
            name: 'Readable',
            filter: 'host.hostName starts with "web"',
            userRoles: [role(member, 'ROLE_TEAM_READ')],
          }),
        };
        for (const headers of [await w.admin.headers(), await member.headers(created.id)]) {
          const res = await call(app, 'GET', `/api/teams/${created.id}`, headers);
          assert.equal(res.statusCode, 200, res.body);
          assert.deepEqual(res.json(), expected);
        }
      });

      it("is 404 for a team the caller has no role in, another instance's team and an unknown id", async () => {
        const app = t.app();
        const w = await world(app);
        const hidden = await createTeam(app, w, 'Hidden');
        const member = await newPerson(app, w);
        await insertMembership(app, w.operations.id, member.id, 'ROLE_TEAM_READ');
        notFound(await call(app, 'GET', `/api/teams/${hidden.id}`, await member.headers()), `Team ${hidden.id}`);
        const other = await insertInstance(app);
        const foreign = await insertTeam(app, other.instance.guid, 'Foreign');
        notFound(await call(app, 'GET', `/api/teams/${foreign.id}`, await w.admin.headers()), `Team ${foreign.id}`);
        notFound(await call(app, 'GET', '/api/teams/987654', await w.admin.headers()), 'Team 987654');
        assertSysdigError(
          await call(app, 'GET', '/api/teams/abc', await w.admin.headers()),
          400,
          'Bad Request',
          'Invalid params: params/id must be integer',
        );
      });
    });

    describe('PUT /api/teams/:id', () => {
      it('lets an administrator change every field (200): version bumped, scope re-parsed, audited', async () => {
        const app = t.app();
        const w = await world(app);
        const alice = await newPerson(app, w, 'Alice');
        const created = await createTeam(app, w, 'Editable');
        const before = await getTeam(app, w, created.id);
        clock.advance(5_000);
        let res: LightMyRequestResponse | undefined;
        const changes = await feedDuring(app, async () => {
          res = await call(
            app,
            'PUT',
            `/api/teams/${created.id}`,
            await w.admin.headers(),
            editBody(before, {
              name: 'Edited',
              description: 'now described',
              theme: '#000000',
              show: 'container',
              canUseSysdigCapture: true,
              defaultTeamRole: 'ROLE_TEAM_STANDARD',
              entryPoint: { module: 'Dashboards' },
              filter: 'container.image contains "api" and job not in ("x", "y")',
              userRoles: [{ userId: alice.id, role: 'ROLE_TEAM_STANDARD' }],
            }),
          );
        });
        assert.equal(res?.statusCode, 200, res?.body);
        assert.deepEqual(res?.json(), {
          team: teamBody(w, {
            id: created.id,
            version: 2,
            name: 'Edited',
            description: 'now described',
            theme: '#000000',
            show: 'container',
            canUseSysdigCapture: true,
            defaultTeamRole: 'ROLE_TEAM_STANDARD',
            entryPoint: { module: 'Dashboards' },
            filter: 'container.image contains "api" and job not in ("x", "y")',
            userRoles: [role(alice, 'ROLE_TEAM_STANDARD')],
            dateCreated: clock.now() - 5_000,
          }),
        });
        assert.deepEqual(res?.json(), { team: await getTeam(app, w, created.id) });
        assert.deepEqual(JSON.parse((await teamRow(app, created.id))?.scope ?? ''), [
          { label: 'container.image', op: 'contains', values: ['api'] },
          { label: 'job', op: 'not in', values: ['x', 'y'] },
        ]);
        assertPublished(
          changes,
          { topic: 'monitor-team', key: String(created.id) },
          { topic: 'monitor-membership', key: String(created.id) },
        );
        assert.deepEqual((await auditOf(app, created.id)).at(-1), {
          action: 'monitor_team.update',
          actor: app.admin.iamId,
          details: {
            instance_guid: w.instance.guid,
            name: 'Edited',
            fields: 'name,description,filter,theme,show,defaultTeamRole,entryPoint,canUseSysdigCapture',
            members_added: 1,
            members_removed: 0,
            members_changed: 0,
          },
        });
      });

      it('replaces the memberships with userRoles: added, changed, removed; the removed lose access at once', async () => {
        const app = t.app();
        const w = await world(app);
        const [alice, bob, carol] = [
          await newPerson(app, w, 'A'),
          await newPerson(app, w, 'B'),
          await newPerson(app, w, 'C'),
        ];
        const created = await createTeam(app, w, 'Members', {
          users: undefined,
          userRoles: [
            { userId: alice.id, role: 'ROLE_TEAM_READ' },
            { userId: bob.id, role: 'ROLE_TEAM_READ' },
          ],
        });
        const bobHeaders = await bob.headers(created.id);
        assert.equal((await call(app, 'GET', `/api/teams/${created.id}`, bobHeaders)).statusCode, 200);
        const before = await getTeam(app, w, created.id);
        const res = await call(
          app,
          'PUT',
          `/api/teams/${created.id}`,
          await w.admin.headers(),
          editBody(before, {
            userRoles: [
              { userId: alice.id, role: 'ROLE_TEAM_EDIT' },
              { userId: carol.id, role: 'ROLE_TEAM_READ' },
            ],
          }),
        );
        assert.equal(res.statusCode, 200, res.body);
        assert.deepEqual((res.json() as { team: Json }).team['userRoles'], [
          role(alice, 'ROLE_TEAM_EDIT'),
          role(carol, 'ROLE_TEAM_READ'),
        ]);
        assert.deepEqual(await membershipsOf(app, created.id), [
          [alice.id, 'ROLE_TEAM_EDIT'],
          [carol.id, 'ROLE_TEAM_READ'],
        ]);
        assertSysdigError(
          await call(app, 'GET', `/api/teams/${created.id}`, bobHeaders),
          403,
          NO_PRIVILEGE,
          'You are not a member of this team',
        );
        assert.deepEqual((await auditOf(app, created.id)).at(-1)?.details, {
          instance_guid: w.instance.guid,
          name: 'Members',
          fields: '',
          members_added: 1,
          members_removed: 1,
          members_changed: 1,
        });
      });

      it('refuses a stale version (409), a missing version or another id (400), a name in use (409)', async () => {
        const app = t.app();
        const w = await world(app);
        const created = await createTeam(app, w, 'Versioned');
        await createTeam(app, w, 'Other name');
        const current = await getTeam(app, w, created.id);
        const headers = await w.admin.headers();
        const url = `/api/teams/${created.id}`;
        assert.equal((await call(app, 'PUT', url, headers, editBody(current, { theme: '#111111' }))).statusCode, 200);
        assertSysdigError(
          await call(app, 'PUT', url, headers, editBody(current, { theme: '#222222' })),
          409,
          'Conflict',
          'The team has changed since version 1 was read (it is at version 2 now): read it again and retry',
        );
        const noVersion = editBody(current);
        delete noVersion['version'];
        assertSysdigError(
          await call(app, 'PUT', url, headers, noVersion),
          400,
          'Bad Request',
          "Invalid body: body must have required property 'version'",
        );
        const fresh = await getTeam(app, w, created.id);
        badRequest(
          await call(app, 'PUT', url, headers, editBody(fresh, { id: created.id + 1000 })),
          'id',
          `id ${created.id + 1000} in the body is not the team in the path (${created.id})`,
        );
        assertSysdigError(
          await call(app, 'PUT', url, headers, editBody(fresh, { name: 'Other name' })),
          409,
          'Conflict',
          'A team named "Other name" already exists in this monitoring instance',
        );
        badRequest(
          await call(app, 'PUT', url, headers, editBody(fresh, { filter: 'a = "x" OR b = "y"' })),
          'filter',
          'filter: unexpected "OR" at 9: only "and" joins conditions',
        );
        assert.deepEqual(await getTeam(app, w, created.id), fresh);
      });

      it('keeps Monitor Operations named and unscoped (403) but lets its memberships change', async () => {
        const app = t.app();
        const w = await world(app);
        const ops = await getTeam(app, w, w.operations.id);
        const url = `/api/teams/${w.operations.id}`;
        const headers = await w.admin.headers();
        const message =
          "Monitor Operations is the instance's default team: its name and its scope (filter) cannot be changed";
        assertSysdigError(
          await call(app, 'PUT', url, headers, editBody(ops, { name: 'Ops' })),
          403,
          NO_PRIVILEGE,
          message,
        );
        assertSysdigError(
          await call(app, 'PUT', url, headers, editBody(ops, { filter: 'job = "x"' })),
          403,
          NO_PRIVILEGE,
          message,
        );
        const member = await newPerson(app, w);
        // sdcclient sends the filter it read back (null here), or "" : neither is a change of scope.
        const res = await call(
          app,
          'PUT',
          url,
          headers,
          editBody(ops, { filter: '', userRoles: [{ userId: member.id, role: 'ROLE_TEAM_READ' }] }),
        );
        assert.equal(res.statusCode, 200, res.body);
        assert.deepEqual(res.json(), {
          team: fixtureTeamBody(w, w.operations, {
            version: 2,
            description: '',
            canUseRapidResponse: false,
            userRoles: [role(member, 'ROLE_TEAM_READ')],
            lastUpdated: clock.now(),
          }),
        });
      });

      it("lets a team's ROLE_TEAM_MANAGER change its memberships only (403 otherwise); others get 403 or 404", async () => {
        const app = t.app();
        const w = await world(app);
        const [manager, editor, newcomer, outsider] = [
          await newPerson(app, w, 'M'),
          await newPerson(app, w, 'E'),
          await newPerson(app, w, 'N'),
          await newPerson(app, w, 'O'),
        ];
        const created = await createTeam(app, w, 'Managed', {
          users: undefined,
          userRoles: [
            { userId: manager.id, role: 'ROLE_TEAM_MANAGER' },
            { userId: editor.id, role: 'ROLE_TEAM_EDIT' },
          ],
        });
        await insertMembership(app, w.operations.id, outsider.id, 'ROLE_TEAM_EDIT');
        const url = `/api/teams/${created.id}`;
        const current = await getTeam(app, w, created.id);
        const withNewcomer = [
          { userId: manager.id, role: 'ROLE_TEAM_MANAGER' },
          { userId: editor.id, role: 'ROLE_TEAM_EDIT' },
          { userId: newcomer.id, role: 'ROLE_TEAM_READ' },
        ];
        assertSysdigError(
          await call(
            app,
            'PUT',
            url,
            await manager.headers(created.id),
            editBody(current, { theme: '#123456', filter: 'job = "x"' }),
          ),
          403,
          NO_PRIVILEGE,
          "A team manager can change the team's memberships only; changing filter, theme needs an instance administrator",
        );
        assertSysdigError(
          await call(app, 'PUT', url, await editor.headers(created.id), editBody(current, { userRoles: withNewcomer })),
          403,
          NO_PRIVILEGE,
          "Only instance administrators and the team's managers can edit a team",
        );
        notFound(
          await call(app, 'PUT', url, await outsider.headers(), editBody(current, { userRoles: withNewcomer })),
          `Team ${created.id}`,
        );
        const res = await call(
          app,
          'PUT',
          url,
          await manager.headers(created.id),
          editBody(current, { userRoles: withNewcomer }),
        );
        assert.equal(res.statusCode, 200, res.body);
        assert.deepEqual(await membershipsOf(app, created.id), [
          [manager.id, 'ROLE_TEAM_MANAGER'],
          [editor.id, 'ROLE_TEAM_EDIT'],
          [newcomer.id, 'ROLE_TEAM_READ'],
        ]);
        assert.equal((await auditOf(app, created.id)).at(-1)?.actor, manager.user.iamId);
      });

      it("is 404 for another instance's team", async () => {
        const app = t.app();
        const w = await world(app);
        const other = await insertInstance(app);
        const foreign = await insertTeam(app, other.instance.guid, 'Foreign');
        notFound(
          await call(app, 'PUT', `/api/teams/${foreign.id}`, await w.admin.headers(), { name: 'Mine now', version: 1 }),
          `Team ${foreign.id}`,
        );
        assert.equal((await teamRow(app, foreign.id))?.name, 'Foreign');
      });
    });

    describe('DELETE /api/teams/:id', () => {
      it('deletes a team with its memberships and tokens (204), announces and audits it', async () => {
        const app = t.app();
        const w = await world(app);
        const member = await newPerson(app, w);
        const created = await createTeam(app, w, 'Doomed', {
          users: undefined,
          userRoles: [{ userId: member.id, role: 'ROLE_TEAM_EDIT' }],
        });
        await app.monitor.ctx.repositories.users.update(member.id, { current_team_id: created.id });
        let res: LightMyRequestResponse | undefined;
        const changes = await feedDuring(app, async () => {
          res = await call(app, 'DELETE', `/api/teams/${created.id}`, await w.admin.headers());
        });
        assert.equal(res?.statusCode, 204, res?.body);
        assert.equal(res?.body, '');
        assert.equal(await teamRow(app, created.id), undefined);
        assert.deepEqual(await membershipsOf(app, created.id), []);
        assert.equal((await app.monitor.ctx.repositories.users.findById(member.id))?.current_team_id, null);
        assertPublished(changes, { topic: 'monitor-team', key: String(created.id) });
        assert.deepEqual((await auditOf(app, created.id)).at(-1), {
          action: 'monitor_team.delete',
          actor: app.admin.iamId,
          details: { instance_guid: w.instance.guid, name: 'Doomed' },
        });
        notFound(await call(app, 'DELETE', `/api/teams/${created.id}`, await w.admin.headers()), `Team ${created.id}`);
      });

      it('refuses the default team and anyone but an administrator (403); 404 elsewhere', async () => {
        const app = t.app();
        const w = await world(app);
        const manager = await newPerson(app, w);
        const created = await createTeam(app, w, 'Kept', {
          users: undefined,
          userRoles: [{ userId: manager.id, role: 'ROLE_TEAM_MANAGER' }],
        });
        assertSysdigError(
          await call(app, 'DELETE', `/api/teams/${w.operations.id}`, await w.admin.headers()),
          403,
          NO_PRIVILEGE,
          "Monitor Operations is the instance's default team and cannot be deleted",
        );
        assertSysdigError(
          await call(app, 'DELETE', `/api/teams/${created.id}`, await manager.headers(created.id)),
          403,
          NO_PRIVILEGE,
          'Only instance administrators can delete teams',
        );
        const other = await insertInstance(app);
        notFound(
          await call(app, 'DELETE', `/api/teams/${other.operations.id}`, await w.admin.headers()),
          `Team ${other.operations.id}`,
        );
        assert.ok(await teamRow(app, created.id));
        assert.ok(await teamRow(app, w.operations.id));
        assert.ok(await teamRow(app, other.operations.id));
      });
    });

    describe('GET /api/v2/teams/light/name/:name', () => {
      it('finds a team by its URL-decoded name', async () => {
        const app = t.app();
        const w = await world(app);
        const created = await createTeam(app, w, 'Équipe / nuit');
        for (const [url, team] of [
          ['/api/v2/teams/light/name/Monitor%20Operations', w.operations],
          [`/api/v2/teams/light/name/${encodeURIComponent('Équipe / nuit')}`, undefined],
        ] as const) {
          const res = await call(app, 'GET', url, await w.admin.headers());
          assert.equal(res.statusCode, 200, res.body);
          const expected = team
            ? {
                id: team.id,
                version: 1,
                name: 'Monitor Operations',
                description: '',
                theme: '#7BB0B2',
                show: 'host',
                immutable: true,
                default: true,
                products: ['SDC'],
                origin: 'SYSDIG',
                customerId: customerIdOf(w.instance.guid),
                dateCreated: Date.parse(team.created_at),
                lastUpdated: Date.parse(team.modified_at),
              }
            : {
                id: created.id,
                version: 1,
                name: 'Équipe / nuit',
                description: '',
                theme: '#7BB0B2',
                show: 'host',
                immutable: false,
                default: false,
                products: ['SDC'],
                origin: 'SYSDIG',
                customerId: customerIdOf(w.instance.guid),
                dateCreated: clock.now(),
                lastUpdated: clock.now(),
              };
          assert.deepEqual(res.json(), { team: expected });
        }
      });

      it("is 404 for an unknown name, a team the caller has no role in and another instance's team", async () => {
        const app = t.app();
        const w = await world(app);
        await createTeam(app, w, 'Secret');
        const other = await insertInstance(app);
        await insertTeam(app, other.instance.guid, 'Foreign');
        const member = await newPerson(app, w);
        await insertMembership(app, w.operations.id, member.id, 'ROLE_TEAM_READ');
        notFound(await call(app, 'GET', '/api/v2/teams/light/name/Nope', await w.admin.headers()), 'Team "Nope"');
        notFound(await call(app, 'GET', '/api/v2/teams/light/name/Secret', await member.headers()), 'Team "Secret"');
        notFound(await call(app, 'GET', '/api/v2/teams/light/name/Foreign', await w.admin.headers()), 'Team "Foreign"');
      });
    });
  },
  { clock },
);
