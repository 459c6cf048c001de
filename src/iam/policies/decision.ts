import type { ChangeFeed } from '../../platform/change-feed.js';
import type { Clock } from '../../platform/clock.js';
import type { Subject } from '../auth/principal.js';
import type { PolicyAttribute, PolicyGrant } from './policy.model.js';
import { actionsOf, KNOWN_SERVICES, roleNameFromCrn } from './roles.js';

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
    feed: ChangeFeed,
  ) {
    feed.subscribe((change) => {
      if (change.topic === 'policy' || change.topic === 'user' || change.topic === 'serviceid') {
        this.cache.delete(change.key);
      } else if (change.topic === 'reset-all') this.cache.clear();
    });
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

/** True when one of the grant's resources matches and one of its roles allows the action there. */
export function grantAllows(grant: PolicyGrant, action: string, resource: ResourceAttributes): boolean {
  const matching = grant.resources.some((r) =>
    r.attributes.every((attribute) => attributeMatches(attribute, resource)),
  );
  if (!matching) return false;
  const serviceName = attributeValue(grant, 'serviceName') ?? resource.serviceName;
  const services = serviceName === undefined ? KNOWN_SERVICES : [serviceName];
  return grant.roles.some((role) => {
    const name = roleNameFromCrn(role.role_id);
    return name !== undefined && services.some((service) => actionsOf(service, name).includes(action));
  });
}

function attributeValue(grant: PolicyGrant, name: string): string | undefined {
  for (const r of grant.resources) {
    const attribute = r.attributes.find((a) => a.name === name);
    if (attribute && typeof attribute.value === 'string') return attribute.value;
  }
  return undefined;
}

function attributeMatches(attribute: PolicyAttribute, resource: ResourceAttributes): boolean {
  const actual = resource[attribute.name];
  if (actual === undefined || typeof attribute.value !== 'string') return false;
  const operator = attribute.operator ?? 'stringEquals';
  if (operator === 'stringEquals') return actual === attribute.value;
  if (operator === 'stringMatch') return wildcard(attribute.value).test(actual);
  return false;
}

function wildcard(pattern: string): RegExp {
  const escaped = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}
