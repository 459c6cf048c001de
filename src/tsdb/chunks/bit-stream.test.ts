import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BitReader } from './bit-reader.js';
import { BitWriter } from './bit-writer.js';
import { TsdbCorruptionError } from './errors.js';

describe('BitWriter', () => {
  it('writes most significant bit first, the first bit being bit 7 of byte 0 (Prometheus bstream order)', () => {
    const writer = new BitWriter();
    writer.writeBits(1, 1);
    writer.writeBits(0b01, 2);
    writer.writeBits(0xabc, 12);
    writer.writeBits(0xffffffff, 32);
    // 1 01 101010111100 then 32 ones, zero-padded: 1011 0101 0111 1001 | 1111… | 1111 1110
    assert.deepEqual([...writer.toBytes()], [0xb5, 0x79, 0xff, 0xff, 0xff, 0xfe]);
    assert.equal(writer.bitLength, 47);
    assert.equal(writer.byteLength, 6);
  });

  it('ignores bits of the value above n, and writes nothing for n = 0', () => {
    const writer = new BitWriter();
    writer.writeBits(0xfffffff0, 4);
    writer.writeBits(0xffffffff, 0);
    writer.writeBits(0x1ff, 4);
    assert.deepEqual([...writer.toBytes()], [0x0f]);
  });

  it('grows from a small buffer, doubling, and keeps every bit', () => {
    const writer = new BitWriter(1);
    for (let i = 0; i < 1000; i++) writer.writeBits(i, 13);
    const reader = new BitReader(writer.toBytes(), 0);
    for (let i = 0; i < 1000; i++) assert.equal(reader.readBits(13), i);
    assert.equal(writer.byteLength, Math.ceil((1000 * 13) / 8));
  });

  it('resumes after the given bits of existing bytes, on a copy', () => {
    const bytes = Uint8Array.of(0xa0); // bits 101
    const writer = BitWriter.resume(bytes, 3);
    writer.writeBits(0b11111, 5);
    writer.writeBits(1, 1);
    assert.deepEqual([...writer.toBytes()], [0xbf, 0x80]);
    assert.deepEqual([...bytes], [0xa0]);
  });
});

describe('BitReader', () => {
  it('reads widths from 0 to 32 bits across byte boundaries, as unsigned numbers', () => {
    const writer = new BitWriter();
    const values: [number, number][] = [];
    for (let n = 0; n <= 32; n++) {
      const value = n === 0 ? 0 : (0xdeadbeef >>> (32 - n)) >>> 0;
      values.push([value, n]);
      writer.writeBits(value, n);
      writer.writeBits(1, 1);
    }
    const reader = new BitReader(writer.toBytes(), 0);
    for (const [value, n] of values) {
      assert.equal(reader.readBits(n), value, `${n} bits`);
      assert.equal(reader.readBit(), 1);
    }
    assert.ok(reader.remainingBits < 8);
  });

  it('starts at a byte offset and reports its position and the bits left', () => {
    const reader = new BitReader(Uint8Array.of(0xff, 0x80, 0x01), 1);
    assert.deepEqual([reader.bitPosition, reader.remainingBits], [8, 16]);
    assert.equal(reader.readBit(), 1);
    assert.equal(reader.readBits(14), 0);
    assert.deepEqual([reader.bitPosition, reader.remainingBits], [23, 1]);
    assert.equal(reader.readBit(), 1);
    assert.equal(reader.remainingBits, 0);
  });

  it('throws TsdbCorruptionError past the end instead of reading zeros', () => {
    const reader = new BitReader(Uint8Array.of(0xff), 0);
    assert.equal(reader.readBits(7), 0x7f);
    assert.throws(() => reader.readBits(2), TsdbCorruptionError);
    assert.throws(() => new BitReader(Uint8Array.of(1, 2, 3), 0).readBits(32), /truncated/);
    assert.throws(() => new BitReader(new Uint8Array(0), 0).readBit(), /truncated/);
  });
});
