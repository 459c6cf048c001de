import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { isoAt, ManualClock } from '../../platform/clock.js';
import { bearer, describeEachDatabase, type TestApp } from '../../testing/test-app.js';
import { grantIdentityRole } from '../../testing/identity-fixtures.js';

const clock = new ManualClock(Date.UTC(2026, 4, 1, 12, 0));

function password(): string {
  return `pw-${randomBytes(9).toString('base64url')}`;
}

interface EventBody {
  id: string;
  at: string;
  action: string;
  outcome: string;
  actor_iam_id: string | null;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  details: Record<string, unknown>;
}

async function get(app: TestApp, url: string, token: string): Promise<LightMyRequestResponse> {
  return app.http.inject({ method: 'GET', url, headers: bearer(token) });
}

async function list(app: TestApp, query: string, token?: string): Promise<{ events: EventBody[]; next?: string }> {
  const res = await get(app, `/v1/audit${query}`, token ?? (await app.admin.token()));
  assert.equal(res.statusCode, 200, res.body);
  return res.json() as { events: EventBody[]; next?: string };
}

/** What an event recorded for an injected request looks like. */
function requestEvent(
  res: LightMyRequestResponse,
  fields: Pick<EventBody, 'at' | 'action' | 'actor_iam_id' | 'target_id' | 'details'> & { outcome?: string },
): Omit<EventBody, 'id'> {
  return {
    outcome: 'success',
    target_type: 'user',
    ip: '127.0.0.1',
    user_agent: 'lightMyRequest',
    request_id: String(res.headers['x-request-id']),
    ...fields,
  };
}

function withoutId(event: EventBody): Omit<EventBody, 'id'> {
  assert.match(event.id, /^[0-9a-f-]{36}$/);
  const rest: Partial<EventBody> = { ...event };
  delete rest.id;
  return rest as Omit<EventBody, 'id'>;
}

