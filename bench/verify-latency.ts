import { randomBytes } from 'node:crypto';
import { buildApp } from '../src/app.js';
import { LocalChangeFeed } from '../src/platform/change-feed.js';
import { systemClock } from '../src/platform/clock.js';
import { Keyring } from '../src/platform/crypto/keyring.js';
import { cryptoRandom } from '../src/platform/crypto/random.js';
import { migrate, openDatabase } from '../src/platform/db/database.js';

/**
 * Benchmark 2: the latency an IAM token adds to an authenticated request, measured as the call every /v1 request
 * makes, `iam.authenticator.authenticate('Bearer …')` (signature, claims, subject status), in-process on an SQLite
 * database. "Warm": the same token again (verification cache hit, subject cached). "Cold": a token never seen before
 * (RS256 signature verified by jose), subject cached, as for a client's first call with a new token. Prints
 * `RESULT {json}` for bench/run.ts.
 */

const WARM_ITERATIONS = Number(process.env['BENCH_WARM_ITERATIONS'] ?? 100_000);
const COLD_ITERATIONS = Number(process.env['BENCH_COLD_ITERATIONS'] ?? 3_000);

const database = openDatabase({ kind: 'sqlite', file: ':memory:' });
await migrate(database);
const feed = new LocalChangeFeed();
const { http, iam } = await buildApp({
  database,
  feed,
  keyring: new Keyring(randomBytes(32)),
  clock: systemClock,
  random: cryptoRandom,
  publicUrl: 'http://127.0.0.1',
  logger: false,
});
const account = await iam.accounts.create({
  name: 'bench',
  adminEmail: 'bench@example.test',
  adminName: 'Bench Admin',
  adminPassword: randomBytes(12).toString('base64url'),
});
const subject = {
  kind: 'user' as const,
  iamId: account.admin.iamId,
  accountId: account.accountId,
  email: account.admin.email,
  name: 'Bench Admin',
};
const issue = async () =>
  `Bearer ${
    (
      await iam.accessTokens.issue(subject, {
        grantType: 'urn:ibm:params:oauth:grant-type:apikey',
        clientId: 'default',
        scope: 'ibm openid',
        apikeyId: null,
      })
    ).token
  }`;

/** Times each call alone (µs), so the percentiles are per request, not an average. */
async function measure(headers: readonly string[], iterations: number): Promise<number[]> {
  const samples = new Array<number>(iterations);
  for (let i = 0; i < iterations; i++) {
    const header = headers[i % headers.length] as string;
    const start = process.hrtime.bigint();
    const principal = await iam.authenticator.authenticate(header);
    samples[i] = Number(process.hrtime.bigint() - start) / 1000;
    if (!principal) throw new Error('the benchmark token was refused');
  }
  return samples.sort((a, b) => a - b);
}

function percentiles(sorted: number[]) {
  const at = (q: number) =>
    Number((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0).toFixed(1));
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), n: sorted.length };
}

// Warm: one token, verified once before measuring.
const warmToken = await issue();
await measure([warmToken], 5_000);
const warm = percentiles(await measure([warmToken], WARM_ITERATIONS));

// Cold: every call a token not verified before (issued up front, outside the measurement).
const coldTokens: string[] = [];
for (let i = 0; i < COLD_ITERATIONS + 200; i++) coldTokens.push(await issue());
await measure(coldTokens.slice(0, 200), 200);
const cold = percentiles(await measure(coldTokens.slice(200), COLD_ITERATIONS));

process.stdout.write(
  `token verification (IamAuthenticator.authenticate): warm p50 ${warm.p50} µs p99 ${warm.p99} µs ` +
    `(${warm.n} calls); cold p50 ${cold.p50} µs p99 ${cold.p99} µs (${cold.n} calls)\n`,
);
process.stdout.write(`RESULT ${JSON.stringify({ warmMicros: warm, coldMicros: cold })}\n`);
await http.close();
await feed.close();
await database.close();
