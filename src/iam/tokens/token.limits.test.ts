import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ManualClock } from '../../platform/clock.js';
import { describeEachDatabase } from '../../testing/test-app.js';
import { API_KEY_NOT_FOUND, apikeyGrant, assertTokenError, auditEvents } from '../../testing/token-fixtures.js';
import { createApiKey } from '../../testing/identity-fixtures.js';

const TOO_MANY = { errorCode: 'BXNIM0420E', errorMessage: 'Too many requests. Try again later.' };

const ipClock = new ManualClock(Date.UTC(2026, 5, 1));
describeEachDatabase(
  'POST /identity/token rate limit per client IP',
  (t) => {
    it('answers 429 with Retry-After once the burst is spent, failed requests included, until time refills it', async () => {
      const app = t.app();
      const key = await createApiKey(app, app.admin);
      ipClock.advance(60_000); // a full bucket
      assert.equal((await apikeyGrant(app, key.value)).statusCode, 200);
      assertTokenError(await apikeyGrant(app, 'wrong'), 400, API_KEY_NOT_FOUND);
      assertTokenError(await app.http.inject({ method: 'POST', url: '/identity/token' }), 400, {
        errorCode: 'BXNIM0109E',
        errorMessage: 'Property missing or empty.',
        errorDetails: "Property 'grant_type' either missing or empty.",
      });

      const limited = await apikeyGrant(app, key.value);
      assertTokenError(limited, 429, TOO_MANY);
      assert.equal(limited.headers['retry-after'], '2');
      const huge = await app.http.inject({
        method: 'POST',
        url: '/identity/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'x'.repeat(100_000),
      });
      assertTokenError(huge, 429, TOO_MANY);

      ipClock.advance(1_000);
      assertTokenError(await apikeyGrant(app, key.value), 429, TOO_MANY);
      ipClock.advance(1_000);
      assert.equal((await apikeyGrant(app, key.value)).statusCode, 200);
      // The three refusals are one flood: audited once (a flood must not turn into database writes).
      const reasons = (await auditEvents(app, 'token.failure')).slice(-2).map((e) => e.details['reason']);
      assert.deepEqual(reasons, ['missing_grant_type', 'rate_limited_ip']);
    });

    it('leaves the JWKS and discovery unlimited', async () => {
      const app = t.app();
      for (let i = 0; i < 5; i++) {
        assert.equal((await app.http.inject({ method: 'GET', url: '/identity/keys' })).statusCode, 200);
      }
    });
  },
  {
    clock: ipClock,
    tokenRateLimits: { perIp: { ratePerSecond: 0.5, burst: 3 }, perKey: { ratePerSecond: 100, burst: 100 } },
  },
);

const keyClock = new ManualClock(Date.UTC(2026, 5, 2));
describeEachDatabase(
  'POST /identity/token rate limit per API key',
  (t) => {
    it('answers 429 with Retry-After for a key past its budget, while other keys still work', async () => {
      const app = t.app();
      const busy = await createApiKey(app, app.admin);
      const other = await createApiKey(app, app.admin);
      keyClock.advance(60_000);
      assert.equal((await apikeyGrant(app, busy.value)).statusCode, 200);
      assert.equal((await apikeyGrant(app, busy.value)).statusCode, 200);

      const limited = await apikeyGrant(app, busy.value);
      assertTokenError(limited, 429, TOO_MANY);
      assert.equal(limited.headers['retry-after'], '10');
      assert.equal((await apikeyGrant(app, other.value)).statusCode, 200);

      keyClock.advance(10_000);
      assert.equal((await apikeyGrant(app, busy.value)).statusCode, 200);
      const failures = (await auditEvents(app, 'token.failure')).map((e) => e.details['reason']);
      assert.deepEqual(failures, ['rate_limited_credential']);
    });

    it('counts failed attempts with one wrong key against that key', async () => {
      const app = t.app();
      keyClock.advance(60_000);
      assertTokenError(await apikeyGrant(app, 'guess'), 400, API_KEY_NOT_FOUND);
      assertTokenError(await apikeyGrant(app, 'guess'), 400, API_KEY_NOT_FOUND);
      assertTokenError(await apikeyGrant(app, 'guess'), 429, TOO_MANY);
    });
  },
  {
    clock: keyClock,
    tokenRateLimits: { perIp: { ratePerSecond: 100, burst: 100 }, perKey: { ratePerSecond: 0.1, burst: 2 } },
  },
);
