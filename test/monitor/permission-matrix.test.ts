import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import type { MonitorInstanceRow, MonitorTeamRow } from '../../src/platform/db/schema.js';
import { createServiceId } from '../../src/testing/identity-fixtures.js';
import {
  grantMonitorRole,
  iamHeaders,
  insertInstance,
  insertMembership,
  insertTeam,
} from '../../src/testing/monitor-fixtures.js';
import { bearer, describeEachDatabase, type TestApp } from '../../src/testing/test-app.js';

/**
 * The permission matrix of the Sysdig-compatible Monitor API: role × route × credential kind × target, every cell
 * asserted with its exact status, and with its whole body for a denial.
 *
 * The world: account 1 has instance I (teams Monitor Operations, A, B) and instance I2 (Monitor Operations, C);
 * account 2 has instance X. The roles, all in account 1: the account administrator, a Manager of I (policy), a
 * Writer on I, a Reader on team A only, a user without access, and a service ID with Writer on I.
 *
 * Targets: routes about an object (a team, a user, a member's token) are called in the caller's own context (I, team
 * A) on an object of team A ("own team"), of team B ("other team"), of instance I2 ("other instance") or of account 2
 * ("other account"). Routes without an object are called with the context itself as target: IBMInstanceID I with
 * SysdigTeamID A or B, IBMInstanceID I2 or X without SysdigTeamID (the identity's default team).
 *
 * Credentials: an IAM token with IBMInstanceID (and SysdigTeamID); the caller's Monitor API token for team A (read with
 * GET /api/token); none; garbage; an IAM token without IBMInstanceID. A Monitor token names its team, so routes
 * without an object have only the "own team" cell for it, and it must act exactly as its owner's IAM token in that
 * team: its rows are the IAM rows.
 */

const ACTORS = ['accountAdmin', 'manager', 'writer', 'readerA', 'noAccess', 'serviceWriter'] as const;
type Actor = (typeof ACTORS)[number];
const TARGETS = ['ownTeam', 'otherTeam', 'otherInstance', 'otherAccount'] as const;
type Target = (typeof TARGETS)[number];

/**
 * What a cell answers. `ok`: the route's success status and body. `forbidden` / `notFound`: the route's own 403 / 404.
 * The others come from authentication: `notMember` (SysdigTeamID names a team the caller has no role in, 403),
 * `noTeam` (no role in any team of the instance, 403), `noInstance` (the instance is not in the caller's account, 404).
 */
type Outcome = 'ok' | 'forbidden' | 'notFound' | 'notMember' | 'noTeam' | 'noInstance';
type Row = readonly [ownTeam: Outcome, otherTeam: Outcome, otherInstance: Outcome, otherAccount: Outcome];

interface World {
  readonly app: TestApp;
  readonly i: MonitorInstanceRow;
  readonly i2: MonitorInstanceRow;
  readonly x: MonitorInstanceRow;
  readonly teams: Record<Target, MonitorTeamRow>;
  /** IAM tokens of the roles. */
  readonly tokens: Record<Actor, string>;
  /** The roles' Monitor user ids in I. */
  readonly monitorIds: Partial<Record<Actor, number>>;
  /** A member of each target team, for the member-token and user routes: username and Monitor user id. */
  readonly members: Record<Target, { username: string; id: number }>;
  counter: number;
}

interface Call {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly url: string;
  readonly payload?: Record<string, unknown>;
  /** The messages of this call's own 403 and 404, when the route has them. */
  readonly forbidden?: string;
  readonly notFound?: string;
}

interface RouteSpec {
  readonly route: string;
  /** `context`: the target is the request's context (headers); `object`: an object named in the path. */
  readonly kind: 'context' | 'object';
  readonly okStatus: number;
  /** The top-level key of the success body; none for 204. */
  readonly okKey?: string;
  readonly call: (w: World, actor: Actor, target: Target) => Promise<Call>;
  readonly expect: Record<Actor, Row>;
}

