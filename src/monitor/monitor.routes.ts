import type { FastifyRequest } from 'fastify';
import type { Iam } from '../iam/iam.module.js';
import { originOf, requireIamToken } from '../iam/iam.routes.js';
import type { HttpServer } from '../platform/http/create-server.js';
import type { Surface } from '../platform/http/surfaces.js';
import type { MonitorPrincipal } from './auth/monitor-principal.js';
import { monitorErrors } from './errors.js';
import { instancesRoutes } from './instances/instances.routes.js';
import type { Monitor } from './monitor.module.js';
import { renderSysdigError } from './render.js';
import { teamsRoutes } from './teams/teams.routes.js';
import { monitorTokensRoutes } from './tokens/monitor-tokens.routes.js';
import { monitorUsersRoutes } from './users/monitor-users.routes.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set on Monitor API routes by the authenticating hook. */
    monitor: MonitorPrincipal | null;
  }
}

/** The Sysdig-compatible Monitor API speaks Sysdig's error shape. */
export const monitorSurfaces: Surface[] = [{ prefix: '/api/', render: renderSysdigError }];

/** The Monitor principal of a request; 401 in Sysdig's shape if there is none. */
export function monitorPrincipalOf(request: FastifyRequest): MonitorPrincipal {
  if (!request.monitor) throw monitorErrors.unauthorized();
  return request.monitor;
}

/**
 * Registers the monitoring routes: `/v1/instances` (vigil's own shape, IAM tokens, IBM's v1 errors) and the
 * Sysdig-compatible `/api/…` routes, which accept a Monitor API token or an IAM token with `IBMInstanceID`.
 */
export async function registerMonitorRoutes(app: HttpServer, iam: Iam, monitor: Monitor): Promise<void> {
  app.decorateRequest('monitor', null);
  await app.register(async (scope) => {
    requireIamToken(scope, iam);
    await instancesRoutes(scope, monitor);
  });
  await app.register(async (scope) => {
    // Callback style so that a cached credential costs no promise: this hook runs on every Monitor API request.
    scope.addHook('onRequest', (request, _reply, done) => {
      const cached = monitor.authenticator.cached(request.headers);
      if (cached) {
        request.monitor = cached;
        done();
        return;
      }
      monitor.authenticator.authenticate(request.headers, originOf(request)).then((principal) => {
        request.monitor = principal;
        done();
      }, done);
    });
    await monitorUsersRoutes(scope, monitor);
    await teamsRoutes(scope, monitor);
    await monitorTokensRoutes(scope, monitor);
  });
}
