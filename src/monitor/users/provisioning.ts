import { isoAt } from '../../platform/clock.js';
import type { MonitorInstanceRow, MonitorUserRow } from '../../platform/db/schema.js';
import type { MonitorContext } from '../context.js';
import { SYSTEM_ROLE } from '../roles.js';

/** The identity a Monitor user is provisioned for. */
export interface ProvisionedIdentity {
  readonly iamId: string;
  /** Email for a user; the service ID's name for a service ID. */
  readonly username: string;
  readonly name: string;
}

/**
 * A Monitor user is provisioned on an identity's first request to an instance (as on IBM Cloud, where the first
 * launch creates the Sysdig user): linked to an invitation with the same email if an administrator sent one, created
 * otherwise. Its system role follows the identity's current access.
 */
export class Provisioner {
  constructor(private readonly ctx: MonitorContext) {}

  async provision(
    identity: ProvisionedIdentity,
    instance: MonitorInstanceRow,
    admin: boolean,
  ): Promise<MonitorUserRow> {
    const users = this.ctx.repositories.users;
    const systemRole = admin ? SYSTEM_ROLE.admin : SYSTEM_ROLE.user;
    const existing = await users.findByIamId(instance.guid, identity.iamId);
    if (existing) {
      if (existing.system_role !== systemRole) {
        await users.update(existing.id, { system_role: systemRole });
        return { ...existing, system_role: systemRole };
      }
      return existing;
    }
    const now = isoAt(this.ctx.clock.now());
    const invited = await users.findByUsername(instance.guid, identity.username);
    const names = namesOf(identity.name);
    if (invited && invited.iam_id === null) {
      // An invitation names only an email: the identity's own name fills in what it left empty.
      const linked = {
        iam_id: identity.iamId,
        system_role: systemRole,
        modified_at: now,
        ...(invited.first_name === '' && invited.last_name === '' ? names : {}),
      };
      await users.update(invited.id, linked);
      return { ...invited, ...linked };
    }
    const created = await users.insert({
      instance_guid: instance.guid,
      iam_id: identity.iamId,
      // A username taken by someone else (another identity with the same name) gets the iam_id appended.
      username: invited ? `${identity.username}#${identity.iamId}` : identity.username,
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
}

function namesOf(name: string): { first_name: string; last_name: string } {
  const [first = '', ...rest] = name.trim().split(/\s+/);
  return { first_name: first, last_name: rest.join(' ') };
}
