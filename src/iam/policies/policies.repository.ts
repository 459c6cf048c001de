import type { Insertable } from 'kysely';
import type { Db, PoliciesTable, PolicyRow } from '../../platform/db/schema.js';
import { isUniqueViolation } from '../../platform/db/unique-violation.js';
import type { PolicySource } from './decision.js';
import type { PolicyGrant, PolicyResource, PolicyRole } from './policy.model.js';

export type NewPolicy = Insertable<PoliciesTable>;

/** The columns a policy list may be sorted by. */
export const POLICY_SORT_COLUMNS = [
  'id',
  'type',
  'created_at',
  'created_by_id',
  'last_modified_at',
  'last_modified_by_id',
  'state',
] as const;
export type PolicySortColumn = (typeof POLICY_SORT_COLUMNS)[number];

export interface PolicyListFilter {
  readonly accountId: string;
  readonly state: 'active' | 'deleted';
  readonly subjectIamId?: string;
  readonly type?: string;
  readonly sort: { readonly column: PolicySortColumn; readonly descending: boolean };
}

/** The columns a replace or a state change writes. */
export type PolicyChanges = Partial<
  Pick<
    PolicyRow,
    | 'type'
    | 'description'
    | 'subjects'
    | 'roles'
    | 'resources'
    | 'subject_iam_id'
    | 'fingerprint'
    | 'state'
    | 'last_modified_at'
    | 'last_modified_by_id'
  >
>;

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

  /** Inserts the policy; false when an identical active policy exists (the unique index refused it). */
  async insert(policy: NewPolicy): Promise<boolean> {
    try {
      await this.db.insertInto('policies').values(policy).execute();
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  /** The id of an active policy of the account with this fingerprint, other than `exceptId`. */
  async findActiveDuplicate(accountId: string, fingerprint: string, exceptId?: string): Promise<string | undefined> {
    let query = this.db
      .selectFrom('policies')
      .select('id')
      .where('account_id', '=', accountId)
      .where('fingerprint', '=', fingerprint)
      .where('state', '=', 'active');
    if (exceptId !== undefined) query = query.where('id', '!=', exceptId);
    const row = await query.orderBy('created_at').limit(1).executeTakeFirst();
    return row?.id;
  }

  /** The account's policies matching the filter, sorted (ties broken by id so pages are stable). */
  list(filter: PolicyListFilter): Promise<PolicyRow[]> {
    let query = this.db
      .selectFrom('policies')
      .selectAll()
      .where('account_id', '=', filter.accountId)
      .where('state', '=', filter.state);
    if (filter.subjectIamId !== undefined) query = query.where('subject_iam_id', '=', filter.subjectIamId);
    if (filter.type !== undefined) query = query.where('type', '=', filter.type);
    const direction = filter.sort.descending ? 'desc' : 'asc';
    query = query.orderBy(filter.sort.column, direction);
    if (filter.sort.column !== 'id') query = query.orderBy('id', direction);
    return query.execute();
  }

  /**
   * Writes the changes and bumps the version, only if the policy is still at `expectedVersion` (a concurrent writer
   * makes this return false rather than overwrite).
   */
  /**
   * Writes the changes if the policy is still at `expectedVersion`: `stale` when it is not, `duplicate` when the
   * result would be a second identical active policy (the unique index refused it).
   */
  async update(
    id: string,
    expectedVersion: number,
    changes: PolicyChanges,
  ): Promise<'updated' | 'stale' | 'duplicate'> {
    try {
      const result = await this.db
        .updateTable('policies')
        .set({ ...changes, version: expectedVersion + 1 })
        .where('id', '=', id)
        .where('version', '=', expectedVersion)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n ? 'updated' : 'stale';
    } catch (error) {
      if (isUniqueViolation(error)) return 'duplicate';
      throw error;
    }
  }
}
