/**
 * Who is making a request, resolved once per request from its credential. Route handlers receive this; they never
 * read credentials themselves. The Monitor side extends it with instance, team and team role.
 */
export interface Principal {
  readonly kind: 'user' | 'serviceid';
  readonly iamId: string;
  readonly accountId: string;
  /** The user's name or the service ID's name. */
  readonly name: string;
  /** Users only. */
  readonly email: string | null;
  /** An account administrator (users only; service IDs act with their policies alone). */
  readonly isAccountAdmin: boolean;
  readonly credential: PrincipalCredential;
}

type PrincipalCredential =
  | { readonly type: 'iam_token'; readonly apikeyId: string | null; readonly expiresAt: number }
  | {
      readonly type: 'monitor_token';
      readonly tokenId: string;
      /** Set while an old value is used in its grace period after a reset (ms since the epoch). */
      readonly graceUntil: number | null;
    }
  | { readonly type: 'session'; readonly sessionId: string };

/** The subject part of a principal, as the decision function needs it. */
export type Subject = Pick<Principal, 'kind' | 'iamId' | 'accountId' | 'isAccountAdmin'>;
