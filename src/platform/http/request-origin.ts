import type { FastifyRequest } from 'fastify';
import { NO_ORIGIN, type RequestOrigin } from '../audit/audit.service.js';

/** Where a request came from, for the audit log: address, user agent (at most 256 characters) and request id. */
export function originOf(request: FastifyRequest | undefined): RequestOrigin {
  if (!request) return NO_ORIGIN;
  const userAgent = request.headers['user-agent'];
  return {
    ip: request.ip,
    userAgent: typeof userAgent === 'string' ? userAgent.slice(0, 256) : null,
    requestId: request.id,
  };
}
