import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BASE62, base62, randomBase62 } from './base62.js';

describe('base62', () => {
  it('encodes integers with 0-9A-Za-z, left-padded to the width', () => {
    assert.equal(base62(0, 6), '000000');
    assert.equal(base62(61, 1), 'z');
    assert.equal(base62(62, 2), '10');
    assert.equal(base62(0xffffffff, 6), '4gfFC3');
    assert.equal(base62(2n ** 64n, 1), 'LygHa16AHYG');
  });

  it('never truncates a value wider than the width', () => {
    assert.equal(base62(62 ** 3, 2), '1000');
  });
});

describe('randomBase62', () => {
  it('returns exactly `count` base62 characters', () => {
    for (const count of [1, 20, 30, 100]) {
      const value = randomBase62(count, (n) => Buffer.alloc(n, 65));
      assert.equal(value.length, count);
      assert.match(value, BASE62);
    }
  });

  it('skips bytes at or above 248 so that no character is favoured (rejection sampling)', () => {
    // 248..255 are dropped; 0, 61 and 62 map to '0', 'z' and '0'.
    const bytes = [248, 255, 0, 250, 61, 62];
    let calls = 0;
    const value = randomBase62(3, (n) => {
      calls++;
      return Buffer.from(bytes.slice(0, n));
    });
    assert.equal(value, '0z0');
    assert.equal(calls, 1);
  });

  it('asks for more bytes when a draw was mostly rejected', () => {
    let calls = 0;
    const value = randomBase62(4, (n) => {
      calls++;
      return calls === 1 ? Buffer.alloc(n, 255) : Buffer.alloc(n, 1);
    });
    assert.equal(value, '1111');
    assert.equal(calls, 2);
  });

  it('spreads characters evenly over a large sample', () => {
    const sample = randomBase62(62 * 400, (n) =>
      Buffer.from(Array.from({ length: n }, () => Math.floor(Math.random() * 256))),
    );
    const counts = new Map<string, number>();
    for (const c of sample) counts.set(c, (counts.get(c) ?? 0) + 1);
    assert.equal(counts.size, 62);
    for (const n of counts.values()) assert.ok(n > 250 && n < 550, `count ${n}`);
  });
});
