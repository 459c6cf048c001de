import { originOf } from '../../platform/http/request-origin.js';
import { NoContentSchema } from '../../platform/http/no-content.js';
import type { HttpServer } from '../../platform/http/create-server.js';
import { monitorPrincipalOf } from '../auth/request-principal.js';
import type { Monitor } from '../monitor.module.js';
import {
  CreateTeamBodySchema,
  LightTeamEnvelopeSchema,
  ListTeamsQuerySchema,
  TeamEnvelopeSchema,
  TeamIdParamsSchema,
  TeamListSchema,
  TeamNameParamsSchema,
  UpdateTeamBodySchema,
} from './teams.schema.js';

const tags = ['Monitor: teams'];
const security: Record<string, string[]>[] = [{ monitorToken: [] }, { iamToken: [] }];

/**
 * Sysdig's teams API (reference/monitor-api.md §2, §4, §10), inside the Monitor API scope: a Monitor API token, or an
 * IAM token with `IBMInstanceID`. Errors are Sysdig's `{"errors":[{"reason","message"}]}`.
 */
export async function teamsRoutes(app: HttpServer, monitor: Monitor): Promise<void> {
  app.get(
    '/api/teams',
    {
      schema: {
        tags,
        security,
        summary: 'List teams',
        description:
          'An instance administrator sees every team of the instance; anyone else the teams they have a role in.',
        querystring: ListTeamsQuerySchema,
        response: { 200: TeamListSchema },
      },
    },
    async (request) => monitor.teams.list(monitorPrincipalOf(request), request.query.product),
  );

  app.post(
    '/api/teams',
    {
      schema: {
        tags,
        security,
        summary: 'Create a team',
        description:
          'Instance administrators only. `filter` is the scope; `userRoles` the memberships ([{userId, role}]).',
        body: CreateTeamBodySchema,
        response: { 201: TeamEnvelopeSchema },
      },
    },
    async (request, reply) => {
      const team = await monitor.teams.create(monitorPrincipalOf(request), request.body, originOf(request));
      return reply.status(201).send({ team });
    },
  );

  app.get(
    '/api/teams/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Get a team',
        description: 'With its memberships (`userRoles`).',
        params: TeamIdParamsSchema,
        response: { 200: TeamEnvelopeSchema },
      },
    },
    async (request) => ({ team: await monitor.teams.get(monitorPrincipalOf(request), request.params.id) }),
  );

  app.put(
    '/api/teams/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Edit a team',
        description:
          'The whole team as read, with its `version` (a stale one is 409). Administrators change anything but the ' +
          "default team's name and scope; a team's ROLE_TEAM_MANAGER changes its memberships only.",
        params: TeamIdParamsSchema,
        body: UpdateTeamBodySchema,
        response: { 200: TeamEnvelopeSchema },
      },
    },
    async (request) => ({
      team: await monitor.teams.update(monitorPrincipalOf(request), request.params.id, request.body, originOf(request)),
    }),
  );

  app.delete(
    '/api/teams/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Delete a team',
        description:
          "Instance administrators only; not the default team. Its memberships and its members' Monitor API tokens " +
          'for it go with it.',
        params: TeamIdParamsSchema,
        response: { 204: NoContentSchema },
      },
    },
    async (request, reply) => {
      await monitor.teams.delete(monitorPrincipalOf(request), request.params.id, originOf(request));
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v2/teams/light/name/:name',
    {
      schema: {
        tags,
        security,
        summary: 'Find a team by name',
        description: 'The name is URL-decoded (`Monitor%20Operations`). 404 when no visible team has it.',
        params: TeamNameParamsSchema,
        response: { 200: LightTeamEnvelopeSchema },
      },
    },
    async (request) => ({ team: await monitor.teams.getLightByName(monitorPrincipalOf(request), request.params.name) }),
  );
}
