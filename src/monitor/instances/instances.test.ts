import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import type { Change } from '../../platform/change-feed.js';
import { isoAt, ManualClock } from '../../platform/clock.js';
import { cryptoRandom } from '../../platform/crypto/random.js';
import { generateSecret } from '../../platform/crypto/secret-token.js';
import {
  grantMonitorRole,
  iamHeaders,
  insertInstance,
  insertMembership,
  provisionUser,
} from '../../testing/monitor-fixtures.js';
import { accessPolicy, adminCreates, errors, UUID } from '../../testing/policy-fixtures.js';
import { bearer, describeEachDatabase, type TestApp, type TestUser } from '../../testing/test-app.js';
import { DEFAULT_TEAM_SETTINGS } from '../teams/team-settings.js';
import { assertIamError, auditOf, feedDuring } from '../../testing/observe.js';

const clock = new ManualClock(Date.UTC(2026, 4, 2, 10, 45));

type Json = Record<string, unknown>;

function send(app: TestApp, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, token: string, payload?: Json) {
  return app.http.inject({ method, url, headers: bearer(token), ...(payload ? { payload } : {}) });
}

function expectedInstance(app: TestApp, guid: string, fields: Json & { name: string }): Json {
  return {
    guid,
    region: 'local',
    account_id: app.accountId,
    settings: { externalApiAuth: 'ANY' },
    created_at: isoAt(clock.now()),
    modified_at: isoAt(clock.now()),
    created_by: app.admin.iamId,
    ...fields,
  };
}

const notFound = (guid: string) => ({
  code: 'not_found',
  message_code: 'BXNIM0102E',
  message: 'Unable to find object',
  details: `Object type MonitoringInstance with id ${guid} could not be found.`,
});

const conflict = (name: string) => ({
  code: 'conflict',
  message_code: 'BXNIM0503E',
  message: `A monitoring instance named "${name}" already exists in this account.`,
});

async function create(app: TestApp, name: string, token?: string): Promise<Json & { guid: string }> {
  const res = await send(app, 'POST', '/v1/instances', token ?? (await app.admin.token()), { name });
  assert.equal(res.statusCode, 201, res.body);
  return res.json() as Json & { guid: string };
}

async function auditSummary(app: TestApp, targetId: string) {
  const rows = await auditOf(app, targetId);
  return rows.map((r) => ({ action: r.action, actor: r.actor_iam_id, details: JSON.parse(r.details) as Json }));
}

/** On PostgreSQL a change arrives twice (at once, then NOTIFY's echo), and late echoes of earlier ones may follow. */
function assertPublished(changes: readonly Change[], ...expected: Change[]): void {
  for (const change of expected) {
    assert.ok(
      changes.some((c) => c.topic === change.topic && c.key === change.key),
      `${JSON.stringify(change)} not in ${JSON.stringify(changes)}`,
    );
  }
}

/** A user holding a platform role on sysdig-monitor across the account (no serviceInstance). */
async function accountWide(app: TestApp, role: 'Viewer' | 'Editor' | 'Administrator' | 'Manager'): Promise<TestUser> {
  const user = await app.createUser();
  await adminCreates(app, app.admin, accessPolicy(app.accountId, user.iamId, { roles: [role] }));
  return user;
}

async function teamsOf(app: TestApp, guid: string) {
  return app.database.db
    .selectFrom('monitor_teams')
    .select(['name', 'filter', 'scope', 'settings', 'immutable', 'is_default', 'version'])
    .where('instance_guid', '=', guid)
    .execute();
}

/**
 * A Monitor API token row for a member, written directly (the tokens API is not under test here); the value, generated
 * now, exists only in memory.
 */
async function insertMonitorToken(app: TestApp, userId: number, teamId: number): Promise<string> {
  const value = generateSecret('monitorToken', cryptoRandom);
  await app.database.db
    .insertInto('monitor_tokens')
    .values({
      user_id: userId,
      team_id: teamId,
      token_hash: app.monitor.ctx.keyring.index(value),
      token_sealed: app.monitor.ctx.keyring.seal(value, 'written by a test'),
      grace_hash: null,
      grace_until: null,
      created_at: isoAt(app.clock.now()),
      reset_at: null,
    })
    .execute();
  return value;
}

