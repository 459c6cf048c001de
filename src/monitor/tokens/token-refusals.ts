import type { RequestOrigin } from '../../platform/audit/audit.service.js';
import type { MonitorContext } from '../context.js';

/** Why a Monitor API token was refused; recorded in the audit log, never told to the client (always the same 401). */
type MonitorTokenRefusalReason =
  'malformed' | 'unknown' | 'grace_expired' | 'owner_inactive' | 'team_gone' | 'no_role' | 'iam_only';

/** A refused Monitor API token: what is known about it. Never the value or its hash. */
export interface MonitorTokenRefusal {
  readonly reason: MonitorTokenRefusalReason;
  readonly tokenId?: number;
  readonly accountId?: string;
  readonly ownerIamId?: string | null;
  readonly teamId?: number;
}

// One audit row per token (or, for values that match none, per client address) and reason per minute: enough to see
// a leaked or stale token in use, without letting a flood of bad requests write a row each.
const AUDIT_INTERVAL_MS = 60_000;
const TRACKED_LIMIT = 10_000;

/** Records refused Monitor API tokens (`monitor_token.refused`) in the audit log, throttled. */
export class MonitorTokenRefusals {
  private readonly lastAudited = new Map<string, number>();

  constructor(private readonly ctx: Pick<MonitorContext, 'audit' | 'clock'>) {}

  async record(refusal: MonitorTokenRefusal, origin: RequestOrigin): Promise<void> {
    const subject = refusal.tokenId !== undefined ? `token:${refusal.tokenId}` : `ip:${origin.ip ?? 'unknown'}`;
    if (!this.firstThisMinute(`${refusal.reason}|${subject}`)) return;
    await this.ctx.audit.record(
      {
        accountId: refusal.accountId ?? null,
        action: 'monitor_token.refused',
        outcome: 'failure',
        actorIamId: null,
        ...(refusal.tokenId !== undefined ? { targetType: 'monitor_token', targetId: String(refusal.tokenId) } : {}),
        details: {
          reason: refusal.reason,
          owner_iam_id: refusal.ownerIamId ?? null,
          team_id: refusal.teamId ?? null,
        },
      },
      origin,
    );
  }

  private firstThisMinute(key: string): boolean {
    const now = this.ctx.clock.now();
    const last = this.lastAudited.get(key);
    if (last !== undefined && now - last < AUDIT_INTERVAL_MS) return false;
    if (this.lastAudited.size >= TRACKED_LIMIT) this.lastAudited.clear();
    this.lastAudited.set(key, now);
    return true;
  }
}
