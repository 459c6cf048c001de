import type { RequestOrigin } from '../../platform/audit/audit.service.js';
import { isoAt } from '../../platform/clock.js';
import type { PolicyRow } from '../../platform/db/schema.js';
import type { Principal, Subject } from '../auth/principal.js';
import type { IamContext } from '../context.js';
import { iamErrors } from '../errors.js';
import { entityTag, ids } from '../ids.js';
import type { ResourceAttributes } from './decision.js';
import type { PolicyResource, PolicyRole, PolicySubject } from './policy.model.js';
import { POLICY_SORT_COLUMNS, type PolicySortColumn } from './policies.repository.js';
import type {
  AuthzBody,
  AuthzResponseWire,
  PolicyBody,
  PolicyListQuery,
  PolicyListWire,
  PolicyWire,
  RoleListWire,
} from './policies.schema.js';
import { checkPolicyContent, exactResource, serviceTypeOf, type CheckedPolicy } from './policy-content.js';
import {
  ACTIONS,
  actionsOf,
  KNOWN_SERVICES,
  PLATFORM_ROLES,
  ROLE_DESCRIPTIONS,
  roleCrn,
  roleNameFromCrn,
  SERVICE_ROLES,
  type RoleName,
} from './roles.js';

/** A policy as the API shows it, with the entity tag its `ETag` header carries. */
export interface PolicyView {
  readonly policy: PolicyWire;
  readonly etag: string;
}

const IAM_IDENTITY = 'iam-identity';
const DEFAULT_PAGE_SIZE = 50;
/** The list parameters a paging link repeats, in a fixed order (`start` is the link's own). */
const LIST_PARAMETERS = [
  'account_id',
  'iam_id',
  'access_group_id',
  'type',
  'service_type',
  'tag_name',
  'tag_value',
  'sort',
  'format',
  'state',
  'limit',
] as const satisfies readonly (keyof PolicyListQuery)[];

/**
 * Access policies (IBM's `/v1/policies`) and the decisions made from them. Reading an account's policies takes an
 * account administrator or `iam-identity.policy.get`; anyone may read their own. Writing takes
 * `iam-identity.policy.manage`, and someone who is not an account administrator may grant only what they hold
 * themselves on exactly that resource. Every change is published on the change feed (topic `policy`, key = the
 * subject's iam_id) so that decisions stop using the old policy at once, and is audited.
 */
export class PoliciesService {
  constructor(private readonly ctx: IamContext) {}

  async create(principal: Principal, body: PolicyBody, origin: RequestOrigin): Promise<PolicyView> {
    const checked = checkPolicyContent(body);
    await this.assertMayWrite(principal, checked, body.resources);
    const duplicate = await this.ctx.repositories.policies.findActiveDuplicate(
      principal.accountId,
      checked.fingerprint,
    );
    if (duplicate !== undefined) throw iamErrors.policyConflict(duplicate);
    const now = isoAt(this.ctx.clock.now());
    const row: PolicyRow = {
      id: ids.policy(this.ctx.random),
      account_id: principal.accountId,
      ...this.contentColumns(body, checked),
      state: 'active',
      version: 1,
      created_at: now,
      created_by_id: principal.iamId,
      last_modified_at: now,
      last_modified_by_id: principal.iamId,
    };
    if (!(await this.ctx.repositories.policies.insert(row))) {
      // Lost a race with an identical create: report it as the check above would have.
      const winner = await this.ctx.repositories.policies.findActiveDuplicate(row.account_id, row.fingerprint);
      throw iamErrors.policyConflict(winner ?? row.fingerprint);
    }
    await this.changed(row.subject_iam_id);
    await this.audit(principal, 'policy.create', row, origin);
    return this.view(row);
  }

