import type { Insertable } from 'kysely';
import type { Db, MonitorMembershipRow, MonitorUserRow, MonitorUsersTable } from '../../platform/db/schema.js';
import { isUniqueViolation } from '../../platform/db/unique-violation.js';

/** SQL for Monitor users and their team memberships. */
export class MonitorUsersRepository {
  constructor(private readonly db: Db) {}

  findById(id: number): Promise<MonitorUserRow | undefined> {
    return this.db.selectFrom('monitor_users').selectAll().where('id', '=', id).executeTakeFirst();
  }

  findByIamId(instanceGuid: string, iamId: string): Promise<MonitorUserRow | undefined> {
    return this.db
      .selectFrom('monitor_users')
      .selectAll()
      .where('instance_guid', '=', instanceGuid)
      .where('iam_id', '=', iamId)
      .executeTakeFirst();
  }

  findByUsername(instanceGuid: string, username: string): Promise<MonitorUserRow | undefined> {
    return this.db
      .selectFrom('monitor_users')
      .selectAll()
      .where('instance_guid', '=', instanceGuid)
      .where('username', '=', username)
      .executeTakeFirst();
  }

  /** Inserts a user; undefined when the username is already taken in the instance (a concurrent first request). */
  async insert(user: Insertable<MonitorUsersTable>): Promise<MonitorUserRow | undefined> {
    try {
      return await this.db.insertInto('monitor_users').values(user).returningAll().executeTakeFirstOrThrow();
    } catch (error) {
      if (isUniqueViolation(error)) return undefined;
      throw error;
    }
  }

  async update(id: number, changes: Partial<Omit<MonitorUserRow, 'id' | 'instance_guid'>>): Promise<void> {
    await this.db.updateTable('monitor_users').set(changes).where('id', '=', id).execute();
  }

  /** Every user of an instance, oldest first. */
  listForInstance(instanceGuid: string): Promise<MonitorUserRow[]> {
    return this.db
      .selectFrom('monitor_users')
      .selectAll()
      .where('instance_guid', '=', instanceGuid)
      .orderBy('id', 'asc')
      .execute();
  }

  /**
   * Applies `changes` and bumps the version only if the row is still at `expectedVersion` (optimistic concurrency);
   * false when someone else changed or deleted it first.
   */
  async updateIfVersion(
    id: number,
    expectedVersion: number,
    changes: Partial<Omit<MonitorUserRow, 'id' | 'instance_guid' | 'version'>>,
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('monitor_users')
      .set({ ...changes, version: expectedVersion + 1 })
      .where('id', '=', id)
      .where('version', '=', expectedVersion)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** Deletes a user with its memberships and Monitor API tokens, in one transaction. */
  async deleteWithMemberships(id: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('monitor_tokens').where('user_id', '=', id).execute();
      await trx.deleteFrom('monitor_memberships').where('user_id', '=', id).execute();
      await trx.deleteFrom('monitor_users').where('id', '=', id).execute();
    });
  }

  membershipsOfUser(userId: number): Promise<MonitorMembershipRow[]> {
    return this.db.selectFrom('monitor_memberships').selectAll().where('user_id', '=', userId).execute();
  }

  /** The memberships in any of these teams. */
  async membershipsInTeams(teamIds: readonly number[]): Promise<MonitorMembershipRow[]> {
    if (teamIds.length === 0) return [];
    return this.db.selectFrom('monitor_memberships').selectAll().where('team_id', 'in', teamIds).execute();
  }

  membershipsOfTeam(teamId: number): Promise<MonitorMembershipRow[]> {
    return this.db.selectFrom('monitor_memberships').selectAll().where('team_id', '=', teamId).execute();
  }
}
