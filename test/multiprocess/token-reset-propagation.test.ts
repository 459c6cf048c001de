import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { POSTGRES_URL, TEST_DATABASES } from '../../src/testing/databases.js';
import {
  createDatabase,
  pollUntilRefused,
  resetToken,
  sharedVariables,
  startVigil,
  statusWith,
  managerTokens,
  type VigilProcess,
  type ManagerTokens,
} from './vigil-process.js';

/**
 * Issue 3: "after a reset the old value is refused by every vigil process within 1 second (target: 100 ms)". Two real
 * vigil processes on one PostgreSQL database; a Manager's Monitor API token is obtained through A, accepted by B, reset
 * through A, and B is asked every ~5 ms until it refuses it. With graceSeconds, B accepts the old value until the grace
 * period ends, then refuses it.
 */

const LIMIT_MS = 1000;

describe(
  'Monitor API token reset across two vigil processes on one PostgreSQL',
  { skip: !TEST_DATABASES.includes('postgres') && 'PostgreSQL is not reachable' },
  () => {
    let database: { url: string; drop(): Promise<void> } | undefined;
    let shared: ReturnType<typeof sharedVariables> | undefined;
    let a: VigilProcess | undefined;
    let b: VigilProcess | undefined;
    let tokens: ManagerTokens | undefined;

    before(async () => {
      database = await createDatabase(POSTGRES_URL, 'vigil_reset');
      shared = sharedVariables(database.url);
      // One after the other: the first migrates the database and creates the account.
      a = await startVigil({ ...shared.vars, VIGIL_DATA_DIR: shared.dataDirFor('a') });
      b = await startVigil({ ...shared.vars, VIGIL_DATA_DIR: shared.dataDirFor('b') });
      assert.equal(b.accountId, a.accountId);
      tokens = await managerTokens(a, shared.admin, { kind: 'postgres', url: database.url });
    });

    after(async () => {
      const codes = await Promise.all([a?.stop(), b?.stop()]);
      await database?.drop();
      if (shared) fs.rmSync(shared.dataDir, { recursive: true, force: true });
      assert.deepEqual(codes, [a ? 0 : undefined, b ? 0 : undefined], `${a?.stderr()}\n${b?.stderr()}`);
    });

    it('B accepts the token from A; after a reset through A, B refuses the old value within 1 s', async (t) => {
      assert.ok(a && b && tokens);
      assert.equal(await statusWith(b.url, tokens.key), 200);
      assert.equal(await statusWith(b.url, tokens.key), 200, 'B has it cached');

      // B is asked from the moment the reset is sent, so its first refusal is seen however early it comes.
      const started = performance.now();
      const polling = pollUntilRefused(b.url, tokens.key, started, LIMIT_MS * 2);
      const fresh = await resetToken(a.url, tokens.key);
      const answered = performance.now() - started;
      const answers = await polling;
      const last = answers[answers.length - 1]!;
      const propagation = last.at - answered;
      t.diagnostic(
        `reset through A answered after ${answered.toFixed(1)} ms; B refused the old value ` +
          `${last.at.toFixed(1)} ms after the reset was sent, ${propagation.toFixed(1)} ms after A answered ` +
          `(${answers.length} requests to B)`,
      );
      assert.equal(last.status, 401);
      assert.ok(propagation < LIMIT_MS, `refused ${propagation} ms after the reset`);

      assert.equal(await statusWith(b.url, fresh), 200, 'the new value works on B');
      assert.equal(await statusWith(a.url, tokens.key), 401, 'and the old one is dead on A too');
      tokens = { ...tokens, key: fresh };
    });

    it('with graceSeconds=2: B keeps accepting the old value until the grace period ends, then refuses it', async (t) => {
      assert.ok(a && b && tokens);
      const old = tokens.key;
      assert.equal(await statusWith(b.url, old), 200);

      const requested = performance.now();
      const fresh = await resetToken(a.url, old, 2);
      const answered = performance.now();
      const answers = await pollUntilRefused(b.url, old, requested, 2000 + LIMIT_MS * 2);
      const refused = answers[answers.length - 1]!;
      t.diagnostic(
        `B accepted the old value ${answers.length - 1} times, then refused it ` +
          `${(refused.at - 2000).toFixed(1)} ms after the 2 s grace period (from the reset request)`,
      );
      assert.equal(refused.status, 401);
      // The grace period starts on the server between the request and the answer (the server's clock counts whole
      // milliseconds, hence the slack).
      assert.ok(refused.at >= 1995, `refused ${refused.at} ms after the reset request, before the grace period ended`);
      assert.ok(
        refused.at <= answered - requested + 2000 + LIMIT_MS,
        `still accepted ${refused.at - (answered - requested) - 2000} ms after the grace period`,
      );
      assert.ok(answers.length > 10, 'B was asked throughout the grace period');
      assert.equal(await statusWith(b.url, fresh), 200);
      assert.equal(await statusWith(a.url, old), 401);
    });
  },
);
