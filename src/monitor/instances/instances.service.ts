import type { Principal, Subject } from '../../iam/auth/principal.js';
import { iamErrors } from '../../iam/errors.js';
import { ACTIONS } from '../../iam/policies/roles.js';
import { NO_ORIGIN, type RequestOrigin } from '../../platform/audit/audit.service.js';
import { isoAt } from '../../platform/clock.js';
import type { MonitorInstanceRow } from '../../platform/db/schema.js';
import type { MonitorAccess } from '../auth/access.js';
import type { MonitorContext } from '../context.js';
import { MONITOR_TOPICS } from '../context.js';
import { MONITOR_SERVICE } from '../roles.js';
import { defaultTeamRow } from '../teams/team-settings.js';
import { DEFAULT_INSTANCE_SETTINGS, parseInstanceSettings, type InstanceSettings } from './instance-settings.js';
import type { InstanceChanges } from './instances.repository.js';
import type { CreateInstanceBody, InstanceBody, InstanceListBody, UpdateInstanceBody } from './instances.schema.js';

/** The region label of instances created without one: vigil runs wherever it is deployed. */
const DEFAULT_REGION = 'local';

/** The name of the instance the first start creates, so the quick start has somewhere to send metrics. */
const FIRST_START_INSTANCE = 'default';

/**
 * Monitoring instances of an account. Creating, changing and deleting one needs `instanceManage` on `sysdig-monitor`
 * (Editor or Administrator; account administrators may anyway); reading one needs any access to it: a platform role
 * (Viewer and up), a service role, or a membership in one of its teams. Another account's instance does not exist for
 * the caller (404). Each instance is created with its default team, Monitor Operations; deleting an instance deletes
 * everything in it and tells every process at once, so its tokens stop working. Every change is audited.
 */
export class InstancesService {
  constructor(
    private readonly ctx: MonitorContext,
    private readonly access: MonitorAccess,
  ) {}

  async create(principal: Principal, input: CreateInstanceBody, origin: RequestOrigin): Promise<InstanceBody> {
    const allowed = await this.ctx.iam.isAllowed(principal, ACTIONS.monitor.instanceManage, {
      accountId: principal.accountId,
      serviceName: MONITOR_SERVICE,
    });
    if (!allowed) throw iamErrors.forbidden('create monitoring instances');
    const name = input.name.trim();
    const row = await this.insert(principal.accountId, name, input.region ?? DEFAULT_REGION, principal.iamId);
    if (!row) throw nameTaken(name);
    await this.audit(principal.iamId, 'monitor_instance.create', row, origin, { name, region: row.region });
    return toInstanceBody(row);
  }

  async list(principal: Principal): Promise<InstanceListBody> {
    const rows = await this.ctx.repositories.instances.listForAccount(principal.accountId);
    const visible: MonitorInstanceRow[] = [];
    for (const row of rows) if (await this.mayRead(principal, row)) visible.push(row);
    return { instances: visible.map(toInstanceBody) };
  }

  async get(principal: Principal, guid: string): Promise<InstanceBody> {
    const row = await this.load(principal, guid);
    if (!(await this.mayRead(principal, row))) throw iamErrors.forbidden('read this monitoring instance');
    return toInstanceBody(row);
  }

  async update(
    principal: Principal,
    guid: string,
    input: UpdateInstanceBody,
    origin: RequestOrigin,
  ): Promise<InstanceBody> {
    const row = await this.load(principal, guid);
    await this.requireManage(principal, row, 'change this monitoring instance');
    const current = parseInstanceSettings(row.settings);
    const settings: InstanceSettings = { ...current, ...(input.settings ?? {}) };
    const name = input.name?.trim() ?? row.name;
    const changes: InstanceChanges = {
      name,
      settings: JSON.stringify(settings),
      modified_at: isoAt(this.ctx.clock.now()),
    };
    const outcome = await this.ctx.repositories.instances.update(guid, row.version, changes);
    if (outcome === 'name_taken') throw nameTaken(name);
    if (outcome === 'stale') {
      throw iamErrors.conflict('The monitoring instance was changed by another request at the same time; try again.');
    }
    // The instance's settings decide which credentials it accepts: every process must forget what it cached.
    await this.ctx.feed.publish({ topic: MONITOR_TOPICS.instance, key: guid });
    const updated: MonitorInstanceRow = { ...row, ...changes, version: row.version + 1 };
    await this.audit(principal.iamId, 'monitor_instance.update', updated, origin, {
      name,
      external_api_auth: settings.externalApiAuth,
      previous_external_api_auth: current.externalApiAuth,
    });
    return toInstanceBody(updated);
  }

  async delete(principal: Principal, guid: string, origin: RequestOrigin): Promise<void> {
    const row = await this.load(principal, guid);
    await this.requireManage(principal, row, 'delete this monitoring instance');
    await this.ctx.repositories.instances.delete(guid);
    await this.ctx.feed.publish({ topic: MONITOR_TOPICS.instance, key: guid });
    await this.audit(principal.iamId, 'monitor_instance.delete', row, origin, { name: row.name });
  }

