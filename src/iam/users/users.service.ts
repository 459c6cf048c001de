import { isoAt } from '../../platform/clock.js';
import type { RequestOrigin } from '../../platform/audit/audit.service.js';
import { hashPassword, verifyPassword } from '../../platform/crypto/password.js';
import type { UserRow } from '../../platform/db/schema.js';
import type { Principal } from '../auth/principal.js';
import type { IamContext } from '../context.js';
import { iamErrors } from '../errors.js';
import { ids } from '../ids.js';
import { ACTIONS } from '../policies/roles.js';
import { ACCOUNT_SCOPE, describeRights } from '../rights/rights.js';
import { ibmTime } from '../time.js';
import type { UserBody, UserListBody } from './users.schema.js';

export interface CreateUserInput {
  readonly email: string;
  readonly name: string;
  readonly password: string;
  readonly admin?: boolean | undefined;
}

export interface UserPage {
  readonly offset: number;
  readonly limit: number;
}

/** Revokes a user's console sessions (SessionsService). */
export interface SessionRevoker {
  revokeAllOf(
    user: { iamId: string; accountId: string },
    reason: string,
    actorIamId: string | null,
    origin: RequestOrigin,
  ): Promise<void>;
}

const MIN_PASSWORD_LENGTH = 8;
/** The password hash of a user who has none (pending): not an scrypt hash, so nothing ever verifies against it. */
const NO_PASSWORD = 'none';
// The same rule as VIGIL_ADMIN_EMAIL: something@somewhere; deliverability is not vigil's concern.
const EMAIL = /^[^\s@]+@[^\s@]+$/;

/**
 * The users of an account: administrators create, list, disable, enable and delete them; every user reads their own
 * record and changes their own password. Account administrators are allowed everything; other subjects need the
 * `iam-identity` user actions from a policy. Users of another account do not exist for the caller (404). Disabling
 * or deleting a user is published on the change feed, so the user's tokens stop working on the next request.
 */
export class UsersService {
  constructor(
    readonly ctx: IamContext,
    private readonly sessions: SessionRevoker,
  ) {}

  async create(actor: Principal, input: CreateUserInput, origin: RequestOrigin): Promise<UserBody> {
    await this.require(actor, ACTIONS.identity.userManage, 'create users');
    // Making an account administrator hands over the whole account: only an administrator may do it.
    if (input.admin === true && !isAdmin(actor)) throw iamErrors.forbidden('create an account administrator');
    const email = input.email.trim().toLowerCase();
    if (!EMAIL.test(email)) throw iamErrors.badRequest(`"${input.email}" is not an email address.`);
    const name = input.name.trim();
    if (name === '') throw iamErrors.badRequest('The name must not be empty.');
    checkPasswordRules(input.password);

    const now = isoAt(this.ctx.clock.now());
    const pending = await this.ctx.repositories.users.findByEmail(email);
    if (pending && pending.account_id === actor.accountId && pending.state === 'PENDING') {
      return this.complete(actor, pending, { name, password: input.password, admin: input.admin === true }, origin);
    }
    const row: UserRow = {
      iam_id: ids.user(this.ctx.random),
      account_id: actor.accountId,
      email,
      name,
      password_hash: await hashPassword(input.password),
      is_admin: input.admin === true ? 1 : 0,
      state: 'ACTIVE',
      version: 1,
      created_at: now,
      modified_at: now,
      password_changed_at: now,
    };
    if (!(await this.ctx.repositories.users.insertIfEmailFree(row))) {
      throw iamErrors.conflict(`A user with the email ${email} already exists.`);
    }
    await this.audit(actor, 'user.create', row.iam_id, origin, { email, admin: row.is_admin === 1 });
    return toUserBody(row);
  }

