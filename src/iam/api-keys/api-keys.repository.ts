import { sql } from 'kysely';
import type { ApiKeyRow, ApiKeyUpdate, Db } from '../../platform/db/schema.js';
import type { ApiKeySort, SortOrder } from './api-keys.schema.js';

export interface ApiKeyFilter {
  readonly accountId: string;
  readonly iamId?: string;
  readonly ownerType?: 'user' | 'serviceid';
  readonly sort: ApiKeySort;
  readonly order: SortOrder;
  readonly offset: number;
  readonly limit: number;
}

/** SQL for API keys. */
export class ApiKeysRepository {
  constructor(private readonly db: Db) {}

  findById(id: string): Promise<ApiKeyRow | undefined> {
    return this.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
  }

  findByHash(keyHash: string): Promise<ApiKeyRow | undefined> {
    return this.db.selectFrom('api_keys').selectAll().where('key_hash', '=', keyHash).executeTakeFirst();
  }

  async insert(row: ApiKeyRow): Promise<void> {
    await this.db.insertInto('api_keys').values(row).execute();
  }

  /** One page of an account's keys, in a stable order (the id breaks ties; a missing description sorts as ""). */
  list(filter: ApiKeyFilter): Promise<ApiKeyRow[]> {
    let query = this.db.selectFrom('api_keys').selectAll().where('account_id', '=', filter.accountId);
    if (filter.iamId !== undefined) query = query.where('iam_id', '=', filter.iamId);
    if (filter.ownerType !== undefined) query = query.where('owner_type', '=', filter.ownerType);
    const sortKey = filter.sort === 'description' ? sql<string>`coalesce(description, '')` : sql.ref(filter.sort);
    return query
      .orderBy(sortKey, filter.order)
      .orderBy('id', filter.order)
      .offset(filter.offset)
      .limit(filter.limit)
      .execute();
  }

  /**
   * Applies a change only if the row is still at `expectedVersion` (optimistic concurrency): false when someone
   * else changed or deleted it in between.
   */
  async update(id: string, expectedVersion: number, changes: ApiKeyUpdate): Promise<boolean> {
    const result = await this.db
      .updateTable('api_keys')
      .set(changes)
      .where('id', '=', id)
      .where('version', '=', expectedVersion)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** Deletes a key and the refresh tokens obtained with it, in one transaction. */
  async deleteWithTokens(id: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('refresh_tokens').where('apikey_id', '=', id).execute();
      await trx.deleteFrom('api_keys').where('id', '=', id).execute();
    });
  }
}
