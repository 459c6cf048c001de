import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { WalError } from './errors.js';
import { FaultyIo, listing, numbered, recordingLog, replayAll, withTempDir } from './testing/wal-fixtures.js';
import { Wal } from './wal.js';

const HEADER = 12;

function isWalError(code: string): (error: unknown) => boolean {
  return (error: unknown) => error instanceof WalError && error.code === code;
}

const segmentBytes = (dir: string, name: string): number => fs.statSync(path.join(dir, name)).size;

/** Lets the thread pool finish the fdatasync a rotation started. */
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 20));

describe('Wal write failures', () => {
  it('truncates a half-written batch away, rethrows, and keeps working', () =>
    withTempDir((dir) => {
      const io = new FaultyIo();
      const { log, lines } = recordingLog();
      const wal = Wal.open(dir, { log, io });
      wal.append([numbered(0, 10)]);
      const size = segmentBytes(dir, '00000000');
      io.failWrites = true;
      io.partial = 17; // a frame header and part of a payload reach the file
      assert.throws(() => wal.append([numbered(1, 10), numbered(2, 10)]), /ENOSPC/);
      assert.equal(segmentBytes(dir, '00000000'), size);
      assert.equal(wal.size(), size);
      io.failWrites = false;
      wal.append([numbered(3, 10)]);
      assert.deepEqual(replayAll(wal), [numbered(0, 10), numbered(3, 10)]);
      wal.close();
      const reopened = Wal.open(dir, { log });
      assert.deepEqual(replayAll(reopened), [numbered(0, 10), numbered(3, 10)]);
      reopened.close();
      assert.deepEqual(lines, []);
    }));

  it('finishes a batch the kernel accepts in several short writes', () =>
    withTempDir((dir) => {
      const io = new FaultyIo();
      const wal = Wal.open(dir, { log: () => {}, io });
      io.shortWrites = 5;
      io.writes = 0;
      wal.append([numbered(0, 30)]);
      assert.equal(io.writes, Math.ceil((9 + 34) / 5));
      assert.deepEqual(replayAll(wal), [numbered(0, 30)]);
      wal.close();
    }));

  it('treats a write that writes nothing as a failure', () =>
    withTempDir((dir) => {
      const io = new FaultyIo();
      const wal = Wal.open(dir, { log: () => {}, io });
      io.zeroWrites = true;
      assert.throws(() => wal.append([numbered(0)]), /wrote nothing/);
      io.zeroWrites = false;
      assert.equal(wal.size(), HEADER);
      wal.append([numbered(1)]);
      assert.deepEqual(replayAll(wal), [numbered(1)]);
      wal.close();
    }));

  it('refuses appends once a failed write cannot be truncated away, and the next open repairs the tail', () =>
    withTempDir((dir) => {
      const io = new FaultyIo();
      const wal = Wal.open(dir, { log: () => {}, io });
      wal.append([numbered(0, 10)]);
      const size = segmentBytes(dir, '00000000');
      io.failWrites = true;
      io.partial = 12;
      io.failTruncate = true;
      assert.throws(
        () => wal.append([numbered(1, 10)]),
        (error: unknown) => isWalError('wal_failed')(error) && /ENOSPC.*EIO/.test(String(error)),
      );
      io.failWrites = false;
      io.failTruncate = false;
      assert.throws(() => wal.append([numbered(2)]), isWalError('wal_failed'));
      assert.throws(() => wal.cut(), isWalError('wal_failed'));
      assert.equal(segmentBytes(dir, '00000000'), size + 12);
      wal.close();

      const { log, lines } = recordingLog();
      const reopened = Wal.open(dir, { log });
      assert.deepEqual(replayAll(reopened), [numbered(0, 10)]);
      reopened.append([numbered(3)]);
      assert.deepEqual(replayAll(reopened), [numbered(0, 10), numbered(3)]);
      reopened.close();
      assert.equal(lines.length, 1);
      assert.deepEqual(lines[0]?.fields, {
        segment: '00000000',
        offset: size,
        reason: 'record longer than the segment',
        droppedBytes: 12,
        deletedSegments: [],
      });
    }));

  it('stays on the old segment when the new one cannot be started, and leaves no file behind', () =>
    withTempDir(async (dir) => {
      const io = new FaultyIo();
      const wal = Wal.open(dir, { log: () => {}, io, segmentSize: 64 });
      wal.append([numbered(0, 20)]); // 12 + 33 = 45
      io.failWrites = true;
      assert.throws(() => wal.append([numbered(1, 20)]), /ENOSPC/);
      assert.deepEqual(listing(dir), ['00000000']);
      assert.deepEqual(wal.segmentRange(), { first: 0, last: 0 });
      assert.throws(() => wal.cut(), /ENOSPC/);
      assert.deepEqual(listing(dir), ['00000000']);
      io.failWrites = false;
      wal.append([numbered(1, 20)]);
      assert.deepEqual(listing(dir), ['00000000', '00000001']);
      assert.deepEqual(replayAll(wal), [numbered(0, 20), numbered(1, 20)]);
      wal.close();
      await settle();
    }));

  it('logs a failed fdatasync of a segment left by rotation', () =>
    withTempDir(async (dir) => {
      const io = new FaultyIo();
      const { log, lines } = recordingLog();
      const wal = Wal.open(dir, { log, io });
      wal.append([numbered(0)]);
      io.failDatasync = true;
      wal.cut();
      await settle();
      assert.deepEqual(lines, [
        {
          message: 'WAL segment fsync failed',
          fields: { segment: '00000000', error: 'Error: EIO: i/o error, fdatasync' },
        },
      ]);
      wal.close();
    }));

  it('closes the segment even when the final fsync fails, and rethrows', () =>
    withTempDir((dir) => {
      const io = new FaultyIo();
      const wal = Wal.open(dir, { log: () => {}, io });
      wal.append([numbered(0)]);
      io.failFsync = true;
      assert.throws(() => wal.close(), /EIO: i\/o error, fsync/);
      wal.close();
      assert.throws(() => wal.append([numbered(1)]), isWalError('wal_closed'));
      const reopened = Wal.open(dir, { log: () => {} });
      assert.deepEqual(replayAll(reopened), [numbered(0)]);
      reopened.close();
    }));

  it('fails to open when a torn tail cannot be truncated, leaving the files as they were', () =>
    withTempDir((dir) => {
      const wal = Wal.open(dir, { log: () => {} });
      wal.append([numbered(0), numbered(1)]);
      wal.close();
      fs.truncateSync(path.join(dir, '00000000'), segmentBytes(dir, '00000000') - 2);
      const io = new FaultyIo();
      io.failTruncate = true;
      const { log, lines } = recordingLog();
      assert.throws(() => Wal.open(dir, { log, io }), /EIO: i\/o error, ftruncate/);
      assert.deepEqual(lines, []);
      assert.deepEqual(listing(dir), ['00000000']);
      const reopened = Wal.open(dir, { log });
      assert.deepEqual(replayAll(reopened), [numbered(0)]);
      reopened.close();
      assert.equal(lines.length, 1);
    }));

  it('fails to open when the new segment cannot be started, and leaves no file behind', () =>
    withTempDir((dir) => {
      const wal = Wal.open(dir, { log: () => {} });
      wal.append([numbered(0)]);
      wal.close();
      const io = new FaultyIo();
      io.failWrites = true;
      assert.throws(() => Wal.open(dir, { log: () => {}, io }), /ENOSPC/);
      assert.deepEqual(listing(dir), ['00000000']);
    }));

  it('throws WalError from replay when a segment lost bytes after open', () =>
    withTempDir((dir) => {
      const wal = Wal.open(dir, { log: () => {} });
      wal.append([numbered(0), numbered(1)]);
      wal.cut();
      const file = path.join(dir, '00000000');
      fs.truncateSync(file, segmentBytes(dir, '00000000') - 1);
      assert.throws(
        () => wal.replay(() => {}),
        (error: unknown) =>
          isWalError('wal_corrupt_segment')(error) &&
          (error as WalError).file === file &&
          (error as WalError).offset === 25,
      );
      wal.close();
    }));
});
