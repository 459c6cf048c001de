import type { Clock } from '../../platform/clock.js';

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Samples per second per instance, as a token bucket that holds one second of the rate: a sender may burst up to that
 * and is then held to the rate (a batch bigger than a second's worth passes when the bucket is full, leaving it in debt). A refused batch takes nothing from the bucket, and the answer says how many seconds
 * until it would fit (Retry-After).
 */
export class SampleRateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly perSecond: number,
    private readonly clock: Clock,
  ) {}

  /** Takes `samples` from the instance's bucket: 0 when allowed, else the seconds to wait before retrying. */
  take(tenant: string, samples: number): number {
    const now = this.clock.now();
    let bucket = this.buckets.get(tenant);
    if (bucket === undefined) {
      bucket = { tokens: this.perSecond, at: now };
      this.buckets.set(tenant, bucket);
    }
    bucket.tokens = Math.min(this.perSecond, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
    bucket.at = now;
    // A batch larger than a second's worth passes when the bucket is full and leaves it in debt.
    const needed = Math.min(samples, this.perSecond);
    if (needed <= bucket.tokens) {
      bucket.tokens -= samples;
      return 0;
    }
    return Math.max(1, Math.ceil((needed - bucket.tokens) / this.perSecond));
  }
}
