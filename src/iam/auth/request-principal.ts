import type { FastifyRequest } from 'fastify';
import { iamErrors } from '../errors.js';
import type { Principal } from './principal.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by an authenticating hook; null on routes without authentication. */
    principal: Principal | null;
  }
}

/** The authenticated principal of a request; throws 401 in the IAM shape if there is none. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw iamErrors.missingToken();
  return request.principal;
}
