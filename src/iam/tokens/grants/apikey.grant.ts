import type { Clock } from '../../../platform/clock.js';
import type { Keyring } from '../../../platform/crypto/keyring.js';
import { isWellFormedSecret } from '../../../platform/crypto/secret-token.js';
import { tokenErrors } from '../../errors.js';
import type { TokenSubject } from '../access-tokens.js';
import type { ApiKeyWithOwner, TokenSubjectsRepository } from '../token-subjects.repository.js';
import {
  GrantFailure,
  type CredentialLimiter,
  type FailureContext,
  type Grant,
  type GrantRequest,
  type GrantResult,
} from './grant.js';
import { hasPassed, serviceIdSubject, userSubject } from './subjects.js';

export const APIKEY_GRANT = 'urn:ibm:params:oauth:grant-type:apikey';

/**
 * `grant_type=urn:ibm:params:oauth:grant-type:apikey`: an API key for a token of its owner. Every way a key can fail
 * (malformed, unknown, disabled, expired, deleted, owner disabled or gone) gets the one answer IBM gives, BXNIM0415E,
 * after the same work: the key is indexed (HMAC) even when its checksum already failed, and a well-formed key is
 * always looked up with its owner in a single query. A locked key still works: locking only blocks changes.
 */
export class ApiKeyGrant implements Grant {
  constructor(
    private readonly subjects: TokenSubjectsRepository,
    private readonly keyring: Keyring,
    private readonly clock: Clock,
    private readonly limit: CredentialLimiter,
  ) {}

  async run({ form, client }: GrantRequest): Promise<GrantResult> {
    const apikey = form.apikey;
    if (apikey === undefined || apikey === '') {
      throw new GrantFailure(tokenErrors.missingProperty('apikey'), 'missing_apikey');
    }
    const index = this.keyring.index(apikey);
    this.limit(index);
    // The checksum is public knowledge: a value that fails it cannot be a key, so no lookup is spent on it.
    if (!isWellFormedSecret('apiKey', apikey)) throw notFound('apikey_malformed');
    const row = await this.subjects.findApiKeyByHash(index);
    if (!row) throw notFound('apikey_unknown');
    const context: FailureContext = {
      accountId: row.account_id,
      actorIamId: row.iam_id,
      target: { type: 'apikey', id: row.id },
    };
    if (row.disabled !== 0) throw notFound('apikey_disabled', context);
    if (hasPassed(row.expires_at, this.clock.now())) throw notFound('apikey_expired', context);
    const subject = ownerOf(row);
    if (!subject) throw notFound('owner_inactive', context);
    return {
      subject,
      grantType: APIKEY_GRANT,
      clientId: client,
      apikeyId: row.id,
      refreshable: client !== 'default',
      familyId: null,
      target: { type: 'apikey', id: row.id },
    };
  }
}

function notFound(reason: string, context: FailureContext = {}): GrantFailure {
  return new GrantFailure(tokenErrors.apiKeyNotFound(), reason, context);
}

/** The key's owner if it may still act, in the key's own account. */
function ownerOf(row: ApiKeyWithOwner): TokenSubject | undefined {
  if (row.owner_type === 'user') {
    if (row.user_state !== 'ACTIVE' || row.user_account_id !== row.account_id) return undefined;
    if (row.user_email === null || row.user_name === null) return undefined;
    return userSubject({ iam_id: row.iam_id, account_id: row.account_id, email: row.user_email, name: row.user_name });
  }
  if (row.service_id === null || row.service_name === null || row.service_account_id !== row.account_id) {
    return undefined;
  }
  return serviceIdSubject({
    id: row.service_id,
    iam_id: row.iam_id,
    account_id: row.account_id,
    name: row.service_name,
  });
}
