import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../auth/principal.js';
import type { Iam } from '../iam.module.js';
import type { SessionsService } from './sessions.service.js';
import { csrfHeaderOf, needsCsrf, sessionCookie, sessionCookieOf } from './session-cookie.js';

/** The outcome of authenticating a request by its session cookie. */
export type SessionCheck =
  | { readonly outcome: 'none' }
  | { readonly outcome: 'invalid' }
  | { readonly outcome: 'csrf' }
  | {
      readonly outcome: 'ok';
      readonly principal: Principal;
      readonly cookie: string;
      /** Set when the session's expiry moved forward: send it as Set-Cookie so the browser keeps the cookie as long. */
      readonly setCookie?: string;
    };

/**
 * Authenticates a request by its `vigil_session` cookie, from its headers and method, for surfaces that accept the
 * console session when there is no Authorization header: `none` without a cookie, `invalid` for a cookie that is not a
 * live session, `csrf` for a state-changing request without the session's X-CSRF-Token. Each surface renders the
 * refusals its own way.
 */
export async function authenticateSession(
  sessions: SessionsService,
  secure: boolean,
  headers: IncomingHttpHeaders,
  method: string,
): Promise<SessionCheck> {
  const cookie = sessionCookieOf(headers);
  if (cookie === undefined) return { outcome: 'none' };
  const session = await sessions.authenticate(cookie);
  if (!session) return { outcome: 'invalid' };
  if (!sessions.csrfAllows(cookie, needsCsrf(method), csrfHeaderOf(headers))) return { outcome: 'csrf' };
  return {
    outcome: 'ok',
    principal: session.principal,
    cookie,
    ...(session.renewed ? { setCookie: sessionCookie(cookie, session.maxAgeSeconds, secure) } : {}),
  };
}

/** {@link authenticateSession} for a Fastify request, sending the renewed cookie on the reply. */
export async function checkSession(iam: Iam, request: FastifyRequest, reply: FastifyReply): Promise<SessionCheck> {
  const check = await authenticateSession(iam.sessions, isSecure(iam), request.headers, request.method);
  if (check.outcome === 'ok' && check.setCookie !== undefined) reply.header('set-cookie', check.setCookie);
  return check;
}

/** True when vigil is reached over https, so that the cookie must be `Secure`. */
export function isSecure(iam: Iam): boolean {
  return iam.ctx.publicUrl.startsWith('https:');
}
