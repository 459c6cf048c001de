import type { Db } from '../../platform/db/schema.js';

/** SQL for accounts and the settings table. */
export class AccountsRepository {
  constructor(private readonly db: Db) {}

  async insert(account: { id: string; name: string; created_at: string }): Promise<void> {
    await this.db.insertInto('accounts').values(account).execute();
  }

  async exists(id: string): Promise<boolean> {
    return (await this.db.selectFrom('accounts').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
  }

  async getSetting(key: string): Promise<string | undefined> {
    return (await this.db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst())?.value;
  }

  async putSetting(key: string, value: string): Promise<void> {
    await this.db.insertInto('settings').values({ key, value }).execute();
  }
}
