import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { labelsFrom, type Labels } from '../promql/engine/core/labels.js';
import type { SeriesSamples } from '../promql/engine/storage.js';
import { TsdbLockedError } from './errors.js';
import { BLOCK_RANGE } from './head/chunk-range.js';
import { Tsdb, type TsdbOptions } from './tsdb.js';

const HOUR = 3_600_000;
const ALL = { start: -1e15, end: 1e15 };
const dirs: string[] = [];
after(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-tsdb-test-'));
  dirs.push(dir);
  return dir;
}

function open(dir: string, options: Partial<TsdbOptions> = {}): { store: Tsdb; logs: string[] } {
  const logs: string[] = [];
  const store = Tsdb.open({
    dir,
    retention: 15 * 24 * HOUR,
    partitionLabel: '@tenant',
    now: () => Date.now(),
    random: (n) => randomBytes(n),
    log: (level, message) => logs.push(`${level}: ${message}`),
    maintenanceInterval: 0,
    ...options,
  });
  return { store, logs };
}

const up = (job: string): Labels => labelsFrom({ '@tenant': 't1', __name__: 'up', job });

/** Appends `(t, v)` pairs to one series in one batch; returns the append checks. */
function write(store: Tsdb, labels: Labels, points: [number, number][], stale: number[] = []): string[] {
  const appender = store.appender();
  const series = store.series(labels);
  const checks = points.map(([t, v]) => appender.addFloat(series, t, v, stale.includes(t)));
  appender.commit();
  return checks;
}

async function read(
  store: Tsdb,
  job?: string,
): Promise<{ labels: string; t: number[]; v: number[]; stale?: number[] }[]> {
  const querier = await store.querier(ALL);
  try {
    const rows = await querier.select(
      [{ type: '=', name: '__name__', value: 'up' }, ...(job ? [{ type: '=' as const, name: 'job', value: job }] : [])],
      ALL,
    );
    return rows.map((row: SeriesSamples) => ({
      labels: row.labels.map((l) => `${l.name}=${l.value}`).join(','),
      t: [...row.floats.timestamps],
      v: [...row.floats.values],
      ...(row.floats.stale ? { stale: [...row.floats.stale] } : {}),
    }));
  } finally {
    await querier.close();
  }
}

/** What a crash would leave: the directory as it is on disk now, minus the lock (its process is gone). */
function crashImage(dir: string): string {
  const copy = tempDir();
  fs.cpSync(dir, copy, { recursive: true, filter: (source) => path.basename(source) !== 'lock' });
  return copy;
}

describe('Tsdb: appends', () => {
  it('refuses out-of-order and changed duplicates, ignores exact duplicates, refuses what is already in a block', async () => {
    const { store } = open(tempDir());
    assert.deepEqual(
      write(store, up('a'), [
        [1000, 1],
        [2000, 2],
      ]),
      ['append', 'append'],
    );
    assert.deepEqual(
      write(store, up('a'), [
        [2000, 2],
        [1500, 9],
        [2000, 3],
        [3000, 3],
        [3000, 3],
      ]),
      ['ignore', 'out_of_order', 'duplicate', 'append', 'ignore'],
    );
    await store.maintain({ flushHead: true });
    assert.deepEqual(write(store, up('a'), [[2500, 1]]), ['out_of_bounds']);
    assert.deepEqual(await read(store), [
      { labels: '@tenant=t1,__name__=up,job=a', t: [1000, 2000, 3000], v: [1, 2, 3] },
    ]);
    await store.close();
  });

  it('writes nothing to the head when the WAL write fails', async () => {
    const { store } = open(tempDir());
    write(store, up('a'), [[1000, 1]]);
    const appender = store.appender();
    appender.addFloat(store.series(up('a')), 2000, 2, false);
    // The WAL refuses writes once closed, as it would after an I/O error.
    (store as unknown as { wal: { close(): void } }).wal.close();
    assert.throws(() => appender.commit());
    assert.deepEqual(await read(store), [{ labels: '@tenant=t1,__name__=up,job=a', t: [1000], v: [1] }]);
  });
});

