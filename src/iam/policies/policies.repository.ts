import type { Db, PolicyRow } from '../../platform/db/schema.js';
import type { PolicySource } from './decision.js';
import type { PolicyGrant, PolicyResource, PolicyRole } from './policy.model.js';

/** SQL for access policies. */
export class PoliciesRepository implements PolicySource {
  constructor(private readonly db: Db) {}

  async activeGrantsFor(accountId: string, iamId: string): Promise<PolicyGrant[]> {
    const rows = await this.db
      .selectFrom('policies')
      .select(['id', 'roles', 'resources'])
      .where('account_id', '=', accountId)
      .where('subject_iam_id', '=', iamId)
      .where('state', '=', 'active')
      .execute();
    return rows.map((row) => ({
      id: row.id,
      roles: JSON.parse(row.roles) as PolicyRole[],
      resources: JSON.parse(row.resources) as PolicyResource[],
    }));
  }

  findById(id: string): Promise<PolicyRow | undefined> {
    return this.db.selectFrom('policies').selectAll().where('id', '=', id).executeTakeFirst();
  }
}
