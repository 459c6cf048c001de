import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { LogLine, PlainRecord } from './testing/wal-fixtures.js';
import { listing, numbered, recordingLog, replayAll, withTempDir } from './testing/wal-fixtures.js';
import { Wal } from './wal.js';

const HEADER = 12;
const FRAME = 9;

/** Writes `files` into a fresh directory `dir/name` and returns its path. */
function materialize(dir: string, name: string, files: Record<string, Uint8Array>): string {
  const target = path.join(dir, name);
  fs.mkdirSync(target);
  for (const [file, bytes] of Object.entries(files)) fs.writeFileSync(path.join(target, file), bytes);
  return target;
}

/** Builds a WAL of segments holding `perSegment[i]` records each, numbered from 0; returns its files and records. */
function buildWal(dir: string, perSegment: number[]): { files: Record<string, Uint8Array>; records: PlainRecord[] } {
  const source = path.join(dir, 'source');
  const wal = Wal.open(source, { log: () => {} });
  const records: PlainRecord[] = [];
  for (const [s, count] of perSegment.entries()) {
    if (s > 0) wal.cut();
    for (let k = 0; k < count; k++) {
      const record = numbered(records.length, (records.length * 5) % 23);
      records.push(record);
      wal.append([record]);
    }
  }
  wal.close();
  const files = Object.fromEntries(listing(source).map((f) => [f, fs.readFileSync(path.join(source, f))]));
  fs.rmSync(source, { recursive: true });
  return { files, records };
}

function frameSize(record: PlainRecord): number {
  return FRAME + record.payload.length;
}

function repairLine(segment: string, offset: number, droppedBytes: number, deleted: string[], reason: string): LogLine {
  return {
    message: 'WAL repaired: dropped a torn or corrupt tail',
    fields: { segment, offset, reason, droppedBytes, deletedSegments: deleted },
  };
}

/** Appends two new records, reopens, and checks that the old ones and the new ones replay, without another repair. */
function assertWritableAfterRepair(dir: string, kept: PlainRecord[], lines: LogLine[]): void {
  const wal = Wal.open(dir, { log: () => {} });
  const added = [numbered(9000, 3), numbered(9001)];
  wal.append(added);
  wal.close();
  const linesBefore = lines.length;
  const reopened = Wal.open(dir, { log: (message, fields) => lines.push({ message, fields }) });
  assert.deepEqual(replayAll(reopened), [...kept, ...added]);
  reopened.close();
  assert.equal(lines.length, linesBefore, 'no repair on the next open');
}

