import type { Subject } from '../../iam/auth/principal.js';
import { ACTIONS } from '../../iam/policies/roles.js';
import type { MonitorInstanceRow, MonitorTeamRow } from '../../platform/db/schema.js';
import type { MonitorContext } from '../context.js';
import { higherRole, isTeamRole, MONITOR_SERVICE, type TeamRole } from '../roles.js';

/**
 * Who may do what in an instance, from both sources of access: IAM policies on `sysdig-monitor` (Reader →
 * ROLE_TEAM_READ, Writer → ROLE_TEAM_EDIT, Manager or Administrator → instance administrator; a `sysdigTeam`
 * attribute limits a policy to one team, and a policy without it covers every team of the instance) and memberships
 * set through the Sysdig API. The effective team role is the higher of the two; an instance administrator is
 * ROLE_TEAM_MANAGER everywhere. Account administrators administer every instance of their account.
 */
export class MonitorAccess {
  constructor(private readonly ctx: MonitorContext) {}

  async isInstanceAdmin(subject: Subject, instance: MonitorInstanceRow): Promise<boolean> {
    if (subject.accountId !== instance.account_id) return false;
    return this.ctx.iam.isAllowed(subject, ACTIONS.monitor.admin, {
      accountId: instance.account_id,
      serviceName: MONITOR_SERVICE,
      serviceInstance: instance.guid,
    });
  }

  /** The subject's effective role in a team, or null when they have none. */
  async teamRole(
    subject: Subject,
    team: MonitorTeamRow,
    instance: MonitorInstanceRow,
    monitorUserId: number | null,
    instanceAdmin?: boolean,
  ): Promise<TeamRole | null> {
    if (subject.accountId !== instance.account_id || team.instance_guid !== instance.guid) return null;
    if (instanceAdmin ?? (await this.isInstanceAdmin(subject, instance))) return 'ROLE_TEAM_MANAGER';
    const policyRole = await this.policyRole(subject, team, instance);
    let membershipRole: TeamRole | null = null;
    if (monitorUserId !== null) {
      const memberships = await this.ctx.repositories.users.membershipsOfUser(monitorUserId);
      const role = memberships.find((m) => m.team_id === team.id)?.role;
      membershipRole = isTeamRole(role) ? role : null;
    }
    return higherRole(policyRole, membershipRole);
  }

  /** Every team of the instance in which the subject has a role, with that role, by team id. */
  async teamsOf(
    subject: Subject,
    instance: MonitorInstanceRow,
    monitorUserId: number | null,
  ): Promise<{ team: MonitorTeamRow; role: TeamRole }[]> {
    const admin = await this.isInstanceAdmin(subject, instance);
    const teams = await this.ctx.repositories.teams.listForInstance(instance.guid);
    const result: { team: MonitorTeamRow; role: TeamRole }[] = [];
    for (const team of teams) {
      const role = await this.teamRole(subject, team, instance, monitorUserId, admin);
      if (role !== null) result.push({ team, role });
    }
    return result;
  }

  private async policyRole(
    subject: Subject,
    team: MonitorTeamRow,
    instance: MonitorInstanceRow,
  ): Promise<TeamRole | null> {
    const resource = {
      accountId: instance.account_id,
      serviceName: MONITOR_SERVICE,
      serviceInstance: instance.guid,
      sysdigTeam: String(team.id),
    };
    if (await this.ctx.iam.isAllowed(subject, ACTIONS.monitor.admin, resource)) return 'ROLE_TEAM_MANAGER';
    if (await this.ctx.iam.isAllowed(subject, ACTIONS.monitor.user, resource)) return 'ROLE_TEAM_EDIT';
    if (await this.ctx.iam.isAllowed(subject, ACTIONS.monitor.viewer, resource)) return 'ROLE_TEAM_READ';
    return null;
  }
}
