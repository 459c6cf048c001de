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

  membershipsOfUser(userId: number): Promise<MonitorMembershipRow[]> {
    return this.db.selectFrom('monitor_memberships').selectAll().where('user_id', '=', userId).execute();
  }

  membershipsOfTeam(teamId: number): Promise<MonitorMembershipRow[]> {
    return this.db.selectFrom('monitor_memberships').selectAll().where('team_id', '=', teamId).execute();
  }
}
