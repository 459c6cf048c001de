import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Keys derived from the master key with HKDF, one per purpose, so that the master key itself never touches data:
 * a pepper for the HMAC that indexes secrets, and an AES-256-GCM key for secrets that must be readable again
 * (signing keys, Monitor API tokens).
 */
export class Keyring {
  private readonly pepper: Buffer;
  private readonly encryptionKey: Buffer;

  constructor(masterKey: Buffer) {
    if (masterKey.length !== 32) throw new Error('the master key must be 32 bytes');
    this.pepper = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'vigil/secret-index/v1', 32));
    this.encryptionKey = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'vigil/at-rest/v1', 32));
  }

  /** HMAC-SHA256 of a secret under the pepper, base64url: the only form in which API keys and refresh tokens are stored. */
  index(secret: string): string {
    return createHmac('sha256', this.pepper).update(secret).digest('base64url');
  }

  /** Encrypts with AES-256-GCM; the result is `v1.<iv>.<tag>.<ciphertext>` in base64url. `context` is bound as AAD. */
  seal(plaintext: string, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.encryptionKey, iv);
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join(
      '.',
    );
  }

  /** Reverses {@link seal}; throws if the value was tampered with or sealed under another key or context. */
  open(sealed: string, context: string): string {
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== 'v1' || iv === undefined || tag === undefined || body === undefined) {
      throw new Error('not a sealed value');
    }
    const decipher = createDecipheriv('aes-256-gcm', this.encryptionKey, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }
}

/** Compares two strings in constant time (for their common length; a length difference is not secret). */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  if (left.length !== right.length) {
    timingSafeEqual(left, left);
    return false;
  }
  return timingSafeEqual(left, right);
}
