import type { CompiledQuery } from 'kysely';
import type { Db } from '../../platform/db/schema.js';

/** An API key with what the token endpoint needs of its owner, read in one query. */
export interface ApiKeyWithOwner {
  readonly id: string;
  readonly account_id: string;
  readonly iam_id: string;
  readonly owner_type: 'user' | 'serviceid';
  readonly disabled: number;
  readonly expires_at: string | null;
  readonly user_account_id: string | null;
  readonly user_email: string | null;
  readonly user_name: string | null;
  readonly user_state: 'ACTIVE' | 'DISABLED' | 'PENDING' | null;
  readonly service_id: string | null;
  readonly service_account_id: string | null;
  readonly service_name: string | null;
}

/**
 * The token endpoint's reads of keys and subjects. An API key is looked up with its owner in a single query (left
 * joins), so that a known and an unknown key cost the same round trip and a grant costs one.
 */
export class TokenSubjectsRepository {
  /** Compiled once: this query runs on every apikey grant, and building it is a fair share of the grant's work. */
  private readonly apiKeyByHash: CompiledQuery<ApiKeyWithOwner>;

  constructor(private readonly db: Db) {
    this.apiKeyByHash = db
      .selectFrom('api_keys as k')
      .leftJoin('users as u', 'u.iam_id', 'k.iam_id')
      .leftJoin('service_ids as s', 's.iam_id', 'k.iam_id')
      .select([
        'k.id',
        'k.account_id',
        'k.iam_id',
        'k.owner_type',
        'k.disabled',
        'k.expires_at',
        'u.account_id as user_account_id',
        'u.email as user_email',
        'u.name as user_name',
        'u.state as user_state',
        's.id as service_id',
        's.account_id as service_account_id',
        's.name as service_name',
      ])
      .where('k.key_hash', '=', '')
      .compile();
  }

  async findApiKeyByHash(keyHash: string): Promise<ApiKeyWithOwner | undefined> {
    const query: CompiledQuery<ApiKeyWithOwner> = { ...this.apiKeyByHash, parameters: [keyHash] };
    const { rows } = await this.db.executeQuery(query);
    return rows[0];
  }

  findApiKeyById(id: string): Promise<{ iam_id: string; disabled: number; expires_at: string | null } | undefined> {
    return this.db
      .selectFrom('api_keys')
      .select(['iam_id', 'disabled', 'expires_at'])
      .where('id', '=', id)
      .executeTakeFirst();
  }

  findUserByEmail(email: string) {
    return this.db
      .selectFrom('users')
      .select(['iam_id', 'account_id', 'email', 'name', 'state', 'password_hash'])
      .where('email', '=', email.toLowerCase())
      .executeTakeFirst();
  }

  findUser(iamId: string) {
    return this.db
      .selectFrom('users')
      .select(['iam_id', 'account_id', 'email', 'name', 'state'])
      .where('iam_id', '=', iamId)
      .executeTakeFirst();
  }

  findServiceId(iamId: string) {
    return this.db
      .selectFrom('service_ids')
      .select(['id', 'iam_id', 'account_id', 'name'])
      .where('iam_id', '=', iamId)
      .executeTakeFirst();
  }
}
