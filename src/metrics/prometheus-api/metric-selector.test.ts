import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isPromQLError } from '../../promql/index.js';
import { parseMetricSelector } from './metric-selector.js';

function failure(input: string): string {
  try {
    parseMetricSelector(input);
  } catch (error) {
    assert.ok(isPromQLError(error), String(error));
    return error.message;
  }
  return assert.fail(`${JSON.stringify(input)} was accepted`);
}

describe('parseMetricSelector', () => {
  it('reads a metric name, with its matcher last as Prometheus appends it', () => {
    assert.deepEqual(parseMetricSelector('up'), [{ type: '=', name: '__name__', value: 'up' }]);
    assert.deepEqual(parseMetricSelector(' foo:bar{a="b", c!~"d|e",} # comment'), [
      { type: '=', name: 'a', value: 'b' },
      { type: '!~', name: 'c', value: 'd|e' },
      { type: '=', name: '__name__', value: 'foo:bar' },
    ]);
  });

  it('reads braces alone, quoted names and every quoting of values', () => {
    assert.deepEqual(parseMetricSelector(`{"http.requests", "a.b"=~'x', c!=\`y\\z\`}`), [
      { type: '=', name: '__name__', value: 'http.requests' },
      { type: '=~', name: 'a.b', value: 'x' },
      { type: '!=', name: 'c', value: 'y\\z' },
    ]);
    assert.deepEqual(parseMetricSelector('{}'), []);
    assert.deepEqual(parseMetricSelector('{a="\\u00e9\\n"}'), [{ type: '=', name: 'a', value: 'é\n' }]);
  });

  it('takes most keywords as metric names, as the grammar does', () => {
    for (const word of ['offset', 'by', 'sum', 'start', 'and', 'without', 'fill']) {
      assert.deepEqual(parseMetricSelector(word), [{ type: '=', name: '__name__', value: word }]);
    }
  });

  // Messages as Prometheus answered them for /api/v1/series?match[]=… (Prometheus 2.42, whose selector grammar and
  // lexer are those of 3.x for these inputs).
  const errors: [string, string][] = [
    ['up[5m]', '1:3: parse error: unexpected "["'],
    ['sum(up)', '1:4: parse error: unexpected "("'],
    ['rate(x[5m])', '1:5: parse error: unexpected "("'],
    ['1', '1:1: parse error: unexpected number "1"'],
    ['inf', '1:1: parse error: unexpected number "inf"'],
    ['-up', '1:1: parse error: unexpected <op:->'],
    ['"foo"', '1:1: parse error: unexpected string "\\"foo\\""'],
    ['', '1:1: parse error: unexpected end of input'],
    ['ON', '1:1: parse error: unexpected <ON>'],
    ['é', "1:1: parse error: unexpected character: 'é'"],
    ['up offset 5m', '1:4: parse error: unexpected <offset>'],
    ['up OFFSET', '1:4: parse error: unexpected <OFFSET>'],
    ['up + 1', '1:4: parse error: unexpected <op:+>'],
    ['up{a="b"} or x', '1:11: parse error: unexpected <op:or>'],
    ['up sum', '1:4: parse error: unexpected <aggr:sum>'],
    ['up start', '1:4: parse error: unexpected "start"'],
    ['up bool', '1:4: parse error: unexpected <bool>'],
    ['up x', '1:4: parse error: unexpected identifier "x"'],
    ['up aBcDeFgHiJkLmN', '1:4: parse error: unexpected identifier "aBcDeFgHiJkLmN"'],
    ['up x:y', '1:4: parse error: unexpected metric identifier "x:y"'],
    ['up 1', '1:4: parse error: unexpected number "1"'],
    ['abcdefghijklmnop 12345678901234', '1:18: parse error: unexpected number "1234567890"...'],
    ['up 5m', '1:4: parse error: unexpected duration "5m"'],
    ['up 5ms', '1:4: parse error: unexpected duration "5ms"'],
    ['up 1h30m', '1:4: parse error: unexpected duration "1h30m"'],
    ['{a="b"} 1.5m', '1:9: parse error: unexpected duration "1.5m"'],
    ['up 1.5e3s', '1:4: parse error: unexpected duration "1.5e3s"'],
    ['up 0x1F', '1:4: parse error: unexpected number "0x1F"'],
    ['up 1e5', '1:4: parse error: unexpected number "1e5"'],
    ['up 5x', '1:4: parse error: bad number or duration syntax: "5"'],
    ['up 5m3x', '1:4: parse error: bad number or duration syntax: "5m3"'],
    ['up 5ma', '1:4: parse error: bad number or duration syntax: "5ma"'],
    ['up "s"', '1:4: parse error: unexpected string "\\"s\\""'],
    ['up "abcdefghijklm"', '1:4: parse error: unexpected string "\\"abcdefghi"...'],
    ['up,x', '1:3: parse error: unexpected ","'],
    ['up{a="b"}{', '1:10: parse error: unexpected "{"'],
    ['up )', "1:5: parse error: unexpected right parenthesis ')'"],
    ['up ]', "1:4: parse error: unexpected right bracket ']'"],
    ['up}', "1:3: parse error: unexpected character: '}'"],
    ['up $', "1:4: parse error: unexpected character: '$'"],
    ['up .', "1:4: parse error: unexpected character: '.'"],
    ['up !x', "1:4: parse error: unexpected character after '!': 'x'"],
    ['up =~', "1:4: parse error: unexpected character after '=': '~'"],
    ['up "abc', '1:4: parse error: unterminated quoted string'],
    ['up `abc', '1:4: parse error: unterminated raw string'],
    ['up # c\n x', '2:2: parse error: unexpected identifier "x"'],
    ['up{', '1:4: parse error: unexpected end of input inside braces'],
    ['up{{', "1:4: parse error: unexpected left brace '{'"],
    ['{a="b}', '1:4: parse error: unterminated quoted string'],
    ['{a!b}', "1:3: parse error: unexpected character after '!' inside braces: 'b'"],
    ['{a:b="c"}', "1:3: parse error: unexpected character inside braces: ':'"],
    ['{1="c"}', "1:2: parse error: unexpected character inside braces: '1'"],
    ['{a}', '1:3: parse error: unexpected "}" in label matching, expected label matching operator'],
    ['{a=}', '1:4: parse error: unexpected "}" in label matching, expected string'],
    ['{=b}', '1:2: parse error: unexpected "=" in label matching, expected identifier or "}"'],
    ['{a="b" c="d"}', '1:8: parse error: unexpected identifier "c" in label matching, expected "," or "}"'],
    ['{a="b",,}', '1:8: parse error: unexpected "," in label matching, expected identifier or "}"'],
    ['up{a=~"x" $}', "1:11: parse error: unexpected character inside braces: '$'"],
    ['{a="é"} x', '1:10: parse error: unexpected identifier "x"'],
    ['up{a="\\q"}', "1:6: parse error: unknown escape sequence U+0071 'q'"],
  ];
  for (const [input, message] of errors) {
    it(`refuses ${JSON.stringify(input)}`, () => assert.equal(failure(input), message));
  }

  // Prometheus 3 differs from 2.42 here: 2.42 had no name for `@` ("<Item 57385>") and quoted the anchored regex.
  it('names @ as an operator, as Prometheus 3 does', () => {
    assert.equal(failure('up @ 10'), '1:4: parse error: unexpected <op:@>');
  });

  it("reports a bad regex with Prometheus 3's text, at the matcher", () => {
    assert.equal(failure('{a=~"("}'), '1:2: parse error: error parsing regexp: missing closing ): `(`');
  });

  it('reads a literal U+FFFD in a string as Go does, as a byte that is not UTF-8', () => {
    assert.equal(failure('{a="\ufffd"}'), '1:4: parse error: invalid UTF-8 rune');
  });
});
