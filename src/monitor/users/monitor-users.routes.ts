import type { FastifyReply, FastifyRequest } from 'fastify';
import { originOf } from '../../platform/http/request-origin.js';
import { NoContentSchema } from '../../platform/http/no-content.js';
import type { HttpServer } from '../../platform/http/create-server.js';
import type { Monitor } from '../monitor.module.js';
import { monitorPrincipalOf } from '../auth/request-principal.js';
import {
  InviteBodySchema,
  LightUserListSchema,
  ProvisioningBodySchema,
  UpdateUserBodySchema,
  UserEnvelopeSchema,
  UserIdParamsSchema,
  UserListSchema,
  UserRefParamsSchema,
} from './monitor-users.schema.js';

const tags = ['Monitor: users'];
const security: Record<string, string[]>[] = [{ monitorToken: [] }, { iamToken: [] }];

/**
 * Sysdig's users routes, as sdcclient and the Terraform provider call them: `/api/user/me` and `/api/users/me`, list,
 * light list, get by id or email, invite, provisioning, edit and delete. Rules live in MonitorUsersService; these
 * handlers only parse, call and render.
 */
export async function monitorUsersRoutes(app: HttpServer, monitor: Monitor): Promise<void> {
  const me = {
    schema: { tags, security, summary: 'The calling user in this instance', response: { 200: UserEnvelopeSchema } },
  };
  // The hottest route scripts call: the envelope is memoised per principal by the service, and its JSON here per
  // envelope, so a repeated call serialises nothing (reply.serialize applies the response schema once).
  const serialisedMe = new WeakMap<object, string>();
  const sendMe = (reply: FastifyReply, envelope: object): FastifyReply => {
    let body = serialisedMe.get(envelope);
    if (body === undefined) {
      body = String(reply.serialize(envelope));
      serialisedMe.set(envelope, body);
    }
    return reply.type('application/json; charset=utf-8').send(body);
  };
  const meHandler = (request: FastifyRequest, reply: FastifyReply): void => {
    const principal = monitorPrincipalOf(request);
    const memo = monitor.users.memoisedMe(principal);
    if (memo) {
      sendMe(reply, memo);
      return;
    }
    monitor.users.me(principal).then(
      (envelope) => sendMe(reply, envelope),
      (error: unknown) => reply.send(error),
    );
  };
  app.get('/api/user/me', me, meHandler);
  app.get('/api/users/me', me, meHandler);

  app.get(
    '/api/users',
    {
      schema: {
        tags,
        security,
        summary: 'Users of the instance (administrators), or of the teams the caller has a role in',
        response: { 200: UserListSchema },
      },
    },
    async (request) => monitor.users.list(monitorPrincipalOf(request)),
  );

  app.get(
    '/api/users/light',
    {
      schema: { tags, security, summary: 'The same users: id, username, name', response: { 200: LightUserListSchema } },
    },
    async (request) => monitor.users.light(monitorPrincipalOf(request)),
  );

  app.get(
    '/api/users/:id',
    {
      schema: {
        tags,
        security,
        summary: 'A user by id or username (email)',
        params: UserRefParamsSchema,
        response: { 200: UserEnvelopeSchema },
      },
    },
    async (request) => monitor.users.get(monitorPrincipalOf(request), request.params.id),
  );

  app.post(
    '/api/users',
    {
      schema: {
        tags,
        security,
        summary: 'Invite a user by email (administrators)',
        body: InviteBodySchema,
        response: { 201: UserEnvelopeSchema },
      },
    },
    async (request, reply) => {
      const created = await monitor.users.invite(monitorPrincipalOf(request), request.body, originOf(request));
      return reply.status(201).send(created);
    },
  );

  app.post(
    '/api/user/provisioning',
    {
      schema: {
        tags,
        security,
        summary: 'Provision a user by email (administrators); a password is ignored',
        body: ProvisioningBodySchema,
        response: { 201: UserEnvelopeSchema },
      },
    },
    async (request, reply) => {
      const created = await monitor.users.provision(monitorPrincipalOf(request), request.body, originOf(request));
      return reply.status(201).send(created);
    },
  );

  app.put(
    '/api/users/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Edit a user’s names or enable/disable it, with its current version (administrators)',
        params: UserIdParamsSchema,
        body: UpdateUserBodySchema,
        response: { 200: UserEnvelopeSchema },
      },
    },
    async (request) =>
      monitor.users.update(monitorPrincipalOf(request), request.params.id, request.body, originOf(request)),
  );

  app.delete(
    '/api/users/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Delete a user with its memberships and Monitor API tokens (administrators)',
        params: UserIdParamsSchema,
        response: { 204: NoContentSchema },
      },
    },
    async (request, reply) => {
      await monitor.users.delete(monitorPrincipalOf(request), request.params.id, originOf(request));
      return reply.status(204).send(null);
    },
  );
}
