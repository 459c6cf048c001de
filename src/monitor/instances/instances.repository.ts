import type { Db, MonitorInstanceRow, MonitorTeamsTable } from '../../platform/db/schema.js';
import { isUniqueViolation } from '../../platform/db/unique-violation.js';

export type InstanceChanges = Partial<Pick<MonitorInstanceRow, 'name' | 'settings' | 'modified_at'>>;

/** Remembers, per account, that the first start created its `default` instance (so it is created once only). */
const DEFAULT_INSTANCE_SETTING = (accountId: string) => `monitor.default_instance.${accountId}`;

/** SQL for monitoring instances. */
export class InstancesRepository {
  constructor(private readonly db: Db) {}

  findByGuid(guid: string): Promise<MonitorInstanceRow | undefined> {
    return this.db.selectFrom('monitor_instances').selectAll().where('guid', '=', guid).executeTakeFirst();
  }

  findByName(accountId: string, name: string): Promise<MonitorInstanceRow | undefined> {
    return this.db
      .selectFrom('monitor_instances')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('name', '=', name)
      .executeTakeFirst();
  }

  /** The account's instances, oldest first. */
  listForAccount(accountId: string): Promise<MonitorInstanceRow[]> {
    return this.db
      .selectFrom('monitor_instances')
      .selectAll()
      .where('account_id', '=', accountId)
      .orderBy('created_at', 'asc')
      .orderBy('name', 'asc')
      .execute();
  }

  /**
   * Inserts an instance with its default team in one transaction (and, for the first start's instance, the note that
   * it was created); false when the account already has an instance of that name.
   */
  async insertWithDefaultTeam(
    instance: MonitorInstanceRow,
    team: Omit<MonitorTeamsTable, 'id'>,
    options: { markAsDefault?: boolean } = {},
  ): Promise<boolean> {
    try {
      await this.db.transaction().execute(async (trx) => {
        await trx.insertInto('monitor_instances').values(instance).execute();
        await trx.insertInto('monitor_teams').values(team).execute();
        if (options.markAsDefault) {
          await trx
            .insertInto('settings')
            .values({ key: DEFAULT_INSTANCE_SETTING(instance.account_id), value: instance.guid })
            .execute();
        }
      });
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  /** The guid of the instance the first start created for the account, if it did. */
  async defaultInstanceGuid(accountId: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('settings')
      .select('value')
      .where('key', '=', DEFAULT_INSTANCE_SETTING(accountId))
      .executeTakeFirst();
    return row?.value;
  }

  /** Notes an existing instance as the account's first-start instance (no-op if one is noted already). */
  async markDefault(accountId: string, guid: string): Promise<void> {
    try {
      await this.db
        .insertInto('settings')
        .values({ key: DEFAULT_INSTANCE_SETTING(accountId), value: guid })
        .execute();
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
  }

  /**
   * Applies `changes` and the next version if the instance is still at `expectedVersion`; `stale` when someone changed
   * it first, `name_taken` when the account has another instance of the new name.
   */
  async update(
    guid: string,
    expectedVersion: number,
    changes: InstanceChanges,
  ): Promise<'updated' | 'stale' | 'name_taken'> {
    try {
      const result = await this.db
        .updateTable('monitor_instances')
        .set({ ...changes, version: expectedVersion + 1 })
        .where('guid', '=', guid)
        .where('version', '=', expectedVersion)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n ? 'updated' : 'stale';
    } catch (error) {
      if (isUniqueViolation(error)) return 'name_taken';
      throw error;
    }
  }

  /** Deletes an instance with everything in it: teams, Monitor users, memberships and Monitor API tokens. */
  async delete(guid: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const teams = trx.selectFrom('monitor_teams').select('id').where('instance_guid', '=', guid);
      const users = trx.selectFrom('monitor_users').select('id').where('instance_guid', '=', guid);
      await trx
        .deleteFrom('monitor_tokens')
        .where((eb) => eb.or([eb('team_id', 'in', teams), eb('user_id', 'in', users)]))
        .execute();
      await trx.deleteFrom('monitor_memberships').where('team_id', 'in', teams).execute();
      await trx.deleteFrom('monitor_users').where('instance_guid', '=', guid).execute();
      await trx.deleteFrom('monitor_teams').where('instance_guid', '=', guid).execute();
      await trx.deleteFrom('monitor_instances').where('guid', '=', guid).execute();
    });
  }
}
