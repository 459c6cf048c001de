import type { RequestOrigin } from '../../../platform/audit/audit.service.js';
import type { AppError } from '../../../platform/errors.js';
import type { TokenSubject } from '../access-tokens.js';
import type { TokenForm } from '../token.schema.js';

/** The OAuth client a token request authenticated as: `default` without Basic credentials, or a known client. */
export type ClientId = 'default' | 'bx';

export interface GrantRequest {
  readonly form: TokenForm;
  readonly client: ClientId;
  /** Where the request came from, for what a grant audits itself (a sign-in lock). */
  readonly origin?: RequestOrigin;
}

/** Who a grant authenticated, and how the token endpoint should answer. */
export interface GrantResult {
  readonly subject: TokenSubject;
  /** The `grant_type` claim of the access token. */
  readonly grantType: string;
  readonly clientId: ClientId;
  readonly apikeyId: string | null;
  /** Issue a refresh token (else the response says `"not_supported"`, as IBM does without client credentials). */
  readonly refreshable: boolean;
  /** The refresh-token family to continue, or null to start one. */
  readonly familyId: string | null;
  /** What the audit entry is about. */
  readonly target: { readonly type: string; readonly id: string };
}

/** Who a failed request was about, as far as it is known, for the audit log (never the secret or its hash). */
export interface FailureContext {
  readonly accountId?: string;
  readonly actorIamId?: string;
  readonly target?: { readonly type: string; readonly id: string };
  /**
   * Set on rate-limit refusals: what was limited (an IP, a credential's index). A flood is audited once a minute per
   * limited key, not once per request, so that refusing it costs no database write.
   */
  readonly throttled?: string;
}

/**
 * A refused token request: the error the client sees (deliberately vague: unknown, disabled and expired keys look
 * alike) and the precise reason, which goes only to the audit log.
 */
export class GrantFailure extends Error {
  constructor(
    readonly error: AppError,
    readonly reason: string,
    readonly context: FailureContext = {},
  ) {
    super(reason);
    this.name = 'GrantFailure';
  }
}

/** Spends one request of a credential's rate limit; throws a GrantFailure (429) when it is exhausted. */
export type CredentialLimiter = (credentialIndex: string) => void;

export interface Grant {
  run(request: GrantRequest): Promise<GrantResult>;
}
