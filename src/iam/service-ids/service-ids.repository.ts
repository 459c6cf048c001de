import { sql } from 'kysely';
import type { ApiKeyRow, Db, ServiceIdRow } from '../../platform/db/schema.js';
import type { SortOrder } from '../api-keys/api-keys.schema.js';
import type { ServiceIdSort } from './service-ids.schema.js';

export interface ServiceIdFilter {
  readonly accountId: string;
  readonly name?: string;
  readonly groupId?: string;
  readonly sort: ServiceIdSort;
  readonly order: SortOrder;
  readonly offset: number;
  readonly limit: number;
}

export type ServiceIdChanges = Partial<Omit<ServiceIdRow, 'id' | 'iam_id' | 'account_id'>>;

/** SQL for service IDs. */
export class ServiceIdsRepository {
  constructor(private readonly db: Db) {}

  findById(id: string): Promise<ServiceIdRow | undefined> {
    return this.db.selectFrom('service_ids').selectAll().where('id', '=', id).executeTakeFirst();
  }

  findByIamId(iamId: string): Promise<ServiceIdRow | undefined> {
    return this.db.selectFrom('service_ids').selectAll().where('iam_id', '=', iamId).executeTakeFirst();
  }

  /** Inserts a service ID and, when one was asked for, its first API key, in one transaction. */
  async insert(row: ServiceIdRow, apiKey?: ApiKeyRow): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('service_ids').values(row).execute();
      if (apiKey) await trx.insertInto('api_keys').values(apiKey).execute();
    });
  }

  /** One page of an account's service IDs, in a stable order (the id breaks ties; no description sorts as ""). */
  list(filter: ServiceIdFilter): Promise<ServiceIdRow[]> {
    let query = this.db.selectFrom('service_ids').selectAll().where('account_id', '=', filter.accountId);
    if (filter.name !== undefined) query = query.where('name', '=', filter.name);
    if (filter.groupId !== undefined) query = query.where('group_id', '=', filter.groupId);
    const sortKey = filter.sort === 'description' ? sql<string>`coalesce(description, '')` : sql.ref(filter.sort);
    return query
      .orderBy(sortKey, filter.order)
      .orderBy('id', filter.order)
      .offset(filter.offset)
      .limit(filter.limit)
      .execute();
  }

  /** Applies a change only if the row is still at `expectedVersion`: false when it changed or vanished meanwhile. */
  async update(id: string, expectedVersion: number, changes: ServiceIdChanges): Promise<boolean> {
    const result = await this.db
      .updateTable('service_ids')
      .set(changes)
      .where('id', '=', id)
      .where('version', '=', expectedVersion)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /**
   * Deletes a service ID with everything that lets it act — its API keys, their refresh tokens and its policies — in
   * one transaction, and returns the ids of the keys it had.
   */
  async deleteWithCredentials(row: ServiceIdRow): Promise<string[]> {
    return this.db.transaction().execute(async (trx) => {
      const keys = await trx.selectFrom('api_keys').select('id').where('iam_id', '=', row.iam_id).execute();
      await trx.deleteFrom('refresh_tokens').where('iam_id', '=', row.iam_id).execute();
      await trx.deleteFrom('api_keys').where('iam_id', '=', row.iam_id).execute();
      await trx
        .deleteFrom('policies')
        .where('account_id', '=', row.account_id)
        .where('subject_iam_id', '=', row.iam_id)
        .execute();
      await trx.deleteFrom('service_ids').where('id', '=', row.id).execute();
      return keys.map((key) => key.id);
    });
  }

  /** How its API keys were used: the total count and the latest use. */
  async activity(iamId: string): Promise<{ lastAuthn: string | null; authnCount: number }> {
    const row = await this.db
      .selectFrom('api_keys')
      .select((eb) => [eb.fn.max('last_authn').as('last_authn'), eb.fn.sum<number | string>('authn_count').as('count')])
      .where('iam_id', '=', iamId)
      .executeTakeFirst();
    return { lastAuthn: row?.last_authn ?? null, authnCount: Number(row?.count ?? 0) };
  }
}
