import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { WalError } from './errors.js';
import type { PlainRecord } from './testing/wal-fixtures.js';
import { FaultyIo, listing, numbered, recordingLog, replayAll, withTempDir } from './testing/wal-fixtures.js';
import { Wal } from './wal.js';

const HEADER = 12;

function isWalError(code: string): (error: unknown) => boolean {
  return (error: unknown) => error instanceof WalError && error.code === code;
}

const indexOf = (payload: Uint8Array): number => new DataView(payload.buffer, payload.byteOffset).getUint32(0);

/** Drops odd-numbered records, rewrites those divisible by 4 to a one-byte payload, keeps the rest as they are. */
function keepEven(_type: number, payload: Uint8Array): Uint8Array | null {
  const i = indexOf(payload);
  if (i % 2 === 1) return null;
  return i % 4 === 0 ? Uint8Array.of(0, 0, 0, 0, 0xee) : payload;
}

function keptEven(records: readonly PlainRecord[]): PlainRecord[] {
  return records.flatMap((r) => {
    const i = indexOf(r.payload);
    if (i % 2 === 1) return [];
    return [i % 4 === 0 ? { type: r.type, payload: Uint8Array.of(0, 0, 0, 0, 0xee) } : r];
  });
}

/** A WAL with `segments` segments of `perSegment` numbered records each, the last one active and empty. */
function fill(wal: Wal, segments: number, perSegment: number, from = 0): PlainRecord[] {
  const records: PlainRecord[] = [];
  for (let s = 0; s < segments; s++) {
    for (let k = 0; k < perSegment; k++) {
      const r = numbered(from + records.length, 6);
      records.push(r);
      wal.append([r]);
    }
    wal.cut();
  }
  return records;
}

