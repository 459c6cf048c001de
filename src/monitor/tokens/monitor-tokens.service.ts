import type { RequestOrigin } from '../../platform/audit/audit.service.js';
import { isoAt } from '../../platform/clock.js';
import { generateSecret } from '../../platform/crypto/secret-token.js';
import type { MonitorInstanceRow, MonitorTeamRow, MonitorTokenRow, MonitorUserRow } from '../../platform/db/schema.js';
import type { MonitorAccess } from '../auth/access.js';
import type { MonitorPrincipal } from '../auth/monitor-principal.js';
import { MONITOR_TOPICS, type MonitorContext } from '../context.js';
import { monitorErrors } from '../errors.js';
import { isTeamRole, type TeamRole } from '../roles.js';
import { describeRights } from '../../iam/rights/rights.js';
import type { TokenResponse } from './monitor-tokens.schema.js';

/** Whose token a request is about: the caller's own, or a named member's in a named team. */
export type TokenTarget = { readonly own: true } | { readonly username: string; readonly teamId: number };

// A reset that keeps losing the compare-and-set to concurrent resets gives up rather than loop.
const RESET_ATTEMPTS = 5;

/**
 * The Monitor API token (DESIGN.md, Credentials): one per (user, team), created on first request, shown again
 * (sealed under the master key, found by its HMAC index), and reset so that the old value stops working in every
 * process at once, or after a bounded grace period. Everyone reads their own token in their current team; instance
 * administrators and the team's managers reset it. Instance administrators, and a team's managers acting in that
 * team, read and reset the tokens of its members whose rights in the instance they hold all of. Under
 * `IAM_ONLY` Monitor API tokens are switched off, so none is shown; a reset is still allowed, because it is how an
 * administrator makes sure old values stay dead if the instance goes back to `ANY`.
 */
export class MonitorTokensService {
  constructor(
    private readonly ctx: MonitorContext,
    private readonly access: MonitorAccess,
  ) {}

  /** The value of a token, created for the (user, team) if it has none yet. Audited as `monitor_token.view`. */
  async view(principal: MonitorPrincipal, target: TokenTarget, origin: RequestOrigin): Promise<TokenResponse> {
    if (principal.instance.externalApiAuth === 'IAM_ONLY') throw monitorErrors.iamOnly();
    const { user, team } = await this.resolve(principal, target);
    const { row, value } = await this.ensure(user, team);
    await this.audit(principal, 'monitor_token.view', row, user, {}, origin);
    return { token: { key: value } };
  }

  /**
   * Gives a token a new value and returns it. The old value is refused by every process as soon as the change feed
   * reaches it, unless `graceSeconds` keeps it valid that long; a second reset replaces any earlier grace value.
   * Resetting is an administration right (IBM: "a user with administration permissions can reset"; Sysdig's
   * `api-token.edit`): instance administrators, and a team's managers in that team — for their own token too.
   */
  async reset(
    principal: MonitorPrincipal,
    target: TokenTarget,
    graceSeconds: number,
    origin: RequestOrigin,
  ): Promise<TokenResponse> {
    const mayReset = principal.isInstanceAdmin || principal.teamRole === 'ROLE_TEAM_MANAGER';
    const refusal = () =>
      monitorErrors.forbidden(
        'Only instance administrators and team managers may reset Monitor API tokens: ask one to reset yours',
      );
    if ('own' in target && !mayReset) throw refusal();
    const { user, team } = await this.resolve(principal, target);
    // Your own token by name (`/api/token/<you>/<team>/reset`) is no way around the rule either.
    if (!mayReset) throw refusal();
    for (let attempt = 0; attempt < RESET_ATTEMPTS; attempt++) {
      const current = await this.ctx.repositories.tokens.findFor(user.id, team.id);
      if (!current) {
        // Nothing to replace: the first value is the new one (nobody can hold an older one).
        const created = await this.create(user, team);
        if (!created) continue;
        await this.audit(principal, 'monitor_token.reset', created.row, user, { grace_seconds: 0 }, origin);
        return { token: { key: created.value } };
      }
      const now = this.ctx.clock.now();
      const value = generateSecret('monitorToken', this.ctx.random);
      const rotated = await this.ctx.repositories.tokens.rotate(current.id, current.token_hash, {
        token_hash: this.ctx.keyring.index(value),
        token_sealed: this.ctx.keyring.seal(value, sealContext(user.id, team.id)),
        grace_hash: graceSeconds > 0 ? current.token_hash : null,
        grace_until: graceSeconds > 0 ? isoAt(now + graceSeconds * 1000) : null,
        reset_at: isoAt(now),
      });
      if (!rotated) continue;
      // The key is the token's id, not a hash: every process empties its Monitor principal cache on this topic, and a
      // hash has no business in a NOTIFY payload that PostgreSQL may log.
      await this.ctx.feed.publish({ topic: MONITOR_TOPICS.token, key: String(current.id) });
      await this.audit(principal, 'monitor_token.reset', current, user, { grace_seconds: graceSeconds }, origin);
      return { token: { key: value } };
    }
    throw monitorErrors.conflict('The token was reset by someone else at the same time; try again');
  }

