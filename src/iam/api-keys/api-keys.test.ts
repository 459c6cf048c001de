import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { isoAt, ManualClock } from '../../platform/clock.js';
import { cryptoRandom } from '../../platform/crypto/random.js';
import { generateSecret, isWellFormedSecret } from '../../platform/crypto/secret-token.js';
import { bearer, describeEachDatabase, TEST_PUBLIC_URL, type TestApp } from '../../testing/test-app.js';
import { grantIdentityRole } from '../../testing/identity-fixtures.js';
import { apiKeyCrn, entityTag } from '../ids.js';
import { assertIamError, auditOf, feedDuring } from '../../testing/observe.js';

const clock = new ManualClock(Date.UTC(2026, 3, 1, 8, 15));
const AT = (ms: number) => `${isoAt(ms).slice(0, 16)}+0000`;
const KEY_ID = /^ApiKey-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

type Json = Record<string, unknown>;

const notFound = (id: string, type = 'ApiKey') => ({
  code: 'not_found',
  message_code: 'BXNIM0102E',
  message: 'Unable to find object',
  details: `Object type ${type} with id ${id} could not be found.`,
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
  message: 'The API key is locked and cannot be changed or deleted. Unlock it first.',
};

/** What a key looks like on the wire, created at the clock's current time by its owner unless told otherwise. */
function expectedKey(app: TestApp, id: string, fields: Json & { iam_id: string; name: string }): Json {
  const now = isoAt(clock.now());
  return {
    id,
    entity_tag: entityTag(1, id, now),
    crn: apiKeyCrn(app.accountId, id),
    locked: false,
    disabled: false,
    created_at: AT(clock.now()),
    created_by: fields.iam_id,
    modified_at: AT(clock.now()),
    support_sessions: false,
    action_when_leaked: 'none',
    account_id: app.accountId,
    ...fields,
  };
}

async function createKey(
  app: TestApp,
  token: string,
  payload: Json,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  return app.http.inject({ method: 'POST', url: '/v1/apikeys', headers: { ...bearer(token), ...headers }, payload });
}

/** Creates a key through the API and returns its id and value. */
async function newKey(
  app: TestApp,
  token: string,
  iamId: string,
  name = 'key',
): Promise<{ id: string; value: string }> {
  const res = await createKey(app, token, { name, iam_id: iamId });
  assert.equal(res.statusCode, 201, res.body);
  const body = res.json() as { id: string; apikey: string };
  return { id: body.id, value: body.apikey };
}

async function getKey(app: TestApp, token: string, id: string, query = ''): Promise<LightMyRequestResponse> {
  return app.http.inject({ method: 'GET', url: `/v1/apikeys/${id}${query}`, headers: bearer(token) });
}

async function createServiceId(app: TestApp, name = 'robot'): Promise<{ id: string; iam_id: string }> {
  const res = await app.http.inject({
    method: 'POST',
    url: '/v1/serviceids',
    headers: bearer(await app.admin.token()),
    payload: { account_id: app.accountId, name },
  });
  assert.equal(res.statusCode, 201, res.body);
  return res.json() as { id: string; iam_id: string };
}

describeEachDatabase(
  'API keys',
  (t) => {
    describe('POST /v1/apikeys', () => {
      it('creates a key for the caller: 201, its value once, stored only as an HMAC', async () => {
        const app = t.app();
        const user = await app.createUser();
        const res = await createKey(app, await user.token(), { name: 'ci', description: 'for CI', iam_id: user.iamId });
        assert.equal(res.statusCode, 201, res.body);
        const body = res.json() as Json & { id: string; apikey: string };
        assert.match(body.id, KEY_ID);
        assert.ok(isWellFormedSecret('apiKey', body.apikey), 'the value is a well-formed vigil_ak_ key');
        assert.deepEqual(
          body,
          expectedKey(app, body.id, { name: 'ci', description: 'for CI', iam_id: user.iamId, apikey: body.apikey }),
        );
        assert.equal(res.headers['etag'], body['entity_tag']);

        const row = await app.database.db
          .selectFrom('api_keys')
          .selectAll()
          .where('id', '=', body.id)
          .executeTakeFirstOrThrow();
        assert.equal(row.key_hash, app.iam.ctx.keyring.index(body.apikey));
        assert.equal(row.owner_type, 'user');
        assert.ok(!JSON.stringify(row).includes(body.apikey), 'the value itself is not stored');

        const again = await getKey(app, await user.token(), body.id);
        assert.equal(again.statusCode, 200);
        assert.equal((again.json() as Json)['apikey'], undefined, 'the value is never shown again');

        const [event] = await auditOf(app, body.id);
        assert.equal(event?.action, 'apikey.create');
        assert.equal(event?.actor_iam_id, user.iamId);
        assert.equal(event?.target_type, 'apikey');
        assert.equal(event?.ip, '127.0.0.1');
        assert.deepEqual(JSON.parse(event?.details ?? '{}'), {
          owner_iam_id: user.iamId,
          name: 'ci',
          locked: false,
          disabled: false,
        });
        assert.ok(!event?.details.includes(body.apikey) && !event?.details.includes(row.key_hash));
      });

      it('honours Entity-Lock, Entity-Disable, expires_at, support_sessions, action_when_leaked and an own value', async () => {
        const app = t.app();
        const user = await app.createUser();
        const own = generateSecret('apiKey', cryptoRandom);
        const res = await createKey(
          app,
          await user.token(),
          {
            name: 'locked',
            iam_id: user.iamId,
            apikey: own,
            store_value: true,
            support_sessions: true,
            action_when_leaked: 'disable',
            expires_at: '2049-01-02T18:30:00+0000',
            account_id: app.accountId,
          },
          { 'Entity-Lock': 'true', 'Entity-Disable': 'true' },
        );
        assert.equal(res.statusCode, 201, res.body);
        const body = res.json() as Json & { id: string };
        assert.deepEqual(
          body,
          expectedKey(app, body.id, {
            name: 'locked',
            iam_id: user.iamId,
            apikey: own,
            locked: true,
            disabled: true,
            support_sessions: true,
            action_when_leaked: 'disable',
            expires_at: '2049-01-02T18:30+0000',
          }),
        );
      });

      it('refuses an own value that is not a well-formed vigil key (400) and stores nothing', async () => {
        const app = t.app();
        const user = await app.createUser();
        const wellFormed = generateSecret('apiKey', cryptoRandom);
        const tampered = wellFormed.slice(0, -1) + (wellFormed.endsWith('A') ? 'B' : 'A');
        for (const apikey of ['x'.repeat(40), tampered]) {
          const res = await createKey(app, await user.token(), { name: 'mine', iam_id: user.iamId, apikey });
          assertIamError(res, 400, {
            code: 'invalid_apikey',
            message:
              'The apikey value is not a well-formed vigil API key (vigil_ak_…); leave it out to have one generated.',
          });
        }
        const rows = await app.database.db
          .selectFrom('api_keys')
          .select('id')
          .where('iam_id', '=', user.iamId)
          .execute();
        assert.deepEqual(rows, []);
      });

      it('refuses the same own value twice (409)', async () => {
        const app = t.app();
        const user = await app.createUser();
        const own = generateSecret('apiKey', cryptoRandom);
        assert.equal(
          (await createKey(app, await user.token(), { name: 'a', iam_id: user.iamId, apikey: own })).statusCode,
          201,
        );
        const res = await createKey(app, await user.token(), { name: 'b', iam_id: user.iamId, apikey: own });
        assertIamError(res, 409, {
          code: 'conflict',
          message_code: 'BXNIM0503E',
          message: 'An API key with this value already exists.',
        });
      });

      it('refuses an expires_at that is not a date (400)', async () => {
        const app = t.app();
        const user = await app.createUser();
        for (const expires_at of ['soon', '+275760-09-13T00:00:00Z']) {
          const res = await createKey(app, await user.token(), { name: 'k', iam_id: user.iamId, expires_at });
          assertIamError(res, 400, {
            code: 'invalid_expires_at',
            message: 'expires_at is not a valid date, e.g. 2049-01-02T18:30:00+0000.',
          });
        }
      });

      it('refuses a missing name or iam_id, an unknown action_when_leaked, a foreign account_id (400)', async () => {
        const app = t.app();
        const user = await app.createUser();
        const token = await user.token();
        for (const payload of [
          { iam_id: user.iamId },
          { name: 'k' },
          { name: '', iam_id: user.iamId },
          { name: 'k', iam_id: user.iamId, action_when_leaked: 'explode' },
        ]) {
          const res = await createKey(app, token, payload);
          assert.equal(res.statusCode, 400, JSON.stringify(payload));
          assert.equal((res.json() as { errors: { code: string }[] }).errors[0]?.code, 'invalid_request');
        }
        const other = await app.createAccount();
        const res = await createKey(app, token, { name: 'k', iam_id: user.iamId, account_id: other.accountId });
        assertIamError(res, 400, {
          code: 'invalid_account_id',
          message: 'The account_id is not valid: it must be the account of the caller.',
        });
      });

      it('nobody creates a key for another user (403), not even an administrator or an Editor; nothing is stored', async () => {
        const app = t.app();
        const alice = await app.createUser();
        const bob = await app.createUser();
        const editor = await app.createUser();
        await grantIdentityRole(app, editor.iamId, 'Editor');
        const refusal = forbidden("create API keys for other users: a user's API keys are created by that user only");
        for (const actor of [alice, editor, app.admin]) {
          const denied = await createKey(app, await actor.token(), { name: 'k', iam_id: bob.iamId });
          assertIamError(denied, 403, refusal);
        }
        // The administrator's own keys are out of reach the same way.
        assertIamError(
          await createKey(app, await editor.token(), { name: 'k', iam_id: app.admin.iamId }),
          403,
          refusal,
        );
        const keys = await app.database.db
          .selectFrom('api_keys')
          .select('iam_id')
          .where('iam_id', 'in', [bob.iamId, app.admin.iamId])
          .execute();
        assert.deepEqual(keys, []);
      });

      it('a key for a service ID needs serviceIdManage: 403 for a plain user, 201 for an Editor', async () => {
        const app = t.app();
        const serviceId = await createServiceId(app);
        const plain = await app.createUser();
        const denied = await createKey(app, await plain.token(), { name: 'k', iam_id: serviceId.iam_id });
        assertIamError(denied, 403, forbidden('create API keys for service IDs'));

        const editor = await app.createUser();
        await grantIdentityRole(app, editor.iamId, 'Editor');
        const res = await createKey(app, await editor.token(), { name: 'robot key', iam_id: serviceId.iam_id });
        assert.equal(res.statusCode, 201, res.body);
        const body = res.json() as Json & { id: string; apikey: string };
        assert.deepEqual(
          body,
          expectedKey(app, body.id, {
            name: 'robot key',
            iam_id: serviceId.iam_id,
            created_by: editor.iamId,
            apikey: body.apikey,
          }),
        );
        const row = await app.iam.ctx.repositories.apiKeys.findById(body.id);
        assert.equal(row?.owner_type, 'serviceid');
      });

      it('a service ID that does not exist or is of another account is 404; any user but yourself is 403 alike', async () => {
        const app = t.app();
        const other = await app.createAccount();
        const token = await app.admin.token();
        const refusal = forbidden("create API keys for other users: a user's API keys are created by that user only");
        // The same answer whether the user exists, in this account or another: no way to probe for iam_ids.
        assertIamError(await createKey(app, token, { name: 'k', iam_id: other.iamId }), 403, refusal);
        assertIamError(await createKey(app, token, { name: 'k', iam_id: 'IBMid-NOBODY' }), 403, refusal);
        const ghost = `iam-ServiceId-${randomUUID()}`;
        assertIamError(await createKey(app, token, { name: 'k', iam_id: ghost }), 404, notFound(ghost, 'ServiceId'));
      });

      it('without a token is 401', async () => {
        const app = t.app();
        const res = await app.http.inject({ method: 'POST', url: '/v1/apikeys', payload: { name: 'k', iam_id: 'x' } });
        assertIamError(res, 401, missingToken);
      });
    });

    describe('GET /v1/apikeys', () => {
      it("lists the caller's own keys by default, never anyone else's", async () => {
        const app = t.app();
        const user = await app.createUser();
        const other = await app.createUser();
        const a = await newKey(app, await user.token(), user.iamId, 'a');
        const b = await newKey(app, await user.token(), user.iamId, 'b');
        await newKey(app, await other.token(), other.iamId, 'theirs');
        const res = await app.http.inject({ method: 'GET', url: '/v1/apikeys', headers: bearer(await user.token()) });
        assert.equal(res.statusCode, 200, res.body);
        assert.deepEqual(res.json(), {
          offset: 0,
          limit: 20,
          first: `${TEST_PUBLIC_URL}/v1/apikeys?scope=entity&order=asc&pagesize=20`,
          apikeys: [
            expectedKey(app, a.id, { name: 'a', iam_id: user.iamId }),
            expectedKey(app, b.id, { name: 'b', iam_id: user.iamId }),
          ].sort((x, y) => String(x['id']).localeCompare(String(y['id']))),
        });
      });

      it('pages across 3 pages with full next URLs; next is absent on the last page', async () => {
        const app = t.app();
        const user = await app.createUser();
        const token = await user.token();
        const created: string[] = [];
        for (const name of ['k1', 'k2', 'k3', 'k4', 'k5']) {
          clock.advance(60_000);
          created.push((await newKey(app, token, user.iamId, name)).id);
        }
        let url = '/v1/apikeys?pagesize=2';
        const pages: { offset: number; limit: number; names: string[]; next?: string; previous?: string }[] = [];
        for (;;) {
          const res = await app.http.inject({ method: 'GET', url, headers: bearer(token) });
          assert.equal(res.statusCode, 200, res.body);
          const body = res.json() as {
            offset: number;
            limit: number;
            next?: string;
            previous?: string;
            apikeys: Json[];
          };
          pages.push({
            offset: body.offset,
            limit: body.limit,
            names: body.apikeys.map((k) => String(k['name'])),
            ...(body.next ? { next: body.next } : {}),
            ...(body.previous ? { previous: body.previous } : {}),
          });
          if (!body.next) break;
          assert.ok(body.next.startsWith(`${TEST_PUBLIC_URL}/v1/apikeys?`), body.next);
          const next = new URL(body.next);
          assert.ok(next.searchParams.get('pagetoken'));
          url = `${next.pathname}${next.search}`;
        }
        const token2 = Buffer.from('o=2').toString('base64url');
        const token4 = Buffer.from('o=4').toString('base64url');
        const token0 = Buffer.from('o=0').toString('base64url');
        const base = `${TEST_PUBLIC_URL}/v1/apikeys?scope=entity&order=asc&pagesize=2`;
        assert.deepEqual(pages, [
          { offset: 0, limit: 2, names: ['k1', 'k2'], next: `${base}&pagetoken=${token2}` },
          {
            offset: 2,
            limit: 2,
            names: ['k3', 'k4'],
            next: `${base}&pagetoken=${token4}`,
            previous: `${base}&pagetoken=${token0}`,
          },
          { offset: 4, limit: 2, names: ['k5'], previous: `${base}&pagetoken=${token2}` },
        ]);
      });

      it('sorts by name in descending order', async () => {
        const app = t.app();
        const user = await app.createUser();
        const token = await user.token();
        for (const name of ['b', 'c', 'a']) await newKey(app, token, user.iamId, name);
        const res = await app.http.inject({
          method: 'GET',
          url: '/v1/apikeys?sort=name&order=desc',
          headers: bearer(token),
        });
        assert.equal(res.statusCode, 200, res.body);
        assert.deepEqual(
          (res.json() as { apikeys: Json[] }).apikeys.map((k) => k['name']),
          ['c', 'b', 'a'],
        );
      });

      it("another user's iam_id is 400 for a plain user (IBM's iamIdMismatch) and allowed for an administrator", async () => {
        const app = t.app();
        const alice = await app.createUser();
        const bob = await app.createUser();
        const key = await newKey(app, await bob.token(), bob.iamId, 'bobs');
        const denied = await app.http.inject({
          method: 'GET',
          url: `/v1/apikeys?iam_id=${bob.iamId}`,
          headers: bearer(await alice.token()),
        });
        assertIamError(denied, 400, {
          code: 'bad_request',
          message_code: 'BXNIM0509E',
          message: 'The specified IAM ID does not match the IAM ID in the token.',
        });
        const res = await app.http.inject({
          method: 'GET',
          url: `/v1/apikeys?iam_id=${bob.iamId}`,
          headers: bearer(await app.admin.token()),
        });
        assert.equal(res.statusCode, 200, res.body);
        assert.deepEqual(res.json(), {
          offset: 0,
          limit: 20,
          first: `${TEST_PUBLIC_URL}/v1/apikeys?iam_id=${bob.iamId}&scope=entity&order=asc&pagesize=20`,
          apikeys: [expectedKey(app, key.id, { name: 'bobs', iam_id: bob.iamId })],
        });
      });

      it("a service ID's keys (iam_id=iam-ServiceId-…) need serviceIdRead: 403 for a plain user, listed for a Viewer", async () => {
        const app = t.app();
        const serviceId = await createServiceId(app, 'listed sid');
        const key = await newKey(app, await app.admin.token(), serviceId.iam_id, 'sid key');
        const url = `/v1/apikeys?iam_id=${serviceId.iam_id}`;
        const plain = await app.createUser();
        assertIamError(
          await app.http.inject({ method: 'GET', url, headers: bearer(await plain.token()) }),
          403,
          forbidden('list the API keys of this service ID'),
        );
        const viewer = await app.createUser();
        await grantIdentityRole(app, viewer.iamId, 'Viewer');
        const res = await app.http.inject({ method: 'GET', url, headers: bearer(await viewer.token()) });
        assert.equal(res.statusCode, 200, res.body);
        assert.deepEqual((res.json() as { apikeys: Json[] }).apikeys, [
          expectedKey(app, key.id, { name: 'sid key', iam_id: serviceId.iam_id, created_by: app.admin.iamId }),
        ]);
      });

      it('scope=account lists every key of the account for an administrator, filtered by type; 403 for a plain user', async () => {
        const app = t.app();
        const other = await app.createAccount();
        await newKey(app, await other.token(), other.iamId, 'elsewhere');
        const user = await app.createUser();
        await newKey(app, await user.token(), user.iamId, 'user key');
        const serviceId = await createServiceId(app, 'sid for scope');
        await newKey(app, await app.admin.token(), serviceId.iam_id, 'sid key');

        const denied = await app.http.inject({
          method: 'GET',
          url: '/v1/apikeys?scope=account',
          headers: bearer(await user.token()),
        });
        assertIamError(denied, 403, forbidden('list the API keys of the account'));

        const all = await app.http.inject({
          method: 'GET',
          url: '/v1/apikeys?scope=account&pagesize=100',
          headers: bearer(await app.admin.token()),
        });
        assert.equal(all.statusCode, 200, all.body);
        const allKeys = (all.json() as { apikeys: { account_id: string; name: string }[] }).apikeys;
        assert.ok(allKeys.every((k) => k.account_id === app.accountId));
        assert.ok(allKeys.some((k) => k.name === 'user key') && allKeys.some((k) => k.name === 'sid key'));
        assert.ok(!allKeys.some((k) => k.name === 'elsewhere'));

        const sids = await app.http.inject({
          method: 'GET',
          url: '/v1/apikeys?scope=account&type=serviceid&pagesize=100',
          headers: bearer(await app.admin.token()),
        });
        const sidKeys = (sids.json() as { apikeys: { iam_id: string }[] }).apikeys;
        assert.ok(sidKeys.length > 0 && sidKeys.every((k) => k.iam_id.startsWith('iam-ServiceId-')));
      });

      it('refuses a bad pagesize, scope, order or pagetoken, and a foreign account_id (400)', async () => {
        const app = t.app();
        const token = await app.admin.token();
        for (const query of ['pagesize=0', 'pagesize=101', 'pagesize=abc', 'scope=world', 'order=up', 'sort=secret']) {
          const res = await app.http.inject({ method: 'GET', url: `/v1/apikeys?${query}`, headers: bearer(token) });
          assert.equal(res.statusCode, 400, query);
          assert.equal((res.json() as { errors: { code: string }[] }).errors[0]?.code, 'invalid_request');
        }
        const res = await app.http.inject({
          method: 'GET',
          url: '/v1/apikeys?pagetoken=bogus',
          headers: bearer(token),
        });
        assertIamError(res, 400, {
          code: 'invalid_pagetoken',
          message: 'The pagetoken is not valid: use the one from the `next` link.',
        });
        const other = await app.createAccount();
        const foreign = await app.http.inject({
          method: 'GET',
          url: `/v1/apikeys?account_id=${other.accountId}`,
          headers: bearer(token),
        });
        assertIamError(foreign, 400, {
          code: 'invalid_account_id',
          message: 'The account_id is not valid: it must be the account of the caller.',
        });
      });

      it('without a token is 401', async () => {
        assertIamError(await t.app().http.inject({ method: 'GET', url: '/v1/apikeys' }), 401, missingToken);
      });
    });

    describe('GET /v1/apikeys/:id', () => {
      it('returns the key with an ETag header equal to entity_tag', async () => {
        const app = t.app();
        const user = await app.createUser();
        const key = await newKey(app, await user.token(), user.iamId, 'mine');
        const res = await getKey(app, await user.token(), key.id);
        assert.equal(res.statusCode, 200, res.body);
        assert.deepEqual(res.json(), expectedKey(app, key.id, { name: 'mine', iam_id: user.iamId }));
        assert.equal(res.headers['etag'], entityTag(1, key.id, isoAt(clock.now())));
        assert.match(String(res.headers['etag']), /^1-[0-9a-f]{32}$/);
      });

      it('include_activity adds {authn_count, last_authn?}', async () => {
        const app = t.app();
        const user = await app.createUser();
        const key = await newKey(app, await user.token(), user.iamId, 'used');
        const fresh = await getKey(app, await user.token(), key.id, '?include_activity=true&include_history=true');
        assert.deepEqual((fresh.json() as Json)['activity'], { authn_count: 0 });
        await app.database.db
          .updateTable('api_keys')
          .set({ authn_count: 3, last_authn: isoAt(Date.UTC(2026, 3, 1, 9, 0)) })
          .where('id', '=', key.id)
          .execute();
        const used = await getKey(app, await user.token(), key.id, '?include_activity=true');
        assert.deepEqual(used.json(), {
          ...expectedKey(app, key.id, { name: 'used', iam_id: user.iamId }),
          activity: { last_authn: '2026-04-01T09:00+0000', authn_count: 3 },
        });
      });

      it("a list with include_activity carries each key's activity, and its next link keeps asking for it", async () => {
        const app = t.app();
        const user = await app.createUser();
        const token = await user.token();
        const used = await newKey(app, token, user.iamId, 'used');
        await newKey(app, token, user.iamId, 'idle');
        await app.database.db
          .updateTable('api_keys')
          .set({ authn_count: 2, last_authn: isoAt(Date.UTC(2026, 4, 2, 8, 30)) })
          .where('id', '=', used.id)
          .execute();
        const plain = await app.http.inject({ method: 'GET', url: '/v1/apikeys?sort=name', headers: bearer(token) });
        const plainKeys = (plain.json() as { apikeys: Json[] }).apikeys;
        assert.deepEqual(
          plainKeys.map((key) => [key['name'], key['activity']]),
          [
            ['idle', undefined],
            ['used', undefined],
          ],
        );
        const first = await app.http.inject({
          method: 'GET',
          url: '/v1/apikeys?include_activity=true&pagesize=1&sort=name',
          headers: bearer(token),
        });
        assert.equal(first.statusCode, 200, first.body);
        const page = first.json() as { apikeys: Json[]; next: string };
        assert.deepEqual(page.apikeys[0]?.['activity'], { authn_count: 0 });
        assert.match(page.next, /[?&]include_activity=true(&|$)/);
        const next = new URL(page.next);
        const second = await app.http.inject({
          method: 'GET',
          url: next.pathname + next.search,
          headers: bearer(token),
        });
        assert.deepEqual(
          (second.json() as { apikeys: Json[] }).apikeys.map((key) => [key['name'], key['activity']]),
          [['used', { last_authn: '2026-05-02T08:30+0000', authn_count: 2 }]],
        );
      });

      it("another user's key is 403 for a plain user and readable by an administrator or a Viewer of iam-identity", async () => {
        const app = t.app();
        const owner = await app.createUser();
        const key = await newKey(app, await owner.token(), owner.iamId, 'owned');
        const stranger = await app.createUser();
        assertIamError(await getKey(app, await stranger.token(), key.id), 403, forbidden('read this API key'));
        assert.equal((await getKey(app, await app.admin.token(), key.id)).statusCode, 200);
        const viewer = await app.createUser();
        await grantIdentityRole(app, viewer.iamId, 'Viewer');
        assert.equal((await getKey(app, await viewer.token(), key.id)).statusCode, 200);
      });

      it('a key of another account, or no key, is 404 — even for an administrator', async () => {
        const app = t.app();
        const other = await app.createAccount();
        const theirs = await newKey(app, await other.token(), other.iamId);
        assertIamError(await getKey(app, await app.admin.token(), theirs.id), 404, notFound(theirs.id));
        const missing = `ApiKey-${randomUUID()}`;
        assertIamError(await getKey(app, await app.admin.token(), missing), 404, notFound(missing));
      });

      it('without a token is 401', async () => {
        assertIamError(await t.app().http.inject({ method: 'GET', url: '/v1/apikeys/ApiKey-x' }), 401, missingToken);
      });
    });

    describe('GET /v1/apikeys/details', () => {
      const details = (app: TestApp, token: string, value?: string) =>
        app.http.inject({
          method: 'GET',
          url: '/v1/apikeys/details',
          headers: { ...bearer(token), ...(value !== undefined ? { 'IAM-ApiKey': value } : {}) },
        });
      const unknown = {
        code: 'not_found',
        message_code: 'BXNIM0102E',
        message: 'Unable to find object',
        details: 'Object type ApiKey with the value given in the IAM-ApiKey header could not be found.',
      };

      it('describes the key whose value is in IAM-ApiKey, without the value', async () => {
        const app = t.app();
        const user = await app.createUser();
        const key = await newKey(app, await user.token(), user.iamId, 'held');
        const res = await details(app, await user.token(), key.value);
        assert.equal(res.statusCode, 200, res.body);
        assert.deepEqual(res.json(), expectedKey(app, key.id, { name: 'held', iam_id: user.iamId }));
      });

      it('an unknown, malformed or foreign key value is 404 and never echoed; a missing header is 400', async () => {
        const app = t.app();
        const token = await app.admin.token();
        const other = await app.createAccount();
        const theirs = await newKey(app, await other.token(), other.iamId);
        for (const value of [generateSecret('apiKey', cryptoRandom), 'not-a-key', theirs.value]) {
          const res = await details(app, token, value);
          assertIamError(res, 404, unknown);
          assert.ok(!res.body.includes(value));
        }
        assertIamError(await details(app, token), 400, {
          code: 'missing_header',
          message: 'The IAM-ApiKey header is required.',
        });
      });
    });

    describe('PUT /v1/apikeys/:id', () => {
      const put = (app: TestApp, token: string, id: string, payload: Json, ifMatch?: string) =>
        app.http.inject({
          method: 'PUT',
          url: `/v1/apikeys/${id}`,
          headers: { ...bearer(token), ...(ifMatch !== undefined ? { 'If-Match': ifMatch } : {}) },
          payload,
        });

      it('updates with If-Match: new entity_tag (version 2), modified_at and ETag', async () => {
        const app = t.app();
        const user = await app.createUser();
        const token = await user.token();
        const key = await newKey(app, token, user.iamId, 'before');
        const created = clock.now();
        const tag = String((await getKey(app, token, key.id)).headers['etag']);
        clock.advance(5 * 60_000);
        const res = await put(
          app,
          token,
          key.id,
          { name: 'after', description: 'changed', support_sessions: true, action_when_leaked: 'delete' },
          tag,
        );
        assert.equal(res.statusCode, 200, res.body);
        const expected = {
          ...expectedKey(app, key.id, { name: 'after', iam_id: user.iamId }),
          description: 'changed',
          support_sessions: true,
          action_when_leaked: 'delete',
          created_at: AT(created),
          entity_tag: entityTag(2, key.id, isoAt(clock.now())),
        };
        assert.deepEqual(res.json(), expected);
        assert.equal(res.headers['etag'], expected.entity_tag);
        assert.notEqual(expected.entity_tag, tag);
        assert.deepEqual((await getKey(app, token, key.id)).json(), expected);
        const events = await auditOf(app, key.id);
        assert.deepEqual(
          events.map((e) => [e.action, JSON.parse(e.details)]),
          [
            ['apikey.create', { owner_iam_id: user.iamId, name: 'before', locked: false, disabled: false }],
            [
              'apikey.update',
              { owner_iam_id: user.iamId, fields: 'action_when_leaked,description,name,support_sessions' },
            ],
          ],
        );
      });

      it('accepts If-Match: *; sets and removes expires_at, publishing the key on the change feed', async () => {
        const app = t.app();
        const user = await app.createUser();
        const token = await user.token();
        const key = await newKey(app, token, user.iamId);
        const changes = await feedDuring(app, async () => {
          const set = await put(app, token, key.id, { expires_at: '2030-05-06T07:08:00+0000' }, '*');
          assert.equal(set.statusCode, 200, set.body);
          assert.equal((set.json() as Json)['expires_at'], '2030-05-06T07:08+0000');
          const cleared = await put(app, token, key.id, { expires_at: null }, '*');
          assert.equal(cleared.statusCode, 200, cleared.body);
          assert.equal((cleared.json() as Json)['expires_at'], undefined);
        });
        // PostgreSQL also echoes each change back through NOTIFY: at least one per update.
        assert.ok(changes.filter((c) => c.topic === 'apikey' && c.key === key.id).length >= 2);
      });

      it('without If-Match is 400; with a stale one 409; on a locked key 409 — and nothing changes', async () => {
        const app = t.app();
        const user = await app.createUser();
        const token = await user.token();
        const key = await newKey(app, token, user.iamId, 'same');
        const stale = String((await getKey(app, token, key.id)).headers['etag']);
        assert.equal((await put(app, token, key.id, { name: 'v2' }, stale)).statusCode, 200);

        assertIamError(await put(app, token, key.id, { name: 'x' }), 400, {
          code: 'missing_if_match',
          message_code: 'BXNIM0500E',
          message: 'The If-Match header is required. Use the entity_tag from GET, or *.',
        });
        assertIamError(await put(app, token, key.id, { name: 'x' }, stale), 409, {
          code: 'conflict',
          message_code: 'BXNIM0501E',
          message: 'The entity has changed since it was read: If-Match does not match its entity_tag.',
        });
        const lock = await app.http.inject({
          method: 'POST',
          url: `/v1/apikeys/${key.id}/lock`,
          headers: bearer(token),
        });
        assert.equal(lock.statusCode, 204);
        assertIamError(await put(app, token, key.id, { name: 'x' }, '*'), 409, locked);
        const after = (await getKey(app, token, key.id)).json() as Json;
        assert.equal(after['name'], 'v2');
      });

      it("another user's key is 403; another account's or an unknown id 404 even with a bogus If-Match", async () => {
        const app = t.app();
        const owner = await app.createUser();
        const key = await newKey(app, await owner.token(), owner.iamId);
        const stranger = await app.createUser();
        assertIamError(
          await put(app, await stranger.token(), key.id, { name: 'x' }, '*'),
          403,
          forbidden('change this API key'),
        );
        const other = await app.createAccount();
        assertIamError(await put(app, await other.token(), key.id, { name: 'x' }, 'invalid'), 404, notFound(key.id));
        const missing = `ApiKey-${randomUUID()}`;
        assertIamError(
          await put(app, await app.admin.token(), missing, { name: 'x' }, 'invalid'),
          404,
          notFound(missing),
        );
      });

      it('refuses an empty name or a bad expires_at (400)', async () => {
        const app = t.app();
        const user = await app.createUser();
        const key = await newKey(app, await user.token(), user.iamId);
        const res = await put(app, await user.token(), key.id, { name: '' }, '*');
        assert.equal(res.statusCode, 400);
        assertIamError(await put(app, await user.token(), key.id, { expires_at: 'later' }, '*'), 400, {
          code: 'invalid_expires_at',
          message: 'expires_at is not a valid date, e.g. 2049-01-02T18:30:00+0000.',
        });
      });
    });

    describe('DELETE /v1/apikeys/:id', () => {
      const del = (app: TestApp, token: string, id: string) =>
        app.http.inject({ method: 'DELETE', url: `/v1/apikeys/${id}`, headers: bearer(token) });

      it('deletes: 204, then GET is 404, tokens obtained with it stop working, the change is published and audited', async () => {
        const app = t.app();
        const user = await app.createUser();
        const token = await user.token();
        const key = await newKey(app, token, user.iamId, 'doomed');
        const keyToken = await app.tokenFor(user.iamId, key.id);
        assert.equal((await getKey(app, keyToken, key.id)).statusCode, 200);

        let res: LightMyRequestResponse | undefined;
        const changes = await feedDuring(app, async () => {
          res = await del(app, token, key.id);
        });
        assert.equal(res?.statusCode, 204);
        assert.equal(res?.body, '');
        assert.ok(changes.some((c) => c.topic === 'apikey' && c.key === key.id));
        assertIamError(await getKey(app, token, key.id), 404, notFound(key.id));
        assert.equal((await getKey(app, keyToken, key.id)).statusCode, 401, 'its tokens are refused');
        const events = await auditOf(app, key.id);
        assert.deepEqual(
          events.map((e) => [e.action, e.actor_iam_id, JSON.parse(e.details)]),
          [
            ['apikey.create', user.iamId, { owner_iam_id: user.iamId, name: 'doomed', locked: false, disabled: false }],
            ['apikey.delete', user.iamId, { owner_iam_id: user.iamId, name: 'doomed' }],
          ],
        );
      });

      it('a locked key is 409 and stays', async () => {
        const app = t.app();
        const user = await app.createUser();
        const token = await user.token();
        const key = await newKey(app, token, user.iamId);
        await app.http.inject({ method: 'POST', url: `/v1/apikeys/${key.id}/lock`, headers: bearer(token) });
        assertIamError(await del(app, token, key.id), 409, locked);
        assert.equal((await getKey(app, token, key.id)).statusCode, 200);
      });

      it("another user's key is 403, another account's 404, no token 401 — and the key stays", async () => {
        const app = t.app();
        const owner = await app.createUser();
        const key = await newKey(app, await owner.token(), owner.iamId);
        const stranger = await app.createUser();
        assertIamError(await del(app, await stranger.token(), key.id), 403, forbidden('change this API key'));
        const other = await app.createAccount();
        assertIamError(await del(app, await other.token(), key.id), 404, notFound(key.id));
        assertIamError(await app.http.inject({ method: 'DELETE', url: `/v1/apikeys/${key.id}` }), 401, missingToken);
        assert.equal((await getKey(app, await owner.token(), key.id)).statusCode, 200);
      });

      it('an administrator may delete any key of the account', async () => {
        const app = t.app();
        const owner = await app.createUser();
        const key = await newKey(app, await owner.token(), owner.iamId);
        assert.equal((await del(app, await app.admin.token(), key.id)).statusCode, 204);
        assert.equal(await app.iam.ctx.repositories.apiKeys.findById(key.id), undefined);
      });
    });

    describe('POST and DELETE /v1/apikeys/:id/lock', () => {
      const lock = (app: TestApp, token: string, id: string, method: 'POST' | 'DELETE') =>
        app.http.inject({ method, url: `/v1/apikeys/${id}/lock`, headers: bearer(token) });

      it('locks (204, locked true, version bumped; again changes nothing) and unlocks; a locked key still works', async () => {
        const app = t.app();
        const user = await app.createUser();
        const token = await user.token();
        const key = await newKey(app, token, user.iamId);
        const keyToken = await app.tokenFor(user.iamId, key.id);

        const res = await lock(app, token, key.id, 'POST');
        assert.equal(res.statusCode, 204);
        assert.equal(res.body, '');
        let body = (await getKey(app, token, key.id)).json() as Json;
        assert.equal(body['locked'], true);
        assert.equal(body['entity_tag'], entityTag(2, key.id, isoAt(clock.now())));
        assert.equal((await lock(app, token, key.id, 'POST')).statusCode, 204);
        body = (await getKey(app, token, key.id)).json() as Json;
        assert.equal(body['entity_tag'], entityTag(2, key.id, isoAt(clock.now())), 'locking twice changes nothing');
        assert.equal((await getKey(app, keyToken, key.id)).statusCode, 200, 'a locked key still works');

        assert.equal((await lock(app, token, key.id, 'DELETE')).statusCode, 204);
        body = (await getKey(app, token, key.id)).json() as Json;
        assert.equal(body['locked'], false);
        assert.equal(body['entity_tag'], entityTag(3, key.id, isoAt(clock.now())));
        assert.deepEqual(
          (await auditOf(app, key.id)).map((e) => e.action),
          ['apikey.create', 'apikey.lock', 'apikey.unlock'],
        );
      });

      it("another user's key is 403, another account's 404", async () => {
        const app = t.app();
        const owner = await app.createUser();
        const key = await newKey(app, await owner.token(), owner.iamId);
        const stranger = await app.createUser();
        assertIamError(await lock(app, await stranger.token(), key.id, 'POST'), 403, forbidden('change this API key'));
        const other = await app.createAccount();
        assertIamError(await lock(app, await other.token(), key.id, 'DELETE'), 404, notFound(key.id));
        assert.equal(((await getKey(app, await owner.token(), key.id)).json() as Json)['locked'], false);
      });
    });

    describe('POST and DELETE /v1/apikeys/:id/disable', () => {
      const disable = (app: TestApp, token: string, id: string, method: 'POST' | 'DELETE') =>
        app.http.inject({ method, url: `/v1/apikeys/${id}/disable`, headers: bearer(token) });

      it('disables (204; its tokens stop at once) and enables (they work again), publishing each change', async () => {
        const app = t.app();
        const user = await app.createUser();
        const token = await user.token();
        const key = await newKey(app, token, user.iamId);
        const keyToken = await app.tokenFor(user.iamId, key.id);
        assert.equal((await getKey(app, keyToken, key.id)).statusCode, 200);

        const changes = await feedDuring(app, async () => {
          const res = await disable(app, token, key.id, 'POST');
          assert.equal(res.statusCode, 204);
          assert.equal(res.body, '');
        });
        assert.ok(changes.some((c) => c.topic === 'apikey' && c.key === key.id));
        assert.equal(((await getKey(app, token, key.id)).json() as Json)['disabled'], true);
        assert.equal((await getKey(app, keyToken, key.id)).statusCode, 401, 'a disabled key’s token is refused');

        assert.equal((await disable(app, token, key.id, 'DELETE')).statusCode, 204);
        assert.equal(((await getKey(app, token, key.id)).json() as Json)['disabled'], false);
        assert.equal((await getKey(app, keyToken, key.id)).statusCode, 200);
        assert.deepEqual(
          (await auditOf(app, key.id)).map((e) => e.action),
          ['apikey.create', 'apikey.disable', 'apikey.enable'],
        );
      });

      it('a locked key is 409; another account’s 404; no token 401', async () => {
        const app = t.app();
        const user = await app.createUser();
        const token = await user.token();
        const key = await newKey(app, token, user.iamId);
        await app.http.inject({ method: 'POST', url: `/v1/apikeys/${key.id}/lock`, headers: bearer(token) });
        assertIamError(await disable(app, token, key.id, 'POST'), 409, locked);
        const other = await app.createAccount();
        assertIamError(await disable(app, await other.token(), key.id, 'POST'), 404, notFound(key.id));
        assertIamError(
          await app.http.inject({ method: 'POST', url: `/v1/apikeys/${key.id}/disable` }),
          401,
          missingToken,
        );
        assert.equal(((await getKey(app, token, key.id)).json() as Json)['disabled'], false);
      });
    });
  },
  { clock },
);
