import assert from 'node:assert/strict';
import { crc32 } from 'node:zlib';
import { describe, it } from 'node:test';
import { base62 } from './base62.js';
import { cryptoRandom } from './random.js';
import { generateSecret, isWellFormedSecret, TOKEN_KINDS, type TokenKind } from './secret-token.js';

const KINDS = Object.keys(TOKEN_KINDS) as TokenKind[];

describe('generateSecret', () => {
  it('is prefix + 30 random base62 characters (≥178 bits) + a 6-character base62 CRC32', () => {
    for (const kind of KINDS) {
      const value = generateSecret(kind, cryptoRandom);
      const prefix = TOKEN_KINDS[kind];
      assert.equal(value.length, prefix.length + 36);
      assert.ok(value.startsWith(prefix));
      assert.match(value.slice(prefix.length), /^[0-9A-Za-z]{36}$/);
      const head = value.slice(0, -6);
      assert.equal(value.slice(-6), base62(crc32(head), 6));
      assert.ok(30 * Math.log2(62) >= 178);
    }
  });

  it('uses the prefixes vigil documents', () => {
    assert.deepEqual(TOKEN_KINDS, {
      apiKey: 'vigil_ak_',
      refreshToken: 'vigil_rt_',
      monitorToken: 'vigil_mt_',
      session: 'vigil_cs_',
    });
  });

  it('draws from the given randomness (deterministic with a fixed source)', () => {
    const fixed = { bytes: (n: number) => Buffer.alloc(n, 7), uuid: () => '' };
    assert.equal(generateSecret('apiKey', fixed), generateSecret('apiKey', fixed));
    assert.match(generateSecret('apiKey', fixed), /^vigil_ak_7{30}[0-9A-Za-z]{6}$/);
  });

  it('never repeats over many draws', () => {
    const seen = new Set(Array.from({ length: 2000 }, () => generateSecret('apiKey', cryptoRandom)));
    assert.equal(seen.size, 2000);
  });
});

describe('isWellFormedSecret', () => {
  it('accepts a generated secret of its own kind only', () => {
    const key = generateSecret('apiKey', cryptoRandom);
    assert.equal(isWellFormedSecret('apiKey', key), true);
    assert.equal(isWellFormedSecret('refreshToken', key), false);
    const refresh = generateSecret('refreshToken', cryptoRandom);
    assert.equal(isWellFormedSecret('refreshToken', refresh), true);
    assert.equal(isWellFormedSecret('apiKey', refresh), false);
  });

  it('refuses a mistyped character by its checksum, before any lookup', () => {
    const key = generateSecret('apiKey', cryptoRandom);
    const at = TOKEN_KINDS.apiKey.length + 5;
    const swapped = key.slice(0, at) + (key[at] === 'a' ? 'b' : 'a') + key.slice(at + 1);
    assert.equal(isWellFormedSecret('apiKey', swapped), false);
    const badChecksum = key.slice(0, -1) + (key.endsWith('0') ? '1' : '0');
    assert.equal(isWellFormedSecret('apiKey', badChecksum), false);
  });

  it('refuses wrong lengths, characters outside base62 and other prefixes', () => {
    const key = generateSecret('apiKey', cryptoRandom);
    for (const bad of [
      '',
      'vigil_ak_',
      key.slice(0, -1),
      `${key}0`,
      ` ${key.slice(1)}`,
      key.replace('vigil_ak_', 'vigil_xx_'),
      `${key.slice(0, 12)}-${key.slice(13)}`,
      `${key.slice(0, 12)}é${key.slice(13)}`,
      'x'.repeat(10_000),
    ]) {
      assert.equal(isWellFormedSecret('apiKey', bad), false, JSON.stringify(bad.slice(0, 50)));
    }
  });
});
