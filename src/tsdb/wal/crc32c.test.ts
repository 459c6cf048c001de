import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crc32c } from './crc32c.js';

/** Bit-at-a-time CRC32C, the definition the table-driven code must agree with. */
function reference(bytes: Uint8Array): number {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return ~c >>> 0;
}

describe('crc32c', () => {
  it('gives the Castagnoli check value for "123456789"', () => {
    assert.equal(crc32c(new TextEncoder().encode('123456789')), 0xe3069283);
  });

  it('matches the RFC 3720 (iSCSI) test vectors', () => {
    const ascending = Uint8Array.from({ length: 32 }, (_, i) => i);
    assert.equal(crc32c(new Uint8Array(32)), 0x8a9136aa);
    assert.equal(crc32c(new Uint8Array(32).fill(0xff)), 0x62a8ab43);
    assert.equal(crc32c(ascending), 0x46dd794e);
    assert.equal(crc32c(ascending.slice().reverse()), 0x113fdb5c);
  });

  it('is 0 for no bytes', () => {
    assert.equal(crc32c(new Uint8Array(0)), 0);
  });

  it('agrees with the bitwise definition for every length and alignment up to 64', () => {
    const data = Uint8Array.from({ length: 200 }, (_, i) => (i * 2654435761) >>> 24);
    for (let start = 0; start < 9; start++) {
      for (let length = 0; length <= 64; length++) {
        const slice = data.subarray(start, start + length);
        assert.equal(crc32c(data, start, start + length), reference(slice), `start ${start} length ${length}`);
        assert.equal(crc32c(slice), reference(slice));
      }
    }
  });

  it('continues a checksum from a previous result', () => {
    const data = new TextEncoder().encode('the quick brown fox jumps over the lazy dog');
    for (const cut of [0, 1, 7, 8, 20, data.length]) {
      assert.equal(crc32c(data, cut, data.length, crc32c(data, 0, cut)), crc32c(data));
    }
  });
});
