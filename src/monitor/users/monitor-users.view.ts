import type { MonitorUserRow } from '../../platform/db/schema.js';
import type { MonitorUserBody, MonitorUserDetailBody } from './monitor-users.schema.js';

/**
 * vigil enforces no agent limit; clients print `customerSettings.plan.maxAgents` as an integer, so it is reported as
 * Java's Integer.MAX_VALUE (Sysdig's backend is Java) rather than as a number that looks like a real limit.
 */
const UNLIMITED_AGENTS = 2_147_483_647;

export interface TeamRoleView {
  readonly teamId: number;
  readonly teamName: string;
  readonly role: string;
}

/**
 * Sysdig's customer id is an integer and Terraform decodes it as one; an instance is identified by its GUID, so the id
 * is a stable number derived from it (the first 31 bits), and the GUID itself is given as `externalId`.
 */
export function customerIdOf(instanceGuid: string): number {
  return Number.parseInt(instanceGuid.replace(/-/g, '').slice(0, 8), 16) & 0x7fffffff;
}

/** A user as lists show it, with the system role the caller computed from the identity's current IAM access. */
export function toUserBody(row: MonitorUserRow, systemRole: string): MonitorUserBody {
  const firstName = row.first_name ?? '';
  const lastName = row.last_name ?? '';
  return {
    id: row.id,
    username: row.username,
    name: displayName(row),
    firstName,
    lastName,
    systemRole,
    roles: [systemRole],
    enabled: row.enabled === 1,
    version: row.version,
    currentTeam: row.current_team_id,
    dateCreated: Date.parse(row.created_at),
    lastUpdated: Date.parse(row.modified_at),
  };
}

/** A single user with its instance ("customer" in Sysdig's words) and its role in each team. */
export function toUserDetail(
  row: MonitorUserRow,
  systemRole: string,
  instance: { readonly guid: string; readonly name: string },
  teamRoles: readonly TeamRoleView[],
  currentTeam: number | null,
): MonitorUserDetailBody {
  return {
    ...toUserBody(row, systemRole),
    currentTeam,
    customer: { id: customerIdOf(instance.guid), name: instance.name, externalId: instance.guid },
    customerSettings: { plan: { maxAgents: UNLIMITED_AGENTS } },
    teamRoles: teamRoles.map((t) => ({ teamId: t.teamId, teamName: t.teamName, role: t.role })),
  };
}

/** "First Last", or the username when the user has no name yet (an invitation without one). */
export function displayName(row: MonitorUserRow): string {
  const name = `${row.first_name ?? ''} ${row.last_name ?? ''}`.trim();
  return name === '' ? row.username : name;
}
