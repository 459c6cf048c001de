import type { Subject } from '../auth/principal.js';
import type { IamContext } from '../context.js';

/** The service name IBM gives the identity service in policies (`serviceName: iam-identity`). */
const IDENTITY_SERVICE = 'iam-identity';

/**
 * May the subject perform an identity action in its own account? Account administrators may; anyone else (and every
 * service ID) only through a policy on `iam-identity`. Objects of other accounts never reach this check: they are 404.
 */
export function mayPerform(ctx: Pick<IamContext, 'decisions'>, subject: Subject, action: string): Promise<boolean> {
  return ctx.decisions.isAllowed(subject, action, { accountId: subject.accountId, serviceName: IDENTITY_SERVICE });
}
