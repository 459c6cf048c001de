/**
 * Sysdig team roles, lowest to highest. An IAM service role maps onto them as IBM documents: Reader → ROLE_TEAM_READ,
 * Writer → ROLE_TEAM_EDIT, Manager → instance administrator (ROLE_TEAM_MANAGER in every team).
 */
export const TEAM_ROLES = ['ROLE_TEAM_READ', 'ROLE_TEAM_STANDARD', 'ROLE_TEAM_EDIT', 'ROLE_TEAM_MANAGER'] as const;
export type TeamRole = (typeof TEAM_ROLES)[number];

export function isTeamRole(value: unknown): value is TeamRole {
  return typeof value === 'string' && (TEAM_ROLES as readonly string[]).includes(value);
}

export function roleRank(role: TeamRole | null): number {
  return role === null ? -1 : TEAM_ROLES.indexOf(role);
}

export function higherRole(a: TeamRole | null, b: TeamRole | null): TeamRole | null {
  return roleRank(a) >= roleRank(b) ? a : b;
}

/** Sysdig system roles: an instance administrator is ROLE_CUSTOMER, everyone else ROLE_USER. */
export const SYSTEM_ROLE = { admin: 'ROLE_CUSTOMER', user: 'ROLE_USER' } as const;

export const MONITOR_SERVICE = 'sysdig-monitor';
