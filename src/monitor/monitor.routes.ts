import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Iam } from '../iam/iam.module.js';
import { requireIamToken } from '../iam/auth/require-iam-token.js';
import { originOf } from '../platform/http/request-origin.js';
import { sessionCookieOf } from '../iam/sessions/session-cookie.js';
import { checkSession } from '../iam/sessions/session-request.js';
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

/** The Sysdig-compatible Monitor API speaks Sysdig's error shape. */
export const monitorSurfaces: Surface[] = [{ prefix: '/api/', render: renderSysdigError }];

/**
 * Registers the monitoring routes: `/v1/instances` (vigil's own shape, IAM tokens, IBM's v1 errors) and the
 * Sysdig-compatible `/api/…` routes, which accept a Monitor API token, or an IAM token or the console session cookie
 * with `IBMInstanceID`.
 */
export async function registerMonitorRoutes(app: HttpServer, iam: Iam, monitor: Monitor): Promise<void> {
  app.decorateRequest('monitor', null);
  await app.register(async (scope) => {
    requireIamToken(scope, iam);
    await instancesRoutes(scope, monitor);
  });
  await app.register(async (scope) => {
    // Callback style so that a cached credential costs no promise: this hook runs on every Monitor API request.
    scope.addHook('onRequest', (request, reply, done) => {
      const cached = monitor.authenticator.cached(request.headers);
      if (cached) {
        request.monitor = cached;
        done();
        return;
      }
      const authorization = request.headers.authorization;
      if ((authorization === undefined || authorization.trim() === '') && sessionCookieOf(request.headers)) {
        fromSession(iam, monitor, request, reply).then((principal) => {
          request.monitor = principal;
          done();
        }, done);
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

/**
 * The Monitor principal of a request authenticated by the console session cookie (no Authorization header): the
 * instance and team come from `IBMInstanceID` and `SysdigTeamID` as with an IAM token; a state-changing request needs
 * the session's X-CSRF-Token (403 otherwise).
 */
async function fromSession(
  iam: Iam,
  monitor: Monitor,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<MonitorPrincipal> {
  const check = await checkSession(iam, request, reply);
  if (check.outcome === 'csrf') throw monitorErrors.csrfMismatch();
  if (check.outcome !== 'ok') throw monitorErrors.unauthorized();
  return monitor.authenticator.forPrincipal(check.principal, request.headers);
}
