import { isoAt } from '../../platform/clock.js';
import { hashPassword } from '../../platform/crypto/password.js';
import { randomBase62 } from '../../platform/crypto/base62.js';
import type { IamContext } from '../context.js';
import { ids } from '../ids.js';

export interface CreatedAccount {
  readonly accountId: string;
  readonly admin: { readonly iamId: string; readonly email: string };
}

/** The settings key holding the id of the account created on first start: the operator account. */
export const OPERATOR_ACCOUNT_SETTING = 'bootstrap.account_id';

/** Accounts and the first start. */
export class AccountsService {
  constructor(private readonly ctx: IamContext) {}

  /** Creates an account with its first administrator. */
  async create(input: {
    name: string;
    adminEmail: string;
    adminName: string;
    adminPassword: string;
  }): Promise<CreatedAccount> {
    const { clock, random, repositories } = this.ctx;
    const now = isoAt(clock.now());
    const accountId = ids.account(random);
    const iamId = ids.user(random);
    const passwordHash = await hashPassword(input.adminPassword);
    await repositories.accounts.insert({ id: accountId, name: input.name, created_at: now });
    await repositories.users.insert({
      iam_id: iamId,
      account_id: accountId,
      email: input.adminEmail.toLowerCase(),
      name: input.adminName,
      password_hash: passwordHash,
      is_admin: 1,
      state: 'ACTIVE',
      version: 1,
      created_at: now,
      modified_at: now,
      password_changed_at: now,
    });
    await this.ctx.audit.record(
      {
        accountId,
        action: 'account.create',
        actorIamId: null,
        targetType: 'account',
        targetId: accountId,
        details: { admin: iamId },
      },
      { ip: null, userAgent: null, requestId: null },
    );
    return { accountId, admin: { iamId, email: input.adminEmail.toLowerCase() } };
  }

  /**
   * The account created on the first start. Its administrators operate the whole deployment (signing keys serve every
   * account); administrators of other accounts manage only their own account.
   */
  operatorAccountId(): Promise<string | undefined> {
    return this.ctx.repositories.accounts.getSetting(OPERATOR_ACCOUNT_SETTING);
  }

  /**
   * On the first start, creates the account and its administrator (with the configured password, or a generated one
   * that is returned so the caller can print it once). On later starts, returns the existing account and no password.
   */
  async bootstrap(
    adminEmail: string,
    adminPassword: string | undefined,
  ): Promise<{ accountId: string; generatedPassword?: string }> {
    const existing = await this.ctx.repositories.accounts.getSetting(OPERATOR_ACCOUNT_SETTING);
    if (existing !== undefined) return { accountId: existing };
    const generated = adminPassword === undefined ? randomBase62(20, (n) => this.ctx.random.bytes(n)) : undefined;
    const account = await this.create({
      name: 'vigil',
      adminEmail,
      adminName: 'Administrator',
      adminPassword: adminPassword ?? (generated as string),
    });
    await this.ctx.repositories.accounts.putSetting(OPERATOR_ACCOUNT_SETTING, account.accountId);
    return { accountId: account.accountId, ...(generated ? { generatedPassword: generated } : {}) };
  }
}
