import type { Clock } from '../../platform/clock.js';
import type { Change } from '../../platform/change-feed.js';
import type { ApiKeysRepository } from '../api-keys/api-keys.repository.js';
import type { ServiceIdsRepository } from '../service-ids/service-ids.repository.js';
import type { UsersRepository } from '../users/users.repository.js';

/** What a credential's subject looks like now. */
export type SubjectState =
  | {
      readonly active: true;
      readonly kind: 'user' | 'serviceid';
      readonly accountId: string;
      readonly name: string;
      readonly email: string | null;
      readonly isAccountAdmin: boolean;
    }
  | { readonly active: false };

const TTL_MS = 5_000;
const INACTIVE: SubjectState = { active: false };

/**
 * Answers "does this subject (and the API key it used) still exist and may it act?" for every authenticated request,
 * from a cache that the change feed empties (topics `user`, `serviceid`, `apikey`) and that expires after 5 s as a
 * backstop, so a deleted or disabled credential loses access at once without a query per request.
 */
export class SubjectStatus {
  private readonly subjects = new Map<string, { state: SubjectState; at: number }>();
  private readonly keys = new Map<string, { usable: boolean; expiresAt: number | null; at: number }>();

  constructor(
    private readonly users: UsersRepository,
    private readonly serviceIds: ServiceIdsRepository,
    private readonly apiKeys: ApiKeysRepository,
    private readonly clock: Clock,
  ) {}

  /** Drops what a change makes stale (createIam feeds it every change on the feed). */
  onChange(change: Change): void {
    if (change.topic === 'user' || change.topic === 'serviceid') this.subjects.delete(change.key);
    else if (change.topic === 'apikey') this.keys.delete(change.key);
    else if (change.topic === 'reset-all') {
      this.subjects.clear();
      this.keys.clear();
    }
  }

  async subject(iamId: string): Promise<SubjectState> {
    const now = this.clock.now();
    const cached = this.subjects.get(iamId);
    if (cached && now - cached.at < TTL_MS) return cached.state;
    const state = await this.loadSubject(iamId);
    this.subjects.set(iamId, { state, at: now });
    return state;
  }

  /** True when the key exists, is enabled, has not expired and still belongs to `iamId`. */
  async apiKeyUsable(apikeyId: string, iamId: string): Promise<boolean> {
    const now = this.clock.now();
    let cached = this.keys.get(apikeyId);
    if (!cached || now - cached.at >= TTL_MS) {
      const row = await this.apiKeys.findById(apikeyId);
      cached = {
        usable: row !== undefined && row.disabled === 0 && row.iam_id === iamId,
        expiresAt: row?.expires_at ? Date.parse(row.expires_at) : null,
        at: now,
      };
      this.keys.set(apikeyId, cached);
    }
    return cached.usable && (cached.expiresAt === null || cached.expiresAt > now);
  }

  private async loadSubject(iamId: string): Promise<SubjectState> {
    if (iamId.startsWith('iam-ServiceId-')) {
      const row = await this.serviceIds.findByIamId(iamId);
      if (!row) return INACTIVE;
      return {
        active: true,
        kind: 'serviceid',
        accountId: row.account_id,
        name: row.name,
        email: null,
        isAccountAdmin: false,
      };
    }
    const user = await this.users.findByIamId(iamId);
    // A pending (invited) user holds the team roles it was given: its Monitor API tokens act with them. It has no
    // password and no API key, so it obtains no IAM token until an administrator completes it.
    if (!user || user.state === 'DISABLED') return INACTIVE;
    return {
      active: true,
      kind: 'user',
      accountId: user.account_id,
      name: user.name,
      email: user.email,
      isAccountAdmin: user.is_admin === 1,
    };
  }
}
