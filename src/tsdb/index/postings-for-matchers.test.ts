import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { LabelMatcher, MatchType } from '../../promql/ast.js';
import { compileMatchers } from '../../promql/engine/core/matchers.js';
import { compareLabels, formatLabels, labelsFrom, type Labels } from '../../promql/engine/core/labels.js';
import type { IndexReader } from './index-reader.js';
import { postingsForMatchers } from './postings-for-matchers.js';

/** An index over label sets held in memory; ids are positions in label order, as in a block. */
class MemoryIndex implements IndexReader {
  readonly series: Labels[];
  readonly calls: string[] = [];
  private readonly lists = new Map<string, Map<string, number[]>>();

  constructor(series: readonly Labels[]) {
    this.series = [...series].sort(compareLabels);
    this.series.forEach((labels, id) => {
      for (const { name, value } of labels) {
        let values = this.lists.get(name);
        if (values === undefined) this.lists.set(name, (values = new Map()));
        values.set(value, [...(values.get(value) ?? []), id]);
      }
    });
  }

  labelNames(): readonly string[] {
    return [...this.lists.keys()].sort();
  }

  labelValues(name: string): readonly string[] {
    this.calls.push(`labelValues(${name})`);
    return [...(this.lists.get(name)?.keys() ?? [])].sort();
  }

  postings(name: string, value: string): Uint32Array {
    this.calls.push(`postings(${name}=${value})`);
    return Uint32Array.from(this.lists.get(name)?.get(value) ?? []);
  }

  allPostings(): Uint32Array {
    this.calls.push('allPostings');
    return Uint32Array.from(this.series.keys());
  }
}

const m = (type: MatchType, name: string, value: string): LabelMatcher => ({ type, name, value });
const l = (...pairs: string[]): Labels => {
  const entries: [string, string][] = [];
  for (let i = 0; i < pairs.length; i += 2) entries.push([pairs[i] as string, pairs[i + 1] as string]);
  return labelsFrom(entries);
};

// tsdb/querier_test.go TestPostingsForMatchers: the series and every case of its table.
const SERIES = [
  l('n', '1'),
  l('n', '1', 'i', 'a'),
  l('n', '1', 'i', 'b'),
  l('n', '1', 'i', '\n'),
  l('n', '2'),
  l('n', '2.5'),
];
const N1 = [l('n', '1'), l('n', '1', 'i', 'a'), l('n', '1', 'i', 'b'), l('n', '1', 'i', '\n')];
const N1_WITH_I = [l('n', '1', 'i', 'a'), l('n', '1', 'i', 'b'), l('n', '1', 'i', '\n')];
const WITHOUT_I = [l('n', '1'), l('n', '2'), l('n', '2.5')];

const CASES: readonly [LabelMatcher[], Labels[]][] = [
  // Simple equals.
  [[m('=', 'n', '1')], N1],
  [[m('=', 'n', '1'), m('=', 'i', 'a')], [l('n', '1', 'i', 'a')]],
  [[m('=', 'n', '1'), m('=', 'i', 'missing')], []],
  [[m('=', 'missing', '')], SERIES],
  // Not equals.
  [[m('!=', 'n', '1')], [l('n', '2'), l('n', '2.5')]],
  [[m('!=', 'i', '')], N1_WITH_I],
  [[m('!=', 'missing', '')], []],
  [
    [m('=', 'n', '1'), m('!=', 'i', 'a')],
    [l('n', '1'), l('n', '1', 'i', 'b'), l('n', '1', 'i', '\n')],
  ],
  [[m('=', 'n', '1'), m('!=', 'i', '')], N1_WITH_I],
  // Regex.
  [[m('=~', 'n', '^1$')], N1],
  [[m('=', 'n', '1'), m('=~', 'i', '^a$')], [l('n', '1', 'i', 'a')]],
  [
    [m('=', 'n', '1'), m('=~', 'i', '^a?$')],
    [l('n', '1'), l('n', '1', 'i', 'a')],
  ],
  [[m('=~', 'i', '^$')], WITHOUT_I],
  [[m('=', 'n', '1'), m('=~', 'i', '^$')], [l('n', '1')]],
  [[m('=', 'n', '1'), m('=~', 'i', '^.*$')], N1],
  [[m('=', 'n', '1'), m('=~', 'i', '^.+$')], N1_WITH_I],
  // Not regex.
  [[m('!~', 'i', '')], N1_WITH_I],
  [[m('!~', 'n', '^1$')], [l('n', '2'), l('n', '2.5')]],
  [[m('!~', 'n', '1')], [l('n', '2'), l('n', '2.5')]],
  [[m('!~', 'n', '1|2.5')], [l('n', '2')]],
  [[m('!~', 'n', '(1|2.5)')], [l('n', '2')]],
  [
    [m('=', 'n', '1'), m('!~', 'i', '^a$')],
    [l('n', '1'), l('n', '1', 'i', 'b'), l('n', '1', 'i', '\n')],
  ],
  [
    [m('=', 'n', '1'), m('!~', 'i', '^a?$')],
    [l('n', '1', 'i', 'b'), l('n', '1', 'i', '\n')],
  ],
  [[m('=', 'n', '1'), m('!~', 'i', '^$')], N1_WITH_I],
  [[m('=', 'n', '1'), m('!~', 'i', '^.*$')], []],
  [[m('=', 'n', '1'), m('!~', 'i', '^.+$')], [l('n', '1')]],
  // Combinations.
  [[m('=', 'n', '1'), m('!=', 'i', ''), m('=', 'i', 'a')], [l('n', '1', 'i', 'a')]],
  [[m('=', 'n', '1'), m('!=', 'i', 'b'), m('=~', 'i', '^(b|a).*$')], [l('n', '1', 'i', 'a')]],
  // Set optimization for Regex (prometheus/prometheus#2651).
  [[m('=~', 'n', '1|2')], [...N1, l('n', '2')]],
  [[m('=~', 'i', 'a|b')], [l('n', '1', 'i', 'a'), l('n', '1', 'i', 'b')]],
  [[m('=~', 'i', '(a|b)')], [l('n', '1', 'i', 'a'), l('n', '1', 'i', 'b')]],
  [[m('=~', 'n', 'x1|2')], [l('n', '2')]],
  [[m('=~', 'n', '2|2\\.5')], [l('n', '2'), l('n', '2.5')]],
  // Empty value.
  [[m('=~', 'i', 'c||d')], WITHOUT_I],
  [[m('=~', 'i', '(c||d)')], WITHOUT_I],
  // Shortcuts for .* and .+
  [[m('=~', 'i', '.*')], SERIES],
  [[m('=~', 'n', '.*'), m('=~', 'i', '^.*$')], SERIES],
  [[m('=~', 'n', '^.*$'), m('=', 'i', 'a')], [l('n', '1', 'i', 'a')]],
  [[m('!~', 'i', '.*')], []],
  [[m('!~', 'n', '^.*$'), m('!~', 'i', '.*')], []],
  [[m('=~', 'n', '.*'), m('!~', 'i', '.*')], []],
  [[m('=', 'n', '1'), m('!~', 'i', '^.*$')], []],
  [[m('=~', 'n', '.*'), m('!~', 'i', '.+')], WITHOUT_I],
];

