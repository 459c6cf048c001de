import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { compileLabelRegex } from '../../promql/regex.js';
import { regexSetMatches } from './set-matches.js';

describe('regexSetMatches', () => {
  const cases: readonly [string, string[] | null][] = [
    ['a|b|c', ['a', 'b', 'c']],
    ['(a|b)', ['a', 'b']],
    ['(?:a|b)c', ['ac', 'bc']],
    ['(a|b)(c|d)', ['ac', 'ad', 'bc', 'bd']],
    ['^1$', ['1']],
    ['^(foo|bar)$', ['foo', 'bar']],
    ['2|2\\.5', ['2', '2.5']],
    ['c||d', ['c', '', 'd']],
    ['a|a', ['a']],
    ['', ['']],
    ['\\n|\\$', ['\n', '$']],
    ['\\\\$', ['\\']],
    ['é|日本', ['é', '日本']],
    ['^a|b$', null],
    ['a.b', null],
    ['a?', null],
    ['a*', null],
    ['[ab]', null],
    ['a{2}', null],
    ['(?i)a', null],
    ['\\d', null],
    ['a^b', null],
    ['(a', null],
    ['a)', null],
    ['\\', null],
  ];
  for (const [pattern, expected] of cases) {
    it(`${JSON.stringify(pattern)} → ${JSON.stringify(expected)}`, () => {
      assert.deepEqual(regexSetMatches(pattern), expected);
    });
  }

  it('gives up beyond 256 strings, as Prometheus does', () => {
    const sixteen = `(${Array.from({ length: 16 }, (_, i) => `v${i}`).join('|')})`;
    assert.equal(regexSetMatches(sixteen + sixteen)?.length, 256);
    assert.equal(regexSetMatches(`${sixteen}${sixteen}(x|y)`), null);
    assert.equal(regexSetMatches(Array.from({ length: 257 }, (_, i) => `v${i}`).join('|')), null);
  });

  it('returns exactly the strings the anchored regex matches', () => {
    const probes = ['', 'a', 'b', '.', '\n', '$', 'ab', 'ba', 'a.', 'a.b', 'aa', 'bb', 'a\n', 'ab.', 'aab'];
    const piece = fc.constantFrom('a', 'b', '\\.', '|', '(', ')', '(?:', '^', '$', '.', '?', '\\n', '');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 10 }), (pieces) => {
        const pattern = pieces.join('');
        let re: RegExp;
        try {
          re = compileLabelRegex(pattern);
        } catch {
          return;
        }
        const set = regexSetMatches(pattern);
        if (set === null) return;
        for (const s of set) assert.ok(re.test(s), `${pattern} should match ${JSON.stringify(s)}`);
        for (const s of probes) assert.equal(set.includes(s), re.test(s), `${pattern} on ${JSON.stringify(s)}`);
      }),
      { numRuns: 2000 },
    );
  });
});
