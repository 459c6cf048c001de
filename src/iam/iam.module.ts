import { AuditRepository } from '../platform/audit/audit.repository.js';
import { AuditService } from '../platform/audit/audit.service.js';
import type { ChangeFeed } from '../platform/change-feed.js';
import type { Clock } from '../platform/clock.js';
import type { Keyring } from '../platform/crypto/keyring.js';
import type { Random } from '../platform/crypto/random.js';
import type { Db } from '../platform/db/schema.js';
import { AccountsRepository } from './accounts/accounts.repository.js';
import { AccountsService } from './accounts/accounts.service.js';
import { ApiKeysRepository } from './api-keys/api-keys.repository.js';
import { ApiKeysService } from './api-keys/api-keys.service.js';
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
import { TokenService } from './tokens/token.service.js';
import { UsersRepository } from './users/users.repository.js';
import { SigninFailuresRepository } from './users/signin-failures.repository.js';
import { SignInLockout } from './users/signin-lockout.js';
import { UsersService } from './users/users.service.js';

export interface IamDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly random: Random;
  readonly keyring: Keyring;
  readonly feed: ChangeFeed;
  readonly publicUrl: string;
  /** Token endpoint rate limits; see TokenService. */
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
  readonly tokenRateLimits: TokenRateLimits;
}

/** Builds the IAM services over one database. Call `signingKeys.init()` before issuing tokens. */
export function createIam(deps: IamDeps): Iam {
  const repositories = {
    accounts: new AccountsRepository(deps.db),
    users: new UsersRepository(deps.db),
    serviceIds: new ServiceIdsRepository(deps.db),
    apiKeys: new ApiKeysRepository(deps.db),
    policies: new PoliciesRepository(deps.db),
  };
  const audit = new AuditService(new AuditRepository(deps.db), deps.clock, deps.random);
  const decisions = new Decisions(repositories.policies, deps.clock, deps.feed);
  const rights = new Rights(decisions);
  const ctx: IamContext = {
    db: deps.db,
    clock: deps.clock,
    random: deps.random,
    keyring: deps.keyring,
    feed: deps.feed,
    audit,
    decisions,
    rights,
    signInLockout: new SignInLockout(new SigninFailuresRepository(deps.db), deps.clock, audit),
    publicUrl: deps.publicUrl,
    repositories,
  };
  const signingKeys = new SigningKeys(new SigningKeysRepository(deps.db), deps.keyring, deps.clock, deps.random);
  const accessTokens = new AccessTokens(signingKeys, deps.clock, deps.random, deps.publicUrl);
  const subjectStatus = new SubjectStatus(
    repositories.users,
    repositories.serviceIds,
    repositories.apiKeys,
    deps.clock,
    deps.feed,
  );
  const tokenRateLimits = deps.tokenRateLimits ?? DEFAULT_TOKEN_RATE_LIMITS;
  const sessions = new SessionsService(ctx, new SessionsRepository(deps.db), subjectStatus, tokenRateLimits);
  return {
    ctx,
    accounts: new AccountsService(ctx),
    users: new UsersService(ctx, sessions),
    apiKeys: new ApiKeysService(ctx),
    serviceIds: new ServiceIdsService(ctx),
    policies: new PoliciesService(ctx),
    decisions,
    rights,
    signingKeys,
    accessTokens,
    tokens: new TokenService(ctx, accessTokens, signingKeys, tokenRateLimits),
    subjectStatus,
    authenticator: new IamAuthenticator(accessTokens, subjectStatus),
    sessions,
    tokenRateLimits,
  };
}
