import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LabelMatcher } from '../ast.js';
import { floatHistogram, type FloatHistogram } from '../engine/histograms/native/float-histogram.js';
import { labelsFrom, type Labels } from '../engine/core/labels.js';
import { EvaluationError } from '../engine/result.js';
import type { SeriesSamples, Storage } from '../engine/storage.js';

/** A store under test and the way to write into it (each store writes its own way). */
export interface StorageUnderTest {
  readonly storage: Storage;
  /** Writes float samples of one series, in time order; `stale[i] === 1` makes sample i a staleness marker. */
  appendFloats(
    labels: Labels,
    timestamps: readonly number[],
    values: readonly number[],
    stale?: readonly number[],
  ): Promise<void>;
  appendHistogram(labels: Labels, t: number, histogram: FloatHistogram): Promise<void>;
  close(): Promise<void>;
}

const ALL = { start: -1e15, end: 1e15 };
const byName = (name: string): LabelMatcher[] => [{ type: '=', name: '__name__', value: name }];
const names = (rows: readonly SeriesSamples[]) =>
  rows.map((row) => row.labels.map((l) => `${l.name}=${l.value}`).join(','));

/** A series' floats as plain arrays (NaN shown as 'NaN' so deepEqual can compare it). */
function floatsOf(row: SeriesSamples | undefined) {
  assert.ok(row, 'the series is there');
  const v = Array.from(row.floats.values, (x) => (Number.isNaN(x) ? 'NaN' : x));
  return { t: [...row.floats.timestamps], v, ...(row.floats.stale ? { stale: [...row.floats.stale] } : {}) };
}

async function rejection(promise: Promise<unknown>): Promise<EvaluationError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof EvaluationError, String(error));
    return error;
  }
  assert.fail('expected a rejection');
}

/**
 * The storage conformance suite (docs/PROMQL.md, "Storage"): what every implementation of the engine's `Storage`
 * must do — selection by matchers and time, staleness markers, native histograms apart from floats, snapshots per
 * querier, label lookups with limits, the sample limit and cancellation. Each store's tests call it with a way to open
 * a fresh, empty store.
 */
