import { NoContentSchema } from '../../platform/http/no-content.js';
import type { HttpServer } from '../../platform/http/create-server.js';
import { IfMatchHeadersSchema } from '../api-keys/api-keys.schema.js';
import { originOf } from '../../platform/http/request-origin.js';
import { principalOf } from '../auth/request-principal.js';
import type { Iam } from '../iam.module.js';
import {
  CreateServiceIdBodySchema,
  CreateServiceIdHeadersSchema,
  GetServiceIdQuerySchema,
  ListServiceIdsQuerySchema,
  ServiceIdListSchema,
  ServiceIdParamsSchema,
  ServiceIdSchema,
  ShowGroupIdQuerySchema,
  UpdateServiceIdBodySchema,
} from './service-ids.schema.js';

const tags = ['Service IDs'];
const security = [{ iamToken: [] }];

/**
 * IBM IAM Identity v1 service IDs (reference/ibm-iam.md §2), inside the authenticated scope. IBM's SDK sends
 * `/v1/serviceids/` with and without the trailing slash; the server ignores trailing slashes, so both reach these.
 */
export async function serviceIdsRoutes(app: HttpServer, iam: Iam): Promise<void> {
  await app.register(async (own) => registerServiceIdRoutes(own, iam));
}

function registerServiceIdRoutes(app: HttpServer, iam: Iam): void {
  app.post(
    '/v1/serviceids',
    {
      schema: {
        tags,
        security,
        summary: 'Create a service ID',
        description:
          'account_id must be your account (else 400). With a nested `apikey`, its first API key is created too ' +
          'and returned once with its value.',
        headers: CreateServiceIdHeadersSchema,
        querystring: ShowGroupIdQuerySchema,
        body: CreateServiceIdBodySchema,
        response: { 201: ServiceIdSchema },
      },
    },
    async (request, reply) => {
      const created = await iam.serviceIds.create(
        principalOf(request),
        { ...request.body, locked: request.headers['entity-lock'] === true },
        { showGroupId: request.query.show_group_id === true },
        originOf(request),
      );
      return reply.status(201).header('etag', created.entity_tag).send(created);
    },
  );

  app.get(
    '/v1/serviceids',
    {
      schema: {
        tags,
        security,
        summary: 'List service IDs',
        description: 'account_id is required unless pagetoken is given; name filters by exact name.',
        querystring: ListServiceIdsQuerySchema,
        response: { 200: ServiceIdListSchema },
      },
    },
    async (request) => iam.serviceIds.list(principalOf(request), request.query),
  );

  app.get(
    '/v1/serviceids/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Get a service ID',
        description: 'The ETag header equals entity_tag; send it as If-Match to update.',
        params: ServiceIdParamsSchema,
        querystring: GetServiceIdQuerySchema,
        response: { 200: ServiceIdSchema },
      },
    },
    async (request, reply) => {
      const serviceId = await iam.serviceIds.get(principalOf(request), request.params.id, {
        showGroupId: request.query.show_group_id === true,
        includeActivity: request.query.include_activity === true,
      });
      return reply.header('etag', serviceId.entity_tag).send(serviceId);
    },
  );

  app.put(
    '/v1/serviceids/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Update a service ID',
        description: 'If-Match is required (the entity_tag, or *). A locked service ID cannot be changed (409).',
        params: ServiceIdParamsSchema,
        querystring: ShowGroupIdQuerySchema,
        headers: IfMatchHeadersSchema,
        body: UpdateServiceIdBodySchema,
        response: { 200: ServiceIdSchema },
      },
    },
    async (request, reply) => {
      const serviceId = await iam.serviceIds.update(
        principalOf(request),
        request.params.id,
        request.headers['if-match'],
        request.body,
        { showGroupId: request.query.show_group_id === true },
        originOf(request),
      );
      return reply.header('etag', serviceId.entity_tag).send(serviceId);
    },
  );

  app.delete(
    '/v1/serviceids/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Delete a service ID',
        description:
          'Deletes its API keys and access policies too; its tokens stop working at once. A locked service ID ' +
          'cannot be deleted (409).',
        params: ServiceIdParamsSchema,
        response: { 204: NoContentSchema },
      },
    },
    async (request, reply) => {
      await iam.serviceIds.delete(principalOf(request), request.params.id, originOf(request));
      return reply.status(204).send(null);
    },
  );

  const lockSchema = (summary: string, description: string) => ({
    schema: { tags, security, summary, description, params: ServiceIdParamsSchema, response: { 204: NoContentSchema } },
  });

  app.post(
    '/v1/serviceids/:id/lock',
    lockSchema('Lock a service ID', 'A locked service ID cannot be changed or deleted; its keys still work.'),
    async (request, reply) => {
      await iam.serviceIds.setLocked(principalOf(request), request.params.id, true, originOf(request));
      return reply.status(204).send(null);
    },
  );

  app.delete(
    '/v1/serviceids/:id/lock',
    lockSchema('Unlock a service ID', 'Allows changes again.'),
    async (request, reply) => {
      await iam.serviceIds.setLocked(principalOf(request), request.params.id, false, originOf(request));
      return reply.status(204).send(null);
    },
  );
}
