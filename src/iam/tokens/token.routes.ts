import type { HttpServer } from '../../platform/http/create-server.js';
import { tokenErrors } from '../errors.js';
import type { Iam } from '../iam.module.js';
import { originOf } from '../../platform/http/request-origin.js';
import { acceptFormBodies, TOKEN_BODY_LIMIT } from './form-body.js';
import { SIGNING_ALGORITHM } from './signing-keys.service.js';
import {
  JwksSchema,
  OpenIdConfigurationSchema,
  TokenFormSchema,
  TokenResponseSchema,
  type OpenIdConfiguration,
} from './token.schema.js';

/**
 * The public IAM token service, as IBM's clients call it: `POST /identity/token` (form-encoded, any field order,
 * no Accept needed), the JWKS at `/identity/keys` and OIDC discovery. Errors use IBM's token error body (the
 * `/identity` surface).
 */
export async function tokenRoutes(app: HttpServer, iam: Iam): Promise<void> {
  acceptFormBodies(app);
  app.addHook('onClose', async () => iam.tokens.close());

  app.post(
    '/identity/token',
    {
      bodyLimit: TOKEN_BODY_LIMIT,
      schema: {
        tags: ['iam token'],
        summary: 'Exchange an API key, a refresh token or a password for an IAM access token',
        consumes: ['application/x-www-form-urlencoded'],
        body: TokenFormSchema,
        response: { 200: TokenResponseSchema },
      },
      // Before the body is read: every request, however malformed, spends the client's budget.
      onRequest: async (request) => iam.tokens.admit(originOf(request)),
      // An empty body is a request with no fields (answered "grant_type missing"), not a schema error.
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request, reply) => {
      const response = await iam.tokens.exchange({
        form: request.body,
        authorization: request.headers.authorization,
        origin: originOf(request),
      });
      return reply.header('cache-control', 'no-store').header('pragma', 'no-cache').send(response);
    },
  );

  app.route({
    method: ['GET', 'PUT', 'PATCH', 'DELETE'],
    url: '/identity/token',
    schema: { hide: true },
    handler: async (_request, reply) => {
      reply.header('allow', 'POST');
      throw tokenErrors.methodNotAllowed();
    },
  });

  app.get(
    '/identity/keys',
    {
      schema: {
        tags: ['iam token'],
        summary: 'The public keys that verify IAM access tokens (JWKS)',
        response: { 200: JwksSchema },
      },
    },
    async () => iam.signingKeys.jwks(),
  );

  app.get(
    '/identity/.well-known/openid-configuration',
    {
      schema: {
        tags: ['iam token'],
        summary: 'OpenID Connect discovery: issuer, token endpoint, JWKS',
        response: { 200: OpenIdConfigurationSchema },
      },
    },
    async (): Promise<OpenIdConfiguration> => {
      const base = `${iam.ctx.publicUrl}/identity`;
      return {
        issuer: iam.accessTokens.issuer,
        token_endpoint: `${base}/token`,
        jwks_uri: `${base}/keys`,
        grant_types_supported: iam.tokens.grantTypes(),
        response_types_supported: ['cloud_iam'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: [SIGNING_ALGORITHM],
        token_endpoint_auth_methods_supported: ['none', 'client_secret_basic'],
      };
    },
  );
}
