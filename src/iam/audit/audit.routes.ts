import type { HttpServer } from '../../platform/http/create-server.js';
import type { Iam } from '../iam.module.js';
import { principalOf } from '../auth/request-principal.js';
import { AuditListSchema, AuditQuerySchema } from './audit.schema.js';

/** `GET /v1/audit`: who did what to which credential, when and from where, for administrators. */
export async function auditRoutes(app: HttpServer, iam: Iam): Promise<void> {
  app.get(
    '/v1/audit',
    {
      schema: {
        tags: ['Audit'],
        security: [{ iamToken: [] }],
        summary: 'List audit events of the account, newest first',
        querystring: AuditQuerySchema,
        response: { 200: AuditListSchema },
      },
    },
    async (request) => iam.auditLog.list(principalOf(request), request.query),
  );
}
