import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HttpServer } from '../../platform/http/create-server.js';
import { originOf } from '../../platform/http/request-origin.js';
import { monitorErrors } from '../errors.js';
import type { Monitor } from '../monitor.module.js';
import type { MonitorPrincipal } from './monitor-principal.js';
import './request-principal.js';

/**
 * Makes every route of an encapsulated scope a Monitor API route: the request is authenticated — a Monitor API
 * token; an IAM access token with `IBMInstanceID` (and `SysdigTeamID`/`TeamID`); or, without an Authorization header,
 * the console session cookie (with its X-CSRF-Token on state-changing requests) — and resolved to its instance, team,
 * role and the team's scope, in `request.monitor` (read it with `monitorPrincipalOf`). Refusals are monitoring's
 * errors, which each surface renders in its own shape. The Sysdig API mounts it; the metrics and alerts routes will.
 */
export function authenticateMonitorRequests(scope: HttpServer, monitor: Monitor): void {
  // Callback style so that a cached credential costs no promise: this hook runs on every Monitor API request.
  scope.addHook('onRequest', (request, reply, done) => {
    const cached = monitor.authenticator.cached(request.headers);
    if (cached) {
      request.monitor = cached;
      done();
      return;
    }
    const authorization = request.headers.authorization;
    const principal =
      authorization === undefined || authorization.trim() === ''
        ? fromSession(monitor, request, reply)
        : monitor.authenticator.authenticate(request.headers, originOf(request));
    principal.then((resolved) => {
      request.monitor = resolved;
      done();
    }, done);
  });
}

/**
 * The Monitor principal of a request authenticated by the console session cookie: the instance and team come from
 * `IBMInstanceID` and `SysdigTeamID` as with an IAM token. Without a cookie this is the same 401 as a missing token.
 */
async function fromSession(monitor: Monitor, request: FastifyRequest, reply: FastifyReply): Promise<MonitorPrincipal> {
  const session = await monitor.ctx.iam.authenticateSession(request.headers, request.method);
  if (session.outcome === 'csrf') throw monitorErrors.csrfMismatch();
  if (session.outcome !== 'ok') throw monitorErrors.unauthorized();
  if (session.setCookie !== undefined) reply.header('set-cookie', session.setCookie);
  return monitor.authenticator.forPrincipal(session.principal, request.headers);
}
