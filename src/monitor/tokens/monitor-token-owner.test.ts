import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { ManualClock } from '../../platform/clock.js';
import { cryptoRandom } from '../../platform/crypto/random.js';
import { generateSecret } from '../../platform/crypto/secret-token.js';
import type { MonitorInstanceRow, MonitorTeamRow } from '../../platform/db/schema.js';
import {
  grantMonitorRole,
  iamHeaders,
  insertInstance,
  insertMembership,
  insertTeam,
  revokePolicy,
  provisionUser,
} from '../../testing/monitor-fixtures.js';
import { bearer, describeEachDatabase, type TestApp, type TestUser } from '../../testing/test-app.js';
import { MONITOR_TOPICS } from '../context.js';

/**
 * The Monitor API token acts as its owner with the owner's current role in its team (issue 3): whatever takes that
 * role away, or switches Monitor API tokens off, refuses the token at once, in the same process, with no waiting for a
 * cache to expire (the clock here never moves unless told to). Refusals are audited.
 */

const clock = new ManualClock(Date.UTC(2026, 5, 1, 12, 0));

const UNAUTHORIZED = { errors: [{ reason: 'Unauthorized', message: 'Bad credentials' }] };
const IAM_ONLY = { errors: [{ reason: 'Not enough privileges to complete the action', message: 'Access is denied' }] };

function assertStatus(res: LightMyRequestResponse, status: number, body: unknown): void {
  assert.equal(res.statusCode, status, res.body);
  assert.deepEqual(res.json(), body);
}

interface Setup {
  readonly instance: MonitorInstanceRow;
  readonly team: MonitorTeamRow;
  readonly writer: TestUser;
  readonly policyId: string;
  readonly key: string;
}

/**
 * A Writer of one team (or a Manager of it: one who may reset their own token), with their Monitor API token for it,
 * obtained with their IAM token.
 */
async function writerWithToken(app: TestApp, role: 'Writer' | 'Manager' = 'Writer'): Promise<Setup> {
  const { instance } = await insertInstance(app);
  const team = await insertTeam(app, instance.guid, `team-${cryptoRandom.bytes(3).toString('hex')}`);
  const writer = await app.createUser();
  const policyId = await grantMonitorRole(app, writer.iamId, role, {
    instanceGuid: instance.guid,
    teamId: team.id,
  });
  const res = await app.http.inject({
    method: 'GET',
    url: '/api/token',
    headers: iamHeaders(await writer.token(), instance.guid, team.id),
  });
  assert.equal(res.statusCode, 200, res.body);
  return { instance, team, writer, policyId, key: (res.json() as { token: { key: string } }).token.key };
}

function use(app: TestApp, key: string): Promise<LightMyRequestResponse> {
  return app.http.inject({ method: 'GET', url: '/api/token', headers: bearer(key) });
}

async function assertWorks(app: TestApp, key: string): Promise<void> {
  const res = await use(app, key);
  assertStatus(res, 200, { token: { key } });
}

async function refusals(app: TestApp) {
  const rows = await app.database.db
    .selectFrom('audit_events')
    .selectAll()
    .where('action', '=', 'monitor_token.refused')
    .orderBy('seq', 'asc')
    .execute();
  return rows.map((r) => ({
    account_id: r.account_id,
    outcome: r.outcome,
    actor_iam_id: r.actor_iam_id,
    target_type: r.target_type,
    target_id: r.target_id,
    ip: r.ip,
    details: JSON.parse(r.details) as unknown,
  }));
}

async function tokenIdOf(app: TestApp, key: string): Promise<string> {
  const row = await app.monitor.ctx.repositories.tokens.findByHash(app.monitor.ctx.keyring.index(key));
  assert.ok(row);
  return String(row.id);
}

