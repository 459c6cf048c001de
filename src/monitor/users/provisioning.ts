import { isoAt } from '../../platform/clock.js';
import type { MonitorInstanceRow, MonitorUserRow } from '../../platform/db/schema.js';
import type { MonitorContext } from '../context.js';
import { SYSTEM_ROLE } from '../roles.js';

/** The identity a Monitor user is provisioned for. */
export interface ProvisionedIdentity {
  readonly kind: 'user' | 'serviceid';
  readonly iamId: string;
  /** Users only. */
  readonly email: string | null;
  /** The user's or the service ID's name. */
  readonly name: string;
}

/**
 * A Monitor user is provisioned on an identity's first request to an instance that has access to it (as on IBM Cloud,
 * where the first launch creates the Sysdig user), and never for a request that is refused. Invitations name their
 * IAM user when they are made (MonitorUsersService.invite), so they need no linking; an invitation made before that
 * (no iam_id) is linked only to a user whose email it is, never to a service ID, whatever its name. Its system role
 * follows the identity's current access.
 */
export class Provisioner {
  constructor(private readonly ctx: MonitorContext) {}

  /** The identity's Monitor user in the instance, if it has one (or, for a user, an unlinked invitation of its email). */
  async find(identity: ProvisionedIdentity, instance: MonitorInstanceRow): Promise<MonitorUserRow | undefined> {
    const users = this.ctx.repositories.users;
    const own = await users.findByIamId(instance.guid, identity.iamId);
    if (own) return own;
    if (identity.kind !== 'user' || identity.email === null) return undefined;
    const invited = await users.findByUsername(instance.guid, identity.email);
    return invited && invited.iam_id === null ? invited : undefined;
  }

  /**
   * The identity's Monitor user, created or linked now if it has none (`known`: what {@link find} returned — null
   * for none — to save looking again). Call it only once the identity is known to have access to the instance.
   */
  async provision(
    identity: ProvisionedIdentity,
    instance: MonitorInstanceRow,
    admin: boolean,
    known?: MonitorUserRow | null,
  ): Promise<MonitorUserRow> {
    const users = this.ctx.repositories.users;
    const found = known === undefined ? await this.find(identity, instance) : (known ?? undefined);
    const systemRole = admin ? SYSTEM_ROLE.admin : SYSTEM_ROLE.user;
    const now = isoAt(this.ctx.clock.now());
    if (found && found.iam_id === identity.iamId) {
      if (found.system_role === systemRole) return found;
      await users.update(found.id, { system_role: systemRole });
      return { ...found, system_role: systemRole };
    }
    const names = namesOf(identity.name);
    if (found && found.iam_id === null && identity.kind === 'user') {
      // An invitation names only an email: the identity's own name fills in what it left empty.
      const linked = {
        iam_id: identity.iamId,
        system_role: systemRole,
        modified_at: now,
        ...(found.first_name === '' && found.last_name === '' ? names : {}),
      };
      await users.update(found.id, linked);
      // A token value someone read before the link named nobody; it must not start acting with this user's access.
      await this.ctx.repositories.tokens.deleteForUser(found.id);
      return { ...found, ...linked };
    }
    const username = await this.usernameFor(identity, instance);
    const created = await users.insert({
      instance_guid: instance.guid,
      iam_id: identity.iamId,
      username,
      ...names,
      system_role: systemRole,
      enabled: 1,
      current_team_id: null,
      version: 1,
      created_at: now,
      modified_at: now,
    });
    if (created) return created;
    // A concurrent first request of the same identity won the insert.
    const winner = await users.findByIamId(instance.guid, identity.iamId);
    if (!winner) throw new Error('Monitor user provisioning raced and lost without a winner');
    return winner;
  }

  /**
   * A user's email, or a service ID's name. Email-shaped usernames belong to users: a service ID named like one, or
   * any identity whose name is taken, gets its iam_id appended, so it can never stand in for a person's address.
   */
  private async usernameFor(identity: ProvisionedIdentity, instance: MonitorInstanceRow): Promise<string> {
    const base = identity.kind === 'user' ? (identity.email ?? identity.name) : identity.name;
    const distinct = `${base}#${identity.iamId}`;
    if (identity.kind === 'serviceid' && base.includes('@')) return distinct;
    return (await this.ctx.repositories.users.findByUsername(instance.guid, base)) ? distinct : base;
  }
}

function namesOf(name: string): { first_name: string; last_name: string } {
  const [first = '', ...rest] = name.trim().split(/\s+/);
  return { first_name: first, last_name: rest.join(' ') };
}
