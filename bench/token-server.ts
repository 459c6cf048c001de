import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { buildApp } from '../src/app.js';
import { LocalChangeFeed } from '../src/platform/change-feed.js';
import { isoAt, systemClock } from '../src/platform/clock.js';
import { Keyring } from '../src/platform/crypto/keyring.js';
import { cryptoRandom } from '../src/platform/crypto/random.js';
import { generateSecret } from '../src/platform/crypto/secret-token.js';
import { migrate, openDatabase } from '../src/platform/db/database.js';
import { ids } from '../src/iam/ids.js';

/**
 * The server half of the token benchmark, run in its own process (forked by token-grants.ts) so that the load
 * generator does not share its event loop: vigil built in-process on a SQLite file in a temporary directory, rate
 * limits out of the way, `KEYS` API keys (half of users, half of service IDs) written straight to the database. It
 * sends `{port, keys}` to its parent and serves until told to stop.
 */

const KEYS = Number(process.env['BENCH_KEYS'] ?? 1000);
const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-'));
const database = openDatabase({ kind: 'sqlite', file: path.join(dir, 'vigil.db') });
await migrate(database);
const feed = new LocalChangeFeed();
const unlimited = { ratePerSecond: 1e9, burst: 1e9 };
const app = await buildApp({
  database,
  feed,
  keyring: new Keyring(randomBytes(32)),
  clock: systemClock,
  random: cryptoRandom,
  publicUrl: 'http://127.0.0.1',
  logger: false,
  tokenRateLimits: { perIp: unlimited, perKey: unlimited },
});
const account = await app.iam.accounts.create({
  name: 'bench',
  adminEmail: 'bench@example.test',
  adminName: 'Bench Admin',
  adminPassword: randomBytes(12).toString('base64url'),
});

const now = isoAt(Date.now());
const keys: string[] = [];
await database.db.transaction().execute(async (trx) => {
  for (let i = 0; i < KEYS; i++) {
    let iamId = account.admin.iamId;
    let ownerType: 'user' | 'serviceid' = 'user';
    if (i % 2 === 1) {
      const id = ids.serviceId(cryptoRandom);
      iamId = ids.serviceIdIamId(id);
      ownerType = 'serviceid';
      await trx
        .insertInto('service_ids')
        .values({
          id,
          iam_id: iamId,
          account_id: account.accountId,
          name: `bench-${i}`,
          description: null,
          group_id: null,
          unique_instance_crns: '[]',
          locked: 0,
          version: 1,
          created_by: account.admin.iamId,
          created_at: now,
          modified_at: now,
        })
        .execute();
    }
    const value = generateSecret('apiKey', cryptoRandom);
    keys.push(value);
    await trx
      .insertInto('api_keys')
      .values({
        id: ids.apiKey(cryptoRandom),
        account_id: account.accountId,
        iam_id: iamId,
        owner_type: ownerType,
        name: `bench-${i}`,
        description: null,
        key_hash: app.iam.ctx.keyring.index(value),
        locked: 0,
        disabled: 0,
        support_sessions: 0,
        action_when_leaked: 'none',
        expires_at: null,
        version: 1,
        created_by: account.admin.iamId,
        created_at: now,
        modified_at: now,
        last_authn: null,
        authn_count: 0,
      })
      .execute();
  }
});

await app.http.listen({ port: 0, host: '127.0.0.1' });
let cpuAtStart = process.cpuUsage();
let eluAtStart = performance.eventLoopUtilization();
const address = app.http.server.address();
const port = typeof address === 'object' && address ? address.port : 0;

process.on('message', async (message) => {
  if (message === 'measure') {
    cpuAtStart = process.cpuUsage();
    eluAtStart = performance.eventLoopUtilization();
    return;
  }
  if (message !== 'stop') return;
  const cpu = process.cpuUsage(cpuAtStart);
  const elu = performance.eventLoopUtilization(eluAtStart);
  const issued = await database.db
    .selectFrom('audit_events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('action', '=', 'token.issue')
    .executeTakeFirstOrThrow();
  await app.http.close();
  await database.close();
  rmSync(dir, { recursive: true, force: true });
  process.send?.(
    {
      stopped: true,
      issued: Number(issued.n),
      cpuMs: Math.round((cpu.user + cpu.system) / 1000),
      eventLoopUtilization: Number(elu.utilization.toFixed(2)),
    },
    () => process.exit(0),
  );
});
process.send?.({ port, keys });
