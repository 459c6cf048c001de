import type { Principal } from '../auth/principal.js';
import type { IamContext } from '../context.js';
import { iamErrors } from '../errors.js';
import { ACTIONS } from '../policies/roles.js';
import { parseClientTime } from '../time.js';
import type { AuditListBody, AuditQuery } from './audit.schema.js';

const DEFAULT_AUDIT_LIMIT = 100;

/**
 * The audit log as administrators read it: only their own account, newest first, filtered, paged by a cursor (the
 * event sequence number) so that events recorded while paging never shift a page. Account administrators and holders
 * of the `iam-identity` audit action may read it.
 */
export class AuditLogService {
  constructor(private readonly ctx: IamContext) {}

  async list(actor: Principal, query: AuditQuery): Promise<AuditListBody> {
    const allowed = await this.ctx.decisions.isAllowed(actor, ACTIONS.identity.auditRead, {
      accountId: actor.accountId,
      serviceName: 'iam-identity',
    });
    if (!allowed) throw iamErrors.forbidden('read the audit log');
    const since = timeFilter('since', query.since);
    const until = timeFilter('until', query.until);
    const limit = query.limit ?? DEFAULT_AUDIT_LIMIT;
    // One more than asked tells whether another page exists without counting.
    const rows = await this.ctx.audit.list({
      accountId: actor.accountId,
      limit: limit + 1,
      ...(query.action !== undefined ? { action: query.action } : {}),
      ...(query.outcome !== undefined ? { outcome: query.outcome } : {}),
      ...(query.actor_iam_id !== undefined ? { actorIamId: query.actor_iam_id } : {}),
      ...(query.target_id !== undefined ? { targetId: query.target_id } : {}),
      ...(since !== undefined ? { since } : {}),
      ...(until !== undefined ? { until } : {}),
      ...(query.start !== undefined ? { beforeSeq: query.start } : {}),
    });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      events: page.map((event) => ({
        id: event.id,
        at: event.at,
        action: event.action,
        outcome: event.outcome,
        actor_iam_id: event.actor_iam_id,
        target_type: event.target_type,
        target_id: event.target_id,
        ip: event.ip,
        user_agent: event.user_agent,
        request_id: event.request_id,
        details: event.details,
      })),
      ...(rows.length > limit && last ? { next: this.nextUrl(query, limit, last.seq) } : {}),
    };
  }

  private nextUrl(query: AuditQuery, limit: number, lastSeq: number): string {
    const params = new URLSearchParams();
    for (const name of ['action', 'outcome', 'actor_iam_id', 'target_id', 'since', 'until'] as const) {
      const value = query[name];
      if (value !== undefined) params.set(name, value);
    }
    params.set('limit', String(limit));
    params.set('start', String(lastSeq));
    return `${this.ctx.publicUrl}/v1/audit?${params.toString()}`;
  }
}

function timeFilter(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const parsed = parseClientTime(value);
  if (parsed === undefined)
    throw iamErrors.badRequest(`"${name}" must be an ISO 8601 date and time, e.g. 2026-01-31T12:00:00Z.`);
  return parsed;
}
