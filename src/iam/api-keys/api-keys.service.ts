import type { RequestOrigin } from '../../platform/audit/audit.service.js';
import { isoAt } from '../../platform/clock.js';
import type { ApiKeyRow } from '../../platform/db/schema.js';
import type { Principal } from '../auth/principal.js';
import type { IamContext } from '../context.js';
import { iamErrors } from '../errors.js';
import { ACTIONS } from '../policies/roles.js';
import { ACCOUNT_SCOPE, describeRights } from '../rights/rights.js';
import type {
  ApiKeyBody,
  ApiKeyListBody,
  CreateApiKeyBody,
  ListApiKeysQuery,
  UpdateApiKeyBody,
} from './api-keys.schema.js';
import { apiKeyTag, toApiKeyBody } from './api-keys.view.js';
import { mayPerform } from '../shared/identity-access.js';
import { checkIfMatch } from '../shared/if-match.js';
import { expiryFrom, newApiKey, type ApiKeyOwner } from './new-api-key.js';
import { decodePageToken, pageLinks } from '../shared/paging.js';

export interface CreateApiKeyInput extends CreateApiKeyBody {
  /** `Entity-Lock: true`. */
  readonly locked?: boolean;
  /** `Entity-Disable: true`. */
  readonly disabled?: boolean;
}

type Mode = 'read' | 'manage';
type ApiKeyChanges = Partial<Omit<ApiKeyRow, 'id' | 'account_id' | 'iam_id' | 'key_hash'>>;

const SERVICE_ID_IAM_PREFIX = 'iam-ServiceId-';

/**
 * IBM's API-key rules. Users create and manage their own keys; nobody creates a key for another user; another user's
 * keys need `apiKeyRead`/`apiKeyManage` to be read or changed, and a service ID's keys `serviceIdRead`/`serviceIdManage`
 * (account administrators have all of them), plus every right of the service ID to create one; keys of another
 * account do not exist for the caller (404). A locked key cannot be changed or deleted but still works. Every change
 * bumps the version (hence `entity_tag`) and `modified_at`, is audited, and — when it can end a key's use — is
 * published on the change feed so every process drops its cached copy at once.
 */
export class ApiKeysService {
  constructor(private readonly ctx: IamContext) {}

  async create(principal: Principal, input: CreateApiKeyInput, origin: RequestOrigin): Promise<ApiKeyBody> {
    if (input.account_id !== undefined && input.account_id !== principal.accountId) throw iamErrors.invalidAccountId();
    const owner = await this.ownerForCreate(principal, input.iam_id);
    const key = newApiKey(this.ctx, owner, principal.iamId, input);
    if (await this.ctx.repositories.apiKeys.findByHash(key.row.key_hash)) {
      throw iamErrors.conflict('An API key with this value already exists.');
    }
    await this.ctx.repositories.apiKeys.insert(key.row);
    await this.audit(principal, 'apikey.create', key.row, origin, {
      owner_iam_id: owner.iamId,
      name: key.row.name,
      locked: key.row.locked === 1,
      disabled: key.row.disabled === 1,
    });
    return toApiKeyBody(key.row, { value: key.value });
  }

  async list(principal: Principal, query: ListApiKeysQuery): Promise<ApiKeyListBody> {
    if (query.account_id !== undefined && query.account_id !== principal.accountId) throw iamErrors.invalidAccountId();
    const scope = query.scope ?? 'entity';
    const limit = query.pagesize ?? 20;
    const order = query.order ?? 'asc';
    const offset = decodePageToken(query.pagetoken);
    let iamId = query.iam_id;
    if (scope === 'account') {
      if (!(await mayPerform(this.ctx, principal, ACTIONS.identity.apiKeyRead))) {
        throw iamErrors.forbidden('list the API keys of the account');
      }
    } else {
      iamId ??= principal.iamId;
      if (!isSelf(principal, iamId)) {
        const isServiceId = iamId.startsWith(SERVICE_ID_IAM_PREFIX);
        const action = isServiceId ? ACTIONS.identity.serviceIdRead : ACTIONS.identity.apiKeyRead;
        if (!(await mayPerform(this.ctx, principal, action))) {
          // IBM's answer when a user names someone else's iam_id (platform-services-python-sdk#236).
          throw isServiceId ? iamErrors.forbidden('list the API keys of this service ID') : iamErrors.iamIdMismatch();
        }
      }
    }
    const rows = await this.ctx.repositories.apiKeys.list({
      accountId: principal.accountId,
      ...(iamId !== undefined ? { iamId } : {}),
      ...(query.type !== undefined ? { ownerType: query.type } : {}),
      sort: query.sort ?? 'created_at',
      order,
      offset,
      limit: limit + 1,
    });
    const links = pageLinks(
      `${this.ctx.publicUrl}/v1/apikeys`,
      [
        ['account_id', query.account_id],
        ['iam_id', query.iam_id],
        ['scope', scope],
        ['type', query.type],
        ['sort', query.sort],
        ['order', order],
        ['pagesize', limit],
        ['include_activity', query.include_activity],
      ],
      { offset, limit, hasMore: rows.length > limit },
    );
    const activity = query.include_activity === true;
    return { offset, limit, ...links, apikeys: rows.slice(0, limit).map((row) => toApiKeyBody(row, { activity })) };
  }

