import { isoAt } from '../../platform/clock.js';
import { generateSecret, isWellFormedSecret } from '../../platform/crypto/secret-token.js';
import type { ApiKeyRow } from '../../platform/db/schema.js';
import type { IamContext } from '../context.js';
import { iamErrors } from '../errors.js';
import { ids } from '../ids.js';
import { parseClientTime } from '../time.js';
import type { NewApiKeyBody } from './api-keys.schema.js';

export interface ApiKeyOwner {
  readonly iamId: string;
  readonly type: 'user' | 'serviceid';
  readonly accountId: string;
}

export interface NewApiKey {
  readonly row: ApiKeyRow;
  /** The value, to be shown once and then forgotten. */
  readonly value: string;
}

/**
 * Builds a new key for an owner, without storing it: the value is generated (or a client's own value is taken if it
 * is a well-formed vigil key, so it still passes the checksum gate of the token endpoint) and only its HMAC index
 * goes into the row. Shared by `POST /v1/apikeys` and a service ID created with a nested `apikey`.
 */
export function newApiKey(
  ctx: Pick<IamContext, 'clock' | 'random' | 'keyring'>,
  owner: ApiKeyOwner,
  createdBy: string,
  input: NewApiKeyBody & { readonly locked?: boolean; readonly disabled?: boolean },
): NewApiKey {
  if (input.apikey !== undefined && !isWellFormedSecret('apiKey', input.apikey)) throw iamErrors.malformedApiKey();
  const value = input.apikey ?? generateSecret('apiKey', ctx.random);
  const now = isoAt(ctx.clock.now());
  return {
    value,
    row: {
      id: ids.apiKey(ctx.random),
      account_id: owner.accountId,
      iam_id: owner.iamId,
      owner_type: owner.type,
      name: input.name,
      description: input.description ?? null,
      key_hash: ctx.keyring.index(value),
      locked: input.locked ? 1 : 0,
      disabled: input.disabled ? 1 : 0,
      support_sessions: input.support_sessions ? 1 : 0,
      action_when_leaked: input.action_when_leaked ?? 'none',
      expires_at: input.expires_at !== undefined ? expiryFrom(input.expires_at) : null,
      version: 1,
      created_by: createdBy,
      created_at: now,
      modified_at: now,
      last_authn: null,
      authn_count: 0,
    },
  };
}

/** A client's `expires_at` as stored ISO text; a value that is not a date is a 400. */
export function expiryFrom(value: string): string {
  const parsed = parseClientTime(value);
  // Four-digit years only: stored timestamps must keep sorting as text.
  if (parsed === undefined || !/^\d{4}-/.test(parsed)) throw iamErrors.invalidExpiry();
  return parsed;
}
