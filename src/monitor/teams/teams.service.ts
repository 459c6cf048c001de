import { isDeepStrictEqual } from 'node:util';
import type { RequestOrigin } from '../../platform/audit/audit.service.js';
import { isoAt } from '../../platform/clock.js';
import type { MonitorInstanceRow, MonitorTeamRow } from '../../platform/db/schema.js';
import type { MonitorAccess } from '../auth/access.js';
import type { MonitorPrincipal } from '../auth/monitor-principal.js';
import type { MonitorContext } from '../context.js';
import { MONITOR_TOPICS } from '../context.js';
import { monitorErrors } from '../errors.js';
import { isTeamRole, TEAM_ROLES, type TeamRole } from '../roles.js';
import { parseScope, readStoredScope, ScopeSyntaxError, type ScopeCondition } from './scope.js';
import { NEW_TEAM_SETTINGS, readTeamSettings, type TeamSettings } from './team-settings.js';
import type { MembershipChanges, TeamChanges } from './teams.repository.js';
import type { CreateTeamBody, LightTeamBody, TeamBody, TeamList, UpdateTeamBody } from './teams.schema.js';
import { toLightTeamBody, toTeamBody } from './teams.view.js';

type TeamInput = CreateTeamBody | UpdateTeamBody;

const ROLE_LIST = TEAM_ROLES.join(', ');

/**
 * Sysdig's team rules, inside the principal's instance. Instance administrators see, create, change and delete every
 * team and set scopes; anyone else sees the teams they have a role in, and a team's ROLE_TEAM_MANAGER may change that
 * team's memberships and nothing else. A team of another instance, or one the caller has no role in, does not exist
 * for the caller (404). Monitor Operations, the default team, keeps its name and its unlimited scope and cannot be
 * deleted. Memberships change access, so every change to them is announced on the change feed; every change is audited.
 */
export class TeamsService {
  constructor(
    private readonly ctx: MonitorContext,
    private readonly access: MonitorAccess,
  ) {}

  async list(principal: MonitorPrincipal, product: 'SDC' | 'SDS' | undefined): Promise<TeamList> {
    // vigil has Monitor teams only; Secure (SDS) has none.
    if (product === 'SDS') return { teams: [] };
    const instance = await this.instance(principal);
    const teams = principal.isInstanceAdmin
      ? await this.ctx.repositories.teams.listForInstance(instance.guid)
      : (await this.access.teamsOf(principal, instance, principal.monitorUserId)).map((t) => t.team);
    const members = await this.ctx.repositories.teams.membersOf(teams.map((t) => t.id));
    return { teams: teams.map((team) => toTeamBody(team, members)) };
  }

  async get(principal: MonitorPrincipal, id: number): Promise<TeamBody> {
    const { team } = await this.load(principal, await this.ctx.repositories.teams.findById(id), `Team ${id}`);
    return this.render(team);
  }

  async getLightByName(principal: MonitorPrincipal, name: string): Promise<LightTeamBody> {
    const row = await this.ctx.repositories.teams.findByName(principal.instance.guid, name);
    const { team } = await this.load(principal, row, `Team ${JSON.stringify(name)}`);
    return toLightTeamBody(team);
  }

  async create(principal: MonitorPrincipal, input: CreateTeamBody, origin: RequestOrigin): Promise<TeamBody> {
    if (!principal.isInstanceAdmin) throw monitorErrors.forbidden('Only instance administrators can create teams');
    const instance = await this.instance(principal);
    const name = input.name.trim();
    const scope = scopeOf(input.filter);
    const settings = applySettings(NEW_TEAM_SETTINGS, input);
    const memberships = (await this.memberships(instance, input, settings.defaultTeamRole)) ?? new Map();
    const now = isoAt(this.ctx.clock.now());
    const row = await this.ctx.repositories.teams.insert(
      {
        instance_guid: instance.guid,
        name,
        description: emptyToNull(input.description),
        filter: emptyToNull(input.filter?.trim()),
        scope: JSON.stringify(scope),
        settings: JSON.stringify(settings),
        immutable: 0,
        is_default: 0,
        version: 1,
        created_at: now,
        modified_at: now,
      },
      memberships,
    );
    if (!row) throw nameTaken(name);
    if (memberships.size > 0) await this.publishMemberships(row.id);
    await this.audit(principal, 'monitor_team.create', row, origin, {
      scope_conditions: scope.length,
      members_added: memberships.size,
    });
    return this.render(row);
  }

