import { NoContentSchema } from '../../platform/http/no-content.js';
import type { HttpServer } from '../../platform/http/create-server.js';
import { originOf } from '../../platform/http/request-origin.js';
import { principalOf } from '../auth/request-principal.js';
import type { Iam } from '../iam.module.js';
import {
  ApiKeyDetailsHeadersSchema,
  ApiKeyListSchema,
  ApiKeyParamsSchema,
  ApiKeySchema,
  CreateApiKeyBodySchema,
  CreateApiKeyHeadersSchema,
  GetApiKeyQuerySchema,
  IfMatchHeadersSchema,
  ListApiKeysQuerySchema,
  UpdateApiKeyBodySchema,
} from './api-keys.schema.js';

const tags = ['API keys'];
const security = [{ iamToken: [] }];

/**
 * IBM IAM Identity v1 API keys (reference/ibm-iam.md §2), inside the authenticated scope: every handler gets the
 * request's principal and hands it to ApiKeysService, which holds the rules.
 */
export async function apiKeysRoutes(app: HttpServer, iam: Iam): Promise<void> {
  await app.register(async (own) => registerApiKeyRoutes(own, iam));
}

function registerApiKeyRoutes(app: HttpServer, iam: Iam): void {
  app.post(
    '/v1/apikeys',
    {
      schema: {
        tags,
        security,
        summary: 'Create an API key',
        description:
          'For yourself, or (with the permission) for another user or a service ID. The value is in the response ' +
          'once and never again; vigil keeps only an HMAC of it.',
        headers: CreateApiKeyHeadersSchema,
        body: CreateApiKeyBodySchema,
        response: { 201: ApiKeySchema },
      },
    },
    async (request, reply) => {
      const created = await iam.apiKeys.create(
        principalOf(request),
        {
          ...request.body,
          locked: request.headers['entity-lock'] === true,
          disabled: request.headers['entity-disable'] === true,
        },
        originOf(request),
      );
      return reply.status(201).header('etag', created.entity_tag).send(created);
    },
  );

  app.get(
    '/v1/apikeys',
    {
      schema: {
        tags,
        security,
        summary: 'List API keys',
        description:
          'scope=entity (default): the keys of one owner, yourself unless iam_id names another; scope=account: ' +
          'every key of the account. Paged with pagesize and the pagetoken of the `next` link.',
        querystring: ListApiKeysQuerySchema,
        response: { 200: ApiKeyListSchema },
      },
    },
    async (request) => iam.apiKeys.list(principalOf(request), request.query),
  );

  app.get(
    '/v1/apikeys/details',
    {
      schema: {
        tags,
        security,
        summary: 'Describe the API key given in the IAM-ApiKey header',
        headers: ApiKeyDetailsHeadersSchema,
        querystring: GetApiKeyQuerySchema,
        response: { 200: ApiKeySchema },
      },
    },
    async (request) => iam.apiKeys.details(principalOf(request), request.headers['iam-apikey']),
  );

  app.get(
    '/v1/apikeys/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Get an API key',
        description: 'The ETag header equals entity_tag; send it as If-Match to update.',
        params: ApiKeyParamsSchema,
        querystring: GetApiKeyQuerySchema,
        response: { 200: ApiKeySchema },
      },
    },
    async (request, reply) => {
      const key = await iam.apiKeys.get(principalOf(request), request.params.id, {
        includeActivity: request.query.include_activity === true,
      });
      return reply.header('etag', key.entity_tag).send(key);
    },
  );

  app.put(
    '/v1/apikeys/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Update an API key',
        description: 'If-Match is required (the entity_tag, or *). A locked key cannot be changed (409).',
        params: ApiKeyParamsSchema,
        headers: IfMatchHeadersSchema,
        body: UpdateApiKeyBodySchema,
        response: { 200: ApiKeySchema },
      },
    },
    async (request, reply) => {
      const key = await iam.apiKeys.update(
        principalOf(request),
        request.params.id,
        request.headers['if-match'],
        request.body,
        originOf(request),
      );
      return reply.header('etag', key.entity_tag).send(key);
    },
  );

  app.delete(
    '/v1/apikeys/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Delete an API key',
        description: 'Tokens obtained with it stop working at once. A locked key cannot be deleted (409).',
        params: ApiKeyParamsSchema,
        response: { 204: NoContentSchema },
      },
    },
    async (request, reply) => {
      await iam.apiKeys.delete(principalOf(request), request.params.id, originOf(request));
      return reply.status(204).send(null);
    },
  );

  const toggle = (summary: string, description: string) => ({
    schema: {
      tags,
      security,
      summary,
      description,
      params: ApiKeyParamsSchema,
      response: { 204: NoContentSchema },
    },
  });

  app.post(
    '/v1/apikeys/:id/lock',
    toggle('Lock an API key', 'A locked key cannot be changed or deleted; it still obtains tokens.'),
    async (request, reply) => {
      await iam.apiKeys.setLocked(principalOf(request), request.params.id, true, originOf(request));
      return reply.status(204).send(null);
    },
  );

  app.delete('/v1/apikeys/:id/lock', toggle('Unlock an API key', 'Allows changes again.'), async (request, reply) => {
    await iam.apiKeys.setLocked(principalOf(request), request.params.id, false, originOf(request));
    return reply.status(204).send(null);
  });

  app.post(
    '/v1/apikeys/:id/disable',
    toggle('Disable an API key', 'It obtains no tokens, and tokens it obtained stop working at once.'),
    async (request, reply) => {
      await iam.apiKeys.setDisabled(principalOf(request), request.params.id, true, originOf(request));
      return reply.status(204).send(null);
    },
  );

  app.delete(
    '/v1/apikeys/:id/disable',
    toggle('Enable an API key', 'It obtains tokens again.'),
    async (request, reply) => {
      await iam.apiKeys.setDisabled(principalOf(request), request.params.id, false, originOf(request));
      return reply.status(204).send(null);
    },
  );
}
