import type { ApiKeyRow } from '../../platform/db/schema.js';
import { apiKeyCrn, entityTag } from '../ids.js';
import { ibmTime } from '../time.js';
import type { ActivityBody, ApiKeyBody } from './api-keys.schema.js';

/** The `entity_tag` of a key as it is now: what GET returns and If-Match must name. */
export function apiKeyTag(row: Pick<ApiKeyRow, 'id' | 'version' | 'modified_at'>): string {
  return entityTag(row.version, row.id, row.modified_at);
}

/** `{last_authn?, authn_count}`, IBM's Activity. */
export function activityOf(lastAuthn: string | null, authnCount: number): ActivityBody {
  return { ...(lastAuthn !== null ? { last_authn: ibmTime(lastAuthn) } : {}), authn_count: authnCount };
}

/**
 * A stored key in IBM's ApiKey shape. The value is added only when the caller has it in hand (create); nothing of
 * the row's hash is ever copied.
 */
export function toApiKeyBody(row: ApiKeyRow, extra: { value?: string; activity?: boolean } = {}): ApiKeyBody {
  return {
    id: row.id,
    entity_tag: apiKeyTag(row),
    crn: apiKeyCrn(row.account_id, row.id),
    locked: row.locked === 1,
    disabled: row.disabled === 1,
    created_at: ibmTime(row.created_at),
    created_by: row.created_by,
    modified_at: ibmTime(row.modified_at),
    name: row.name,
    support_sessions: row.support_sessions === 1,
    action_when_leaked: row.action_when_leaked,
    ...(row.expires_at !== null ? { expires_at: ibmTime(row.expires_at) } : {}),
    ...(row.description !== null ? { description: row.description } : {}),
    iam_id: row.iam_id,
    account_id: row.account_id,
    ...(extra.value !== undefined ? { apikey: extra.value } : {}),
    ...(extra.activity ? { activity: activityOf(row.last_authn, Number(row.authn_count)) } : {}),
  };
}