describe('Wal.checkpoint', () => {
  it('keeps what keep returns, deletes covered segments, and replays the checkpoint before later segments', () =>
    withTempDir((dir) => {
      const wal = Wal.open(dir, { log: () => {} });
      const records = fill(wal, 4, 5); // segments 0..3, active 4
      wal.append([numbered(100)]);
      const seen: number[] = [];
      wal.checkpoint(2, (type, payload) => {
        seen.push(indexOf(payload));
        return keepEven(type, payload);
      });
      assert.deepEqual(
        seen,
        Array.from({ length: 15 }, (_, i) => i),
      );
      assert.deepEqual(listing(dir), ['00000003', '00000004', 'checkpoint.00000002']);
      assert.deepEqual(listing(path.join(dir, 'checkpoint.00000002')), ['00000000']);
      assert.deepEqual(wal.segmentRange(), { first: 3, last: 4 });
      const expected = [...keptEven(records.slice(0, 15)), ...records.slice(15), numbered(100)];
      assert.deepEqual(replayAll(wal), expected);
      wal.close();

      const { log, lines } = recordingLog();
      const reopened = Wal.open(dir, { log });
      assert.deepEqual(replayAll(reopened), expected);
      assert.deepEqual(reopened.segmentRange(), { first: 3, last: 5 });
      reopened.close();
      assert.deepEqual(lines, []);
    }));

  it('builds the next checkpoint from the previous one and deletes it', () =>
    withTempDir((dir) => {
      const wal = Wal.open(dir, { log: () => {} });
      const records = fill(wal, 3, 4); // 0..2, active 3
      wal.checkpoint(1, keepEven);
      const more = fill(wal, 2, 4, 12); // 3..4, active 5
      const seen: number[] = [];
      wal.checkpoint(4, (_type, payload) => {
        seen.push(indexOf(payload));
        return indexOf(payload) === 6 ? null : payload;
      });
      // checkpoint.1 holds 0 and 4 (both rewritten to index 0), 2 and 6; then segments 2..4 hold 8..19
      assert.deepEqual(seen, [0, 2, 0, 6, ...Array.from({ length: 12 }, (_, i) => 8 + i)]);
      assert.deepEqual(listing(dir), ['00000005', 'checkpoint.00000004']);
      const fromFirst = keptEven(records.slice(0, 8)).filter((r) => indexOf(r.payload) !== 6);
      assert.deepEqual(replayAll(wal), [...fromFirst, ...records.slice(8), ...more]);
      wal.close();
    }));

  it('splits a large checkpoint into segments of the configured size, and size() counts it', () =>
    withTempDir((dir) => {
      const wal = Wal.open(dir, { log: () => {}, segmentSize: 100 });
      const records: PlainRecord[] = [];
      for (let i = 0; i < 20; i++) {
        records.push(numbered(i, 20));
        wal.append([records[i] as PlainRecord]); // 33 bytes framed: 2 per segment
      }
      wal.cut();
      const { last } = wal.segmentRange();
      wal.checkpoint(last - 1, (_type, payload) => payload);
      const cp = path.join(dir, `checkpoint.${String(last - 1).padStart(8, '0')}`);
      assert.deepEqual(
        listing(cp),
        Array.from({ length: 10 }, (_, i) => String(i).padStart(8, '0')),
      );
      for (const file of listing(cp)) assert.equal(fs.statSync(path.join(cp, file)).size, HEADER + 2 * 33);
      assert.equal(wal.size(), 10 * (HEADER + 66) + HEADER);
      assert.deepEqual(replayAll(wal), records);
      wal.close();
      const reopened = Wal.open(dir, { log: () => {}, segmentSize: 100 });
      assert.deepEqual(replayAll(reopened), records);
      reopened.close();
    }));

  it('writes an empty checkpoint when keep drops everything', () =>
    withTempDir((dir) => {
      const wal = Wal.open(dir, { log: () => {} });
      fill(wal, 2, 3);
      wal.checkpoint(1, () => null);
      assert.deepEqual(replayAll(wal), []);
      assert.equal(wal.size(), 2 * HEADER);
      wal.close();
      const reopened = Wal.open(dir, { log: () => {} });
      assert.deepEqual(replayAll(reopened), []);
      reopened.close();
    }));

  it('refuses a segment that is active, not on disk, or not an integer', () =>
    withTempDir((dir) => {
      const wal = Wal.open(dir, { log: () => {} });
      assert.throws(() => wal.checkpoint(0, () => null), /must be in \[0, -1\]/);
      fill(wal, 3, 1);
      wal.checkpoint(1, (_t, p) => p);
      for (const upTo of [1, 3, 4, 2.5, NaN]) {
        assert.throws(() => wal.checkpoint(upTo, (_t, p) => p), /must be in \[2, 2\]/, `upTo ${upTo}`);
      }
      wal.close();
    }));

  it('removes leftover .tmp checkpoints, older checkpoints and covered segments at open', () =>
    withTempDir((dir) => {
      const wal = Wal.open(dir, { log: () => {} });
      const records = fill(wal, 3, 2); // 0..2, active 3
      wal.checkpoint(0, (_t, p) => p);
      wal.close();
      // as if a crash interrupted a checkpoint write, and another one after its rename
      fs.mkdirSync(path.join(dir, 'checkpoint.00000002.tmp'));
      fs.writeFileSync(path.join(dir, 'checkpoint.00000002.tmp', '00000000'), 'partial');
      fs.mkdirSync(path.join(dir, 'checkpoint.00000000.tmp'));
      fs.cpSync(path.join(dir, 'checkpoint.00000000'), path.join(dir, 'checkpoint.00000001'), { recursive: true });
      fs.appendFileSync(
        path.join(dir, 'checkpoint.00000001', '00000000'),
        fs.readFileSync(path.join(dir, '00000001')).subarray(HEADER),
      );
      const reopened = Wal.open(dir, { log: () => {} });
      assert.deepEqual(listing(dir), ['00000002', '00000003', '00000004', 'checkpoint.00000001']);
      assert.deepEqual(replayAll(reopened), records);
      reopened.close();
    }));

  it('leaves everything as it was when keep throws', () =>
    withTempDir((dir) => {
      const wal = Wal.open(dir, { log: () => {} });
      const records = fill(wal, 3, 2);
      const before = listing(dir);
      assert.throws(
        () =>
          wal.checkpoint(1, (_t, payload) => {
            if (indexOf(payload) === 3) throw new Error('keep failed');
            return payload;
          }),
        /keep failed/,
      );
      assert.deepEqual(listing(dir), before);
      assert.deepEqual(replayAll(wal), records);
      wal.checkpoint(1, (_t, p) => p);
      assert.deepEqual(replayAll(wal), records);
      wal.close();
    }));

  it('throws WalError and changes nothing when a covered segment no longer reads back', () =>
    withTempDir((dir) => {
      const wal = Wal.open(dir, { log: () => {} });
      const records = fill(wal, 3, 2);
      const file = path.join(dir, '00000001');
      const bytes = fs.readFileSync(file);
      bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 1;
      fs.writeFileSync(file, bytes);
      const before = listing(dir);
      assert.throws(
        () => wal.checkpoint(1, (_t, p) => p),
        (error: unknown) => isWalError('wal_corrupt_segment')(error) && (error as WalError).file === file,
      );
      assert.deepEqual(listing(dir), before);
      bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 1;
      fs.writeFileSync(file, bytes);
      assert.deepEqual(replayAll(wal), records);
      wal.close();
    }));

  it('removes the temporary directory when the checkpoint cannot be written or renamed', () =>
    withTempDir((dir) => {
      const io = new FaultyIo();
      const wal = Wal.open(dir, { log: () => {}, io });
      const records = fill(wal, 3, 2);
      const before = listing(dir);
      io.failWrites = true;
      io.partial = 3;
      assert.throws(() => wal.checkpoint(1, (_t, p) => p), /ENOSPC/);
      assert.deepEqual(listing(dir), before);
      io.failWrites = false;
      io.failFsync = true;
      assert.throws(() => wal.checkpoint(1, (_t, p) => p), /EIO: i\/o error, fsync/);
      assert.deepEqual(listing(dir), before);
      io.failFsync = false;
      fs.mkdirSync(path.join(dir, 'checkpoint.00000001'));
      fs.writeFileSync(path.join(dir, 'checkpoint.00000001', 'blocker'), '');
      assert.throws(() => wal.checkpoint(1, (_t, p) => p), /ENOTEMPTY|EEXIST/);
      assert.deepEqual(listing(dir), [...before, 'checkpoint.00000001'].sort());
      fs.rmSync(path.join(dir, 'checkpoint.00000001'), { recursive: true });
      assert.deepEqual(replayAll(wal), records);
      wal.close();
    }));

  it('refuses to open with a damaged checkpoint, and deletes nothing', () =>
    withTempDir((dir) => {
      const wal = Wal.open(dir, { log: () => {}, segmentSize: 100 });
      fill(wal, 4, 2);
      wal.checkpoint(2, (_t, p) => p);
      wal.close();
      const cp = path.join(dir, 'checkpoint.00000002');
      const pristine = Object.fromEntries(listing(cp).map((f) => [f, fs.readFileSync(path.join(cp, f))]));
      const restore = (): void => {
        fs.rmSync(cp, { recursive: true });
        fs.mkdirSync(cp);
        for (const [f, bytes] of Object.entries(pristine)) fs.writeFileSync(path.join(cp, f), bytes);
      };
      const corrupt = (mutate: () => void, message: RegExp): void => {
        restore();
        mutate();
        const before = listing(dir);
        assert.throws(
          () => Wal.open(dir, { log: () => {} }),
          (error: unknown) => isWalError('wal_corrupt_checkpoint')(error) && message.test(String(error)),
          String(message),
        );
        assert.deepEqual(listing(dir), before);
      };
      const first = path.join(cp, '00000000');
      corrupt(() => {
        const bytes = fs.readFileSync(first);
        bytes[HEADER + 12] = (bytes[HEADER + 12] as number) ^ 8;
        fs.writeFileSync(first, bytes);
      }, /00000000: checksum mismatch at offset 12/);
      corrupt(() => fs.truncateSync(first, fs.statSync(first).size - 1), /record longer than the segment/);
      corrupt(() => fs.truncateSync(first, 0), /00000000: empty file at offset 0/);
      corrupt(() => fs.rmSync(first), /expected checkpoint segment 00000000/);
      corrupt(() => fs.writeFileSync(path.join(cp, 'extra'), ''), /extra: expected checkpoint segment 00000002/);
      corrupt(() => {
        for (const f of listing(cp)) fs.rmSync(path.join(cp, f));
      }, /checkpoint has no segment/);
      restore();
      const reopened = Wal.open(dir, { log: () => {} });
      assert.equal(replayAll(reopened).length, 8);
      reopened.close();
    }));

  it('throws WalError from replay and from the next checkpoint when the checkpoint is damaged after open', () =>
    withTempDir((dir) => {
      const wal = Wal.open(dir, { log: () => {} });
      fill(wal, 4, 2);
      wal.checkpoint(1, (_t, p) => p);
      const file = path.join(dir, 'checkpoint.00000001', '00000000');
      const bytes = fs.readFileSync(file);
      bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 1;
      fs.writeFileSync(file, bytes);
      const before = listing(dir);
      assert.throws(
        () => wal.checkpoint(2, (_t, p) => p),
        (error: unknown) => isWalError('wal_corrupt_checkpoint')(error) && (error as WalError).file === file,
      );
      assert.deepEqual(listing(dir), before);
      fs.truncateSync(file, bytes.length - 1);
      assert.throws(() => wal.replay(() => {}), isWalError('wal_corrupt_checkpoint'));
      wal.close();
    }));

  it('refuses to open when segments do not start right after the checkpoint', () =>
    withTempDir((dir) => {
      const wal = Wal.open(dir, { log: () => {} });
      fill(wal, 3, 1); // 0..2, active 3
      wal.checkpoint(1, (_t, p) => p);
      wal.close();
      fs.rmSync(path.join(dir, '00000002'));
      assert.throws(
        () => Wal.open(dir, { log: () => {} }),
        (error: unknown) =>
          isWalError('wal_segment_gap')(error) &&
          /checkpoint.00000001 is followed by segment 00000003/.test(String(error)),
      );
    }));
});
