import type { Db, MonitorTokenRow } from '../../platform/db/schema.js';

/** SQL for Monitor API tokens. */
export class MonitorTokensRepository {
  constructor(private readonly db: Db) {}

  /** The token whose current value, or whose previous value still in its grace period, has this index. */
  findByHash(hash: string): Promise<MonitorTokenRow | undefined> {
    return this.db
      .selectFrom('monitor_tokens')
      .selectAll()
      .where((eb) => eb.or([eb('token_hash', '=', hash), eb('grace_hash', '=', hash)]))
      .executeTakeFirst();
  }

  findFor(userId: number, teamId: number): Promise<MonitorTokenRow | undefined> {
    return this.db
      .selectFrom('monitor_tokens')
      .selectAll()
      .where('user_id', '=', userId)
      .where('team_id', '=', teamId)
      .executeTakeFirst();
  }
}
