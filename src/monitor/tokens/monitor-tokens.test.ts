import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { isoAt, ManualClock } from '../../platform/clock.js';
import { generateSecret, isWellFormedSecret } from '../../platform/crypto/secret-token.js';
import { cryptoRandom } from '../../platform/crypto/random.js';
import type { MonitorInstanceRow, MonitorTeamRow, MonitorUserRow } from '../../platform/db/schema.js';
import { createServiceId } from '../../testing/identity-fixtures.js';
import {
  grantMonitorRole,
  iamHeaders,
  insertInstance,
  insertMembership,
  insertTeam,
  provisionUser,
} from '../../testing/monitor-fixtures.js';
import { bearer, describeEachDatabase, type TestApp, type TestUser } from '../../testing/test-app.js';
import { MONITOR_TOPICS } from '../context.js';
import { feedDuring } from '../../testing/observe.js';

const clock = new ManualClock(Date.UTC(2026, 4, 4, 9, 30));

type Headers = Record<string, string>;

const UNAUTHORIZED = { errors: [{ reason: 'Unauthorized', message: 'Bad credentials' }] };
const IAM_ONLY = { errors: [{ reason: 'Not enough privileges to complete the action', message: 'Access is denied' }] };
const NOT_MEMBER_ADMIN = {
  errors: [
    {
      reason: 'Not enough privileges to complete the action',
      message: "Only instance administrators and this team's managers may see or reset another member's token",
    },
  ],
};
const OTHER_TEAM_ADMIN = {
  errors: [
    {
      reason: 'Not enough privileges to complete the action',
      message:
        'Only instance administrators may see or reset the tokens of a team other than the one you act in (SysdigTeamID)',
    },
  ],
};
const notFound = (what: string) => ({ errors: [{ reason: 'Not Found', message: `${what} not found` }] });

function assertStatus(res: LightMyRequestResponse, status: number, body: unknown): void {
  assert.equal(res.statusCode, status, res.body);
  assert.deepEqual(res.json(), body);
}

/** The token value of a 200 answer, checked to be a well-formed Monitor API token. */
function keyOf(res: LightMyRequestResponse): string {
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json() as { token: { key: string } };
  assert.deepEqual(Object.keys(body), ['token']);
  assert.deepEqual(Object.keys(body.token), ['key']);
  assert.ok(isWellFormedSecret('monitorToken', body.token.key), `${body.token.key} is a vigil_mt_ token`);
  return body.token.key;
}

function get(app: TestApp, url: string, headers: Headers): Promise<LightMyRequestResponse> {
  return app.http.inject({ method: 'GET', url, headers });
}

function post(app: TestApp, url: string, headers: Headers, payload?: unknown): Promise<LightMyRequestResponse> {
  return app.http.inject({
    method: 'POST',
    url,
    headers: payload === undefined ? headers : { ...headers, 'content-type': 'application/json' },
    ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
  });
}

interface World {
  readonly instance: MonitorInstanceRow;
  readonly operations: MonitorTeamRow;
  readonly payments: MonitorTeamRow;
  /** An instance of the same account, and a team in it. */
  readonly otherInstance: MonitorInstanceRow;
  readonly otherTeam: MonitorTeamRow;
}

async function world(app: TestApp): Promise<World> {
  const { instance, operations } = await insertInstance(app);
  const payments = await insertTeam(app, instance.guid, `payments-${cryptoRandom.bytes(3).toString('hex')}`);
  const other = await insertInstance(app);
  const otherTeam = await insertTeam(app, other.instance.guid, 'elsewhere');
  return { instance, operations, payments, otherInstance: other.instance, otherTeam };
}

/** A user with a `sysdig-monitor` role on one team of the instance. */
async function member(
  app: TestApp,
  w: World,
  role: 'Reader' | 'Writer' | 'Manager',
  team: MonitorTeamRow = w.payments,
): Promise<TestUser> {
  const user = await app.createUser();
  await grantMonitorRole(app, user.iamId, role, { instanceGuid: w.instance.guid, teamId: team.id });
  return user;
}

async function iam(user: TestUser, w: World, teamId?: number): Promise<Headers> {
  return iamHeaders(await user.token(), w.instance.guid, teamId);
}