describe('Tsdb: durability', () => {
  it('replays the WAL after a crash: every committed sample, staleness markers bit for bit', async () => {
    const dir = tempDir();
    const { store } = open(dir);
    write(
      store,
      up('a'),
      [
        [1000, 1],
        [2000, NaN],
        [3000, 0],
      ],
      [3000],
    );
    write(store, up('b'), [[1000, 5]]);
    const image = crashImage(dir);
    await store.close();
    const { store: reopened, logs } = open(image);
    assert.deepEqual(await read(reopened), [
      { labels: '@tenant=t1,__name__=up,job=a', t: [1000, 2000, 3000], v: [1, NaN, NaN], stale: [0, 0, 1] },
      { labels: '@tenant=t1,__name__=up,job=b', t: [1000], v: [5] },
    ]);
    assert.deepEqual(logs, ['info: metrics store opened']);
    // The replayed series take new samples and keep them across a clean restart.
    write(reopened, up('b'), [[2000, 6]]);
    await reopened.close();
    const { store: again } = open(image);
    assert.deepEqual((await read(again, 'b'))[0]?.t, [1000, 2000]);
    await again.close();
  });

  it('truncates a torn WAL tail with a log line and keeps every complete batch', async () => {
    const dir = tempDir();
    const { store } = open(dir);
    write(store, up('a'), [[1000, 1]]);
    write(store, up('a'), [[2000, 2]]);
    const image = crashImage(dir);
    await store.close();
    const wal = path.join(image, 'wal');
    const last = fs
      .readdirSync(wal)
      .filter((n) => /^\d{8}$/.test(n))
      .sort()
      .at(-1) as string;
    const segment = path.join(wal, last);
    fs.truncateSync(segment, fs.statSync(segment).size - 3);
    const { store: reopened, logs } = open(image);
    assert.deepEqual(await read(reopened), [{ labels: '@tenant=t1,__name__=up,job=a', t: [1000], v: [1] }]);
    assert.equal(logs.filter((l) => l.startsWith('warn: WAL repaired')).length, 1, logs.join('\n'));
    assert.equal(reopened.stats().walRepairs, 1);
    await reopened.close();
  });

  it('cuts 2 h blocks once the head spans more than 3 h, checkpoints the WAL, and restarts onto blocks and head', async () => {
    const dir = tempDir();
    const { store } = open(dir, { walSegmentSize: 4096 });
    const points: [number, number][] = [];
    for (let t = 0; t <= 4 * HOUR; t += 60_000) points.push([t, t / 60_000]);
    for (const p of points) write(store, up('a'), [p]);
    write(store, up('gone'), [[10 * 60_000, 1]]);
    await store.maintain();
    const stats = store.stats();
    assert.equal(stats.blocks, 1);
    assert.equal(stats.headMinTime, BLOCK_RANGE);
    assert.equal(stats.headSeries, 1, 'the series that ended in the block left the head');
    const walDir = fs.readdirSync(path.join(dir, 'wal'));
    assert.ok(
      walDir.some((n) => n.startsWith('checkpoint.')),
      walDir.join(','),
    );
    const expected = await read(store);
    assert.equal(expected[0]?.t.length, points.length);
    const image = crashImage(dir);
    await store.close();
    const { store: reopened } = open(image);
    assert.deepEqual(await read(reopened), expected);
    assert.equal(reopened.stats().headSeries, 1);
    await reopened.close();
  });

  it('merges blocks into larger ones and drops those past retention', async () => {
    const dir = tempDir();
    const { store } = open(dir, { retention: 24 * HOUR });
    for (let t = 0; t <= 40 * HOUR; t += 5 * 60_000) write(store, up('a'), [[t, 1]]);
    await store.maintain({ flushHead: true });
    const metas = fs
      .readdirSync(dir)
      .filter((n) => /^[0-9A-Z]{26}$/.test(n))
      .map(
        (n) =>
          JSON.parse(fs.readFileSync(path.join(dir, n, 'meta.json'), 'utf8')) as { minTime: number; maxTime: number },
      );
    assert.ok(metas.length < 20, `compacted: ${metas.length} blocks`);
    const newest = Math.max(...metas.map((m) => m.maxTime));
    assert.ok(
      metas.every((m) => newest - m.maxTime < 24 * HOUR),
      'nothing past retention',
    );
    const [row] = await read(store);
    assert.ok(row && row.t[0]! >= 40 * HOUR - 24 * HOUR - 18 * HOUR, `oldest kept ${row?.t[0]}`);
    assert.equal(row?.t.at(-1), 40 * HOUR);
    await store.close();
  });
});