const REASON_403 = 'Not enough privileges to complete the action';
const AUTH_OUTCOMES: Record<'notMember' | 'noTeam' | 'noInstance', [number, string, string]> = {
  notMember: [403, REASON_403, 'You are not a member of this team'],
  noTeam: [403, REASON_403, 'You have no access to any team of this monitoring instance'],
  noInstance: [404, 'Not Found', 'Monitoring instance not found'],
};

const onlyUsersAdmin = (what: string) => `Only administrators of this monitoring instance can ${what}`;
const teamNotFound = (team: MonitorTeamRow) => `Team ${team.id} not found`;

/** The same row for every target, for readability. */
const all = (o: Outcome): Row => [o, o, o, o];

/** Context routes that everyone with a role may call: the caller's own things, lists of what they see. */
const EVERYONE_IN_CONTEXT: Record<Actor, Row> = {
  accountAdmin: ['ok', 'ok', 'ok', 'noInstance'],
  manager: ['ok', 'ok', 'noTeam', 'noInstance'],
  writer: ['ok', 'ok', 'noTeam', 'noInstance'],
  readerA: ['ok', 'notMember', 'noTeam', 'noInstance'],
  noAccess: ['notMember', 'notMember', 'noTeam', 'noInstance'],
  serviceWriter: ['ok', 'ok', 'noTeam', 'noInstance'],
};

/** Context routes for instance administrators only. */
const ADMINS_IN_CONTEXT: Record<Actor, Row> = {
  accountAdmin: ['ok', 'ok', 'ok', 'noInstance'],
  manager: ['ok', 'ok', 'noTeam', 'noInstance'],
  writer: ['forbidden', 'forbidden', 'noTeam', 'noInstance'],
  readerA: ['forbidden', 'notMember', 'noTeam', 'noInstance'],
  noAccess: ['notMember', 'notMember', 'noTeam', 'noInstance'],
  serviceWriter: ['forbidden', 'forbidden', 'noTeam', 'noInstance'],
};

/** Object routes for instance administrators only, checked before the object is looked up. */
const ADMINS_ON_OBJECTS: Record<Actor, Row> = {
  accountAdmin: ['ok', 'ok', 'notFound', 'notFound'],
  manager: ['ok', 'ok', 'notFound', 'notFound'],
  writer: all('forbidden'),
  readerA: all('forbidden'),
  noAccess: all('notMember'),
  serviceWriter: all('forbidden'),
};

/** A fresh team to delete: in team A's instance with the caller as a reading member ("own"), or without them. */
async function victimTeam(w: World, actor: Actor, target: Target): Promise<MonitorTeamRow> {
  const instance = { ownTeam: w.i, otherTeam: w.i, otherInstance: w.i2, otherAccount: w.x }[target];
  const team = await insertTeam(w.app, instance.guid, `victim-${w.counter++}`);
  const member = w.monitorIds[actor];
  // A Reader of team A only reads this team through a membership; for the others it changes nothing.
  if (target === 'ownTeam' && actor !== 'noAccess' && member !== undefined) {
    await insertMembership(w.app, team.id, member, 'ROLE_TEAM_READ');
  }
  return team;
}

