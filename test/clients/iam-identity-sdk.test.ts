import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { before, describe, it } from 'node:test';
import IamIdentityV1 from '@ibm-cloud/platform-services/iam-identity/v1.js';
import { BearerTokenAuthenticator } from 'ibm-cloud-sdk-core';
import { isWellFormedSecret } from '../../src/platform/crypto/secret-token.js';
import { describeEachDatabase } from '../../src/testing/test-app.js';

/**
 * IBM's own Node SDK (`@ibm-cloud/platform-services` IamIdentityV1) against vigil on a real socket: the API-key and
 * service-ID lifecycles of IBM's integration tests, with vigil's URL as `serviceUrl`. The bearer token is minted by
 * the test app, so this file depends on the identity routes only.
 */

/** What the SDK rejects with on a non-2xx answer. */
interface SdkError {
  status: number;
  message: string;
}

async function rejection(promise: Promise<unknown>): Promise<SdkError> {
  try {
    await promise;
  } catch (error) {
    return error as SdkError;
  }
  assert.fail('expected the SDK call to fail');
}

function pageTokenOf(next: string | undefined): string | undefined {
  return next === undefined ? undefined : (new URL(next).searchParams.get('pagetoken') ?? undefined);
}

describeEachDatabase('IamIdentityV1 (IBM platform-services SDK) on a real socket', (t) => {
  let identity: IamIdentityV1;

  before(async () => {
    const app = t.app();
    await app.http.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.http.server.address() as AddressInfo;
    identity = new IamIdentityV1({
      authenticator: new BearerTokenAuthenticator({ bearerToken: await app.tokenFor(app.admin.iamId) }),
      serviceUrl: `http://127.0.0.1:${port}`,
    });
  });

  describe('API keys', () => {
    it('runs the lifecycle: create, list, get with ETag, details, update with If-Match, lock, disable, delete', async () => {
      const app = t.app();
      const { iamId } = app.admin;
      const name = `sdk-key-${Date.now()}`;

      const created = await identity.createApiKey({
        name,
        iamId,
        description: 'NodeSDK test apikey #1',
        expiresAt: '2049-01-02T18:30:00+0000',
      });
      assert.equal(created.status, 201);
      const id = created.result.id as string;
      const value = created.result.apikey;
      assert.match(id, /^ApiKey-/);
      assert.ok(isWellFormedSecret('apiKey', value), 'the value is returned once, on create');
      assert.equal(created.result.expires_at, '2049-01-02T18:30+0000');
      const second = await identity.createApiKey({ name, iamId, description: 'NodeSDK test apikey #2' });
      assert.equal(second.status, 201);

      const fetched = await identity.getApiKey({ id, includeHistory: true, includeActivity: true });
      assert.equal(fetched.status, 200);
      const key = fetched.result;
      assert.equal(key.id, id);
      assert.equal(key.name, name);
      assert.equal(key.iam_id, iamId);
      assert.equal(key.account_id, app.accountId);
      assert.equal(key.created_by, iamId);
      assert.equal(key.locked, false);
      assert.equal(key.disabled, false);
      assert.equal(key.support_sessions, false);
      assert.equal(key.action_when_leaked, 'none');
      assert.equal(key.apikey, undefined, 'never shown again');
      assert.deepEqual(key.activity, { authn_count: 0 });
      assert.equal(fetched.headers['etag'], key.entity_tag);

      const details = await identity.getApiKeysDetails({ iamApiKey: value, includeHistory: true });
      assert.equal(details.status, 200);
      assert.equal(details.result.id, id);
      assert.equal(details.result.iam_id, iamId);
      assert.equal(details.result.created_by, iamId);
      assert.equal(details.result.locked, false);

      // One key per page, following `next` as IBM's integration test does.
      const found: string[] = [];
      let pagetoken: string | undefined;
      let pages = 0;
      do {
        const page = await identity.listApiKeys({ accountId: app.accountId, iamId, pagesize: 1, pagetoken });
        assert.equal(page.status, 200);
        assert.equal(page.result.limit, 1);
        for (const listed of page.result.apikeys) if (listed.name === name) found.push(listed.id as string);
        pagetoken = pageTokenOf(page.result.next);
        pages++;
      } while (pagetoken !== undefined);
      assert.equal(found.length, 2);
      assert.ok(pages >= 2);
      const single = await identity.listApiKeys({ iamId, pagesize: 100 });
      assert.equal(single.result.offset, 0);
      assert.equal(single.result.next, undefined);

      const updated = await identity.updateApiKey({
        id,
        ifMatch: key.entity_tag as string,
        description: 'This is an updated description',
        expiresAt: '2048-01-02T18:30:00+0000',
      });
      assert.equal(updated.status, 200);
      assert.equal(updated.result.description, 'This is an updated description');
      assert.equal(updated.result.expires_at, '2048-01-02T18:30+0000');
      assert.notEqual(updated.result.entity_tag, key.entity_tag);
      const stale = await rejection(identity.updateApiKey({ id, ifMatch: key.entity_tag as string, name: 'x' }));
      assert.equal(stale.status, 409);

      assert.equal((await identity.lockApiKey({ id })).status, 204);
      assert.equal((await identity.getApiKey({ id })).result.locked, true);
      const lockedDelete = await rejection(identity.deleteApiKey({ id }));
      assert.equal(lockedDelete.status, 409);
      assert.equal((await identity.unlockApiKey({ id })).status, 204);
      assert.equal((await identity.getApiKey({ id })).result.locked, false);

      assert.equal((await identity.disableApiKey({ id })).status, 204);
      assert.equal((await identity.getApiKey({ id })).result.disabled, true);
      assert.equal((await identity.enableApiKey({ id })).status, 204);
      assert.equal((await identity.getApiKey({ id })).result.disabled, false);

      assert.equal((await identity.deleteApiKey({ id })).status, 204);
      const gone = await rejection(identity.getApiKey({ id }));
      assert.equal(gone.status, 404);
      assert.equal(gone.message, 'Unable to find object');
      assert.equal((await identity.deleteApiKey({ id: second.result.id as string })).status, 204);
    });

    it('reports an unknown id as 404 even with a bogus If-Match', async () => {
      const error = await rejection(identity.updateApiKey({ id: 'ApiKey-unknown', ifMatch: 'invalid', name: 'x' }));
      assert.equal(error.status, 404);
    });
  });

  describe('Service IDs', () => {
    it('runs the lifecycle: create with a nested apikey, get, list, update, lock, unlock, delete', async () => {
      const app = t.app();
      const name = `sdk-serviceid-${Date.now()}`;

      const created = await identity.createServiceId({
        accountId: app.accountId,
        name,
        description: 'NodeSDK ServiceId desc',
        apikey: { name: 'APIKey Name', store_value: true, expires_at: '2049-01-02T18:30:00+0000' },
      });
      assert.equal(created.status, 201);
      const id = created.result.id as string;
      assert.match(id, /^ServiceId-/);
      assert.equal(created.result.iam_id, `iam-${id}`);
      assert.equal(created.result.apikey?.iam_id, `iam-${id}`);
      assert.ok(isWellFormedSecret('apiKey', created.result.apikey?.apikey ?? ''));

      const fetched = await identity.getServiceId({ id, includeHistory: true, includeActivity: true });
      assert.equal(fetched.status, 200);
      assert.equal(fetched.result.name, name);
      assert.equal(fetched.result.description, 'NodeSDK ServiceId desc');
      assert.equal(fetched.headers['etag'], fetched.result.entity_tag);

      const listed = await identity.listServiceIds({ accountId: app.accountId, name, pagesize: 100 });
      assert.equal(listed.status, 200);
      assert.equal(listed.result.serviceids.length, 1);
      assert.equal(listed.result.offset, 0);
      assert.equal(listed.result.next, undefined);

      const keys = await identity.listApiKeys({ iamId: `iam-${id}` });
      assert.deepEqual(
        keys.result.apikeys.map((k) => k.name),
        ['APIKey Name'],
      );

      const updated = await identity.updateServiceId({
        id,
        ifMatch: fetched.result.entity_tag as string,
        description: 'This is an updated description',
      });
      assert.equal(updated.status, 200);
      assert.equal(updated.result.description, 'This is an updated description');

      assert.equal((await identity.lockServiceId({ id })).status, 204);
      assert.equal((await identity.getServiceId({ id })).result.locked, true);
      assert.equal((await rejection(identity.deleteServiceId({ id }))).status, 409);
      assert.equal((await identity.unlockServiceId({ id })).status, 204);
      assert.equal((await identity.getServiceId({ id })).result.locked, false);

      assert.equal((await identity.deleteServiceId({ id })).status, 204);
      const gone = await rejection(identity.getServiceId({ id }));
      assert.equal(gone.status, 404);
      const orphans = await identity.listApiKeys({ iamId: `iam-${id}` });
      assert.deepEqual(orphans.result.apikeys, [], 'its keys went with it');
    });

    it('refuses another account_id with 400', async () => {
      const error = await rejection(identity.createServiceId({ accountId: 'invalid', name: 'x' }));
      assert.equal(error.status, 400);
    });
  });
});