  async list(principal: Principal, query: PolicyListQuery): Promise<PolicyListWire> {
    if (query.account_id === undefined || query.account_id === '') {
      throw iamErrors.missingQueryParameter('account_id');
    }
    // Another account's id gets the answer an unknown one gets: nothing there is visible.
    if (query.account_id !== principal.accountId) throw iamErrors.forbidden('list the policies of this account');
    if (query.iam_id !== principal.iamId && !(await this.mayRead(principal))) {
      throw iamErrors.forbidden('list the access policies of other subjects');
    }
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const offset = parseStart(query.start);
    const rows = await this.ctx.repositories.policies.list({
      accountId: principal.accountId,
      state: query.state ?? 'active',
      ...(query.iam_id !== undefined ? { subjectIamId: query.iam_id } : {}),
      ...(query.type !== undefined ? { type: query.type } : {}),
      sort: parseSort(query.sort),
    });
    const matching = rows.filter((row) => matchesFilters(row, query));
    const page = matching.slice(offset, offset + limit);
    const next = offset + limit < matching.length ? String(offset + limit) : undefined;
    return {
      limit,
      first: { href: this.listHref(query) },
      ...(next !== undefined ? { next: { href: this.listHref(query, next), start: next } } : {}),
      policies: page.map((row) => this.toWire(row)),
    };
  }

  async get(principal: Principal, id: string): Promise<PolicyView> {
    const row = await this.visible(principal, id);
    if (row.subject_iam_id !== principal.iamId && !(await this.mayRead(principal))) {
      throw iamErrors.forbidden('read this access policy');
    }
    return this.view(row);
  }

  /** Replaces type-preserving content; If-Match must name the current version (or be `*`). */
  async replace(
    principal: Principal,
    id: string,
    ifMatch: string | undefined,
    body: PolicyBody,
    origin: RequestOrigin,
  ): Promise<PolicyView> {
    if (ifMatch === undefined || ifMatch.trim() === '') throw iamErrors.ifMatchRequired();
    const row = await this.visible(principal, id);
    await this.assertMayManage(principal, row.account_id);
    assertCurrent(row, ifMatch);
    if (body.type !== row.type) throw iamErrors.badRequest('Invalid type: the type of a policy cannot be changed.');
    const checked = checkPolicyContent(body);
    await this.assertMayWrite(principal, checked, body.resources);
    if (row.state === 'active') {
      const duplicate = await this.ctx.repositories.policies.findActiveDuplicate(
        row.account_id,
        checked.fingerprint,
        row.id,
      );
      if (duplicate !== undefined) throw iamErrors.policyConflict(duplicate);
    }
    const changes = { ...this.contentColumns(body, checked), ...this.modifiedBy(principal) };
    const outcome = await this.ctx.repositories.policies.update(row.id, row.version, changes);
    if (outcome === 'duplicate') {
      const winner = await this.ctx.repositories.policies.findActiveDuplicate(
        row.account_id,
        changes.fingerprint ?? row.fingerprint,
        row.id,
      );
      throw iamErrors.policyConflict(winner ?? row.id);
    }
    if (outcome === 'stale') {
      throw iamErrors.staleEntityTag();
    }
    const updated: PolicyRow = { ...row, ...changes, version: row.version + 1 };
    await this.changed(row.subject_iam_id, updated.subject_iam_id);
    await this.audit(principal, 'policy.update', updated, origin);
    return this.view(updated);
  }

  /** Deletes (`deleted`) or restores (`active`) a policy; restoring is granting again, with the same checks. */
  async setState(
    principal: Principal,
    id: string,
    ifMatch: string | undefined,
    state: 'active' | 'deleted',
    origin: RequestOrigin,
  ): Promise<PolicyView> {
    if (ifMatch === undefined || ifMatch.trim() === '') throw iamErrors.ifMatchRequired();
    const row = await this.visible(principal, id);
    await this.assertMayManage(principal, row.account_id);
    assertCurrent(row, ifMatch);
    if (row.state === state) return this.view(row);
    if (state === 'active') await this.assertMayRestore(principal, row);
    return this.changeState(principal, row, state, origin);
  }

  async remove(principal: Principal, id: string, origin: RequestOrigin): Promise<void> {
    const row = await this.visible(principal, id);
    await this.assertMayManage(principal, row.account_id);
    if (row.state === 'deleted') throw iamErrors.policyNotFound(id);
    await this.changeState(principal, row, 'deleted', origin);
  }

