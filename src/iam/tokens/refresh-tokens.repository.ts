import type { Insertable } from 'kysely';
import type { Db, RefreshTokenRow, RefreshTokensTable } from '../../platform/db/schema.js';

/** SQL for refresh tokens, stored only by their HMAC index (`token_hash`). */
export class RefreshTokensRepository {
  constructor(private readonly db: Db) {}

  async insert(row: Insertable<RefreshTokensTable>): Promise<void> {
    await this.db.insertInto('refresh_tokens').values(row).execute();
  }

  findByHash(tokenHash: string): Promise<RefreshTokenRow | undefined> {
    return this.db.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
  }

  /**
   * Marks a token used if, and only if, nobody used or revoked it before: true when this call won. Two concurrent
   * refreshes with one token cannot both succeed.
   */
  async claim(tokenHash: string, usedAt: string): Promise<boolean> {
    const result = await this.db
      .updateTable('refresh_tokens')
      .set({ used_at: usedAt })
      .where('token_hash', '=', tokenHash)
      .where('used_at', 'is', null)
      .where('revoked', '=', 0)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Revokes every token of a family (a reused token means the family leaked). */
  async revokeFamily(familyId: string): Promise<void> {
    await this.db.updateTable('refresh_tokens').set({ revoked: 1 }).where('family_id', '=', familyId).execute();
  }
}
