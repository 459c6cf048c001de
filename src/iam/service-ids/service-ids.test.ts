import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { isoAt, ManualClock } from '../../platform/clock.js';
import { isWellFormedSecret } from '../../platform/crypto/secret-token.js';
import { bearer, describeEachDatabase, TEST_PUBLIC_URL, type TestApp } from '../../testing/test-app.js';
import { grantIdentityRole } from '../../testing/identity-fixtures.js';
import { apiKeyCrn, entityTag, serviceIdCrn } from '../ids.js';
import { assertIamError, auditOf, feedDuring } from '../../testing/observe.js';

const clock = new ManualClock(Date.UTC(2026, 4, 2, 10, 45));
const AT = (ms: number) => `${isoAt(ms).slice(0, 16)}+0000`;
const SERVICE_ID = /^ServiceId-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

type Json = Record<string, unknown>;

const notFound = (id: string) => ({
  code: 'not_found',
  message_code: 'BXNIM0102E',
  message: 'Unable to find object',
  details: `Object type ServiceId with id ${id} could not be found.`,
});
const forbidden = (what: string) => ({
  code: 'insufficent_permissions',
  message_code: 'BXNIM0513E',
  message: `You are not authorized to ${what}.`,
});
const missingToken = {
  code: 'missing_token',
  message_code: 'BXNIM0308E',
  message: 'Authorization header with a Bearer token is required.',
};
const locked = {
  code: 'entity_locked',
  message_code: 'BXNIM0510E',
  message: 'The service ID is locked and cannot be changed or deleted. Unlock it first.',
};
const invalidAccount = {
  code: 'invalid_account_id',
  message: 'The account_id is not valid: it must be the account of the caller.',
};

/** What a service ID looks like on the wire, created at the clock's current time unless told otherwise. */
function expectedServiceId(app: TestApp, id: string, fields: Json & { name: string }): Json {
  return {
    id,
    iam_id: `iam-${id}`,
    entity_tag: entityTag(1, id, isoAt(clock.now())),
    crn: serviceIdCrn(app.accountId, id),
    locked: false,
    created_at: AT(clock.now()),
    modified_at: AT(clock.now()),
    account_id: app.accountId,
    unique_instance_crns: [],
    ...fields,
  };
}

async function post(app: TestApp, token: string, payload: Json, url = '/v1/serviceids', headers = {}) {
  return app.http.inject({ method: 'POST', url, headers: { ...bearer(token), ...headers }, payload });
}

/** Creates a service ID as the administrator and returns it. */
async function newServiceId(app: TestApp, name = 'robot', extra: Json = {}): Promise<{ id: string; iam_id: string }> {
  const res = await post(app, await app.admin.token(), { account_id: app.accountId, name, ...extra });
  assert.equal(res.statusCode, 201, res.body);
  return res.json() as { id: string; iam_id: string };
}

async function getServiceId(app: TestApp, token: string, id: string, query = ''): Promise<LightMyRequestResponse> {
  return app.http.inject({ method: 'GET', url: `/v1/serviceids/${id}${query}`, headers: bearer(token) });
}

async function newKeyFor(app: TestApp, iamId: string, name = 'key'): Promise<string> {
  const res = await app.http.inject({
    method: 'POST',
    url: '/v1/apikeys',
    headers: bearer(await app.admin.token()),
    payload: { name, iam_id: iamId },
  });
  assert.equal(res.statusCode, 201, res.body);
  return (res.json() as { id: string }).id;
}

