import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TsdbCorruptionError } from '../chunks/errors.js';
import { compareUtf8, sortUtf8 } from './byte-order.js';
import { Decbuf } from './decbuf.js';
import { Encbuf } from './encbuf.js';

const corrupt = (pattern: RegExp) => (error: unknown) =>
  error instanceof TsdbCorruptionError && pattern.test(error.message);

describe('Encbuf and Decbuf', () => {
  it('round-trip every field type at its edges', () => {
    const unsigned = [0, 1, 127, 128, 16_383, 16_384, 2 ** 31, 2 ** 32, 1_700_000_000_000, Number.MAX_SAFE_INTEGER];
    const signed = [0, -1, 1, -64, 64, -(2 ** 31), 2 ** 40, -1_700_000_000_000, 2 ** 52 - 1, -(2 ** 52)];
    const e = new Encbuf(1);
    for (const v of unsigned) e.putUvarint(v);
    for (const v of signed) e.putVarint(v);
    e.putBE32(0xdeadbeef);
    e.putBE64(2 ** 53 - 1);
    e.putByte(7);
    e.putUvarintStr('é\u{1F600}');
    const d = new Decbuf(e.get(), 'test');
    assert.deepEqual(
      unsigned.map(() => d.uvarint()),
      unsigned,
    );
    assert.deepEqual(
      signed.map(() => d.varint()),
      signed,
    );
    assert.equal(d.be32(), 0xdeadbeef);
    assert.equal(d.be64(), 2 ** 53 - 1);
    assert.equal(d.byte(), 7);
    assert.equal(d.uvarintStr(), 'é\u{1F600}');
    assert.equal(d.remaining, 0);
  });

  it('writes Go varints byte for byte', () => {
    const e = new Encbuf();
    e.putUvarint(300);
    e.putVarint(-3);
    e.putBE64(0x0102_0304_0506);
    assert.deepEqual([...e.get()], [0xac, 0x02, 0x05, 0, 0, 1, 2, 3, 4, 5, 6]);
    e.reset();
    assert.equal(e.length, 0);
  });

  it('refuses to write a varint whose unsigned form is outside [0, 2^53)', () => {
    assert.throws(() => new Encbuf().putUvarint(-1), RangeError);
    assert.throws(() => new Encbuf().putUvarint(2 ** 53), RangeError);
    assert.throws(() => new Encbuf().putUvarint(Number.NaN), RangeError);
    assert.throws(() => new Encbuf().putVarint(2 ** 52), RangeError);
  });

  const bad: readonly [string, number[], (d: Decbuf) => unknown, RegExp][] = [
    ['a read past the end', [1, 2], (d) => d.be32(), /unexpected end at offset 0/],
    [
      'a varint beyond 2^53',
      [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f],
      (d) => d.uvarint(),
      /beyond 2\^53/,
    ],
    ['a varint longer than 10 bytes', Array<number>(11).fill(0xff), (d) => d.uvarint(), /longer than 10 bytes/],
    ['a truncated varint', [0x80], (d) => d.uvarint(), /unexpected end/],
    ['a 64-bit field beyond 2^53', [0, 0x20, 0, 0, 0, 0, 0, 0], (d) => d.be64(), /beyond 2\^53/],
    ['invalid UTF-8', [1, 0xff], (d) => d.uvarintStr(), /invalid UTF-8/],
    ['a string longer than the buffer', [5, 0x61], (d) => d.uvarintStr(), /unexpected end/],
    ['a skip past the end', [1], (d) => d.skip(2), /unexpected end/],
  ];
  for (const [what, bytes, read, message] of bad) {
    it(`reports ${what} as corruption`, () => {
      assert.throws(() => read(new Decbuf(Uint8Array.from(bytes), 'test')), corrupt(message));
    });
  }

  it('reports a range outside the file as corruption', () => {
    assert.throws(() => new Decbuf(new Uint8Array(4), 'f', 2, 8), corrupt(/range \[2, 8\) outside the file/));
    assert.throws(() => new Decbuf(new Uint8Array(4), 'f', -1), corrupt(/outside the file/));
  });
});

describe('compareUtf8', () => {
  it('orders as UTF-8 bytes do, unlike UTF-16 for astral characters', () => {
    const strings = ['\uFFFD', '\u{1F600}', 'z', 'é', '', 'a', '\uE000', 'ab', '\u{10000}'];
    const byBytes = [...strings].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    assert.deepEqual(sortUtf8([...strings]), byBytes);
    assert.ok(compareUtf8('\u{1F600}', '\uFFFD') > 0);
    assert.ok('\u{1F600}' < '\uFFFD', 'JavaScript orders them the other way');
    assert.deepEqual(sortUtf8(['b', 'a']), ['a', 'b']);
  });
});
