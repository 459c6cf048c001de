import { originOf } from '../../platform/http/request-origin.js';
import { principalOf } from '../../iam/auth/request-principal.js';
import { NoContentSchema } from '../../platform/http/no-content.js';
import type { HttpServer } from '../../platform/http/create-server.js';
import type { Monitor } from '../monitor.module.js';
import {
  CreateInstanceBodySchema,
  InstanceListSchema,
  InstanceParamsSchema,
  InstanceSchema,
  UpdateInstanceBodySchema,
} from './instances.schema.js';

const tags = ['Monitoring instances'];
const security = [{ iamToken: [] }];

/**
 * `/v1/instances`: vigil's own API for monitoring instances, in the IAM-token scope (IBM v1 error bodies). An
 * instance's guid is what IAM callers send as `IBMInstanceID` on the Monitor API.
 */
export async function instancesRoutes(app: HttpServer, monitor: Monitor): Promise<void> {
  app.post(
    '/v1/instances',
    {
      schema: {
        tags,
        security,
        summary: 'Create a monitoring instance',
        description:
          'Account administrators and holders of Editor or Administrator on sysdig-monitor. The instance comes with ' +
          'its default team, Monitor Operations. A name already used in the account is 409.',
        body: CreateInstanceBodySchema,
        response: { 201: InstanceSchema },
      },
    },
    async (request, reply) => {
      const instance = await monitor.instances.create(principalOf(request), request.body, originOf(request));
      return reply.status(201).send(instance);
    },
  );

  app.get(
    '/v1/instances',
    {
      schema: {
        tags,
        security,
        summary: 'List monitoring instances',
        description: "The caller's account's instances that the caller has any access to (all, for administrators).",
        response: { 200: InstanceListSchema },
      },
    },
    async (request) => monitor.instances.list(principalOf(request)),
  );

  app.get(
    '/v1/instances/:guid',
    {
      schema: {
        tags,
        security,
        summary: 'Get a monitoring instance',
        params: InstanceParamsSchema,
        response: { 200: InstanceSchema },
      },
    },
    async (request) => monitor.instances.get(principalOf(request), request.params.guid),
  );

  app.patch(
    '/v1/instances/:guid',
    {
      schema: {
        tags,
        security,
        summary: 'Rename a monitoring instance or change its settings',
        description:
          '`settings.externalApiAuth`: `ANY` (Monitor API tokens and IAM tokens) or `IAM_ONLY` (Monitor API tokens ' +
          'are refused at once, everywhere).',
        params: InstanceParamsSchema,
        body: UpdateInstanceBodySchema,
        response: { 200: InstanceSchema },
      },
    },
    async (request) =>
      monitor.instances.update(principalOf(request), request.params.guid, request.body, originOf(request)),
  );

  app.delete(
    '/v1/instances/:guid',
    {
      schema: {
        tags,
        security,
        summary: 'Delete a monitoring instance',
        description: 'With its teams, Monitor users, memberships and Monitor API tokens, which stop working at once.',
        params: InstanceParamsSchema,
        response: { 204: NoContentSchema },
      },
    },
    async (request, reply) => {
      await monitor.instances.delete(principalOf(request), request.params.guid, originOf(request));
      return reply.status(204).send(null);
    },
  );
}
