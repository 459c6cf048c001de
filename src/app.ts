import type { FastifyBaseLogger } from 'fastify';
import type { ChangeFeed } from './platform/change-feed.js';
import type { Clock } from './platform/clock.js';
import type { Keyring } from './platform/crypto/keyring.js';
import type { Random } from './platform/crypto/random.js';
import { migrationsApplied, type DatabaseHandle } from './platform/db/database.js';
import { createHttpServer, type HttpServer } from './platform/http/create-server.js';
import { createIam, type Iam } from './iam/iam.module.js';
import type { TokenRateLimits } from './iam/tokens/rate-limits.js';
import { iamSurfaces, registerIamRoutes } from './iam/iam.routes.js';
import { createMonitor, type Monitor } from './monitor/monitor.module.js';
import { monitorSurfaces, registerMonitorRoutes } from './monitor/monitor.routes.js';
import { VERSION } from './version.js';
import { registerConsoleRoutes } from './console/console.routes.js';

export interface AppOptions {
  readonly database: DatabaseHandle;
  readonly feed: ChangeFeed;
  readonly keyring: Keyring;
  readonly clock: Clock;
  readonly random: Random;
  readonly publicUrl: string;
  readonly logger: FastifyBaseLogger | false;
  readonly tokenRateLimits?: TokenRateLimits;
  readonly collectProcessMetrics?: boolean;
  /** VIGIL_METRICS_TOKEN: `/metrics` then needs it as a Bearer token. */
  readonly metricsToken?: string | undefined;
  /** The built web console (default: dist/web of this package). */
  readonly consoleDir?: string;
}

export interface App {
  readonly http: HttpServer;
  readonly iam: Iam;
  readonly monitor: Monitor;
  /**
   * Says the first-start work (account, administrator, default instance) is done: until then `/readyz` answers 503,
   * so that a script or an orchestrator never signs in to an account that is still being created.
   */
  bootstrapped(): void;
}

/**
 * The composition root: builds every domain over the given database and side effects and mounts their routes. It
 * never listens and never reads the environment, so tests build it with their own clock, randomness and database.
 */
export async function buildApp(options: AppOptions): Promise<App> {
  const iam = createIam({
    db: options.database.db,
    clock: options.clock,
    random: options.random,
    keyring: options.keyring,
    feed: options.feed,
    publicUrl: options.publicUrl,
    ...(options.tokenRateLimits ? { tokenRateLimits: options.tokenRateLimits } : {}),
  });
  await iam.signingKeys.init();
  let bootstrapped = false;
  const http = await createHttpServer(
    {
      logger: options.logger,
      publicUrl: options.publicUrl,
      version: VERSION,
      collectProcessMetrics: options.collectProcessMetrics ?? false,
      metricsToken: options.metricsToken,
      ready: async () => {
        if (!bootstrapped) return false;
        await options.database.db.selectFrom('settings').select('key').limit(1).execute();
        return migrationsApplied(options.database);
      },
    },
    [...iamSurfaces(options.publicUrl), ...monitorSurfaces],
  );
  const monitor = createMonitor(iam);
  await registerIamRoutes(http, iam);
  await registerMonitorRoutes(http, iam, monitor);
  registerConsoleRoutes(http, options.consoleDir);
  await http.ready();
  return {
    http,
    iam,
    monitor,
    bootstrapped: () => {
      bootstrapped = true;
    },
  };
}
