import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import protobuf from 'protobufjs';
import { RemoteWriteDecodeError } from './decode-error.js';
import { ProtoReader } from './proto-reader.js';

/** Bytes written by protobufjs's Writer, the independent encoder. */
function written(write: (writer: protobuf.Writer) => void): Buffer {
  const writer = protobuf.Writer.create();
  write(writer);
  return Buffer.from(writer.finish());
}

function reader(bytes: number[] | Buffer): ProtoReader {
  return new ProtoReader(Buffer.from(bytes));
}

function fails(read: () => unknown, message: string): void {
  assert.throws(read, (error: unknown) => {
    assert.ok(error instanceof RemoteWriteDecodeError);
    assert.equal(error.message, message);
    return true;
  });
}

/** A double's raw words, little-endian. */
function doubleBytes(hi: number, lo: number): Buffer {
  const bytes = Buffer.alloc(8);
  bytes.writeUInt32LE(lo, 0);
  bytes.writeUInt32LE(hi, 4);
  return bytes;
}

const INT64S = [
  0,
  1,
  127,
  128,
  300,
  2 ** 31 - 1,
  2 ** 31,
  2 ** 32,
  2 ** 32 + 5,
  1_762_000_000_123,
  2 ** 53 - 1,
  -1,
  -128,
  -(2 ** 31),
  -(2 ** 32) - 1,
  -1_762_000_000_123,
  -(2 ** 53 - 1),
];

describe('ProtoReader integers', () => {
  it('reads int64 varints exactly, negative ones as ten-byte two’s complement', () => {
    for (const value of INT64S) {
      const bytes = written((w) => w.int64(value));
      if (value < 0) assert.equal(bytes.length, 10);
      // Each once with room to spare (the unchecked path) and once ending the buffer (the checked path).
      const padded = reader(Buffer.concat([bytes, Buffer.alloc(10)]));
      assert.equal(padded.int64(), value, `padded ${value}`);
      assert.equal(padded.pos, bytes.length);
      const exact = reader(bytes);
      assert.equal(exact.int64(), value, `exact ${value}`);
      assert.equal(exact.pos, bytes.length);
    }
  });

  it('reads uint64, sint32 and sint64 varints', () => {
    for (const value of [0, 1, 2 ** 32 + 7, 2 ** 40, 2 ** 53 - 1]) {
      assert.equal(reader(written((w) => w.uint64(value))).uint64(), value);
    }
    for (const value of [0, -1, 1, -53, 8, -(2 ** 31), 2 ** 31 - 1]) {
      assert.equal(reader(written((w) => w.sint32(value))).sint32(), value);
    }
    for (const value of [0, -1, 1, -5, 1000, -(2 ** 40), 2 ** 40, -(2 ** 52), 2 ** 52 - 1]) {
      assert.equal(reader(written((w) => w.sint64(value))).sint64(), value);
    }
  });

  it('takes the low 32 bits of a long varint read as a uint32, like Go', () => {
    const r = reader(written((w) => w.uint64(2 ** 32 + 7)));
    assert.equal(r.uint32(), 7);
  });

  it('refuses an eleventh varint byte as an overflow', () => {
    const eleven = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
    fails(() => reader(eleven).int64(), 'proto: integer overflow');
    fails(() => reader([...eleven, 0, 0, 0]).int64(), 'proto: integer overflow');
    fails(() => reader(eleven).uint32(), 'proto: integer overflow');
  });

  it('refuses a varint cut short', () => {
    fails(() => reader([0x80, 0x80]).int64(), 'proto: unexpected EOF');
    fails(() => reader([]).uint32(), 'proto: unexpected EOF');
    fails(() => reader([0xff]).uint32(), 'proto: unexpected EOF');
  });
});

