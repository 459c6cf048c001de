import type { RequestOrigin } from '../../platform/audit/audit.service.js';
import type { Principal } from '../auth/principal.js';
import type { AccountsService } from '../accounts/accounts.service.js';
import type { IamContext } from '../context.js';
import { iamErrors } from '../errors.js';
import type { PublicJwk, SigningKeyInfo, SigningKeys } from './signing-keys.service.js';

/** The change-feed topic that tells every process to re-read the signing keys. */
export const SIGNING_KEYS_TOPIC = 'signing-keys';

/**
 * Administration of the token signing keys: list them and rotate. Signing keys serve every account, so only the
 * administrators of the operator account (the one created on first start) may touch them. A rotation is audited and announced on the change feed, so that every process signs
 * with the new key at once while the previous one keeps verifying the tokens it signed until they expire.
 */
export class SigningKeysAdmin {
  constructor(
    private readonly ctx: IamContext,
    private readonly keys: SigningKeys,
    private readonly accounts: AccountsService,
  ) {}

  async list(principal: Principal): Promise<SigningKeyInfo[]> {
    await this.requireOperator(principal);
    return this.keys.list();
  }

  async rotate(principal: Principal, origin: RequestOrigin): Promise<{ kid: string; keys: PublicJwk[] }> {
    await this.requireOperator(principal);
    const kid = await this.keys.rotate();
    await this.ctx.feed.publish({ topic: SIGNING_KEYS_TOPIC, key: kid });
    await this.ctx.audit.record(
      {
        accountId: principal.accountId,
        action: 'signing_key.rotate',
        actorIamId: principal.iamId,
        targetType: 'signing_key',
        targetId: kid,
      },
      origin,
    );
    return { kid, keys: this.keys.jwks().keys };
  }

  private async requireOperator(principal: Principal): Promise<void> {
    const operator =
      principal.kind === 'user' && principal.isAccountAdmin ? await this.accounts.operatorAccountId() : undefined;
    if (operator === undefined || principal.accountId !== operator) throw iamErrors.forbidden('manage signing keys');
  }
}
