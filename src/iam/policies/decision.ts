import type { Change } from '../../platform/change-feed.js';
import type { Clock } from '../../platform/clock.js';
import type { Subject } from '../auth/principal.js';
import type { PolicyAttribute, PolicyGrant } from './policy.model.js';
import { actionsOf, roleNameFromCrn } from './roles.js';

/** The resource a decision is about: attributes as IBM names them. `accountId` is always set. */
export interface ResourceAttributes {
  readonly accountId: string;
  readonly serviceName: string;
  readonly serviceInstance?: string;
  readonly sysdigTeam?: string;
  readonly resourceType?: string;
  readonly resource?: string;
  readonly [name: string]: string | undefined;
}

/** Loads the active policies that name a subject. */
export interface PolicySource {
  activeGrantsFor(accountId: string, iamId: string): Promise<PolicyGrant[]>;
}

export interface Decision {
  readonly permitted: boolean;
  /** The policy that permitted it, or "account-admin". */
  readonly reason: string | null;
}

const TTL_MS = 5_000;

/**
 * The decision function: may this subject perform this action on this resource? Account administrators may do
 * anything in their own account; everyone else, and every service ID, only what an active policy grants. Nothing is
 * ever permitted outside the subject's account. Policies are cached per subject, dropped when the change feed says a
 * policy of that subject changed (topic `policy`), and re-read after 5 s regardless.
 */
export class Decisions {
  private readonly cache = new Map<string, { grants: PolicyGrant[]; at: number }>();

  constructor(
    private readonly source: PolicySource,
    private readonly clock: Clock,
  ) {}

  /** Drops what a change makes stale (createIam feeds it every change on the feed). */
  onChange(change: Change): void {
    if (change.topic === 'policy' || change.topic === 'user' || change.topic === 'serviceid') {
      this.cache.delete(change.key);
    } else if (change.topic === 'reset-all') this.cache.clear();
  }

  async decide(subject: Subject, action: string, resource: ResourceAttributes): Promise<Decision> {
    if (resource.accountId !== subject.accountId) return { permitted: false, reason: null };
    if (subject.kind === 'user' && subject.isAccountAdmin) return { permitted: true, reason: 'account-admin' };
    for (const grant of await this.grantsFor(subject)) {
      if (grantAllows(grant, action, resource)) return { permitted: true, reason: grant.id };
    }
    return { permitted: false, reason: null };
  }

  async isAllowed(subject: Subject, action: string, resource: ResourceAttributes): Promise<boolean> {
    return (await this.decide(subject, action, resource)).permitted;
  }

  /** The subject's active policy grants (cached), for services that derive roles from them (teams, instances). */
  async grantsFor(subject: Pick<Subject, 'accountId' | 'iamId'>): Promise<PolicyGrant[]> {
    const now = this.clock.now();
    const cached = this.cache.get(subject.iamId);
    if (cached && now - cached.at < TTL_MS) return cached.grants;
    const grants = await this.source.activeGrantsFor(subject.accountId, subject.iamId);
    this.cache.set(subject.iamId, { grants, at: now });
    return grants;
  }
}

/**
 * True when one of the grant's resources matches and one of its roles allows the action there. The role is read in the
 * role table of the resource's own service: a policy naming a service (even by wildcard) has already matched it, and
 * a policy naming none covers every service.
 */
export function grantAllows(grant: PolicyGrant, action: string, resource: ResourceAttributes): boolean {
  const matching = grant.resources.some(
    // vigil's resources carry no access-management tags: a tag-restricted policy must grant nothing, not everything.
    (r) => (r.tags === undefined || r.tags.length === 0) && r.attributes.every((a) => attributeMatches(a, resource)),
  );
  if (!matching) return false;
  return grant.roles.some((role) => {
    const name = roleNameFromCrn(role.role_id);
    return name !== undefined && actionsOf(resource.serviceName, name).includes(action);
  });
}

function attributeMatches(attribute: PolicyAttribute, resource: ResourceAttributes): boolean {
  // Own properties only: an attribute named `constructor` must not match Object.prototype's.
  const actual = Object.hasOwn(resource, attribute.name) ? resource[attribute.name] : undefined;
  if (typeof actual !== 'string' || typeof attribute.value !== 'string') return false;
  const operator = attribute.operator ?? 'stringEquals';
  if (operator === 'stringEquals') return actual === attribute.value;
  if (operator === 'stringMatch') return wildcardMatch(attribute.value, actual);
  return false;
}

/**
 * IBM's `stringMatch`: `*` matches any run of characters, `?` exactly one. Iterative and O(pattern × value) rather than
 * a regular expression, so a pattern of many stars cannot make a decision backtrack for seconds.
 */
export function wildcardMatch(pattern: string, value: string): boolean {
  let p = 0;
  let v = 0;
  let star = -1;
  let mark = 0;
  while (v < value.length) {
    if (p < pattern.length && (pattern[p] === '?' || pattern[p] === value[v])) {
      p++;
      v++;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      mark = v;
    } else if (star !== -1) {
      p = star + 1;
      v = ++mark;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}
