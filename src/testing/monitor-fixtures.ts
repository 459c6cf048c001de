import { isoAt } from '../platform/clock.js';
import { cryptoRandom } from '../platform/crypto/random.js';
import type { MonitorInstanceRow, MonitorTeamRow, MonitorUserRow } from '../platform/db/schema.js';
import type { RoleName } from '../iam/policies/roles.js';
import { insertPolicy } from './identity-fixtures.js';
import type { TeamRole } from '../monitor/roles.js';
import { parseScope } from '../monitor/teams/scope.js';
import type { TestApp } from './test-app.js';

/**
 * Monitoring objects written straight to the database, for tests whose subject is not the API that creates them:
 * an instance with its default team, other teams, memberships and `sysdig-monitor` policies.
 */

const DEFAULT_TEAM_SETTINGS = {
  theme: '#7BB0B2',
  show: 'host',
  defaultTeamRole: 'ROLE_TEAM_READ',
  entryPoint: { module: 'Explore' },
  canUseSysdigCapture: true,
  canUseCustomEvents: true,
  canUseAwsMetrics: true,
  canUseBeaconMetrics: true,
  canUseRapidResponse: false,
};

/** Inserts an instance of the app's account (or `accountId`) with its immutable default team, Monitor Operations. */
export async function insertInstance(
  app: TestApp,
  options: { name?: string; accountId?: string; externalApiAuth?: 'ANY' | 'IAM_ONLY' } = {},
): Promise<{ instance: MonitorInstanceRow; operations: MonitorTeamRow }> {
  const now = isoAt(app.clock.now());
  const instance: MonitorInstanceRow = {
    guid: cryptoRandom.uuid(),
    account_id: options.accountId ?? app.accountId,
    name: options.name ?? `instance-${cryptoRandom.bytes(3).toString('hex')}`,
    region: 'local',
    settings: JSON.stringify({ externalApiAuth: options.externalApiAuth ?? 'ANY' }),
    version: 1,
    created_by: app.admin.iamId,
    created_at: now,
    modified_at: now,
  };
  await app.database.db.insertInto('monitor_instances').values(instance).execute();
  const operations = await insertTeam(app, instance.guid, 'Monitor Operations', { immutable: true, isDefault: true });
  return { instance, operations };
}

/** Inserts a team in an instance. */
export async function insertTeam(
  app: TestApp,
  instanceGuid: string,
  name: string,
  options: { filter?: string | null; immutable?: boolean; isDefault?: boolean } = {},
): Promise<MonitorTeamRow> {
  const now = isoAt(app.clock.now());
  return app.database.db
    .insertInto('monitor_teams')
    .values({
      instance_guid: instanceGuid,
      name,
      description: null,
      filter: options.filter ?? null,
      scope: JSON.stringify(parseScope(options.filter)),
      settings: JSON.stringify(DEFAULT_TEAM_SETTINGS),
      immutable: options.immutable ? 1 : 0,
      is_default: options.isDefault ? 1 : 0,
      version: 1,
      created_at: now,
      modified_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * Grants `iamId` a role on `sysdig-monitor` in the app's account, on one instance and optionally one team, as a stored
 * policy would, and announces it on the change feed; returns the policy id.
 */
export function grantMonitorRole(
  app: TestApp,
  iamId: string,
  role: RoleName,
  where: { instanceGuid: string; teamId?: number; accountId?: string },
): Promise<string> {
  return insertPolicy(
    app,
    iamId,
    role,
    [
      { name: 'serviceName', value: 'sysdig-monitor' },
      { name: 'serviceInstance', value: where.instanceGuid },
      ...(where.teamId !== undefined ? [{ name: 'sysdigTeam', value: String(where.teamId) }] : []),
    ],
    where.accountId,
  );
}

/** Removes a policy (as DELETE /v1/policies would) and announces it. */
export async function revokePolicy(app: TestApp, policyId: string, iamId: string): Promise<void> {
  await app.database.db.updateTable('policies').set({ state: 'deleted' }).where('id', '=', policyId).execute();
  await app.feed.publish({ topic: 'policy', key: iamId });
}

/** Headers for an IAM token on the Monitor API. */
export function iamHeaders(token: string, instanceGuid: string, teamId?: number): Record<string, string> {
  return {
    authorization: `Bearer ${token}`,
    ibminstanceid: instanceGuid,
    ...(teamId !== undefined ? { sysdigteamid: String(teamId) } : {}),
  };
}

/** Sets a Sysdig membership directly (the Monitor user is provisioned on the identity's first request). */
export async function insertMembership(
  app: TestApp,
  teamId: number,
  monitorUserId: number,
  role: TeamRole,
): Promise<void> {
  await app.database.db
    .insertInto('monitor_memberships')
    .values({ team_id: teamId, user_id: monitorUserId, role, created_at: isoAt(app.clock.now()) })
    .execute();
  await app.feed.publish({ topic: 'monitor-membership', key: String(monitorUserId) });
}

/** Provisions a user's Monitor user in an instance as their first request would, without the request. */
export function provisionUser(
  app: TestApp,
  user: { iamId: string; email: string; name: string },
  instance: MonitorInstanceRow,
  admin = false,
): Promise<MonitorUserRow> {
  const identity = { kind: 'user', iamId: user.iamId, email: user.email, name: user.name } as const;
  return app.monitor.provisioner.provision(identity, instance, admin);
}