  /**
   * Answers decision requests (`POST /v2/authz`). Callers may ask about themselves; asking about anyone else takes
   * an account administrator or `iam-identity.policy.get`. A subject that is unknown, disabled or of another account
   * is denied, exactly like one without a policy, so the answer never tells whether it exists.
   */
  async authorize(principal: Principal, requests: AuthzBody): Promise<AuthzResponseWire> {
    const aboutOthers = requests.some((request) => request.subject.attributes.id !== principal.iamId);
    if (aboutOthers && !(await this.mayRead(principal))) {
      throw iamErrors.forbidden('ask about the access of other subjects');
    }
    const subjects = new Map<string, Subject | undefined>([[principal.iamId, principal]]);
    const responses: AuthzResponseWire['responses'] = [];
    for (const request of requests) {
      const iamId = request.subject.attributes.id;
      if (!subjects.has(iamId)) subjects.set(iamId, await this.subjectInAccount(iamId, principal.accountId));
      const subject = subjects.get(iamId);
      const resource = request.resource.attributes as ResourceAttributes;
      const permitted =
        subject !== undefined && (await this.ctx.decisions.isAllowed(subject, request.action, resource));
      responses.push({
        ...(request.request_id !== undefined ? { request_id: request.request_id } : {}),
        status: '200',
        decision: permitted ? 'Permit' : 'Deny',
      });
    }
    return { responses };
  }

  /** The system (platform) and service roles with the actions they allow on one service, or on all of vigil's. */
  roles(serviceName: string | undefined): RoleListWire {
    const services = serviceName !== undefined ? [serviceName] : KNOWN_SERVICES;
    const describe = (name: RoleName) => ({
      display_name: name,
      description: ROLE_DESCRIPTIONS[name],
      actions: [...new Set(services.flatMap((service) => actionsOf(service, name)))],
      crn: roleCrn(name),
    });
    return {
      custom_roles: [],
      service_roles: SERVICE_ROLES.map(describe).filter((role) => role.actions.length > 0),
      system_roles: PLATFORM_ROLES.map(describe),
    };
  }

  // --- rules ------------------------------------------------------------------------------------------------------

  private mayRead(principal: Principal): Promise<boolean> {
    return this.ctx.decisions.isAllowed(principal, ACTIONS.identity.policyRead, {
      accountId: principal.accountId,
      serviceName: IAM_IDENTITY,
    });
  }

  private async assertMayManage(principal: Principal, accountId: string): Promise<void> {
    const allowed = await this.ctx.decisions.isAllowed(principal, ACTIONS.identity.policyManage, {
      accountId,
      serviceName: IAM_IDENTITY,
    });
    if (!allowed) throw iamErrors.forbidden('manage access policies in this account');
  }

  /** Everything a create or replace must pass besides the conflict check. */
  private async assertMayWrite(
    principal: Principal,
    checked: CheckedPolicy,
    resources: readonly PolicyResource[],
  ): Promise<void> {
    for (const accountId of checked.accountIds) await this.assertMayManage(principal, accountId);
    if (checked.subjectIamId !== null) {
      const subject = await this.subjectInAccount(checked.subjectIamId, principal.accountId, { evenDisabled: true });
      if (subject === undefined) {
        throw iamErrors.badRequest(
          `Invalid subject: ${checked.subjectIamId} is not a user or service ID of account ${principal.accountId}.`,
        );
      }
    }
    await this.assertMayGrant(principal, checked.roleNames, resources);
  }

  /**
   * Someone who manages policies without being an account administrator may grant only roles whose every action they
   * hold themselves on exactly that resource; a policy on a set of resources (every service, wildcards, tags) takes
   * an account administrator. Otherwise an Editor on `iam-identity` could make themselves Administrator.
   */
  private async assertMayGrant(
    principal: Principal,
    roleNames: readonly RoleName[],
    resources: readonly PolicyResource[],
  ): Promise<void> {
    if (principal.kind === 'user' && principal.isAccountAdmin) return;
    for (const policyResource of resources) {
      const resource = exactResource(policyResource);
      if (resource === undefined) {
        throw iamErrors.forbidden('grant access on every service or on a wildcard or tagged resource');
      }
      for (const role of roleNames) {
        for (const action of actionsOf(resource.serviceName, role)) {
          if (!(await this.ctx.decisions.isAllowed(principal, action, resource))) {
            throw iamErrors.forbidden(`grant the ${role} role on ${resource.serviceName}: you do not hold it`);
          }
        }
      }
    }
  }

