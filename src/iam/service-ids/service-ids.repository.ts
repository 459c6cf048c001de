import type { Db, ServiceIdRow } from '../../platform/db/schema.js';

/** SQL for service IDs. */
export class ServiceIdsRepository {
  constructor(private readonly db: Db) {}

  findById(id: string): Promise<ServiceIdRow | undefined> {
    return this.db.selectFrom('service_ids').selectAll().where('id', '=', id).executeTakeFirst();
  }

  findByIamId(iamId: string): Promise<ServiceIdRow | undefined> {
    return this.db.selectFrom('service_ids').selectAll().where('iam_id', '=', iamId).executeTakeFirst();
  }
}
