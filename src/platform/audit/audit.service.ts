import type { Clock } from '../clock.js';
import { isoAt } from '../clock.js';
import type { Random } from '../crypto/random.js';
import type { AuditEventRow } from '../db/schema.js';
import type { AuditFilter, AuditRepository } from './audit.repository.js';

/** Where a request came from, for the audit trail. */
export interface RequestOrigin {
  readonly ip: string | null;
  readonly userAgent: string | null;
  readonly requestId: string | null;
}

export const NO_ORIGIN: RequestOrigin = { ip: null, userAgent: null, requestId: null };

/** One thing that happened to a credential or an identity. Details never hold a secret or its hash. */
export interface AuditEntry {
  readonly accountId: string | null;
  readonly action: string;
  readonly outcome?: 'success' | 'failure';
  readonly actorIamId: string | null;
  readonly targetType?: string;
  readonly targetId?: string;
  readonly details?: Readonly<Record<string, string | number | boolean | null>>;
}

export interface AuditEvent {
  id: string;
  at: string;
  account_id: string | null;
  action: string;
  outcome: 'success' | 'failure';
  actor_iam_id: string | null;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  details: Record<string, unknown>;
  seq: number;
}

/** Records who did what to which credential, when and from where, and lists it for administrators. */
export class AuditService {
  constructor(
    private readonly repository: AuditRepository,
    private readonly clock: Clock,
    private readonly random: Random,
  ) {}

  async record(entry: AuditEntry, origin: RequestOrigin): Promise<void> {
    await this.repository.insert({
      id: this.random.uuid(),
      account_id: entry.accountId,
      at: isoAt(this.clock.now()),
      action: entry.action,
      outcome: entry.outcome ?? 'success',
      actor_iam_id: entry.actorIamId,
      target_type: entry.targetType ?? null,
      target_id: entry.targetId ?? null,
      ip: origin.ip,
      user_agent: origin.userAgent,
      request_id: origin.requestId,
      details: JSON.stringify(entry.details ?? {}),
    });
  }

  async list(filter: AuditFilter): Promise<AuditEvent[]> {
    const rows = await this.repository.list(filter);
    return rows.map(toEvent);
  }
}

function toEvent(row: AuditEventRow): AuditEvent {
  return { ...row, details: JSON.parse(row.details) as Record<string, unknown> };
}
