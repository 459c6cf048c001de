import type { Db } from '../../platform/db/schema.js';

/** SQL for API-key activity (`last_authn`, `authn_count`), kept apart from the API-key repository it shares a table with. */
export class KeyActivityRepository {
  constructor(private readonly db: Db) {}

  /**
   * Adds `count` authentications and moves `last_authn` forward (never back). Additive, so several processes may
   * write the same key. Activity is not a modification: `version` and `modified_at` stay as they are.
   */
  async add(apikeyId: string, count: number, lastAuthn: string): Promise<void> {
    await this.db
      .updateTable('api_keys')
      .set((eb) => ({
        authn_count: eb('authn_count', '+', count),
        last_authn: eb
          .case()
          .when('last_authn', 'is', null)
          .then(lastAuthn)
          .when('last_authn', '<', lastAuthn)
          .then(lastAuthn)
          .else(eb.ref('last_authn'))
          .end(),
      }))
      .where('id', '=', apikeyId)
      .execute();
  }
}
