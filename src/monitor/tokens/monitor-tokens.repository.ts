import type { Insertable } from 'kysely';
import type { Db, MonitorTokenRow, MonitorTokensTable } from '../../platform/db/schema.js';
import { isUniqueViolation } from '../../platform/db/unique-violation.js';

/** The columns a reset changes. */
export interface TokenRotation {
  readonly token_hash: string;
  readonly token_sealed: string;
  readonly grace_hash: string | null;
  readonly grace_until: string | null;
  readonly reset_at: string;
}

/** SQL for Monitor API tokens. */
export class MonitorTokensRepository {
  constructor(private readonly db: Db) {}

  /** The token whose current value, or whose previous value still in its grace period, has this index. */
  findByHash(hash: string): Promise<MonitorTokenRow | undefined> {
    return this.db
      .selectFrom('monitor_tokens')
      .selectAll()
      .where((eb) => eb.or([eb('token_hash', '=', hash), eb('grace_hash', '=', hash)]))
      .executeTakeFirst();
  }

  findFor(userId: number, teamId: number): Promise<MonitorTokenRow | undefined> {
    return this.db
      .selectFrom('monitor_tokens')
      .selectAll()
      .where('user_id', '=', userId)
      .where('team_id', '=', teamId)
      .executeTakeFirst();
  }

  /** Inserts a token; undefined when the (user, team) already has one (a concurrent first request won). */
  async insert(token: Insertable<MonitorTokensTable>): Promise<MonitorTokenRow | undefined> {
    try {
      return await this.db.insertInto('monitor_tokens').values(token).returningAll().executeTakeFirstOrThrow();
    } catch (error) {
      if (isUniqueViolation(error)) return undefined;
      throw error;
    }
  }

  /** Deletes every token of a user (their values stop working at once). */
  async deleteForUser(userId: number): Promise<void> {
    await this.db.deleteFrom('monitor_tokens').where('user_id', '=', userId).execute();
  }

  /**
   * Replaces the value of a token if it still has the value `expectedHash` (compare-and-set, so two concurrent resets
   * cannot both win and leave a value nobody was shown); true when it did.
   */
  async rotate(id: number, expectedHash: string, rotation: TokenRotation): Promise<boolean> {
    const result = await this.db
      .updateTable('monitor_tokens')
      .set(rotation)
      .where('id', '=', id)
      .where('token_hash', '=', expectedHash)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }
}
