import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BitReader } from './bit-reader.js';
import { BitWriter } from './bit-writer.js';
import { readDod, writeDod } from './dod-codec.js';
import { TsdbCorruptionError } from './errors.js';

function bitsOf(dod: number): string {
  const writer = new BitWriter();
  writeDod(writer, dod);
  const bytes = writer.toBytes();
  return Array.from(bytes, (b) => b.toString(2).padStart(8, '0'))
    .join('')
    .slice(0, writer.bitLength);
}

function bytesOf(bits: string): Uint8Array {
  const padded = bits + '0'.repeat((8 - (bits.length % 8)) % 8);
  return Uint8Array.from({ length: padded.length / 8 }, (_, i) => parseInt(padded.slice(i * 8, i * 8 + 8), 2));
}

/** 64 bits of a two's complement hex word pair, as Prometheus's `writeBits(uint64(dod), 64)` writes them. */
function bits64(hex: string): string {
  const word = (part: string) => parseInt(part, 16).toString(2).padStart(32, '0');
  return word(hex.slice(0, 8)) + word(hex.slice(8));
}

// Each dod with the exact bits Prometheus writes (tsdb/chunkenc/xor.go: bitRange(x, n) is −(2^(n−1)−1) ≤ x ≤ 2^(n−1)).
const CASES: [number, string][] = [
  [0, '0'],
  [1, '10' + '00000000000001'],
  [-1, '10' + '11111111111111'],
  [8192, '10' + '10000000000000'],
  [-8191, '10' + '10000000000001'],
  [-8192, '110' + '11110000000000000'],
  [8193, '110' + '00010000000000001'],
  [65536, '110' + '10000000000000000'],
  [-65535, '110' + '10000000000000001'],
  [-65536, '1110' + '11110000000000000000'],
  [65537, '1110' + '00010000000000000001'],
  [524288, '1110' + '10000000000000000000'],
  [-524287, '1110' + '10000000000000000001'],
  [-524288, '1111' + bits64('fffffffffff80000')],
  [524289, '1111' + bits64('0000000000080001')],
  [2 ** 31 + 5, '1111' + bits64('0000000080000005')],
  [-(2 ** 31) - 5, '1111' + bits64('ffffffff7ffffffb')],
  [-(2 ** 40), '1111' + bits64('ffffff0000000000')],
  [2 ** 53 - 1, '1111' + bits64('001fffffffffffff')],
  [-(2 ** 53) + 1, '1111' + bits64('ffe0000000000001')],
];

describe('writeDod / readDod', () => {
  for (const [dod, bits] of CASES) {
    it(`writes ${dod} as ${bits.length} bits and reads it back`, () => {
      assert.equal(bitsOf(dod), bits);
      const reader = new BitReader(bytesOf(bits + '1'), 0);
      assert.equal(readDod(reader), dod);
      assert.equal(reader.readBit(), 1, 'the reader stops right after the dod');
    });
  }

  it('refuses a 64-bit dod beyond ±2^53 (no millisecond step is that large)', () => {
    for (const hex of ['0020000000000000', 'ffdfffffffffffff', '8000000000000000', '7fffffffffffffff']) {
      assert.throws(() => readDod(new BitReader(bytesOf('1111' + bits64(hex)), 0)), TsdbCorruptionError, hex);
    }
  });

  it('throws TsdbCorruptionError when the bytes end inside a dod', () => {
    for (const [dod, bits] of CASES.slice(1)) {
      const cut = bytesOf(bits).subarray(0, Math.ceil(bits.length / 8) - 1);
      assert.throws(() => readDod(new BitReader(cut, 0)), /truncated/, `dod ${dod}`);
    }
  });
});