  /**
   * PUT: the whole team as the client read it, with that version. Fields left out keep their values; `userRoles`,
   * when given, is the complete list of memberships.
   */
  async update(
    principal: MonitorPrincipal,
    id: number,
    input: UpdateTeamBody,
    origin: RequestOrigin,
  ): Promise<TeamBody> {
    const { team, instance, role } = await this.load(
      principal,
      await this.ctx.repositories.teams.findById(id),
      `Team ${id}`,
    );
    if (!principal.isInstanceAdmin && role !== 'ROLE_TEAM_MANAGER') {
      throw monitorErrors.forbidden("Only instance administrators and the team's managers can edit a team");
    }
    if (input.id !== undefined && input.id !== id) {
      throw monitorErrors.badRequest(`id ${input.id} in the body is not the team in the path (${id})`, 'id');
    }
    const current = readTeamSettings(team.settings);
    const settings = applySettings(current, input);
    const name = input.name.trim();
    const scope = input.filter === undefined ? readStoredScope(team.scope) : scopeOf(input.filter);
    const filter = input.filter === undefined ? team.filter : emptyToNull(input.filter?.trim());
    const description = input.description === undefined ? team.description : emptyToNull(input.description);

    const changed: string[] = [];
    if (name !== team.name) changed.push('name');
    if ((description ?? '') !== (team.description ?? '')) changed.push('description');
    if (!isDeepStrictEqual(scope, readStoredScope(team.scope))) changed.push('filter');
    for (const key of Object.keys(settings) as (keyof TeamSettings)[]) {
      if (!isDeepStrictEqual(settings[key], current[key])) changed.push(key);
    }
    if (team.immutable === 1 && (changed.includes('name') || changed.includes('filter'))) {
      throw monitorErrors.forbidden(
        `${team.name} is the instance's default team: its name and its scope (filter) cannot be changed`,
      );
    }
    if (!principal.isInstanceAdmin && changed.length > 0) {
      throw monitorErrors.forbidden(
        `A team manager can change the team's memberships only; changing ${changed.join(', ')} needs an instance ` +
          'administrator',
      );
    }
    if (input.version !== team.version) throw stale(input.version, team.version);
    const memberships = await this.memberships(instance, input, settings.defaultTeamRole);

    const now = isoAt(this.ctx.clock.now());
    const changes: TeamChanges = {
      name,
      description,
      filter,
      scope: JSON.stringify(scope),
      settings: JSON.stringify(settings),
      modified_at: now,
    };
    const result = await this.ctx.repositories.teams.update(id, input.version, changes, memberships, now);
    if (result.outcome === 'name_taken') throw nameTaken(name);
    if (result.outcome === 'stale') {
      const latest = await this.ctx.repositories.teams.findById(id);
      if (!latest) throw monitorErrors.notFound(`Team ${id}`);
      throw stale(input.version, latest.version);
    }
    await this.ctx.feed.publish({ topic: MONITOR_TOPICS.team, key: String(id) });
    if (membershipsChanged(result.memberships)) await this.publishMemberships(id);
    const updated: MonitorTeamRow = { ...team, ...changes, version: input.version + 1 };
    await this.audit(principal, 'monitor_team.update', updated, origin, {
      fields: changed.join(','),
      members_added: result.memberships.added.length,
      members_removed: result.memberships.removed.length,
      members_changed: result.memberships.changed.length,
    });
    return this.render(updated);
  }

  async delete(principal: MonitorPrincipal, id: number, origin: RequestOrigin): Promise<void> {
    const { team } = await this.load(principal, await this.ctx.repositories.teams.findById(id), `Team ${id}`);
    if (!principal.isInstanceAdmin) throw monitorErrors.forbidden('Only instance administrators can delete teams');
    if (team.is_default === 1 || team.immutable === 1) {
      throw monitorErrors.forbidden(`${team.name} is the instance's default team and cannot be deleted`);
    }
    await this.ctx.repositories.teams.delete(id);
    await this.ctx.feed.publish({ topic: MONITOR_TOPICS.team, key: String(id) });
    await this.audit(principal, 'monitor_team.delete', team, origin);
  }

  /**
   * A team of the principal's instance in which the principal has a role (any role for an administrator); everything
   * else, another instance's team included, is 404.
   */
  private async load(
    principal: MonitorPrincipal,
    team: MonitorTeamRow | undefined,
    what: string,
  ): Promise<{ team: MonitorTeamRow; instance: MonitorInstanceRow; role: TeamRole }> {
    if (!team || team.instance_guid !== principal.instance.guid) throw monitorErrors.notFound(what);
    const instance = await this.instance(principal);
    const role = principal.isInstanceAdmin
      ? 'ROLE_TEAM_MANAGER'
      : await this.access.teamRole(principal, team, instance, principal.monitorUserId, false);
    if (role === null) throw monitorErrors.notFound(what);
    return { team, instance, role };
  }

  private async instance(principal: MonitorPrincipal): Promise<MonitorInstanceRow> {
    const instance = await this.ctx.repositories.instances.findByGuid(principal.instance.guid);
    if (!instance) throw monitorErrors.notFound('Monitoring instance');
    return instance;
  }

