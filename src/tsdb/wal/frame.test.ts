import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crc32c } from './crc32c.js';
import { WalError } from './errors.js';
import { MAX_PAYLOAD, encodeFrames, framedSize, scanSegment, segmentHeader } from './frame.js';

function concat(...parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((p) => [...p]));
}

function scanAll(bytes: Uint8Array, verify = true): { records: number[][]; scan: ReturnType<typeof scanSegment> } {
  const records: number[][] = [];
  const scan = scanSegment(bytes, 'seg', (type, payload) => records.push([type, ...payload]), verify);
  return { records, scan };
}

const RECORDS = [
  { type: 2, payload: Uint8Array.of(0xaa, 0xbb, 0xcc) },
  { type: 255, payload: new Uint8Array(0) },
];

describe('segment header', () => {
  it('is magic VWAL, version 1, three zero bytes and the CRC32C of those eight bytes', () => {
    const header = segmentHeader();
    const crc = crc32c(Uint8Array.of(0x56, 0x57, 0x41, 0x4c, 1, 0, 0, 0));
    assert.deepEqual(
      [...header],
      [0x56, 0x57, 0x41, 0x4c, 1, 0, 0, 0, crc >>> 24, (crc >>> 16) & 255, (crc >>> 8) & 255, crc & 255],
    );
  });
});

describe('encodeFrames', () => {
  it('frames each record as length, CRC32C of type+payload, type, payload', () => {
    const frames = encodeFrames(RECORDS, framedSize(RECORDS));
    const crc1 = crc32c(Uint8Array.of(2, 0xaa, 0xbb, 0xcc));
    const crc2 = crc32c(Uint8Array.of(255));
    const be32 = (n: number): number[] => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
    assert.deepEqual([...frames], [...be32(3), ...be32(crc1), 2, 0xaa, 0xbb, 0xcc, ...be32(0), ...be32(crc2), 255]);
  });

  it('refuses types outside 1..255 and oversized payloads', () => {
    for (const type of [0, 256, -1, 1.5, NaN]) {
      assert.throws(() => framedSize([{ type, payload: new Uint8Array(1) }]), RangeError);
    }
    const huge = { length: MAX_PAYLOAD + 1 } as unknown as Uint8Array;
    assert.throws(() => framedSize([{ type: 1, payload: huge }]), /too large/);
  });
});

describe('scanSegment', () => {
  const whole = concat(segmentHeader(), encodeFrames(RECORDS, framedSize(RECORDS)));

  it('reads every record of a whole segment', () => {
    const { records, scan } = scanAll(whole);
    assert.deepEqual(records, [[2, 0xaa, 0xbb, 0xcc], [255]]);
    assert.deepEqual(scan, { validEnd: whole.length, records: 2, damage: null });
  });

  it('takes an empty file as a whole segment without records', () => {
    assert.deepEqual(scanAll(new Uint8Array(0)).scan, { validEnd: 0, records: 0, damage: null });
  });

  it('reports a torn or wrong header at offset 0', () => {
    assert.deepEqual(scanAll(whole.subarray(0, 11)).scan, { validEnd: 0, records: 0, damage: 'torn segment header' });
    for (const at of [0, 5, 8, 11]) {
      const bad = whole.slice();
      bad[at] = (bad[at] as number) ^ 1;
      assert.deepEqual(scanAll(bad).scan, { validEnd: 0, records: 0, damage: 'bad segment header' }, `byte ${at}`);
    }
  });

  it('throws WalError for a well-formed header of another version', () => {
    const header = segmentHeader();
    header[4] = 2;
    new DataView(header.buffer).setUint32(8, crc32c(header, 0, 8));
    assert.throws(
      () => scanSegment(header, 'seg-x', null),
      (error: unknown) =>
        error instanceof WalError && error.code === 'wal_unsupported_version' && error.file === 'seg-x',
    );
  });

  it('stops at a short record header, an overlong record, type 0 and a checksum mismatch', () => {
    const first = 12 + 9 + 3;
    assert.deepEqual(scanAll(whole.subarray(0, first + 8)).scan, {
      validEnd: first,
      records: 1,
      damage: 'short record header',
    });
    assert.deepEqual(scanAll(whole.subarray(0, 12 + 9 + 2)).scan, {
      validEnd: 12,
      records: 0,
      damage: 'record longer than the segment',
    });
    const typeZero = whole.slice();
    typeZero[first + 8] = 0;
    assert.deepEqual(scanAll(typeZero).scan, { validEnd: first, records: 1, damage: 'record type 0' });
    const flipped = whole.slice();
    flipped[12 + 9 + 1] = (flipped[12 + 9 + 1] as number) ^ 0x10;
    const { records, scan } = scanAll(flipped);
    assert.deepEqual(records, []);
    assert.deepEqual(scan, { validEnd: 12, records: 0, damage: 'checksum mismatch' });
    const zeroTail = new Uint8Array(whole.length + 9);
    zeroTail.set(whole);
    assert.deepEqual(scanAll(zeroTail).scan, { validEnd: whole.length, records: 2, damage: 'record type 0' });
  });

  it('skips checksums when asked to trust the bytes', () => {
    const flipped = whole.slice();
    flipped[12 + 9 + 1] = 0;
    assert.deepEqual(scanAll(flipped, false).records, [[2, 0xaa, 0, 0xcc], [255]]);
  });
});
