import type { Platform } from '../platform/platform.js';
import type { IamPort } from './iam-port.js';
import type { InstancesRepository } from './instances/instances.repository.js';
import type { TeamsRepository } from './teams/teams.repository.js';
import type { MonitorTokensRepository } from './tokens/monitor-tokens.repository.js';
import type { MonitorUsersRepository } from './users/monitor-users.repository.js';

/** What every monitoring service is given: the platform's shared dependencies, IAM through its port, repositories. */
export interface MonitorContext extends Platform {
  readonly iam: IamPort;
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
