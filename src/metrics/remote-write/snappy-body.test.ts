import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RemoteWriteDecodeError } from './decode-error.js';
import { MAX_DECODED_BYTES, uncompressBody } from './snappy-body.js';
import { snappy } from './testing/encoder.js';

const TEXT = Buffer.from('remote write '.repeat(1000));

function isDecodeError(message: string | RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof RemoteWriteDecodeError);
    if (typeof message === 'string') assert.equal(error.message, message);
    else assert.match(error.message, message);
    return true;
  };
}

describe('uncompressBody', () => {
  it('uncompresses what the snappy library compresses: text, random bytes, runs, every length up to 300', () => {
    assert.deepStrictEqual(uncompressBody(snappy(TEXT)), TEXT);
    assert.deepStrictEqual(uncompressBody(snappy(Buffer.alloc(0))), Buffer.alloc(0));
    let seed = 7;
    const random = (n: number) =>
      Buffer.from(Array.from({ length: n }, () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) >>> 16) & 0xff));
    for (const input of [random(100_000), Buffer.alloc(70_000, 7), Buffer.concat([random(5000), random(5000)])]) {
      assert.deepStrictEqual(uncompressBody(snappy(input)), input);
    }
    for (let n = 0; n <= 300; n++) {
      const input = Buffer.from('abcabcabd'.repeat(40).slice(0, n));
      assert.deepStrictEqual(uncompressBody(snappy(input)), input);
    }
  });

  it('decodes each element kind, overlapping copies included (hand-made blocks)', () => {
    // 10 bytes: literal "ab", then copy-1 of length 8 at offset 2 (overlapping: repeats "ab").
    assert.equal(uncompressBody(Buffer.from([10, 0x04, 0x61, 0x62, (4 << 2) | 1, 2])).toString(), 'ababababab');
    // copy-2 and copy-4 of length 3 at offset 3 after "xyz".
    assert.equal(uncompressBody(Buffer.from([6, 0x08, 0x78, 0x79, 0x7a, (2 << 2) | 2, 3, 0])).toString(), 'xyzxyz');
    assert.equal(
      uncompressBody(Buffer.from([6, 0x08, 0x78, 0x79, 0x7a, (2 << 2) | 3, 3, 0, 0, 0])).toString(),
      'xyzxyz',
    );
    // A literal whose length is in the next byte (tag 60).
    const long = Buffer.alloc(100, 0x41);
    assert.deepStrictEqual(uncompressBody(Buffer.concat([Buffer.from([100, 60 << 2, 99]), long])), long);
  });

  it('refuses inconsistent blocks with the reason', () => {
    const cases: [number[], string][] = [
      [[5, 0x04, 0x61, 0x62], 'snappy: corrupt input (2 bytes decoded, 5 declared)'],
      [[2, 0x08, 0x61], 'snappy: corrupt input (literal past the end of the input)'],
      [[2, 0x08, 0x61, 0x62, 0x63], 'snappy: corrupt input (literal past the declared length)'],
      [[6, 0x04, 0x61, 0x62, (4 << 2) | 1, 3], 'snappy: corrupt input (copy offset outside the output)'],
      [[6, 0x04, 0x61, 0x62, (4 << 2) | 1, 0], 'snappy: corrupt input (copy offset outside the output)'],
      [[4, 0x04, 0x61, 0x62, (4 << 2) | 1, 2], 'snappy: corrupt input (copy past the declared length)'],
      [[4, 0x04, 0x61, 0x62, 2], 'snappy: corrupt input (copy past the end of the input)'],
      [[4, 0xfc, 1], 'snappy: corrupt input (literal length past the end)'],
    ];
    for (const [bytes, message] of cases) {
      assert.throws(() => uncompressBody(Buffer.from(bytes)), isDecodeError(message), JSON.stringify(bytes));
    }
  });

  it('refuses an empty body or a length header longer than five bytes', () => {
    assert.throws(() => uncompressBody(Buffer.alloc(0)), isDecodeError('snappy: corrupt input'));
    assert.throws(
      () => uncompressBody(Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x00])),
      isDecodeError('snappy: corrupt input'),
    );
  });

  it('refuses a body whose declared size exceeds 32 MiB, and accepts exactly 32 MiB declared', () => {
    assert.equal(MAX_DECODED_BYTES, 33_554_432);
    const over = Buffer.from([0x81, 0x80, 0x80, 0x10]);
    assert.throws(
      () => uncompressBody(over),
      isDecodeError('snappy: decoded size 33554433 exceeds the 33554432 bytes limit'),
    );
    // Exactly the limit passes the size check and then fails as the corrupt block it is.
    assert.throws(
      () => uncompressBody(Buffer.from([0x80, 0x80, 0x80, 0x10, 0x00])),
      isDecodeError(/^snappy: corrupt input \(/),
    );
  });

  it('says why a truncated body is corrupt', () => {
    const truncated = snappy(TEXT).subarray(0, 30);
    assert.throws(() => uncompressBody(truncated), isDecodeError(/^snappy: corrupt input \(.+\)$/));
  });
});
