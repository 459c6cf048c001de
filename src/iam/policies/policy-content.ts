import { createHash } from 'node:crypto';
import { iamErrors } from '../errors.js';
import { wildcardMatch, type ResourceAttributes } from './decision.js';
import type { PolicyAttribute, PolicyResource, PolicySubject } from './policy.model.js';
import type { PolicyBody } from './policies.schema.js';
import { actionsOf, KNOWN_SERVICES, roleNameFromCrn, type RoleName } from './roles.js';

/** What a valid policy body says, read once: who it is for, in which account, with which roles. */
export interface CheckedPolicy {
  readonly type: 'access' | 'authorization';
  /** The user or service ID an access policy is for; null for access groups and authorization policies. */
  readonly subjectIamId: string | null;
  /** The `accountId` attribute of the resource (and, for authorization policies, of the subject). */
  readonly accountIds: readonly string[];
  readonly roleNames: readonly RoleName[];
  /** The roles as stored: role CRNs only; display names are rendered from the catalog. */
  readonly roles: readonly { role_id: string }[];
  readonly fingerprint: string;
}

const OPERATORS = new Set(['stringEquals', 'stringMatch']);
const PLATFORM_SERVICES = new Set(['iam-identity', 'iam-groups', 'iam-access-management', 'iam-svcs']);

/**
 * Checks what the schema cannot: attribute values and operators, the subject of an access policy, the resource's
 * `accountId`, and that every role exists (and means something on the resource's service when vigil knows it).
 * Throws `invalid_body` or `role_not_found` (400).
 */
export function checkPolicyContent(body: PolicyBody): CheckedPolicy {
  const subject = body.subjects[0] as PolicySubject;
  const resource = body.resources[0] as PolicyResource;
  checkAttributes(subject.attributes, 'subjects[0]', false);
  checkAttributes(resource.attributes, 'resources[0]', true);
  checkTags(resource);

  let subjectIamId: string | null = null;
  const accountIds = [requiredEquals(resource.attributes, 'accountId', 'resources[0]')];
  if (body.type === 'access') {
    const [attribute, ...others] = subject.attributes;
    if (!attribute || others.length > 0 || (attribute.name !== 'iam_id' && attribute.name !== 'access_group_id')) {
      throw iamErrors.badRequest(
        'Invalid subject: an access policy names one subject attribute, iam_id or access_group_id.',
      );
    }
    if (attribute.name === 'iam_id') subjectIamId = attribute.value as string;
  } else {
    accountIds.push(requiredEquals(subject.attributes, 'accountId', 'subjects[0]'));
    requiredEquals(subject.attributes, 'serviceName', 'subjects[0]');
    servicesNamed(subject.attributes, 'subjects[0]');
  }

  // The services the resource covers: those vigil knows that it names (a policy naming none covers all of them).
  const services = servicesNamed(resource.attributes, 'resources[0]');
  const roleNames = body.roles.map((role) => {
    const name = roleNameFromCrn(role.role_id);
    // A role must mean something on the service: Reader on iam-identity would grant nothing, and would start granting
    // if the role table grew.
    if (name === undefined || !services.some((service) => actionsOf(service, name).length > 0)) {
      throw iamErrors.roleNotFound(role.role_id);
    }
    return name;
  });
  const roles = body.roles.map((role) => ({ role_id: role.role_id }));
  return { type: body.type, subjectIamId, accountIds, roleNames, roles, fingerprint: fingerprintOf(body) };
}

function checkAttributes(attributes: readonly PolicyAttribute[], where: string, wildcards: boolean): void {
  const names = new Set<string>();
  for (const attribute of attributes) {
    const { name, value, operator } = attribute;
    if (typeof value !== 'string' || value.length < 1 || value.length > 1000) {
      throw iamErrors.badRequest(
        `Invalid ${where}: the value of attribute ${name} must be a string of 1–1000 characters.`,
      );
    }
    if (operator !== undefined && !(wildcards ? OPERATORS.has(operator) : operator === 'stringEquals')) {
      throw iamErrors.badRequest(`Invalid ${where}: operator ${String(operator)} is not supported on ${name}.`);
    }
    if (names.has(name)) throw iamErrors.badRequest(`Invalid ${where}: attribute ${name} appears twice.`);
    names.add(name);
  }
}

/**
 * The known services a `serviceName` attribute names (exactly, or by a `stringMatch` pattern); all of them when there
 * is none. A name vigil does not know — another case, a trailing space, a service of IBM's vigil does not run — is a
 * 400: such a policy grants nothing today and would start granting if a service of that name appeared.
 */
