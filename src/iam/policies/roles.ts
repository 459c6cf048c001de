/**
 * IBM's roles and what they allow. Platform roles (Viewer < Operator < Editor < Administrator) act on the platform
 * side of a service; service roles (Reader < Writer < Manager) inside it. Actions are named as on IBM Cloud where IBM
 * documents them (`sysdig-monitor.launch.*`); the others are vigil's own and listed in docs/IAM.md.
 */
export const PLATFORM_ROLES = ['Viewer', 'Operator', 'Editor', 'Administrator'] as const;
export const SERVICE_ROLES = ['Reader', 'Writer', 'Manager'] as const;
export type RoleName = (typeof PLATFORM_ROLES)[number] | (typeof SERVICE_ROLES)[number];

/** Role CRN → role name, for the roles a policy may grant. */
export function roleNameFromCrn(crn: string): RoleName | undefined {
  const platform = /^crn:v1:bluemix:public:iam::::role:(Viewer|Operator|Editor|Administrator)$/.exec(crn);
  if (platform) return platform[1] as RoleName;
  const service = /^crn:v1:[a-z]+:public:[a-z0-9-]*::::serviceRole:(Reader|Writer|Manager)$/.exec(crn);
  if (service) return service[1] as RoleName;
  return undefined;
}

/** IBM's descriptions of its roles, shown with a policy's roles and by `GET /v2/roles`. */
export const ROLE_DESCRIPTIONS: Readonly<Record<RoleName, string>> = {
  Viewer: "As a viewer, you can view service instances, but you can't modify them.",
  Operator:
    "As an operator, you can perform platform actions required to configure and operate service instances, such as viewing a service's dashboard.",
  Editor:
    'As an editor, you can perform all platform actions except for managing the account and assigning access policies.',
  Administrator:
    'As an administrator, you can perform all platform actions based on the resource this role is being assigned, including assigning access policies to other users.',
  Reader: 'As a reader, you can perform read-only actions within a service such as viewing service-specific resources.',
  Writer:
    'As a writer, you have permissions beyond the reader role, including creating and editing service-specific resources.',
  Manager:
    'As a manager, you have permissions beyond the writer role to complete privileged actions as defined by the service. In addition, you can create and edit service-specific resources.',
};

export function roleCrn(role: RoleName): string {
  return (PLATFORM_ROLES as readonly string[]).includes(role)
    ? `crn:v1:bluemix:public:iam::::role:${role}`
    : `crn:v1:bluemix:public:iam::::serviceRole:${role}`;
}

export const ACTIONS = {
  identity: {
    serviceIdRead: 'iam-identity.serviceid.get',
    serviceIdManage: 'iam-identity.serviceid.manage',
    apiKeyRead: 'iam-identity.apikey.get',
    apiKeyManage: 'iam-identity.apikey.manage',
    policyRead: 'iam-identity.policy.get',
    policyManage: 'iam-identity.policy.manage',
    userRead: 'iam-identity.user.get',
    userManage: 'iam-identity.user.manage',
    auditRead: 'iam-identity.audit.get',
  },
  monitor: {
    viewer: 'sysdig-monitor.launch.viewer',
    user: 'sysdig-monitor.launch.user',
    admin: 'sysdig-monitor.launch.admin',
    instanceRead: 'sysdig-monitor.instance.read',
    instanceManage: 'sysdig-monitor.instance.manage',
  },
} as const;

const I = ACTIONS.identity;
const M = ACTIONS.monitor;
const identityRead = [I.serviceIdRead, I.apiKeyRead, I.policyRead, I.userRead];
const identityManage = [...identityRead, I.serviceIdManage, I.apiKeyManage, I.policyManage];
const monitorReader = [M.viewer];
const monitorWriter = [M.viewer, M.user];
const monitorManager = [M.viewer, M.user, M.admin];

/** What each role allows on each service; a service not listed grants nothing beyond its own name's actions. */
const ROLE_ACTIONS: Record<string, Partial<Record<RoleName, readonly string[]>>> = {
  'iam-identity': {
    Viewer: identityRead,
    Operator: identityRead,
    Editor: identityManage,
    Administrator: [...identityManage, I.userManage, I.auditRead],
  },
  'sysdig-monitor': {
    Viewer: [M.instanceRead],
    Operator: [M.instanceRead],
    Editor: [M.instanceRead, M.instanceManage],
    // Administrator implies the Manager service permissions (IBM Cloud Monitoring docs).
    Administrator: [M.instanceRead, M.instanceManage, ...monitorManager],
    Reader: monitorReader,
    Writer: monitorWriter,
    Manager: monitorManager,
  },
};

/** The actions a role grants on a service (an empty list for an unknown service or role). */
export function actionsOf(serviceName: string, role: RoleName): readonly string[] {
  return ROLE_ACTIONS[serviceName]?.[role] ?? [];
}

/** The services whose roles vigil knows. A policy without `serviceName` applies to all of them. */
export const KNOWN_SERVICES = Object.keys(ROLE_ACTIONS);