  /**
   * A person invited to a monitoring instance by email (`POST /api/users`; the monitoring domain has checked that the
   * inviter administers the instance). The user of this account with that email if there is one, else a new PENDING
   * user: no password, no API key, no policy, so nobody can sign in as it, but the team roles it is given are its
   * own from now on (its Monitor API tokens work), and no one else can ever be linked to the invitation. An IAM
   * administrator completes it with `POST /v1/users` and the same email. Undefined when the email belongs to a user of
   * another account.
   */
  async invite(
    input: { accountId: string; email: string; name: string; invitedBy: string },
    origin: RequestOrigin,
  ): Promise<{ iamId: string; name: string; created: boolean } | undefined> {
    const email = input.email.trim().toLowerCase();
    const users = this.ctx.repositories.users;
    for (let attempt = 0; attempt < 2; attempt++) {
      const existing = await users.findByEmail(email);
      if (existing) {
        if (existing.account_id !== input.accountId) return undefined;
        return { iamId: existing.iam_id, name: existing.name, created: false };
      }
      const now = isoAt(this.ctx.clock.now());
      const row: UserRow = {
        iam_id: ids.user(this.ctx.random),
        account_id: input.accountId,
        email,
        name: input.name.trim() === '' ? email : input.name.trim(),
        password_hash: NO_PASSWORD,
        is_admin: 0,
        state: 'PENDING',
        version: 1,
        created_at: now,
        modified_at: now,
        password_changed_at: now,
      };
      if (await users.insertIfEmailFree(row)) {
        await this.ctx.audit.record(
          {
            accountId: input.accountId,
            action: 'user.invite',
            actorIamId: input.invitedBy,
            targetType: 'user',
            targetId: row.iam_id,
            details: { email, state: 'PENDING' },
          },
          origin,
        );
        return { iamId: row.iam_id, name: row.name, created: true };
      }
      // Someone created a user with this email meanwhile: answer with that one.
    }
    return undefined;
  }

  /** One page of the account's users, oldest first; `next` is the full URL of the following page. */
  async list(actor: Principal, page: UserPage): Promise<UserListBody> {
    await this.require(actor, ACTIONS.identity.userRead, 'list users');
    const users = this.ctx.repositories.users;
    const [rows, total] = await Promise.all([
      users.list(actor.accountId, page.offset, page.limit),
      users.count(actor.accountId),
    ]);
    const nextOffset = page.offset + rows.length;
    const locked = await this.ctx.signInLockout.lockedUntil(rows.map((row) => row.iam_id));
    return {
      users: rows.map((row) => toUserBody(row, locked.get(row.iam_id))),
      offset: page.offset,
      limit: page.limit,
      ...(rows.length > 0 && nextOffset < total
        ? { next: `${this.ctx.publicUrl}/v1/users?limit=${page.limit}&start=${nextOffset}` }
        : {}),
    };
  }

  /** A user of the caller's account. Everyone may read their own record. */
  async get(actor: Principal, iamId: string): Promise<UserBody> {
    if (iamId !== actor.iamId) await this.require(actor, ACTIONS.identity.userRead, 'read users');
    return this.render(await this.find(actor, iamId));
  }

  /** The caller's own record. */
  async me(actor: Principal): Promise<UserBody> {
    requireUser(actor);
    return this.render(await this.find(actor, actor.iamId));
  }

  /**
   * Ends a lock on the user's password sign-in and forgets their failed attempts (`iam-identity.user.manage`; any
   * user of the account, since unlocking gives no one more than they had). Audited as `user.signin.unlock`.
   */
  async unlockSignIn(actor: Principal, iamId: string, origin: RequestOrigin): Promise<void> {
    await this.require(actor, ACTIONS.identity.userManage, 'unlock the sign-in of users');
    const user = await this.find(actor, iamId);
    const [lockedUntil] = (await this.ctx.signInLockout.lockedUntil([user.iam_id])).values();
    const forgotten = await this.ctx.signInLockout.clear(user.iam_id);
    await this.audit(actor, 'user.signin.unlock', user.iam_id, origin, {
      email: user.email,
      was_locked: lockedUntil !== undefined,
      had_failures: forgotten,
    });
  }

