import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { HttpServer } from '../../platform/http/create-server.js';
import type { Iam } from '../iam.module.js';
import { principalOf } from '../auth/request-principal.js';
import { invalidInput } from './policies.routes.js';
import { AuthzBodySchema, AuthzResponseSchema, RoleListSchema, RolesQuerySchema } from './policies.schema.js';

const tags = ['Authorization'];
const security = [{ iamToken: [] }];

/**
 * vigil's decision endpoint, modelled on IBM's PDP (`POST /v2/authz`), which a monitoring service split off from IAM
 * calls to ask "may iam_id X do action Y on resource Z", and the role catalog (`GET /v2/roles`).
 */
export async function authzRoutes(app: HttpServer, iam: Iam): Promise<void> {
  // Its own plugin scope, so that its schema error formatter applies to these routes only.
  await app.register(async (plugin) => {
    const scope = plugin.withTypeProvider<TypeBoxTypeProvider>();
    scope.setSchemaErrorFormatter(invalidInput);

    scope.post(
      '/v2/authz',
      {
        schema: {
          tags,
          security,
          summary: 'Decide whether subjects may perform actions',
          description:
            'One request or an array of up to 100. Callers may ask about themselves; asking about other subjects of ' +
            'the account takes an account administrator or `iam-identity.policy.get`. Unknown subjects, and subjects ' +
            'of another account, are denied.',
          body: AuthzBodySchema,
          response: { 200: AuthzResponseSchema },
        },
        // IBM's PDP takes one request or an array; validate (and answer) both as an array.
        preValidation: async (request) => {
          if (!Array.isArray(request.body)) request.body = [request.body];
        },
      },
      async (request) => iam.policies.authorize(principalOf(request), request.body),
    );

    scope.get(
      '/v2/roles',
      {
        schema: {
          tags,
          security,
          summary: 'List roles and their actions',
          description: 'The platform (system) and service roles vigil knows, with the actions each allows.',
          querystring: RolesQuerySchema,
          response: { 200: RoleListSchema },
        },
      },
      async (request) => iam.policies.roles(request.query.service_name),
    );
  });
}
