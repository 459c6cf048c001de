import type { TokenSubject } from '../access-tokens.js';

/** A user as the token claims describe them. */
export function userSubject(user: { iam_id: string; account_id: string; email: string; name: string }): TokenSubject {
  return { kind: 'user', iamId: user.iam_id, accountId: user.account_id, email: user.email, name: user.name };
}

/** A service ID as the token claims describe it. */
export function serviceIdSubject(sid: { id: string; iam_id: string; account_id: string; name: string }): TokenSubject {
  return { kind: 'serviceid', iamId: sid.iam_id, serviceId: sid.id, accountId: sid.account_id, name: sid.name };
}

/** True when an ISO timestamp (e.g. a key's `expires_at`) is set and not after `now`. */
export function hasPassed(iso: string | null, now: number): boolean {
  return iso !== null && Date.parse(iso) <= now;
}