describeEachDatabase(
  'Monitoring instances',
  (t) => {
    describe('POST /v1/instances', () => {
      it('creates an instance (201) with its default team, Monitor Operations, and audits it', async () => {
        const app = t.app();
        const changes = await feedDuring(app, async () => {
          const res = await send(app, 'POST', '/v1/instances', await app.admin.token(), { name: 'production' });
          assert.equal(res.statusCode, 201, res.body);
          const body = res.json() as Json & { guid: string };
          assert.match(body.guid, UUID);
          assert.deepEqual(body, expectedInstance(app, body.guid, { name: 'production' }));
          assert.deepEqual(await teamsOf(app, body.guid), [
            {
              name: 'Monitor Operations',
              filter: null,
              scope: '[]',
              settings: JSON.stringify(DEFAULT_TEAM_SETTINGS),
              immutable: 1,
              is_default: 1,
              version: 1,
            },
          ]);
          assert.deepEqual(await auditSummary(app, body.guid), [
            {
              action: 'monitor_instance.create',
              actor: app.admin.iamId,
              details: { name: 'production', region: 'local' },
            },
          ]);
        });
        assert.deepEqual(
          changes.filter((c) => c.topic === 'monitor-instance'),
          [],
        );
      });

      it('takes a region label and trims the name', async () => {
        const app = t.app();
        const res = await send(app, 'POST', '/v1/instances/', await app.admin.token(), {
          name: '  eu-prod ',
          region: 'eu-de',
        });
        assert.equal(res.statusCode, 201, res.body);
        const body = res.json() as Json & { guid: string };
        assert.deepEqual(body, expectedInstance(app, body.guid, { name: 'eu-prod', region: 'eu-de' }));
      });

      it('is allowed to Editor and Administrator on sysdig-monitor, refused to Viewer, Manager and no role (403)', async () => {
        const app = t.app();
        for (const role of ['Editor', 'Administrator'] as const) {
          const user = await accountWide(app, role);
          const res = await send(app, 'POST', '/v1/instances', await user.token(), { name: `by-${role}` });
          assert.equal(res.statusCode, 201, res.body);
          const body = res.json() as Json & { guid: string };
          assert.deepEqual(body, expectedInstance(app, body.guid, { name: `by-${role}`, created_by: user.iamId }));
        }
        const viewer = await accountWide(app, 'Viewer');
        const manager = await accountWide(app, 'Manager');
        const nobody = await app.createUser();
        for (const user of [viewer, manager, nobody]) {
          const res = await send(app, 'POST', '/v1/instances', await user.token(), { name: 'refused' });
          assertIamError(res, 403, errors.forbidden('create monitoring instances'));
        }
        assert.equal(await app.monitor.ctx.repositories.instances.findByName(app.accountId, 'refused'), undefined);
      });

      it('refuses a name already used in the account (409) but not one used in another account', async () => {
        const app = t.app();
        await create(app, 'dup');
        assertIamError(
          await send(app, 'POST', '/v1/instances', await app.admin.token(), { name: 'dup' }),
          409,
          conflict('dup'),
        );
        const other = await app.createAccount();
        const res = await send(app, 'POST', '/v1/instances', await other.token(), { name: 'dup' });
        assert.equal(res.statusCode, 201, res.body);
        assert.equal((res.json() as Json)['account_id'], other.accountId);
      });

      it('refuses a missing or blank name, a bad region and an unauthenticated call', async () => {
        const app = t.app();
        const token = await app.admin.token();
        assertIamError(
          await send(app, 'POST', '/v1/instances', token, { region: 'x' }),
          400,
          errors.invalidRequest("Invalid body: body must have required property 'name'"),
        );
        assertIamError(
          await send(app, 'POST', '/v1/instances', token, { name: '   ' }),
          400,
          errors.invalidRequest('Invalid body: body/name must match pattern "\\S"'),
        );
        assertIamError(
          await send(app, 'POST', '/v1/instances', token, { name: 'r', region: 'EU DE' }),
          400,
          errors.invalidRequest('Invalid body: body/region must match pattern "^[a-z0-9][a-z0-9-]{0,39}$"'),
        );
        const res = await app.http.inject({ method: 'POST', url: '/v1/instances', payload: { name: 'anon' } });
        assertIamError(res, 401, errors.missingToken);
      });
    });

    describe('GET /v1/instances', () => {
      it("lists all of the caller's account's instances to an administrator, none of another account's", async () => {
        const app = t.app();
        const other = await app.createAccount();
        await create(app, 'foreign', await other.token());
        const res = await send(app, 'GET', '/v1/instances', await app.admin.token());
        assert.equal(res.statusCode, 200, res.body);
        const instances = (res.json() as { instances: Json[] }).instances;
        const mine = await app.monitor.ctx.repositories.instances.listForAccount(app.accountId);
        assert.ok(mine.length > 0);
        assert.deepEqual(
          instances.map((i) => i['guid']),
          mine.map((i) => i.guid),
        );
        assert.ok(instances.every((i) => i['account_id'] === app.accountId));
      });

      it('lists to anyone else only the instances they have some access to', async () => {
        const app = t.app();
        const { instance: viewed } = await insertInstance(app, { name: 'viewed' });
        const { instance: teamScoped } = await insertInstance(app, { name: 'team-scoped' });
        const { instance: member, operations } = await insertInstance(app, { name: 'member' });
        await insertInstance(app, { name: 'hidden' });
        const user = await app.createUser();
        assert.deepEqual((await send(app, 'GET', '/v1/instances', await user.token())).json(), { instances: [] });

        await adminCreates(
          app,
          app.admin,
          accessPolicy(app.accountId, user.iamId, {
            roles: ['Viewer'],
            extra: [{ name: 'serviceInstance', value: viewed.guid }],
          }),
        );
        const teamOfScoped = await app.monitor.ctx.repositories.teams.listForInstance(teamScoped.guid);
        await grantMonitorRole(app, user.iamId, 'Reader', {
          instanceGuid: teamScoped.guid,
          teamId: teamOfScoped[0]?.id,
        });
        const monitorUser = await provisionUser(app, user, member);
        await insertMembership(app, operations.id, monitorUser.id, 'ROLE_TEAM_READ');

        const res = await send(app, 'GET', '/v1/instances', await user.token());
        assert.equal(res.statusCode, 200, res.body);
        assert.deepEqual(res.json(), {
          instances: [member, teamScoped, viewed].map((i) =>
            expectedInstance(app, i.guid, { name: i.name, created_at: i.created_at, modified_at: i.modified_at }),
          ),
        });
      });
      it('lists an instance to someone invited to one of its teams before their first request links them', async () => {
        const app = t.app();
        const { instance, operations } = await insertInstance(app, { name: 'invited-to' });
        const invitee = await app.createUser();
        const stranger = await app.createUser();
        const now = isoAt(app.clock.now());
        const invitation = await app.monitor.ctx.repositories.users.insert({
          instance_guid: instance.guid,
          iam_id: null,
          username: invitee.email,
          first_name: '',
          last_name: '',
          system_role: 'ROLE_USER',
          enabled: 1,
          current_team_id: null,
          version: 1,
          created_at: now,
          modified_at: now,
        });
        assert.ok(invitation);
        assert.deepEqual((await send(app, 'GET', '/v1/instances', await invitee.token())).json(), { instances: [] });

        await insertMembership(app, operations.id, invitation.id, 'ROLE_TEAM_READ');

        const listed = await send(app, 'GET', '/v1/instances', await invitee.token());
        assert.deepEqual(listed.json(), {
          instances: [
            expectedInstance(app, instance.guid, {
              name: instance.name,
              created_at: instance.created_at,
              modified_at: instance.modified_at,
            }),
          ],
        });
        assert.equal((await send(app, 'GET', `/v1/instances/${instance.guid}`, await invitee.token())).statusCode, 200);
        assert.deepEqual((await send(app, 'GET', '/v1/instances', await stranger.token())).json(), { instances: [] });
        assert.equal((await app.monitor.ctx.repositories.users.findById(invitation.id))?.iam_id, null, 'not linked');
      });
    });

    describe('GET /v1/instances/:guid', () => {
      it('returns an instance to an administrator and to a Viewer of it', async () => {
        const app = t.app();
        const created = await create(app, 'readable');
        const res = await send(app, 'GET', `/v1/instances/${created.guid}`, await app.admin.token());
        assert.equal(res.statusCode, 200, res.body);
        assert.deepEqual(res.json(), created);
        const viewer = await app.createUser();
        await adminCreates(
          app,
          app.admin,
          accessPolicy(app.accountId, viewer.iamId, {
            roles: ['Viewer'],
            extra: [{ name: 'serviceInstance', value: created.guid }],
          }),
        );
        assert.deepEqual(
          (await send(app, 'GET', `/v1/instances/${created.guid}`, await viewer.token())).json(),
          created,
        );
      });

      it("is 403 without access, 404 for another account's or an unknown guid", async () => {
        const app = t.app();
        const created = await create(app, 'private');
        const nobody = await app.createUser();
        assertIamError(
          await send(app, 'GET', `/v1/instances/${created.guid}`, await nobody.token()),
          403,
          errors.forbidden('read this monitoring instance'),
        );
        const other = await app.createAccount();
        assertIamError(
          await send(app, 'GET', `/v1/instances/${created.guid}`, await other.token()),
          404,
          notFound(created.guid),
        );
        assertIamError(await send(app, 'GET', '/v1/instances/nope', await app.admin.token()), 404, notFound('nope'));
      });
    });

    describe('PATCH /v1/instances/:guid', () => {
      it('sets externalApiAuth (200), bumps modified_at, tells every process and audits it', async () => {
        const app = t.app();
        const created = await create(app, 'patched');
        clock.advance(60_000);
        let res: LightMyRequestResponse | undefined;
        const changes = await feedDuring(app, async () => {
          res = await send(app, 'PATCH', `/v1/instances/${created.guid}`, await app.admin.token(), {
            settings: { externalApiAuth: 'IAM_ONLY' },
          });
        });
        assert.equal(res?.statusCode, 200, res?.body);
        const expected = { ...created, settings: { externalApiAuth: 'IAM_ONLY' }, modified_at: isoAt(clock.now()) };
        assert.deepEqual(res?.json(), expected);
        assertPublished(changes, { topic: 'monitor-instance', key: created.guid });
        const row = await app.monitor.ctx.repositories.instances.findByGuid(created.guid);
        assert.equal(row?.settings, JSON.stringify({ externalApiAuth: 'IAM_ONLY' }));
        assert.equal(row?.version, 2);
        assert.deepEqual((await auditSummary(app, created.guid)).at(-1), {
          action: 'monitor_instance.update',
          actor: app.admin.iamId,
          details: { name: 'patched', external_api_auth: 'IAM_ONLY', previous_external_api_auth: 'ANY' },
        });

        const back = await send(app, 'PATCH', `/v1/instances/${created.guid}`, await app.admin.token(), {
          name: 'renamed',
          settings: { externalApiAuth: 'ANY' },
        });
        assert.equal(back.statusCode, 200, back.body);
        assert.deepEqual(back.json(), { ...expected, name: 'renamed', settings: { externalApiAuth: 'ANY' } });
      });

      it("IAM_ONLY refuses Monitor API tokens at once with IBM's body; ANY accepts them again", async () => {
        const app = t.app();
        const { instance, operations } = await insertInstance(app, { name: 'iam-only' });
        const user = await app.createUser();
        const member = await provisionUser(app, user, instance);
        await insertMembership(app, operations.id, member.id, 'ROLE_TEAM_READ');
        const token = await insertMonitorToken(app, member.id, operations.id);
        const teams = () => app.http.inject({ method: 'GET', url: '/api/teams', headers: bearer(token) });
        assert.equal((await teams()).statusCode, 200);
        const url = `/v1/instances/${instance.guid}`;
        const admin = await app.admin.token();
        assert.equal(
          (await send(app, 'PATCH', url, admin, { settings: { externalApiAuth: 'IAM_ONLY' } })).statusCode,
          200,
        );
        const refused = await teams();
        assert.equal(refused.statusCode, 403, refused.body);
        assert.deepEqual(refused.json(), {
          errors: [{ reason: 'Not enough privileges to complete the action', message: 'Access is denied' }],
        });
        const viaIam = await app.http.inject({
          method: 'GET',
          url: '/api/teams',
          headers: iamHeaders(await user.token(), instance.guid),
        });
        assert.equal(viaIam.statusCode, 200, viaIam.body);
        assert.equal((await send(app, 'PATCH', url, admin, { settings: { externalApiAuth: 'ANY' } })).statusCode, 200);
        assert.equal((await teams()).statusCode, 200);
      });

      it('is allowed to an Editor of the instance; 403 to a Viewer; 404 in another account', async () => {
        const app = t.app();
        const created = await create(app, 'edited');
        const editor = await app.createUser();
        const viewer = await app.createUser();
        for (const [user, role] of [
          [editor, 'Editor'],
          [viewer, 'Viewer'],
        ] as const) {
          await adminCreates(
            app,
            app.admin,
            accessPolicy(app.accountId, user.iamId, {
              roles: [role],
              extra: [{ name: 'serviceInstance', value: created.guid }],
            }),
          );
        }
        const body = { settings: { externalApiAuth: 'IAM_ONLY' } };
        const ok = await send(app, 'PATCH', `/v1/instances/${created.guid}`, await editor.token(), body);
        assert.equal(ok.statusCode, 200, ok.body);
        assert.deepEqual((ok.json() as Json)['settings'], { externalApiAuth: 'IAM_ONLY' });
        assertIamError(
          await send(app, 'PATCH', `/v1/instances/${created.guid}`, await viewer.token(), body),
          403,
          errors.forbidden('change this monitoring instance'),
        );
        const other = await app.createAccount();
        assertIamError(
          await send(app, 'PATCH', `/v1/instances/${created.guid}`, await other.token(), body),
          404,
          notFound(created.guid),
        );
      });

      it('refuses a name in use (409), an unknown value or field (400), and changes nothing', async () => {
        const app = t.app();
        const created = await create(app, 'keep');
        await create(app, 'taken');
        const token = await app.admin.token();
        const url = `/v1/instances/${created.guid}`;
        assertIamError(await send(app, 'PATCH', url, token, { name: 'taken' }), 409, conflict('taken'));
        assertIamError(
          await send(app, 'PATCH', url, token, { settings: { externalApiAuth: 'NONE' } }),
          400,
          errors.invalidRequest(
            'Invalid body: body/settings/externalApiAuth must be equal to one of the allowed values',
          ),
        );
        assertIamError(
          await send(app, 'PATCH', url, token, { settings: { externalAPIAuth: 'IAM_ONLY' } }),
          400,
          errors.invalidRequest('Invalid body: body/settings must NOT have additional properties'),
        );
        assert.deepEqual((await send(app, 'GET', url, token)).json(), created);
      });
    });

    describe('DELETE /v1/instances/:guid', () => {
      it('deletes an instance with its teams, users, memberships and tokens (204), tells every process, audits', async () => {
        const app = t.app();
        const created = await create(app, 'doomed');
        const user = await app.createUser();
        const iamToken = await app.admin.token();
        const me = await app.http.inject({
          method: 'GET',
          url: '/api/teams',
          headers: iamHeaders(iamToken, created.guid),
        });
        assert.equal(me.statusCode, 200, me.body);
        const [operations] = await app.monitor.ctx.repositories.teams.listForInstance(created.guid);
        const row = await app.monitor.ctx.repositories.instances.findByGuid(created.guid);
        assert.ok(operations && row);
        const member = await provisionUser(app, user, row);
        await insertMembership(app, operations.id, member.id, 'ROLE_TEAM_EDIT');
        const token = await insertMonitorToken(app, member.id, operations.id);
        assert.equal(
          (await app.http.inject({ method: 'GET', url: '/api/teams', headers: bearer(token) })).statusCode,
          200,
        );

        const changes = await feedDuring(app, async () => {
          const res = await send(app, 'DELETE', `/v1/instances/${created.guid}`, iamToken);
          assert.equal(res.statusCode, 204, res.body);
          assert.equal(res.body, '');
        });
        assertPublished(changes, { topic: 'monitor-instance', key: created.guid });
        const db = app.database.db;
        assert.equal(await app.monitor.ctx.repositories.instances.findByGuid(created.guid), undefined);
        assert.deepEqual(await teamsOf(app, created.guid), []);
        assert.deepEqual(
          await db.selectFrom('monitor_users').select('id').where('instance_guid', '=', created.guid).execute(),
          [],
        );
        assert.deepEqual(
          await db.selectFrom('monitor_memberships').select('user_id').where('team_id', '=', operations.id).execute(),
          [],
        );
        assert.deepEqual(
          await db.selectFrom('monitor_tokens').select('id').where('user_id', '=', member.id).execute(),
          [],
        );
        const refused = await app.http.inject({ method: 'GET', url: '/api/teams', headers: bearer(token) });
        assert.equal(refused.statusCode, 401, refused.body);
        assert.deepEqual(refused.json(), { errors: [{ reason: 'Unauthorized', message: 'Bad credentials' }] });
        assert.deepEqual((await auditSummary(app, created.guid)).at(-1), {
          action: 'monitor_instance.delete',
          actor: app.admin.iamId,
          details: { name: 'doomed' },
        });
        assertIamError(await send(app, 'GET', `/v1/instances/${created.guid}`, iamToken), 404, notFound(created.guid));
        const after = await app.http.inject({
          method: 'GET',
          url: '/api/teams',
          headers: iamHeaders(iamToken, created.guid),
        });
        assert.equal(after.statusCode, 404, after.body);
        assert.deepEqual(after.json(), { errors: [{ reason: 'Not Found', message: 'Monitoring instance not found' }] });
      });

      it('is allowed to an Editor; 403 to a Viewer; 404 in another account or when already gone', async () => {
        const app = t.app();
        const created = await create(app, 'editor-deletes');
        const viewer = await accountWide(app, 'Viewer');
        const editor = await accountWide(app, 'Editor');
        assertIamError(
          await send(app, 'DELETE', `/v1/instances/${created.guid}`, await viewer.token()),
          403,
          errors.forbidden('delete this monitoring instance'),
        );
        const other = await app.createAccount();
        assertIamError(
          await send(app, 'DELETE', `/v1/instances/${created.guid}`, await other.token()),
          404,
          notFound(created.guid),
        );
        assert.ok(await app.monitor.ctx.repositories.instances.findByGuid(created.guid));
        assert.equal(
          (await send(app, 'DELETE', `/v1/instances/${created.guid}`, await editor.token())).statusCode,
          204,
        );
        assertIamError(
          await send(app, 'DELETE', `/v1/instances/${created.guid}`, await editor.token()),
          404,
          notFound(created.guid),
        );
      });
    });

    describe('InstancesService.ensureDefault (first start)', () => {
      it('creates the instance "default" once; a restart finds it; a deleted one does not come back', async () => {
        const app = t.app();
        const account = await app.createAccount();
        const first = await app.monitor.instances.ensureDefault(account.accountId, account.iamId);
        assert.ok(first);
        assert.deepEqual(
          { name: first.name, region: first.region, account_id: first.account_id, created_by: first.created_by },
          { name: 'default', region: 'local', account_id: account.accountId, created_by: account.iamId },
        );
        assert.deepEqual(
          (await teamsOf(app, first.guid)).map((team) => [team.name, team.is_default]),
          [['Monitor Operations', 1]],
        );
        assert.deepEqual(await auditSummary(app, first.guid), [
          {
            action: 'monitor_instance.create',
            actor: null,
            details: { name: 'default', region: 'local', reason: 'first start' },
          },
        ]);
        assert.deepEqual(await app.monitor.instances.ensureDefault(account.accountId, account.iamId), first);
        const list = await send(app, 'GET', '/v1/instances', await account.token());
        assert.deepEqual(
          (list.json() as { instances: Json[] }).instances.map((i) => i['name']),
          ['default'],
        );

        assert.equal((await send(app, 'DELETE', `/v1/instances/${first.guid}`, await account.token())).statusCode, 204);
        assert.equal(await app.monitor.instances.ensureDefault(account.accountId, account.iamId), undefined);
        assert.deepEqual((await send(app, 'GET', '/v1/instances', await account.token())).json(), { instances: [] });
      });

      it('adopts an instance already named "default" instead of failing', async () => {
        const app = t.app();
        const account = await app.createAccount();
        const existing = await create(app, 'default', await account.token());
        const adopted = await app.monitor.instances.ensureDefault(account.accountId, account.iamId);
        assert.equal(adopted?.guid, existing.guid);
        assert.equal(
          (await app.monitor.instances.ensureDefault(account.accountId, account.iamId))?.guid,
          existing.guid,
        );
      });

      it('creates one instance when two processes start at once', async () => {
        const app = t.app();
        const account = await app.createAccount();
        const [a, b] = await Promise.all([
          app.monitor.instances.ensureDefault(account.accountId, account.iamId),
          app.monitor.instances.ensureDefault(account.accountId, account.iamId),
        ]);
        assert.ok(a && b);
        assert.equal(a.guid, b.guid);
        assert.equal((await app.monitor.ctx.repositories.instances.listForAccount(account.accountId)).length, 1);
      });
    });
  },
  { clock },
);
