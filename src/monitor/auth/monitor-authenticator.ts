import type { IncomingHttpHeaders } from 'node:http';
import { bearerValue } from '../../iam/auth/authenticator.js';
import type { Principal, Subject } from '../../iam/auth/principal.js';
import { NO_ORIGIN, type RequestOrigin } from '../../platform/audit/audit.service.js';
import type { Change } from '../../platform/change-feed.js';
import { isWellFormedSecret, TOKEN_KINDS } from '../../platform/crypto/secret-token.js';
import type { MonitorInstanceRow, MonitorTeamRow, MonitorUserRow } from '../../platform/db/schema.js';
import type { MonitorContext } from '../context.js';
import { MONITOR_TOPICS } from '../context.js';
import { monitorErrors } from '../errors.js';
import { parseInstanceSettings } from '../instances/instance-settings.js';
import type { TeamRole } from '../roles.js';
import type { MonitorTokenRefusal, MonitorTokenRefusals } from '../tokens/token-refusals.js';
import type { Provisioner } from '../users/provisioning.js';
import type { MonitorAccess } from './access.js';
import { readStoredScope, scopeMatchers } from '../teams/scope.js';
import type { MonitorPrincipal } from './monitor-principal.js';

// Token resets, memberships, teams, instances and Monitor users; IAM's policies, users, service IDs and API keys.
const INVALIDATING_TOPICS = new Set<string>([
  ...Object.values(MONITOR_TOPICS),
  'policy',
  'user',
  'serviceid',
  'apikey',
]);

// A backstop only: every change that matters is announced on the change feed and empties the cache at once.
const CACHE_TTL_MS = 1_000;
const CACHE_LIMIT = 10_000;

/**
 * Resolves a Monitor API request's credential into a principal:
 * - `Authorization: Bearer <Monitor API token>`: its owner, in its team, with the owner's current role there, unless
 *   the instance accepts IAM tokens only;
 * - `Authorization: Bearer <IAM access token>` (or the bare token) with `IBMInstanceID`, and `SysdigTeamID`/`TeamID`
 *   or else the identity's current team.
 * Every failure of the credential itself is the same 401; a valid credential without access is a 403. Results are
 * cached per credential for a second at most and dropped whenever the change feed reports a change (token reset,
 * policy, membership, team, instance or user), so a reset token is refused by every process at once.
 */
export class MonitorAuthenticator {
  // By the end of the Authorization header as sent (a JWT's signature; hashing a whole 1 KB header on every request
  // cost more than the rest of a hit, bench/monitor-auth.ts), then by instance and team headers; an entry matches
  // only the exact header it was made for. A hit parses nothing.
  private readonly cache = new Map<string, Map<string, CacheEntry>>();
  // Bumped whenever the cache is emptied: a lookup that started before a change must not store what it read then.
  private generation = 0;

  constructor(
    private readonly ctx: MonitorContext,
    private readonly access: MonitorAccess,
    private readonly provisioner: Provisioner,
    private readonly refusals: MonitorTokenRefusals,
  ) {}

  /** Empties the cache on any change that could alter a principal (createMonitor feeds it every change). */
  onChange(change: Change): void {
    if (INVALIDATING_TOPICS.has(change.topic) || change.topic === 'reset-all') {
      this.generation++;
      this.cache.clear();
    }
  }

  /**
   * The principal of a credential seen within the last second and unchanged since, without any await: the hot path
   * of every authenticated request. Undefined when `authenticate` must run.
   */
  cached(headers: IncomingHttpHeaders): MonitorPrincipal | undefined {
    const authorization = headers.authorization;
    if (authorization === undefined) return undefined;
    const scope = `${single(headers['ibminstanceid'])}|${single(headers['sysdigteamid']) ?? single(headers['teamid'])}`;
    return this.lookup(authorization, scope, this.ctx.clock.now());
  }

  private lookup(authorization: string, scope: string, now: number): MonitorPrincipal | undefined {
    const entry = this.cache.get(cacheKey(authorization))?.get(scope);
    return entry &&
      entry.authorization === authorization &&
      now - entry.at < CACHE_TTL_MS &&
      this.stillValid(entry.principal, now)
      ? entry.principal
      : undefined;
  }

