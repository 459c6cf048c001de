import { describe, before, after } from 'node:test';
import { randomBytes } from 'node:crypto';
import { buildApp, type App } from '../app.js';
import { LocalChangeFeed, PostgresChangeFeed, type ChangeFeed } from '../platform/change-feed.js';
import { systemClock, isoAt, type Clock } from '../platform/clock.js';
import { Keyring } from '../platform/crypto/keyring.js';
import { hashPassword } from '../platform/crypto/password.js';
import { cryptoRandom } from '../platform/crypto/random.js';
import type { DatabaseHandle } from '../platform/db/database.js';
import type { TokenRateLimits } from '../iam/tokens/rate-limits.js';
import { ids } from '../iam/ids.js';
import { OPERATOR_ACCOUNT_SETTING } from '../iam/accounts/accounts.service.js';
import { openTestDatabase, TEST_DATABASES, type DatabaseKind } from './databases.js';
import { openTestMetricsStore, type TestMetricsStore } from './metrics-store.js';
import type { MetricsConfig } from '../platform/config-metrics.js';

export const TEST_PUBLIC_URL = 'http://vigil.test';

export interface TestUser {
  readonly iamId: string;
  readonly accountId: string;
  readonly email: string;
  readonly name: string;
  readonly password: string;
  /** A fresh IAM access token for this user. */
  token(): Promise<string>;
}

export interface TestApp extends App {
  readonly kind: DatabaseKind;
  readonly database: DatabaseHandle;
  readonly feed: ChangeFeed;
  readonly clock: Clock;
  /** The account's administrator. */
  readonly admin: TestUser;
  readonly accountId: string;
  /** Creates a user directly in the database (not through the API under test). */
  createUser(options?: { accountId?: string; admin?: boolean; email?: string; name?: string }): Promise<TestUser>;
  /** Creates a second account with its own administrator. */
  createAccount(): Promise<TestUser>;
  /** An access token for any subject (user or service ID), issued as the token endpoint would. */
  tokenFor(iamId: string, apikeyId?: string | null): Promise<string>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  readonly clock?: Clock;
  readonly tokenRateLimits?: TokenRateLimits;
  readonly publicUrl?: string;
  /** The built console to serve (default dist/web). */
  readonly consoleDir?: string;
  /** Mount the metrics plane on a fresh store in a temporary directory, with these settings over the defaults. */
  readonly metrics?: boolean | Partial<MetricsConfig>;
}

/** Generated per test run: no secret is written in the test sources. */
function testPassword(): string {
  return `pw-${randomBytes(9).toString('base64url')}`;
}

