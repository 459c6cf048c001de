import type { RequestOrigin } from '../../platform/audit/audit.service.js';
import { isoAt } from '../../platform/clock.js';
import { generateSecret } from '../../platform/crypto/secret-token.js';
import type { IamContext } from '../context.js';
import { tokenErrors } from '../errors.js';
import type { AccessTokens } from './access-tokens.js';
import { clientFromAuthorization } from './client-credentials.js';
import { APIKEY_GRANT } from './grants/apikey.grant.js';
import { GrantFailure, type Grant, type GrantResult } from './grants/grant.js';
import type { KeyActivity } from './key-activity.js';
import type { TokenBuckets } from './rate-limiter.js';
import type { RefreshTokensRepository } from './refresh-tokens.repository.js';
import type { SigningKeys } from './signing-keys.service.js';
import type { TokenForm, TokenResponse } from './token.schema.js';

const REFUSAL_AUDIT_INTERVAL_MS = 60_000;
const REFRESH_TOKEN_TTL_MS = 30 * 24 * 3600 * 1000;
const TOKEN_SCOPE = 'ibm openid';

/** A token request as the route hands it over: the form, the Authorization header and where it came from. */
export interface TokenRequest {
  readonly form: TokenForm;
  readonly authorization: string | undefined;
  readonly origin: RequestOrigin;
}

/**
 * The token endpoint's rules (POST /identity/token): rate limits per client IP and per credential, client
 * credentials, the three grants, access and refresh token issuance, API-key activity, and an audit entry for every
 * request, granted or not. Failures surface as the token catalog's errors; their precise reason goes to the audit log
 * only.
 */
/** What the token endpoint works with, built by createIam. */
export interface TokenServiceParts {
  /** Requests per client address. */
  readonly perIp: TokenBuckets;
  /** The grants by `grant_type`, each with its per-credential limit. */
  readonly grants: ReadonlyMap<string, Grant>;
  readonly refreshTokens: RefreshTokensRepository;
  readonly activity: KeyActivity;
}

export class TokenService {
  private readonly perIp: TokenBuckets;
  private readonly refreshTokens: RefreshTokensRepository;
  private readonly activity: KeyActivity;
  private readonly grants: ReadonlyMap<string, Grant>;
  private readonly refusalsAudited = new Map<string, number>();

  constructor(
    private readonly ctx: IamContext,
    private readonly accessTokens: AccessTokens,
    private readonly signingKeys: SigningKeys,
    parts: TokenServiceParts,
  ) {
    this.perIp = parts.perIp;
    this.refreshTokens = parts.refreshTokens;
    this.activity = parts.activity;
    this.grants = parts.grants;
  }

  /** The `grant_type`s the endpoint accepts (OIDC discovery lists them). */
  grantTypes(): string[] {
    return [...this.grants.keys()];
  }

  /**
   * Spends one request of the client IP's budget. Called before the body is read, so that floods of any kind (huge
   * bodies, garbage, wrong keys) are counted; throws 429 with Retry-After when the budget is spent.
   */
  async admit(origin: RequestOrigin): Promise<void> {
    const ip = origin.ip ?? 'unknown';
    const wait = this.perIp.take(ip);
    if (wait === 0) return;
    const failure = new GrantFailure(tokenErrors.tooManyRequests(wait), 'rate_limited_ip', { throttled: `ip:${ip}` });
    await this.recordFailure(failure, undefined, origin);
    throw tokenErrors.tooManyRequests(wait);
  }