  /**
   * Stops the user from obtaining or using tokens (their API keys and refresh tokens are kept for re-enabling); their
   * console sessions are revoked.
   */
  async disable(actor: Principal, iamId: string, origin: RequestOrigin): Promise<void> {
    await this.changeState(actor, iamId, 'DISABLED', origin);
  }

  async enable(actor: Principal, iamId: string, origin: RequestOrigin): Promise<void> {
    await this.changeState(actor, iamId, 'ACTIVE', origin);
  }

  /** Deletes the user with their API keys, refresh tokens and policies. */
  async delete(actor: Principal, iamId: string, origin: RequestOrigin): Promise<void> {
    const user = await this.findForChange(actor, iamId, 'delete');
    await this.sessions.revokeAllOf(subjectOf(user), 'user_deleted', actor.iamId, origin);
    await this.ctx.repositories.users.deleteWithCredentials(user.iam_id);
    await this.ctx.feed.publish({ topic: 'user', key: user.iam_id });
    await this.ctx.feed.publish({ topic: 'policy', key: user.iam_id });
    await this.audit(actor, 'user.delete', user.iam_id, origin, { email: user.email });
  }

  /**
   * Changes the caller's own password after checking the current one, and revokes the caller's refresh tokens and
   * console sessions so that a session opened with the old password cannot be extended.
   */
  async changePassword(
    actor: Principal,
    input: { currentPassword: string; newPassword: string },
    origin: RequestOrigin,
  ): Promise<void> {
    requireUser(actor);
    const user = await this.find(actor, actor.iamId);
    if (!(await verifyPassword(input.currentPassword, user.password_hash))) {
      await this.audit(actor, 'user.password.change', user.iam_id, origin, { reason: 'wrong current password' }, false);
      throw iamErrors.wrongCurrentPassword();
    }
    checkPasswordRules(input.newPassword);
    const now = isoAt(this.ctx.clock.now());
    await this.ctx.repositories.users.changePassword(user.iam_id, await hashPassword(input.newPassword), now);
    // Every console session, the caller's own included, was opened with the old password.
    await this.sessions.revokeAllOf(subjectOf(user), 'password_change', actor.iamId, origin);
    await this.audit(actor, 'user.password.change', user.iam_id, origin, { refresh_tokens_revoked: true });
  }

  /**
   * Completes a pending (invited) user: name, password and the administrator flag as `POST /v1/users` gives them, same
   * iam_id, so the memberships and Monitor API tokens it was given stay its own. Choosing its password is obtaining a
   * credential of a subject that may already hold access (team roles, policies given since the invitation): it takes
   * holding all of that access (docs/IAM.md, "Who may obtain which credential").
   */
  private async complete(
    actor: Principal,
    pending: UserRow,
    input: { name: string; password: string; admin: boolean },
    origin: RequestOrigin,
  ): Promise<UserBody> {
    const subject = {
      kind: 'user',
      iamId: pending.iam_id,
      accountId: pending.account_id,
      isAccountAdmin: false,
    } as const;
    const missing = await this.ctx.rights.notHeldBy(actor, subject, ACCOUNT_SCOPE);
    if (missing.length > 0) {
      throw iamErrors.forbidden(
        `set the password of this invited user: it holds access you do not (${describeRights(missing)})`,
      );
    }
    const now = isoAt(this.ctx.clock.now());
    const changes = {
      name: input.name,
      password_hash: await hashPassword(input.password),
      is_admin: input.admin ? 1 : 0,
      state: 'ACTIVE' as const,
      version: pending.version + 1,
      modified_at: now,
      password_changed_at: now,
    };
    if (!(await this.ctx.repositories.users.updateIfPending(pending.iam_id, changes))) {
      throw iamErrors.conflict(`A user with the email ${pending.email} already exists.`);
    }
    await this.ctx.feed.publish({ topic: 'user', key: pending.iam_id });
    await this.audit(actor, 'user.create', pending.iam_id, origin, {
      email: pending.email,
      admin: input.admin,
      completed_invitation: true,
    });
    return toUserBody({ ...pending, ...changes });
  }