describeEachDatabase(
  'GET /v1/audit',
  (t) => {
    it('shows what the users routes did, newest first, with who, when and from where, and never a password', async () => {
      const app = t.app();
      const adminToken = await app.admin.token();
      const secret = password();
      const email = `audited-${randomBytes(3).toString('hex')}@example.test`;
      const start = clock.now();
      const at = (step: number) => isoAt(start + step * 1000);

      clock.set(start + 1000);
      const created = await app.http.inject({
        method: 'POST',
        url: '/v1/users',
        headers: bearer(adminToken),
        payload: { email, name: 'Audited', password: secret },
      });
      assert.equal(created.statusCode, 201);
      const iamId = (created.json() as { iam_id: string }).iam_id;
      const userToken = await app.tokenFor(iamId);

      clock.set(start + 2000);
      const wrong = await app.http.inject({
        method: 'PUT',
        url: '/v1/users/me/password',
        headers: bearer(userToken),
        payload: { current_password: password(), new_password: password() },
      });
      assert.equal(wrong.statusCode, 400);
      clock.set(start + 3000);
      const newSecret = password();
      const changed = await app.http.inject({
        method: 'PUT',
        url: '/v1/users/me/password',
        headers: bearer(userToken),
        payload: { current_password: secret, new_password: newSecret },
      });
      assert.equal(changed.statusCode, 204);
      clock.set(start + 4000);
      const disabled = await app.http.inject({
        method: 'POST',
        url: `/v1/users/${iamId}/disable`,
        headers: bearer(adminToken),
      });
      assert.equal(disabled.statusCode, 204);
      clock.set(start + 5000);
      const enabled = await app.http.inject({
        method: 'DELETE',
        url: `/v1/users/${iamId}/disable`,
        headers: bearer(adminToken),
      });
      assert.equal(enabled.statusCode, 204);
      clock.set(start + 6000);
      const deleted = await app.http.inject({
        method: 'DELETE',
        url: `/v1/users/${iamId}`,
        headers: bearer(adminToken),
      });
      assert.equal(deleted.statusCode, 204);

      const res = await get(app, `/v1/audit?target_id=${iamId}`, adminToken);
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json() as { events: EventBody[]; next?: string };
      assert.equal(body.next, undefined);
      const admin = app.admin.iamId;
      assert.deepEqual(body.events.map(withoutId), [
        requestEvent(deleted, {
          at: at(6),
          action: 'user.delete',
          actor_iam_id: admin,
          target_id: iamId,
          details: { email },
        }),
        requestEvent(enabled, {
          at: at(5),
          action: 'user.enable',
          actor_iam_id: admin,
          target_id: iamId,
          details: { email },
        }),
        requestEvent(disabled, {
          at: at(4),
          action: 'user.disable',
          actor_iam_id: admin,
          target_id: iamId,
          details: { email },
        }),
        requestEvent(changed, {
          at: at(3),
          action: 'user.password.change',
          actor_iam_id: iamId,
          target_id: iamId,
          details: { refresh_tokens_revoked: true },
        }),
        requestEvent(wrong, {
          at: at(2),
          action: 'user.password.change',
          outcome: 'failure',
          actor_iam_id: iamId,
          target_id: iamId,
          details: { reason: 'wrong current password' },
        }),
        requestEvent(created, {
          at: at(1),
          action: 'user.create',
          actor_iam_id: admin,
          target_id: iamId,
          details: { email, admin: false },
        }),
      ]);

      const everything = await get(app, '/v1/audit?limit=1000', adminToken);
      for (const value of [secret, newSecret, app.admin.password]) assert.ok(!everything.body.includes(value));
      assert.ok(!everything.body.includes('scrypt$'));
    });

    it('filters by action, outcome, actor and time, and pages with `next` as a full URL', async () => {
      const app = t.app();
      const adminToken = await app.admin.token();
      const t0 = clock.now() + 60_000;
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        clock.set(t0 + i * 1000);
        const res = await app.http.inject({
          method: 'POST',
          url: '/v1/users',
          headers: bearer(adminToken),
          payload: {
            email: `page-${i}-${randomBytes(3).toString('hex')}@example.test`,
            name: `P${i}`,
            password: password(),
          },
        });
        ids.push((res.json() as { iam_id: string }).iam_id);
      }
      const newestFirst = [...ids].reverse();

      const first = await list(app, `?action=user.create&since=${isoAt(t0)}&limit=2`);
      assert.deepEqual(
        first.events.map((e) => e.target_id),
        newestFirst.slice(0, 2),
      );
      assert.ok(first.next);
      const nextUrl = new URL(first.next);
      assert.equal(`${nextUrl.origin}${nextUrl.pathname}`, 'http://vigil.test/v1/audit');
      assert.equal(nextUrl.searchParams.get('action'), 'user.create');
      assert.equal(nextUrl.searchParams.get('since'), isoAt(t0));
      assert.equal(nextUrl.searchParams.get('limit'), '2');
      const second = await list(app, nextUrl.search);
      assert.deepEqual(
        second.events.map((e) => e.target_id),
        newestFirst.slice(2, 4),
      );
      const third = await list(app, new URL(String(second.next)).search);
      assert.deepEqual(
        third.events.map((e) => e.target_id),
        newestFirst.slice(4),
      );
      assert.equal(third.next, undefined);

      // `until` in IBM's form with a numeric offset is accepted too.
      const until = encodeURIComponent(`${isoAt(t0 + 3000).slice(0, 19)}+0000`);
      const window = await list(app, `?since=${isoAt(t0 + 1000)}&until=${until}`);
      assert.deepEqual(
        window.events.map((e) => e.target_id),
        [ids[2], ids[1]],
      );
      const byActor = await list(app, `?actor_iam_id=${app.admin.iamId}&outcome=success&limit=1000`);
      assert.ok(byActor.events.length >= 5);
      assert.ok(byActor.events.every((e) => e.actor_iam_id === app.admin.iamId && e.outcome === 'success'));
      assert.deepEqual((await list(app, `?outcome=failure&since=${isoAt(t0)}`)).events, []);
    });

    it('shows only the caller’s account', async () => {
      const app = t.app();
      const other = await app.createAccount();
      const mine = await list(app, '?limit=1000');
      assert.ok(mine.events.length > 0);
      assert.ok(mine.events.every((e) => e.target_id !== other.accountId && e.actor_iam_id !== other.iamId));
      const theirs = await list(app, '?limit=1000', await other.token());
      assert.deepEqual(
        theirs.events.map((e) => [e.action, e.target_id]),
        [['account.create', other.accountId]],
      );
    });

    it('is for administrators and iam-identity Administrators only: 403 for a user or a Viewer', async () => {
      const app = t.app();
      const user = await app.createUser();
      const res = await get(app, '/v1/audit', await user.token());
      assert.equal(res.statusCode, 403);
      assert.deepEqual(res.json(), {
        trace: res.headers['x-request-id'],
        errors: [
          {
            code: 'insufficent_permissions',
            message_code: 'BXNIM0513E',
            message: 'You are not authorized to read the audit log.',
          },
        ],
        status_code: 403,
      });
      const viewer = await app.createUser();
      await grantIdentityRole(app, viewer.iamId, 'Viewer');
      assert.equal((await get(app, '/v1/audit', await viewer.token())).statusCode, 403);
      const auditor = await app.createUser();
      await grantIdentityRole(app, auditor.iamId, 'Administrator');
      assert.equal((await get(app, '/v1/audit', await auditor.token())).statusCode, 200);
      const anonymous = await app.http.inject({ method: 'GET', url: '/v1/audit' });
      assert.equal(anonymous.statusCode, 401);
    });

    it('refuses bad filters with 400', async () => {
      const app = t.app();
      const token = await app.admin.token();
      const since = await get(app, '/v1/audit?since=yesterday', token);
      assert.equal(since.statusCode, 400);
      assert.deepEqual(since.json(), {
        trace: since.headers['x-request-id'],
        errors: [
          {
            code: 'invalid_body',
            message_code: 'BXNIM0109E',
            message: '"since" must be an ISO 8601 date and time, e.g. 2026-01-31T12:00:00Z.',
          },
        ],
        status_code: 400,
      });
      for (const query of ['limit=0', 'limit=1001', 'outcome=maybe', 'start=0', 'until=']) {
        const res = await get(app, `/v1/audit?${query}`, token);
        assert.equal(res.statusCode, 400, query);
      }
    });
  },
  { clock },
);
