import type { Principal, Subject } from '../iam/auth/principal.js';
import type { SubjectState } from '../iam/auth/subject-status.js';
import type { ResourceAttributes } from '../iam/policies/decision.js';

/**
 * The narrow interface through which monitoring reaches IAM (DESIGN.md, Architecture): verify an access token, decide
 * "may subject X do action Y on resource Z", and read a subject's current state. In one process these are function
 * calls; split into two services they would be the JWKS and the decision endpoint.
 */
export interface IamPort {
  authenticate(authorization: string | undefined): Promise<Principal | undefined>;
  isAllowed(subject: Subject, action: string, resource: ResourceAttributes): Promise<boolean>;
  subject(iamId: string): Promise<SubjectState>;
}
