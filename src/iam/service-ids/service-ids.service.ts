import type { RequestOrigin } from '../../platform/audit/audit.service.js';
import { isoAt } from '../../platform/clock.js';
import type { ServiceIdRow } from '../../platform/db/schema.js';
import { activityOf, toApiKeyBody } from '../api-keys/api-keys.view.js';
import { mayPerform } from '../shared/identity-access.js';
import { checkIfMatch } from '../shared/if-match.js';
import { newApiKey } from '../api-keys/new-api-key.js';
import { decodePageToken, pageLinks } from '../shared/paging.js';
import type { Principal } from '../auth/principal.js';
import type { IamContext } from '../context.js';
import { iamErrors } from '../errors.js';
import { ids } from '../ids.js';
import { ACTIONS } from '../policies/roles.js';
import type { ServiceIdChanges } from './service-ids.repository.js';
import type {
  CreateServiceIdBody,
  ListServiceIdsQuery,
  ServiceIdBody,
  ServiceIdListBody,
  UpdateServiceIdBody,
} from './service-ids.schema.js';
import { serviceIdTag, toServiceIdBody } from './service-ids.view.js';

export interface CreateServiceIdInput extends CreateServiceIdBody {
  /** `Entity-Lock: true`. */
  readonly locked?: boolean;
}

export interface ServiceIdView {
  /** `show_group_id=true`. */
  readonly showGroupId?: boolean;
}

/**
 * IBM's service-ID rules. Reading needs `serviceIdRead`, every change `serviceIdManage` (Viewer / Editor on
 * `iam-identity`; account administrators have both); service IDs of another account do not exist for the caller
 * (404). A locked service ID cannot be changed or deleted. Deleting one deletes its API keys and policies and tells
 * every process at once, so its tokens stop working. Every change bumps `entity_tag` and is audited.
 */
export class ServiceIdsService {
  constructor(private readonly ctx: IamContext) {}

  async create(
    principal: Principal,
    input: CreateServiceIdInput,
    view: ServiceIdView,
    origin: RequestOrigin,
  ): Promise<ServiceIdBody> {
    await this.require(principal, 'manage');
    if (input.account_id !== principal.accountId) throw iamErrors.invalidAccountId();
    const now = isoAt(this.ctx.clock.now());
    const id = ids.serviceId(this.ctx.random);
    const row: ServiceIdRow = {
      id,
      iam_id: ids.serviceIdIamId(id),
      account_id: principal.accountId,
      name: input.name,
      description: input.description ?? null,
      group_id: input.group_id ?? null,
      unique_instance_crns: JSON.stringify(input.unique_instance_crns ?? []),
      locked: input.locked ? 1 : 0,
      version: 1,
      created_by: principal.iamId,
      created_at: now,
      modified_at: now,
    };
    const key = input.apikey
      ? newApiKey(
          this.ctx,
          { iamId: row.iam_id, type: 'serviceid', accountId: row.account_id },
          principal.iamId,
          input.apikey,
        )
      : undefined;
    if (key && (await this.ctx.repositories.apiKeys.findByHash(key.row.key_hash))) {
      throw iamErrors.conflict('An API key with this value already exists.');
    }
    await this.ctx.repositories.serviceIds.insert(row, key?.row);
    await this.audit(principal, 'serviceid.create', row, origin, {
      name: row.name,
      locked: row.locked === 1,
      ...(key ? { apikey_id: key.row.id } : {}),
    });
    if (key) {
      await this.ctx.audit.record(
        {
          accountId: row.account_id,
          action: 'apikey.create',
          actorIamId: principal.iamId,
          targetType: 'apikey',
          targetId: key.row.id,
          details: { owner_iam_id: row.iam_id, name: key.row.name, locked: false, disabled: false },
        },
        origin,
      );
    }
    return toServiceIdBody(row, {
      ...view,
      ...(key ? { apikey: toApiKeyBody(key.row, { value: key.value }) } : {}),
    });
  }

  async list(principal: Principal, query: ListServiceIdsQuery): Promise<ServiceIdListBody> {
    if (query.account_id === undefined && query.pagetoken === undefined) {
      throw iamErrors.missingQueryParameter('account_id');
    }
    if (query.account_id !== undefined && query.account_id !== principal.accountId) throw iamErrors.invalidAccountId();
    await this.require(principal, 'read');
    const limit = query.pagesize ?? 20;
    const order = query.order ?? 'asc';
    const offset = decodePageToken(query.pagetoken);
    const rows = await this.ctx.repositories.serviceIds.list({
      accountId: principal.accountId,
      ...(query.name !== undefined ? { name: query.name } : {}),
      ...(query.group_id !== undefined ? { groupId: query.group_id } : {}),
      sort: query.sort ?? 'created_at',
      order,
      offset,
      limit: limit + 1,
    });
    const links = pageLinks(
      `${this.ctx.publicUrl}/v1/serviceids`,
      [
        ['account_id', principal.accountId],
        ['group_id', query.group_id],
        ['name', query.name],
        ['sort', query.sort],
        ['order', order],
        ['pagesize', limit],
        ['show_group_id', query.show_group_id],
      ],
      { offset, limit, hasMore: rows.length > limit },
    );
    const showGroupId = query.show_group_id === true;
    return {
      offset,
      limit,
      ...links,
      serviceids: rows.slice(0, limit).map((row) => toServiceIdBody(row, { showGroupId })),
    };
  }