  private async render(row: UserRow): Promise<UserBody> {
    const locked = await this.ctx.signInLockout.lockedUntil([row.iam_id]);
    return toUserBody(row, locked.get(row.iam_id));
  }

  private async changeState(
    actor: Principal,
    iamId: string,
    state: UserRow['state'],
    origin: RequestOrigin,
  ): Promise<void> {
    const verb = state === 'DISABLED' ? 'disable' : 'enable';
    const user = await this.findForChange(actor, iamId, verb);
    // Enabling someone who never got a password gives them back their invitation, not a sign-in.
    if (state === 'ACTIVE' && !hasPassword(user)) state = 'PENDING';
    if (user.state !== state) {
      await this.ctx.repositories.users.setState(user.iam_id, state, isoAt(this.ctx.clock.now()));
      await this.ctx.feed.publish({ topic: 'user', key: user.iam_id });
    }
    if (state === 'DISABLED') await this.sessions.revokeAllOf(subjectOf(user), 'user_disabled', actor.iamId, origin);
    await this.audit(actor, `user.${verb}`, user.iam_id, origin, { email: user.email });
  }

  /** The target of a disable, enable or delete, once the caller is known to be allowed to change it. */
  private async findForChange(actor: Principal, iamId: string, verb: string): Promise<UserRow> {
    await this.require(actor, ACTIONS.identity.userManage, `${verb} users`);
    const user = await this.find(actor, iamId);
    if (user.iam_id === actor.iamId) throw iamErrors.badRequest(`You cannot ${verb} your own user.`);
    // An administrator can only be removed by another administrator, never by a policy holder.
    if (user.is_admin === 1 && !isAdmin(actor)) throw iamErrors.forbidden(`${verb} an account administrator`);
    return user;
  }

  private async find(actor: Principal, iamId: string): Promise<UserRow> {
    const user = await this.ctx.repositories.users.findByIamId(iamId);
    if (!user || user.account_id !== actor.accountId) throw iamErrors.notFound('User', iamId);
    return user;
  }

  private async require(actor: Principal, action: string, what: string): Promise<void> {
    const allowed = await this.ctx.decisions.isAllowed(actor, action, {
      accountId: actor.accountId,
      serviceName: 'iam-identity',
    });
    if (!allowed) throw iamErrors.forbidden(what);
  }

  private async audit(
    actor: Principal,
    action: string,
    targetId: string,
    origin: RequestOrigin,
    details: Record<string, string | boolean>,
    success = true,
  ): Promise<void> {
    await this.ctx.audit.record(
      {
        accountId: actor.accountId,
        action,
        outcome: success ? 'success' : 'failure',
        actorIamId: actor.iamId,
        targetType: 'user',
        targetId,
        details,
      },
      origin,
    );
  }
}

/** The only way a user leaves the service: no password hash, IBM's timestamp form. */
function toUserBody(row: UserRow, lockedUntil?: string): UserBody {
  return {
    iam_id: row.iam_id,
    id: row.iam_id,
    account_id: row.account_id,
    email: row.email,
    name: row.name,
    state: row.state,
    admin: row.is_admin === 1,
    ...(lockedUntil !== undefined ? { signin_locked_until: ibmTime(lockedUntil) } : {}),
    created_at: ibmTime(row.created_at),
    modified_at: ibmTime(row.modified_at),
  };
}

function hasPassword(user: UserRow): boolean {
  return user.password_hash !== NO_PASSWORD;
}

function subjectOf(user: UserRow): { iamId: string; accountId: string } {
  return { iamId: user.iam_id, accountId: user.account_id };
}

function isAdmin(actor: Principal): boolean {
  return actor.kind === 'user' && actor.isAccountAdmin;
}

function requireUser(actor: Principal): void {
  if (actor.kind !== 'user') throw iamErrors.forbidden('use a user’s own routes with a service ID token');
}

function checkPasswordRules(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw iamErrors.badRequest(`The password must be at least ${MIN_PASSWORD_LENGTH} characters long.`);
  }
}
