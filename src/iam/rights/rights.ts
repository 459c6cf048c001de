import type { Subject } from '../auth/principal.js';
import type { Decisions } from '../policies/decision.js';
import { ACTIONS } from '../policies/roles.js';

/** One right a subject holds: a key to compare rights by, and the words a refusal shows for it. */
export interface Right {
  readonly key: string;
  readonly label: string;
}

/**
 * Where rights are compared. The whole account for an IAM API key (its tokens reach every service); one monitoring
 * instance for a Monitor API token, which acts in that instance only and through the Monitor API only.
 */
export type RightsScope =
  { readonly kind: 'account' } | { readonly kind: 'monitor-instance'; readonly instanceGuid: string };

export const ACCOUNT_SCOPE: RightsScope = { kind: 'account' };

/**
 * A domain's part of a subject's rights: what its policies allow on the resources that domain checks, and what it
 * grants outside policies (a Monitor team membership). Every right must be expressed so that two subjects who may do
 * the same have the same keys (a team role from a policy and the same role from a membership are one right).
 */
export interface RightsSource {
  rightsOf(subject: Subject, scope: RightsScope): Promise<readonly Right[]>;
}

const IDENTITY_SERVICE = 'iam-identity';
// Strongest first: a refusal names the first few rights the actor lacks.
const IDENTITY_ACTIONS = Object.values(ACTIONS.identity).reverse();
const ACCOUNT_ADMIN: Right = { key: 'account-admin', label: 'account administrator' };

/**
 * The rule behind every route that hands out a credential (DESIGN.md, Credentials; docs/IAM.md): nobody obtains,
 * reads or resets a credential that acts with rights they do not hold themselves. A subject's rights are what the
 * policy decision function permits on every resource vigil checks (the same `Decisions` every route uses), plus what
 * other domains grant (registered as {@link RightsSource}s), so the comparison can never disagree with what the
 * credential would actually be allowed to do.
 */
export class Rights {
  private readonly sources: RightsSource[] = [];

  constructor(private readonly decisions: Decisions) {}

  /** Adds a domain's rights (the composition root registers monitoring's). */
  register(source: RightsSource): void {
    this.sources.push(source);
  }

  /** Every right the subject holds in the scope, by key. */
  async of(subject: Subject, scope: RightsScope): Promise<Map<string, Right>> {
    const rights = new Map<string, Right>();
    if (subject.kind === 'user' && subject.isAccountAdmin) rights.set(ACCOUNT_ADMIN.key, ACCOUNT_ADMIN);
    if (scope.kind === 'account') {
      const resource = { accountId: subject.accountId, serviceName: IDENTITY_SERVICE };
      for (const action of IDENTITY_ACTIONS) {
        if (await this.decisions.isAllowed(subject, action, resource)) {
          rights.set(`${IDENTITY_SERVICE}:${action}`, { key: `${IDENTITY_SERVICE}:${action}`, label: action });
        }
      }
    }
    for (const source of this.sources) {
      for (const right of await source.rightsOf(subject, scope)) rights.set(right.key, right);
    }
    return rights;
  }

  /**
   * The rights `target` holds in the scope that `actor` does not; empty exactly when rights(target) ⊆ rights(actor).
   * Subjects of different accounts never cover each other.
   */
  async notHeldBy(actor: Subject, target: Subject, scope: RightsScope): Promise<Right[]> {
    if (actor.accountId !== target.accountId) return [{ key: 'account', label: 'access to another account' }];
    const [held, wanted] = await Promise.all([this.of(actor, scope), this.of(target, scope)]);
    return [...wanted.values()].filter((right) => !held.has(right.key));
  }
}

/** "a, b, c and 2 more": the rights a refusal names, few enough to read. */
export function describeRights(rights: readonly Right[]): string {
  const labels = [...new Set(rights.map((right) => right.label))];
  const shown = labels.slice(0, 3);
  const more = labels.length - shown.length;
  return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ');
}
