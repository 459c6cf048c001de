import type { Db, MonitorTeamRow } from '../../platform/db/schema.js';

/** SQL for teams. */
export class TeamsRepository {
  constructor(private readonly db: Db) {}

  findById(id: number): Promise<MonitorTeamRow | undefined> {
    return this.db.selectFrom('monitor_teams').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** The instance's teams by id (the default team, Monitor Operations, is created first). */
  listForInstance(instanceGuid: string): Promise<MonitorTeamRow[]> {
    return this.db
      .selectFrom('monitor_teams')
      .selectAll()
      .where('instance_guid', '=', instanceGuid)
      .orderBy('id', 'asc')
      .execute();
  }
}
