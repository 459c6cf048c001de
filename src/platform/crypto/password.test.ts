import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { DUMMY_PASSWORD_HASH, hashPassword, verifyPassword } from './password.js';

const password = () => `pw-${randomBytes(9).toString('base64url')}`;

describe('hashPassword', () => {
  it('stores scrypt$N$r$p$salt$hash with N=2^15, r=8, p=1, a 16-byte salt and a 32-byte key', async () => {
    const secret = password();
    const stored = await hashPassword(secret);
    const [scheme, n, r, p, salt, hash] = stored.split('$');
    assert.deepEqual([scheme, n, r, p], ['scrypt', '32768', '8', '1']);
    assert.equal(Buffer.from(String(salt), 'base64url').length, 16);
    assert.equal(Buffer.from(String(hash), 'base64url').length, 32);
    assert.ok(!stored.includes(secret));
  });

  it('salts every hash: the same password twice gives two hashes', async () => {
    const secret = password();
    assert.notEqual(await hashPassword(secret), await hashPassword(secret));
  });
});

describe('verifyPassword', () => {
  it('accepts the password and nothing else', async () => {
    const secret = password();
    const stored = await hashPassword(secret);
    assert.equal(await verifyPassword(secret, stored), true);
    assert.equal(await verifyPassword(`${secret} `, stored), false);
    assert.equal(await verifyPassword(secret.toUpperCase(), stored), false);
    assert.equal(await verifyPassword('', stored), false);
  });

  it('refuses hashes of other schemes or that are malformed, without throwing', async () => {
    const secret = password();
    assert.equal(await verifyPassword(secret, ''), false);
    assert.equal(await verifyPassword(secret, `bcrypt$10$${secret}`), false);
    assert.equal(await verifyPassword(secret, 'scrypt$32768$8$1'), false);
  });

  it('accepts nothing against the dummy hash, which has the parameters and sizes of a real one', async () => {
    assert.equal(await verifyPassword(password(), DUMMY_PASSWORD_HASH), false);
    // Same scheme, cost parameters, salt and key lengths as hashPassword's: verifying against it runs the same scrypt,
    // so an unknown user is not told apart by timing (compared structurally: a timing ratio flakes on a busy machine).
    const shape = (stored: string) => {
      const [scheme, n, r, p, salt, hash] = stored.split('$');
      const bytes = (part: string | undefined) => Buffer.from(part ?? '', 'base64url').length;
      return { scheme, n, r, p, salt: bytes(salt), hash: bytes(hash) };
    };
    const real = shape(await hashPassword(password()));
    assert.deepEqual(shape(DUMMY_PASSWORD_HASH), real);
    assert.deepEqual(real, { scheme: 'scrypt', n: '32768', r: '8', p: '1', salt: 16, hash: 32 });
  });
});
