import type { Db, SigningKeyRow } from '../../platform/db/schema.js';

/** SQL for the token signing keys. */
export class SigningKeysRepository {
  constructor(private readonly db: Db) {}

  all(): Promise<SigningKeyRow[]> {
    return this.db.selectFrom('signing_keys').selectAll().orderBy('created_at', 'asc').execute();
  }

  /** Inserts the new key and retires the current ones, in one transaction. */
  async rotate(row: SigningKeyRow, retiredAt: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('signing_keys').set({ retired_at: retiredAt }).where('retired_at', 'is', null).execute();
      await trx.insertInto('signing_keys').values(row).execute();
    });
  }
}
