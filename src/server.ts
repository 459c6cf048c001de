import net from 'node:net';
import { buildApp } from './app.js';
import { LocalChangeFeed, PostgresChangeFeed, type ChangeFeed } from './platform/change-feed.js';
import { systemClock } from './platform/clock.js';
import { ConfigError, loadConfig } from './platform/config.js';
import { Keyring } from './platform/crypto/keyring.js';
import { loadOrCreateMasterKey } from './platform/crypto/master-key.js';
import { cryptoRandom } from './platform/crypto/random.js';
import { migrate, openDatabase } from './platform/db/database.js';
import { createLogger } from './platform/logging.js';
import { openMetricsStore } from './metrics/store/open-store.js';
import { TsdbLockedError } from './tsdb/errors.js';
import { startSelfMonitoring } from './metrics/self/self-monitoring.js';

/**
 * Starts vigil from the environment: validates configuration (every problem reported, exit 1), opens and migrates the
 * database, creates the master key, the first account and the signing key on first start, listens, prints how to log
 * in, and shuts down gracefully on SIGTERM/SIGINT.
 */
export async function startServer(env: Readonly<Record<string, string | undefined>>): Promise<void> {
  let config;
  try {
    config = loadConfig(env);
    // Port 0 means "any free port": choose it now, so that the public URL, the token issuer and paging links carry it.
    if (config.port === 0) config = loadConfig({ ...env, VIGIL_PORT: String(await freePort(config.host)) });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`vigil: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  // First, so that a second vigil on the same data directory stops before touching anything.
  let store;
  try {
    store = openMetricsStore(config.dataDir, config.metrics, logger);
  } catch (error) {
    if (error instanceof TsdbLockedError) {
      process.stderr.write(`vigil: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const master = loadOrCreateMasterKey(config.masterKey, config.dataDir);
  if (master.created) logger.info({ file: `${config.dataDir}/master.key` }, 'created the master key (keep it safe)');
  const database = openDatabase(config.database);
  await migrate(database);
  const feed: ChangeFeed = database.pool ? await PostgresChangeFeed.start(database.pool) : new LocalChangeFeed();
  const app = await buildApp({
    database,
    feed,
    keyring: new Keyring(master.key),
    clock: systemClock,
    random: cryptoRandom,
    publicUrl: config.publicUrl,
    logger,
    collectProcessMetrics: true,
    metricsToken: config.metricsToken,
    metrics: { store, config: config.metrics },
  });
  const { http, iam, monitor } = app;
  await http.listen({ host: config.host, port: config.port });
  // After listen: a generated password must never be created and then lost to a port that is already taken.
  const boot = await iam.accounts.bootstrap(config.adminEmail, config.adminPassword);
  // The quick start needs somewhere to send metrics: one instance, `default`, created on the first start only.
  const owner = await iam.ctx.repositories.users.findByEmail(config.adminEmail);
  const instance = owner ? await monitor.instances.ensureDefault(boot.accountId, owner.iam_id) : undefined;
  app.bootstrapped();
  const selfMonitoring = config.metrics.selfMonitoring
    ? await startSelfMonitoring(app, config.metrics.selfMonitoring, config.publicUrl, logger)
    : null;
  const url = config.publicUrl;
  const lines = [
    '',
    `vigil is running at ${url}  (${config.database.kind === 'postgres' ? 'PostgreSQL' : `SQLite in ${config.dataDir}`})`,
    `  account:   ${boot.accountId}`,
    `  log in as: ${config.adminEmail}`,
    boot.generatedPassword
      ? `  password:  ${boot.generatedPassword}   (generated now and shown only once: write it down)`
      : '  password:  the one printed (or set with VIGIL_ADMIN_PASSWORD) on first start',
    `  console:   ${url}/   (sign in with this email and password)`,
    `  CLI:       npx vigil login -a ${url} -u ${config.adminEmail}   (then: npx vigil iam oauth-tokens)`,
    `  get a token: curl -s -X POST ${url}/identity/token -d grant_type=password -d username=${config.adminEmail} -d password=…`,
    ...(instance ? [`  instance:  ${instance.guid} (${instance.name}; send it as IBMInstanceID)`] : []),
    `  API docs:  ${url}/docs`,
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    const force = setTimeout(() => process.exit(1), 10_000).unref();
    try {
      selfMonitoring?.stop();
      await http.close();
      await store.close();
      await feed.close();
      await database.close();
      clearTimeout(force);
      logger.info('stopped');
      logger.flush();
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

/** A port that is free on `host` right now (the OS picks it), for VIGIL_PORT=0. */
async function freePort(host: string): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(0, host, resolve);
  });
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error(`could not find a free port on ${host}`);
  return address.port;
}