  private async assertMayRestore(principal: Principal, row: PolicyRow): Promise<void> {
    const roles = JSON.parse(row.roles) as PolicyRole[];
    const roleNames = roles.flatMap((role) => roleNameFromCrn(role.role_id) ?? []);
    await this.assertMayGrant(principal, roleNames, JSON.parse(row.resources) as PolicyResource[]);
    const duplicate = await this.ctx.repositories.policies.findActiveDuplicate(row.account_id, row.fingerprint, row.id);
    if (duplicate !== undefined) throw iamErrors.policyConflict(duplicate);
  }

  /** The policy, if it exists in the caller's account; another account's is as absent as an unknown one. */
  private async visible(principal: Principal, id: string): Promise<PolicyRow> {
    const row = await this.ctx.repositories.policies.findById(id);
    if (!row || row.account_id !== principal.accountId) throw iamErrors.policyNotFound(id);
    return row;
  }

  /** A user or service ID of the account, as the decision function sees it; undefined if none (or not active). */
  private async subjectInAccount(
    iamId: string,
    accountId: string,
    options: { evenDisabled?: boolean } = {},
  ): Promise<Subject | undefined> {
    const user = await this.ctx.repositories.users.findByIamId(iamId);
    if (user) {
      if (user.account_id !== accountId || (user.state !== 'ACTIVE' && !options.evenDisabled)) return undefined;
      return { kind: 'user', iamId, accountId, isAccountAdmin: user.is_admin === 1 };
    }
    const serviceId = await this.ctx.repositories.serviceIds.findByIamId(iamId);
    if (serviceId && serviceId.account_id === accountId) {
      return { kind: 'serviceid', iamId, accountId, isAccountAdmin: false };
    }
    return undefined;
  }

  // --- writing ----------------------------------------------------------------------------------------------------

  private async changeState(
    principal: Principal,
    row: PolicyRow,
    state: 'active' | 'deleted',
    origin: RequestOrigin,
  ): Promise<PolicyView> {
    const changes = { state, ...this.modifiedBy(principal) };
    const outcome = await this.ctx.repositories.policies.update(row.id, row.version, changes);
    if (outcome === 'duplicate') {
      const winner = await this.ctx.repositories.policies.findActiveDuplicate(row.account_id, row.fingerprint, row.id);
      throw iamErrors.policyConflict(winner ?? row.id);
    }
    if (outcome === 'stale') {
      throw iamErrors.staleEntityTag();
    }
    const updated: PolicyRow = { ...row, ...changes, version: row.version + 1 };
    await this.changed(row.subject_iam_id);
    await this.audit(principal, state === 'deleted' ? 'policy.delete' : 'policy.restore', updated, origin);
    return this.view(updated);
  }

  private contentColumns(body: PolicyBody, checked: CheckedPolicy) {
    return {
      type: body.type,
      description: body.description ?? null,
      // Stored exactly as sent: IBM's clients compare what they get back with what they sent.
      subjects: JSON.stringify(body.subjects),
      roles: JSON.stringify(checked.roles),
      resources: JSON.stringify(body.resources),
      subject_iam_id: checked.subjectIamId,
      fingerprint: checked.fingerprint,
    };
  }

  private modifiedBy(principal: Principal): Pick<PolicyRow, 'last_modified_at' | 'last_modified_by_id'> {
    return { last_modified_at: isoAt(this.ctx.clock.now()), last_modified_by_id: principal.iamId };
  }

  /** Drops every process's cached decisions for these subjects. */
  private async changed(...iamIds: (string | null)[]): Promise<void> {
    for (const iamId of new Set(iamIds)) {
      if (iamId !== null) await this.ctx.feed.publish({ topic: 'policy', key: iamId });
    }
  }

