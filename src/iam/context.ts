import type { AuditService } from '../platform/audit/audit.service.js';
import type { ChangeFeed } from '../platform/change-feed.js';
import type { Clock } from '../platform/clock.js';
import type { Keyring } from '../platform/crypto/keyring.js';
import type { Random } from '../platform/crypto/random.js';
import type { Db } from '../platform/db/schema.js';
import type { AccountsRepository } from './accounts/accounts.repository.js';
import type { ApiKeysRepository } from './api-keys/api-keys.repository.js';
import type { Decisions } from './policies/decision.js';
import type { PoliciesRepository } from './policies/policies.repository.js';
import type { Rights } from './rights/rights.js';
import type { SignInLockout } from './users/signin-lockout.js';
import type { ServiceIdsRepository } from './service-ids/service-ids.repository.js';
import type { UsersRepository } from './users/users.repository.js';

/** What every IAM service is given: storage, side effects and the shared pieces. */
export interface IamContext {
  readonly db: Db;
  readonly clock: Clock;
  readonly random: Random;
  readonly keyring: Keyring;
  readonly feed: ChangeFeed;
  readonly audit: AuditService;
  readonly decisions: Decisions;
  readonly rights: Rights;
  /** Failed password sign-ins per account (the password grant and the console). */
  readonly signInLockout: SignInLockout;
  /** Base URL clients reach vigil at (paging links, token issuer). */
  readonly publicUrl: string;
  readonly repositories: {
    readonly accounts: AccountsRepository;
    readonly users: UsersRepository;
    readonly serviceIds: ServiceIdsRepository;
    readonly apiKeys: ApiKeysRepository;
    readonly policies: PoliciesRepository;
  };
}