  async get(
    principal: Principal,
    id: string,
    options: ServiceIdView & { includeActivity?: boolean } = {},
  ): Promise<ServiceIdBody> {
    const row = await this.load(principal, id, 'read');
    if (!options.includeActivity) return toServiceIdBody(row, options);
    const { lastAuthn, authnCount } = await this.ctx.repositories.serviceIds.activity(row.iam_id);
    return toServiceIdBody(row, { ...options, activity: activityOf(lastAuthn, authnCount) });
  }

  async update(
    principal: Principal,
    id: string,
    ifMatch: string | undefined,
    changes: UpdateServiceIdBody,
    view: ServiceIdView,
    origin: RequestOrigin,
  ): Promise<ServiceIdBody> {
    const row = await this.load(principal, id, 'manage');
    checkIfMatch(ifMatch, serviceIdTag(row));
    if (row.locked === 1) throw iamErrors.locked('service ID');
    const update: ServiceIdChanges = {};
    if (changes.name !== undefined) update.name = changes.name;
    if (changes.description !== undefined) update.description = changes.description;
    if (changes.unique_instance_crns !== undefined) {
      update.unique_instance_crns = JSON.stringify(changes.unique_instance_crns);
    }
    const updated = await this.write(row, update);
    await this.audit(principal, 'serviceid.update', row, origin, { fields: Object.keys(update).sort().join(',') });
    if (update.name !== undefined) await this.ctx.feed.publish({ topic: 'serviceid', key: row.iam_id });
    return toServiceIdBody(updated, view);
  }

  async delete(principal: Principal, id: string, origin: RequestOrigin): Promise<void> {
    const row = await this.load(principal, id, 'manage');
    if (row.locked === 1) throw iamErrors.locked('service ID');
    const keyIds = await this.ctx.repositories.serviceIds.deleteWithCredentials(row);
    await this.ctx.feed.publish({ topic: 'serviceid', key: row.iam_id });
    await this.ctx.feed.publish({ topic: 'policy', key: row.iam_id });
    for (const keyId of keyIds) await this.ctx.feed.publish({ topic: 'apikey', key: keyId });
    await this.audit(principal, 'serviceid.delete', row, origin, { name: row.name, apikeys_deleted: keyIds.length });
    for (const keyId of keyIds) {
      await this.ctx.audit.record(
        {
          accountId: row.account_id,
          action: 'apikey.delete',
          actorIamId: principal.iamId,
          targetType: 'apikey',
          targetId: keyId,
          details: { owner_iam_id: row.iam_id, reason: 'serviceid.delete' },
        },
        origin,
      );
    }
  }

  /** Locks or unlocks a service ID (204 either way; setting the state it already has changes nothing). */
  async setLocked(principal: Principal, id: string, locked: boolean, origin: RequestOrigin): Promise<void> {
    const row = await this.load(principal, id, 'manage');
    if ((row.locked === 1) === locked) return;
    await this.write(row, { locked: locked ? 1 : 0 });
    await this.audit(principal, locked ? 'serviceid.lock' : 'serviceid.unlock', row, origin);
  }

  private async require(principal: Principal, mode: 'read' | 'manage'): Promise<void> {
    const action = mode === 'read' ? ACTIONS.identity.serviceIdRead : ACTIONS.identity.serviceIdManage;
    if (!(await mayPerform(this.ctx, principal, action))) {
      throw iamErrors.forbidden(mode === 'read' ? 'read service IDs' : 'manage service IDs');
    }
  }

  /** A service ID of the caller's account the caller may read or manage; any other id is 404, a forbidden one 403. */
  private async load(principal: Principal, id: string, mode: 'read' | 'manage'): Promise<ServiceIdRow> {
    const row = await this.ctx.repositories.serviceIds.findById(id);
    if (!row || row.account_id !== principal.accountId) throw iamErrors.notFound('ServiceId', id);
    await this.require(principal, mode);
    return row;
  }

  /** Writes a change with the next version and modification time, unless someone changed it meanwhile (409). */
  private async write(row: ServiceIdRow, changes: ServiceIdChanges): Promise<ServiceIdRow> {
    const next = { ...changes, version: row.version + 1, modified_at: isoAt(this.ctx.clock.now()) };
    if (!(await this.ctx.repositories.serviceIds.update(row.id, row.version, next))) throw iamErrors.staleEntityTag();
    return { ...row, ...next };
  }

  private audit(
    principal: Principal,
    action: string,
    row: ServiceIdRow,
    origin: RequestOrigin,
    details: Readonly<Record<string, string | number | boolean | null>> = {},
  ): Promise<void> {
    return this.ctx.audit.record(
      {
        accountId: row.account_id,
        action,
        actorIamId: principal.iamId,
        targetType: 'serviceid',
        targetId: row.id,
        details: { iam_id: row.iam_id, ...details },
      },
      origin,
    );
  }
}
