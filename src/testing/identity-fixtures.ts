import { isoAt } from '../platform/clock.js';
import { cryptoRandom } from '../platform/crypto/random.js';
import { generateSecret } from '../platform/crypto/secret-token.js';
import { ids } from '../iam/ids.js';
import { roleCrn, type RoleName } from '../iam/policies/roles.js';
import type { TestApp } from './test-app.js';

/**
 * Identities written straight to the database, for tests whose subject is not the API that creates them: service IDs
 * and API keys (the key's value exists only in memory; the row holds its index).
 */

export interface TestServiceId {
  readonly id: string;
  readonly iamId: string;
  readonly name: string;
  readonly accountId: string;
}

export interface TestApiKey {
  readonly id: string;
  /** The secret, generated at test time. */
  readonly value: string;
  readonly iamId: string;
}

/** Inserts a service ID row. */
export async function createServiceId(app: TestApp, accountId = app.accountId, name?: string): Promise<TestServiceId> {
  const id = ids.serviceId(cryptoRandom);
  const iamId = ids.serviceIdIamId(id);
  const now = isoAt(app.clock.now());
  name ??= `sid-${id.slice(-6)}`;
  await app.database.db
    .insertInto('service_ids')
    .values({
      id,
      iam_id: iamId,
      account_id: accountId,
      name,
      description: null,
      group_id: null,
      unique_instance_crns: '[]',
      locked: 0,
      version: 1,
      created_by: app.admin.iamId,
      created_at: now,
      modified_at: now,
    })
    .execute();
  return { id, iamId, name, accountId };
}

/** Inserts an API key row for a user or service ID; the value exists only in memory, the row holds its index. */
export async function createApiKey(
  app: TestApp,
  owner: { iamId: string; accountId: string },
  options: { disabled?: boolean; locked?: boolean; expiresAt?: string | null } = {},
): Promise<TestApiKey> {
  const value = generateSecret('apiKey', cryptoRandom);
  const id = ids.apiKey(cryptoRandom);
  const now = isoAt(app.clock.now());
  await app.database.db
    .insertInto('api_keys')
    .values({
      id,
      account_id: owner.accountId,
      iam_id: owner.iamId,
      owner_type: owner.iamId.startsWith('iam-ServiceId-') ? 'serviceid' : 'user',
      name: `key-${id.slice(-6)}`,
      description: null,
      key_hash: app.iam.ctx.keyring.index(value),
      locked: options.locked ? 1 : 0,
      disabled: options.disabled ? 1 : 0,
      support_sessions: 0,
      action_when_leaked: 'none',
      expires_at: options.expiresAt ?? null,
      version: 1,
      created_by: owner.iamId,
      created_at: now,
      modified_at: now,
      last_authn: null,
      authn_count: 0,
    })
    .execute();
  return { id, value, iamId: owner.iamId };
}

/**
 * Inserts an active policy giving `iamId` a role on the resource with these attributes (after `accountId`), as
 * POST /v1/policies would store it, and announces it on the change feed; returns the policy id.
 */
export async function insertPolicy(
  app: TestApp,
  iamId: string,
  role: RoleName,
  attributes: readonly { name: string; value: string }[],
  accountId = app.accountId,
): Promise<string> {
  const now = isoAt(app.clock.now());
  const id = cryptoRandom.uuid();
  await app.database.db
    .insertInto('policies')
    .values({
      id,
      account_id: accountId,
      type: 'access',
      description: null,
      subjects: JSON.stringify([{ attributes: [{ name: 'iam_id', value: iamId }] }]),
      roles: JSON.stringify([{ role_id: roleCrn(role) }]),
      resources: JSON.stringify([{ attributes: [{ name: 'accountId', value: accountId }, ...attributes] }]),
      subject_iam_id: iamId,
      fingerprint: cryptoRandom.uuid(),
      state: 'active',
      version: 1,
      created_at: now,
      created_by_id: app.admin.iamId,
      last_modified_at: now,
      last_modified_by_id: app.admin.iamId,
    })
    .execute();
  await app.feed.publish({ topic: 'policy', key: iamId });
  return id;
}

/** Gives `iamId` a platform role on `iam-identity` in the app's account; returns the policy id. */
export function grantIdentityRole(app: TestApp, iamId: string, role: RoleName): Promise<string> {
  return insertPolicy(app, iamId, role, [{ name: 'serviceName', value: 'iam-identity' }]);
}