describeEachDatabase(
  'Service IDs',
  (t) => {
    describe('POST /v1/serviceids', () => {
      it('creates a service ID (201, iam_id = "iam-" + id, ETag) with or without the trailing slash', async () => {
        const app = t.app();
        for (const url of ['/v1/serviceids', '/v1/serviceids/']) {
          const res = await post(
            app,
            await app.admin.token(),
            {
              account_id: app.accountId,
              name: 'deployer',
              description: 'CI deployer',
              unique_instance_crns: ['crn:v1:bluemix:public:sysdig-monitor:us-south:a/x:y::'],
            },
            url,
          );
          assert.equal(res.statusCode, 201, res.body);
          const body = res.json() as Json & { id: string };
          assert.match(body.id, SERVICE_ID);
          assert.deepEqual(
            body,
            expectedServiceId(app, body.id, {
              name: 'deployer',
              description: 'CI deployer',
              unique_instance_crns: ['crn:v1:bluemix:public:sysdig-monitor:us-south:a/x:y::'],
            }),
          );
          assert.equal(res.headers['etag'], body['entity_tag']);
          const [event] = await auditOf(app, body.id);
          assert.equal(event?.action, 'serviceid.create');
          assert.equal(event?.actor_iam_id, app.admin.iamId);
          assert.deepEqual(JSON.parse(event?.details ?? '{}'), {
            iam_id: `iam-${body.id}`,
            name: 'deployer',
            locked: false,
          });
        }
      });

      it('with a nested apikey creates its first key and returns it once with its value; honours Entity-Lock', async () => {
        const app = t.app();
        const res = await post(
          app,
          await app.admin.token(),
          {
            account_id: app.accountId,
            name: 'with key',
            group_id: 'group-1',
            apikey: {
              name: 'first',
              description: 'initial',
              store_value: true,
              expires_at: '2049-01-02T18:30:00+0000',
            },
          },
          '/v1/serviceids?show_group_id=true',
          { 'Entity-Lock': 'true' },
        );
        assert.equal(res.statusCode, 201, res.body);
        const body = res.json() as Json & { id: string; apikey: Json & { id: string; apikey: string } };
        assert.ok(isWellFormedSecret('apiKey', body.apikey.apikey));
        const keyId = body.apikey.id;
        const now = isoAt(clock.now());
        assert.deepEqual(
          body,
          expectedServiceId(app, body.id, {
            name: 'with key',
            locked: true,
            group_id: 'group-1',
            apikey: {
              id: keyId,
              entity_tag: entityTag(1, keyId, now),
              crn: apiKeyCrn(app.accountId, keyId),
              locked: false,
              disabled: false,
              created_at: AT(clock.now()),
              created_by: app.admin.iamId,
              modified_at: AT(clock.now()),
              name: 'first',
              support_sessions: false,
              action_when_leaked: 'none',
              expires_at: '2049-01-02T18:30+0000',
              description: 'initial',
              iam_id: `iam-${body.id}`,
              account_id: app.accountId,
              apikey: body.apikey.apikey,
            },
          }),
        );
        const row = await app.iam.ctx.repositories.apiKeys.findById(keyId);
        assert.equal(row?.owner_type, 'serviceid');
        assert.equal(row?.key_hash, app.iam.ctx.keyring.index(body.apikey.apikey));
        const [keyEvent] = await auditOf(app, keyId);
        assert.equal(keyEvent?.action, 'apikey.create');
        assert.ok(!keyEvent?.details.includes(body.apikey.apikey));
      });

      it('refuses a malformed nested apikey value (400) and creates nothing', async () => {
        const app = t.app();
        const res = await post(app, await app.admin.token(), {
          account_id: app.accountId,
          name: 'half-made',
          apikey: { name: 'k', apikey: 'y'.repeat(48) },
        });
        assertIamError(res, 400, {
          code: 'invalid_apikey',
          message:
            'The apikey value is not a well-formed vigil API key (vigil_ak_…); leave it out to have one generated.',
        });
        const rows = await app.database.db
          .selectFrom('service_ids')
          .select('id')
          .where('name', '=', 'half-made')
          .execute();
        assert.deepEqual(rows, []);
      });

      it('an account_id of another account is 400; a missing one or name 400', async () => {
        const app = t.app();
        const other = await app.createAccount();
        const token = await app.admin.token();
        assertIamError(await post(app, token, { account_id: other.accountId, name: 'x' }), 400, invalidAccount);
        for (const payload of [{ name: 'x' }, { account_id: app.accountId }, { account_id: app.accountId, name: '' }]) {
          const res = await post(app, token, payload);
          assert.equal(res.statusCode, 400, JSON.stringify(payload));
          assert.equal((res.json() as { errors: { code: string }[] }).errors[0]?.code, 'invalid_request');
        }
      });

      it('a plain user or a Viewer cannot (403); a non-admin Editor of iam-identity can (201)', async () => {
        const app = t.app();
        const plain = await app.createUser();
        const payload = { account_id: app.accountId, name: 'by editor' };
        assertIamError(await post(app, await plain.token(), payload), 403, forbidden('manage service IDs'));
        const viewer = await app.createUser();
        await grantIdentityRole(app, viewer.iamId, 'Viewer');
        assertIamError(await post(app, await viewer.token(), payload), 403, forbidden('manage service IDs'));

        const editor = await app.createUser();
        await grantIdentityRole(app, editor.iamId, 'Editor');
        const res = await post(app, await editor.token(), payload);
        assert.equal(res.statusCode, 201, res.body);
        const body = res.json() as Json & { id: string };
        assert.deepEqual(body, expectedServiceId(app, body.id, { name: 'by editor' }));
        const row = await app.iam.ctx.repositories.serviceIds.findById(body.id);
        assert.equal(row?.created_by, editor.iamId);
      });

      it('without a token is 401', async () => {
        const res = await t.app().http.inject({ method: 'POST', url: '/v1/serviceids', payload: { name: 'x' } });
        assertIamError(res, 401, missingToken);
      });
    });

    describe('GET /v1/serviceids', () => {
      const list = (app: TestApp, token: string, query: string) =>
        app.http.inject({ method: 'GET', url: `/v1/serviceids${query}`, headers: bearer(token) });

      it('lists by exact name: {offset:0, limit, first, serviceids}, no next on a single page', async () => {
        const app = t.app();
        const sid = await newServiceId(app, 'exactly this');
        await newServiceId(app, 'exactly this not');
        const res = await list(
          app,
          await app.admin.token(),
          `/?account_id=${app.accountId}&name=exactly%20this&pagesize=100`,
        );
        assert.equal(res.statusCode, 200, res.body);
        assert.deepEqual(res.json(), {
          offset: 0,
          limit: 100,
          first: `${TEST_PUBLIC_URL}/v1/serviceids?account_id=${app.accountId}&name=exactly+this&order=asc&pagesize=100`,
          serviceids: [expectedServiceId(app, sid.id, { name: 'exactly this' })],
        });
      });

      it('pages across 3 pages with full next URLs; a pagetoken alone is enough', async () => {
        const app = t.app();
        for (let i = 0; i < 5; i++) {
          clock.advance(60_000);
          await newServiceId(app, 'pager', { description: `n${i}` });
        }
        const token = await app.admin.token();
        let url = `/v1/serviceids?account_id=${app.accountId}&name=pager&pagesize=2`;
        const pages: { offset: number; descriptions: unknown[]; next: boolean }[] = [];
        for (;;) {
          const res = await app.http.inject({ method: 'GET', url, headers: bearer(token) });
          assert.equal(res.statusCode, 200, res.body);
          const body = res.json() as { offset: number; limit: number; next?: string; serviceids: Json[] };
          assert.equal(body.limit, 2);
          pages.push({
            offset: body.offset,
            descriptions: body.serviceids.map((s) => s['description']),
            next: body.next !== undefined,
          });
          if (body.next === undefined) break;
          assert.ok(body.next.startsWith(`${TEST_PUBLIC_URL}/v1/serviceids?`), body.next);
          url = `${new URL(body.next).pathname}${new URL(body.next).search}`;
        }
        assert.deepEqual(pages, [
          { offset: 0, descriptions: ['n0', 'n1'], next: true },
          { offset: 2, descriptions: ['n2', 'n3'], next: true },
          { offset: 4, descriptions: ['n4'], next: false },
        ]);
        const alone = await list(app, token, `?pagetoken=${Buffer.from('o=0').toString('base64url')}&pagesize=100`);
        assert.equal(alone.statusCode, 200, alone.body);
        const names = (alone.json() as { serviceids: { name: string }[] }).serviceids.map((s) => s.name);
        assert.equal(names.filter((n) => n === 'pager').length, 5);
      });

      it('sorts by name descending; never shows another account', async () => {
        const app = t.app();
        const other = await app.createAccount();
        const theirs = await post(app, await other.token(), { account_id: other.accountId, name: 'zz-theirs' });
        assert.equal(theirs.statusCode, 201);
        const res = await list(
          app,
          await app.admin.token(),
          `?account_id=${app.accountId}&sort=name&order=desc&pagesize=100`,
        );
        assert.equal(res.statusCode, 200, res.body);
        const names = (res.json() as { serviceids: { name: string; account_id: string }[] }).serviceids;
        assert.ok(names.every((s) => s.account_id === app.accountId));
        assert.deepEqual(
          names.map((s) => s.name),
          [...names.map((s) => s.name)].sort().reverse(),
        );
      });

      it('account_id is required (400), must be yours (400); pagesize 1–100 (400)', async () => {
        const app = t.app();
        const token = await app.admin.token();
        assertIamError(await list(app, token, ''), 400, {
          code: 'missing_required_query_parameter',
          message: "The query parameter 'account_id' is required.",
        });
        const other = await app.createAccount();
        assertIamError(await list(app, token, `?account_id=${other.accountId}`), 400, invalidAccount);
        for (const pagesize of ['0', '101', 'many']) {
          const res = await list(app, token, `?account_id=${app.accountId}&pagesize=${pagesize}`);
          assert.equal(res.statusCode, 400, pagesize);
        }
      });

      it('a plain user cannot (403); a Viewer of iam-identity can', async () => {
        const app = t.app();
        const plain = await app.createUser();
        assertIamError(
          await list(app, await plain.token(), `?account_id=${app.accountId}`),
          403,
          forbidden('read service IDs'),
        );
        const viewer = await app.createUser();
        await grantIdentityRole(app, viewer.iamId, 'Viewer');
        assert.equal((await list(app, await viewer.token(), `?account_id=${app.accountId}`)).statusCode, 200);
      });

      it('without a token is 401', async () => {
        assertIamError(await t.app().http.inject({ method: 'GET', url: '/v1/serviceids' }), 401, missingToken);
      });
    });

    describe('GET /v1/serviceids/:id', () => {
      it('returns it with an ETag equal to entity_tag; include_activity sums its keys’ use', async () => {
        const app = t.app();
        const sid = await newServiceId(app, 'observed', { description: 'watch me' });
        const token = await app.admin.token();
        const res = await getServiceId(app, token, sid.id);
        assert.equal(res.statusCode, 200, res.body);
        const expected = expectedServiceId(app, sid.id, { name: 'observed', description: 'watch me' });
        assert.deepEqual(res.json(), expected);
        assert.equal(res.headers['etag'], expected['entity_tag']);

        const fresh = await getServiceId(app, token, sid.id, '?include_activity=true&include_history=true');
        assert.deepEqual(fresh.json(), { ...expected, activity: { authn_count: 0 } });
        const k1 = await newKeyFor(app, sid.iam_id, 'k1');
        const k2 = await newKeyFor(app, sid.iam_id, 'k2');
        const db = app.database.db;
        await db
          .updateTable('api_keys')
          .set({ authn_count: 2, last_authn: isoAt(Date.UTC(2026, 4, 2, 11, 0)) })
          .where('id', '=', k1)
          .execute();
        await db
          .updateTable('api_keys')
          .set({ authn_count: 5, last_authn: isoAt(Date.UTC(2026, 4, 2, 12, 30)) })
          .where('id', '=', k2)
          .execute();
        const used = await getServiceId(app, token, sid.id, '?include_activity=true');
        assert.deepEqual(used.json(), {
          ...expected,
          activity: { last_authn: '2026-05-02T12:30+0000', authn_count: 7 },
        });
      });

      it("a service ID's own token acts only with its own policies: 403 without one, 200 as a Viewer", async () => {
        const app = t.app();
        const sid = await newServiceId(app, 'self-reader');
        const sidToken = await app.tokenFor(sid.iam_id);
        assertIamError(await getServiceId(app, sidToken, sid.id), 403, forbidden('read service IDs'));
        await grantIdentityRole(app, sid.iam_id, 'Viewer');
        assert.equal((await getServiceId(app, sidToken, sid.id)).statusCode, 200);
      });

      it('another account’s or an unknown id is 404; a plain user 403', async () => {
        const app = t.app();
        const sid = await newServiceId(app);
        const other = await app.createAccount();
        assertIamError(await getServiceId(app, await other.token(), sid.id), 404, notFound(sid.id));
        const missing = `ServiceId-${randomUUID()}`;
        assertIamError(await getServiceId(app, await app.admin.token(), missing), 404, notFound(missing));
        const plain = await app.createUser();
        assertIamError(await getServiceId(app, await plain.token(), sid.id), 403, forbidden('read service IDs'));
      });
    });

    describe('PUT /v1/serviceids/:id', () => {
      const put = (app: TestApp, token: string, id: string, payload: Json, ifMatch?: string) =>
        app.http.inject({
          method: 'PUT',
          url: `/v1/serviceids/${id}`,
          headers: { ...bearer(token), ...(ifMatch !== undefined ? { 'If-Match': ifMatch } : {}) },
          payload,
        });

      it('updates with If-Match: version 2, new modified_at and ETag; audited', async () => {
        const app = t.app();
        const sid = await newServiceId(app, 'before');
        const created = clock.now();
        const token = await app.admin.token();
        const tag = String((await getServiceId(app, token, sid.id)).headers['etag']);
        clock.advance(3 * 60_000);
        const res = await put(
          app,
          token,
          sid.id,
          { name: 'after', description: 'new', unique_instance_crns: ['crn:a'] },
          tag,
        );
        assert.equal(res.statusCode, 200, res.body);
        const expected = {
          ...expectedServiceId(app, sid.id, { name: 'after', description: 'new', unique_instance_crns: ['crn:a'] }),
          created_at: AT(created),
          entity_tag: entityTag(2, sid.id, isoAt(clock.now())),
        };
        assert.deepEqual(res.json(), expected);
        assert.equal(res.headers['etag'], expected.entity_tag);
        assert.deepEqual((await getServiceId(app, token, sid.id)).json(), expected);
        assert.deepEqual(
          (await auditOf(app, sid.id)).map((e) => [e.action, JSON.parse(e.details)]),
          [
            ['serviceid.create', { iam_id: sid.iam_id, name: 'before', locked: false }],
            ['serviceid.update', { iam_id: sid.iam_id, fields: 'description,name,unique_instance_crns' }],
          ],
        );
      });

      it('without If-Match 400; stale 409; locked 409; another account 404 — nothing changes', async () => {
        const app = t.app();
        const sid = await newServiceId(app, 'guarded');
        const token = await app.admin.token();
        const stale = String((await getServiceId(app, token, sid.id)).headers['etag']);
        assert.equal((await put(app, token, sid.id, { description: 'v2' }, '*')).statusCode, 200);
        assertIamError(await put(app, token, sid.id, { name: 'x' }), 400, {
          code: 'missing_if_match',
          message_code: 'BXNIM0500E',
          message: 'The If-Match header is required. Use the entity_tag from GET, or *.',
        });
        assertIamError(await put(app, token, sid.id, { name: 'x' }, stale), 409, {
          code: 'conflict',
          message_code: 'BXNIM0501E',
          message: 'The entity has changed since it was read: If-Match does not match its entity_tag.',
        });
        const other = await app.createAccount();
        assertIamError(await put(app, await other.token(), sid.id, { name: 'x' }, 'invalid'), 404, notFound(sid.id));
        await app.http.inject({ method: 'POST', url: `/v1/serviceids/${sid.id}/lock`, headers: bearer(token) });
        assertIamError(await put(app, token, sid.id, { name: 'x' }, '*'), 409, locked);
        assert.equal(((await getServiceId(app, token, sid.id)).json() as Json)['name'], 'guarded');
      });

      it('a plain user 403; a non-admin Editor 200', async () => {
        const app = t.app();
        const sid = await newServiceId(app, 'shared');
        const plain = await app.createUser();
        assertIamError(
          await put(app, await plain.token(), sid.id, { name: 'x' }, '*'),
          403,
          forbidden('manage service IDs'),
        );
        const editor = await app.createUser();
        await grantIdentityRole(app, editor.iamId, 'Editor');
        const res = await put(app, await editor.token(), sid.id, { name: 'renamed' }, '*');
        assert.equal(res.statusCode, 200, res.body);
        assert.equal((res.json() as Json)['name'], 'renamed');
      });
    });

    describe('DELETE /v1/serviceids/:id', () => {
      const del = (app: TestApp, token: string, id: string) =>
        app.http.inject({ method: 'DELETE', url: `/v1/serviceids/${id}`, headers: bearer(token) });

      it('deletes it with its keys and policies: 204, GET 404, its tokens refused, changes published and audited', async () => {
        const app = t.app();
        const sid = await newServiceId(app, 'retiring');
        const k1 = await newKeyFor(app, sid.iam_id, 'k1');
        const k2 = await newKeyFor(app, sid.iam_id, 'k2');
        const policyId = await grantIdentityRole(app, sid.iam_id, 'Viewer');
        const sidToken = await app.tokenFor(sid.iam_id, k1);
        assert.equal((await getServiceId(app, sidToken, sid.id)).statusCode, 200);
        const token = await app.admin.token();

        let res: LightMyRequestResponse | undefined;
        const changes = await feedDuring(app, async () => {
          res = await del(app, token, sid.id);
        });
        assert.equal(res?.statusCode, 204);
        assert.equal(res?.body, '');
        for (const expected of [
          { topic: 'serviceid', key: sid.iam_id },
          { topic: 'apikey', key: k1 },
          { topic: 'apikey', key: k2 },
        ]) {
          assert.ok(
            changes.some((c) => c.topic === expected.topic && c.key === expected.key),
            JSON.stringify(expected),
          );
        }
        assertIamError(await getServiceId(app, token, sid.id), 404, notFound(sid.id));
        const db = app.database.db;
        assert.deepEqual(await db.selectFrom('api_keys').select('id').where('iam_id', '=', sid.iam_id).execute(), []);
        assert.deepEqual(await db.selectFrom('policies').select('id').where('id', '=', policyId).execute(), []);
        assert.equal((await getServiceId(app, sidToken, sid.id)).statusCode, 401, 'its tokens are refused');
        assert.deepEqual(
          (await auditOf(app, sid.id)).map((e) => [e.action, JSON.parse(e.details)]),
          [
            ['serviceid.create', { iam_id: sid.iam_id, name: 'retiring', locked: false }],
            ['serviceid.delete', { iam_id: sid.iam_id, name: 'retiring', apikeys_deleted: 2 }],
          ],
        );
        assert.deepEqual(
          (await auditOf(app, k1)).map((e) => e.action),
          ['apikey.create', 'apikey.delete'],
        );
      });

      it('a locked one is 409 and stays; another account 404; a plain user 403; no token 401', async () => {
        const app = t.app();
        const sid = await newServiceId(app, 'keeper');
        const token = await app.admin.token();
        const other = await app.createAccount();
        assertIamError(await del(app, await other.token(), sid.id), 404, notFound(sid.id));
        const plain = await app.createUser();
        assertIamError(await del(app, await plain.token(), sid.id), 403, forbidden('manage service IDs'));
        assertIamError(await app.http.inject({ method: 'DELETE', url: `/v1/serviceids/${sid.id}` }), 401, missingToken);
        await app.http.inject({ method: 'POST', url: `/v1/serviceids/${sid.id}/lock`, headers: bearer(token) });
        assertIamError(await del(app, token, sid.id), 409, locked);
        assert.equal((await getServiceId(app, token, sid.id)).statusCode, 200);
      });
    });

    describe('POST and DELETE /v1/serviceids/:id/lock', () => {
      const lock = (app: TestApp, token: string, id: string, method: 'POST' | 'DELETE') =>
        app.http.inject({ method, url: `/v1/serviceids/${id}/lock`, headers: bearer(token) });

      it('locks (204, locked true, version 2) and unlocks (version 3); audited', async () => {
        const app = t.app();
        const sid = await newServiceId(app, 'lockable');
        const token = await app.admin.token();
        const res = await lock(app, token, sid.id, 'POST');
        assert.equal(res.statusCode, 204);
        assert.equal(res.body, '');
        let body = (await getServiceId(app, token, sid.id)).json() as Json;
        assert.equal(body['locked'], true);
        assert.equal(body['entity_tag'], entityTag(2, sid.id, isoAt(clock.now())));
        assert.equal((await lock(app, token, sid.id, 'DELETE')).statusCode, 204);
        body = (await getServiceId(app, token, sid.id)).json() as Json;
        assert.equal(body['locked'], false);
        assert.equal(body['entity_tag'], entityTag(3, sid.id, isoAt(clock.now())));
        assert.deepEqual(
          (await auditOf(app, sid.id)).map((e) => e.action),
          ['serviceid.create', 'serviceid.lock', 'serviceid.unlock'],
        );
      });

      it('another account 404; a plain user 403', async () => {
        const app = t.app();
        const sid = await newServiceId(app);
        const other = await app.createAccount();
        assertIamError(await lock(app, await other.token(), sid.id, 'POST'), 404, notFound(sid.id));
        const plain = await app.createUser();
        assertIamError(await lock(app, await plain.token(), sid.id, 'POST'), 403, forbidden('manage service IDs'));
      });
    });
  },
  { clock },
);
