import type { Subject } from '../../iam/auth/principal.js';
import type { RequestOrigin } from '../../platform/audit/audit.service.js';
import { isoAt } from '../../platform/clock.js';
import type { MonitorInstanceRow, MonitorTeamRow, MonitorUserRow } from '../../platform/db/schema.js';
import type { MonitorAccess } from '../auth/access.js';
import type { MonitorPrincipal } from '../auth/monitor-principal.js';
import { MONITOR_TOPICS, type MonitorContext } from '../context.js';
import { monitorErrors } from '../errors.js';
import { SYSTEM_ROLE } from '../roles.js';
import type {
  InviteBody,
  LightUserList,
  MonitorUserDetailBody,
  ProvisioningBody,
  UpdateUserBody,
  UserEnvelope,
  UserList,
} from './monitor-users.schema.js';
import { displayName, toUserBody, toUserDetail, type TeamRoleView } from './monitor-users.view.js';

// The same rule as IAM's users: something@somewhere; deliverability is not vigil's concern.
const EMAIL = /^[^\s@]+@[^\s@]+$/;

// Ids are PostgreSQL integers; a larger number names no user (and must not reach the database as an error).
const MAX_ID = 2_147_483_647;

const ROLES_FROM_IAM =
  'System roles come from IAM policies: ' +
  'grant Manager on sysdig-monitor for this instance to make someone an administrator';

/** The teams a caller has a role in, and the users with a membership in one of them. */
interface CallerTeams {
  readonly teams: readonly MonitorTeamRow[];
  readonly members: ReadonlySet<number>;
}

/** A Monitor user with what its identity may currently do in the instance. */
interface Assessed {
  readonly row: MonitorUserRow;
  /** The active IAM identity behind the user; null for a pending invitation or a deleted/disabled identity. */
  readonly subject: Subject | null;
  readonly systemRole: string;
}

/**
 * Sysdig's users API over vigil's Monitor users (one per IAM identity per instance, see provisioning.ts). Everyone
 * reads their own user; instance administrators (ROLE_CUSTOMER: account administrators and holders of Manager on the
 * instance) list, invite, edit, disable and delete users; other users see the users of the teams they have a role
 * in. Identities and passwords live in IAM, so a system role is never stored by request: it is derived from IAM
 * access, and an attempt to change it is refused with a 400 that says so. Users of another instance do not exist for
 * the caller.
 */
export class MonitorUsersService {
  /**
   * `GET /api/user/me` answers from a memo keyed by the principal object. The authenticator replaces that object
   * whenever a change that could alter the answer is announced on the change feed (user, membership, team, instance,
   * policy), and after a second at most, so the memo is exactly as fresh as authentication itself while the hot route
   * costs no query.
   */
  private readonly meMemo = new WeakMap<MonitorPrincipal, UserEnvelope>();

  constructor(
    readonly ctx: MonitorContext,
    private readonly access: MonitorAccess,
  ) {}

  /** The memoised answer of {@link me} for this principal, if there is one (no await on the hot path). */
  memoisedMe(principal: MonitorPrincipal): UserEnvelope | undefined {
    return this.meMemo.get(principal);
  }

  /** The caller's own Monitor user; `currentTeam` is the team this request acts in. */
  async me(principal: MonitorPrincipal): Promise<UserEnvelope> {
    const memo = this.meMemo.get(principal);
    if (memo) return memo;
    const row = await this.ctx.repositories.users.findById(principal.monitorUserId);
    // Deleted between authentication and now: the credential no longer names anyone.
    if (!row) throw monitorErrors.unauthorized();
    const instance = await this.instanceOf(principal);
    const teams = await this.access.teamsOf(principal, instance, row.id);
    const body = {
      user: toUserDetail(
        row,
        principal.isInstanceAdmin ? SYSTEM_ROLE.admin : SYSTEM_ROLE.user,
        instance,
        teams.map(({ team, role }) => ({ teamId: team.id, teamName: team.name, role })),
        principal.team.id,
      ),
    };
    this.meMemo.set(principal, body);
    return body;
  }

  /** The users the caller may see: every user of the instance for administrators, else those of the caller's teams. */
  async list(principal: MonitorPrincipal): Promise<UserList> {
    const visible = await this.visibleUsers(principal);
    return { users: visible.map((u) => toUserBody(u.row, u.systemRole)) };
  }

  /** The same users as {@link list}, as id, username and name (Terraform maps member emails to ids with it). */
  async light(principal: MonitorPrincipal): Promise<LightUserList> {
    const visible = await this.visibleUsers(principal);
    return { users: visible.map(({ row }) => ({ id: row.id, username: row.username, name: displayName(row) })) };
  }

