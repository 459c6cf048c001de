import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { crc32c } from './crc32c.js';
import { WalError } from './errors.js';
import { segmentHeader } from './frame.js';
import { FaultyIo, listing, numbered, recordingLog, replayAll, withTempDir } from './testing/wal-fixtures.js';
import { DEFAULT_SEGMENT_SIZE, Wal } from './wal.js';

const HEADER = 12;
const FRAME = 9;

function isWalError(code: string): (error: unknown) => boolean {
  return (error: unknown) => error instanceof WalError && error.code === code;
}

function fileSizes(dir: string): Record<string, number> {
  return Object.fromEntries(listing(dir).map((name) => [name, fs.statSync(path.join(dir, name)).size]));
}

describe('Wal', () => {
  it('replays after reopening every record appended, in order, in a new segment each open', () =>
    withTempDir((dir) => {
      const { log, lines } = recordingLog();
      const records = Array.from({ length: 50 }, (_, i) => numbered(i, i % 13));
      let wal = Wal.open(dir, { log });
      assert.deepEqual(replayAll(wal), []);
      wal.append(records.slice(0, 1));
      wal.append(records.slice(1, 30));
      wal.append([]);
      assert.deepEqual(replayAll(wal), records.slice(0, 30));
      wal.close();

      wal = Wal.open(dir, { log });
      assert.deepEqual(replayAll(wal), records.slice(0, 30));
      wal.append(records.slice(30));
      assert.deepEqual(replayAll(wal), records);
      wal.close();

      wal = Wal.open(dir, { log });
      assert.deepEqual(replayAll(wal), records);
      assert.deepEqual(wal.segmentRange(), { first: 0, last: 2 });
      assert.deepEqual(listing(dir), ['00000000', '00000001', '00000002']);
      wal.close();
      assert.deepEqual(lines, []);
    }));

  it('starts every segment with the header and frames each append back to back', () =>
    withTempDir((dir) => {
      const wal = Wal.open(dir, { log: () => {} });
      wal.append([{ type: 2, payload: Uint8Array.of(1, 2, 3) }]);
      wal.append([{ type: 9, payload: new Uint8Array(0) }]);
      wal.close();
      const bytes = fs.readFileSync(path.join(dir, '00000000'));
      assert.deepEqual([...bytes.subarray(0, HEADER)], [...segmentHeader()]);
      assert.equal(bytes.length, HEADER + FRAME + 3 + FRAME);
      assert.deepEqual([...bytes.subarray(HEADER, HEADER + 4)], [0, 0, 0, 3]);
      assert.equal(bytes[HEADER + 8], 2);
      assert.equal(bytes[HEADER + FRAME + 3 + 8], 9);
    }));

  it('rotates to a new segment when a batch would not fit, and gives a larger batch a segment of its own', () =>
    withTempDir((dir) => {
      const segmentSize = 100;
      const wal = Wal.open(dir, { log: () => {}, segmentSize });
      const rec = (i: number): ReturnType<typeof numbered> => numbered(i, 16); // 29 bytes framed
      wal.append([rec(0), rec(1)]); // 12 + 58 = 70
      wal.append([rec(2)]); // 99 ≤ 100: fits
      wal.append([rec(3)]); // 128 > 100: segment 1
      wal.append([rec(4), rec(5), rec(6), rec(7)]); // 41 + 116 > 100: segment 2, oversized (128)
      wal.append([rec(8)]); // segment 3
      assert.deepEqual(fileSizes(dir), { '00000000': 99, '00000001': 41, '00000002': 128, '00000003': 41 });
      assert.deepEqual(wal.segmentRange(), { first: 0, last: 3 });
      assert.equal(wal.size(), 99 + 41 + 128 + 41);
      assert.deepEqual(
        replayAll(wal),
        Array.from({ length: 9 }, (_, i) => rec(i)),
      );
      wal.close();
      const reopened = Wal.open(dir, { log: () => {}, segmentSize });
      assert.deepEqual(replayAll(reopened).length, 9);
      assert.deepEqual(reopened.segmentRange(), { first: 0, last: 4 });
      reopened.close();
    }));

  it('cuts a new segment on demand and reports the one that was active', () =>
    withTempDir((dir) => {
      const wal = Wal.open(dir, { log: () => {} });
      wal.append([numbered(0)]);
      assert.equal(wal.cut(), 0);
      assert.equal(wal.cut(), 1);
      wal.append([numbered(1)]);
      assert.deepEqual(wal.segmentRange(), { first: 0, last: 2 });
      assert.deepEqual(fileSizes(dir), {
        '00000000': HEADER + FRAME + 4,
        '00000001': HEADER,
        '00000002': HEADER + FRAME + 4,
      });
      assert.deepEqual(replayAll(wal), [numbered(0), numbered(1)]);
      wal.close();
    }));

  it('counts the bytes of every segment in size()', () =>
    withTempDir((dir) => {
      const wal = Wal.open(dir, { log: () => {}, segmentSize: 200 });
      for (let i = 0; i < 40; i++) wal.append([numbered(i, i)]);
      const onDisk = Object.values(fileSizes(dir)).reduce((a, b) => a + b, 0);
      assert.equal(wal.size(), onDisk);
      wal.close();
    }));

  it('syncs the active segment', async () =>
    withTempDir(async (dir) => {
      const io = new FaultyIo();
      const wal = Wal.open(dir, { log: () => {}, io });
      wal.append([numbered(0)]);
      await wal.sync();
      io.failDatasync = true;
      await assert.rejects(wal.sync(), /EIO: i\/o error, fdatasync/);
      wal.close();
    }));

  it('uses 64 MiB segments by default and refuses other sizes out of range', () =>
    withTempDir((dir) => {
      assert.equal(DEFAULT_SEGMENT_SIZE, 64 * 1024 * 1024);
      for (const segmentSize of [0, 63, 1.5, 2 ** 31, NaN]) {
        assert.throws(() => Wal.open(dir, { log: () => {}, segmentSize }), RangeError);
      }
      assert.deepEqual(listing(dir), []);
    }));

  it('refuses record types outside 1..255 and writes nothing of such a batch', () =>
    withTempDir((dir) => {
      const wal = Wal.open(dir, { log: () => {} });
      assert.throws(() => wal.append([numbered(0), { type: 0, payload: new Uint8Array(1) }]), RangeError);
      assert.throws(() => wal.append([{ type: 256, payload: new Uint8Array(1) }]), RangeError);
      assert.deepEqual(replayAll(wal), []);
      assert.equal(wal.size(), HEADER);
      wal.close();
    }));

  it('refuses every operation after close, except close', () =>
    withTempDir(async (dir) => {
      const wal = Wal.open(dir, { log: () => {} });
      wal.append([numbered(0)]);
      wal.cut();
      wal.close();
      wal.close();
      const closed = isWalError('wal_closed');
      assert.throws(() => wal.append([numbered(1)]), closed);
      assert.throws(() => wal.replay(() => {}), closed);
      assert.throws(() => wal.cut(), closed);
      assert.throws(() => wal.checkpoint(0, (_t, p) => p), closed);
      await assert.rejects(wal.sync(), closed);
    }));

  it('creates a missing directory and leaves files that are not its own alone', () =>
    withTempDir((parent) => {
      const dir = path.join(parent, 'a', 'wal');
      let wal = Wal.open(dir, { log: () => {} });
      wal.append([numbered(0)]);
      wal.close();
      fs.writeFileSync(path.join(dir, 'notes.txt'), 'garbage');
      fs.writeFileSync(path.join(dir, '123'), 'garbage');
      fs.writeFileSync(path.join(dir, '000000005'), 'garbage');
      fs.mkdirSync(path.join(dir, 'checkpoint.1'));
      fs.writeFileSync(path.join(dir, 'checkpoint.00000007'), 'a file, not a checkpoint');
      fs.mkdirSync(path.join(dir, '00000009'));
      fs.mkdirSync(path.join(dir, 'lost+found'));
      wal = Wal.open(dir, { log: () => {} });
      assert.deepEqual(replayAll(wal), [numbered(0)]);
      wal.close();
      assert.deepEqual(listing(dir), [
        '00000000',
        '000000005',
        '00000001',
        '00000009',
        '123',
        'checkpoint.00000007',
        'checkpoint.1',
        'lost+found',
        'notes.txt',
      ]);
    }));

  it('refuses to open when segment numbers have a gap', () =>
    withTempDir((dir) => {
      const wal = Wal.open(dir, { log: () => {} });
      wal.cut();
      wal.cut();
      wal.close();
      fs.rmSync(path.join(dir, '00000001'));
      assert.throws(
        () => Wal.open(dir, { log: () => {} }),
        (error: unknown) =>
          isWalError('wal_segment_gap')(error) && /segment 00000000 is followed by 00000002/.test(String(error)),
      );
      assert.deepEqual(listing(dir), ['00000000', '00000002']);
    }));

  it('refuses to open a segment of an unknown format version', () =>
    withTempDir((dir) => {
      const wal = Wal.open(dir, { log: () => {} });
      wal.close();
      const header = segmentHeader();
      header[4] = 7;
      new DataView(header.buffer).setUint32(8, crc32c(header, 0, 8));
      fs.writeFileSync(path.join(dir, '00000001'), header);
      assert.throws(() => Wal.open(dir, { log: () => {} }), isWalError('wal_unsupported_version'));
    }));
});