  /** Exchanges a credential for an access token (and, where the client may have one, a refresh token). */
  async exchange(request: TokenRequest): Promise<TokenResponse> {
    const grantType = request.form.grant_type;
    try {
      const client = clientFromAuthorization(request.authorization);
      if (client === undefined) throw new GrantFailure(tokenErrors.invalidClient(), 'invalid_client');
      if (grantType === undefined || grantType === '') {
        throw new GrantFailure(tokenErrors.missingProperty('grant_type'), 'missing_grant_type');
      }
      const grant = this.grants.get(grantType);
      if (!grant) throw new GrantFailure(tokenErrors.unsupportedGrant(grantType.slice(0, 100)), 'unsupported_grant');
      const result = await grant.run({ form: request.form, client, origin: request.origin });
      const response = await this.issue(result);
      await this.recordSuccess(result, request.origin);
      if (result.apikeyId !== null && result.grantType === APIKEY_GRANT) await this.activity.record(result.apikeyId);
      return response;
    } catch (error) {
      if (!(error instanceof GrantFailure)) throw error;
      await this.recordFailure(error, grantType, request.origin);
      throw error.error;
    }
  }

  /** Writes pending API-key activity (on shutdown). */
  async close(): Promise<void> {
    await this.activity.close();
  }

  /** Writes API-key activity whose minute has passed (the periodic sweep does this too). */
  async flushActivity(): Promise<void> {
    await this.activity.flush();
  }

  private async issue(result: GrantResult): Promise<TokenResponse> {
    await this.signingKeys.refreshIfStale();
    const { token, claims } = await this.accessTokens.issue(result.subject, {
      grantType: result.grantType,
      clientId: result.clientId,
      scope: TOKEN_SCOPE,
      apikeyId: result.apikeyId,
    });
    return {
      access_token: token,
      refresh_token: result.refreshable ? await this.newRefreshToken(result) : 'not_supported',
      token_type: 'Bearer',
      expires_in: claims.exp - claims.iat,
      expiration: claims.exp,
      scope: TOKEN_SCOPE,
    };
  }

  private async newRefreshToken(result: GrantResult): Promise<string> {
    const { clock, keyring, random } = this.ctx;
    const value = generateSecret('refreshToken', random);
    const now = clock.now();
    await this.refreshTokens.insert({
      token_hash: keyring.index(value),
      family_id: result.familyId ?? random.uuid(),
      account_id: result.subject.accountId,
      iam_id: result.subject.iamId,
      apikey_id: result.apikeyId,
      client_id: result.clientId,
      scope: TOKEN_SCOPE,
      created_at: isoAt(now),
      expires_at: isoAt(now + REFRESH_TOKEN_TTL_MS),
      used_at: null,
      revoked: 0,
    });
    return value;
  }

  /** True for the first rate-limit refusal of a key in a minute (bounded memory: forgets everything when full). */
  private firstRefusalThisMinute(key: string): boolean {
    const now = this.ctx.clock.now();
    const last = this.refusalsAudited.get(key);
    if (last !== undefined && now - last < REFUSAL_AUDIT_INTERVAL_MS) return false;
    if (this.refusalsAudited.size >= 10_000) this.refusalsAudited.clear();
    this.refusalsAudited.set(key, now);
    return true;
  }

  private async recordSuccess(result: GrantResult, origin: RequestOrigin): Promise<void> {
    await this.ctx.audit.record(
      {
        accountId: result.subject.accountId,
        action: 'token.issue',
        actorIamId: result.subject.iamId,
        targetType: result.target.type,
        targetId: result.target.id,
        details: { grant_type: result.grantType, client_id: result.clientId, apikey_id: result.apikeyId },
      },
      origin,
    );
  }

  private async recordFailure(
    failure: GrantFailure,
    grantType: string | undefined,
    origin: RequestOrigin,
  ): Promise<void> {
    const { context } = failure;
    if (context.throttled !== undefined && !this.firstRefusalThisMinute(context.throttled)) return;
    await this.ctx.audit.record(
      {
        accountId: context.accountId ?? null,
        action: 'token.failure',
        outcome: 'failure',
        actorIamId: context.actorIamId ?? null,
        ...(context.target ? { targetType: context.target.type, targetId: context.target.id } : {}),
        details: {
          reason: failure.reason,
          grant_type: grantType === undefined ? null : grantType.slice(0, 100),
          error_code: failure.error.extra.messageCode ?? null,
        },
      },
      origin,
    );
  }
}