  /**
   * Creates the first start's instance, `default`, in the operator account, once: a restart finds it noted and does
   * nothing, and an administrator who deletes it does not see it come back. Returns it while it exists.
   */
  async ensureDefault(accountId: string, adminIamId: string): Promise<MonitorInstanceRow | undefined> {
    const repository = this.ctx.repositories.instances;
    const noted = await repository.defaultInstanceGuid(accountId);
    if (noted !== undefined) return repository.findByGuid(noted);
    const created = await this.insert(accountId, FIRST_START_INSTANCE, DEFAULT_REGION, adminIamId, true);
    if (created) {
      await this.audit(null, 'monitor_instance.create', created, NO_ORIGIN, {
        name: created.name,
        region: created.region,
        reason: 'first start',
      });
      return created;
    }
    // Another process starting at the same time created it, or an instance named `default` already existed.
    const winner = await repository.defaultInstanceGuid(accountId);
    if (winner !== undefined) return repository.findByGuid(winner);
    const existing = await repository.findByName(accountId, FIRST_START_INSTANCE);
    if (existing) await repository.markDefault(accountId, existing.guid);
    return existing;
  }

  private async insert(
    accountId: string,
    name: string,
    region: string,
    createdBy: string,
    markAsDefault = false,
  ): Promise<MonitorInstanceRow | undefined> {
    const now = isoAt(this.ctx.clock.now());
    const row: MonitorInstanceRow = {
      guid: this.ctx.random.uuid(),
      account_id: accountId,
      name,
      region,
      settings: JSON.stringify(DEFAULT_INSTANCE_SETTINGS),
      version: 1,
      created_by: createdBy,
      created_at: now,
      modified_at: now,
    };
    const inserted = await this.ctx.repositories.instances.insertWithDefaultTeam(row, defaultTeamRow(row.guid, now), {
      markAsDefault,
    });
    return inserted ? row : undefined;
  }

  /** An instance of the caller's account; any other guid is 404. */
  private async load(principal: Principal, guid: string): Promise<MonitorInstanceRow> {
    const row = await this.ctx.repositories.instances.findByGuid(guid);
    if (!row || row.account_id !== principal.accountId) throw iamErrors.notFound('MonitoringInstance', guid);
    return row;
  }

  private async requireManage(subject: Subject, row: MonitorInstanceRow, what: string): Promise<void> {
    const allowed = await this.ctx.iam.isAllowed(subject, ACTIONS.monitor.instanceManage, resourceOf(row));
    if (!allowed) throw iamErrors.forbidden(what);
  }

  /**
   * Any access to the instance: a platform role (instanceRead), a service role on the whole instance (launch), or a
   * role in one of its teams (a team-scoped policy or a membership).
   */
  private async mayRead(
    subject: Subject & { readonly email?: string | null },
    row: MonitorInstanceRow,
  ): Promise<boolean> {
    const resource = resourceOf(row);
    if (await this.ctx.iam.isAllowed(subject, ACTIONS.monitor.instanceRead, resource)) return true;
    if (await this.ctx.iam.isAllowed(subject, ACTIONS.monitor.viewer, resource)) return true;
    const users = this.ctx.repositories.users;
    // Someone invited by email is linked on their first request to the instance; until then the invitation's
    // memberships are theirs too, or they could not find the instance to make that request.
    const user =
      (await users.findByIamId(row.guid, subject.iamId)) ??
      (subject.email ? await users.findByUsername(row.guid, subject.email) : undefined);
    const own = user && (user.iam_id === subject.iamId || user.iam_id === null) ? user.id : null;
    const teams = await this.access.teamsOf(subject, row, own);
    return teams.length > 0;
  }

  private audit(
    actorIamId: string | null,
    action: string,
    row: MonitorInstanceRow,
    origin: RequestOrigin,
    details: Readonly<Record<string, string | number | boolean | null>>,
  ): Promise<void> {
    return this.ctx.audit.record(
      {
        accountId: row.account_id,
        action,
        actorIamId,
        targetType: 'monitor_instance',
        targetId: row.guid,
        details,
      },
      origin,
    );
  }
}

function resourceOf(row: MonitorInstanceRow) {
  return { accountId: row.account_id, serviceName: MONITOR_SERVICE, serviceInstance: row.guid };
}

function toInstanceBody(row: MonitorInstanceRow): InstanceBody {
  return {
    guid: row.guid,
    name: row.name,
    region: row.region,
    account_id: row.account_id,
    settings: parseInstanceSettings(row.settings),
    created_at: row.created_at,
    modified_at: row.modified_at,
    created_by: row.created_by,
  };
}

function nameTaken(name: string) {
  return iamErrors.conflict(`A monitoring instance named ${JSON.stringify(name)} already exists in this account.`);
}
