import type { Clock } from '../../platform/clock.js';
import { tokenErrors } from '../errors.js';
import { GrantFailure, type CredentialLimiter } from './grants/grant.js';

export interface BucketLimits {
  readonly ratePerSecond: number;
  readonly burst: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

const MAX_BUCKETS = 100_000;

/**
 * Token buckets by key (a client IP, an API key's index): each key may spend `burst` requests at once and earns
 * `ratePerSecond` back. Time comes from the injected clock. The table is bounded: when it is full, buckets that have
 * refilled completely (indistinguishable from new ones) are dropped first, then the oldest, so a flood of distinct
 * keys cannot grow memory without limit.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly limits: BucketLimits,
    private readonly clock: Clock,
    private readonly maxBuckets = MAX_BUCKETS,
  ) {}

  /** Spends one token for `key`: 0 when allowed, else the whole seconds to wait before the next one (≥ 1). */
  take(key: string): number {
    const now = this.clock.now();
    const { ratePerSecond, burst } = this.limits;
    let bucket = this.buckets.get(key);
    if (bucket) {
      bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * ratePerSecond);
      bucket.at = now;
    } else {
      if (this.buckets.size >= this.maxBuckets) this.prune(now);
      bucket = { tokens: burst, at: now };
      this.buckets.set(key, bucket);
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / ratePerSecond));
  }

  private prune(now: number): void {
    const { ratePerSecond, burst } = this.limits;
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + ((now - bucket.at) / 1000) * ratePerSecond >= burst) this.buckets.delete(key);
    }
    if (this.buckets.size < this.maxBuckets) return;
    // Still full of busy keys: forget the oldest half (Map iterates in insertion order).
    let drop = Math.ceil(this.buckets.size / 2);
    for (const key of this.buckets.keys()) {
      if (drop-- <= 0) break;
      this.buckets.delete(key);
    }
  }
}

/**
 * A grant's per-credential limit over token buckets keyed by the credential's index: throws a 429 GrantFailure (with
 * Retry-After) when the credential's budget is spent, audited at most once a minute per credential.
 */
export function credentialLimiter(buckets: TokenBuckets): CredentialLimiter {
  return (index) => {
    const wait = buckets.take(index);
    if (wait > 0) {
      throw new GrantFailure(tokenErrors.tooManyRequests(wait), 'rate_limited_credential', {
        throttled: `credential:${index}`,
      });
    }
  };
}
