import type { Db, NewUser, UserRow } from '../../platform/db/schema.js';

/** SQL for users. */
export class UsersRepository {
  constructor(private readonly db: Db) {}

  async insert(user: NewUser): Promise<void> {
    await this.db.insertInto('users').values(user).execute();
  }

  /** Inserts the user unless the email is already taken (by any account): false then, even under a race. */
  async insertIfEmailFree(user: NewUser): Promise<boolean> {
    const result = await this.db
      .insertInto('users')
      .values(user)
      .onConflict((oc) => oc.column('email').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
  }

  findByIamId(iamId: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('iam_id', '=', iamId).executeTakeFirst();
  }

  findByEmail(email: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();
  }

  list(accountId: string, offset: number, limit: number): Promise<UserRow[]> {
    return this.db
      .selectFrom('users')
      .selectAll()
      .where('account_id', '=', accountId)
      .orderBy('created_at', 'asc')
      .orderBy('iam_id', 'asc')
      .offset(offset)
      .limit(limit)
      .execute();
  }

  async count(accountId: string): Promise<number> {
    const row = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('account_id', '=', accountId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async update(iamId: string, changes: Partial<Omit<UserRow, 'iam_id' | 'account_id'>>): Promise<void> {
    await this.db.updateTable('users').set(changes).where('iam_id', '=', iamId).execute();
  }

  /** Completes a pending user; false when it is no longer pending (completed by someone else meanwhile). */
  async updateIfPending(iamId: string, changes: Partial<Omit<UserRow, 'iam_id' | 'account_id'>>): Promise<boolean> {
    const result = await this.db
      .updateTable('users')
      .set(changes)
      .where('iam_id', '=', iamId)
      .where('state', '=', 'PENDING')
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** Sets ACTIVE, DISABLED or PENDING, bumping the version. */
  async setState(iamId: string, state: UserRow['state'], modifiedAt: string): Promise<void> {
    await this.db
      .updateTable('users')
      .set((eb) => ({ state, modified_at: modifiedAt, version: eb('version', '+', 1) }))
      .where('iam_id', '=', iamId)
      .execute();
  }

  /** Stores a new password hash and revokes every refresh token of the user, in one transaction. */
  async changePassword(iamId: string, passwordHash: string, changedAt: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('users')
        .set((eb) => ({
          password_hash: passwordHash,
          password_changed_at: changedAt,
          modified_at: changedAt,
          version: eb('version', '+', 1),
        }))
        .where('iam_id', '=', iamId)
        .execute();
      await trx.updateTable('refresh_tokens').set({ revoked: 1 }).where('iam_id', '=', iamId).execute();
    });
  }

  /** Deletes the user with their API keys, refresh tokens and policies, in one transaction. */
  async deleteWithCredentials(iamId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('api_keys').where('iam_id', '=', iamId).execute();
      await trx.deleteFrom('refresh_tokens').where('iam_id', '=', iamId).execute();
      await trx.deleteFrom('policies').where('subject_iam_id', '=', iamId).execute();
      await trx.deleteFrom('users').where('iam_id', '=', iamId).execute();
    });
  }
}
