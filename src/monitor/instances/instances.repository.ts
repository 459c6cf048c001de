import type { Db, MonitorInstanceRow } from '../../platform/db/schema.js';

/** SQL for monitoring instances. */
export class InstancesRepository {
  constructor(private readonly db: Db) {}

  findByGuid(guid: string): Promise<MonitorInstanceRow | undefined> {
    return this.db.selectFrom('monitor_instances').selectAll().where('guid', '=', guid).executeTakeFirst();
  }
}
