import { NO_ORIGIN, type AuditService, type RequestOrigin } from '../../platform/audit/audit.service.js';
import { isoAt, type Clock } from '../../platform/clock.js';
import type { SigninFailuresRepository } from './signin-failures.repository.js';

/** When sign-in locks, and for how long (Keycloak's brute-force detection is the model). */
export interface LockoutPolicy {
  /** Consecutive failures that lock sign-in. */
  readonly threshold: number;
  /** The first lock's length; each further lock before a success doubles it… */
  readonly firstWaitMs: number;
  /** …up to this. */
  readonly maxWaitMs: number;
  /** Failures older than this no longer count (the count starts again). */
  readonly forgetAfterMs: number;
}

const SIGNIN_LOCKOUT: LockoutPolicy = {
  threshold: 10,
  firstWaitMs: 60_000,
  maxWaitMs: 15 * 60_000,
  forgetAfterMs: 12 * 3600_000,
};

/** Whose sign-in it is: a user, or an email no user has (tracked too, so that a lock does not tell which exist). */
export type SignInSubject =
  | { readonly kind: 'user'; readonly iamId: string; readonly accountId: string }
  | { readonly kind: 'unknown'; readonly key: string };

interface Tracked {
  failures: number;
  lockouts: number;
  lockedUntil: number;
  lastFailureAt: number;
}

// Emails of nobody are tracked in memory only, bounded: a flood of made-up addresses cannot grow the database.
const UNKNOWN_LIMIT = 10_000;

/**
 * Per-account brute-force protection of password sign-in (the password grant and the console): after `threshold`
 * consecutive wrong passwords the account's password sign-ins are refused — the right password included — for a wait
 * that doubles with each further lock (1, 2, 4, 8, then 15 minutes), until a successful sign-in or an administrator
 * clears it. Only that account's password sign-in is locked: its API keys, refresh tokens and console sessions keep
 * working, so a stranger who knows an address can delay its owner's next sign-in but not stop their automation, and
 * nothing another account does counts against it. Failures are counted in the database, so every vigil process sees
 * the same lock. Each lock is audited (`user.signin.lock`).
 */
export class SignInLockout {
  private readonly unknown = new Map<string, Tracked>();

  constructor(
    private readonly failures: SigninFailuresRepository,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly policy: LockoutPolicy = SIGNIN_LOCKOUT,
  ) {}

  /** Seconds until the subject may try a password again; 0 when it is not locked. */
  async waitSeconds(subject: SignInSubject): Promise<number> {
    const now = this.clock.now();
    const until =
      subject.kind === 'user'
        ? Date.parse((await this.failures.find(subject.iamId))?.locked_until ?? '') || 0
        : (this.unknown.get(subject.key)?.lockedUntil ?? 0);
    return until > now ? Math.ceil((until - now) / 1000) : 0;
  }

  /** Counts a wrong password; locks sign-in when it is the threshold's. */
  async failed(subject: SignInSubject, origin: RequestOrigin = NO_ORIGIN): Promise<void> {
    const now = this.clock.now();
    if (subject.kind === 'unknown') {
      this.failedUnknown(subject.key, now);
      return;
    }
    const previous = await this.failures.find(subject.iamId);
    if (previous && now - Date.parse(previous.last_failure_at) > this.policy.forgetAfterMs) {
      await this.failures.clear(subject.iamId);
    }
    const row = await this.failures.addFailure(subject.iamId, isoAt(now));
    if (row.failures < this.policy.threshold) return;
    const wait = this.waitAfter(row.lockouts);
    const locked = await this.failures.lock(subject.iamId, this.policy.threshold, isoAt(now + wait));
    if (!locked) return;
    await this.audit.record(
      {
        accountId: subject.accountId,
        action: 'user.signin.lock',
        outcome: 'failure',
        actorIamId: null,
        targetType: 'user',
        targetId: subject.iamId,
        details: { failures: this.policy.threshold, lockouts: locked.lockouts, wait_seconds: wait / 1000 },
      },
      origin,
    );
  }

  /** A right password: the count starts again. */
  async succeeded(subject: SignInSubject): Promise<void> {
    if (subject.kind === 'user') await this.failures.clear(subject.iamId);
    else this.unknown.delete(subject.key);
  }

  /** Ends a user's lock and forgets their failures; true when there was anything to forget. */
  clear(iamId: string): Promise<boolean> {
    return this.failures.clear(iamId);
  }

  /** The users among these whose sign-in is locked now, with the time it ends (ISO). */
  async lockedUntil(iamIds: readonly string[]): Promise<Map<string, string>> {
    const rows = await this.failures.lockedAmong(iamIds, isoAt(this.clock.now()));
    return new Map(rows.flatMap((row) => (row.locked_until === null ? [] : [[row.iam_id, row.locked_until]])));
  }

  private failedUnknown(key: string, now: number): void {
    let tracked = this.unknown.get(key);
    if (tracked && now - tracked.lastFailureAt > this.policy.forgetAfterMs) tracked = undefined;
    if (!tracked) {
      if (this.unknown.size >= UNKNOWN_LIMIT) this.unknown.delete(this.unknown.keys().next().value as string);
      tracked = { failures: 0, lockouts: 0, lockedUntil: 0, lastFailureAt: now };
      this.unknown.set(key, tracked);
    }
    tracked.failures++;
    tracked.lastFailureAt = now;
    if (tracked.failures < this.policy.threshold) return;
    tracked.lockedUntil = now + this.waitAfter(tracked.lockouts);
    tracked.failures = 0;
    tracked.lockouts++;
  }

  /** The length of the lock that follows `lockouts` earlier ones. */
  private waitAfter(lockouts: number): number {
    return Math.min(this.policy.firstWaitMs * 2 ** Math.min(lockouts, 20), this.policy.maxWaitMs);
  }
}
