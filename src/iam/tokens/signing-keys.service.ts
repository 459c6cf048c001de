import { generateKeyPair, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import type { Clock } from '../../platform/clock.js';
import { isoAt } from '../../platform/clock.js';
import type { Keyring } from '../../platform/crypto/keyring.js';
import type { Random } from '../../platform/crypto/random.js';
import type { SigningKeyRow } from '../../platform/db/schema.js';
import type { SigningKeysRepository } from './signing-keys.repository.js';

const generateRsa = promisify(generateKeyPair);

export const ACCESS_TOKEN_TTL_SECONDS = 3600;
export const SIGNING_ALGORITHM = 'RS256';

/** Public facts about a signing key (admin listing). */
export interface SigningKeyInfo {
  kid: string;
  alg: string;
  created_at: string;
  retired_at: string | null;
  current: boolean;
  in_jwks: boolean;
}

/** A public key as the JWKS serves it (IBM omits `use`; vigil sends it, which no client minds). */
export interface PublicJwk {
  kty: string;
  n: string;
  e: string;
  alg: string;
  kid: string;
  use: 'sig';
}

interface LoadedKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  jwk: PublicJwk;
  createdAt: string;
  retiredAt: string | null;
}

/**
 * The RS256 keys that sign IAM access tokens. Private keys are stored sealed under the master key. A rotation makes a
 * new key current; retired keys stay in the JWKS and keep verifying until every token they signed has expired.
 * Other processes learn of a rotation when a token names a kid they do not know (reloaded at most once a second).
 */
export class SigningKeys {
  private keys = new Map<string, LoadedKey>();
  private currentKid: string | undefined;
  private lastReload = 0;

  constructor(
    private readonly repository: SigningKeysRepository,
    private readonly keyring: Keyring,
    private readonly clock: Clock,
    private readonly random: Random,
  ) {}

  /** Loads the keys, creating the first one on first start. */
  async init(): Promise<void> {
    await this.reload();
    if (this.currentKid === undefined) await this.rotate();
  }

  /** Makes a new key current; returns its kid. */
  async rotate(): Promise<string> {
    const { privateKey, publicKey } = await generateRsa('rsa', { modulusLength: 2048 });
    const now = this.clock.now();
    const kid = `${isoAt(now).replace(/\D/g, '').slice(0, 14)}-${this.random.bytes(3).toString('hex')}`;
    const jwk = publicKey.export({ format: 'jwk' });
    const publicJwk: PublicJwk = {
      kty: 'RSA',
      n: String(jwk.n),
      e: String(jwk.e),
      alg: SIGNING_ALGORITHM,
      kid,
      use: 'sig',
    };
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    await this.repository.rotate(
      {
        kid,
        alg: SIGNING_ALGORITHM,
        private_key: this.keyring.seal(pem, `signing-key:${kid}`),
        public_jwk: JSON.stringify(publicJwk),
        created_at: isoAt(now),
        retired_at: null,
      },
      isoAt(now),
    );
    await this.reload();
    return kid;
  }

  /**
   * Re-reads the keys when the last read is older than `maxAgeMs`, so that a process that did not perform a rotation
   * starts signing with the new key within a minute of it (the change feed usually tells it sooner).
   */
  async refreshIfStale(maxAgeMs = 60_000): Promise<void> {
    if (this.clock.now() - this.lastReload >= maxAgeMs) await this.reload();
  }

  /** Re-reads the keys now (another process rotated them). */
  async refresh(): Promise<void> {
    await this.reload();
  }

  /** Public facts about every key, newest first: never private material. */
  list(): SigningKeyInfo[] {
    return [...this.keys.values()]
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      .map((key) => ({
        kid: key.kid,
        alg: key.jwk.alg,
        created_at: key.createdAt,
        retired_at: key.retiredAt,
        current: key.kid === this.currentKid,
        in_jwks: this.jwks().keys.some((jwk) => jwk.kid === key.kid),
      }));
  }

  private async reload(): Promise<void> {
    this.lastReload = this.clock.now();
    const rows = await this.repository.all();
    const keys = new Map<string, LoadedKey>();
    for (const row of rows) keys.set(row.kid, this.keys.get(row.kid) ?? this.load(row));
    // Update retirement dates of keys loaded before.
    for (const row of rows) {
      const key = keys.get(row.kid);
      if (key) key.retiredAt = row.retired_at;
    }
    this.keys = keys;
    this.currentKid = rows.filter((r) => r.retired_at === null).at(-1)?.kid;
  }

  private load(row: SigningKeyRow): LoadedKey {
    const privateKey = createPrivateKey(this.keyring.open(row.private_key, `signing-key:${row.kid}`));
    return {
      kid: row.kid,
      privateKey,
      publicKey: createPublicKey(privateKey),
      jwk: JSON.parse(row.public_jwk) as PublicJwk,
      createdAt: row.created_at,
      retiredAt: row.retired_at,
    };
  }

  /** The key new tokens are signed with. */
  current(): { kid: string; privateKey: KeyObject } {
    const key = this.currentKid === undefined ? undefined : this.keys.get(this.currentKid);
    if (!key) throw new Error('no signing key: SigningKeys.init() was not called');
    return key;
  }

  /** The public key for a kid, if it may still verify tokens; an unknown kid triggers a (rate-limited) reload. */
  async verificationKey(kid: string): Promise<KeyObject | undefined> {
    let key = this.keys.get(kid);
    if (!key && this.clock.now() - this.lastReload >= 1000) {
      await this.reload();
      key = this.keys.get(kid);
    }
    if (!key || !this.stillVerifies(key)) return undefined;
    return key.publicKey;
  }

  private stillVerifies(key: LoadedKey): boolean {
    if (key.retiredAt === null) return true;
    // A retired key verifies for one token lifetime after retirement (plus a minute of clock tolerance).
    return Date.parse(key.retiredAt) + (ACCESS_TOKEN_TTL_SECONDS + 60) * 1000 > this.clock.now();
  }

  /** The JWKS: the current key, the one before it, and any other retired key whose tokens may still be valid. */
  jwks(): { keys: PublicJwk[] } {
    const all = [...this.keys.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    const served = all.filter((key, index) => index < 2 || this.stillVerifies(key));
    return { keys: served.map((key) => key.jwk) };
  }
}
