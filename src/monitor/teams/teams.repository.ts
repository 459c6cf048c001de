import type { Insertable, Transaction } from 'kysely';
import type { Database, Db, MonitorTeamRow, MonitorTeamsTable } from '../../platform/db/schema.js';
import { isUniqueViolation } from '../../platform/db/unique-violation.js';

/** A membership with what a team's `userRoles` shows of its user. */
export interface TeamMember {
  readonly team_id: number;
  readonly user_id: number;
  readonly role: string;
  readonly username: string;
  readonly system_role: string;
}

/** A team's memberships as they should be: user id → role. */
export type MembershipSet = ReadonlyMap<number, string>;

/** What replacing a team's memberships changed, by user id. */
export interface MembershipChanges {
  readonly added: number[];
  readonly removed: number[];
  readonly changed: number[];
}

export type TeamChanges = Partial<
  Pick<MonitorTeamRow, 'name' | 'description' | 'filter' | 'scope' | 'settings' | 'modified_at'>
>;

export type TeamUpdateResult =
  | { readonly outcome: 'updated'; readonly memberships: MembershipChanges }
  | { readonly outcome: 'stale' }
  | { readonly outcome: 'name_taken' };

const NO_CHANGES: MembershipChanges = { added: [], removed: [], changed: [] };

/** SQL for teams and their memberships. */
export class TeamsRepository {
  constructor(private readonly db: Db) {}

  findById(id: number): Promise<MonitorTeamRow | undefined> {
    return this.db.selectFrom('monitor_teams').selectAll().where('id', '=', id).executeTakeFirst();
  }

  findByName(instanceGuid: string, name: string): Promise<MonitorTeamRow | undefined> {
    return this.db
      .selectFrom('monitor_teams')
      .selectAll()
      .where('instance_guid', '=', instanceGuid)
      .where('name', '=', name)
      .executeTakeFirst();
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

  /** The memberships of these teams with their users' names, by user id. */
  async membersOf(teamIds: readonly number[]): Promise<TeamMember[]> {
    if (teamIds.length === 0) return [];
    return this.db
      .selectFrom('monitor_memberships as m')
      .innerJoin('monitor_users as u', 'u.id', 'm.user_id')
      .select(['m.team_id', 'm.user_id', 'm.role', 'u.username', 'u.system_role'])
      .where('m.team_id', 'in', [...teamIds])
      .orderBy('m.team_id', 'asc')
      .orderBy('m.user_id', 'asc')
      .execute();
  }

  /** Which of these Monitor user ids are users of the instance. */
  async existingUserIds(instanceGuid: string, userIds: readonly number[]): Promise<Set<number>> {
    if (userIds.length === 0) return new Set();
    const rows = await this.db
      .selectFrom('monitor_users')
      .select('id')
      .where('instance_guid', '=', instanceGuid)
      .where('id', 'in', [...userIds])
      .execute();
    return new Set(rows.map((r) => r.id));
  }

  /** Inserts a team with its memberships; undefined when the instance already has a team of that name. */
  async insert(team: Insertable<MonitorTeamsTable>, memberships: MembershipSet): Promise<MonitorTeamRow | undefined> {
    try {
      return await this.db.transaction().execute(async (trx) => {
        const row = await trx.insertInto('monitor_teams').values(team).returningAll().executeTakeFirstOrThrow();
        await replaceMemberships(trx, row.id, memberships, team.created_at);
        return row;
      });
    } catch (error) {
      if (isUniqueViolation(error)) return undefined;
      throw error;
    }
  }

  /**
   * Applies `changes` and the next version if the team is still at `expectedVersion` (optimistic concurrency), and
   * replaces its memberships when `memberships` is given, in one transaction.
   */
  async update(
    id: number,
    expectedVersion: number,
    changes: TeamChanges,
    memberships: MembershipSet | undefined,
    now: string,
  ): Promise<TeamUpdateResult> {
    try {
      return await this.db.transaction().execute(async (trx): Promise<TeamUpdateResult> => {
        const result = await trx
          .updateTable('monitor_teams')
          .set({ ...changes, version: expectedVersion + 1 })
          .where('id', '=', id)
          .where('version', '=', expectedVersion)
          .executeTakeFirst();
        if (result.numUpdatedRows === 0n) return { outcome: 'stale' };
        const changed = memberships ? await replaceMemberships(trx, id, memberships, now) : NO_CHANGES;
        return { outcome: 'updated', memberships: changed };
      });
    } catch (error) {
      if (isUniqueViolation(error)) return { outcome: 'name_taken' };
      throw error;
    }
  }

  /**
   * Deletes a team with its memberships and the Monitor API tokens of that team; users whose current team it was get
   * none (their next request chooses another).
   */
  async delete(id: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('monitor_users').set({ current_team_id: null }).where('current_team_id', '=', id).execute();
      await trx.deleteFrom('monitor_tokens').where('team_id', '=', id).execute();
      await trx.deleteFrom('monitor_memberships').where('team_id', '=', id).execute();
      await trx.deleteFrom('monitor_teams').where('id', '=', id).execute();
    });
  }
}

/** Makes a team's memberships exactly `wanted`, keeping the creation time of those that stay. */
async function replaceMemberships(
  trx: Transaction<Database>,
  teamId: number,
  wanted: MembershipSet,
  now: string,
): Promise<MembershipChanges> {
  const current = await trx.selectFrom('monitor_memberships').selectAll().where('team_id', '=', teamId).execute();
  const currentRoles = new Map(current.map((m) => [m.user_id, m.role]));
  const removed = [...currentRoles.keys()].filter((userId) => !wanted.has(userId));
  const added: number[] = [];
  const changed: number[] = [];
  for (const [userId, role] of wanted) {
    const before = currentRoles.get(userId);
    if (before === undefined) added.push(userId);
    else if (before !== role) changed.push(userId);
  }
  if (removed.length > 0) {
    await trx.deleteFrom('monitor_memberships').where('team_id', '=', teamId).where('user_id', 'in', removed).execute();
  }
  for (const userId of changed) {
    await trx
      .updateTable('monitor_memberships')
      .set({ role: wanted.get(userId) as string })
      .where('team_id', '=', teamId)
      .where('user_id', '=', userId)
      .execute();
  }
  if (added.length > 0) {
    await trx
      .insertInto('monitor_memberships')
      .values(
        added.map((userId) => ({
          team_id: teamId,
          user_id: userId,
          role: wanted.get(userId) as string,
          created_at: now,
        })),
      )
      .execute();
  }
  return { added, removed, changed };
}
