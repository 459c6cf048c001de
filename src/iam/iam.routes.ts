import type { HttpServer } from '../platform/http/create-server.js';
import type { Surface } from '../platform/http/surfaces.js';
import { apiKeysRoutes } from './api-keys/api-keys.routes.js';
import { auditRoutes } from './audit/audit.routes.js';
import { requireIamToken } from './auth/require-iam-token.js';
import type { Iam } from './iam.module.js';
import { authzRoutes } from './policies/authz.routes.js';
import { policiesRoutes } from './policies/policies.routes.js';
import { renderIamError, tokenErrorRenderer } from './render.js';
import { sessionsRoutes } from './sessions/sessions.routes.js';
import { serviceIdsRoutes } from './service-ids/service-ids.routes.js';
import { signingKeysRoutes } from './tokens/signing-keys.routes.js';
import { tokenRoutes } from './tokens/token.routes.js';
import { usersRoutes } from './users/users.routes.js';

/** The error shapes of the IAM surfaces. */
export function iamSurfaces(publicUrl: string): Surface[] {
  return [
    { prefix: '/identity', render: tokenErrorRenderer(publicUrl) },
    { prefix: '/v1/', render: renderIamError },
    { prefix: '/v2/', render: renderIamError },
    { prefix: '/auth/', render: renderIamError },
  ];
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