  /**
   * The memberships a request asks for (userRoles, or the older `users` list of ids), checked: every user must be a
   * Monitor user of the instance, listed once, with a team role. Undefined when the request names none.
   */
  private async memberships(
    instance: MonitorInstanceRow,
    input: TeamInput,
    defaultRole: TeamRole,
  ): Promise<Map<number, TeamRole> | undefined> {
    const entries = input.userRoles ?? input.users?.map((userId) => ({ userId, role: undefined }));
    if (entries === undefined) return undefined;
    const wanted = new Map<number, TeamRole>();
    for (const entry of entries) {
      if (wanted.has(entry.userId)) {
        throw monitorErrors.badRequest(`userRoles: user ${entry.userId} is listed more than once`, 'userRoles');
      }
      const role = entry.role ?? defaultRole;
      if (!isTeamRole(role)) {
        throw monitorErrors.badRequest(
          `userRoles: ${JSON.stringify(role)} (user ${entry.userId}) is not a team role: use ${ROLE_LIST}`,
          'userRoles',
        );
      }
      wanted.set(entry.userId, role);
    }
    const existing = await this.ctx.repositories.teams.existingUserIds(instance.guid, [...wanted.keys()]);
    const unknown = [...wanted.keys()].filter((userId) => !existing.has(userId));
    if (unknown.length > 0) {
      const listed = unknown.slice(0, 5).join(', ') + (unknown.length > 5 ? ', …' : '');
      throw monitorErrors.badRequest(
        `userRoles: ${unknown.length === 1 ? 'user' : 'users'} ${listed} ${unknown.length === 1 ? 'is' : 'are'} ` +
          'not a user of this monitoring instance (see GET /api/users)',
        'userRoles',
      );
    }
    return wanted;
  }

  private async render(team: MonitorTeamRow): Promise<TeamBody> {
    return toTeamBody(team, await this.ctx.repositories.teams.membersOf([team.id]));
  }

  private publishMemberships(teamId: number): Promise<void> {
    return this.ctx.feed.publish({ topic: MONITOR_TOPICS.membership, key: String(teamId) });
  }

  private audit(
    principal: MonitorPrincipal,
    action: string,
    team: MonitorTeamRow,
    origin: RequestOrigin,
    details: Readonly<Record<string, string | number | boolean | null>> = {},
  ): Promise<void> {
    return this.ctx.audit.record(
      {
        accountId: principal.instance.accountId,
        action,
        actorIamId: principal.iamId,
        targetType: 'monitor_team',
        targetId: String(team.id),
        details: { instance_guid: team.instance_guid, name: team.name, ...details },
      },
      origin,
    );
  }
}

/** The settings a create or an update asks for, over `base`; a defaultTeamRole that is not a team role is a 400. */
function applySettings(base: TeamSettings, input: TeamInput): TeamSettings {
  if (input.defaultTeamRole !== undefined && !isTeamRole(input.defaultTeamRole)) {
    throw monitorErrors.badRequest(
      `defaultTeamRole: ${JSON.stringify(input.defaultTeamRole)} is not a team role: use ${ROLE_LIST}`,
      'defaultTeamRole',
    );
  }
  const entryPoint = input.entryPoint
    ? {
        module: input.entryPoint.module,
        ...(typeof input.entryPoint.selection === 'string' ? { selection: input.entryPoint.selection } : {}),
      }
    : base.entryPoint;
  const ibmPlatformMetrics = input.namespaceFilters?.ibmPlatformMetrics;
  return {
    theme: input.theme ?? base.theme,
    show: input.show ?? base.show,
    defaultTeamRole: input.defaultTeamRole ?? base.defaultTeamRole,
    entryPoint,
    canUseSysdigCapture: input.canUseSysdigCapture ?? base.canUseSysdigCapture,
    canUseCustomEvents: input.canUseCustomEvents ?? base.canUseCustomEvents,
    canUseAwsMetrics: input.canUseAwsMetrics ?? base.canUseAwsMetrics,
    canUseBeaconMetrics: input.canUseBeaconMetrics ?? base.canUseBeaconMetrics,
    canUseRapidResponse: input.canUseRapidResponse ?? base.canUseRapidResponse,
    namespaceFilters: {
      ibmPlatformMetrics:
        ibmPlatformMetrics === undefined ? base.namespaceFilters.ibmPlatformMetrics : ibmPlatformMetrics,
    },
  };
}

/** Parses a scope expression, turning a syntax error into a 400 that names the bad part. */
function scopeOf(filter: string | null | undefined): ScopeCondition[] {
  try {
    return parseScope(filter);
  } catch (error) {
    if (error instanceof ScopeSyntaxError) throw monitorErrors.badRequest(error.message, 'filter');
    throw error;
  }
}

function emptyToNull(value: string | null | undefined): string | null {
  return value === undefined || value === null || value === '' ? null : value;
}

function membershipsChanged(changes: MembershipChanges): boolean {
  return changes.added.length + changes.removed.length + changes.changed.length > 0;
}

function nameTaken(name: string) {
  return monitorErrors.conflict(`A team named ${JSON.stringify(name)} already exists in this monitoring instance`);
}

function stale(sent: number, current: number) {
  return monitorErrors.conflict(
    `The team has changed since version ${sent} was read (it is at version ${current} now): read it again and retry`,
  );
}