describeEachDatabase(
  'Monitor API token: acts as its owner',
  (t) => {
    describe('GET /api/token with a Monitor API token', () => {
      it("a Writer's token works; the policy revoked → 401 at once; granted again → works", async () => {
        const app = t.app();
        const s = await writerWithToken(app);
        await assertWorks(app, s.key);
        await revokePolicy(app, s.policyId, s.writer.iamId);
        assertStatus(await use(app, s.key), 401, UNAUTHORIZED);
        await grantMonitorRole(app, s.writer.iamId, 'Reader', { instanceGuid: s.instance.guid, teamId: s.team.id });
        await assertWorks(app, s.key);
      });

      it('a role from a membership only: the membership removed → 401 at once', async () => {
        const app = t.app();
        const { instance } = await insertInstance(app);
        const team = await insertTeam(app, instance.guid, 'members');
        const user = await app.createUser();
        const row = await provisionUser(app, user, instance);
        await insertMembership(app, team.id, row.id, 'ROLE_TEAM_STANDARD');
        const res = await app.http.inject({
          method: 'GET',
          url: '/api/token',
          headers: iamHeaders(await user.token(), instance.guid, team.id),
        });
        const key = (res.json() as { token: { key: string } }).token.key;
        await assertWorks(app, key);
        await app.database.db
          .deleteFrom('monitor_memberships')
          .where('team_id', '=', team.id)
          .where('user_id', '=', row.id)
          .execute();
        await app.feed.publish({ topic: MONITOR_TOPICS.membership, key: String(row.id) });
        assertStatus(await use(app, key), 401, UNAUTHORIZED);
      });

      it('the owner disabled in IAM (POST /v1/users/{id}/disable) → 401 at once; enabled again → works', async () => {
        const app = t.app();
        const s = await writerWithToken(app);
        await assertWorks(app, s.key);
        const admin = bearer(await app.admin.token());
        const disable = `/v1/users/${s.writer.iamId}/disable`;
        assert.equal((await app.http.inject({ method: 'POST', url: disable, headers: admin })).statusCode, 204);
        assertStatus(await use(app, s.key), 401, UNAUTHORIZED);
        assert.equal((await app.http.inject({ method: 'DELETE', url: disable, headers: admin })).statusCode, 204);
        await assertWorks(app, s.key);
      });

      it('the owner disabled in the monitoring instance → 401 at once', async () => {
        const app = t.app();
        const s = await writerWithToken(app);
        await assertWorks(app, s.key);
        const user = await app.monitor.ctx.repositories.users.findByIamId(s.instance.guid, s.writer.iamId);
        assert.ok(user);
        await app.monitor.ctx.repositories.users.update(user.id, { enabled: 0 });
        await app.feed.publish({ topic: MONITOR_TOPICS.user, key: String(user.id) });
        assertStatus(await use(app, s.key), 401, UNAUTHORIZED);
      });

      it('the instance switched to IAM_ONLY (PATCH /v1/instances/{guid}) → 403 with IBM’s body; back to ANY → works', async () => {
        const app = t.app();
        const s = await writerWithToken(app);
        await assertWorks(app, s.key);
        const setMode = async (mode: 'ANY' | 'IAM_ONLY') => {
          const res = await app.http.inject({
            method: 'PATCH',
            url: `/v1/instances/${s.instance.guid}`,
            headers: bearer(await app.admin.token()),
            payload: { settings: { externalApiAuth: mode } },
          });
          assert.equal(res.statusCode, 200, res.body);
        };
        await setMode('IAM_ONLY');
        assertStatus(await use(app, s.key), 403, IAM_ONLY);
        await setMode('ANY');
        await assertWorks(app, s.key);
      });

      it('the team deleted → 401', async () => {
        const app = t.app();
        const s = await writerWithToken(app);
        await assertWorks(app, s.key);
        await app.database.db.deleteFrom('monitor_teams').where('id', '=', s.team.id).execute();
        await app.feed.publish({ topic: MONITOR_TOPICS.team, key: String(s.team.id) });
        assertStatus(await use(app, s.key), 401, UNAUTHORIZED);
      });

      it('a reset committed while a request with the old value was being looked up: the next request is refused', async () => {
        const app = t.app();
        const s = await writerWithToken(app, 'Manager');
        const tokens = app.monitor.ctx.repositories.tokens;
        const original = tokens.findByHash.bind(tokens);
        let release: () => void = () => undefined;
        const gate = new Promise<void>((resolve) => (release = resolve));
        let reads = 0;
        // The first lookup reads the row, then waits while the reset happens.
        tokens.findByHash = async (hash) => {
          const row = await original(hash);
          if (reads++ === 0) await gate;
          return row;
        };
        try {
          const inFlight = use(app, s.key);
          while (reads === 0) await new Promise((resolve) => setImmediate(resolve));
          const reset = await app.http.inject({
            method: 'POST',
            url: '/api/token/reset',
            headers: iamHeaders(await s.writer.token(), s.instance.guid, s.team.id),
          });
          assert.equal(reset.statusCode, 200, reset.body);
          release();
          assert.equal((await inFlight).statusCode, 200, 'the request in flight at the reset is answered');
          assertStatus(await use(app, s.key), 401, UNAUTHORIZED);
        } finally {
          tokens.findByHash = original;
        }
      });
    });

    describe('monitor_token.refused audit', () => {
      it('records the reason, the token and its owner, once a minute per token and reason', async () => {
        const app = t.app();
        const s = await writerWithToken(app);
        const tokenId = await tokenIdOf(app, s.key);
        const before = (await refusals(app)).length;
        await revokePolicy(app, s.policyId, s.writer.iamId);
        assertStatus(await use(app, s.key), 401, UNAUTHORIZED);
        assertStatus(await use(app, s.key), 401, UNAUTHORIZED);
        const refused = {
          account_id: app.accountId,
          outcome: 'failure',
          actor_iam_id: null,
          target_type: 'monitor_token',
          target_id: tokenId,
          ip: '127.0.0.1',
          details: { reason: 'no_role', owner_iam_id: s.writer.iamId, team_id: s.team.id },
        };
        assert.deepEqual((await refusals(app)).slice(before), [refused]);
        clock.advance(60_000);
        assertStatus(await use(app, s.key), 401, UNAUTHORIZED);
        assert.deepEqual((await refusals(app)).slice(before), [refused, refused]);
      });

      it('a reset value past its grace period, and IAM_ONLY, are recorded with their reason', async () => {
        const app = t.app();
        const s = await writerWithToken(app, 'Manager');
        const tokenId = await tokenIdOf(app, s.key);
        const headers = iamHeaders(await s.writer.token(), s.instance.guid, s.team.id);
        const reset = await app.http.inject({
          method: 'POST',
          url: '/api/token/reset',
          headers,
          payload: { graceSeconds: 5 },
        });
        const fresh = (reset.json() as { token: { key: string } }).token.key;
        clock.advance(5_000);
        const before = (await refusals(app)).length;
        assertStatus(await use(app, s.key), 401, UNAUTHORIZED);
        await app.database.db
          .updateTable('monitor_instances')
          .set({ settings: JSON.stringify({ externalApiAuth: 'IAM_ONLY' }) })
          .where('guid', '=', s.instance.guid)
          .execute();
        await app.feed.publish({ topic: MONITOR_TOPICS.instance, key: s.instance.guid });
        assertStatus(await use(app, fresh), 403, IAM_ONLY);
        const owner = { owner_iam_id: s.writer.iamId, team_id: s.team.id };
        assert.deepEqual(
          (await refusals(app)).slice(before).map((r) => [r.target_id, r.details]),
          [
            [tokenId, { reason: 'grace_expired', ...owner }],
            [tokenId, { reason: 'iam_only', ...owner }],
          ],
        );
      });

      it('malformed and unknown values: recorded per client address, without the value', async () => {
        const app = t.app();
        const unknown = generateSecret('monitorToken', cryptoRandom);
        const before = (await refusals(app)).length;
        assertStatus(await use(app, 'vigil_mt_nonsense'), 401, UNAUTHORIZED);
        assertStatus(await use(app, unknown), 401, UNAUTHORIZED);
        assertStatus(await use(app, unknown), 401, UNAUTHORIZED);
        const anonymous = {
          account_id: null,
          outcome: 'failure',
          actor_iam_id: null,
          target_type: null,
          target_id: null,
        };
        const rows = (await refusals(app)).slice(before);
        assert.deepEqual(rows, [
          { ...anonymous, ip: '127.0.0.1', details: { reason: 'malformed', owner_iam_id: null, team_id: null } },
          { ...anonymous, ip: '127.0.0.1', details: { reason: 'unknown', owner_iam_id: null, team_id: null } },
        ]);
        assert.ok(!JSON.stringify(rows).includes(unknown));
      });
    });
  },
  { clock },
);
