import { originOf } from '../../platform/http/request-origin.js';
import type { HttpServer } from '../../platform/http/create-server.js';
import { monitorPrincipalOf } from '../auth/request-principal.js';
import type { Monitor } from '../monitor.module.js';
import { MemberTokenParamsSchema, ResetTokenBodySchema, TokenResponseSchema } from './monitor-tokens.schema.js';

const tags = ['Monitor API token'];
const security: Record<string, string[]>[] = [{ monitorToken: [] }, { iamToken: [] }];
const AUTH =
  'Authenticate with a Monitor API token, or with an IAM access token and IBMInstanceID (and SysdigTeamID for a team ' +
  'other than your current one).';

/**
 * The Monitor API token routes (reference/monitor-api.md §2, §10): read your own (`get_user_token`), an administrator
 * reads a member's (`get_user_api_token`), and reset, vigil's own addition, with an optional grace period.
 */
export async function monitorTokensRoutes(app: HttpServer, monitor: Monitor): Promise<void> {
  app.get(
    '/api/token',
    {
      schema: {
        tags,
        security,
        summary: 'Your Monitor API token in the current team',
        description:
          `${AUTH} With a Monitor API token, this is that token. Created on first request. 403 when the instance ` +
          'accepts IAM tokens only (externalApiAuth IAM_ONLY).',
        response: { 200: TokenResponseSchema },
      },
    },
    async (request) => monitor.tokens.view(monitorPrincipalOf(request), { own: true }, originOf(request)),
  );

  app.get(
    '/api/token/:username/:teamId',
    {
      schema: {
        tags,
        security,
        summary: "A member's Monitor API token in a team",
        description:
          `${AUTH} For instance administrators, and for the team's managers acting in that team. 404 when the team ` +
          'is not in your instance or the user has no role in it.',
        params: MemberTokenParamsSchema,
        response: { 200: TokenResponseSchema },
      },
    },
    async (request) => monitor.tokens.view(monitorPrincipalOf(request), request.params, originOf(request)),
  );

  app.post(
    '/api/token/reset',
    {
      schema: {
        tags,
        security,
        summary: 'Reset your Monitor API token in the current team',
        description:
          `${AUTH} Returns the new value. The old one stops working in every vigil process at once, or after ` +
          'graceSeconds (at most a day) so that senders can switch without a gap.',
        body: ResetTokenBodySchema,
        response: { 200: TokenResponseSchema },
      },
    },
    async (request) =>
      monitor.tokens.reset(
        monitorPrincipalOf(request),
        { own: true },
        request.body?.graceSeconds ?? 0,
        originOf(request),
      ),
  );

  app.post(
    '/api/token/:username/:teamId/reset',
    {
      schema: {
        tags,
        security,
        summary: "Reset a member's Monitor API token in a team",
        description: `${AUTH} Same rules as reading it; returns the new value.`,
        params: MemberTokenParamsSchema,
        body: ResetTokenBodySchema,
        response: { 200: TokenResponseSchema },
      },
    },
    async (request) =>
      monitor.tokens.reset(
        monitorPrincipalOf(request),
        request.params,
        request.body?.graceSeconds ?? 0,
        originOf(request),
      ),
  );
}
