import type { FastifyRequest } from 'fastify';
import { monitorErrors } from '../errors.js';
import type { MonitorPrincipal } from './monitor-principal.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set on Monitor API routes by the authenticating hook. */
    monitor: MonitorPrincipal | null;
  }
}

/** The Monitor principal of a request; 401 in Sysdig's shape if there is none. */
export function monitorPrincipalOf(request: FastifyRequest): MonitorPrincipal {
  if (!request.monitor) throw monitorErrors.unauthorized();
  return request.monitor;
}
