import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ManualClock, isoAt } from '../../platform/clock.js';
import { describeEachDatabase, type TestApp } from '../../testing/test-app.js';
import { BX_BASIC, GENEROUS_LIMITS, apikeyGrant, postToken } from '../../testing/token-fixtures.js';
import { createApiKey } from '../../testing/identity-fixtures.js';

const clock = new ManualClock(Date.UTC(2026, 6, 1, 10, 0, 0));

async function activityOf(app: TestApp, id: string) {
  return app.database.db
    .selectFrom('api_keys')
    .select(['last_authn', 'authn_count', 'version', 'modified_at'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
}

describeEachDatabase(
  'API key activity (last_authn, authn_count) from POST /identity/token',
  (t) => {
    it('is written at once for a quiet key, then at most once a minute, without losing a count', async () => {
      const app = t.app();
      const key = await createApiKey(app, app.admin);
      const created = await activityOf(app, key.id);
      assert.deepEqual(created, { last_authn: null, authn_count: 0, version: 1, modified_at: isoAt(clock.now()) });
      const t0 = clock.now();

      assert.equal((await apikeyGrant(app, key.value)).statusCode, 200);
      assert.deepEqual(await activityOf(app, key.id), { ...created, last_authn: isoAt(t0), authn_count: 1 });

      clock.advance(10_000);
      assert.equal((await apikeyGrant(app, key.value)).statusCode, 200);
      clock.advance(20_000);
      assert.equal((await apikeyGrant(app, key.value, { authorization: BX_BASIC })).statusCode, 200);
      assert.deepEqual(await activityOf(app, key.id), { ...created, last_authn: isoAt(t0), authn_count: 1 });

      clock.advance(30_000);
      assert.equal((await apikeyGrant(app, key.value)).statusCode, 200);
      assert.deepEqual(await activityOf(app, key.id), {
        ...created,
        last_authn: isoAt(t0 + 60_000),
        authn_count: 4,
      });
    });

    it('is written by the periodic sweep once the minute has passed, and in full on close', async () => {
      const app = t.app();
      const key = await createApiKey(app, app.admin);
      const t0 = clock.now();
      await apikeyGrant(app, key.value);
      clock.advance(5_000);
      await apikeyGrant(app, key.value);
      await app.iam.tokens.flushActivity();
      assert.equal((await activityOf(app, key.id)).authn_count, 1);

      clock.advance(60_000);
      await app.iam.tokens.flushActivity();
      assert.deepEqual(
        [(await activityOf(app, key.id)).authn_count, (await activityOf(app, key.id)).last_authn],
        [2, isoAt(t0 + 5_000)],
      );

      await apikeyGrant(app, key.value);
      clock.advance(1_000);
      await apikeyGrant(app, key.value);
      // The sweep wrote this key a moment ago: these two wait for the next minute, or for close.
      assert.equal((await activityOf(app, key.id)).authn_count, 2);
      await app.iam.tokens.close();
      assert.deepEqual(
        [(await activityOf(app, key.id)).authn_count, (await activityOf(app, key.id)).last_authn],
        [4, isoAt(clock.now())],
      );
    });

    it('counts only API-key grants, not failed ones or refreshes', async () => {
      const app = t.app();
      const key = await createApiKey(app, app.admin);
      const disabled = await createApiKey(app, app.admin, { disabled: true });
      clock.advance(120_000);
      const login = await apikeyGrant(app, key.value, { authorization: BX_BASIC });
      clock.advance(120_000);
      const refreshed = await postToken(
        app,
        { grant_type: 'refresh_token', refresh_token: login.json().refresh_token },
        { authorization: BX_BASIC },
      );
      assert.equal(refreshed.statusCode, 200);
      await apikeyGrant(app, disabled.value);
      await app.iam.tokens.flushActivity();
      assert.equal((await activityOf(app, key.id)).authn_count, 1);
      assert.equal((await activityOf(app, disabled.id)).authn_count, 0);
    });
  },
  { clock, tokenRateLimits: GENEROUS_LIMITS },
);