  /** `origin` is where the request came from, for the audit record of a refused Monitor API token. */
  async authenticate(headers: IncomingHttpHeaders, origin: RequestOrigin = NO_ORIGIN): Promise<MonitorPrincipal> {
    const authorization = headers.authorization;
    if (authorization === undefined) throw monitorErrors.unauthorized();
    const instanceHeader = single(headers['ibminstanceid']);
    const teamHeader = single(headers['sysdigteamid']) ?? single(headers['teamid']);
    const scope = `${instanceHeader}|${teamHeader}`;

    const now = this.ctx.clock.now();
    const cached = this.lookup(authorization, scope, now);
    if (cached) return cached;

    const token = bearerValue(authorization);
    if (token === undefined) throw monitorErrors.unauthorized();
    const monitorToken = token.startsWith(TOKEN_KINDS.monitorToken);
    const generation = this.generation;
    const principal = monitorToken
      ? await this.fromMonitorToken(token, origin)
      : await this.fromIamToken(authorization, instanceHeader, teamHeader);
    // A change announced while this lookup ran may have made what it read stale (a reset committed just after the
    // read): answer this request, but do not keep the result.
    if (generation !== this.generation) return principal;
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    const key = cacheKey(authorization);
    let scopes = this.cache.get(key);
    if (!scopes) this.cache.set(key, (scopes = new Map()));
    scopes.set(scope, { authorization, principal, at: now });
    return principal;
  }

  private stillValid(principal: MonitorPrincipal, now: number): boolean {
    const credential = principal.credential;
    if (credential.type === 'iam_token') return credential.expiresAt * 1000 > now;
    if (credential.type === 'monitor_token') return credential.graceUntil === null || credential.graceUntil > now;
    return true;
  }

  /** Records a refused Monitor API token in the audit log and returns the error to throw. */
  private async refuse(refusal: MonitorTokenRefusal, origin: RequestOrigin): Promise<Error> {
    await this.refusals.record(refusal, origin);
    return refusal.reason === 'iam_only' ? monitorErrors.iamOnly() : monitorErrors.unauthorized();
  }

  private async fromMonitorToken(token: string, origin: RequestOrigin): Promise<MonitorPrincipal> {
    if (!isWellFormedSecret('monitorToken', token)) throw await this.refuse({ reason: 'malformed' }, origin);
    const hash = this.ctx.keyring.index(token);
    const row = await this.ctx.repositories.tokens.findByHash(hash);
    if (!row) throw await this.refuse({ reason: 'unknown' }, origin);
    const known = { tokenId: row.id, teamId: row.team_id };
    const user = await this.ctx.repositories.users.findById(row.user_id);
    const team = await this.ctx.repositories.teams.findById(row.team_id);
    const instance = team ? await this.ctx.repositories.instances.findByGuid(team.instance_guid) : undefined;
    if (!team || !instance || !user) throw await this.refuse({ reason: 'team_gone', ...known }, origin);
    // The owner and account are known even for a refused value, so the refusal shows in that account's audit log.
    const owner = { ...known, accountId: instance.account_id, ownerIamId: user.iam_id };
    let graceUntil: number | null = null;
    if (row.token_hash !== hash) {
      graceUntil = row.grace_until === null ? 0 : Date.parse(row.grace_until);
      if (graceUntil <= this.ctx.clock.now()) throw await this.refuse({ reason: 'grace_expired', ...owner }, origin);
    }
    if (user.iam_id === null || user.enabled !== 1) {
      throw await this.refuse({ reason: 'owner_inactive', ...owner }, origin);
    }
    const state = await this.ctx.iam.subject(user.iam_id);
    if (!state.active || state.accountId !== instance.account_id) {
      throw await this.refuse({ reason: 'owner_inactive', ...owner }, origin);
    }
    if (parseInstanceSettings(instance.settings).externalApiAuth === 'IAM_ONLY') {
      throw await this.refuse({ reason: 'iam_only', ...owner }, origin);
    }
    const subject: Subject = {
      kind: state.kind,
      iamId: user.iam_id,
      accountId: state.accountId,
      isAccountAdmin: state.isAccountAdmin,
    };
    const admin = await this.access.isInstanceAdmin(subject, instance);
    const role = await this.access.teamRole(subject, team, instance, user.id, admin);
    // The token acts with its owner's current role; an owner who left the team or lost access has a dead token.
    if (role === null) throw await this.refuse({ reason: 'no_role', ...owner }, origin);
    const base: Principal = {
      ...subject,
      name: state.name,
      email: state.email,
      credential: { type: 'monitor_token', tokenId: String(row.id), graceUntil },
    };
    return principalOf(base, instance, team, role, admin, user);
  }