  /**
   * The (user, team) a request is about, with the access rules: the caller's own token in their current team, or,
   * for a named member, a team of the caller's instance (else 404) that the caller administers (else 403: instance
   * administrators, the team's managers acting in that team, or the member themselves in their current team), and a
   * member who has a role in that team (else 404).
   */
  private async resolve(
    principal: MonitorPrincipal,
    target: TokenTarget,
  ): Promise<{ user: MonitorUserRow; team: MonitorTeamRow }> {
    const repositories = this.ctx.repositories;
    if ('own' in target) {
      const [user, team] = await Promise.all([
        repositories.users.findById(principal.monitorUserId),
        repositories.teams.findById(principal.team.id),
      ]);
      if (!user || !team) throw monitorErrors.unauthorized();
      return { user, team };
    }
    const team = await repositories.teams.findById(target.teamId);
    if (!team || team.instance_guid !== principal.instance.guid) throw monitorErrors.notFound('Team');
    const user = await repositories.users.findByUsername(principal.instance.guid, target.username);
    const inCurrentTeam = team.id === principal.team.id;
    const self = inCurrentTeam && user?.id === principal.monitorUserId;
    const manager = inCurrentTeam && principal.teamRole === 'ROLE_TEAM_MANAGER';
    if (!principal.isInstanceAdmin && !manager && !self) {
      throw monitorErrors.forbidden(
        inCurrentTeam
          ? "Only instance administrators and this team's managers may see or reset another member's token"
          : 'Only instance administrators may see or reset the tokens of a team other than the one you act in (SysdigTeamID)',
      );
    }
    if (!user) throw monitorErrors.notFound('User');
    const instance = await repositories.instances.findByGuid(team.instance_guid);
    if (!instance || (await this.roleOf(user, team, instance)) === null) throw monitorErrors.notFound('User');
    if (user.id !== principal.monitorUserId) await this.requireCovers(principal, user, instance);
    return { user, team };
  }

  /**
   * Another member's token acts with all of that member's rights in the instance: reading or resetting it (which shows
   * the new value) takes holding every one of them (docs/MONITOR.md, "Who may obtain which credential"). So a team
   * manager reaches the tokens of members whose rights are a subset of theirs, and never an instance administrator's.
   * A member without an active identity has a dead token and no rights to compare.
   */
  private async requireCovers(
    principal: MonitorPrincipal,
    user: MonitorUserRow,
    instance: MonitorInstanceRow,
  ): Promise<void> {
    if (user.iam_id === null) return;
    const state = await this.ctx.iam.subject(user.iam_id);
    if (!state.active) return;
    const target = {
      kind: state.kind,
      iamId: user.iam_id,
      accountId: state.accountId,
      isAccountAdmin: state.isAccountAdmin,
    };
    const missing = await this.ctx.iam.rightsNotHeld(principal, target, {
      kind: 'monitor-instance',
      instanceGuid: instance.guid,
    });
    if (missing.length > 0) {
      throw monitorErrors.forbidden(
        `The token of ${user.username} acts with access you do not hold (${describeRights(missing)}): only someone ` +
          'who holds all of it may see or reset it',
      );
    }
  }

  /** A member's effective role in a team; from their memberships alone when they have no active IAM identity. */
  private async roleOf(
    user: MonitorUserRow,
    team: MonitorTeamRow,
    instance: MonitorInstanceRow,
  ): Promise<TeamRole | null> {
    if (user.iam_id !== null) {
      const state = await this.ctx.iam.subject(user.iam_id);
      if (state.active) {
        const subject = {
          kind: state.kind,
          iamId: user.iam_id,
          accountId: state.accountId,
          isAccountAdmin: state.isAccountAdmin,
        };
        return this.access.teamRole(subject, team, instance, user.id);
      }
    }
    const memberships = await this.ctx.repositories.users.membershipsOfUser(user.id);
    const role = memberships.find((m) => m.team_id === team.id)?.role;
    return isTeamRole(role) ? role : null;
  }

  /** The (user, team)'s token and its value, created now if it has none. */
  private async ensure(user: MonitorUserRow, team: MonitorTeamRow): Promise<{ row: MonitorTokenRow; value: string }> {
    for (let attempt = 0; attempt < RESET_ATTEMPTS; attempt++) {
      const row = await this.ctx.repositories.tokens.findFor(user.id, team.id);
      if (row) return { row, value: this.ctx.keyring.open(row.token_sealed, sealContext(user.id, team.id)) };
      const created = await this.create(user, team);
      if (created) return created;
    }
    throw monitorErrors.conflict('The token is being created by another request; try again');
  }

  /** Inserts a first token; undefined when a concurrent request created one first. */
  private async create(
    user: MonitorUserRow,
    team: MonitorTeamRow,
  ): Promise<{ row: MonitorTokenRow; value: string } | undefined> {
    const value = generateSecret('monitorToken', this.ctx.random);
    const row = await this.ctx.repositories.tokens.insert({
      user_id: user.id,
      team_id: team.id,
      token_hash: this.ctx.keyring.index(value),
      token_sealed: this.ctx.keyring.seal(value, sealContext(user.id, team.id)),
      grace_hash: null,
      grace_until: null,
      created_at: isoAt(this.ctx.clock.now()),
      reset_at: null,
    });
    return row ? { row, value } : undefined;
  }

  private async audit(
    principal: MonitorPrincipal,
    action: 'monitor_token.view' | 'monitor_token.reset',
    row: MonitorTokenRow,
    owner: MonitorUserRow,
    details: Record<string, number>,
    origin: RequestOrigin,
  ): Promise<void> {
    await this.ctx.audit.record(
      {
        accountId: principal.instance.accountId,
        action,
        actorIamId: principal.iamId,
        targetType: 'monitor_token',
        targetId: String(row.id),
        details: {
          instance_guid: principal.instance.guid,
          team_id: row.team_id,
          owner_iam_id: owner.iam_id,
          owner_username: owner.username,
          credential: principal.credential.type,
          ...details,
        },
      },
      origin,
    );
  }
}

/** Binds a sealed value to its (user, team): a value copied onto another row does not open. */
function sealContext(userId: number, teamId: number): string {
  return `monitor-token:${userId}:${teamId}`;
}