describe('Tsdb: the open chunk read in place', () => {
  it('a querier reads the open chunk as it was when it opened, while appends and other queriers go on', async () => {
    const { store } = open(tempDir());
    write(store, up('a'), [
      [1000, 1],
      [2000, 2],
    ]);
    const first = await store.querier(ALL);
    write(store, up('a'), [[3000, 3]]);
    const second = await store.querier(ALL);
    const select = async (q: Awaited<ReturnType<Tsdb['querier']>>) => [
      ...((await q.select([{ type: '=', name: 'job', value: 'a' }], ALL))[0]?.floats.values ?? []),
    ];
    assert.deepEqual(await select(second), [1, 2, 3]);
    write(store, up('a'), [[4000, 4]]);
    assert.deepEqual(await select(first), [1, 2]);
    assert.deepEqual(await select(second), [1, 2, 3]);
    assert.deepEqual(await read(store), [
      { labels: '@tenant=t1,__name__=up,job=a', t: [1000, 2000, 3000, 4000], v: [1, 2, 3, 4] },
    ]);
    await first.close();
    await second.close();
    await store.close();
  });
});

describe('Tsdb: queries during compaction', () => {
  it('a querier opened before a block was cut keeps reading the head; truncation waits for it, later ones read the block', async () => {
    const { store } = open(tempDir());
    for (let t = 0; t <= 4 * HOUR; t += 60_000) write(store, up('a'), [[t, t / 60_000]]);
    const early = await store.querier(ALL);
    let maintained = false;
    const maintenance = store.maintain().then(() => (maintained = true));
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(store.stats().blocks, 1, 'the block is written');
    assert.equal(maintained, false, 'the head is not truncated while an older querier is open');
    const late = await read(store);
    const [rows] = [await early.select([{ type: '=', name: '__name__', value: 'up' }], ALL)];
    assert.equal(rows[0]?.floats.timestamps.length, 241, 'the early querier reads every sample from the head');
    assert.equal(late[0]?.t.length, 241, 'a later querier reads block and head, without duplicates');
    await early.close();
    await maintenance;
    assert.equal(store.stats().headMinTime, BLOCK_RANGE);
    assert.deepEqual(await read(store), late);
    await store.close();
  });
});

describe('Tsdb: one process per directory', () => {
  it('refuses a second open while the first holds the lock, and takes over a lock left by a dead process', async () => {
    const dir = tempDir();
    const { store } = open(dir);
    assert.throws(
      () => open(dir),
      (error: unknown) => {
        assert.ok(error instanceof TsdbLockedError);
        assert.match(error.message, /is in use by another vigil process \(pid \d+\)/);
        return true;
      },
    );
    await store.close();
    fs.writeFileSync(path.join(dir, 'lock'), '999999999\n');
    const { store: again } = open(dir);
    assert.equal(fs.readFileSync(path.join(dir, 'lock'), 'utf8'), `${process.pid}\n`);
    await again.close();
    assert.equal(fs.existsSync(path.join(dir, 'lock')), false, 'a clean close removes the lock');
  });
});
