import { sql, type Kysely } from 'kysely';

/**
 * At most one active policy per account with the same content: the service checks first and answers
 * policy_conflict_error, and this index makes two identical creates racing each other end the same way.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('policies_active_fingerprint')
    .unique()
    .on('policies')
    .columns(['account_id', 'fingerprint'])
    .where(sql.ref('state'), '=', sql.lit('active'))
    .execute();
}
