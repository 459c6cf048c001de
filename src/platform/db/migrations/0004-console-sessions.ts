import type { Kysely } from 'kysely';

/**
 * Console sessions (DESIGN.md, Credentials): the cookie value is stored only as its HMAC (`token_index`), like API keys
 * and refresh tokens. The CSRF token is derived from the cookie value, so it needs no column. Deleting a user deletes
 * their sessions.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('console_sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('token_index', 'text', (c) => c.notNull().unique())
    .addColumn('iam_id', 'text', (c) => c.notNull().references('users.iam_id').onDelete('cascade'))
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema.createIndex('console_sessions_subject').on('console_sessions').column('iam_id').execute();
}
