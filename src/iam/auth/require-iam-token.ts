import type { HttpServer } from '../../platform/http/create-server.js';
import { iamErrors } from '../errors.js';
import type { Iam } from '../iam.module.js';
import { checkSession } from '../sessions/session-request.js';

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
