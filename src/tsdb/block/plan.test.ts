import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compactionRanges, planCompaction, type PlannedBlock } from './plan.js';

function metaRange(
  dir: string,
  minTime: number,
  maxTime: number,
  stats?: { numSeries: number; numTombstones: number },
): PlannedBlock {
  return {
    dir,
    ulid: dir,
    minTime,
    maxTime,
    stats: { numSamples: 0, numChunks: 0, numSeries: stats?.numSeries ?? 0, numTombstones: stats?.numTombstones ?? 0 },
    compaction: { level: 1, sources: [] },
    version: 1,
  };
}

function failed(block: PlannedBlock): PlannedBlock {
  return { ...block, compaction: { ...block.compaction, failed: true } };
}

// tsdb/compact_test.go TestLeveledCompactor "plan": ranges mimic ExponentialBlockRanges with a minimum of 20.
const RANGES = [20, 60, 180, 540, 1620];
const CASES: readonly [string, PlannedBlock[], string[]][] = [
  ['Outside Range', [metaRange('1', 0, 20)], []],
  [
    'We should wait for four blocks of size 20 to appear before compacting.',
    [metaRange('1', 0, 20), metaRange('2', 20, 40)],
    [],
  ],
  [
    'We should wait for a next block of size 20 to appear before compacting the existing ones; the fresh one is ignored',
    [metaRange('1', 0, 20), metaRange('2', 20, 40), metaRange('3', 40, 60)],
    [],
  ],
  [
    'Block to fill the entire parent range appeared – should be compacted',
    [metaRange('1', 0, 20), metaRange('2', 20, 40), metaRange('3', 40, 60), metaRange('4', 60, 80)],
    ['1', '2', '3'],
  ],
  [
    'Block for the next parent range appeared with gap with size 20; the fresh one is still ignored, so no compaction',
    [metaRange('1', 0, 20), metaRange('2', 20, 40), metaRange('3', 60, 80)],
    [],
  ],
  [
    'Block for the next parent range appeared and the gap will not be filled: compact just these two',
    [metaRange('1', 0, 20), metaRange('2', 20, 40), metaRange('3', 60, 80), metaRange('4', 80, 100)],
    ['1', '2'],
  ],
  [
    "We have 20, 20, 20, 60, 60 range blocks. '5' is marked as fresh one",
    [
      metaRange('1', 0, 20),
      metaRange('2', 20, 40),
      metaRange('3', 40, 60),
      metaRange('4', 60, 120),
      metaRange('5', 120, 180),
    ],
    ['1', '2', '3'],
  ],
  [
    'We have 20, 60, 20, 60, 240 range blocks. We can compact 20 + 60 + 60',
    [
      metaRange('2', 20, 40),
      metaRange('4', 60, 120),
      metaRange('5', 960, 980),
      metaRange('6', 120, 180),
      metaRange('7', 720, 960),
    ],
    ['2', '4', '6'],
  ],
  [
    'Do not select large blocks that have many tombstones when there is no fresh block',
    [metaRange('1', 0, 540, { numSeries: 10, numTombstones: 3 })],
    [],
  ],
  [
    'Select large blocks that have many tombstones when fresh appears',
    [metaRange('1', 0, 540, { numSeries: 10, numTombstones: 3 }), metaRange('2', 540, 560)],
    ['1'],
  ],
  [
    'For small blocks, do not compact tombstones, even when fresh appears.',
    [metaRange('1', 0, 60, { numSeries: 10, numTombstones: 3 }), metaRange('2', 60, 80)],
    [],
  ],
  [
    'Regression test: no compaction loop on a block whose tombstones and series counts are zero',
    [metaRange('1', 0, 540, { numSeries: 0, numTombstones: 0 }), metaRange('2', 540, 560)],
    [],
  ],
  [
    'Regression test: the fresh block is the one with the latest minTime, not the newest ULID',
    [metaRange('5', 0, 360), metaRange('6', 540, 560), metaRange('7', 360, 420), metaRange('8', 420, 540)],
    ['7', '8'],
  ],
  ['Overlapping blocks 1', [metaRange('1', 0, 20), metaRange('2', 19, 40), metaRange('3', 40, 60)], ['1', '2']],
  ['Overlapping blocks 2', [metaRange('1', 0, 20), metaRange('2', 20, 40), metaRange('3', 30, 50)], ['2', '3']],
  ['Overlapping blocks 3', [metaRange('1', 0, 20), metaRange('2', 10, 40), metaRange('3', 30, 50)], ['1', '2', '3']],
  [
    'Overlapping blocks 4',
    [metaRange('5', 0, 360), metaRange('6', 340, 560), metaRange('7', 360, 420), metaRange('8', 420, 540)],
    ['5', '6', '7', '8'],
  ],
  [
    'Overlapping blocks 5',
    [metaRange('1', 0, 10), metaRange('2', 9, 20), metaRange('3', 30, 40), metaRange('4', 39, 50)],
    ['1', '2'],
  ],
];

