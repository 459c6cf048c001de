import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BitReader } from './bit-reader.js';
import { BitWriter } from './bit-writer.js';
import { TsdbCorruptionError } from './errors.js';
import { readUvarint, readVarint, writeUvarint, writeVarint } from './varint-codec.js';

function written(write: (writer: BitWriter) => void): number[] {
  const writer = new BitWriter();
  write(writer);
  return [...writer.toBytes()];
}

describe('varints (Go encoding/binary)', () => {
  it('writes unsigned varints as Go PutUvarint does', () => {
    assert.deepEqual(
      written((w) => writeUvarint(w, 0)),
      [0x00],
    );
    assert.deepEqual(
      written((w) => writeUvarint(w, 127)),
      [0x7f],
    );
    assert.deepEqual(
      written((w) => writeUvarint(w, 300)),
      [0xac, 0x02],
    );
    assert.deepEqual(
      written((w) => writeUvarint(w, 2 ** 53 - 1)),
      [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f],
    );
  });

  it('writes signed varints zig-zagged as Go PutVarint does', () => {
    const cases: [number, number[]][] = [
      [0, [0x00]],
      [-1, [0x01]],
      [1, [0x02]],
      [-64, [0x7f]],
      [64, [0x80, 0x01]],
      [-1000, [0xcf, 0x0f]],
      [1_700_000_000_000, [0x80, 0xa0, 0xab, 0xfe, 0xf9, 0x62]],
    ];
    for (const [value, bytes] of cases) {
      assert.deepEqual(
        written((w) => writeVarint(w, value)),
        bytes,
        String(value),
      );
      assert.equal(readVarint(new BitReader(Uint8Array.from(bytes), 0)), value);
    }
  });

  it('reads what it writes, also when the stream is not byte-aligned', () => {
    const writer = new BitWriter();
    writer.writeBits(1, 3);
    const values = [0, 1, 127, 128, 16383, 16384, 2 ** 32, 2 ** 53 - 1];
    for (const v of values) writeUvarint(writer, v);
    writeVarint(writer, -(2 ** 52));
    const reader = new BitReader(writer.toBytes(), 0);
    assert.equal(reader.readBits(3), 1);
    assert.deepEqual(
      values.map(() => readUvarint(reader)),
      values,
    );
    assert.equal(readVarint(reader), -(2 ** 52));
  });

  it('refuses varints longer than 10 bytes, beyond 2^53, or cut short, with TsdbCorruptionError', () => {
    const read = (bytes: number[]) => () => readUvarint(new BitReader(Uint8Array.from(bytes), 0));
    assert.throws(read([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00]), /longer than 10 bytes/);
    assert.throws(read([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10]), /beyond 2\^53/);
    assert.throws(read([0xff, 0xff]), TsdbCorruptionError);
  });
});