export function describeStorageConformance(name: string, open: () => Promise<StorageUnderTest>): void {
  const withStore = (body: (s: StorageUnderTest) => Promise<void>) => async () => {
    const store = await open();
    try {
      await body(store);
    } finally {
      await store.close();
    }
  };
  const a = labelsFrom({ __name__: 'up', job: 'a' });
  const b = labelsFrom({ __name__: 'up', job: 'b', zone: 'z1' });
  const other = labelsFrom({ __name__: 'other', job: 'a' });

  describe(`Storage conformance: ${name}`, () => {
    it(
      'selects the series matching every matcher, in label order, with their samples as typed arrays',
      withStore(async (s) => {
        await s.appendFloats(b, [0, 60_000], [3, 4]);
        await s.appendFloats(a, [0, 60_000], [1, 2]);
        await s.appendFloats(other, [0], [9]);
        const q = await s.storage.querier(ALL);
        const up = await q.select(byName('up'), ALL);
        assert.deepEqual(names(up), ['__name__=up,job=a', '__name__=up,job=b,zone=z1']);
        assert.ok(up[0]?.floats.timestamps instanceof Float64Array);
        assert.ok(up[0]?.floats.values instanceof Float64Array);
        assert.deepEqual(floatsOf(up[0]), { t: [0, 60_000], v: [1, 2] });
        assert.equal(up[0]?.histograms, undefined);
        const cases: [LabelMatcher[], string[]][] = [
          [[{ type: '=~', name: 'job', value: 'a|c' }], ['__name__=other,job=a', '__name__=up,job=a']],
          [[{ type: '!=', name: 'job', value: 'a' }], ['__name__=up,job=b,zone=z1']],
          [[{ type: '!~', name: '__name__', value: 'u.*' }], ['__name__=other,job=a']],
          // A matcher that matches the empty string also matches a series without the label.
          [[{ type: '=', name: 'zone', value: '' }], ['__name__=other,job=a', '__name__=up,job=a']],
          [[{ type: '!=', name: 'zone', value: '' }], ['__name__=up,job=b,zone=z1']],
          [[{ type: '=', name: 'job', value: '' }], []],
          [[...byName('up'), { type: '=~', name: 'job', value: 'b' }], ['__name__=up,job=b,zone=z1']],
        ];
        for (const [matchers, expected] of cases) {
          assert.deepEqual(names(await q.select(matchers, ALL)), expected, JSON.stringify(matchers));
        }
        await q.close();
      }),
    );

    it(
      'returns only the samples inside the inclusive range, and no series without any',
      withStore(async (s) => {
        await s.appendFloats(a, [0, 60_000, 120_000, 180_000], [1, 2, 3, 4]);
        await s.appendFloats(b, [300_000], [9]);
        const q = await s.storage.querier(ALL);
        const inside = await q.select(byName('up'), { start: 60_000, end: 120_000 });
        assert.deepEqual(names(inside), ['__name__=up,job=a']);
        assert.deepEqual(floatsOf(inside[0]), { t: [60_000, 120_000], v: [2, 3] });
        assert.deepEqual(await q.select(byName('up'), { start: 61_000, end: 119_000 }), []);
        await q.close();
        // A querier's own range bounds every select made through it.
        const narrow = await s.storage.querier({ start: 0, end: 60_000 });
        assert.deepEqual(floatsOf((await narrow.select(byName('up'), ALL))[0]), { t: [0, 60_000], v: [1, 2] });
        await narrow.close();
      }),
    );

    it(
      'flags staleness markers, only in ranges that hold one',
      withStore(async (s) => {
        await s.appendFloats(a, [0, 60_000, 120_000], [1, 0, 3], [0, 1, 0]);
        const q = await s.storage.querier(ALL);
        assert.deepEqual(floatsOf((await q.select(byName('up'), ALL))[0]), {
          t: [0, 60_000, 120_000],
          v: [1, 'NaN', 3],
          stale: [0, 1, 0],
        });
        assert.deepEqual(floatsOf((await q.select(byName('up'), { start: 0, end: 30_000 }))[0]), { t: [0], v: [1] });
        await q.close();
      }),
    );

    it(
      'keeps native histograms apart from floats, with their counter-reset hints',
      withStore(async (s) => {
        const h = (count: number, hint: FloatHistogram['counterResetHint']) =>
          floatHistogram({
            count,
            sum: count * 2,
            schema: 0,
            positiveSpans: [{ offset: 0, length: 1 }],
            positiveBuckets: [count],
            counterResetHint: hint,
          });
        await s.appendFloats(a, [0], [5]);
        await s.appendHistogram(a, 60_000, h(3, 'unknown'));
        await s.appendHistogram(a, 120_000, h(1, 'reset'));
        const q = await s.storage.querier(ALL);
        const [row] = await q.select(byName('up'), ALL);
        assert.deepEqual(floatsOf(row), { t: [0], v: [5] });
        assert.ok(row?.histograms);
        assert.deepEqual([...row.histograms.timestamps], [60_000, 120_000]);
        assert.deepEqual(
          row.histograms.histograms.map((x) => [x.count, x.sum, x.counterResetHint]),
          [
            [3, 6, 'unknown'],
            [1, 2, 'reset'],
          ],
        );
        const [later] = await q.select(byName('up'), { start: 60_000, end: 60_000 });
        assert.deepEqual([later?.floats.timestamps.length, later?.histograms?.timestamps.length], [0, 1]);
        await q.close();
      }),
    );

    it(
      'gives each querier a snapshot: what is written after it opened is not seen through it',
      withStore(async (s) => {
        await s.appendFloats(a, [0, 60_000], [1, 2]);
        const before = await s.storage.querier(ALL);
        await s.appendFloats(a, [120_000], [3]);
        await s.appendFloats(b, [120_000], [7]);
        assert.deepEqual(names(await before.select(byName('up'), ALL)), ['__name__=up,job=a']);
        assert.deepEqual(floatsOf((await before.select(byName('up'), ALL))[0]), { t: [0, 60_000], v: [1, 2] });
        assert.deepEqual(await before.labelValues('job', []), ['a']);
        assert.deepEqual((await before.series(byName('up'))).length, 1);
        await before.close();
        const after = await s.storage.querier(ALL);
        assert.deepEqual(names(await after.select(byName('up'), ALL)), [
          '__name__=up,job=a',
          '__name__=up,job=b,zone=z1',
        ]);
        assert.deepEqual(floatsOf((await after.select(byName('up'), ALL))[0]), {
          t: [0, 60_000, 120_000],
          v: [1, 2, 3],
        });
        await after.close();
      }),
    );

    it(
      'lists label names, label values and series with matchers, inside its range, sorted, up to a limit',
      withStore(async (s) => {
        await s.appendFloats(a, [0], [1]);
        await s.appendFloats(b, [0], [2]);
        await s.appendFloats(other, [500_000], [3]);
        const q = await s.storage.querier({ start: 0, end: 100_000 });
        assert.deepEqual(await q.labelNames([]), ['__name__', 'job', 'zone']);
        assert.deepEqual(await q.labelNames([{ type: '=', name: 'job', value: 'a' }]), ['__name__', 'job']);
        assert.deepEqual(await q.labelNames([], 2), ['__name__', 'job']);
        // `other` has no sample in the querier's range: it is not listed.
        assert.deepEqual(await q.labelValues('__name__', []), ['up']);
        assert.deepEqual(await q.labelValues('job', []), ['a', 'b']);
        assert.deepEqual(await q.labelValues('zone', []), ['z1']);
        assert.deepEqual(await q.labelValues('job', [{ type: '=', name: 'zone', value: 'z1' }]), ['b']);
        assert.deepEqual(await q.labelValues('job', [], 1), ['a']);
        assert.deepEqual(await q.labelValues('nope', []), []);
        assert.deepEqual(
          (await q.series(byName('up'))).map((l) => l.map((x) => x.value).join(',')),
          ['up,a', 'up,b,z1'],
        );
        assert.deepEqual((await q.series(byName('up'), 1)).length, 1);
        assert.deepEqual(await q.series(byName('other')), []);
        await q.close();
      }),
    );

    it(
      'stops at the sample limit before handing out more, and when the query is cancelled',
      withStore(async (s) => {
        await s.appendFloats(a, [0, 1, 2], [1, 2, 3]);
        await s.appendFloats(b, [0, 1, 2], [1, 2, 3]);
        const enough = await s.storage.querier(ALL, { maxSamples: 6 });
        assert.equal((await enough.select(byName('up'), ALL)).length, 2);
        await enough.close();
        const tight = await s.storage.querier(ALL, { maxSamples: 5 });
        const limited = await rejection(tight.select(byName('up'), ALL));
        assert.deepEqual(
          [limited.kind, limited.message],
          ['too_many_samples', 'query processing would load too many samples into memory in query execution'],
        );
        await tight.close();
        const controller = new AbortController();
        const cancelled = await s.storage.querier(ALL, { signal: controller.signal });
        controller.abort();
        const error = await rejection(cancelled.select(byName('up'), ALL));
        assert.deepEqual([error.kind, error.message], ['canceled', 'query was canceled in expression evaluation']);
        await cancelled.close();
      }),
    );
  });
}
