import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppError } from '../errors.js';

/** Writes an AppError in one surface's wire shape (IBM IAM, IBM token endpoint, Sysdig, Prometheus…). */
export type ErrorRenderer = (error: AppError, request: FastifyRequest, reply: FastifyReply) => unknown;

/** A URL prefix and the error shape its clients read. The longest matching prefix wins. */
export interface Surface {
  readonly prefix: string;
  readonly render: ErrorRenderer;
}

/** vigil's own shape, for routes of no other surface (health, admin, docs). */
const defaultRenderer: ErrorRenderer = (error, request) => ({
  error: error.code,
  message: error.message,
  request_id: request.id,
  ...(error.extra.details ? { details: error.extra.details } : {}),
});

export function rendererFor(surfaces: readonly Surface[], url: string): ErrorRenderer {
  let best: Surface | undefined;
  for (const surface of surfaces) {
    if (url.startsWith(surface.prefix) && (!best || surface.prefix.length > best.prefix.length)) best = surface;
  }
  return best?.render ?? defaultRenderer;
}
