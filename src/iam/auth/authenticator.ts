import type { AccessTokens } from '../tokens/access-tokens.js';
import type { Principal } from './principal.js';
import type { SubjectStatus } from './subject-status.js';

/**
 * Turns an `Authorization` header value holding an IAM access token (with or without the `Bearer ` word, as IBM
 * accepts) into a principal, or undefined when the token is missing, invalid, expired, or its subject or API key no
 * longer may act.
 */
export class IamAuthenticator {
  constructor(
    private readonly tokens: AccessTokens,
    private readonly status: SubjectStatus,
  ) {}

  async authenticate(authorization: string | undefined): Promise<Principal | undefined> {
    const token = bearerValue(authorization);
    if (token === undefined) return undefined;
    const claims = await this.tokens.verify(token);
    if (!claims) return undefined;
    const state = await this.status.subject(claims.iam_id);
    if (!state.active || state.accountId !== claims.account.bss) return undefined;
    const apikeyId = claims.apikey_id ?? null;
    if (apikeyId !== null && !(await this.status.apiKeyUsable(apikeyId, claims.iam_id))) return undefined;
    return {
      kind: state.kind,
      iamId: claims.iam_id,
      accountId: state.accountId,
      name: state.name,
      email: state.email,
      isAccountAdmin: state.isAccountAdmin,
      credential: { type: 'iam_token', apikeyId, expiresAt: claims.exp },
    };
  }
}

/** The token in an Authorization header: `Bearer <t>` (any case) or the bare token. */
export function bearerValue(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  const value = authorization.trim();
  const match = /^bearer\s+(.+)$/i.exec(value);
  const token = (match ? match[1] : value)?.trim();
  return token === undefined || token === '' || /\s/.test(token) ? undefined : token;
}
