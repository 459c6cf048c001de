import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { AddressInfo } from 'node:net';
import type { MonitorInstanceRow, MonitorTeamRow } from '../../src/platform/db/schema.js';
import { grantMonitorRole, iamHeaders, insertInstance } from '../../src/testing/monitor-fixtures.js';
import { describeEachDatabase, type TestApp, type TestUser } from '../../src/testing/test-app.js';

/**
 * The request sequences of the Python `sdcclient` (sysdig-sdk-python v0.18/v0.19, `sdcclient/_common.py`) replayed
 * over a real socket with `fetch`, exactly as that client sends them (reference/monitor-api.md §1, §2, §10): the same
 * four headers on every request (GET and DELETE included), JSON string bodies, names percent-encoded in paths,
 * usernames raw, and the same reading of the answers — `res.status < 300` then `res.json()`, else sdcclient's error
 * string `"<message>: <reason>"`. Each flow runs once with a Monitor API token and once with IAM custom headers
 * (`Authorization: Bearer <iam>`, `IBMInstanceID`, `SysdigTeamID`), as IbmAuthHelper plus a team id would send them.
 * Every answer is recorded: no 5xx anywhere, and every 2xx but a DELETE's has a JSON body.
 */

type Json = Record<string, unknown>;
/** sdcclient's return convention: `[True, payload]` or `[False, "error string"]`. */
type Result<T = unknown> = [true, T] | [false, string];

interface Exchange {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/** A TypeScript rendering of the parts of sdcclient's `_SdcCommon` these flows use, request for request. */
class SdcClient {
  private lasterr = '';
  private readonly headers: Record<string, string>;

  constructor(
    private readonly url: string,
    token: string,
    private readonly log: Exchange[],
    customHeaders: Record<string, string> = {},
  ) {
    this.headers = {
      'Content-Type': 'application/json',
      Authorization: `Bearer ${token}`,
      'User-Agent': 'python-requests/2.32',
      Accept: '*/*',
      ...customHeaders,
    };
  }

