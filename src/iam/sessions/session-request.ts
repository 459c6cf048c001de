import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../auth/principal.js';
import type { Iam } from '../iam.module.js';
import { csrfHeaderOf, needsCsrf, sessionCookie, sessionCookieOf } from './session-cookie.js';

/** The outcome of authenticating a request by its session cookie. */
export type SessionCheck =
  | { readonly outcome: 'none' }
  | { readonly outcome: 'invalid' }
  | { readonly outcome: 'csrf' }
  | { readonly outcome: 'ok'; readonly principal: Principal; readonly cookie: string };

/**
 * Authenticates a request by its `vigil_session` cookie, for surfaces that accept the console session when there is
 * no Authorization header: `none` without a cookie, `invalid` for a cookie that is not a live session, `csrf` for a
 * state-changing request without the session's X-CSRF-Token. When the session's expiry moved forward, the cookie is
 * sent again so that the browser keeps it as long as the server does. Each surface renders the refusals its own way.
 */
export async function checkSession(iam: Iam, request: FastifyRequest, reply: FastifyReply): Promise<SessionCheck> {
  const cookie = sessionCookieOf(request.headers);
  if (cookie === undefined) return { outcome: 'none' };
  const session = await iam.sessions.authenticate(cookie);
  if (!session) return { outcome: 'invalid' };
  if (!iam.sessions.csrfAllows(cookie, needsCsrf(request.method), csrfHeaderOf(request.headers))) {
    return { outcome: 'csrf' };
  }
  if (session.renewed) reply.header('set-cookie', sessionCookie(cookie, session.maxAgeSeconds, isSecure(iam)));
  return { outcome: 'ok', principal: session.principal, cookie };
}

/** True when vigil is reached over https, so that the cookie must be `Secure`. */
export function isSecure(iam: Iam): boolean {
  return iam.ctx.publicUrl.startsWith('https:');
}
