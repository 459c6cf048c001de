import type { Subject } from '../../iam/auth/principal.js';
import type { ResourceAttributes } from '../../iam/policies/decision.js';
import { ACTIONS } from '../../iam/policies/roles.js';
import type { Right, RightsScope, RightsSource } from '../../iam/rights/rights.js';
import type { MonitorInstanceRow } from '../../platform/db/schema.js';
import type { MonitorContext } from '../context.js';
import { MONITOR_SERVICE, TEAM_ROLES, roleRank } from '../roles.js';
import type { MonitorAccess } from './access.js';

// Resources no policy names exactly: a policy that matches them also covers instances and teams created later.
const LATER_INSTANCE = '(an instance created later)';
const LATER_TEAM = '(a team created later)';

// Strongest first: a refusal names the first few rights the actor lacks.
const LAUNCH = [ACTIONS.monitor.admin, ACTIONS.monitor.user, ACTIONS.monitor.viewer] as const;
const PLATFORM = [ACTIONS.monitor.instanceManage, ACTIONS.monitor.instanceRead] as const;

/**
 * Monitoring's part of a subject's rights ({@link RightsSource}): what `sysdig-monitor` policies allow on the service,
 * on each instance of the account and on instances created later, and the subject's effective role in every team
 * (policies and memberships together, as requests see it, so the same role from either source is the same right),
 * including teams created later. In the scope of one instance (a Monitor API token) only what the Monitor API lets a
 * token do there counts: the launch actions and team roles, not the platform actions of `/v1/instances`.
 */
export class MonitorRights implements RightsSource {
  constructor(
    private readonly ctx: MonitorContext,
    private readonly access: MonitorAccess,
  ) {}

  async rightsOf(subject: Subject, scope: RightsScope): Promise<readonly Right[]> {
    const rights: Right[] = [];
    const service = { accountId: subject.accountId, serviceName: MONITOR_SERVICE };
    let instances: MonitorInstanceRow[];
    if (scope.kind === 'account') {
      await this.allowed(subject, [...LAUNCH, ...PLATFORM], service, rights, 'sysdig-monitor', 'on sysdig-monitor');
      await this.allowed(
        subject,
        [...LAUNCH, ...PLATFORM],
        { ...service, serviceInstance: LATER_INSTANCE },
        rights,
        'sysdig-monitor/*',
        'on monitoring instances created later',
      );
      instances = await this.ctx.repositories.instances.listForAccount(subject.accountId);
    } else {
      const instance = await this.ctx.repositories.instances.findByGuid(scope.instanceGuid);
      instances = instance && instance.account_id === subject.accountId ? [instance] : [];
    }
    for (const instance of instances) await this.instanceRights(subject, instance, scope, rights);
    return rights;
  }

  private async instanceRights(
    subject: Subject,
    instance: MonitorInstanceRow,
    scope: RightsScope,
    rights: Right[],
  ): Promise<void> {
    const resource = { accountId: instance.account_id, serviceName: MONITOR_SERVICE, serviceInstance: instance.guid };
    const where = `instance ${instance.name}`;
    const actions = scope.kind === 'account' ? [...LAUNCH, ...PLATFORM] : LAUNCH;
    await this.allowed(subject, actions, resource, rights, `sysdig-monitor/${instance.guid}`, `on ${where}`);
    await this.allowed(
      subject,
      LAUNCH,
      { ...resource, sysdigTeam: LATER_TEAM },
      rights,
      `sysdig-monitor/${instance.guid}/*`,
      `on teams of ${where} created later`,
    );
    const user = await this.ctx.repositories.users.findByIamId(instance.guid, subject.iamId);
    for (const { team, role } of await this.access.teamsOf(subject, instance, user?.id ?? null)) {
      // A role is every role below it too: ROLE_TEAM_EDIT covers a member who is ROLE_TEAM_READ there.
      for (const held of TEAM_ROLES.slice(0, roleRank(role) + 1)) {
        rights.push({
          key: `sysdig-monitor/${instance.guid}/${team.id}:${held}`,
          label: `${role} in team ${team.name} of ${where}`,
        });
      }
    }
  }

  private async allowed(
    subject: Subject,
    actions: readonly string[],
    resource: ResourceAttributes,
    rights: Right[],
    key: string,
    where: string,
  ): Promise<void> {
    for (const action of actions) {
      if (await this.ctx.iam.isAllowed(subject, action, resource)) {
        rights.push({ key: `${key}:${action}`, label: `${action} ${where}` });
      }
    }
  }
}