  /** One user by Monitor id or username (email); a user the caller may not see is not found. */
  async get(principal: MonitorPrincipal, ref: string): Promise<UserEnvelope> {
    const users = this.ctx.repositories.users;
    const guid = principal.instance.guid;
    const row = /^\d{1,10}$/.test(ref)
      ? Number(ref) <= MAX_ID
        ? await users.findById(Number(ref))
        : undefined
      : ((await users.findByUsername(guid, ref)) ?? (await users.findByUsername(guid, ref.trim().toLowerCase())));
    if (!row || row.instance_guid !== principal.instance.guid) throw monitorErrors.notFound('User');
    if (row.id === principal.monitorUserId) return this.me(principal);
    const instance = await this.instanceOf(principal);
    const assessed = await this.assess(row, instance);
    if (principal.isInstanceAdmin) return { user: await this.detail(assessed, instance) };
    const caller = await this.teamsOfCaller(principal, instance);
    if (!(await this.sharesTeam(principal, assessed, instance, caller))) throw monitorErrors.notFound('User');
    // Someone else's roles in teams the caller cannot see are not the caller's business.
    const visible = new Set(caller.teams.map((t) => t.id));
    const user = await this.detail(assessed, instance);
    return { user: { ...user, teamRoles: user.teamRoles.filter((t) => visible.has(t.teamId)) } };
  }

  /**
   * Invites a person by email (`POST /api/users`, sdcclient create_user_invite): a Monitor user without an identity,
   * linked by provisioning when an IAM identity with that email first calls the instance. Access still comes from IAM
   * policies and team memberships.
   */
  async invite(principal: MonitorPrincipal, input: InviteBody, origin: RequestOrigin): Promise<UserEnvelope> {
    return this.create(principal, input, origin, 'monitor.user.invite');
  }

  /**
   * `POST /api/user/provisioning/` (sdcclient create_user, Terraform sysdig_user): the same as an invitation. A
   * password is ignored, never stored: people sign in with their IAM identity.
   */
  async provision(principal: MonitorPrincipal, input: ProvisioningBody, origin: RequestOrigin): Promise<UserEnvelope> {
    const { username, firstName, lastName, systemRole } = input;
    return this.create(principal, { username, firstName, lastName, systemRole }, origin, 'monitor.user.provision');
  }

  /**
   * sdcclient edit_user: names and `enabled`, guarded by `version`. The username and the system role cannot change
   * (400); a stale version is a 409. Disabling a user ends their Monitor tokens and IAM requests in this instance at
   * once, through the change feed.
   */
  async update(
    principal: MonitorPrincipal,
    id: number,
    input: UpdateUserBody,
    origin: RequestOrigin,
  ): Promise<UserEnvelope> {
    requireAdmin(principal, 'edit users');
    const instance = await this.instanceOf(principal);
    const target = await this.assess(await this.findInInstance(principal, id), instance);
    const row = target.row;
    if (input.id !== undefined && input.id !== id) {
      throw monitorErrors.badRequest(`The id in the body (${input.id}) is not the id in the path (${id})`, 'id');
    }
    if (input.username !== undefined && input.username.trim().toLowerCase() !== row.username.toLowerCase()) {
      throw monitorErrors.badRequest('The username of a user cannot be changed', 'username');
    }
    if (input.systemRole !== undefined && input.systemRole !== target.systemRole) {
      throw monitorErrors.badRequest(ROLES_FROM_IAM, 'systemRole');
    }
    const enabled = input.enabled === undefined ? row.enabled : input.enabled ? 1 : 0;
    if (enabled === 0 && row.enabled === 1) await this.guardRemoval(principal, target, 'disable');
    if (input.version !== row.version) throw staleVersion(row.version);

    const changes = {
      first_name: input.firstName === undefined ? row.first_name : (input.firstName ?? '').trim(),
      last_name: input.lastName === undefined ? row.last_name : (input.lastName ?? '').trim(),
      enabled,
      modified_at: isoAt(this.ctx.clock.now()),
    };
    if (!(await this.ctx.repositories.users.updateIfVersion(row.id, row.version, changes))) {
      throw staleVersion(null);
    }
    await this.ctx.feed.publish({ topic: MONITOR_TOPICS.user, key: String(row.id) });
    await this.audit(principal, 'monitor.user.update', row, origin, {
      first_name: changes.first_name,
      last_name: changes.last_name,
      enabled: enabled === 1,
      ...(enabled !== row.enabled ? { enabled_changed: true } : {}),
    });
    const updated: MonitorUserRow = { ...row, ...changes, version: row.version + 1 };
    return { user: await this.detail({ ...target, row: updated }, instance) };
  }