/** A fresh invited user to delete, a member of the target team. */
async function victimUser(w: World, target: Target): Promise<number> {
  const team = w.teams[target];
  const now = new Date(w.app.clock.now()).toISOString();
  const row = await w.app.database.db
    .insertInto('monitor_users')
    .values({
      instance_guid: team.instance_guid,
      iam_id: null,
      username: `victim-${w.counter++}@example.test`,
      first_name: '',
      last_name: '',
      system_role: 'ROLE_USER',
      enabled: 1,
      current_team_id: null,
      version: 1,
      created_at: now,
      modified_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await insertMembership(w.app, team.id, row.id, 'ROLE_TEAM_READ');
  return row.id;
}

const ROUTES: RouteSpec[] = [
  {
    route: 'GET /api/user/me',
    kind: 'context',
    okStatus: 200,
    okKey: 'user',
    call: async () => ({ method: 'GET', url: '/api/user/me' }),
    expect: EVERYONE_IN_CONTEXT,
  },
  {
    route: 'GET /api/users',
    kind: 'context',
    okStatus: 200,
    okKey: 'users',
    call: async () => ({ method: 'GET', url: '/api/users' }),
    expect: EVERYONE_IN_CONTEXT,
  },
  {
    route: 'POST /api/users',
    kind: 'context',
    okStatus: 201,
    okKey: 'user',
    call: async (w) => ({
      method: 'POST',
      url: '/api/users',
      payload: { username: `invitee-${w.counter++}@example.test` },
      forbidden: onlyUsersAdmin('invite users'),
    }),
    expect: ADMINS_IN_CONTEXT,
  },
  {
    route: 'PUT /api/users/{id}',
    kind: 'object',
    okStatus: 200,
    okKey: 'user',
    call: async (w, _actor, target) => {
      const member = w.members[target];
      const row = await w.app.database.db
        .selectFrom('monitor_users')
        .select(['version', 'first_name'])
        .where('id', '=', member.id)
        .executeTakeFirstOrThrow();
      return {
        method: 'PUT',
        url: `/api/users/${member.id}`,
        payload: { version: row.version, firstName: row.first_name },
        forbidden: onlyUsersAdmin('edit users'),
        notFound: 'User not found',
      };
    },
    expect: ADMINS_ON_OBJECTS,
  },
  {
    route: 'DELETE /api/users/{id}',
    kind: 'object',
    okStatus: 204,
    call: async (w, _actor, target) => ({
      method: 'DELETE',
      url: `/api/users/${await victimUser(w, target)}`,
      forbidden: onlyUsersAdmin('delete users'),
      notFound: 'User not found',
    }),
    expect: ADMINS_ON_OBJECTS,
  },
  {
    route: 'GET /api/teams',
    kind: 'context',
    okStatus: 200,
    okKey: 'teams',
    call: async () => ({ method: 'GET', url: '/api/teams' }),
    expect: EVERYONE_IN_CONTEXT,
  },
  {
    route: 'POST /api/teams',
    kind: 'context',
    okStatus: 201,
    okKey: 'team',
    call: async (w) => ({
      method: 'POST',
      url: '/api/teams',
      payload: { name: `matrix-${w.counter++}`, users: [] },
      forbidden: 'Only instance administrators can create teams',
    }),
    expect: ADMINS_IN_CONTEXT,
  },
  {
    route: 'GET /api/teams/{id}',
    kind: 'object',
    okStatus: 200,
    okKey: 'team',
    call: async (w, _actor, target) => ({
      method: 'GET',
      url: `/api/teams/${w.teams[target].id}`,
      notFound: teamNotFound(w.teams[target]),
    }),
    expect: {
      accountAdmin: ['ok', 'ok', 'notFound', 'notFound'],
      manager: ['ok', 'ok', 'notFound', 'notFound'],
      writer: ['ok', 'ok', 'notFound', 'notFound'],
      readerA: ['ok', 'notFound', 'notFound', 'notFound'],
      noAccess: all('notMember'),
      serviceWriter: ['ok', 'ok', 'notFound', 'notFound'],
    },
  },
  {
    route: 'PUT /api/teams/{id}',
    kind: 'object',
    okStatus: 200,
    okKey: 'team',
    call: async (w, _actor, target) => {
      const team = await w.app.database.db
        .selectFrom('monitor_teams')
        .selectAll()
        .where('id', '=', w.teams[target].id)
        .executeTakeFirstOrThrow();
      return {
        method: 'PUT',
        url: `/api/teams/${team.id}`,
        payload: { id: team.id, version: team.version, name: team.name },
        forbidden: "Only instance administrators and the team's managers can edit a team",
        notFound: teamNotFound(team),
      };
    },
    expect: {
      accountAdmin: ['ok', 'ok', 'notFound', 'notFound'],
      manager: ['ok', 'ok', 'notFound', 'notFound'],
      writer: ['forbidden', 'forbidden', 'notFound', 'notFound'],
      readerA: ['forbidden', 'notFound', 'notFound', 'notFound'],
      noAccess: all('notMember'),
      serviceWriter: ['forbidden', 'forbidden', 'notFound', 'notFound'],
    },
  },
  {
    route: 'DELETE /api/teams/{id}',
    kind: 'object',
    okStatus: 204,
    call: async (w, actor, target) => {
      const team = await victimTeam(w, actor, target);
      return {
        method: 'DELETE',
        url: `/api/teams/${team.id}`,
        forbidden: 'Only instance administrators can delete teams',
        notFound: teamNotFound(team),
      };
    },
    expect: {
      accountAdmin: ['ok', 'ok', 'notFound', 'notFound'],
      manager: ['ok', 'ok', 'notFound', 'notFound'],
      writer: ['forbidden', 'forbidden', 'notFound', 'notFound'],
      readerA: ['forbidden', 'notFound', 'notFound', 'notFound'],
      noAccess: all('notMember'),
      serviceWriter: ['forbidden', 'forbidden', 'notFound', 'notFound'],
    },
  },
  {
    route: 'GET /api/token',
    kind: 'context',
    okStatus: 200,
    okKey: 'token',
    call: async () => ({ method: 'GET', url: '/api/token' }),
    expect: EVERYONE_IN_CONTEXT,
  },
  {
    route: 'GET /api/token/{username}/{teamId}',
    kind: 'object',
    okStatus: 200,
    okKey: 'token',
    call: async (w, _actor, target) => ({
      method: 'GET',
      url: `/api/token/${w.members[target].username}/${w.teams[target].id}`,
      forbidden:
        target === 'ownTeam'
          ? "Only instance administrators and this team's managers may see or reset another member's token"
          : 'Only instance administrators may see or reset the tokens of a team other than the one you act in (SysdigTeamID)',
      notFound: 'Team not found',
    }),
    expect: {
      accountAdmin: ['ok', 'ok', 'notFound', 'notFound'],
      manager: ['ok', 'ok', 'notFound', 'notFound'],
      writer: ['forbidden', 'forbidden', 'notFound', 'notFound'],
      readerA: ['forbidden', 'forbidden', 'notFound', 'notFound'],
      noAccess: all('notMember'),
      serviceWriter: ['forbidden', 'forbidden', 'notFound', 'notFound'],
    },
  },
  {
    route: 'POST /api/token/reset',
    kind: 'context',
    okStatus: 200,
    okKey: 'token',
    call: async () => ({
      method: 'POST',
      url: '/api/token/reset',
      payload: {},
      forbidden: 'Only instance administrators and team managers may reset Monitor API tokens: ask one to reset yours',
    }),
    // Resetting is an administration right, even for one's own token (instance administrators, team managers).
    expect: ADMINS_IN_CONTEXT,
  },
];

/** IAM headers for a context target; object routes always act in (I, team A). */
function iamContext(w: World, token: string, target: Target): Record<string, string> {
  switch (target) {
    case 'ownTeam':
      return iamHeaders(token, w.i.guid, w.teams.ownTeam.id);
    case 'otherTeam':
      return iamHeaders(token, w.i.guid, w.teams.otherTeam.id);
    case 'otherInstance':
      return iamHeaders(token, w.i2.guid);
    case 'otherAccount':
      return iamHeaders(token, w.x.guid);
  }
}

/** The actor's current Monitor API token for team A (read each time: a reset cell replaces it). */
async function monitorToken(w: World, actor: Actor): Promise<string> {
  const res = await w.app.http.inject({
    method: 'GET',
    url: '/api/token',
    headers: iamContext(w, w.tokens[actor], 'ownTeam'),
  });
  assert.equal(res.statusCode, 200, res.body);
  return (res.json() as { token: { key: string } }).token.key;
}

/** Compares a response with the expected outcome; returns a description of the difference, or null. */
function mismatch(spec: RouteSpec, call: Call, outcome: Outcome, res: LightMyRequestResponse): string | null {
  let expected: { status: number; body?: unknown };
  if (outcome === 'ok') expected = { status: spec.okStatus };
  else if (outcome === 'forbidden') expected = error(403, REASON_403, call.forbidden);
  else if (outcome === 'notFound') expected = error(404, 'Not Found', call.notFound);
  else {
    const [status, reason, message] = AUTH_OUTCOMES[outcome];
    expected = error(status, reason, message);
  }
  const body: unknown = res.body === '' ? undefined : res.json();
  if (res.statusCode !== expected.status)
    return `${outcome}: expected ${expected.status}, got ${res.statusCode} ${res.body}`;
  if (outcome !== 'ok') {
    try {
      assert.deepEqual(body, expected.body);
    } catch {
      return `${outcome}: body ${res.body}, expected ${JSON.stringify(expected.body)}`;
    }
    return null;
  }
  if (spec.okKey === undefined) return res.body === '' ? null : `ok: expected no body, got ${res.body}`;
  const value = (body as Record<string, unknown> | undefined)?.[spec.okKey];
  return typeof value === 'object' && value !== null ? null : `ok: expected {${spec.okKey}: …}, got ${res.body}`;
}

function error(status: number, reason: string, message: string | undefined): { status: number; body: unknown } {
  assert.ok(message, `the route has a message for ${status}`);
  return { status, body: { errors: [{ reason, message }] } };
}

async function buildWorld(app: TestApp): Promise<World> {
  const { instance: i, operations } = await insertInstance(app, { name: 'I' });
  const teamA = await insertTeam(app, i.guid, 'Team A');
  const teamB = await insertTeam(app, i.guid, 'Team B');
  const { instance: i2 } = await insertInstance(app, { name: 'I2' });
  const teamC = await insertTeam(app, i2.guid, 'Team C');
  const owner2 = await app.createAccount();
  const { instance: x, operations: opsX } = await insertInstance(app, { name: 'X', accountId: owner2.accountId });
  void operations;

  const manager = await app.createUser({ name: 'Mona Manager' });
  const writer = await app.createUser({ name: 'Walt Writer' });
  const readerA = await app.createUser({ name: 'Rita Reader' });
  const noAccess = await app.createUser({ name: 'Otto Outsider' });
  const sid = await createServiceId(app, app.accountId, 'matrix-robot');
  await grantMonitorRole(app, manager.iamId, 'Manager', { instanceGuid: i.guid });
  await grantMonitorRole(app, writer.iamId, 'Writer', { instanceGuid: i.guid });
  await grantMonitorRole(app, readerA.iamId, 'Reader', { instanceGuid: i.guid, teamId: teamA.id });
  await grantMonitorRole(app, sid.iamId, 'Writer', { instanceGuid: i.guid });

  // Members of each target team, provisioned by their first request.
  const peerA = await app.createUser({ name: 'Peer A' });
  const peerB = await app.createUser({ name: 'Peer B' });
  const peerC = await app.createUser({ name: 'Peer C' });
  await grantMonitorRole(app, peerA.iamId, 'Reader', { instanceGuid: i.guid, teamId: teamA.id });
  await grantMonitorRole(app, peerB.iamId, 'Reader', { instanceGuid: i.guid, teamId: teamB.id });
  await grantMonitorRole(app, peerC.iamId, 'Reader', { instanceGuid: i2.guid, teamId: teamC.id });

  const w: World = {
    app,
    i,
    i2,
    x,
    teams: { ownTeam: teamA, otherTeam: teamB, otherInstance: teamC, otherAccount: opsX },
    tokens: {
      accountAdmin: await app.admin.token(),
      manager: await manager.token(),
      writer: await writer.token(),
      readerA: await readerA.token(),
      noAccess: await noAccess.token(),
      serviceWriter: await app.tokenFor(sid.iamId),
    },
    monitorIds: {},
    members: {} as World['members'],
    counter: 0,
  };
  const me = async (token: string, guid: string, teamId?: number): Promise<{ id: number; username: string }> => {
    const res = await app.http.inject({ method: 'GET', url: '/api/user/me', headers: iamHeaders(token, guid, teamId) });
    assert.equal(res.statusCode, 200, res.body);
    return (res.json() as { user: { id: number; username: string } }).user;
  };
  for (const actor of ACTORS) {
    if (actor !== 'noAccess') w.monitorIds[actor] = (await me(w.tokens[actor], i.guid, teamA.id)).id;
  }
  w.members.ownTeam = await me(await peerA.token(), i.guid);
  w.members.otherTeam = await me(await peerB.token(), i.guid);
  w.members.otherInstance = await me(await peerC.token(), i2.guid);
  w.members.otherAccount = await me(await owner2.token(), x.guid);
  return w;
}

describeEachDatabase('Monitor API permission matrix', (t) => {
  let w: World;
  before(async () => {
    w = await buildWorld(t.app());
  });

  for (const spec of ROUTES) {
    describe(spec.route, () => {
      it('IAM token with IBMInstanceID (and SysdigTeamID): every role × target', async () => {
        const problems: string[] = [];
        for (const actor of ACTORS) {
          for (const [index, target] of TARGETS.entries()) {
            const call = await spec.call(w, actor, target);
            const headers = iamContext(w, w.tokens[actor], spec.kind === 'context' ? target : 'ownTeam');
            const res = await w.app.http.inject({ method: call.method, url: call.url, headers, payload: call.payload });
            const problem = mismatch(spec, call, spec.expect[actor][index] as Outcome, res);
            if (problem) problems.push(`${actor} × ${target}: ${problem}`);
          }
        }
        assert.deepEqual(problems, []);
      });

      it('Monitor API token of team A: acts exactly as its owner’s IAM token there', async () => {
        const problems: string[] = [];
        const targets = spec.kind === 'context' ? TARGETS.slice(0, 1) : TARGETS;
        for (const actor of ACTORS) {
          if (actor === 'noAccess') continue; // has no Monitor token: see below
          for (const [index, target] of targets.entries()) {
            const call = await spec.call(w, actor, target);
            const headers = bearer(await monitorToken(w, actor));
            const res = await w.app.http.inject({ method: call.method, url: call.url, headers, payload: call.payload });
            const problem = mismatch(spec, call, spec.expect[actor][index] as Outcome, res);
            if (problem) problems.push(`${actor} × ${target}: ${problem}`);
          }
        }
        assert.deepEqual(problems, []);
      });

      it('no credential, garbage, an unknown Monitor token: 401; an IAM token without IBMInstanceID: 400', async () => {
        const unknownToken = `vigil_mt_${'0'.repeat(36)}`;
        const credentials: [string, Record<string, string>, number, string, string][] = [
          ['none', {}, 401, 'Unauthorized', 'Bad credentials'],
          ['garbage', { authorization: 'Bearer garbage' }, 401, 'Unauthorized', 'Bad credentials'],
          ['unknown Monitor token', bearer(unknownToken), 401, 'Unauthorized', 'Bad credentials'],
          [
            'IAM without IBMInstanceID',
            bearer(w.tokens.accountAdmin),
            400,
            'Bad Request',
            'An IAM token needs the IBMInstanceID header naming the monitoring instance',
          ],
        ];
        const problems: string[] = [];
        for (const target of TARGETS) {
          for (const [name, headers, status, reason, message] of credentials) {
            const call = await spec.call(w, 'accountAdmin', target);
            const res = await w.app.http.inject({ method: call.method, url: call.url, headers, payload: call.payload });
            try {
              assert.equal(res.statusCode, status);
              assert.deepEqual(res.json(), { errors: [{ reason, message }] });
            } catch {
              problems.push(`${name} × ${target}: ${res.statusCode} ${res.body}`);
            }
          }
        }
        assert.deepEqual(problems, []);
      });
    });
  }

  it('a user without access cannot obtain a Monitor API token', async () => {
    const res = await w.app.http.inject({
      method: 'GET',
      url: '/api/token',
      headers: iamContext(w, w.tokens.noAccess, 'ownTeam'),
    });
    assert.equal(res.statusCode, 403);
    assert.deepEqual(res.json(), { errors: [{ reason: REASON_403, message: 'You are not a member of this team' }] });
  });
});
