import type { Platform } from '../platform/platform.js';
import { MonitorAccess } from './auth/access.js';
import { MonitorAuthenticator } from './auth/monitor-authenticator.js';
import { MonitorRights } from './auth/monitor-rights.js';
import type { MonitorContext } from './context.js';
import type { IamPort } from './iam-port.js';
import { InstancesRepository } from './instances/instances.repository.js';
import { InstancesService } from './instances/instances.service.js';
import { TeamsRepository } from './teams/teams.repository.js';
import { TeamsService } from './teams/teams.service.js';
import { MonitorTokensRepository } from './tokens/monitor-tokens.repository.js';
import { MonitorTokensService } from './tokens/monitor-tokens.service.js';
import { MonitorTokenRefusals } from './tokens/token-refusals.js';
import { MonitorUsersRepository } from './users/monitor-users.repository.js';
import { MonitorUsersService } from './users/monitor-users.service.js';
import { Provisioner } from './users/provisioning.js';

/** The monitoring service, assembled. */
export interface Monitor {
  readonly ctx: MonitorContext;
  readonly access: MonitorAccess;
  /** Monitoring's part of a subject's rights, for IAM's rights(target) ⊆ rights(actor) (registered by app.ts). */
  readonly rights: MonitorRights;
  readonly provisioner: Provisioner;
  readonly authenticator: MonitorAuthenticator;
  readonly instances: InstancesService;
  readonly teams: TeamsService;
  readonly users: MonitorUsersService;
  readonly tokens: MonitorTokensService;
}

/**
 * Monitoring's one wiring place: builds every repository and service over the platform's shared dependencies and the
 * narrow port to IAM, and connects them to the change feed. Services and routes build nothing themselves.
 */
export function createMonitor(platform: Platform, iam: IamPort): Monitor {
  const { db, feed } = platform;
  const ctx: MonitorContext = {
    ...platform,
    iam,
    repositories: {
      instances: new InstancesRepository(db),
      teams: new TeamsRepository(db),
      users: new MonitorUsersRepository(db),
      tokens: new MonitorTokensRepository(db),
    },
  };
  const access = new MonitorAccess(ctx);
  const provisioner = new Provisioner(ctx);
  const authenticator = new MonitorAuthenticator(ctx, access, provisioner, new MonitorTokenRefusals(ctx));
  // A reset token, a changed membership or policy: every process drops the principals it cached.
  feed.subscribe((change) => authenticator.onChange(change));
  return {
    ctx,
    access,
    rights: new MonitorRights(ctx, access),
    provisioner,
    authenticator,
    instances: new InstancesService(ctx, access),
    teams: new TeamsService(ctx, access),
    users: new MonitorUsersService(ctx, access),
    tokens: new MonitorTokensService(ctx, access),
  };
}
