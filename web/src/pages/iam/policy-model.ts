import type { PolicyBody, PolicyWire } from '../../../../src/client/policies.js';
import type { VigilClient } from '../../../../src/client/vigil-client.js';
import type { Session } from '../../app/session.js';

/** The monitoring service, named as on IBM Cloud: the console assigns roles on it. */
export const MONITOR_SERVICE = 'sysdig-monitor';

/** The resource attribute that limits a policy to one Monitor team (its numeric id, as a string). */
const TEAM_ATTRIBUTE = 'sysdigTeam';

export type SubjectKind = 'user' | 'serviceid';

/** A user or service ID a policy can be assigned to. */
export interface SubjectOption {
  readonly iamId: string;
  readonly kind: SubjectKind;
  /** What the console shows: a user's name and email, a service ID's name. */
  readonly label: string;
}

/** Names for the ids a policy holds: subjects, instances, teams (`<instance guid>/<team id>`). */
export interface PolicyNames {
  readonly subjects: ReadonlyMap<string, SubjectOption>;
  readonly instances: ReadonlyMap<string, string>;
  readonly teams: ReadonlyMap<string, string>;
}

type Attributes = PolicyWire['resources'][number]['attributes'];

function attribute(attributes: Attributes | undefined, name: string): string | undefined {
  const value = attributes?.find((candidate) => candidate.name === name)?.value;
  return typeof value === 'string' ? value : undefined;
}

/** The policy's subject: an `iam_id`, or undefined for an access group. */
export function subjectOf(policy: PolicyWire): string | undefined {
  return attribute(policy.subjects[0]?.attributes, 'iam_id');
}

export function subjectKindOf(iamId: string): SubjectKind {
  return iamId.startsWith('iam-ServiceId-') ? 'serviceid' : 'user';
}

export function subjectLabel(policy: PolicyWire, names: PolicyNames): string {
  const iamId = subjectOf(policy);
  if (iamId === undefined) {
    const group = attribute(policy.subjects[0]?.attributes, 'access_group_id');
    return group ? `Access group ${group}` : 'Unknown subject';
  }
  return names.subjects.get(iamId)?.label ?? iamId;
}

export function rolesLabel(policy: PolicyWire): string {
  return policy.roles.map((role) => role.display_name).join(', ');
}

export interface PolicyScope {
  readonly service: string;
  readonly instance: string;
  readonly team: string | undefined;
}

/** Where a policy applies, in words: the service, the instance (or all), the team when it is limited to one. */
export function scopeOf(policy: PolicyWire, names: PolicyNames): PolicyScope {
  const attributes = policy.resources[0]?.attributes;
  const service = attribute(attributes, 'serviceName');
  const instance = attribute(attributes, 'serviceInstance');
  const team = attribute(attributes, TEAM_ATTRIBUTE);
  return {
    service: service ?? 'All services',
    instance: instance ? (names.instances.get(instance) ?? instance) : 'All instances',
    team: team ? (names.teams.get(`${instance ?? ''}/${team}`) ?? `Team ${team}`) : undefined,
  };
}

export function scopeLabel(policy: PolicyWire, names: PolicyNames): string {
  const scope = scopeOf(policy, names);
  return [scope.service, scope.instance, scope.team].filter(Boolean).join(' › ');
}

/** The body of POST /v1/policies for roles on `sysdig-monitor`, optionally one instance and one team of it. */
export function monitorPolicy(options: {
  accountId: string;
  subjectIamId: string;
  roleCrns: readonly string[];
  instanceGuid?: string;
  teamId?: string;
}): PolicyBody {
  return {
    type: 'access',
    subjects: [{ attributes: [{ name: 'iam_id', value: options.subjectIamId }] }],
    roles: options.roleCrns.map((role_id) => ({ role_id })),
    resources: [
      {
        attributes: [
          { name: 'accountId', value: options.accountId },
          { name: 'serviceName', value: MONITOR_SERVICE },
          ...(options.instanceGuid ? [{ name: 'serviceInstance', value: options.instanceGuid }] : []),
          ...(options.instanceGuid && options.teamId ? [{ name: TEAM_ATTRIBUTE, value: options.teamId }] : []),
        ],
      },
    ],
  };
}

/**
 * Names of the instances and teams the policies mention. What the caller may not read (a 403 on instances or on an
 * instance's teams) stays an id: the policies themselves are still shown.
 */
export async function loadScopeNames(
  client: VigilClient,
  monitorClient: Session['monitorClient'],
  policies: readonly PolicyWire[],
): Promise<Pick<PolicyNames, 'instances' | 'teams'>> {
  const instances = new Map<string, string>();
  const teams = new Map<string, string>();
  const list = await client.instances.list().catch(() => []);
  for (const instance of list) instances.set(instance.guid, instance.name);
  const withTeams = new Set<string>();
  for (const policy of policies) {
    const attributes = policy.resources[0]?.attributes;
    const instance = attribute(attributes, 'serviceInstance');
    if (instance && attribute(attributes, TEAM_ATTRIBUTE) && instances.has(instance)) withTeams.add(instance);
  }
  await Promise.all(
    [...withTeams].map(async (guid) => {
      const found = await monitorClient(guid)
        .teams.list()
        .catch(() => []);
      for (const team of found) teams.set(`${guid}/${team.id}`, team.name);
    }),
  );
  return { instances, teams };
}

/** The users (when the caller may list them) and service IDs of the account, as policy subjects, by name. */
export async function loadSubjects(client: VigilClient, accountId: string): Promise<SubjectOption[]> {
  const [users, serviceIds] = await Promise.all([
    client.users.list().catch(() => []),
    client.serviceIds.list(accountId),
  ]);
  return [
    ...users.map((user) => ({ iamId: user.iam_id, kind: 'user' as const, label: `${user.name} (${user.email})` })),
    ...serviceIds.map((sid) => ({ iamId: sid.iam_id, kind: 'serviceid' as const, label: sid.name })),
  ].sort((a, b) => a.label.localeCompare(b.label));
}
