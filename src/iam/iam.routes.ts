import type { FastifyRequest } from 'fastify';
import type { HttpServer } from '../platform/http/create-server.js';
import type { Surface } from '../platform/http/surfaces.js';
import { NO_ORIGIN, type RequestOrigin } from '../platform/audit/audit.service.js';
import { apiKeysRoutes } from './api-keys/api-keys.routes.js';
import { auditRoutes } from './audit/audit.routes.js';
import type { Principal } from './auth/principal.js';
import { iamErrors } from './errors.js';
import type { Iam } from './iam.module.js';
import { authzRoutes } from './policies/authz.routes.js';
import { policiesRoutes } from './policies/policies.routes.js';
import { renderIamError, tokenErrorRenderer } from './render.js';
import { checkSession } from './sessions/session-request.js';
import { sessionsRoutes } from './sessions/sessions.routes.js';
import { serviceIdsRoutes } from './service-ids/service-ids.routes.js';
import { signingKeysRoutes } from './tokens/signing-keys.routes.js';
import { tokenRoutes } from './tokens/token.routes.js';
import { usersRoutes } from './users/users.routes.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by an authenticating hook; null on routes without authentication. */
    principal: Principal | null;
  }
}

/** The error shapes of the IAM surfaces. */
export function iamSurfaces(publicUrl: string): Surface[] {
  return [
    { prefix: '/identity', render: tokenErrorRenderer(publicUrl) },
    { prefix: '/v1/', render: renderIamError },
    { prefix: '/v2/', render: renderIamError },
    { prefix: '/auth/', render: renderIamError },
  ];
}

/** The authenticated principal of a request; throws 401 in the IAM shape if there is none. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw iamErrors.missingToken();
  return request.principal;
}

/** Where a request came from, for the audit log. */
export function originOf(request: FastifyRequest | undefined): RequestOrigin {
  if (!request) return NO_ORIGIN;
  const userAgent = request.headers['user-agent'];
  return {
    ip: request.ip,
    userAgent: typeof userAgent === 'string' ? userAgent.slice(0, 256) : null,
    requestId: request.id,
  };
}

/**
 * Registers every IAM route. The token endpoint and key discovery are public; everything under /v1 and /v2 requires
 * an IAM access token (`Authorization: Bearer …`, or the bare token as IBM accepts).
 */
export async function registerIamRoutes(app: HttpServer, iam: Iam): Promise<void> {
  app.decorateRequest('principal', null);
  await app.register(async (scope) => tokenRoutes(scope, iam));
  await app.register(async (scope) => sessionsRoutes(scope, iam));
  await app.register(async (scope) => {
    requireIamToken(scope, iam);
    await apiKeysRoutes(scope, iam);
    await serviceIdsRoutes(scope, iam);
    await policiesRoutes(scope, iam);
    await authzRoutes(scope, iam);
    await usersRoutes(scope, iam);
    await auditRoutes(scope, iam);
    await signingKeysRoutes(scope, iam);
  });
}

/**
 * Makes every route of an encapsulated scope require an IAM access token (401 in IBM's v1 shape otherwise) and sets
 * `request.principal`. Without an Authorization header, the console session cookie is accepted instead (with the
 * session's X-CSRF-Token on state-changing requests, else 403). Other domains use it for their IAM-authenticated
 * routes (`/v1/instances`).
 */
export function requireIamToken(scope: HttpServer, iam: Iam): void {
  scope.addHook('onRequest', async (request, reply) => {
    const header = request.headers.authorization;
    if (header === undefined || header.trim() === '') {
      const session = await checkSession(iam, request, reply);
      if (session.outcome === 'none') throw iamErrors.missingToken();
      if (session.outcome === 'invalid') throw iamErrors.invalidToken();
      if (session.outcome === 'csrf') throw iamErrors.csrfMismatch();
      request.principal = session.principal;
      return;
    }
    const principal = await iam.authenticator.authenticate(header);
    if (!principal) throw iamErrors.invalidToken();
    request.principal = principal;
  });
}
