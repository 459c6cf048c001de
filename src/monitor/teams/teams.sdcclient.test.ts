import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { MonitorInstanceRow } from '../../platform/db/schema.js';
import { insertInstance, insertMembership, provisionUser } from '../../testing/monitor-fixtures.js';
import { describeEachDatabase, type TestApp, type TestUser } from '../../testing/test-app.js';

/**
 * Replays, over a real socket, the requests the Python sdcclient (v0.18/v0.19 `_SdcCommon`) sends for team management
 * in IBM mode (reference/monitor-api.md §1–§3): every request carries `Content-Type: application/json`,
 * `Authorization: Bearer <IAM token>` and `IBMInstanceID` (its `custom_headers`), bodies are `json.dumps` strings, paths
 * are percent-encoded by `requests`, and results follow sdcclient's `[ok, payload]` convention with its error text.
 * The port below follows sdcclient's code line by line, so the request sequence is the one the real client sends.
 */

type Json = Record<string, unknown>;
type Result = [true, unknown] | [false, string];

interface SentRequest {
  readonly method: string;
  readonly path: string;
  readonly body?: string;
}

/** Python's `json.dumps` with its default separators and `ensure_ascii`. */
function pyDumps(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean' || typeof value === 'number') return JSON.stringify(value);
  if (typeof value === 'string') {
    return JSON.stringify(value).replace(
      /[\u007f-\uffff]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
  }
  if (Array.isArray(value)) return `[${value.map(pyDumps).join(', ')}]`;
  return `{${Object.entries(value as Json)
    .map(([k, v]) => `${pyDumps(k)}: ${pyDumps(v)}`)
    .join(', ')}}`;
}

/** The parts of sdcclient's `_SdcCommon` that manage teams, ported as written. */
class SdcClient {
  readonly sent: SentRequest[] = [];
  private lasterr: string | null = null;
  private readonly hdrs: Record<string, string>;

  constructor(
    private readonly url: string,
    token: string,
    customHeaders: Record<string, string>,
  ) {
    this.hdrs = { 'Content-Type': 'application/json', Authorization: `Bearer ${token}`, ...customHeaders };
  }

  private async request(method: string, path: string, body?: Json): Promise<{ status: number; text: string }> {
    // requests' requote_uri: spaces and non-ASCII characters are percent-encoded, '/' is kept.
    const encoded = encodeURI(path);
    const data = body === undefined ? undefined : pyDumps(body);
    this.sent.push({ method, path: encoded, ...(data !== undefined ? { body: data } : {}) });
    const res = await fetch(this.url + encoded, {
      method,
      headers: {
        ...this.hdrs,
        'User-Agent': 'python-requests/2.32.3',
        'Accept-Encoding': 'gzip, deflate',
        Accept: '*/*',
      },
      ...(data !== undefined ? { body: data } : {}),
    });
    return { status: res.status, text: await res.text() };
  }

  private checkResponse(res: { status: number; text: string }): boolean {
    if (res.status < 300) return true;
    let j: Json;
    try {
      j = JSON.parse(res.text) as Json;
    } catch {
      this.lasterr = `status code ${res.status}`;
      return false;
    }
    if ('errors' in j) {
      this.lasterr = (j['errors'] as Json[])
        .map((e) => [e['message'], e['reason']].filter((x) => x !== undefined).join(': '))
        .join('\n');
    } else if ('message' in j) this.lasterr = String(j['message']);
    else if ('error' in j) this.lasterr = String(j['error']);
    else this.lasterr = `status code ${res.status}`;
    return false;
  }

  private requestResult(res: { status: number; text: string }): Result {
    if (!this.checkResponse(res)) return [false, this.lasterr ?? ''];
    return [true, JSON.parse(res.text)];
  }

  async getTeamById(id: number): Promise<Result> {
    const res = await this.request('GET', `/api/teams/${id}`);
    if (!this.checkResponse(res)) return [false, this.lasterr ?? ''];
    return [true, (JSON.parse(res.text) as Json)['team']];
  }

  async getTeam(name: string): Promise<Result> {
    const res = await this.request('GET', `/api/v2/teams/light/name/${name}`);
    if (!this.checkResponse(res)) return [false, this.lasterr ?? ''];
    const light = (JSON.parse(res.text) as { team: { id: number } }).team;
    const [ok, team] = await this.getTeamById(light.id);
    if (!ok) return [false, this.lasterr ?? ''];
    return [true, team];
  }

  private async getUserIdDict(users: string[]): Promise<[boolean, Map<string, number> | string]> {
    const res = await this.request('GET', '/api/users');
    if (!this.checkResponse(res)) return [false, this.lasterr ?? ''];
    const all = (JSON.parse(res.text) as { users: { username: string; id: number }[] }).users;
    return [true, new Map(all.filter((x) => users.includes(x.username)).map((u) => [u.username, u.id]))];
  }

  private async getIdUserDict(userIds: number[]): Promise<[boolean, Map<number, string> | string]> {
    const res = await this.request('GET', '/api/users');
    if (!this.checkResponse(res)) return [false, this.lasterr ?? ''];
    const all = (JSON.parse(res.text) as { users: { username: string; id: number }[] }).users;
    return [true, new Map(all.filter((x) => userIds.includes(x.id)).map((u) => [u.id, u.username]))];
  }

  async createTeam(
    name: string,
    memberships: Map<string, string> | null = null,
    filter = '',
    description = '',
    show = 'host',
    theme = '#7BB0B2',
  ): Promise<Result> {
    const reqbody: Json = {
      name,
      description,
      theme,
      show,
      canUseSysdigCapture: false,
      canUseCustomEvents: false,
      canUseAwsMetrics: false,
      canUseRapidResponse: false,
    };
    if (memberships && memberships.size > 0) {
      const [ok, res] = await this.getUserIdDict([...memberships.keys()]);
      if (!ok || typeof res === 'string') return [false, 'Could not fetch IDs for user names'];
      reqbody['userRoles'] = [...res].map(([userName, userId]) => ({ userId, role: memberships.get(userName) }));
    } else {
      reqbody['users'] = [];
    }
    if (filter !== '') reqbody['filter'] = filter;
    return this.requestResult(await this.request('POST', '/api/teams', reqbody));
  }

  async editTeam(
    name: string,
    memberships: Map<string, string> | null = null,
    filter: string | null = null,
    description: string | null = null,
  ): Promise<Result> {
    const [ok, found] = await this.getTeam(name);
    if (!ok) return [false, found];
    const team = found as Json;
    const reqbody: Json = {
      name,
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
    };
    for (const key of Object.keys(reqbody)) assert.ok(key === 'name' || reqbody[key] !== undefined, `KeyError: ${key}`);
    if (description !== null) reqbody['description'] = description;
    else if ('description' in team) reqbody['description'] = team['description'];
    if (memberships !== null) {
      const [, res] = await this.getUserIdDict([...memberships.keys()]);
      // sdcclient: `if not res:` — an empty dict (no members left) is refused client-side.
      if (typeof res === 'string' || res.size === 0) return [false, 'Could not convert user names to IDs'];
      reqbody['userRoles'] = [...res].map(([userName, userId]) => ({ userId, role: memberships.get(userName) }));
    } else if ('userRoles' in team) {
      reqbody['userRoles'] = team['userRoles'];
    } else {
      reqbody['userRoles'] = [];
    }
    if (filter !== null) reqbody['filter'] = filter;
    else if ('filter' in team) reqbody['filter'] = team['filter'];
    return this.requestResult(await this.request('PUT', `/api/teams/${String(team['id'])}`, reqbody));
  }

  async deleteTeam(name: string): Promise<Result> {
    const [ok, found] = await this.getTeam(name);
    if (!ok) return [false, found];
    const res = await this.request('DELETE', `/api/teams/${String((found as Json)['id'])}`);
    if (!this.checkResponse(res)) return [false, this.lasterr ?? ''];
    return [true, null];
  }

  async listMemberships(teamName: string): Promise<[true, Map<string, string>] | [false, string]> {
    const [ok, found] = await this.getTeam(teamName);
    if (!ok) return [false, found];
    const raw = (found as { userRoles: { userId: number; role: string }[] }).userRoles;
    const [ok2, res] = await this.getIdUserDict(raw.map((m) => m.userId));
    if (!ok2 || typeof res === 'string') return [false, 'Could not fetch IDs for user names'];
    return [true, new Map(raw.map((m) => [res.get(m.userId) as string, m.role]))];
  }

  async saveMemberships(team: string, memberships: Map<string, string>): Promise<Result> {
    const listed = await this.listMemberships(team);
    if (!listed[0]) return listed;
    const full = new Map([...listed[1], ...memberships]);
    const res = await this.editTeam(team, full);
    return res[0] ? [true, null] : res;
  }

  async removeMemberships(team: string, users: string[]): Promise<Result> {
    const listed = await this.listMemberships(team);
    if (!listed[0]) return listed;
    const remaining = new Map([...listed[1]].filter(([k]) => !users.includes(k)));
    const res = await this.editTeam(team, remaining);
    return res[0] ? [true, null] : res;
  }

  /** The requests sent since the last call, as `METHOD path`. */
  drain(): string[] {
    const lines = this.sent.map((r) => `${r.method} ${r.path}`);
    this.sent.length = 0;
    return lines;
  }
}

async function provisioned(app: TestApp, user: TestUser, instance: MonitorInstanceRow): Promise<number> {
  const row = await provisionUser(app, user, instance);
  return row.id;
}

describeEachDatabase('sdcclient team management against vigil (IAM mode, real socket)', (t) => {
  it('create_team → get_team → edit_team → list/save/remove_memberships → delete_team', async () => {
    const app = t.app();
    await app.http.listen({ port: 0, host: '127.0.0.1' });
    const address = app.http.server.address();
    assert.ok(address && typeof address === 'object');
    const base = `http://127.0.0.1:${address.port}`;
    const { instance, operations } = await insertInstance(app);
    const alice = await app.createUser({ email: 'alice@example.test', name: 'Alice A' });
    const bob = await app.createUser({ email: 'bob@example.test', name: 'Bob B' });
    const aliceId = await provisioned(app, alice, instance);
    const bobId = await provisioned(app, bob, instance);
    // IbmAuthHelper.get_headers → custom_headers; the token argument stays empty.
    const sdc = new SdcClient(base, '', {
      Authorization: `Bearer ${await app.admin.token()}`,
      IBMInstanceID: instance.guid,
    });

    // create_team('sdc team', {alice: EDIT}, filter, description)
    const created = await sdc.createTeam(
      'sdc team',
      new Map([['alice@example.test', 'ROLE_TEAM_EDIT']]),
      'kubernetes.namespace.name = "prod"',
      'made by sdcclient',
    );
    assert.equal(created[0], true, String(created[1]));
    const team = (created[1] as { team: Json & { id: number } }).team;
    assert.deepEqual(sdc.sent.at(-1), {
      method: 'POST',
      path: '/api/teams',
      body:
        '{"name": "sdc team", "description": "made by sdcclient", "theme": "#7BB0B2", "show": "host", ' +
        '"canUseSysdigCapture": false, "canUseCustomEvents": false, "canUseAwsMetrics": false, ' +
        `"canUseRapidResponse": false, "userRoles": [{"userId": ${aliceId}, "role": "ROLE_TEAM_EDIT"}], ` +
        '"filter": "kubernetes.namespace.name = \\"prod\\""}',
    });
    assert.deepEqual(sdc.drain(), ['GET /api/users', 'POST /api/teams']);
    assert.deepEqual(
      { name: team['name'], filter: team['filter'], description: team['description'], userRoles: team['userRoles'] },
      {
        name: 'sdc team',
        filter: 'kubernetes.namespace.name = "prod"',
        description: 'made by sdcclient',
        userRoles: [{ userId: aliceId, userName: 'alice@example.test', role: 'ROLE_TEAM_EDIT', admin: false }],
      },
    );

    // get_team: the light lookup by (percent-encoded) name, then the full team by id.
    const got = await sdc.getTeam('sdc team');
    assert.equal(got[0], true, String(got[1]));
    assert.deepEqual(got[1], team);
    assert.deepEqual(sdc.drain(), [`GET /api/v2/teams/light/name/sdc%20team`, `GET /api/teams/${team.id}`]);

    // edit_team: new scope and description, everything else as read back.
    const edited = await sdc.editTeam('sdc team', null, 'kubernetes.namespace.name in ("prod", "staging")', 'edited');
    assert.equal(edited[0], true, String(edited[1]));
    const afterEdit = (edited[1] as { team: Json }).team;
    assert.deepEqual(
      { version: afterEdit['version'], filter: afterEdit['filter'], description: afterEdit['description'] },
      { version: 2, filter: 'kubernetes.namespace.name in ("prod", "staging")', description: 'edited' },
    );
    assert.deepEqual(sdc.sent.at(-1), {
      method: 'PUT',
      path: `/api/teams/${team.id}`,
      body:
        '{"name": "sdc team", "theme": "#7BB0B2", "show": "host", "canUseSysdigCapture": false, ' +
        '"canUseCustomEvents": false, "canUseAwsMetrics": false, "canUseRapidResponse": false, ' +
        `"defaultTeamRole": "ROLE_TEAM_EDIT", "entryPoint": {"module": "Explore"}, "id": ${team.id}, "version": 1, ` +
        `"description": "edited", "userRoles": [{"userId": ${aliceId}, "userName": "alice@example.test", ` +
        '"role": "ROLE_TEAM_EDIT", "admin": false}], "filter": "kubernetes.namespace.name in (\\"prod\\", \\"staging\\")"}',
    });
    assert.deepEqual(sdc.drain(), [
      `GET /api/v2/teams/light/name/sdc%20team`,
      `GET /api/teams/${team.id}`,
      `PUT /api/teams/${team.id}`,
    ]);

    // list_memberships
    const listed = await sdc.listMemberships('sdc team');
    assert.deepEqual(listed, [true, new Map([['alice@example.test', 'ROLE_TEAM_EDIT']])]);
    const getTeamRequests = [`GET /api/v2/teams/light/name/sdc%20team`, `GET /api/teams/${team.id}`];
    assert.deepEqual(sdc.drain(), [...getTeamRequests, 'GET /api/users']);

    // save_memberships: add Bob as reader, promote Alice.
    const saved = await sdc.saveMemberships(
      'sdc team',
      new Map([
        ['bob@example.test', 'ROLE_TEAM_READ'],
        ['alice@example.test', 'ROLE_TEAM_MANAGER'],
      ]),
    );
    assert.deepEqual(saved, [true, null]);
    assert.deepEqual(sdc.drain(), [
      ...getTeamRequests,
      'GET /api/users',
      ...getTeamRequests,
      'GET /api/users',
      `PUT /api/teams/${team.id}`,
    ]);
    assert.deepEqual(await sdc.listMemberships('sdc team'), [
      true,
      new Map([
        ['alice@example.test', 'ROLE_TEAM_MANAGER'],
        ['bob@example.test', 'ROLE_TEAM_READ'],
      ]),
    ]);
    sdc.drain();

    // remove_memberships: Bob leaves.
    assert.deepEqual(await sdc.removeMemberships('sdc team', ['bob@example.test']), [true, null]);
    assert.deepEqual(sdc.drain(), [
      ...getTeamRequests,
      'GET /api/users',
      ...getTeamRequests,
      'GET /api/users',
      `PUT /api/teams/${team.id}`,
    ]);
    const rows = await app.database.db
      .selectFrom('monitor_memberships')
      .select(['user_id', 'role'])
      .where('team_id', '=', team.id)
      .execute();
    assert.deepEqual(rows, [{ user_id: aliceId, role: 'ROLE_TEAM_MANAGER' }]);
    assert.notEqual(aliceId, bobId);

    // A stale edit surfaces as sdcclient's error text ("message: reason").
    const [, current] = await sdc.getTeamById(team.id);
    sdc.drain();
    const put = await fetch(`${base}/api/teams/${team.id}`, {
      method: 'PUT',
      headers: {
        'Content-Type': 'application/json',
        Authorization: `Bearer ${await app.admin.token()}`,
        IBMInstanceID: instance.guid,
      },
      body: pyDumps({ ...(current as Json), version: 1 }),
    });
    assert.equal(put.status, 409);
    assert.deepEqual(await put.json(), {
      errors: [
        {
          reason: 'Conflict',
          message: 'The team has changed since version 1 was read (it is at version 4 now): read it again and retry',
        },
      ],
    });

    // delete_team, then get_team fails as sdcclient reports it.
    assert.deepEqual(await sdc.deleteTeam('sdc team'), [true, null]);
    assert.deepEqual(sdc.drain(), [...getTeamRequests, `DELETE /api/teams/${team.id}`]);
    assert.deepEqual(await sdc.getTeam('sdc team'), [false, 'Team "sdc team" not found: Not Found']);

    // Without administrator rights create_team fails with sdcclient's "message: reason".
    const bobClient = new SdcClient(base, '', {
      Authorization: `Bearer ${await bob.token()}`,
      IBMInstanceID: instance.guid,
    });
    await insertMembership(app, operations.id, bobId, 'ROLE_TEAM_MANAGER');
    assert.deepEqual(await bobClient.createTeam('bob team'), [
      false,
      'Only instance administrators can create teams: Not enough privileges to complete the action',
    ]);
  });
});