/** Builds vigil in-process on a fresh database of the given kind, with one account and its administrator. */
export async function createTestApp(kind: DatabaseKind, options: TestAppOptions = {}): Promise<TestApp> {
  const database = await openTestDatabase(kind);
  const feed: ChangeFeed = database.pool ? await PostgresChangeFeed.start(database.pool) : new LocalChangeFeed();
  const clock = options.clock ?? systemClock;
  const metrics: TestMetricsStore | null = options.metrics
    ? openTestMetricsStore(options.metrics === true ? {} : options.metrics)
    : null;
  const app = await buildApp({
    database,
    feed,
    keyring: new Keyring(randomBytes(32)),
    clock,
    random: cryptoRandom,
    publicUrl: options.publicUrl ?? TEST_PUBLIC_URL,
    ...(options.consoleDir ? { consoleDir: options.consoleDir } : {}),
    logger: false,
    ...(options.tokenRateLimits ? { tokenRateLimits: options.tokenRateLimits } : {}),
    ...(metrics ? { metrics: { store: metrics.store, config: metrics.config } } : {}),
  });

  const tokenFor = async (iamId: string, apikeyId: string | null = null): Promise<string> => {
    const repos = app.iam.ctx.repositories;
    if (iamId.startsWith('iam-ServiceId-')) {
      const sid = await repos.serviceIds.findByIamId(iamId);
      if (!sid) throw new Error(`no service ID ${iamId}`);
      const issued = await app.iam.accessTokens.issue(
        { kind: 'serviceid', iamId, serviceId: sid.id, accountId: sid.account_id, name: sid.name },
        { grantType: 'urn:ibm:params:oauth:grant-type:apikey', clientId: 'default', scope: 'ibm openid', apikeyId },
      );
      return issued.token;
    }
    const user = await repos.users.findByIamId(iamId);
    if (!user) throw new Error(`no user ${iamId}`);
    const issued = await app.iam.accessTokens.issue(
      { kind: 'user', iamId, accountId: user.account_id, email: user.email, name: user.name },
      { grantType: 'password', clientId: 'default', scope: 'ibm openid', apikeyId },
    );
    return issued.token;
  };

  const toTestUser = (u: {
    iamId: string;
    accountId: string;
    email: string;
    name: string;
    password: string;
  }): TestUser => ({
    ...u,
    token: () => tokenFor(u.iamId),
  });

  const createUser: TestApp['createUser'] = async (opts = {}) => {
    const password = testPassword();
    const iamId = ids.user(cryptoRandom);
    const now = isoAt(clock.now());
    const email = opts.email ?? `user-${randomBytes(4).toString('hex')}@example.test`;
    const name = opts.name ?? 'Test User';
    await app.iam.ctx.repositories.users.insert({
      iam_id: iamId,
      account_id: opts.accountId ?? accountId,
      email,
      name,
      password_hash: await hashPassword(password),
      is_admin: opts.admin ? 1 : 0,
      state: 'ACTIVE',
      version: 1,
      created_at: now,
      modified_at: now,
      password_changed_at: now,
    });
    return toTestUser({ iamId, accountId: opts.accountId ?? accountId, email, name, password });
  };

  const createAccount = async (): Promise<TestUser> => {
    const password = testPassword();
    const email = `owner-${randomBytes(4).toString('hex')}@example.test`;
    const created = await app.iam.accounts.create({
      name: 'other',
      adminEmail: email,
      adminName: 'Other Owner',
      adminPassword: password,
    });
    return toTestUser({
      iamId: created.admin.iamId,
      accountId: created.accountId,
      email,
      name: 'Other Owner',
      password,
    });
  };

  const adminPassword = testPassword();
  const adminEmail = `admin-${randomBytes(4).toString('hex')}@example.test`;
  const created = await app.iam.accounts.create({
    name: 'test',
    adminEmail,
    adminName: 'Ada Admin',
    adminPassword,
  });
  const accountId = created.accountId;
  // The test app's first account plays the one a real first start creates: the operator account.
  await app.iam.ctx.repositories.accounts.putSetting(OPERATOR_ACCOUNT_SETTING, accountId);
  app.bootstrapped();
  const admin = toTestUser({
    iamId: created.admin.iamId,
    accountId,
    email: adminEmail,
    name: 'Ada Admin',
    password: adminPassword,
  });

  return {
    ...app,
    kind,
    database,
    feed,
    clock,
    admin,
    accountId,
    createUser,
    createAccount,
    tokenFor,
    close: async () => {
      await app.http.close();
      await metrics?.close();
      await feed.close();
      await database.close();
    },
  };
}

/**
 * Runs a block of tests once per database dialect (SQLite, and PostgreSQL when reachable), each on a fresh app:
 * `describeEachDatabase('POST /v1/apikeys', (t) => { it('…', async () => { const app = t.app(); … }) })`.
 */
export function describeEachDatabase(
  title: string,
  body: (t: { app: () => TestApp }) => void,
  options: TestAppOptions = {},
): void {
  for (const kind of TEST_DATABASES) {
    describe(`${title} [${kind}]`, () => {
      let app: TestApp | undefined;
      before(async () => {
        app = await createTestApp(kind, options);
      });
      after(async () => {
        await app?.close();
      });
      body({
        app: () => {
          if (!app) throw new Error('test app not ready');
          return app;
        },
      });
    });
  }
}

/** `Authorization: Bearer …` headers for inject. */
export function bearer(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` };
}