function servicesNamed(attributes: readonly PolicyAttribute[], where: string): readonly string[] {
  const serviceType = attributes.find((a) => a.name === 'serviceType');
  if (serviceType !== undefined && serviceType.value !== 'service' && serviceType.value !== 'platform_service') {
    throw iamErrors.badRequest(`Invalid ${where}: serviceType must be service or platform_service.`);
  }
  const attribute = attributes.find((a) => a.name === 'serviceName');
  if (attribute === undefined) return KNOWN_SERVICES;
  const value = attribute.value as string;
  const services =
    (attribute.operator ?? 'stringEquals') === 'stringMatch'
      ? KNOWN_SERVICES.filter((service) => wildcardMatch(value, service))
      : KNOWN_SERVICES.filter((service) => service === value);
  if (services.length === 0) {
    throw iamErrors.badRequest(
      `Invalid ${where}: serviceName ${JSON.stringify(value)} is not a service of vigil (${KNOWN_SERVICES.join(', ')}).`,
    );
  }
  return services;
}

function checkTags(resource: PolicyResource): void {
  for (const tag of resource.tags ?? []) {
    if (tag.operator !== undefined && !OPERATORS.has(tag.operator)) {
      throw iamErrors.badRequest(`Invalid resources[0]: tag operator ${tag.operator} is not supported.`);
    }
  }
}

/** The value of an attribute compared with `stringEquals` (or no operator), if there is one. */
function equalsValue(attributes: readonly PolicyAttribute[], name: string): string | undefined {
  const attribute = attributes.find((a) => a.name === name);
  if (!attribute || (attribute.operator ?? 'stringEquals') !== 'stringEquals') return undefined;
  return attribute.value as string;
}

function requiredEquals(attributes: readonly PolicyAttribute[], name: string, where: string): string {
  const value = equalsValue(attributes, name);
  if (value === undefined) {
    throw iamErrors.badRequest(`Invalid ${where}: attribute ${name} (operator stringEquals) is required.`);
  }
  return value;
}

/**
 * A digest of what the policy grants to whom: type, subject, roles and resource, with attribute order, a default
 * operator and repeated roles made irrelevant. Two active policies with the same digest are a `policy_conflict_error`.
 */
export function fingerprintOf(body: Pick<PolicyBody, 'type' | 'subjects' | 'roles' | 'resources'>): string {
  const attributes = (list: readonly PolicyAttribute[]) =>
    list.map((a) => [a.name, a.operator ?? 'stringEquals', a.value]).sort(compareJson);
  const canonical = {
    type: body.type,
    subjects: body.subjects.map((s) => attributes((s as PolicySubject).attributes)).sort(compareJson),
    roles: [...new Set(body.roles.map((r) => r.role_id))].sort(),
    resources: body.resources
      .map((r) => ({
        attributes: attributes((r as PolicyResource).attributes),
        tags: ((r as PolicyResource).tags ?? [])
          .map((t) => [t.name, t.operator ?? 'stringEquals', t.value])
          .sort(compareJson),
      }))
      .sort(compareJson),
  };
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

function compareJson(a: unknown, b: unknown): number {
  const x = JSON.stringify(a);
  const y = JSON.stringify(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** IBM's `service_type` of a policy: `platform_service` for the IAM services, `service` for the others. */
export function serviceTypeOf(resources: readonly PolicyResource[]): 'service' | 'platform_service' | undefined {
  for (const resource of resources) {
    const explicit = resource.attributes.find((a) => a.name === 'serviceType')?.value;
    if (explicit === 'service' || explicit === 'platform_service') return explicit;
    const serviceName = resource.attributes.find((a) => a.name === 'serviceName')?.value;
    if (typeof serviceName === 'string') return PLATFORM_SERVICES.has(serviceName) ? 'platform_service' : 'service';
  }
  return undefined;
}

/**
 * The one resource a policy resource names exactly (every attribute `stringEquals`, a service named, no tags), as
 * the decision function would be asked about it; undefined when it names a set (wildcards, every service, tags).
 */
export function exactResource(resource: PolicyResource): ResourceAttributes | undefined {
  if ((resource.tags ?? []).length > 0) return undefined;
  const attributes: Record<string, string> = {};
  for (const attribute of resource.attributes) {
    if ((attribute.operator ?? 'stringEquals') !== 'stringEquals' || typeof attribute.value !== 'string') {
      return undefined;
    }
    attributes[attribute.name] = attribute.value;
  }
  const { accountId, serviceName } = attributes;
  if (accountId === undefined || serviceName === undefined) return undefined;
  return { ...attributes, accountId, serviceName };
}