  async get(principal: Principal, id: string, options: { includeActivity?: boolean } = {}): Promise<ApiKeyBody> {
    const row = await this.load(principal, id, 'read');
    return toApiKeyBody(row, { activity: options.includeActivity === true });
  }

  /**
   * The metadata of the key whose value is in the `IAM-ApiKey` header. Holding the value is the authority, as on IBM
   * Cloud; the key must still be of the caller's account. Looked up by its HMAC index, so no comparison of secrets
   * happens here; a malformed value is refused before any lookup.
   */
  async details(principal: Principal, value: string | undefined): Promise<ApiKeyBody> {
    if (value === undefined || value.trim() === '') throw iamErrors.missingHeader('IAM-ApiKey');
    const row = await this.ctx.repositories.apiKeys.findByHash(this.ctx.keyring.index(value.trim()));
    if (!row || row.account_id !== principal.accountId) throw iamErrors.apiKeyValueNotFound();
    return toApiKeyBody(row);
  }

  async update(
    principal: Principal,
    id: string,
    ifMatch: string | undefined,
    changes: UpdateApiKeyBody,
    origin: RequestOrigin,
  ): Promise<ApiKeyBody> {
    const row = await this.load(principal, id, 'manage');
    checkIfMatch(ifMatch, apiKeyTag(row));
    if (row.locked === 1) throw iamErrors.locked('API key');
    const update: ApiKeyChanges = {};
    if (changes.name !== undefined) update.name = changes.name;
    if (changes.description !== undefined) update.description = changes.description;
    if (changes.support_sessions !== undefined) update.support_sessions = changes.support_sessions ? 1 : 0;
    if (changes.action_when_leaked !== undefined) update.action_when_leaked = changes.action_when_leaked;
    if (changes.expires_at !== undefined) {
      update.expires_at =
        changes.expires_at === null || changes.expires_at === '' ? null : expiryFrom(changes.expires_at);
    }
    const updated = await this.write(row, update);
    await this.audit(principal, 'apikey.update', row, origin, { fields: Object.keys(update).sort().join(',') });
    if (update.expires_at !== undefined) await this.publish(row.id);
    return toApiKeyBody(updated);
  }

  async delete(principal: Principal, id: string, origin: RequestOrigin): Promise<void> {
    const row = await this.load(principal, id, 'manage');
    if (row.locked === 1) throw iamErrors.locked('API key');
    await this.ctx.repositories.apiKeys.deleteWithTokens(row.id);
    await this.publish(row.id);
    await this.audit(principal, 'apikey.delete', row, origin, { name: row.name });
  }

  /** Locks or unlocks a key (204 either way; setting the state it already has changes nothing). */
  async setLocked(principal: Principal, id: string, locked: boolean, origin: RequestOrigin): Promise<void> {
    const row = await this.load(principal, id, 'manage');
    if ((row.locked === 1) === locked) return;
    await this.write(row, { locked: locked ? 1 : 0 });
    await this.audit(principal, locked ? 'apikey.lock' : 'apikey.unlock', row, origin);
  }

