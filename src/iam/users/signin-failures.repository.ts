import type { Db, SigninFailuresRow } from '../../platform/db/schema.js';

/** SQL for the failed password sign-ins of users. */
export class SigninFailuresRepository {
  constructor(private readonly db: Db) {}

  find(iamId: string): Promise<SigninFailuresRow | undefined> {
    return this.db.selectFrom('signin_failures').selectAll().where('iam_id', '=', iamId).executeTakeFirst();
  }

  /** The rows of these users that are locked at `nowIso`. */
  lockedAmong(iamIds: readonly string[], nowIso: string): Promise<SigninFailuresRow[]> {
    if (iamIds.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom('signin_failures')
      .selectAll()
      .where('iam_id', 'in', iamIds)
      .where('locked_until', '>', nowIso)
      .execute();
  }

  /** Counts one more failure (a first one creates the row) and returns the row as it is now. */
  async addFailure(iamId: string, atIso: string): Promise<SigninFailuresRow> {
    return this.db
      .insertInto('signin_failures')
      .values({ iam_id: iamId, failures: 1, lockouts: 0, locked_until: null, last_failure_at: atIso })
      .onConflict((oc) =>
        oc.column('iam_id').doUpdateSet((eb) => ({
          failures: eb('signin_failures.failures', '+', 1),
          last_failure_at: atIso,
        })),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /**
   * Locks the user until `untilIso` if they still have at least `threshold` failures (so that of two concurrent
   * failures only one locks), starting a new count; the row after the lock, or undefined when another request locked.
   */
  async lock(iamId: string, threshold: number, untilIso: string): Promise<SigninFailuresRow | undefined> {
    return this.db
      .updateTable('signin_failures')
      .set((eb) => ({ failures: 0, lockouts: eb('lockouts', '+', 1), locked_until: untilIso }))
      .where('iam_id', '=', iamId)
      .where('failures', '>=', threshold)
      .returningAll()
      .executeTakeFirst();
  }

  /** Forgets the failures of a user (a success, an administrator's clearing, or failures too old to count). */
  async clear(iamId: string): Promise<boolean> {
    const result = await this.db.deleteFrom('signin_failures').where('iam_id', '=', iamId).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }
}
