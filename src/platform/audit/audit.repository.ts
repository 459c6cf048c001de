import type { Db, AuditEventRow } from '../db/schema.js';

export interface AuditFilter {
  accountId: string;
  action?: string;
  outcome?: 'success' | 'failure';
  actorIamId?: string;
  targetId?: string;
  since?: string;
  until?: string;
  /** Return events with seq below this (newest first paging). */
  beforeSeq?: number;
  limit: number;
}

/** SQL for the audit log. */
export class AuditRepository {
  constructor(private readonly db: Db) {}

  async insert(row: Omit<AuditEventRow, 'seq'>): Promise<void> {
    await this.db.insertInto('audit_events').values(row).execute();
  }

  async list(filter: AuditFilter): Promise<AuditEventRow[]> {
    let query = this.db.selectFrom('audit_events').selectAll().where('account_id', '=', filter.accountId);
    if (filter.action !== undefined) query = query.where('action', '=', filter.action);
    if (filter.outcome !== undefined) query = query.where('outcome', '=', filter.outcome);
    if (filter.actorIamId !== undefined) query = query.where('actor_iam_id', '=', filter.actorIamId);
    if (filter.targetId !== undefined) query = query.where('target_id', '=', filter.targetId);
    if (filter.since !== undefined) query = query.where('at', '>=', filter.since);
    if (filter.until !== undefined) query = query.where('at', '<', filter.until);
    if (filter.beforeSeq !== undefined) query = query.where('seq', '<', filter.beforeSeq);
    return query.orderBy('seq', 'desc').limit(filter.limit).execute();
  }
}
