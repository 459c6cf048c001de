import type { IncomingHttpHeaders } from 'node:http';
import type { Principal, Subject } from '../iam/auth/principal.js';
import type { RequestOrigin } from '../platform/audit/audit.service.js';
import type { SubjectState } from '../iam/auth/subject-status.js';
import type { ResourceAttributes } from '../iam/policies/decision.js';
import type { Right, RightsScope } from '../iam/rights/rights.js';

/**
 * The narrow interface through which monitoring reaches IAM (DESIGN.md, Architecture): verify an access token, decide
 * "may subject X do action Y on resource Z", read a subject's current state, and compare two subjects' rights. In one process these are function
 * calls; split into two services they would be the JWKS and the decision endpoint.
 */
export interface IamPort {
  authenticate(authorization: string | undefined): Promise<Principal | undefined>;
  /**
   * The console session of a request without an Authorization header, from its cookie (and X-CSRF-Token for a
   * state-changing method); `setCookie`, when present, is to be sent back (the session's expiry moved forward).
   */
  authenticateSession(headers: IncomingHttpHeaders, method: string): Promise<SessionOutcome>;
  isAllowed(subject: Subject, action: string, resource: ResourceAttributes): Promise<boolean>;
  subject(iamId: string): Promise<SubjectState>;
  /** The rights `target` holds in the scope that `actor` does not (empty: the actor may obtain its credential). */
  rightsNotHeld(actor: Subject, target: Subject, scope: RightsScope): Promise<Right[]>;
  /**
   * The IAM user an invitation by email is for: the account's user with that email, or a new pending one. Undefined
   * when the email belongs to a user of another account.
   */
  inviteUser(
    invitation: { accountId: string; email: string; name: string; invitedBy: string },
    origin: RequestOrigin,
  ): Promise<{ iamId: string; name: string; created: boolean } | undefined>;
}

/** How a request's console session cookie fared: none sent, not a live session, missing CSRF token, or a principal. */
type SessionOutcome =
  | { readonly outcome: 'none' | 'invalid' | 'csrf' }
  | { readonly outcome: 'ok'; readonly principal: Principal; readonly setCookie?: string };
