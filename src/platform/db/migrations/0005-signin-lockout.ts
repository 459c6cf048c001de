import type { Kysely } from 'kysely';

/**
 * Consecutive failed password sign-ins per user (docs/IAM.md, "Sign-in lockout"): a row exists only after a failure
 * and is deleted on the next successful sign-in, so it costs nothing for people who type their password right.
 * Deleting a user deletes it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('signin_failures')
    .addColumn('iam_id', 'text', (c) => c.primaryKey().references('users.iam_id').onDelete('cascade'))
    // Failures since the last success or the last lockout.
    .addColumn('failures', 'integer', (c) => c.notNull())
    // Lockouts since the last success: each one waits longer.
    .addColumn('lockouts', 'integer', (c) => c.notNull())
    .addColumn('locked_until', 'text')
    .addColumn('last_failure_at', 'text', (c) => c.notNull())
    .execute();
}
