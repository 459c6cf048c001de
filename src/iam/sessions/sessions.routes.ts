import { NoContentSchema } from '../../platform/http/no-content.js';
import type { HttpServer } from '../../platform/http/create-server.js';
import { iamErrors } from '../errors.js';
import type { Iam } from '../iam.module.js';
import { originOf } from '../../platform/http/request-origin.js';
import { clearedSessionCookie, sessionCookie } from './session-cookie.js';
import { checkSession, isSecure } from './session-request.js';
import { SESSION_IDLE_TTL_MS } from './sessions.service.js';
import { LoginBodySchema, SessionSchema } from './sessions.schema.js';

const tags = ['Console sessions'];
const security = [{ consoleSession: [] }];

/**
 * `/auth`: the console's sign-in. `POST /auth/login` sets the HttpOnly `vigil_session` cookie and returns the user and
 * the CSRF token; `GET /auth/session` answers the same for a live cookie; `POST /auth/logout` revokes it. Errors use
 * IBM IAM's v1 shape.
 */
export async function sessionsRoutes(app: HttpServer, iam: Iam): Promise<void> {
  const secure = isSecure(iam);

  app.post(
    '/auth/login',
    {
      schema: {
        tags,
        summary: 'Sign in to the console with email and password (sets the session cookie)',
        body: LoginBodySchema,
        response: { 200: SessionSchema },
      },
    },
    async (request, reply) => {
      const { cookie, body } = await iam.sessions.login(request.body, originOf(request));
      return reply
        .header('set-cookie', sessionCookie(cookie, SESSION_IDLE_TTL_MS / 1000, secure))
        .header('cache-control', 'no-store')
        .send(body);
    },
  );

  app.get(
    '/auth/session',
    {
      schema: {
        tags,
        security,
        summary: 'The signed-in user and the CSRF token of the session cookie',
        response: { 200: SessionSchema },
      },
    },
    async (request, reply) => {
      const check = await checkSession(iam, request, reply);
      if (check.outcome !== 'ok') throw iamErrors.noSession();
      return reply.header('cache-control', 'no-store').send(await iam.sessions.describe(check.principal, check.cookie));
    },
  );

  app.post(
    '/auth/logout',
    {
      schema: {
        tags,
        security,
        summary: 'Sign out: revoke the session and clear its cookie (needs X-CSRF-Token)',
        response: { 204: NoContentSchema },
      },
    },
    async (request, reply) => {
      const check = await checkSession(iam, request, reply);
      if (check.outcome === 'csrf') throw iamErrors.csrfMismatch();
      if (check.outcome === 'ok') await iam.sessions.logout(check.principal, originOf(request));
      return reply.header('set-cookie', clearedSessionCookie(secure)).status(204).send(null);
    },
  );
}
