import type { ServiceIdRow } from '../../platform/db/schema.js';
import type { ActivityBody, ApiKeyBody } from '../api-keys/api-keys.schema.js';
import { entityTag, serviceIdCrn } from '../ids.js';
import { ibmTime } from '../time.js';
import type { ServiceIdBody } from './service-ids.schema.js';

/** The `entity_tag` of a service ID as it is now: what GET returns and If-Match must name. */
export function serviceIdTag(row: Pick<ServiceIdRow, 'id' | 'version' | 'modified_at'>): string {
  return entityTag(row.version, row.id, row.modified_at);
}

/** A stored service ID in IBM's ServiceId shape. */
export function toServiceIdBody(
  row: ServiceIdRow,
  extra: { showGroupId?: boolean; apikey?: ApiKeyBody; activity?: ActivityBody } = {},
): ServiceIdBody {
  return {
    id: row.id,
    iam_id: row.iam_id,
    entity_tag: serviceIdTag(row),
    crn: serviceIdCrn(row.account_id, row.id),
    locked: row.locked === 1,
    created_at: ibmTime(row.created_at),
    modified_at: ibmTime(row.modified_at),
    account_id: row.account_id,
    ...(extra.showGroupId && row.group_id !== null ? { group_id: row.group_id } : {}),
    name: row.name,
    ...(row.description !== null ? { description: row.description } : {}),
    unique_instance_crns: JSON.parse(row.unique_instance_crns) as string[],
    ...(extra.apikey !== undefined ? { apikey: extra.apikey } : {}),
    ...(extra.activity !== undefined ? { activity: extra.activity } : {}),
  };
}
