import type { ApiKeyRow, Db } from '../../platform/db/schema.js';

/** SQL for API keys. */
export class ApiKeysRepository {
  constructor(private readonly db: Db) {}

  findById(id: string): Promise<ApiKeyRow | undefined> {
    return this.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
  }

  findByHash(keyHash: string): Promise<ApiKeyRow | undefined> {
    return this.db.selectFrom('api_keys').selectAll().where('key_hash', '=', keyHash).executeTakeFirst();
  }
}