describe('planCompaction', () => {
  for (const [title, metas, expected] of CASES) {
    it(title, () => {
      assert.deepEqual(planCompaction(metas, RANGES), expected);
    });
  }

  it('does not fail on blocks without tombstone counts and a single range (TestNoPanicFor0Tombstones)', () => {
    assert.deepEqual(planCompaction([metaRange('1', 0, 100), metaRange('2', 101, 200)], [50]), []);
  });

  it('skips a range holding a block whose compaction failed (TestRangeWithFailedCompactionWontGetSelected)', () => {
    const ranges = [20, 60, 240, 720, 2160];
    const cases = [
      [metaRange('1', 0, 20), metaRange('2', 20, 40), metaRange('3', 40, 60), metaRange('4', 60, 80)],
      [metaRange('1', 0, 20), metaRange('2', 20, 40), metaRange('3', 60, 80), metaRange('4', 80, 100)],
      [
        metaRange('1', 0, 20),
        metaRange('2', 20, 40),
        metaRange('3', 40, 60),
        metaRange('4', 60, 120),
        metaRange('5', 120, 180),
        metaRange('6', 180, 200),
      ],
    ];
    for (const metas of cases) {
      assert.notDeepEqual(planCompaction(metas, ranges), []);
      metas[1] = failed(metas[1] as PlannedBlock);
      assert.deepEqual(planCompaction(metas, ranges), []);
    }
  });

  it('plans three 2 h blocks into 6 h, then three 6 h blocks into 18 h', () => {
    const h = 3_600_000;
    const ranges = compactionRanges(15 * 24 * h);
    const twoHour = [0, 1, 2, 3].map((i) => metaRange(`b${i}`, i * 2 * h, (i + 1) * 2 * h));
    assert.deepEqual(planCompaction(twoHour, ranges), ['b0', 'b1', 'b2']);
    const sixHour = [0, 1, 2].map((i) => metaRange(`s${i}`, i * 6 * h, (i + 1) * 6 * h));
    assert.deepEqual(planCompaction([...sixHour, metaRange('fresh', 18 * h, 20 * h)], ranges), ['s0', 's1', 's2']);
  });

  it('aligns ranges below zero as Go does', () => {
    assert.deepEqual(
      planCompaction(
        [metaRange('1', -60, -40), metaRange('2', -40, -20), metaRange('3', -20, 0), metaRange('4', 0, 20)],
        RANGES,
      ),
      ['1', '2', '3'],
    );
  });

  it('needs at least one range', () => {
    assert.throws(() => planCompaction([], []), RangeError);
  });
});

describe('compactionRanges', () => {
  const h = 3_600_000;
  const d = 24 * h;
  const cases: readonly [string, number, number[]][] = [
    ['15 d retention (the default)', 15 * d, [2, 6, 18]],
    ['no retention: up to 31 d', 0, [2, 6, 18, 54, 162, 486]],
    ['90 d retention', 90 * d, [2, 6, 18, 54, 162]],
    ['1 d retention: only 2 h blocks', 1 * d, [2]],
    ['1 h retention: never below 2 h', 1 * h, [2]],
    ['exactly 60 h retention (6 h max block)', 60 * h, [2, 6]],
  ];
  for (const [title, retention, hours] of cases) {
    it(title, () => {
      assert.deepEqual(
        compactionRanges(retention),
        hours.map((x) => x * h),
      );
    });
  }
});