describe('ProtoReader lengths and doubles', () => {
  it('reads a length prefix and refuses one beyond the message', () => {
    const r = reader([0x03, 1, 2, 3]);
    assert.equal(r.length(), 3);
    fails(() => reader([0x04, 1, 2, 3]).length(), 'proto: unexpected EOF');
    fails(() => reader(written((w) => w.uint64(2 ** 40))).length(), 'proto: unexpected EOF');
  });

  it('refuses a length with the sign bit set', () => {
    fails(() => reader(written((w) => w.int64(-3))).length(), 'proto: negative length found during unmarshaling');
  });

  it('keeps reads inside the embedded message it entered', () => {
    const r = reader([0x02, 0xaa, 0xbb, 0x05]);
    const outer = r.enter();
    assert.equal(r.end, 3);
    r.pos += 2;
    fails(() => r.uint32(), 'proto: unexpected EOF');
    r.leave(outer);
    assert.equal(r.uint32(), 5);
  });

  it('reads doubles and tells the stale marker from every other NaN by its bits', () => {
    const cases: [number, number, boolean][] = [
      [0x7ff00000, 2, true], // Prometheus value.StaleNaN
      [0x7ff80000, 1, false], // value.NormalNaN
      [0x7ff80000, 0, false], // the canonical quiet NaN
      [0x7ff80000, 2, false], // the stale marker quieted by a Float64Array: no longer the marker
      [0x7ff00000, 1, false], // another signalling NaN
      [0xfff00000, 2, false], // the marker with the sign bit set
    ];
    for (const [hi, lo, stale] of cases) {
      const r = new ProtoReader(doubleBytes(hi, lo));
      assert.ok(Number.isNaN(r.double()));
      assert.equal(r.lastDoubleIsStale(), stale, `${hi.toString(16)} ${lo}`);
    }
    const r = new ProtoReader(written((w) => w.double(-0).double(Infinity).double(5e-324)));
    assert.ok(Object.is(r.double(), -0));
    assert.equal(r.double(), Infinity);
    assert.equal(r.double(), 5e-324);
    assert.equal(r.lastDoubleIsStale(), false);
    fails(() => reader([1, 2, 3, 4, 5, 6, 7]).double(), 'proto: unexpected EOF');
  });

  it('decodes strings as UTF-8, invalid bytes as U+FFFD', () => {
    assert.equal(
      new ProtoReader(written((w) => w.string('gr\u00fc\u00dfe 🌍 名前'))).string(),
      'gr\u00fc\u00dfe 🌍 名前',
    );
    assert.equal(reader([0x03, 0x61, 0xff, 0x62]).string(), 'a\ufffdb');
  });
});

describe('ProtoReader tags and skipping', () => {
  it('refuses field number 0', () => {
    fails(() => reader([0x00]).tag('WriteRequest'), 'proto: WriteRequest: illegal tag 0 (wire type 0)');
    fails(() => reader([0x02]).tag('Sample'), 'proto: Sample: illegal tag 0 (wire type 2)');
  });

  it('skips a value of each wire type', () => {
    const bytes = Buffer.concat([
      written((w) => w.uint64(2 ** 50)), // varint
      Buffer.alloc(8), // fixed64
      written((w) => w.bytes(Buffer.from('abc'))), // length-delimited
      Buffer.alloc(4), // fixed32
      Buffer.from([0x08, 0x01, 0x13, 0x08, 0x02, 0x14, 0x0c]), // group: field 1 varint, nested group 2, end
      Buffer.from([0xff]),
    ]);
    const r = new ProtoReader(bytes);
    for (const wireType of [0, 1, 2, 5, 3]) r.skip(wireType, 'M');
    assert.equal(r.pos, bytes.length - 1);
  });

  it('refuses illegal wire types, a stray end group and unterminated or too deep groups', () => {
    fails(() => reader([0]).skip(6, 'M'), 'proto: illegal wireType 6');
    fails(() => reader([0]).skip(7, 'M'), 'proto: illegal wireType 7');
    fails(() => reader([0]).skip(4, 'TimeSeries'), 'proto: TimeSeries: wiretype end group for non-group');
    fails(() => reader([0x08, 0x01]).skip(3, 'M'), 'proto: unexpected EOF');
    fails(() => reader([0x08]).skip(1, 'M'), 'proto: unexpected EOF');
    fails(() => reader([0x08]).skip(5, 'M'), 'proto: unexpected EOF');
    fails(() => reader(new Array<number>(100).fill(0x0b)).skip(3, 'M'), 'proto: exceeded maximum recursion depth');
  });
});
