import { DUMMY_PASSWORD_HASH, verifyPassword } from '../../../platform/crypto/password.js';
import type { Keyring } from '../../../platform/crypto/keyring.js';
import { tokenErrors } from '../../errors.js';
import type { TokenSubjectsRepository } from '../token-subjects.repository.js';
import { GrantFailure, type CredentialLimiter, type Grant, type GrantRequest, type GrantResult } from './grant.js';
import type { SignInLockout, SignInSubject } from '../../users/signin-lockout.js';
import { userSubject } from './subjects.js';

export const PASSWORD_GRANT = 'password';

/**
 * `grant_type=password`: a user's email and password (the CLI and the console). Users only. An unknown email costs
 * the same scrypt as a known one (verified against a dummy hash), and every failure gives the same answer, so the
 * endpoint does not tell which emails exist. After too many consecutive wrong passwords the account's sign-in is
 * locked for a while (SignInLockout: 429 with Retry-After, the right password included), for unknown emails alike.
 * A refresh token is always issued.
 */
export class PasswordGrant implements Grant {
  constructor(
    private readonly subjects: TokenSubjectsRepository,
    private readonly keyring: Keyring,
    private readonly limit: CredentialLimiter,
    private readonly lockout: SignInLockout,
  ) {}

  async run({ form, client, origin }: GrantRequest): Promise<GrantResult> {
    const { username, password } = form;
    if (username === undefined || username === '') {
      throw new GrantFailure(tokenErrors.missingProperty('username'), 'missing_username');
    }
    if (password === undefined || password === '') {
      throw new GrantFailure(tokenErrors.missingProperty('password'), 'missing_password');
    }
    const index = this.keyring.index(`user:${username.toLowerCase()}`);
    this.limit(index);
    const user = await this.subjects.findUserByEmail(username);
    const context = user
      ? { accountId: user.account_id, actorIamId: user.iam_id, target: { type: 'user', id: user.iam_id } }
      : {};
    const subject: SignInSubject = user
      ? { kind: 'user', iamId: user.iam_id, accountId: user.account_id }
      : { kind: 'unknown', key: index };
    const wait = await this.lockout.waitSeconds(subject);
    if (wait > 0) {
      // Audited once a minute per account, like other floods: a locked account under attack writes no row per try.
      throw new GrantFailure(tokenErrors.signInLocked(wait), 'signin_locked', {
        ...context,
        throttled: `lock:${index}`,
      });
    }
    // A pending user has no password: the dummy hash costs the same scrypt and never matches.
    const usable = user !== undefined && user.state !== 'PENDING';
    const matches = await verifyPassword(password, usable ? user.password_hash : DUMMY_PASSWORD_HASH);
    if (!matches) await this.lockout.failed(subject, origin);
    if (!user) throw new GrantFailure(tokenErrors.invalidCredentials(), 'user_unknown');
    if (user.state === 'PENDING') throw new GrantFailure(tokenErrors.invalidCredentials(), 'user_pending', context);
    if (!matches) throw new GrantFailure(tokenErrors.invalidCredentials(), 'wrong_password', context);
    if (user.state !== 'ACTIVE') throw new GrantFailure(tokenErrors.invalidCredentials(), 'user_disabled', context);
    await this.lockout.succeeded(subject);
    return {
      subject: userSubject(user),
      grantType: PASSWORD_GRANT,
      clientId: client,
      apikeyId: null,
      refreshable: true,
      familyId: null,
      target: { type: 'user', id: user.iam_id },
    };
  }
}
