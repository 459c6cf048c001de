import type { ConsoleSessionRow, Db } from '../../platform/db/schema.js';

/** SQL for console sessions. */
export class SessionsRepository {
  constructor(private readonly db: Db) {}

  async insert(row: ConsoleSessionRow): Promise<void> {
    await this.db.insertInto('console_sessions').values(row).execute();
  }

  findByIndex(tokenIndex: string): Promise<ConsoleSessionRow | undefined> {
    return this.db.selectFrom('console_sessions').selectAll().where('token_index', '=', tokenIndex).executeTakeFirst();
  }

  /** Moves the idle expiry forward. */
  async touch(id: string, lastSeenAt: string, expiresAt: string): Promise<void> {
    await this.db
      .updateTable('console_sessions')
      .set({ last_seen_at: lastSeenAt, expires_at: expiresAt })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .execute();
  }

  /** Revokes one session; false when it was already revoked. */
  async revoke(id: string, revokedAt: string): Promise<boolean> {
    const result = await this.db
      .updateTable('console_sessions')
      .set({ revoked_at: revokedAt })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Revokes every live session of a user; returns how many. */
  async revokeAllOf(iamId: string, revokedAt: string): Promise<number> {
    const result = await this.db
      .updateTable('console_sessions')
      .set({ revoked_at: revokedAt })
      .where('iam_id', '=', iamId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }
}
