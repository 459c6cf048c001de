import type { Platform } from '../platform/platform.js';
import type { AccountsRepository } from './accounts/accounts.repository.js';
import type { ApiKeysRepository } from './api-keys/api-keys.repository.js';
import type { Decisions } from './policies/decision.js';
import type { PoliciesRepository } from './policies/policies.repository.js';
import type { Rights } from './rights/rights.js';
import type { ServiceIdsRepository } from './service-ids/service-ids.repository.js';
import type { SignInLockout } from './users/signin-lockout.js';
import type { UsersRepository } from './users/users.repository.js';

/** What every IAM service is given: the platform's shared dependencies and IAM's own shared pieces. */
export interface IamContext extends Platform {
  readonly decisions: Decisions;
  readonly rights: Rights;
  /** Failed password sign-ins per account (the password grant and the console). */
  readonly signInLockout: SignInLockout;
  readonly repositories: {
    readonly accounts: AccountsRepository;
    readonly users: UsersRepository;
    readonly serviceIds: ServiceIdsRepository;
    readonly apiKeys: ApiKeysRepository;
    readonly policies: PoliciesRepository;
  };
}