function select(index: MemoryIndex, matchers: readonly LabelMatcher[]): string[] {
  return [...postingsForMatchers(index, matchers)].map((id) => formatLabels(index.series[id] as Labels));
}

function describeMatchers(matchers: readonly LabelMatcher[]): string {
  return matchers.map((x) => `${x.name}${x.type}${JSON.stringify(x.value)}`).join(',');
}

describe('postingsForMatchers', () => {
  const index = new MemoryIndex(SERIES);

  for (const [matchers, expected] of CASES) {
    it(`{${describeMatchers(matchers)}} as Prometheus's TestPostingsForMatchers`, () => {
      const want = [...expected].sort(compareLabels).map(formatLabels);
      assert.deepEqual(select(index, matchers), want);
    });
  }

  it('answers like a label-set predicate for random selectors', () => {
    const names = ['a', 'b', 'c'];
    const values = ['', 'x', 'y', 'xy', 'z'];
    const pattern = fc.constantFrom('', 'x', 'x|y', 'x.*', '.*', '.+', 'y?', '(x|z)y?', '^x$', 'x||z', '[xz]');
    const matcher = fc.record({
      type: fc.constantFrom<MatchType>('=', '!=', '=~', '!~'),
      name: fc.constantFrom(...names),
      value: fc.oneof(fc.constantFrom(...values), pattern),
    });
    const labelSet = fc
      .record({ a: fc.constantFrom(...values), b: fc.constantFrom(...values), c: fc.constantFrom(...values) })
      .map((pairs) => labelsFrom(pairs));
    fc.assert(
      fc.property(
        fc.uniqueArray(labelSet, { selector: formatLabels, maxLength: 30 }),
        fc.array(matcher, { maxLength: 4 }),
        (series, matchers) => {
          const idx = new MemoryIndex(series);
          const test = compileMatchers(matchers);
          const expected = matchers.length === 0 ? [] : idx.series.filter(test).map(formatLabels);
          assert.deepEqual(select(idx, matchers), expected);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('looks a literal regex set up value by value instead of scanning the label values', () => {
    const idx = new MemoryIndex(SERIES);
    assert.deepEqual(select(idx, [m('=~', 'n', '1|2')]).length, 5);
    assert.deepEqual(idx.calls, ['postings(n=1)', 'postings(n=2)']);
  });

  it('starts from every series only when every matcher subtracts', () => {
    const idx = new MemoryIndex(SERIES);
    select(idx, [m('=', 'n', '2')]);
    assert.equal(idx.calls.includes('allPostings'), false);
    select(idx, [m('!=', 'n', '2')]);
    assert.equal(idx.calls.includes('allPostings'), true);
  });

  it('selects every series for the all-postings matcher and nothing for no matcher', () => {
    assert.equal(postingsForMatchers(index, [m('=', '', '')]).length, SERIES.length);
    assert.equal(postingsForMatchers(index, []).length, 0);
  });

  it('refuses the all-postings matcher among others, as Prometheus does', () => {
    assert.throws(() => postingsForMatchers(index, [m('=', 'n', '1'), m('=', '', '')]), /unexpected all postings/);
  });

  it('rejects an invalid regex as the parser would', () => {
    assert.throws(() => postingsForMatchers(index, [m('=~', 'n', '(')]), /error parsing regexp/);
  });
});
