import type { FastifyBaseLogger } from 'fastify';
import type { ChangeFeed } from './platform/change-feed.js';
import type { Clock } from './platform/clock.js';
import type { Keyring } from './platform/crypto/keyring.js';
import type { Random } from './platform/crypto/random.js';
import { migrationsApplied, type DatabaseHandle } from './platform/db/database.js';
import { createHttpServer, type HttpServer } from './platform/http/create-server.js';
import { AuditRepository } from './platform/audit/audit.repository.js';
import { AuditService } from './platform/audit/audit.service.js';
import type { Platform } from './platform/platform.js';
import { requireIamToken } from './iam/auth/require-iam-token.js';
import { createIam, type Iam } from './iam/iam.module.js';
import { authenticateSession, isSecure } from './iam/sessions/session-request.js';
import type { IamPort } from './monitor/iam-port.js';
import type { TokenRateLimits } from './iam/tokens/rate-limits.js';
import { iamSurfaces, registerIamRoutes } from './iam/iam.routes.js';
import { createMonitor, type Monitor } from './monitor/monitor.module.js';
import { monitorSurfaces, registerMonitorRoutes } from './monitor/monitor.routes.js';
import { VERSION } from './version.js';
import type { MetricsConfig } from './platform/config-metrics.js';
import { createMetrics, type Metrics } from './metrics/metrics.module.js';
import { metricsSurfaces, registerMetricsRoutes } from './metrics/metrics.routes.js';
import type { Tsdb } from './tsdb/tsdb.js';
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
  /**
   * The metrics store (opened by the entry point, which owns its directory and lock) and the metrics settings; without
   * it the metrics routes are not mounted (tests of other domains).
   */
  readonly metrics?: { readonly store: Tsdb; readonly config: MetricsConfig };
}

export interface App {
  readonly http: HttpServer;
  readonly iam: Iam;
  readonly monitor: Monitor;
  readonly metrics: Metrics | null;
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
  const { database, clock, random, keyring, feed, publicUrl, logger } = options;
  // The dependencies every domain shares, made once.
  const platform: Platform = {
    db: database.db,
    clock,
    random,
    keyring,
    feed,
    audit: new AuditService(new AuditRepository(database.db), clock, random),
    publicUrl,
    reportError: (error, what) => {
      if (logger) logger.error({ err: error }, `could not ${what}`);
    },
  };
  const iam = createIam(platform, options.tokenRateLimits ? { tokenRateLimits: options.tokenRateLimits } : {});
  await iam.signingKeys.init();
  const monitor = createMonitor(platform, iamPortOf(iam));
  // Monitoring's team roles and instances count when IAM compares two subjects' rights.
  iam.rights.register(monitor.rights);
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
    [...iamSurfaces(options.publicUrl), ...monitorSurfaces, ...metricsSurfaces],
  );
  await registerIamRoutes(http, iam);
  await registerMonitorRoutes(http, monitor, (scope) => requireIamToken(scope, iam));
  const metrics = options.metrics
    ? createMetrics(platform, options.metrics.store, options.metrics.config, http.metricsRegistry)
    : null;
  if (metrics) await registerMetricsRoutes(http, metrics, monitor);
  registerConsoleRoutes(http, options.consoleDir);
  await http.ready();
  return {
    http,
    iam,
    monitor,
    metrics,
    bootstrapped: () => {
      bootstrapped = true;
    },
  };
}

/** The narrow interface monitoring reaches IAM through (monitor/iam-port.ts), over the in-process IAM service. */
function iamPortOf(iam: Iam): IamPort {
  // The session cookie is `Secure` when vigil is reached over https.
  const secure = isSecure(iam);
  return {
    authenticate: (authorization) => iam.authenticator.authenticate(authorization),
    authenticateSession: (headers, method) => authenticateSession(iam.sessions, secure, headers, method),
    isAllowed: (subject, action, resource) => iam.decisions.isAllowed(subject, action, resource),
    subject: (iamId) => iam.subjectStatus.subject(iamId),
    rightsNotHeld: (actor, target, scope) => iam.rights.notHeldBy(actor, target, scope),
    inviteUser: (invitation, origin) => iam.users.invite(invitation, origin),
  };
}