  /**
   * Deletes a Monitor user with its memberships and Monitor API tokens. The IAM identity is untouched: if its policies
   * still grant access, its next IAM request provisions a new Monitor user, as on IBM Cloud.
   */
  async delete(principal: MonitorPrincipal, id: number, origin: RequestOrigin): Promise<void> {
    requireAdmin(principal, 'delete users');
    const instance = await this.instanceOf(principal);
    const target = await this.assess(await this.findInInstance(principal, id), instance);
    await this.guardRemoval(principal, target, 'delete');
    await this.ctx.repositories.users.deleteWithMemberships(target.row.id);
    await this.ctx.feed.publish({ topic: MONITOR_TOPICS.user, key: String(target.row.id) });
    await this.audit(principal, 'monitor.user.delete', target.row, origin, {});
  }

  private async create(
    principal: MonitorPrincipal,
    input: InviteBody,
    origin: RequestOrigin,
    action: string,
  ): Promise<UserEnvelope> {
    requireAdmin(principal, 'invite users');
    const username = input.username.trim().toLowerCase();
    if (!EMAIL.test(username)) {
      throw monitorErrors.badRequest(`"${input.username}" is not an email address`, 'username');
    }
    if (input.systemRole !== undefined && input.systemRole !== SYSTEM_ROLE.user) {
      throw monitorErrors.badRequest(ROLES_FROM_IAM, 'systemRole');
    }
    const taken = () => monitorErrors.conflict(`A user with the username ${username} already exists`);
    if (await this.ctx.repositories.users.findByUsername(principal.instance.guid, username)) throw taken();
    let firstName = (input.firstName ?? '').trim();
    let lastName = (input.lastName ?? '').trim();
    // The invitation is for one IAM user from now on (a new pending one if the email is new), never for whoever
    // later shows up with a matching name: its tokens act with that user's roles, and nobody else can take it over.
    const invited = await this.ctx.iam.inviteUser(
      {
        accountId: principal.instance.accountId,
        email: username,
        name: `${firstName} ${lastName}`.trim(),
        invitedBy: principal.iamId,
      },
      origin,
    );
    if (!invited || (await this.ctx.repositories.users.findByIamId(principal.instance.guid, invited.iamId))) {
      throw taken();
    }
    if (!invited.created && firstName === '' && lastName === '') {
      // Someone who already has an IAM identity: their name, as their own first call would have set it.
      const [first = '', ...rest] = invited.name.trim().split(/\s+/);
      firstName = first;
      lastName = rest.join(' ');
    }
    const now = isoAt(this.ctx.clock.now());
    const row = await this.ctx.repositories.users.insert({
      instance_guid: principal.instance.guid,
      iam_id: invited.iamId,
      username,
      first_name: firstName,
      last_name: lastName,
      system_role: SYSTEM_ROLE.user,
      enabled: 1,
      current_team_id: null,
      version: 1,
      created_at: now,
      modified_at: now,
    });
    if (!row) throw taken();
    await this.audit(principal, action, row, origin, { iam_id: invited.iamId, new_iam_user: invited.created });
    const instance = await this.instanceOf(principal);
    return { user: await this.detail(await this.assess(row, instance), instance) };
  }

  /** An account administrator's Monitor user can be disabled or deleted only by an account administrator. */
  private async guardRemoval(principal: MonitorPrincipal, target: Assessed, verb: string): Promise<void> {
    if (target.row.id === principal.monitorUserId) {
      throw monitorErrors.badRequest(`You cannot ${verb} your own user`);
    }
    if (target.subject?.isAccountAdmin && !principal.isAccountAdmin) {
      throw monitorErrors.forbidden(`Only an account administrator can ${verb} an account administrator`);
    }
  }

  private async visibleUsers(principal: MonitorPrincipal): Promise<Assessed[]> {
    const instance = await this.instanceOf(principal);
    const rows = await this.ctx.repositories.users.listForInstance(instance.guid);
    const assessed = await Promise.all(rows.map((row) => this.assess(row, instance)));
    if (principal.isInstanceAdmin) return assessed;
    const teams = await this.teamsOfCaller(principal, instance);
    const visible: Assessed[] = [];
    for (const user of assessed) {
      if (await this.sharesTeam(principal, user, instance, teams)) visible.push(user);
    }
    return visible;
  }

  /** The teams the caller has a role in, and who has a membership in them. */
  private async teamsOfCaller(principal: MonitorPrincipal, instance: MonitorInstanceRow): Promise<CallerTeams> {
    const teams = (await this.access.teamsOf(principal, instance, principal.monitorUserId)).map((t) => t.team);
    const memberships = await this.ctx.repositories.users.membershipsInTeams(teams.map((t) => t.id));
    return { teams, members: new Set(memberships.map((m) => m.user_id)) };
  }

