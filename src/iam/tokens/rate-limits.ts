/** Requests per second and burst, per client IP and per API key, on POST /identity/token (and console sign-in). */
export interface TokenRateLimits {
  readonly perIp: { readonly ratePerSecond: number; readonly burst: number };
  readonly perKey: { readonly ratePerSecond: number; readonly burst: number };
}

export const DEFAULT_TOKEN_RATE_LIMITS: TokenRateLimits = {
  perIp: { ratePerSecond: 50, burst: 200 },
  perKey: { ratePerSecond: 10, burst: 50 },
};