  private audit(principal: Principal, action: string, row: PolicyRow, origin: RequestOrigin): Promise<void> {
    return this.ctx.audit.record(
      {
        accountId: row.account_id,
        action,
        actorIamId: principal.iamId,
        targetType: 'policy',
        targetId: row.id,
        details: { type: row.type, subject_iam_id: row.subject_iam_id, state: row.state, version: row.version },
      },
      origin,
    );
  }

  // --- rendering --------------------------------------------------------------------------------------------------

  private view(row: PolicyRow): PolicyView {
    return { policy: this.toWire(row), etag: entityTag(row.version, row.id, row.last_modified_at) };
  }

  private toWire(row: PolicyRow): PolicyWire {
    const roles = JSON.parse(row.roles) as PolicyRole[];
    return {
      id: row.id,
      type: row.type as PolicyWire['type'],
      ...(row.description !== null ? { description: row.description } : {}),
      subjects: JSON.parse(row.subjects) as PolicySubject[],
      roles: roles.map((role) => {
        const name = roleNameFromCrn(role.role_id);
        return {
          role_id: role.role_id,
          display_name: name ?? role.role_id,
          description: name !== undefined ? ROLE_DESCRIPTIONS[name] : '',
        };
      }),
      resources: JSON.parse(row.resources) as PolicyResource[],
      href: `${this.ctx.publicUrl}/v1/policies/${encodeURIComponent(row.id)}`,
      created_at: row.created_at,
      created_by_id: row.created_by_id,
      last_modified_at: row.last_modified_at,
      last_modified_by_id: row.last_modified_by_id,
      state: row.state,
    };
  }

  private listHref(query: PolicyListQuery, start?: string): string {
    const params = new URLSearchParams();
    for (const name of LIST_PARAMETERS) {
      const value = query[name];
      if (value !== undefined) params.set(name, String(value));
    }
    if (start !== undefined) params.set('start', start);
    return `${this.ctx.publicUrl}/v1/policies?${params.toString()}`;
  }
}

/** If-Match must be `*` or the current entity tag (quotes and a weak prefix tolerated). */
function assertCurrent(row: PolicyRow, ifMatch: string): void {
  const wanted = ifMatch
    .trim()
    .replace(/^W\//, '')
    .replace(/^"(.*)"$/, '$1');
  if (wanted !== '*' && wanted !== entityTag(row.version, row.id, row.last_modified_at)) {
    throw iamErrors.staleEntityTag();
  }
}

function parseStart(start: string | undefined): number {
  if (start === undefined || start === '') return 0;
  if (!/^\d{1,9}$/.test(start)) throw iamErrors.badRequest('Invalid start: use the value of next.start.');
  return Number(start);
}

function parseSort(sort: string | undefined): { column: PolicySortColumn; descending: boolean } {
  if (sort === undefined || sort === '') return { column: 'created_at', descending: false };
  const descending = sort.startsWith('-');
  const field = descending ? sort.slice(1) : sort;
  const column = field === 'href' ? 'id' : field;
  if (!(POLICY_SORT_COLUMNS as readonly string[]).includes(column)) {
    throw iamErrors.badRequest(`Invalid sort: ${field} is not a sortable policy field.`);
  }
  return { column: column as PolicySortColumn, descending };
}

/** The list filters that look inside subjects and resources (the others are SQL). */
function matchesFilters(row: PolicyRow, query: PolicyListQuery): boolean {
  if (query.access_group_id !== undefined) {
    const subjects = JSON.parse(row.subjects) as PolicySubject[];
    const inGroup = subjects.some((s) =>
      s.attributes.some((a) => a.name === 'access_group_id' && a.value === query.access_group_id),
    );
    if (!inGroup) return false;
  }
  if (query.service_type !== undefined || query.tag_name !== undefined || query.tag_value !== undefined) {
    const resources = JSON.parse(row.resources) as PolicyResource[];
    if (query.service_type !== undefined && serviceTypeOf(resources) !== query.service_type) return false;
    const tags = resources.flatMap((r) => r.tags ?? []);
    if (query.tag_name !== undefined && !tags.some((t) => t.name === query.tag_name)) return false;
    if (query.tag_value !== undefined && !tags.some((t) => t.value === query.tag_value)) return false;
  }
  return true;
}
