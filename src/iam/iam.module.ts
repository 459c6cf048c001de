import type { Platform } from '../platform/platform.js';
import { AccountsRepository } from './accounts/accounts.repository.js';
import { AccountsService } from './accounts/accounts.service.js';
import { ApiKeysRepository } from './api-keys/api-keys.repository.js';
import { ApiKeysService } from './api-keys/api-keys.service.js';
import { AuditLogService } from './audit/audit-log.service.js';
import { IamAuthenticator } from './auth/authenticator.js';
import { SubjectStatus } from './auth/subject-status.js';
import type { IamContext } from './context.js';
import { Decisions } from './policies/decision.js';
import { Rights } from './rights/rights.js';
import { PoliciesRepository } from './policies/policies.repository.js';
import { PoliciesService } from './policies/policies.service.js';
import { ServiceIdsRepository } from './service-ids/service-ids.repository.js';
import { ServiceIdsService } from './service-ids/service-ids.service.js';
import { AccessTokens } from './tokens/access-tokens.js';
import { SessionsRepository } from './sessions/sessions.repository.js';
import { SessionsService } from './sessions/sessions.service.js';
import { SigningKeysRepository } from './tokens/signing-keys.repository.js';
import { SigningKeys } from './tokens/signing-keys.service.js';
import { DEFAULT_TOKEN_RATE_LIMITS, type TokenRateLimits } from './tokens/rate-limits.js';
import { APIKEY_GRANT, ApiKeyGrant } from './tokens/grants/apikey.grant.js';
import type { Grant } from './tokens/grants/grant.js';
import { PASSWORD_GRANT, PasswordGrant } from './tokens/grants/password.grant.js';
import { REFRESH_TOKEN_GRANT, RefreshTokenGrant } from './tokens/grants/refresh-token.grant.js';
import { KeyActivity } from './tokens/key-activity.js';
import { KeyActivityRepository } from './tokens/key-activity.repository.js';
import { credentialLimiter, TokenBuckets } from './tokens/rate-limiter.js';
import { RefreshTokensRepository } from './tokens/refresh-tokens.repository.js';
import { SIGNING_KEYS_TOPIC, SigningKeysAdmin } from './tokens/signing-keys.admin.js';
import { TokenSubjectsRepository } from './tokens/token-subjects.repository.js';
import { TokenService } from './tokens/token.service.js';
import { UsersRepository } from './users/users.repository.js';
import { SigninFailuresRepository } from './users/signin-failures.repository.js';
import { SignInLockout } from './users/signin-lockout.js';
import { UsersService } from './users/users.service.js';

/** What IAM adds to the platform's shared dependencies. */
export interface IamOptions {
  /** Token endpoint and console sign-in rate limits (DEFAULT_TOKEN_RATE_LIMITS unless a test sets its own). */
  readonly tokenRateLimits?: TokenRateLimits;
}

/** The IAM service, assembled: what routes and other domains (monitor) use. */
export interface Iam {
  readonly ctx: IamContext;
  readonly accounts: AccountsService;
  readonly users: UsersService;
  readonly apiKeys: ApiKeysService;
  readonly serviceIds: ServiceIdsService;
  readonly policies: PoliciesService;
  readonly decisions: Decisions;
  /** rights(target) ⊆ rights(actor), for every route that hands out a credential. */
  readonly rights: Rights;
  readonly signingKeys: SigningKeys;
  readonly accessTokens: AccessTokens;
  readonly tokens: TokenService;
  readonly subjectStatus: SubjectStatus;
  readonly authenticator: IamAuthenticator;
  readonly sessions: SessionsService;
  readonly auditLog: AuditLogService;
  readonly signingKeysAdmin: SigningKeysAdmin;
  readonly tokenRateLimits: TokenRateLimits;
}

/**
 * IAM's one wiring place: builds every repository and service over the platform's shared dependencies and connects
 * them to the change feed. Services and routes build nothing themselves. Call `signingKeys.init()` before issuing
 * tokens.
 */
export function createIam(platform: Platform, options: IamOptions = {}): Iam {
  const { db, clock, random, keyring, feed, audit, publicUrl } = platform;
  const repositories = {
    accounts: new AccountsRepository(db),
    users: new UsersRepository(db),
    serviceIds: new ServiceIdsRepository(db),
    apiKeys: new ApiKeysRepository(db),
    policies: new PoliciesRepository(db),
  };
  const decisions = new Decisions(repositories.policies, clock);
  const rights = new Rights(decisions);
  const ctx: IamContext = {
    ...platform,
    decisions,
    rights,
    signInLockout: new SignInLockout(new SigninFailuresRepository(db), clock, audit),
    repositories,
  };
  const signingKeys = new SigningKeys(new SigningKeysRepository(db), keyring, clock, random);
  const accessTokens = new AccessTokens(signingKeys, clock, random, publicUrl);
  const subjectStatus = new SubjectStatus(repositories.users, repositories.serviceIds, repositories.apiKeys, clock);
  const tokenRateLimits = options.tokenRateLimits ?? DEFAULT_TOKEN_RATE_LIMITS;

  // The token endpoint and the console sign-in each have their own budgets; both grant passwords the same way.
  const subjects = new TokenSubjectsRepository(db);
  const refreshTokens = new RefreshTokensRepository(db);
  const tokenLimit = credentialLimiter(new TokenBuckets(tokenRateLimits.perKey, clock));
  const tokens = new TokenService(ctx, accessTokens, signingKeys, {
    perIp: new TokenBuckets(tokenRateLimits.perIp, clock),
    refreshTokens,
    activity: new KeyActivity(new KeyActivityRepository(db), clock, (error) =>
      platform.reportError(error, 'write API-key activity'),
    ),
    grants: new Map<string, Grant>([
      [APIKEY_GRANT, new ApiKeyGrant(subjects, keyring, clock, tokenLimit)],
      [REFRESH_TOKEN_GRANT, new RefreshTokenGrant(subjects, refreshTokens, keyring, clock, tokenLimit)],
      [PASSWORD_GRANT, new PasswordGrant(subjects, keyring, tokenLimit, ctx.signInLockout)],
    ]),
  });
  const sessions = new SessionsService(ctx, new SessionsRepository(db), subjectStatus, {
    perIp: new TokenBuckets(tokenRateLimits.perIp, clock),
    password: new PasswordGrant(
      subjects,
      keyring,
      credentialLimiter(new TokenBuckets(tokenRateLimits.perKey, clock)),
      ctx.signInLockout,
    ),
  });
  const accounts = new AccountsService(ctx);

  // Every process drops what it cached when another one (or itself) announces a change.
  feed.subscribe((change) => {
    decisions.onChange(change);
    subjectStatus.onChange(change);
    // Another process rotated the signing keys: sign with the new one from now on.
    if (change.topic === SIGNING_KEYS_TOPIC) {
      signingKeys.refresh().catch((error: unknown) => platform.reportError(error, 'refresh the signing keys'));
    }
  });

  return {
    ctx,
    accounts,
    users: new UsersService(ctx, sessions),
    apiKeys: new ApiKeysService(ctx),
    serviceIds: new ServiceIdsService(ctx),
    policies: new PoliciesService(ctx),
    decisions,
    rights,
    signingKeys,
    accessTokens,
    tokens,
    subjectStatus,
    authenticator: new IamAuthenticator(accessTokens, subjectStatus),
    sessions,
    auditLog: new AuditLogService(ctx),
    signingKeysAdmin: new SigningKeysAdmin(ctx, signingKeys, accounts),
    tokenRateLimits,
  };
}