/** The user's own token in a team, through the IAM route. */
async function tokenOf(app: TestApp, user: TestUser, w: World, teamId = w.payments.id): Promise<string> {
  return keyOf(await get(app, '/api/token', await iam(user, w, teamId)));
}

async function monitorUser(app: TestApp, w: World, user: TestUser): Promise<MonitorUserRow> {
  const row = await app.monitor.ctx.repositories.users.findByIamId(w.instance.guid, user.iamId);
  assert.ok(row, 'the Monitor user is provisioned');
  return row;
}

async function tokenRows(app: TestApp, userId: number) {
  return app.database.db.selectFrom('monitor_tokens').selectAll().where('user_id', '=', userId).execute();
}

async function auditOf(app: TestApp, action: string) {
  const rows = await app.database.db
    .selectFrom('audit_events')
    .selectAll()
    .where('action', '=', action)
    .orderBy('seq', 'asc')
    .execute();
  return rows.map((r) => ({ ...r, details: JSON.parse(r.details) as Record<string, unknown> }));
}

async function setExternalApiAuth(app: TestApp, guid: string, mode: 'ANY' | 'IAM_ONLY'): Promise<void> {
  await app.database.db
    .updateTable('monitor_instances')
    .set({ settings: JSON.stringify({ externalApiAuth: mode }) })
    .where('guid', '=', guid)
    .execute();
  await app.feed.publish({ topic: MONITOR_TOPICS.instance, key: guid });
}

