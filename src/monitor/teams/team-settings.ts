import type { MonitorTeamsTable } from '../../platform/db/schema.js';
import { isTeamRole, type TeamRole } from '../roles.js';

/** Sysdig's team fields that vigil stores as they are given (the `settings` JSON column of `monitor_teams`). */
export interface TeamSettings {
  theme: string;
  show: 'host' | 'container';
  defaultTeamRole: TeamRole;
  entryPoint: { module: string; selection?: string };
  canUseSysdigCapture: boolean;
  canUseCustomEvents: boolean;
  canUseAwsMetrics: boolean;
  canUseBeaconMetrics: boolean;
  canUseRapidResponse: boolean;
  namespaceFilters: { ibmPlatformMetrics: string | null };
}

/** What a team created without these fields gets: sdcclient's own defaults where it has them. */
export const NEW_TEAM_SETTINGS: TeamSettings = {
  theme: '#7BB0B2',
  show: 'host',
  defaultTeamRole: 'ROLE_TEAM_EDIT',
  entryPoint: { module: 'Explore' },
  canUseSysdigCapture: false,
  canUseCustomEvents: false,
  canUseAwsMetrics: false,
  canUseBeaconMetrics: false,
  canUseRapidResponse: false,
  namespaceFilters: { ibmPlatformMetrics: null },
};

const DEFAULT_TEAM_NAME = 'Monitor Operations';

/** Monitor Operations sees everything and may use everything (IBM's default team). */
export const DEFAULT_TEAM_SETTINGS: TeamSettings = {
  ...NEW_TEAM_SETTINGS,
  defaultTeamRole: 'ROLE_TEAM_READ',
  canUseSysdigCapture: true,
  canUseCustomEvents: true,
  canUseAwsMetrics: true,
  canUseBeaconMetrics: true,
};

/** Reads a team's stored settings; a field missing or unreadable (rows written by older code) takes its default. */
export function readTeamSettings(json: string): TeamSettings {
  const value = JSON.parse(json) as Partial<Record<keyof TeamSettings, unknown>>;
  const d = NEW_TEAM_SETTINGS;
  const bool = (v: unknown, fallback: boolean) => (typeof v === 'boolean' ? v : fallback);
  const entryPoint = value.entryPoint as { module?: unknown; selection?: unknown } | undefined;
  const namespaceFilters = value.namespaceFilters as { ibmPlatformMetrics?: unknown } | undefined;
  return {
    theme: typeof value.theme === 'string' ? value.theme : d.theme,
    show: value.show === 'container' ? 'container' : 'host',
    defaultTeamRole: isTeamRole(value.defaultTeamRole) ? value.defaultTeamRole : d.defaultTeamRole,
    entryPoint:
      entryPoint && typeof entryPoint.module === 'string'
        ? {
            module: entryPoint.module,
            ...(typeof entryPoint.selection === 'string' ? { selection: entryPoint.selection } : {}),
          }
        : d.entryPoint,
    canUseSysdigCapture: bool(value.canUseSysdigCapture, d.canUseSysdigCapture),
    canUseCustomEvents: bool(value.canUseCustomEvents, d.canUseCustomEvents),
    canUseAwsMetrics: bool(value.canUseAwsMetrics, d.canUseAwsMetrics),
    canUseBeaconMetrics: bool(value.canUseBeaconMetrics, d.canUseBeaconMetrics),
    canUseRapidResponse: bool(value.canUseRapidResponse, d.canUseRapidResponse),
    namespaceFilters: {
      ibmPlatformMetrics:
        typeof namespaceFilters?.ibmPlatformMetrics === 'string' ? namespaceFilters.ibmPlatformMetrics : null,
    },
  };
}

/** The row of an instance's default team, Monitor Operations: immutable, unscoped, the default. */
export function defaultTeamRow(instanceGuid: string, now: string): Omit<MonitorTeamsTable, 'id'> {
  return {
    instance_guid: instanceGuid,
    name: DEFAULT_TEAM_NAME,
    description: 'Immutable Monitor team with full visibility',
    filter: null,
    scope: '[]',
    settings: JSON.stringify(DEFAULT_TEAM_SETTINGS),
    immutable: 1,
    is_default: 1,
    version: 1,
    created_at: now,
    modified_at: now,
  };
}
