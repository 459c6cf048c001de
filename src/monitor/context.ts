import type { AuditService } from '../platform/audit/audit.service.js';
import type { ChangeFeed } from '../platform/change-feed.js';
import type { Clock } from '../platform/clock.js';
import type { Keyring } from '../platform/crypto/keyring.js';
import type { Random } from '../platform/crypto/random.js';
import type { Db } from '../platform/db/schema.js';
import type { IamPort } from './iam-port.js';
import type { InstancesRepository } from './instances/instances.repository.js';
import type { TeamsRepository } from './teams/teams.repository.js';
import type { MonitorTokensRepository } from './tokens/monitor-tokens.repository.js';
import type { MonitorUsersRepository } from './users/monitor-users.repository.js';

/** What every monitoring service is given. */
export interface MonitorContext {
  readonly db: Db;
  readonly clock: Clock;
  readonly random: Random;
  readonly keyring: Keyring;
  readonly feed: ChangeFeed;
  readonly audit: AuditService;
  readonly iam: IamPort;
  readonly publicUrl: string;
  readonly repositories: {
    readonly instances: InstancesRepository;
    readonly teams: TeamsRepository;
    readonly users: MonitorUsersRepository;
    readonly tokens: MonitorTokensRepository;
  };
}

/** Change-feed topics of the monitoring domain; any of them empties the principal cache of every process. */
export const MONITOR_TOPICS = {
  token: 'monitor-token',
  team: 'monitor-team',
  membership: 'monitor-membership',
  instance: 'monitor-instance',
  user: 'monitor-user',
} as const;
