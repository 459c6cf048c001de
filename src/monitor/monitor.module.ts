import type { Iam } from '../iam/iam.module.js';
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
import { MonitorUsersRepository } from './users/monitor-users.repository.js';
import { MonitorUsersService } from './users/monitor-users.service.js';
import { Provisioner } from './users/provisioning.js';

/** The monitoring service, assembled. */
export interface Monitor {
  readonly ctx: MonitorContext;
  readonly access: MonitorAccess;
  readonly provisioner: Provisioner;
  readonly authenticator: MonitorAuthenticator;
  readonly instances: InstancesService;
  readonly teams: TeamsService;
  readonly users: MonitorUsersService;
  readonly tokens: MonitorTokensService;
}

/** The narrow IAM interface monitoring uses, over the in-process IAM service. */
export function iamPortOf(iam: Iam): IamPort {
  return {
    authenticate: (authorization) => iam.authenticator.authenticate(authorization),
    isAllowed: (subject, action, resource) => iam.decisions.isAllowed(subject, action, resource),
    subject: (iamId) => iam.subjectStatus.subject(iamId),
    rightsNotHeld: (actor, target, scope) => iam.rights.notHeldBy(actor, target, scope),
    inviteUser: (invitation, origin) => iam.users.invite(invitation, origin),
  };
}

/** Builds the monitoring services over the same database, side effects and audit log as IAM. */
export function createMonitor(iam: Iam): Monitor {
  const { db, clock, random, keyring, feed, audit, publicUrl } = iam.ctx;
  const ctx: MonitorContext = {
    db,
    clock,
    random,
    keyring,
    feed,
    audit,
    publicUrl,
    iam: iamPortOf(iam),
    repositories: {
      instances: new InstancesRepository(db),
      teams: new TeamsRepository(db),
      users: new MonitorUsersRepository(db),
      tokens: new MonitorTokensRepository(db),
    },
  };
  const access = new MonitorAccess(ctx);
  // Monitoring's rights (team roles from memberships, instances) count when IAM compares two subjects' rights.
  iam.rights.register(new MonitorRights(ctx, access));
  const provisioner = new Provisioner(ctx);
  return {
    ctx,
    access,
    provisioner,
    authenticator: new MonitorAuthenticator(ctx, access, provisioner),
    instances: new InstancesService(ctx),
    teams: new TeamsService(ctx),
    users: new MonitorUsersService(ctx),
    tokens: new MonitorTokensService(ctx),
  };
}