describeEachDatabase(
  'Monitor API token',
  (t) => {
    describe('GET /api/token', () => {
      it('IAM token + IBMInstanceID + SysdigTeamID: 200, a new token stored sealed and indexed, the same again', async () => {
        const app = t.app();
        const w = await world(app);
        const writer = await member(app, w, 'Writer');
        const headers = await iam(writer, w, w.payments.id);

        const first = await get(app, '/api/token', headers);
        const key = keyOf(first);
        const user = await monitorUser(app, w, writer);
        const rows = await tokenRows(app, user.id);
        assert.equal(rows.length, 1);
        const row = rows[0]!;
        const keyring = app.monitor.ctx.keyring;
        assert.deepEqual(row, {
          id: row.id,
          user_id: user.id,
          team_id: w.payments.id,
          token_hash: keyring.index(key),
          token_sealed: row.token_sealed,
          grace_hash: null,
          grace_until: null,
          created_at: isoAt(clock.now()),
          reset_at: null,
        });
        assert.ok(!row.token_sealed.includes(key));
        assert.equal(keyring.open(row.token_sealed, `monitor-token:${user.id}:${w.payments.id}`), key);
        assert.throws(() => keyring.open(row.token_sealed, `monitor-token:${user.id}:${w.operations.id}`));

        assert.equal(keyOf(await get(app, '/api/token', headers)), key, 'shown again, unchanged');
        assert.equal(keyOf(await get(app, '/api/token/', headers)), key, 'trailing slash');
        assert.equal((await tokenRows(app, user.id)).length, 1);
      });

      it('concurrent first requests: one token, the same value for all', async () => {
        const app = t.app();
        const w = await world(app);
        const writer = await member(app, w, 'Writer');
        const headers = await iam(writer, w, w.payments.id);
        // The Monitor user exists (any first request provisions it); its token does not yet.
        await provisionUser(app, writer, w.instance);
        const keys = await Promise.all(Array.from({ length: 5 }, () => get(app, '/api/token', headers).then(keyOf)));
        assert.equal(new Set(keys).size, 1);
        assert.equal((await tokenRows(app, (await monitorUser(app, w, writer)).id)).length, 1);
      });

      it('a Monitor API token: 200 with that token itself', async () => {
        const app = t.app();
        const w = await world(app);
        const reader = await member(app, w, 'Reader');
        const key = await tokenOf(app, reader, w);
        assert.equal(keyOf(await get(app, '/api/token', bearer(key))), key);
        assert.equal(keyOf(await get(app, '/api/token', { authorization: key })), key, 'without the Bearer word');
      });

      it('one token per team: the default team without SysdigTeamID, another with it', async () => {
        const app = t.app();
        const w = await world(app);
        const writer = await member(app, w, 'Writer');
        await grantMonitorRole(app, writer.iamId, 'Reader', { instanceGuid: w.instance.guid, teamId: w.operations.id });
        const inOperations = keyOf(await get(app, '/api/token', await iam(writer, w)));
        const inPayments = await tokenOf(app, writer, w, w.payments.id);
        assert.notEqual(inOperations, inPayments);
        assert.equal(keyOf(await get(app, '/api/token', await iam(writer, w, w.operations.id))), inOperations);
        const rows = await tokenRows(app, (await monitorUser(app, w, writer)).id);
        assert.deepEqual(rows.map((r) => r.team_id).sort(), [w.operations.id, w.payments.id].sort());
      });

      it("a service ID's IAM token gets its own token", async () => {
        const app = t.app();
        const w = await world(app);
        const sid = await createServiceId(app);
        await grantMonitorRole(app, sid.iamId, 'Writer', { instanceGuid: w.instance.guid, teamId: w.payments.id });
        const headers = iamHeaders(await app.tokenFor(sid.iamId), w.instance.guid, w.payments.id);
        const key = keyOf(await get(app, '/api/token', headers));
        assert.equal(keyOf(await get(app, '/api/token', bearer(key))), key);
      });

      it('audits every view (who, whose, which team), never the value or its hash', async () => {
        const app = t.app();
        const w = await world(app);
        const reader = await member(app, w, 'Reader');
        const before = (await auditOf(app, 'monitor_token.view')).length;
        const key = await tokenOf(app, reader, w);
        const events = (await auditOf(app, 'monitor_token.view')).slice(before);
        const row = (await tokenRows(app, (await monitorUser(app, w, reader)).id))[0]!;
        assert.equal(events.length, 1);
        const event = events[0]!;
        assert.deepEqual(
          {
            account_id: event.account_id,
            outcome: event.outcome,
            actor: event.actor_iam_id,
            target: [event.target_type, event.target_id],
            details: event.details,
          },
          {
            account_id: app.accountId,
            outcome: 'success',
            actor: reader.iamId,
            target: ['monitor_token', String(row.id)],
            details: {
              instance_guid: w.instance.guid,
              team_id: w.payments.id,
              owner_iam_id: reader.iamId,
              owner_username: reader.email,
              credential: 'iam_token',
            },
          },
        );
        const text = JSON.stringify(await auditOf(app, 'monitor_token.view'));
        assert.ok(!text.includes(key) && !text.includes(row.token_hash) && !text.includes(row.token_sealed));
      });

      it('no credential, an empty one, a malformed one, an unknown one: 401 with the same body', async () => {
        const app = t.app();
        const unknown = generateSecret('monitorToken', cryptoRandom);
        const wrongChecksum = `${unknown.slice(0, -1)}${unknown.endsWith('A') ? 'B' : 'A'}`;
        const cases: Headers[] = [
          {},
          { authorization: '' },
          { authorization: 'Bearer ' },
          { authorization: 'Basic dXNlcjpwdw==' },
          bearer('vigil_mt_short'),
          bearer(wrongChecksum),
          bearer(unknown),
          bearer(generateSecret('apiKey', cryptoRandom)),
        ];
        for (const headers of cases) {
          const res = await get(app, '/api/token', headers);
          assertStatus(res, 401, UNAUTHORIZED);
          assert.equal(res.headers['www-authenticate'], 'Bearer realm="vigil"');
        }
      });

      it('an IAM token without IBMInstanceID: 400; of another account’s instance: 404; with no role there: 403', async () => {
        const app = t.app();
        const w = await world(app);
        const reader = await member(app, w, 'Reader');
        const token = await reader.token();
        assertStatus(await get(app, '/api/token', bearer(token)), 400, {
          errors: [
            {
              reason: 'Bad Request',
              message: 'An IAM token needs the IBMInstanceID header naming the monitoring instance',
            },
          ],
        });
        const stranger = await app.createAccount();
        const foreign = await insertInstance(app, { accountId: stranger.accountId });
        assertStatus(
          await get(app, '/api/token', iamHeaders(token, foreign.instance.guid)),
          404,
          notFound('Monitoring instance'),
        );
        const nobody = await app.createUser();
        assertStatus(await get(app, '/api/token', await iam(nobody, w)), 403, {
          errors: [
            {
              reason: 'Not enough privileges to complete the action',
              message: 'You have no access to any team of this monitoring instance',
            },
          ],
        });
        assertStatus(await get(app, '/api/token', await iam(reader, w, w.operations.id)), 403, {
          errors: [
            { reason: 'Not enough privileges to complete the action', message: 'You are not a member of this team' },
          ],
        });
      });

      it('IAM_ONLY instance: 403 with IBM’s body, for an IAM token and for a Monitor API token; nothing created', async () => {
        const app = t.app();
        const w = await world(app);
        const reader = await member(app, w, 'Reader');
        const key = await tokenOf(app, reader, w);
        const other = await member(app, w, 'Writer');
        await setExternalApiAuth(app, w.instance.guid, 'IAM_ONLY');

        assertStatus(await get(app, '/api/token', await iam(reader, w, w.payments.id)), 403, IAM_ONLY);
        assertStatus(await get(app, '/api/token', bearer(key)), 403, IAM_ONLY);
        assertStatus(await get(app, '/api/token', await iam(other, w, w.payments.id)), 403, IAM_ONLY);
        assert.deepEqual(await tokenRows(app, (await monitorUser(app, w, other)).id), []);

        await setExternalApiAuth(app, w.instance.guid, 'ANY');
        assert.equal(keyOf(await get(app, '/api/token', bearer(key))), key);
      });
    });

    describe('GET /api/token/:username/:teamId', () => {
      it("an instance administrator reads a member's token: the member's own value; created if it had none", async () => {
        const app = t.app();
        const w = await world(app);
        const writer = await member(app, w, 'Writer');
        const own = await tokenOf(app, writer, w);
        const adminHeaders = await iam(app.admin, w);
        assert.equal(keyOf(await get(app, `/api/token/${writer.email}/${w.payments.id}`, adminHeaders)), own);
        assert.equal(
          keyOf(await get(app, `/api/token/${encodeURIComponent(writer.email)}/${w.payments.id}`, adminHeaders)),
          own,
          'URL-encoded username',
        );

        // A member who never asked for a token (provisioned by another route, or by their first request).
        const late = await member(app, w, 'Reader');
        const lateUser = await provisionUser(app, late, w.instance);
        assert.deepEqual(await tokenRows(app, lateUser.id), []);
        const created = keyOf(await get(app, `/api/token/${late.email}/${w.payments.id}`, adminHeaders));
        assert.equal((await tokenRows(app, lateUser.id)).length, 1);
        assert.equal(await tokenOf(app, late, w), created, 'the member then sees the same value');
      });

      it('an administrator with a Monitor API token reads a member’s token in any team of the instance', async () => {
        const app = t.app();
        const w = await world(app);
        const reader = await member(app, w, 'Reader');
        const own = await tokenOf(app, reader, w);
        const adminKey = keyOf(await get(app, '/api/token', await iam(app.admin, w, w.operations.id)));
        assert.equal(keyOf(await get(app, `/api/token/${reader.email}/${w.payments.id}`, bearer(adminKey))), own);
      });

      it("the team's manager acting in that team reads a member's token; acting in another team: 403", async () => {
        const app = t.app();
        const w = await world(app);
        const writer = await member(app, w, 'Writer');
        const own = await tokenOf(app, writer, w);
        const manager = await member(app, w, 'Reader', w.operations);
        await get(app, '/api/token', await iam(manager, w)); // provisions the manager's Monitor user
        await insertMembership(app, w.payments.id, (await monitorUser(app, w, manager)).id, 'ROLE_TEAM_MANAGER');

        const url = `/api/token/${writer.email}/${w.payments.id}`;
        assert.equal(keyOf(await get(app, url, await iam(manager, w, w.payments.id))), own);
        const managerKey = await tokenOf(app, manager, w, w.payments.id);
        assert.equal(keyOf(await get(app, url, bearer(managerKey))), own);
        assertStatus(await get(app, url, await iam(manager, w, w.operations.id)), 403, OTHER_TEAM_ADMIN);
      });

      it("a Reader or a Writer reading someone else's token: 403, whether the member exists or not", async () => {
        const app = t.app();
        const w = await world(app);
        const reader = await member(app, w, 'Reader');
        const writer = await member(app, w, 'Writer');
        await tokenOf(app, writer, w);
        const readerKey = await tokenOf(app, reader, w);
        for (const headers of [await iam(reader, w, w.payments.id), bearer(readerKey)]) {
          assertStatus(await get(app, `/api/token/${writer.email}/${w.payments.id}`, headers), 403, NOT_MEMBER_ADMIN);
          assertStatus(
            await get(app, `/api/token/nobody@example.test/${w.payments.id}`, headers),
            403,
            NOT_MEMBER_ADMIN,
          );
        }
        const writerHeaders = await iam(writer, w, w.payments.id);
        assertStatus(
          await get(app, `/api/token/${reader.email}/${w.payments.id}`, writerHeaders),
          403,
          NOT_MEMBER_ADMIN,
        );
      });

      it('a member reads their own token in the team they act in, not in another', async () => {
        const app = t.app();
        const w = await world(app);
        const reader = await member(app, w, 'Reader');
        await grantMonitorRole(app, reader.iamId, 'Reader', { instanceGuid: w.instance.guid, teamId: w.operations.id });
        const key = await tokenOf(app, reader, w);
        assert.equal(keyOf(await get(app, `/api/token/${reader.email}/${w.payments.id}`, bearer(key))), key);
        // A token scoped to one team does not yield the owner's token of another team.
        assertStatus(
          await get(app, `/api/token/${reader.email}/${w.operations.id}`, bearer(key)),
          403,
          OTHER_TEAM_ADMIN,
        );
      });

      it('404: a team of another instance, an unknown team, an unknown user, a user with no role in the team', async () => {
        const app = t.app();
        const w = await world(app);
        const writer = await member(app, w, 'Writer');
        await tokenOf(app, writer, w);
        const outsider = await member(app, w, 'Reader', w.operations);
        await get(app, '/api/token', await iam(outsider, w));
        const admin = await iam(app.admin, w);
        assertStatus(await get(app, `/api/token/${writer.email}/${w.otherTeam.id}`, admin), 404, notFound('Team'));
        assertStatus(await get(app, `/api/token/${writer.email}/2000000000`, admin), 404, notFound('Team'));
        assertStatus(await get(app, `/api/token/nobody@example.test/${w.payments.id}`, admin), 404, notFound('User'));
        assertStatus(await get(app, `/api/token/${outsider.email}/${w.payments.id}`, admin), 404, notFound('User'));
        assert.deepEqual(await tokenRows(app, (await monitorUser(app, w, outsider)).id).then((r) => r.length), 1);
      });

      it('a malformed team id: 400 in Sysdig’s shape; no credential: 401; IAM_ONLY: 403', async () => {
        const app = t.app();
        const w = await world(app);
        const writer = await member(app, w, 'Writer');
        await tokenOf(app, writer, w);
        const admin = await iam(app.admin, w);
        for (const id of ['abc', '0', '99999999999']) {
          const res = await get(app, `/api/token/${writer.email}/${id}`, admin);
          assert.equal(res.statusCode, 400, res.body);
          const body = res.json() as { errors: { reason: string; message: string }[] };
          assert.equal(body.errors.length, 1);
          assert.equal(body.errors[0]?.reason, 'Bad Request');
          assert.match(String(body.errors[0]?.message), /^Invalid params: .*teamId/);
        }
        assertStatus(await get(app, `/api/token/${writer.email}/${w.payments.id}`, {}), 401, UNAUTHORIZED);
        const adminKey = keyOf(await get(app, '/api/token', admin));
        await post(app, '/api/token/reset', bearer(adminKey));
        assertStatus(
          await get(app, `/api/token/${writer.email}/${w.payments.id}`, bearer(adminKey)),
          401,
          UNAUTHORIZED,
        );
        assertStatus(
          await get(app, `/api/token/${writer.email}/${w.payments.id}`, bearer(`${adminKey.slice(0, -2)}zz`)),
          401,
          UNAUTHORIZED,
        );
        await setExternalApiAuth(app, w.instance.guid, 'IAM_ONLY');
        assertStatus(await get(app, `/api/token/${writer.email}/${w.payments.id}`, admin), 403, IAM_ONLY);
      });
    });

    describe('POST /api/token/reset', () => {
      it('the owner (a manager of the team) resets: 200 with a new value; the old one is refused at once; audited', async () => {
        const app = t.app();
        const w = await world(app);
        const reader = await member(app, w, 'Manager');
        const old = await tokenOf(app, reader, w);
        const user = await monitorUser(app, w, reader);
        const before = (await tokenRows(app, user.id))[0]!;
        assert.equal(keyOf(await get(app, '/api/token', bearer(old))), old, 'cached as accepted');
        clock.advance(1000);

        let res: LightMyRequestResponse | undefined;
        const changes = await feedDuring(app, async () => {
          res = await post(app, '/api/token/reset', await iam(reader, w, w.payments.id));
        });
        const fresh = keyOf(res!);
        assert.notEqual(fresh, old);
        // On PostgreSQL the publisher also hears its own NOTIFY echo.
        assert.deepEqual(
          [...new Set(changes.filter((c) => c.topic === MONITOR_TOPICS.token).map((c) => c.key))],
          [String(before.id)],
        );
        const after = (await tokenRows(app, user.id))[0]!;
        assert.deepEqual(after, {
          ...before,
          token_hash: app.monitor.ctx.keyring.index(fresh),
          token_sealed: after.token_sealed,
          reset_at: isoAt(clock.now()),
        });
        assert.notEqual(after.token_sealed, before.token_sealed);

        assertStatus(await get(app, '/api/token', bearer(old)), 401, UNAUTHORIZED);
        assert.equal(keyOf(await get(app, '/api/token', bearer(fresh))), fresh);
        assert.equal(await tokenOf(app, reader, w), fresh);

        const [event] = (await auditOf(app, 'monitor_token.reset')).filter((e) => e.target_id === String(before.id));
        assert.deepEqual(
          { actor: event?.actor_iam_id, outcome: event?.outcome, details: event?.details },
          {
            actor: reader.iamId,
            outcome: 'success',
            details: {
              instance_guid: w.instance.guid,
              team_id: w.payments.id,
              owner_iam_id: reader.iamId,
              owner_username: reader.email,
              credential: 'iam_token',
              grace_seconds: 0,
            },
          },
        );
      });

      it('a Reader or a Writer may not reset their own token: 403, the token unchanged and still working', async () => {
        const app = t.app();
        const w = await world(app);
        for (const role of ['Reader', 'Writer'] as const) {
          const user = await member(app, w, role);
          const old = await tokenOf(app, user, w);
          for (const headers of [await iam(user, w, w.payments.id), bearer(old)]) {
            assertStatus(await post(app, '/api/token/reset', headers, { graceSeconds: 60 }), 403, {
              errors: [
                {
                  reason: 'Not enough privileges to complete the action',
                  message:
                    'Only instance administrators and team managers may reset Monitor API tokens: ask one to reset yours',
                },
              ],
            });
          }
          assert.equal(await tokenOf(app, user, w), old);
          assert.equal(keyOf(await get(app, '/api/token', bearer(old))), old);
        }
      });

      it('with the Monitor API token itself: that token is replaced', async () => {
        const app = t.app();
        const w = await world(app);
        const writer = await member(app, w, 'Manager');
        const old = await tokenOf(app, writer, w);
        const fresh = keyOf(await post(app, '/api/token/reset', bearer(old), {}));
        assertStatus(await post(app, '/api/token/reset', bearer(old)), 401, UNAUTHORIZED);
        assert.equal(keyOf(await get(app, '/api/token', bearer(fresh))), fresh);
      });

      it('graceSeconds keeps the old value valid until then; a second reset replaces the grace value', async () => {
        const app = t.app();
        const w = await world(app);
        const writer = await member(app, w, 'Manager');
        const first = await tokenOf(app, writer, w);
        const user = await monitorUser(app, w, writer);
        const resetAt = clock.now();
        const second = keyOf(await post(app, '/api/token/reset', bearer(first), { graceSeconds: 60 }));
        const row = (await tokenRows(app, user.id))[0]!;
        const keyring = app.monitor.ctx.keyring;
        assert.equal(row.grace_hash, keyring.index(first));
        assert.equal(row.grace_until, isoAt(resetAt + 60_000));

        clock.advance(59_999);
        assert.equal(
          keyOf(await get(app, '/api/token', bearer(first))),
          second,
          'old value still valid: shows the new',
        );
        assert.equal(keyOf(await get(app, '/api/token', bearer(second))), second);
        clock.advance(1);
        assertStatus(await get(app, '/api/token', bearer(first)), 401, UNAUTHORIZED);
        assert.equal(keyOf(await get(app, '/api/token', bearer(second))), second);

        const third = keyOf(await post(app, '/api/token/reset', bearer(second), { graceSeconds: 30 }));
        assert.equal(keyOf(await get(app, '/api/token', bearer(second))), third, 'second in its grace period');
        const fourth = keyOf(await post(app, '/api/token/reset', bearer(third), { graceSeconds: 0 }));
        assertStatus(await get(app, '/api/token', bearer(second)), 401, UNAUTHORIZED);
        assertStatus(await get(app, '/api/token', bearer(third)), 401, UNAUTHORIZED);
        assert.equal(keyOf(await get(app, '/api/token', bearer(fourth))), fourth);
        const last = (await tokenRows(app, user.id))[0]!;
        assert.deepEqual([last.grace_hash, last.grace_until], [null, null]);
      });

      it('a bad body: 400 in Sysdig’s shape, nothing reset', async () => {
        const app = t.app();
        const w = await world(app);
        const reader = await member(app, w, 'Manager');
        const key = await tokenOf(app, reader, w);
        for (const payload of [
          { graceSeconds: -1 },
          { graceSeconds: 86_401 },
          { graceSeconds: 1.5 },
          { graceSeconds: 'soon' },
          { grace: 10 },
          [],
          'x',
        ]) {
          const res = await post(app, '/api/token/reset', bearer(key), payload);
          assert.equal(res.statusCode, 400, `${JSON.stringify(payload)}: ${res.body}`);
          const body = res.json() as { errors: { reason: string; message: string }[] };
          assert.equal(body.errors[0]?.reason, 'Bad Request');
          assert.match(String(body.errors[0]?.message), /^Invalid body: /);
        }
        const broken = await app.http.inject({
          method: 'POST',
          url: '/api/token/reset',
          headers: { ...bearer(key), 'content-type': 'application/json' },
          payload: '{"graceSeconds":',
        });
        assert.equal(broken.statusCode, 400, broken.body);
        assert.equal((broken.json() as { errors: { reason: string }[] }).errors[0]?.reason, 'Bad Request');
        assert.equal(keyOf(await get(app, '/api/token', bearer(key))), key, 'unchanged');
      });

      it('accepts no body, an empty JSON body, {} and a numeric string', async () => {
        const app = t.app();
        const w = await world(app);
        const reader = await member(app, w, 'Manager');
        let key = await tokenOf(app, reader, w);
        key = keyOf(await post(app, '/api/token/reset', bearer(key)));
        key = keyOf(
          await app.http.inject({
            method: 'POST',
            url: '/api/token/reset/',
            headers: { ...bearer(key), 'content-type': 'application/json' },
            payload: '',
          }),
        );
        key = keyOf(await post(app, '/api/token/reset', bearer(key), {}));
        key = keyOf(await post(app, '/api/token/reset', bearer(key), { graceSeconds: '5' }));
        assert.equal(keyOf(await get(app, '/api/token', bearer(key))), key);
      });

      it('no credential or a reset token: 401; under IAM_ONLY an IAM caller may still reset (old values stay dead)', async () => {
        const app = t.app();
        const w = await world(app);
        const reader = await member(app, w, 'Manager');
        const old = await tokenOf(app, reader, w);
        assertStatus(await post(app, '/api/token/reset', {}), 401, UNAUTHORIZED);
        await setExternalApiAuth(app, w.instance.guid, 'IAM_ONLY');
        const fresh = keyOf(await post(app, '/api/token/reset', await iam(reader, w, w.payments.id)));
        assertStatus(await post(app, '/api/token/reset', bearer(fresh)), 403, IAM_ONLY);
        await setExternalApiAuth(app, w.instance.guid, 'ANY');
        assertStatus(await get(app, '/api/token', bearer(old)), 401, UNAUTHORIZED);
        assert.equal(keyOf(await get(app, '/api/token', bearer(fresh))), fresh);
      });

      it('two concurrent resets: both answered, the value of the last one is the only one that works', async () => {
        const app = t.app();
        const w = await world(app);
        const reader = await member(app, w, 'Manager');
        const old = await tokenOf(app, reader, w);
        const headers = await iam(reader, w, w.payments.id);
        const values = await Promise.all([
          post(app, '/api/token/reset', headers).then(keyOf),
          post(app, '/api/token/reset', headers).then(keyOf),
        ]);
        assert.notEqual(values[0], values[1]);
        const statuses = await Promise.all(
          [old, ...values].map(async (k) => (await get(app, '/api/token', bearer(k))).statusCode),
        );
        assert.equal(statuses[0], 401);
        assert.deepEqual([...statuses.slice(1)].sort(), [200, 401]);
        const current = await tokenOf(app, reader, w);
        assert.ok(values.includes(current));
        const text = JSON.stringify(await auditOf(app, 'monitor_token.reset'));
        for (const value of [old, ...values]) assert.ok(!text.includes(value), 'no value in the audit log');
      });

      it('a member who never had a token: the reset creates the first one', async () => {
        const app = t.app();
        const w = await world(app);
        const reader = await member(app, w, 'Manager');
        const key = keyOf(await post(app, '/api/token/reset', await iam(reader, w, w.payments.id)));
        assert.equal(await tokenOf(app, reader, w), key);
      });
    });

    describe('POST /api/token/:username/:teamId/reset', () => {
      it("an instance administrator resets a member's token: the member's old value dies; audited for whom", async () => {
        const app = t.app();
        const w = await world(app);
        const writer = await member(app, w, 'Writer');
        const old = await tokenOf(app, writer, w);
        const url = `/api/token/${encodeURIComponent(writer.email)}/${w.payments.id}/reset`;
        const fresh = keyOf(await post(app, url, await iam(app.admin, w), { graceSeconds: 0 }));
        assertStatus(await get(app, '/api/token', bearer(old)), 401, UNAUTHORIZED);
        assert.equal(await tokenOf(app, writer, w), fresh);
        const events = await auditOf(app, 'monitor_token.reset');
        const event = events[events.length - 1]!;
        assert.equal(event.actor_iam_id, app.admin.iamId);
        assert.deepEqual(event.details, {
          instance_guid: w.instance.guid,
          team_id: w.payments.id,
          owner_iam_id: writer.iamId,
          owner_username: writer.email,
          credential: 'iam_token',
          grace_seconds: 0,
        });
      });

      it("the team's manager resets a member's token in that team, with a grace period", async () => {
        const app = t.app();
        const w = await world(app);
        const writer = await member(app, w, 'Writer');
        const old = await tokenOf(app, writer, w);
        const manager = await member(app, w, 'Reader');
        await get(app, '/api/token', await iam(manager, w, w.payments.id));
        await insertMembership(app, w.payments.id, (await monitorUser(app, w, manager)).id, 'ROLE_TEAM_MANAGER');
        const url = `/api/token/${writer.email}/${w.payments.id}/reset`;
        const fresh = keyOf(await post(app, url, await iam(manager, w, w.payments.id), { graceSeconds: 10 }));
        assert.equal(keyOf(await get(app, '/api/token', bearer(old))), fresh, 'old value in its grace period');
        clock.advance(10_000);
        assertStatus(await get(app, '/api/token', bearer(old)), 401, UNAUTHORIZED);
      });

      it("a Reader resetting someone else's token: 403, nothing changed; 404 for another instance's team", async () => {
        const app = t.app();
        const w = await world(app);
        const writer = await member(app, w, 'Writer');
        const old = await tokenOf(app, writer, w);
        const reader = await member(app, w, 'Reader');
        const url = `/api/token/${writer.email}/${w.payments.id}/reset`;
        assertStatus(await post(app, url, await iam(reader, w, w.payments.id)), 403, NOT_MEMBER_ADMIN);
        assert.equal(keyOf(await get(app, '/api/token', bearer(old))), old);
        const admin = await iam(app.admin, w);
        assertStatus(
          await post(app, `/api/token/${writer.email}/${w.otherTeam.id}/reset`, admin),
          404,
          notFound('Team'),
        );
        assertStatus(
          await post(app, `/api/token/${reader.email}/${w.operations.id}/reset`, admin),
          404,
          notFound('User'),
        );
        assertStatus(await post(app, url, {}), 401, UNAUTHORIZED);
        assert.equal(keyOf(await get(app, '/api/token', bearer(old))), old);
      });
    });
  },
  { clock },
);
