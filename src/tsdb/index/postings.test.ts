import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { intersectPostings, subtractPostings, unionPostings } from './postings.js';

const sortedIds = fc
  .uniqueArray(fc.integer({ min: 0, max: 5000 }), { maxLength: 400 })
  .map((ids) => Uint32Array.from(ids.sort((a, b) => a - b)));

/** Mostly small lists with an occasional long one, so both the merge and the galloping paths run. */
const lopsided = fc.oneof(
  sortedIds,
  fc
    .uniqueArray(fc.integer({ min: 0, max: 200_000 }), { minLength: 2000, maxLength: 6000 })
    .map((ids) => Uint32Array.from(ids.sort((a, b) => a - b))),
);

function model(op: (a: Set<number>, b: Set<number>) => number[], a: Uint32Array, b: Uint32Array): number[] {
  return op(new Set(a), new Set(b)).sort((x, y) => x - y);
}

describe('intersectPostings', () => {
  it('equals the set intersection, merging or galloping', () => {
    fc.assert(
      fc.property(lopsided, lopsided, (a, b) => {
        const expected = model((x, y) => [...x].filter((v) => y.has(v)), a, b);
        assert.deepEqual([...intersectPostings(a, b)], expected);
        assert.deepEqual([...intersectPostings(b, a)], expected);
      }),
      { numRuns: 300 },
    );
  });

  it('gallops to the right answer at list edges', () => {
    const long = Uint32Array.from({ length: 10_000 }, (_, i) => i * 2);
    assert.deepEqual([...intersectPostings(Uint32Array.of(0, 1, 19_998, 19_999, 30_000), long)], [0, 19_998]);
    assert.deepEqual([...intersectPostings(Uint32Array.of(5), long)], []);
    assert.deepEqual([...intersectPostings(new Uint32Array(0), long)], []);
  });
});

describe('unionPostings', () => {
  it('equals the set union of any number of lists', () => {
    fc.assert(
      fc.property(fc.array(sortedIds, { maxLength: 12 }), (lists) => {
        const all = new Set<number>();
        for (const list of lists) for (const id of list) all.add(id);
        assert.deepEqual(
          [...unionPostings(lists)],
          [...all].sort((x, y) => x - y),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('returns the only non-empty list itself and an empty list for none', () => {
    const only = Uint32Array.of(1, 2, 3);
    assert.equal(unionPostings([new Uint32Array(0), only]), only);
    assert.equal(unionPostings([]).length, 0);
    assert.deepEqual([...unionPostings([Uint32Array.of(1), Uint32Array.of(1), Uint32Array.of(0, 1)])], [0, 1]);
  });
});

describe('subtractPostings', () => {
  it('equals the set difference, merging or galloping', () => {
    fc.assert(
      fc.property(lopsided, lopsided, (a, b) => {
        assert.deepEqual(
          [...subtractPostings(a, b)],
          model((x, y) => [...x].filter((v) => !y.has(v)), a, b),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('returns the first list when nothing is removed', () => {
    const a = Uint32Array.of(1, 5);
    assert.equal(subtractPostings(a, Uint32Array.of(2, 3)), a);
    assert.equal(subtractPostings(a, new Uint32Array(0)), a);
    assert.deepEqual([...subtractPostings(a, Uint32Array.of(1, 5))], []);
  });
});