describe('Wal repair at open', () => {
  it('keeps exactly the complete records when the last segment is torn at any byte of its last two records', () =>
    withTempDir((dir) => {
      const { files, records } = buildWal(dir, [4, 6]);
      const last = files['00000001'] as Uint8Array;
      const lastTwo = records.slice(-2);
      const endOfKept = last.length - frameSize(lastTwo[0] as PlainRecord) - frameSize(lastTwo[1] as PlainRecord);
      const startOfLast = last.length - frameSize(lastTwo[1] as PlainRecord);
      let cases = 0;
      for (let cut = endOfKept; cut < last.length; cut++) {
        const target = materialize(dir, `cut-${cut}`, { ...files, '00000001': last.subarray(0, cut) });
        const { log, lines } = recordingLog();
        const wal = Wal.open(target, { log });
        const complete = cut < startOfLast ? records.length - 2 : records.length - 1;
        assert.deepEqual(replayAll(wal), records.slice(0, complete), `cut at ${cut}`);
        wal.close();
        const validEnd = cut < startOfLast ? endOfKept : startOfLast;
        const torn = cut !== endOfKept && cut !== startOfLast;
        const reason = cut - validEnd < FRAME ? 'short record header' : 'record longer than the segment';
        assert.deepEqual(
          lines,
          torn ? [repairLine('00000001', validEnd, cut - validEnd, [], reason)] : [],
          `cut ${cut}`,
        );
        assert.equal(fs.statSync(path.join(target, '00000001')).size, validEnd);
        assertWritableAfterRepair(target, records.slice(0, complete), lines);
        fs.rmSync(target, { recursive: true });
        cases++;
      }
      assert.ok(cases > 40, `${cases} cuts`);
    }));

  it('drops the record with a flipped bit in the middle of the last segment and everything after it', () =>
    withTempDir((dir) => {
      const { files, records } = buildWal(dir, [3, 10]);
      const last = Uint8Array.from(files['00000001'] as Uint8Array);
      let offset = HEADER;
      for (const r of records.slice(3, 8)) offset += frameSize(r);
      last[offset + FRAME + 2] = (last[offset + FRAME + 2] as number) ^ 0x04;
      const target = materialize(dir, 'flip', { ...files, '00000001': last });
      const { log, lines } = recordingLog();
      const wal = Wal.open(target, { log });
      assert.deepEqual(replayAll(wal), records.slice(0, 8));
      wal.close();
      assert.deepEqual(lines, [repairLine('00000001', offset, last.length - offset, [], 'checksum mismatch')]);
      assertWritableAfterRepair(target, records.slice(0, 8), lines);
    }));

  it('drops the later segments too when a bit flips in an older segment', () =>
    withTempDir((dir) => {
      const { files, records } = buildWal(dir, [6, 5, 4]);
      const first = Uint8Array.from(files['00000000'] as Uint8Array);
      let offset = HEADER;
      for (const r of records.slice(0, 3)) offset += frameSize(r);
      first[offset + 1] = (first[offset + 1] as number) ^ 0x80; // the length field
      const target = materialize(dir, 'flip-old', { ...files, '00000000': first });
      const { log, lines } = recordingLog();
      const wal = Wal.open(target, { log });
      assert.deepEqual(replayAll(wal), records.slice(0, 3));
      assert.deepEqual(wal.segmentRange(), { first: 0, last: 1 });
      wal.close();
      const dropped =
        first.length - offset + (files['00000001'] as Uint8Array).length + (files['00000002'] as Uint8Array).length;
      assert.deepEqual(lines, [
        repairLine('00000000', offset, dropped, ['00000001', '00000002'], 'record longer than the segment'),
      ]);
      assert.deepEqual(listing(target), ['00000000', '00000001']);
      assertWritableAfterRepair(target, records.slice(0, 3), lines);
    }));

  it('logs one line for the first damage only, when several segments are damaged', () =>
    withTempDir((dir) => {
      const { files, records } = buildWal(dir, [2, 2, 2]);
      const middle = Uint8Array.from(files['00000001'] as Uint8Array);
      const last = Uint8Array.from(files['00000002'] as Uint8Array);
      middle[middle.length - 1] = (middle[middle.length - 1] as number) ^ 1;
      last[HEADER + 5] = (last[HEADER + 5] as number) ^ 1;
      const target = materialize(dir, 'two', { ...files, '00000001': middle, '00000002': last });
      const { log, lines } = recordingLog();
      const wal = Wal.open(target, { log });
      assert.deepEqual(replayAll(wal), records.slice(0, 3));
      wal.close();
      const offset = middle.length - frameSize(records[3] as PlainRecord);
      assert.deepEqual(lines, [
        repairLine('00000001', offset, middle.length - offset + last.length, ['00000002'], 'checksum mismatch'),
      ]);
    }));

  it('empties a garbage segment and drops what follows it', () =>
    withTempDir((dir) => {
      const { files, records } = buildWal(dir, [3, 3]);
      const garbage = Uint8Array.from({ length: 1000 }, (_, i) => (i * 2654435761) >>> 24);
      const target = materialize(dir, 'garbage', {
        '00000000': files['00000000'] as Uint8Array,
        '00000001': garbage,
        '00000002': files['00000001'] as Uint8Array,
      });
      const { log, lines } = recordingLog();
      const wal = Wal.open(target, { log });
      assert.deepEqual(replayAll(wal), records.slice(0, 3));
      wal.close();
      const dropped = 1000 + (files['00000001'] as Uint8Array).length;
      assert.deepEqual(lines, [repairLine('00000001', 0, dropped, ['00000002'], 'bad segment header')]);
      assert.equal(fs.statSync(path.join(target, '00000001')).size, 0);
      assertWritableAfterRepair(target, records.slice(0, 3), lines);
    }));

  it('accepts an empty segment file and repairs a torn segment header', () =>
    withTempDir((dir) => {
      const { files, records } = buildWal(dir, [2]);
      const header = (files['00000000'] as Uint8Array).subarray(0, HEADER);
      const empty = materialize(dir, 'empty', { ...files, '00000001': new Uint8Array(0) });
      const emptyLog = recordingLog();
      const wal = Wal.open(empty, { log: emptyLog.log });
      assert.deepEqual(replayAll(wal), records);
      wal.close();
      assert.deepEqual(emptyLog.lines, []);

      const torn = materialize(dir, 'torn', { ...files, '00000001': header.subarray(0, 5) });
      const { log, lines } = recordingLog();
      const repaired = Wal.open(torn, { log });
      assert.deepEqual(replayAll(repaired), records);
      repaired.close();
      assert.deepEqual(lines, [repairLine('00000001', 0, 5, [], 'torn segment header')]);
      assertWritableAfterRepair(torn, records, lines);
    }));

  it('cuts off a zero-filled tail', () =>
    withTempDir((dir) => {
      const { files, records } = buildWal(dir, [3]);
      const bytes = files['00000000'] as Uint8Array;
      const padded = new Uint8Array(bytes.length + 4096);
      padded.set(bytes);
      const target = materialize(dir, 'zeros', { '00000000': padded });
      const { log, lines } = recordingLog();
      const wal = Wal.open(target, { log });
      assert.deepEqual(replayAll(wal), records);
      wal.close();
      assert.deepEqual(lines, [repairLine('00000000', bytes.length, 4096, [], 'record type 0')]);
    }));
});
