import { NoContentSchema } from '../../platform/http/no-content.js';
import type { HttpServer } from '../../platform/http/create-server.js';
import type { Iam } from '../iam.module.js';
import { originOf } from '../../platform/http/request-origin.js';
import { principalOf } from '../auth/request-principal.js';
import {
  ChangePasswordBodySchema,
  CreateUserBodySchema,
  ListUsersQuerySchema,
  UserListSchema,
  UserParamsSchema,
  UserSchema,
} from './users.schema.js';

const tags = ['Users'];
const security = [{ iamToken: [] }];

/**
 * `/v1/users`: vigil's own admin API for the people of an account, plus `me` routes every user may call. Rules live
 * in UsersService; these handlers only parse, call and render.
 */
export async function usersRoutes(app: HttpServer, iam: Iam): Promise<void> {
  app.post(
    '/v1/users',
    {
      schema: {
        tags,
        security,
        summary: 'Create a user (administrators)',
        body: CreateUserBodySchema,
        response: { 201: UserSchema },
      },
    },
    async (request, reply) => {
      const user = await iam.users.create(principalOf(request), request.body, originOf(request));
      return reply.status(201).send(user);
    },
  );

  app.get(
    '/v1/users',
    {
      schema: {
        tags,
        security,
        summary: 'List the users of the account',
        querystring: ListUsersQuerySchema,
        response: { 200: UserListSchema },
      },
    },
    async (request) =>
      iam.users.list(principalOf(request), { offset: request.query.start ?? 0, limit: request.query.limit ?? 20 }),
  );

  app.get(
    '/v1/users/me',
    { schema: { tags, security, summary: 'The calling user', response: { 200: UserSchema } } },
    async (request) => iam.users.me(principalOf(request)),
  );

  app.put(
    '/v1/users/me/password',
    {
      schema: {
        tags,
        security,
        summary: 'Change the calling user’s password (revokes their refresh tokens and console sessions)',
        body: ChangePasswordBodySchema,
        response: { 204: NoContentSchema },
      },
    },
    async (request, reply) => {
      const { current_password: currentPassword, new_password: newPassword } = request.body;
      await iam.users.changePassword(principalOf(request), { currentPassword, newPassword }, originOf(request));
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/v1/users/:iam_id',
    {
      schema: { tags, security, summary: 'Get a user', params: UserParamsSchema, response: { 200: UserSchema } },
    },
    async (request) => iam.users.get(principalOf(request), request.params.iam_id),
  );

  app.delete(
    '/v1/users/:iam_id',
    {
      schema: {
        tags,
        security,
        summary: 'Delete a user with their API keys, refresh tokens and policies',
        params: UserParamsSchema,
        response: { 204: NoContentSchema },
      },
    },
    async (request, reply) => {
      await iam.users.delete(principalOf(request), request.params.iam_id, originOf(request));
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/v1/users/:iam_id/disable',
    {
      schema: {
        tags,
        security,
        summary: 'Disable a user: their tokens stop working at once',
        params: UserParamsSchema,
        response: { 204: NoContentSchema },
      },
    },
    async (request, reply) => {
      await iam.users.disable(principalOf(request), request.params.iam_id, originOf(request));
      return reply.status(204).send(null);
    },
  );

  app.delete(
    '/v1/users/:iam_id/signin-lock',
    {
      schema: {
        tags,
        security,
        summary: 'Unlock password sign-in locked after too many wrong passwords (iam-identity.user.manage)',
        params: UserParamsSchema,
        response: { 204: NoContentSchema },
      },
    },
    async (request, reply) => {
      await iam.users.unlockSignIn(principalOf(request), request.params.iam_id, originOf(request));
      return reply.status(204).send(null);
    },
  );

  app.delete(
    '/v1/users/:iam_id/disable',
    {
      schema: {
        tags,
        security,
        summary: 'Enable a disabled user',
        params: UserParamsSchema,
        response: { 204: NoContentSchema },
      },
    },
    async (request, reply) => {
      await iam.users.enable(principalOf(request), request.params.iam_id, originOf(request));
      return reply.status(204).send(null);
    },
  );
}
