import { isoAt, type Clock } from '../../../platform/clock.js';
import type { Keyring } from '../../../platform/crypto/keyring.js';
import { isWellFormedSecret } from '../../../platform/crypto/secret-token.js';
import type { RefreshTokenRow } from '../../../platform/db/schema.js';
import { tokenErrors } from '../../errors.js';
import type { TokenSubject } from '../access-tokens.js';
import type { RefreshTokensRepository } from '../refresh-tokens.repository.js';
import type { TokenSubjectsRepository } from '../token-subjects.repository.js';
import {
  GrantFailure,
  type ClientId,
  type CredentialLimiter,
  type FailureContext,
  type Grant,
  type GrantRequest,
  type GrantResult,
} from './grant.js';
import { hasPassed, serviceIdSubject, userSubject } from './subjects.js';

export const REFRESH_TOKEN_GRANT = 'refresh_token';

/**
 * `grant_type=refresh_token`: a refresh token for a new access token and a new refresh token. Refresh tokens are
 * single use and rotated: a used token is refused, and presenting one again revokes its whole family, since one of
 * its holders is not its owner (OAuth 2.0 Security BCP, refresh token rotation). The request must come from the
 * client the token was issued to, and the subject (and the API key it started from) must still be allowed to act.
 */
export class RefreshTokenGrant implements Grant {
  constructor(
    private readonly subjects: TokenSubjectsRepository,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly keyring: Keyring,
    private readonly clock: Clock,
    private readonly limit: CredentialLimiter,
  ) {}

  async run({ form, client }: GrantRequest): Promise<GrantResult> {
    const value = form.refresh_token;
    if (value === undefined || value === '') {
      throw new GrantFailure(tokenErrors.missingProperty('refresh_token'), 'missing_refresh_token');
    }
    const index = this.keyring.index(value);
    this.limit(index);
    if (!isWellFormedSecret('refreshToken', value)) throw invalid('refresh_token_malformed');
    const row = await this.refreshTokens.findByHash(index);
    if (!row) throw invalid('refresh_token_unknown');
    const context: FailureContext = {
      accountId: row.account_id,
      actorIamId: row.iam_id,
      target: { type: 'refresh_token', id: row.family_id },
    };
    const now = this.clock.now();
    if (row.revoked !== 0) throw invalid('refresh_token_revoked', context);
    if (row.used_at !== null) return this.reused(row, context);
    if (hasPassed(row.expires_at, now)) {
      throw new GrantFailure(tokenErrors.expiredRefreshToken(), 'refresh_token_expired', context);
    }
    if (row.client_id !== client) throw new GrantFailure(tokenErrors.invalidClient(), 'client_mismatch', context);
    if (!(await this.refreshTokens.claim(index, isoAt(now)))) return this.reused(row, context);
    const subject = await this.activeSubject(row, now);
    if (!subject) {
      await this.refreshTokens.revokeFamily(row.family_id);
      throw invalid('subject_inactive', context);
    }
    return {
      subject,
      grantType: REFRESH_TOKEN_GRANT,
      clientId: row.client_id as ClientId,
      apikeyId: row.apikey_id,
      refreshable: true,
      familyId: row.family_id,
      target: { type: 'refresh_token', id: row.family_id },
    };
  }

  private async reused(row: RefreshTokenRow, context: FailureContext): Promise<never> {
    await this.refreshTokens.revokeFamily(row.family_id);
    throw invalid('refresh_token_reused', context);
  }

  /** The token's subject if it may still act, and if the API key it came from (if any) still may, too. */
  private async activeSubject(row: RefreshTokenRow, now: number): Promise<TokenSubject | undefined> {
    if (row.apikey_id !== null) {
      const key = await this.subjects.findApiKeyById(row.apikey_id);
      if (!key || key.disabled !== 0 || key.iam_id !== row.iam_id || hasPassed(key.expires_at, now)) return undefined;
    }
    if (row.iam_id.startsWith('iam-ServiceId-')) {
      const sid = await this.subjects.findServiceId(row.iam_id);
      return sid && sid.account_id === row.account_id ? serviceIdSubject(sid) : undefined;
    }
    const user = await this.subjects.findUser(row.iam_id);
    return user && user.state === 'ACTIVE' && user.account_id === row.account_id ? userSubject(user) : undefined;
  }
}

function invalid(reason: string, context: FailureContext = {}): GrantFailure {
  return new GrantFailure(tokenErrors.invalidRefreshToken(), reason, context);
}
