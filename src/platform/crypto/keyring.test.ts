import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { constantTimeEqual, Keyring } from './keyring.js';

describe('Keyring', () => {
  it('refuses a master key that is not 32 bytes', () => {
    assert.throws(() => new Keyring(randomBytes(16)), /32 bytes/);
    assert.throws(() => new Keyring(randomBytes(33)), /32 bytes/);
  });

  describe('index (HMAC-SHA256 under the pepper)', () => {
    it('is stable for one master key, differs across master keys, and never contains the secret', () => {
      const master = randomBytes(32);
      const a = new Keyring(master);
      const b = new Keyring(Buffer.from(master));
      const other = new Keyring(randomBytes(32));
      const secret = `vigil_ak_${randomBytes(20).toString('hex')}`;
      assert.equal(a.index(secret), b.index(secret));
      assert.notEqual(a.index(secret), other.index(secret));
      assert.notEqual(a.index(secret), a.index(`${secret}x`));
      assert.match(a.index(secret), /^[A-Za-z0-9_-]{43}$/);
      assert.ok(!a.index(secret).includes(secret));
    });

    it('is keyed by a key derived from the master key, not by the master key itself', async () => {
      const { createHmac } = await import('node:crypto');
      const master = randomBytes(32);
      const secret = 'value';
      assert.notEqual(
        new Keyring(master).index(secret),
        createHmac('sha256', master).update(secret).digest('base64url'),
      );
    });
  });

  describe('seal / open (AES-256-GCM)', () => {
    it('round-trips, with a fresh IV each time', () => {
      const keyring = new Keyring(randomBytes(32));
      const plaintext = `secret ${randomBytes(8).toString('hex')} ✓`;
      const one = keyring.seal(plaintext, 'ctx');
      const two = keyring.seal(plaintext, 'ctx');
      assert.notEqual(one, two);
      assert.match(one, /^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/);
      assert.ok(!one.includes(plaintext));
      assert.equal(keyring.open(one, 'ctx'), plaintext);
      assert.equal(keyring.open(two, 'ctx'), plaintext);
    });

    it('refuses another context, another master key, a tampered value and garbage', () => {
      const keyring = new Keyring(randomBytes(32));
      const sealed = keyring.seal('payload', 'signing-key:1');
      assert.throws(() => keyring.open(sealed, 'signing-key:2'));
      assert.throws(() => new Keyring(randomBytes(32)).open(sealed, 'signing-key:1'));
      const [version, iv, tag, body] = sealed.split('.') as [string, string, string, string];
      const flipped = Buffer.from(body, 'base64url');
      flipped[0] = (flipped[0] ?? 0) ^ 1;
      assert.throws(() => keyring.open([version, iv, tag, flipped.toString('base64url')].join('.'), 'signing-key:1'));
      assert.throws(() => keyring.open('v1.abc', 'signing-key:1'), /not a sealed value/);
      assert.throws(() => keyring.open(`v2.${iv}.${tag}.${body}`, 'signing-key:1'), /not a sealed value/);
    });
  });
});

describe('constantTimeEqual', () => {
  it('compares strings exactly, including different lengths and non-ASCII', () => {
    assert.equal(constantTimeEqual('abc', 'abc'), true);
    assert.equal(constantTimeEqual('abc', 'abd'), false);
    assert.equal(constantTimeEqual('abc', 'abcd'), false);
    assert.equal(constantTimeEqual('', ''), true);
    assert.equal(constantTimeEqual('é', 'e'), false);
    assert.equal(constantTimeEqual('é', 'é'), true);
  });
});