  private async http(method: string, path: string, body?: Json): Promise<Response> {
    const res = await fetch(this.url + path, {
      method,
      headers: this.headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.clone().text();
    this.log.push({
      method,
      path,
      status: res.status,
      contentType: res.headers.get('content-type') ?? '',
      body: text,
    });
    return res;
  }

  /** `_checkResponse`: any status ≥ 300 sets lasterr from `errors[].message + ": " + reason`, `message` or `error`. */
  private async checkResponse(res: Response): Promise<boolean> {
    if (res.status < 300) return true;
    let j: Json;
    try {
      j = (await res.clone().json()) as Json;
    } catch {
      this.lasterr = `status code ${res.status}`;
      return false;
    }
    if ('errors' in j) {
      this.lasterr = (j['errors'] as Json[])
        .map((e) => [e['message'], e['reason']].filter((p) => p !== undefined).join(': '))
        .join('\n');
    } else if ('message' in j) this.lasterr = String(j['message']);
    else if ('error' in j) this.lasterr = String(j['error']);
    else this.lasterr = `status code ${res.status}`;
    return false;
  }

  private async requestResult(res: Response): Promise<Result<Json>> {
    if (!(await this.checkResponse(res))) return [false, this.lasterr];
    return [true, (await res.json()) as Json];
  }

  get_user_info(): Promise<Result<Json>> {
    return this.http('GET', '/api/user/me').then((res) => this.requestResult(res));
  }

  async get_user_token(): Promise<Result<string>> {
    const res = await this.http('GET', '/api/token');
    if (!(await this.checkResponse(res))) return [false, this.lasterr];
    return [true, ((await res.json()) as { token: { key: string } }).token.key];
  }

  async get_users(): Promise<Result<Json[]>> {
    const res = await this.http('GET', '/api/users');
    if (!(await this.checkResponse(res))) return [false, this.lasterr];
    return [true, ((await res.json()) as { users: Json[] }).users];
  }

  async get_user(email: string): Promise<Result<Json>> {
    const [ok, users] = await this.get_users();
    if (!ok) return [false, users];
    const user = users.find((u) => u['username'] === email);
    return user ? [true, user] : [false, 'User not found'];
  }

  async create_user_invite(email: string, firstName?: string, lastName?: string, systemRole?: string) {
    const [ok, users] = await this.get_users();
    if (!ok) return [false, users] as Result<Json>;
    if (users.some((u) => u['username'] === email)) return [false, `user ${email} already exists`] as Result<Json>;
    const options = { username: email, firstName, lastName, systemRole };
    const body = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
    return this.requestResult(await this.http('POST', '/api/users', body));
  }

  async create_user(email: string, firstName?: string, lastName?: string, password?: string) {
    const info = { username: email, firstName, lastName, password };
    // Python's `if v` drops None and empty strings alike.
    const body = Object.fromEntries(Object.entries(info).filter(([, v]) => v));
    return this.requestResult(await this.http('POST', '/api/user/provisioning/', body));
  }

  async edit_user(email: string, firstName?: string, lastName?: string, systemRole?: string): Promise<Result> {
    const [ok, user] = await this.get_user(email);
    if (!ok) return [false, user];
    const body: Json = {
      systemRole: systemRole ?? required(user, 'systemRole'),
      username: email,
      enabled: user['enabled'] ?? false,
      version: required(user, 'version'),
      firstName: firstName ?? user['firstName'] ?? '',
      lastName: lastName ?? user['lastName'] ?? '',
    };
    const res = await this.http('PUT', `/api/users/${String(required(user, 'id'))}`, body);
    if (!(await this.checkResponse(res))) return [false, this.lasterr];
    return [true, 'Successfully edited user'];
  }

  async delete_user(email: string): Promise<Result<null>> {
    const [ok, ids] = await this.get_user_ids([email]);
    if (!ok) return [false, ids];
    const res = await this.http('DELETE', `/api/users/${String(ids[0])}`);
    if (!(await this.checkResponse(res))) return [false, this.lasterr];
    return [true, null];
  }

  async get_teams(teamFilter = '', productFilter = ''): Promise<Result<Json[]>> {
    let path = '/api/teams';
    if (productFilter) {
      if (!['SDC', 'SDS'].includes(productFilter))
        return [false, 'invalid product header, allowed only "SDC" or "SDS"'];
      path = `${path}?product=${productFilter}`;
    }
    const res = await this.http('GET', path);
    if (!(await this.checkResponse(res))) return [false, this.lasterr];
    return [
      true,
      ((await res.json()) as { teams: Json[] }).teams.filter((t) => String(t['name']).includes(teamFilter)),
    ];
  }

  async get_team_by_id(id: unknown): Promise<Result<Json>> {
    const res = await this.http('GET', `/api/teams/${String(id)}`);
    if (!(await this.checkResponse(res))) return [false, this.lasterr];
    return [true, ((await res.json()) as { team: Json }).team];
  }

  async get_team(name: string): Promise<Result<Json>> {
    // requests percent-encodes what the URL needs (spaces) and leaves the rest as written.
    const res = await this.http('GET', `/api/v2/teams/light/name/${encodeURI(name)}`);
    if (!(await this.checkResponse(res))) return [false, this.lasterr];
    const light = ((await res.json()) as { team: Json }).team;
    const [ok, team] = await this.get_team_by_id(required(light, 'id'));
    if (!ok) return [false, this.lasterr];
    return [true, team];
  }

  private async userIdDict(usernames: string[]): Promise<Result<Map<string, number>>> {
    const [ok, users] = await this.get_users();
    if (!ok) return [false, users];
    const found = users.filter((u) => usernames.includes(String(u['username'])));
    return [true, new Map(found.map((u) => [String(u['username']), Number(u['id'])]))];
  }

  private async idUserDict(ids: number[]): Promise<Result<Map<number, string>>> {
    const [ok, users] = await this.get_users();
    if (!ok) return [false, users];
    const found = users.filter((u) => ids.includes(Number(u['id'])));
    return [true, new Map(found.map((u) => [Number(u['id']), String(u['username'])]))];
  }

  async get_user_ids(usernames: string[]): Promise<Result<number[]>> {
    const [ok, dict] = await this.userIdDict(usernames);
    if (!ok) return [false, dict];
    return [true, [...dict.values()]];
  }

  async create_team(
    name: string,
    memberships?: Record<string, string>,
    filter = '',
    description = '',
    show = 'host',
    theme = '#7BB0B2',
  ): Promise<Result<Json>> {
    const body: Json = {
      name,
      description,
      theme,
      show,
      canUseSysdigCapture: false,
      canUseCustomEvents: false,
      canUseAwsMetrics: false,
      canUseRapidResponse: false,
    };
    if (memberships && Object.keys(memberships).length > 0) {
      const [ok, ids] = await this.userIdDict(Object.keys(memberships));
      if (!ok) return [false, 'Could not fetch IDs for user names'];
      body['userRoles'] = [...ids].map(([username, userId]) => ({ userId, role: memberships[username] }));
    } else {
      body['users'] = [];
    }
    if (filter !== '') body['filter'] = filter;
    return this.requestResult(await this.http('POST', '/api/teams', body));
  }

  async edit_team(
    name: string,
    memberships?: Record<string, string>,
    changes: { filter?: string; description?: string; show?: string; theme?: string } = {},
  ): Promise<Result<Json>> {
    const [ok, team] = await this.get_team(name);
    if (!ok) return [false, team];
    // sdcclient reads these back with team['…']: a missing one is a KeyError.
    const body: Json = {
      name,
      theme: changes.theme ?? required(team, 'theme'),
      show: changes.show ?? required(team, 'show'),
      canUseSysdigCapture: required(team, 'canUseSysdigCapture'),
      canUseCustomEvents: required(team, 'canUseCustomEvents'),
      canUseAwsMetrics: required(team, 'canUseAwsMetrics'),
      canUseRapidResponse: false,
      defaultTeamRole: required(team, 'defaultTeamRole'),
      entryPoint: required(team, 'entryPoint'),
      id: required(team, 'id'),
      version: required(team, 'version'),
    };
    if (changes.description !== undefined) body['description'] = changes.description;
    else if ('description' in team) body['description'] = team['description'];
    if (memberships !== undefined) {
      const [idsOk, ids] = await this.userIdDict(Object.keys(memberships));
      if (!idsOk) return [false, 'Could not convert user names to IDs'];
      body['userRoles'] = [...ids].map(([username, userId]) => ({ userId, role: memberships[username] }));
    } else if ('userRoles' in team) body['userRoles'] = team['userRoles'];
    else body['userRoles'] = [];
    if (changes.filter !== undefined) body['filter'] = changes.filter;
    else if ('filter' in team) body['filter'] = team['filter'];
    return this.requestResult(await this.http('PUT', `/api/teams/${String(team['id'])}`, body));
  }

  async delete_team(name: string): Promise<Result<null>> {
    const [ok, team] = await this.get_team(name);
    if (!ok) return [false, team];
    const res = await this.http('DELETE', `/api/teams/${String(team['id'])}`);
    if (!(await this.checkResponse(res))) return [false, this.lasterr];
    return [true, null];
  }

  async list_memberships(teamName: string): Promise<Result<Record<string, string>>> {
    const [ok, team] = await this.get_team(teamName);
    if (!ok) return [false, team];
    const raw = required(team, 'userRoles') as { userId: number; role: string }[];
    const [idsOk, names] = await this.idUserDict(raw.map((m) => m.userId));
    if (!idsOk) return [false, 'Could not fetch IDs for user names'];
    // sdcclient indexes res[m['userId']]: every member must be listed by GET /api/users.
    return [true, Object.fromEntries(raw.map((m) => [required(names, m.userId), m.role]))];
  }

  async save_memberships(teamName: string, memberships: Record<string, string>): Promise<Result<null>> {
    const [ok, current] = await this.list_memberships(teamName);
    if (!ok) return [false, current];
    const [edited, res] = await this.edit_team(teamName, { ...current, ...memberships });
    return edited ? [true, null] : [false, res];
  }

  async remove_memberships(teamName: string, users: string[]): Promise<Result<null>> {
    const [ok, current] = await this.list_memberships(teamName);
    if (!ok) return [false, current];
    const kept = Object.fromEntries(Object.entries(current).filter(([username]) => !users.includes(username)));
    const [edited, res] = await this.edit_team(teamName, kept);
    return edited ? [true, null] : [false, res];
  }

  async get_user_api_token(username: string, teamName: string): Promise<Result<string>> {
    const [ok, team] = await this.get_team(teamName);
    if (!ok) return [false, team];
    const res = await this.http('GET', `/api/token/${username}/${Number(team['id'])}`);
    if (!(await this.checkResponse(res))) return [false, this.lasterr];
    return [true, ((await res.json()) as { token: { key: string } }).token.key];
  }
}

/** Python's `d[key]`: a KeyError (here an assertion) when the server left the field out. */
function required<K, V>(source: Json | Map<K, V>, key: K & (string | number)): unknown {
  if (source instanceof Map) {
    assert.ok(source.has(key), `KeyError: ${String(key)}`);
    return source.get(key);
  }
  assert.ok(key in source, `KeyError: ${String(key)}`);
  return source[key as string];
}

/** Unwraps `[True, payload]`, failing with sdcclient's error string otherwise. */
function ok<T>(result: Result<T>): T {
  assert.equal(result[0], true, `sdcclient returned (False, ${JSON.stringify(result[1])})`);
  return result[1] as T;
}

const MONITOR_TOKEN = /^vigil_mt_[0-9A-Za-z]{36}$/;

describeEachDatabase('sdcclient request sequences over a real socket', (t) => {
  let app: TestApp;
  let base = '';
  let instance: MonitorInstanceRow;
  let operations: MonitorTeamRow;
  let carol: TestUser;
  const log: Exchange[] = [];

  before(async () => {
    app = t.app();
    await app.http.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.http.server.address() as AddressInfo).port}`;
    ({ instance, operations } = await insertInstance(app, { name: 'flows' }));
    // A member with her own IAM identity, so that the token read for her in a team can be used.
    carol = await app.createUser({ name: 'Carol Member' });
    await grantMonitorRole(app, carol.iamId, 'Reader', { instanceGuid: instance.guid, teamId: operations.id });
    const res = await fetch(`${base}/api/user/me`, { headers: iamHeaders(await carol.token(), instance.guid) });
    assert.equal(res.status, 200, await res.text());
  });

  const credentials: [string, () => Promise<SdcClient>][] = [
    [
      'Monitor API token',
      async () => {
        const iam = new SdcClient(base, '', log, {
          Authorization: `Bearer ${await app.admin.token()}`,
          IBMInstanceID: instance.guid,
          SysdigTeamID: String(operations.id),
        });
        const token = ok(await iam.get_user_token());
        return new SdcClient(base, token, log);
      },
    ],
    [
      'IAM custom headers',
      async () =>
        new SdcClient(base, '', log, {
          Authorization: `Bearer ${await app.admin.token()}`,
          IBMInstanceID: instance.guid,
          SysdigTeamID: String(operations.id),
        }),
    ],
  ];

  for (const [kind, connect] of credentials) {
    describe(`with ${kind}`, () => {
      const p = kind.startsWith('Monitor') ? 'tok' : 'iam';
      const teamName = `${p} Team One`;
      const ann = `${p}-ann@example.test`;
      const bob = `${p}-bob@example.test`;
      let sdc: SdcClient;

      before(async () => {
        sdc = await connect();
      });

      it('get_user_info and get_user_token', async () => {
        const info = ok(await sdc.get_user_info()) as { user: Json };
        assert.equal(info.user['username'], app.admin.email);
        assert.equal(info.user['systemRole'], 'ROLE_CUSTOMER');
        assert.equal(info.user['currentTeam'], operations.id);
        assert.deepEqual(info.user['customerSettings'], { plan: { maxAgents: 2_147_483_647 } });
        const key = ok(await sdc.get_user_token());
        assert.match(key, MONITOR_TOKEN);
        assert.equal(ok(await sdc.get_user_token()), key, 'the same token until it is reset');
      });

      it('get_teams, with and without a product filter', async () => {
        const teams = ok(await sdc.get_teams());
        assert.ok(teams.some((team) => team['name'] === 'Monitor Operations'));
        assert.deepEqual(
          ok(await sdc.get_teams('Operations', 'SDC')).map((team) => team['name']),
          ['Monitor Operations'],
        );
        assert.deepEqual(ok(await sdc.get_teams('', 'SDS')), []);
      });

      it('create_user_invite (GET /api/users, then POST) and create_user (provisioning)', async () => {
        const invited = ok(await sdc.create_user_invite(ann, 'Ann', 'Able')) as { user: Json };
        assert.equal(invited.user['username'], ann);
        assert.equal(invited.user['systemRole'], 'ROLE_USER');
        assert.deepEqual(await sdc.create_user_invite(ann), [false, `user ${ann} already exists`]);
        const created = ok(await sdc.create_user(bob, 'Bob', undefined, `pw-${Date.now()}`)) as { user: Json };
        assert.equal(created.user['username'], bob);
        assert.equal(created.user['lastName'], '');
        const row = await app.database.db
          .selectFrom('monitor_users')
          .select(['iam_id', 'instance_guid'])
          .where('username', '=', bob)
          .executeTakeFirstOrThrow();
        // The provisioned person is a pending IAM user of the account from now on (no password: no sign-in).
        const iamUser = await app.iam.ctx.repositories.users.findByEmail(bob);
        assert.deepEqual([iamUser?.state, iamUser?.account_id], ['PENDING', app.accountId]);
        assert.deepEqual(row, { iam_id: iamUser?.iam_id, instance_guid: instance.guid });
      });

      it('create_team with memberships and a scope, then get_team by its name with a space', async () => {
        const created = ok(
          await sdc.create_team(
            teamName,
            { [ann]: 'ROLE_TEAM_EDIT', [carol.email]: 'ROLE_TEAM_STANDARD' },
            'kubernetes.namespace.name = "prod"',
            'first team',
          ),
        ) as { team: Json };
        assert.equal(created.team['name'], teamName);
        const team = ok(await sdc.get_team(teamName));
        assert.equal(team['id'], created.team['id']);
        assert.equal(team['filter'], 'kubernetes.namespace.name = "prod"');
        assert.equal(team['description'], 'first team');
        assert.deepEqual(ok(await sdc.list_memberships(teamName)), {
          [ann]: 'ROLE_TEAM_EDIT',
          [carol.email]: 'ROLE_TEAM_STANDARD',
        });
      });

      it('get_user_api_token: light team by name → team by id → /api/token/{user}/{teamId}, and the token works', async () => {
        const key = ok(await sdc.get_user_api_token(carol.email, teamName));
        assert.match(key, MONITOR_TOKEN);
        const asCarol = new SdcClient(base, key, log);
        const me = ok(await asCarol.get_user_info()) as { user: Json };
        assert.equal(me.user['username'], carol.email);
        const team = ok(await sdc.get_team(teamName));
        assert.equal(me.user['currentTeam'], team['id']);
        assert.equal(ok(await asCarol.get_user_token()), key);
      });

      it('provisioning: create_user_invite, save_memberships, get_user_api_token, then act with that token', async () => {
        const dave = `${p}-dave@example.test`;
        ok(await sdc.create_user_invite(dave, 'Dave', 'Doe'));
        assert.deepEqual(await sdc.save_memberships(teamName, { [dave]: 'ROLE_TEAM_EDIT' }), [true, null]);
        const key = ok(await sdc.get_user_api_token(dave, teamName));
        assert.match(key, MONITOR_TOKEN);
        const team = ok(await sdc.get_team(teamName));

        // The invitee's token acts as the invitee, in that team, with the role given there, and no more.
        const asDave = new SdcClient(base, key, log);
        const info = ok(await asDave.get_user_info()) as { user: Json };
        assert.deepEqual(
          [info.user['username'], info.user['systemRole'], info.user['currentTeam']],
          [dave, 'ROLE_USER', team['id']],
        );
        assert.deepEqual(
          ok(await asDave.get_teams()).map((t) => t['name']),
          [teamName],
        );
        assert.deepEqual(await asDave.create_team(`${p} not mine`), [
          false,
          'Only instance administrators can create teams: Not enough privileges to complete the action',
        ]);
        const adminToken = await asDave.get_user_api_token(app.admin.email, teamName);
        assert.equal(adminToken[0], false);
        assert.deepEqual(await sdc.remove_memberships(teamName, [dave]), [true, null]);
      });

      it('save_memberships and remove_memberships (list_memberships + edit_team)', async () => {
        assert.deepEqual(await sdc.save_memberships(teamName, { [bob]: 'ROLE_TEAM_READ' }), [true, null]);
        assert.deepEqual(ok(await sdc.list_memberships(teamName)), {
          [ann]: 'ROLE_TEAM_EDIT',
          [carol.email]: 'ROLE_TEAM_STANDARD',
          [bob]: 'ROLE_TEAM_READ',
        });
        assert.deepEqual(await sdc.remove_memberships(teamName, [ann]), [true, null]);
        assert.deepEqual(ok(await sdc.list_memberships(teamName)), {
          [carol.email]: 'ROLE_TEAM_STANDARD',
          [bob]: 'ROLE_TEAM_READ',
        });
      });

      it('edit_team keeps what it read back and bumps the version', async () => {
        const before = ok(await sdc.get_team(teamName));
        const edited = ok(await sdc.edit_team(teamName, undefined, { description: 'changed', show: 'container' })) as {
          team: Json;
        };
        assert.equal(edited.team['version'], Number(before['version']) + 1);
        assert.equal(edited.team['description'], 'changed');
        assert.equal(edited.team['show'], 'container');
        assert.equal(edited.team['filter'], before['filter']);
        assert.deepEqual(edited.team['userRoles'], before['userRoles']);
      });

      it('edit_user (GET /api/users, PUT with the version read)', async () => {
        assert.deepEqual(await sdc.edit_user(bob, 'Robert'), [true, 'Successfully edited user']);
        const user = ok(await sdc.get_user(bob));
        assert.equal(user['firstName'], 'Robert');
        assert.equal(user['version'], 2);
        assert.deepEqual(await sdc.edit_user(bob, undefined, 'Builder'), [true, 'Successfully edited user']);
        assert.equal(ok(await sdc.get_user(bob))['lastName'], 'Builder');
      });

      it('errors reach the caller as sdcclient’s "<message>: <reason>"', async () => {
        assert.deepEqual(await sdc.get_team('No Such Team'), [false, 'Team "No Such Team" not found: Not Found']);
        assert.deepEqual(await sdc.create_team(teamName), [
          false,
          `A team named "${teamName}" already exists in this monitoring instance: Conflict`,
        ]);
        assert.deepEqual(await sdc.edit_user(bob, undefined, undefined, 'ROLE_CUSTOMER'), [
          false,
          'System roles come from IAM policies: grant Manager on sysdig-monitor for this instance to make someone an ' +
            'administrator: Bad Request: systemRole',
        ]);
        const key = ok(await sdc.get_user_api_token(carol.email, teamName));
        const asCarol = new SdcClient(base, key, log);
        assert.deepEqual(await asCarol.create_team(`${p} not allowed`), [
          false,
          'Only instance administrators can create teams: Not enough privileges to complete the action',
        ]);
        assert.deepEqual(await asCarol.create_user_invite(`${p}-x@example.test`), [
          false,
          'Only administrators of this monitoring instance can invite users: Not enough privileges to complete the action',
        ]);
        assert.deepEqual(await new SdcClient(base, 'not-a-token', log).get_user_info(), [
          false,
          'Bad credentials: Unauthorized',
        ]);
      });

      it('delete_team and delete_user', async () => {
        assert.deepEqual(await sdc.delete_team(teamName), [true, null]);
        assert.deepEqual(await sdc.get_team(teamName), [
          false,
          `Team ${JSON.stringify(teamName)} not found: Not Found`,
        ]);
        assert.deepEqual(await sdc.delete_user(ann), [true, null]);
        assert.deepEqual(await sdc.delete_user(bob), [true, null]);
        assert.deepEqual(await sdc.get_user(ann), [false, 'User not found']);
        const left = await app.database.db
          .selectFrom('monitor_users')
          .select('username')
          .where('username', 'in', [ann, bob])
          .execute();
        assert.deepEqual(left, []);
      });
    });
  }

  it('answered no 5xx, a JSON body on every 2xx but a DELETE, Sysdig’s error shape on every error', () => {
    assert.ok(log.length > 50, 'the flows ran');
    const serverErrors = log.filter((e) => e.status >= 500);
    assert.deepEqual(serverErrors, [], 'no 5xx, ever');
    for (const e of log.filter((x) => x.status < 300)) {
      if (e.method === 'DELETE') {
        assert.ok(e.status === 204 || e.status === 200, `${e.method} ${e.path}: ${e.status}`);
        continue;
      }
      assert.notEqual(e.status, 204, `${e.method} ${e.path} answered 204`);
      assert.match(e.contentType, /^application\/json/, `${e.method} ${e.path}`);
      assert.doesNotThrow(() => JSON.parse(e.body) as unknown, `${e.method} ${e.path} has a JSON body`);
    }
    for (const e of log.filter((x) => x.status >= 300)) {
      const body = JSON.parse(e.body) as { errors: { reason: string; message: string }[] };
      assert.equal(typeof body.errors[0]?.reason, 'string', `${e.method} ${e.path}: ${e.body}`);
      assert.equal(typeof body.errors[0]?.message, 'string', `${e.method} ${e.path}: ${e.body}`);
    }
  });
});