  /**
   * True when the user is the caller or belongs to a team the caller has a role in: a membership there (pending
   * invitations included), or a role there from IAM policies (administrators have one in every team). So a team's
   * `userRoles`, as GET /api/teams/{id} shows them to a member, always name users this list contains (sdcclient's
   * list_memberships looks every one of them up).
   */
  private async sharesTeam(
    principal: MonitorPrincipal,
    user: Assessed,
    instance: MonitorInstanceRow,
    caller?: CallerTeams,
  ): Promise<boolean> {
    if (user.row.id === principal.monitorUserId) return true;
    const { teams, members } = caller ?? (await this.teamsOfCaller(principal, instance));
    if (members.has(user.row.id)) return true;
    if (user.subject === null) return false;
    if (user.systemRole === SYSTEM_ROLE.admin) return teams.length > 0;
    for (const team of teams) {
      // Memberships were checked above: only policies are left to look at (monitorUserId null).
      if ((await this.access.teamRole(user.subject, team, instance, null, false)) !== null) return true;
    }
    return false;
  }

  /** The current system role and identity of a Monitor user, from IAM. */
  private async assess(row: MonitorUserRow, instance: MonitorInstanceRow): Promise<Assessed> {
    if (row.iam_id === null) return { row, subject: null, systemRole: SYSTEM_ROLE.user };
    const state = await this.ctx.iam.subject(row.iam_id);
    if (!state.active || state.accountId !== instance.account_id) {
      return { row, subject: null, systemRole: SYSTEM_ROLE.user };
    }
    const subject: Subject = {
      kind: state.kind,
      iamId: row.iam_id,
      accountId: state.accountId,
      isAccountAdmin: state.isAccountAdmin,
    };
    const admin = await this.access.isInstanceAdmin(subject, instance);
    return { row, subject, systemRole: admin ? SYSTEM_ROLE.admin : SYSTEM_ROLE.user };
  }

  /** Effective team roles for an active identity; the stored memberships for a pending invitation. */
  private async detail(user: Assessed, instance: MonitorInstanceRow): Promise<MonitorUserDetailBody> {
    let teamRoles: TeamRoleView[];
    if (user.subject) {
      const teams = await this.access.teamsOf(user.subject, instance, user.row.id);
      teamRoles = teams.map(({ team, role }) => ({ teamId: team.id, teamName: team.name, role }));
    } else {
      const [memberships, teams] = await Promise.all([
        this.ctx.repositories.users.membershipsOfUser(user.row.id),
        this.ctx.repositories.teams.listForInstance(instance.guid),
      ]);
      const byId = new Map<number, MonitorTeamRow>(teams.map((t) => [t.id, t]));
      teamRoles = memberships.flatMap((m) => {
        const team = byId.get(m.team_id);
        return team ? [{ teamId: team.id, teamName: team.name, role: m.role }] : [];
      });
    }
    return toUserDetail(user.row, user.systemRole, instance, teamRoles, user.row.current_team_id);
  }

  private async findInInstance(principal: MonitorPrincipal, id: number): Promise<MonitorUserRow> {
    const row = await this.ctx.repositories.users.findById(id);
    if (!row || row.instance_guid !== principal.instance.guid) throw monitorErrors.notFound('User');
    return row;
  }

  private async instanceOf(principal: MonitorPrincipal): Promise<MonitorInstanceRow> {
    const instance = await this.ctx.repositories.instances.findByGuid(principal.instance.guid);
    // Deleted between authentication and now.
    if (!instance) throw monitorErrors.unauthorized();
    return instance;
  }

  private async audit(
    principal: MonitorPrincipal,
    action: string,
    target: MonitorUserRow,
    origin: RequestOrigin,
    details: Record<string, string | boolean | null>,
  ): Promise<void> {
    await this.ctx.audit.record(
      {
        accountId: principal.accountId,
        action,
        actorIamId: principal.iamId,
        targetType: 'monitor_user',
        targetId: String(target.id),
        details: { instance: target.instance_guid, username: target.username, ...details },
      },
      origin,
    );
  }
}

function requireAdmin(principal: MonitorPrincipal, what: string): void {
  if (!principal.isInstanceAdmin) {
    throw monitorErrors.forbidden(`Only administrators of this monitoring instance can ${what}`);
  }
}

function staleVersion(current: number | null): Error {
  return monitorErrors.conflict(
    current === null
      ? 'The user was changed by someone else; read it again and retry'
      : `The user was changed by someone else: the current version is ${current}; read it again and retry`,
  );
}
