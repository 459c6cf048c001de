import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifySchemaValidationError } from 'fastify';
import { NoContentSchema } from '../../platform/http/no-content.js';
import type { HttpServer } from '../../platform/http/create-server.js';
import { iamErrors } from '../errors.js';
import type { Iam } from '../iam.module.js';
import { originOf } from '../../platform/http/request-origin.js';
import { principalOf } from '../auth/request-principal.js';
import {
  IfMatchHeadersSchema,
  PolicyBodySchema,
  PolicyListQuerySchema,
  PolicyListSchema,
  PolicyParamsSchema,
  PolicySchema,
  PolicyStateBodySchema,
} from './policies.schema.js';

const tags = ['Policies'];
const security = [{ iamToken: [] }];
/** A policy is small; subjects and resources are stored as sent, so their size is bounded here. */
const bodyLimit = 64 * 1024;

/**
 * IBM IAM's access policies, `/v1/policies` (reference/ibm-iam.md §4), as `IamPolicyManagementV1` calls them. An
 * invalid body is IBM's `invalid_body`; every other rule lives in PoliciesService.
 */
export async function policiesRoutes(app: HttpServer, iam: Iam): Promise<void> {
  // Its own plugin scope, so that its schema error formatter applies to these routes only.
  await app.register(async (plugin) => {
    const scope = plugin.withTypeProvider<TypeBoxTypeProvider>();
    scope.setSchemaErrorFormatter(invalidInput);

    scope.post(
      '/v1/policies',
      {
        bodyLimit,
        schema: {
          tags,
          security,
          summary: 'Create a policy',
          description:
            'Grants roles to a user or service ID of the account on a resource. Subjects and resources are returned ' +
            'exactly as sent; the same policy twice is `409 policy_conflict_error`.',
          body: PolicyBodySchema,
          response: { 201: PolicySchema },
        },
      },
      async (request, reply) => {
        const { policy, etag } = await iam.policies.create(principalOf(request), request.body, originOf(request));
        return reply.status(201).header('etag', etag).send(policy);
      },
    );

    scope.get(
      '/v1/policies',
      {
        schema: {
          tags,
          security,
          summary: 'List policies',
          description:
            '`account_id` is required and must be the caller’s account. Anyone may list their own policies ' +
            '(`iam_id` = self); listing others takes an account administrator or `iam-identity.policy.get`.',
          querystring: PolicyListQuerySchema,
          response: { 200: PolicyListSchema },
        },
      },
      async (request) => iam.policies.list(principalOf(request), request.query),
    );

    scope.get(
      '/v1/policies/:policy_id',
      {
        schema: {
          tags,
          security,
          summary: 'Get a policy',
          description: 'The `ETag` header is the version to send as `If-Match` when replacing or changing its state.',
          params: PolicyParamsSchema,
          response: { 200: PolicySchema },
        },
      },
      async (request, reply) => {
        const { policy, etag } = await iam.policies.get(principalOf(request), request.params.policy_id);
        return reply.header('etag', etag).send(policy);
      },
    );

    scope.put(
      '/v1/policies/:policy_id',
      {
        bodyLimit,
        schema: {
          tags,
          security,
          summary: 'Replace a policy',
          description: 'Full replacement; the type cannot change. `If-Match` is required (stale: 409).',
          params: PolicyParamsSchema,
          headers: IfMatchHeadersSchema,
          body: PolicyBodySchema,
          response: { 200: PolicySchema },
        },
      },
      async (request, reply) => {
        const { policy, etag } = await iam.policies.replace(
          principalOf(request),
          request.params.policy_id,
          request.headers['if-match'],
          request.body,
          originOf(request),
        );
        return reply.header('etag', etag).send(policy);
      },
    );

    scope.patch(
      '/v1/policies/:policy_id',
      {
        schema: {
          tags,
          security,
          summary: 'Delete or restore a policy',
          description: '`{"state":"deleted"}` removes the access at once; `{"state":"active"}` restores it.',
          params: PolicyParamsSchema,
          headers: IfMatchHeadersSchema,
          body: PolicyStateBodySchema,
          response: { 200: PolicySchema },
        },
      },
      async (request, reply) => {
        const { policy, etag } = await iam.policies.setState(
          principalOf(request),
          request.params.policy_id,
          request.headers['if-match'],
          request.body.state,
          originOf(request),
        );
        return reply.header('etag', etag).send(policy);
      },
    );

    scope.delete(
      '/v1/policies/:policy_id',
      {
        schema: {
          tags,
          security,
          summary: 'Delete a policy',
          description: 'The access ends at once. The policy stays listable with `state=deleted` and can be restored.',
          params: PolicyParamsSchema,
          response: { 204: NoContentSchema },
        },
      },
      async (request, reply) => {
        await iam.policies.remove(principalOf(request), request.params.policy_id, originOf(request));
        return reply.status(204).send(null);
      },
    );
  });
}

/**
 * A request that fails its schema: a body is IBM's `invalid_body`; other parts keep the platform's `invalid_request`
 * (the error handler renders an error marked as a validation failure that way).
 */
export function invalidInput(errors: FastifySchemaValidationError[], dataVar: string): Error {
  const first = errors[0];
  const detail = first ? `${dataVar}${first.instancePath} ${first.message ?? 'is invalid'}` : dataVar;
  return dataVar === 'body' ? iamErrors.badRequest(`Invalid body: ${detail}`) : new Error(detail);
}
