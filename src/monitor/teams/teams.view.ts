import type { MonitorTeamRow } from '../../platform/db/schema.js';
import { SYSTEM_ROLE } from '../roles.js';
import { customerIdOf } from '../users/monitor-users.view.js';
import type { TeamMember } from './teams.repository.js';
import type { LightTeamBody, TeamBody } from './teams.schema.js';
import { readTeamSettings } from './team-settings.js';

/**
 * A team as Sysdig clients read it. Every field sdcclient's edit_team reads back (theme, show, canUse…,
 * defaultTeamRole, entryPoint, id, version) is always present, or it would fail with a KeyError.
 */
export function toTeamBody(row: MonitorTeamRow, members: readonly TeamMember[]): TeamBody {
  const settings = readTeamSettings(row.settings);
  const userRoles = members
    .filter((m) => m.team_id === row.id)
    .map((m) => ({
      userId: m.user_id,
      userName: m.username,
      role: m.role,
      admin: m.system_role === SYSTEM_ROLE.admin,
    }));
  return {
    id: row.id,
    version: row.version,
    name: row.name,
    description: row.description ?? '',
    theme: settings.theme,
    show: settings.show,
    canUseSysdigCapture: settings.canUseSysdigCapture,
    canUseCustomEvents: settings.canUseCustomEvents,
    canUseAwsMetrics: settings.canUseAwsMetrics,
    canUseBeaconMetrics: settings.canUseBeaconMetrics,
    canUseRapidResponse: settings.canUseRapidResponse,
    defaultTeamRole: settings.defaultTeamRole,
    entryPoint: settings.entryPoint,
    filter: row.filter,
    userRoles,
    userCount: userRoles.length,
    immutable: row.immutable === 1,
    default: row.is_default === 1,
    products: ['SDC'],
    origin: 'SYSDIG',
    dateCreated: Date.parse(row.created_at),
    lastUpdated: Date.parse(row.modified_at),
    customerId: customerIdOf(row.instance_guid),
    properties: {},
    namespaceFilters: settings.namespaceFilters,
  };
}

/** The light form, `GET /api/v2/teams/light/name/{name}`: enough to find the team's id. */
export function toLightTeamBody(row: MonitorTeamRow): LightTeamBody {
  const settings = readTeamSettings(row.settings);
  return {
    id: row.id,
    version: row.version,
    name: row.name,
    description: row.description ?? '',
    theme: settings.theme,
    show: settings.show,
    immutable: row.immutable === 1,
    default: row.is_default === 1,
    products: ['SDC'],
    origin: 'SYSDIG',
    customerId: customerIdOf(row.instance_guid),
    dateCreated: Date.parse(row.created_at),
    lastUpdated: Date.parse(row.modified_at),
  };
}