  /** Disables or enables a key; a disabled key obtains no tokens, and tokens it obtained stop working at once. */
  async setDisabled(principal: Principal, id: string, disabled: boolean, origin: RequestOrigin): Promise<void> {
    const row = await this.load(principal, id, 'manage');
    if (row.locked === 1) throw iamErrors.locked('API key');
    if ((row.disabled === 1) === disabled) return;
    await this.write(row, { disabled: disabled ? 1 : 0 });
    await this.publish(row.id);
    await this.audit(principal, disabled ? 'apikey.disable' : 'apikey.enable', row, origin);
  }

  /**
   * The owner of a new key. A user's keys are created by that user only (IBM's rule; an administrator neither): the
   * key would act with all of the user's access. A service ID's key takes `serviceIdManage` and, since the key acts
   * with everything the service ID may do, holding every right the service ID holds (docs/IAM.md, "Who may obtain
   * which credential").
   */
  private async ownerForCreate(principal: Principal, iamId: string): Promise<ApiKeyOwner> {
    const { users, serviceIds } = this.ctx.repositories;
    if (iamId.startsWith(SERVICE_ID_IAM_PREFIX)) {
      if (!(await mayPerform(this.ctx, principal, ACTIONS.identity.serviceIdManage))) {
        throw iamErrors.forbidden('create API keys for service IDs');
      }
      const serviceId = await serviceIds.findByIamId(iamId);
      if (!serviceId || serviceId.account_id !== principal.accountId) throw iamErrors.notFound('ServiceId', iamId);
      if (serviceId.locked === 1) throw iamErrors.locked('service ID');
      const target = { kind: 'serviceid', iamId, accountId: serviceId.account_id, isAccountAdmin: false } as const;
      const missing = await this.ctx.rights.notHeldBy(principal, target, ACCOUNT_SCOPE);
      if (missing.length > 0) {
        throw iamErrors.forbidden(
          `create an API key for this service ID: it holds access you do not (${describeRights(missing)})`,
        );
      }
      return { iamId, type: 'serviceid', accountId: principal.accountId };
    }
    if (!isSelf(principal, iamId)) {
      throw iamErrors.forbidden("create API keys for other users: a user's API keys are created by that user only");
    }
    const user = await users.findByIamId(iamId);
    if (!user || user.account_id !== principal.accountId) throw iamErrors.notFound('User', iamId);
    return { iamId, type: 'user', accountId: principal.accountId };
  }

  /** A key the principal may read or manage; another account's key, or none, is 404, a forbidden one 403. */
  private async load(principal: Principal, id: string, mode: Mode): Promise<ApiKeyRow> {
    const row = await this.ctx.repositories.apiKeys.findById(id);
    if (!row || row.account_id !== principal.accountId) throw iamErrors.notFound('ApiKey', id);
    if (isSelf(principal, row.iam_id)) return row;
    const { identity } = ACTIONS;
    const action =
      row.owner_type === 'serviceid'
        ? mode === 'read'
          ? identity.serviceIdRead
          : identity.serviceIdManage
        : mode === 'read'
          ? identity.apiKeyRead
          : identity.apiKeyManage;
    if (!(await mayPerform(this.ctx, principal, action))) {
      throw iamErrors.forbidden(mode === 'read' ? 'read this API key' : 'change this API key');
    }
    return row;
  }

  /** Writes a change with the next version and modification time, unless someone changed the key meanwhile (409). */
  private async write(row: ApiKeyRow, changes: ApiKeyChanges): Promise<ApiKeyRow> {
    const next = { ...changes, version: row.version + 1, modified_at: isoAt(this.ctx.clock.now()) };
    if (!(await this.ctx.repositories.apiKeys.update(row.id, row.version, next))) throw iamErrors.staleEntityTag();
    return { ...row, ...next };
  }

  private publish(id: string): Promise<void> {
    return this.ctx.feed.publish({ topic: 'apikey', key: id });
  }

  private audit(
    principal: Principal,
    action: string,
    row: ApiKeyRow,
    origin: RequestOrigin,
    details: Readonly<Record<string, string | number | boolean | null>> = {},
  ): Promise<void> {
    return this.ctx.audit.record(
      {
        accountId: row.account_id,
        action,
        actorIamId: principal.iamId,
        targetType: 'apikey',
        targetId: row.id,
        details: { owner_iam_id: row.iam_id, ...details },
      },
      origin,
    );
  }
}

/** A user acting on their own keys needs no policy; service IDs act only through their policies. */
function isSelf(principal: Principal, iamId: string): boolean {
  return principal.kind === 'user' && principal.iamId === iamId;
}
