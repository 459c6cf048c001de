import type { HttpServer } from '../platform/http/create-server.js';
import type { Surface } from '../platform/http/surfaces.js';
import { authenticateMonitorRequests } from './auth/monitor-request.js';
import { instancesRoutes } from './instances/instances.routes.js';
import type { Monitor } from './monitor.module.js';
import { renderSysdigError } from './render.js';
import { teamsRoutes } from './teams/teams.routes.js';
import { monitorTokensRoutes } from './tokens/monitor-tokens.routes.js';
import { monitorUsersRoutes } from './users/monitor-users.routes.js';

/** The Sysdig-compatible Monitor API speaks Sysdig's error shape. */
export const monitorSurfaces: Surface[] = [{ prefix: '/api/', render: renderSysdigError }];

/**
 * Registers the monitoring routes: `/v1/instances` (vigil's own shape, IBM's v1 errors), in a scope that
 * `requireIamPrincipal` makes require an IAM access token or the console session (IAM's own authentication, handed in
 * by the composition root), and the Sysdig-compatible `/api/…` routes, which accept a Monitor API token, or an IAM
 * token or the console session cookie with `IBMInstanceID`.
 */
export async function registerMonitorRoutes(
  app: HttpServer,
  monitor: Monitor,
  requireIamPrincipal: (scope: HttpServer) => void,
): Promise<void> {
  app.decorateRequest('monitor', null);
  await app.register(async (scope) => {
    requireIamPrincipal(scope);
    await instancesRoutes(scope, monitor);
  });
  await app.register(async (scope) => {
    authenticateMonitorRequests(scope, monitor);
    await monitorUsersRoutes(scope, monitor);
    await teamsRoutes(scope, monitor);
    await monitorTokensRoutes(scope, monitor);
  });
}