  /**
   * The Monitor principal of an already authenticated IAM principal (a console session), in the instance named by
   * `IBMInstanceID` and the team of `SysdigTeamID`/`TeamID` or else the current one, exactly as for an IAM token. Not
   * cached: the session path reads the database on every request.
   */
  async forPrincipal(iamPrincipal: Principal, headers: IncomingHttpHeaders): Promise<MonitorPrincipal> {
    const teamHeader = single(headers['sysdigteamid']) ?? single(headers['teamid']);
    return this.inInstance(iamPrincipal, single(headers['ibminstanceid']), teamHeader);
  }

  private async fromIamToken(
    authorization: string | undefined,
    instanceHeader: string | undefined,
    teamHeader: string | undefined,
  ): Promise<MonitorPrincipal> {
    const iamPrincipal = await this.ctx.iam.authenticate(authorization);
    if (!iamPrincipal) throw monitorErrors.unauthorized();
    return this.inInstance(iamPrincipal, instanceHeader, teamHeader);
  }

  private async inInstance(
    iamPrincipal: Principal,
    instanceHeader: string | undefined,
    teamHeader: string | undefined,
  ): Promise<MonitorPrincipal> {
    if (instanceHeader === undefined) throw monitorErrors.missingInstance();
    const instance = await this.ctx.repositories.instances.findByGuid(instanceHeader);
    if (!instance || instance.account_id !== iamPrincipal.accountId)
      throw monitorErrors.notFound('Monitoring instance');
    const admin = await this.access.isInstanceAdmin(iamPrincipal, instance);
    const identity = {
      kind: iamPrincipal.kind,
      iamId: iamPrincipal.iamId,
      email: iamPrincipal.email,
      name: iamPrincipal.name,
    };
    // Access is established before anything is written: a refused request creates no Monitor user.
    const found = await this.provisioner.find(identity, instance);
    if (found && found.enabled !== 1) throw monitorErrors.forbidden('This user is disabled in the monitoring instance');
    const foundId = found?.id ?? null;

    if (teamHeader !== undefined) {
      const teamId = /^\d{1,9}$/.test(teamHeader) ? Number(teamHeader) : NaN;
      const team = Number.isNaN(teamId) ? undefined : await this.ctx.repositories.teams.findById(teamId);
      if (!team || team.instance_guid !== instance.guid) throw monitorErrors.notFound('Team');
      const role = await this.access.teamRole(iamPrincipal, team, instance, foundId, admin);
      if (role === null) throw monitorErrors.forbidden('You are not a member of this team');
      const user = await this.provisioner.provision(identity, instance, admin, found ?? null);
      return principalOf(iamPrincipal, instance, team, role, admin, user);
    }
    const teams = await this.access.teamsOf(iamPrincipal, instance, foundId);
    const chosen = teams.find((t) => t.team.id === found?.current_team_id) ?? teams[0];
    if (!chosen) throw monitorErrors.forbidden('You have no access to any team of this monitoring instance');
    const user = await this.provisioner.provision(identity, instance, admin, found ?? null);
    if (user.current_team_id !== chosen.team.id) {
      await this.ctx.repositories.users.update(user.id, { current_team_id: chosen.team.id });
    }
    return principalOf(iamPrincipal, instance, chosen.team, chosen.role, admin, user);
  }
}

function principalOf(
  base: Principal,
  instance: MonitorInstanceRow,
  team: MonitorTeamRow,
  role: TeamRole,
  admin: boolean,
  user: MonitorUserRow,
): MonitorPrincipal {
  return {
    ...base,
    instance: {
      guid: instance.guid,
      accountId: instance.account_id,
      name: instance.name,
      externalApiAuth: parseInstanceSettings(instance.settings).externalApiAuth,
    },
    team: {
      id: team.id,
      name: team.name,
      isDefault: team.is_default === 1,
      scope: scopeMatchers(readStoredScope(team.scope)),
    },
    teamRole: role,
    isInstanceAdmin: admin,
    monitorUserId: user.id,
  };
}

interface CacheEntry {
  readonly authorization: string;
  readonly principal: MonitorPrincipal;
  readonly at: number;
}

/** The last 64 characters of a long header (a JWT's signature, a Monitor token's random part and checksum). */
function cacheKey(authorization: string): string {
  return authorization.length > 96 ? authorization.slice(-64) : authorization;
}

function single(value: string | string[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first.trim() === '' ? undefined : first.trim();
}
