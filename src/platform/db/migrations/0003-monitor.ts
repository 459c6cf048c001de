import { sql, type Kysely } from 'kysely';

/**
 * The monitoring tables: instances, teams (Sysdig's integer ids), Monitor users (one per IAM identity per instance),
 * memberships set through the Sysdig API, and Monitor API tokens (one per user and team).
 */
export async function up(db: Kysely<unknown>, dialect: 'sqlite' | 'postgres'): Promise<void> {
  const serial = (table: string) =>
    db.schema
      .createTable(table)
      .addColumn('id', dialect === 'postgres' ? sql`serial` : 'integer', (c) =>
        dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
      );

  await db.schema
    .createTable('monitor_instances')
    .addColumn('guid', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('modified_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('monitor_instances_name')
    .unique()
    .on('monitor_instances')
    .columns(['account_id', 'name'])
    .execute();

  await serial('monitor_teams')
    .addColumn('instance_guid', 'text', (c) => c.notNull().references('monitor_instances.guid').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('filter', 'text')
    .addColumn('scope', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('immutable', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('is_default', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('modified_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('monitor_teams_name')
    .unique()
    .on('monitor_teams')
    .columns(['instance_guid', 'name'])
    .execute();

  await serial('monitor_users')
    .addColumn('instance_guid', 'text', (c) => c.notNull().references('monitor_instances.guid').onDelete('cascade'))
    .addColumn('iam_id', 'text')
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('first_name', 'text')
    .addColumn('last_name', 'text')
    .addColumn('system_role', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('current_team_id', 'integer')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('modified_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('monitor_users_username')
    .unique()
    .on('monitor_users')
    .columns(['instance_guid', 'username'])
    .execute();
  await db.schema.createIndex('monitor_users_iam').on('monitor_users').columns(['instance_guid', 'iam_id']).execute();

  await db.schema
    .createTable('monitor_memberships')
    .addColumn('team_id', 'integer', (c) => c.notNull().references('monitor_teams.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('monitor_users.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('monitor_memberships_pk', ['team_id', 'user_id'])
    .execute();
  await db.schema.createIndex('monitor_memberships_user').on('monitor_memberships').column('user_id').execute();

  await serial('monitor_tokens')
    .addColumn('user_id', 'integer', (c) => c.notNull().references('monitor_users.id').onDelete('cascade'))
    .addColumn('team_id', 'integer', (c) => c.notNull().references('monitor_teams.id').onDelete('cascade'))
    // HMAC index of the current value, for lookup.
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    // The current value sealed under the master key, so Settings and GET /api/token can show it again.
    .addColumn('token_sealed', 'text', (c) => c.notNull())
    // The value before the last reset, still accepted until grace_until (hitless rotation); null without grace.
    .addColumn('grace_hash', 'text', (c) => c.unique())
    .addColumn('grace_until', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('reset_at', 'text')
    .execute();
  await db.schema
    .createIndex('monitor_tokens_owner')
    .unique()
    .on('monitor_tokens')
    .columns(['user_id', 'team_id'])
    .execute();
}
