import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { check } from './check.js';
import { PromQLError } from './errors.js';
import { parse, parseUnchecked } from './parse.js';

/** Each query with the exact message Prometheus 3 gives for it, position included. */
const REJECTED: [string, string][] = [
  ['rate(foo)', '1:6: parse error: expected type range vector in call to function "rate", got instant vector'],
  ['abs(foo[5m])', '1:5: parse error: expected type instant vector in call to function "abs", got range vector'],
  ['unknown_fn(foo)', '1:1: parse error: unknown function with name "unknown_fn"'],
  ['abs(1, 2)', '1:1: parse error: expected 1 argument(s) in call to "abs", got 2'],
  ['time(1)', '1:1: parse error: expected 0 argument(s) in call to "time", got 1'],
  ['round()', '1:1: parse error: expected at least 1 argument(s) in call to "round", got 0'],
  ['round(x, 1, 2)', '1:1: parse error: expected at most 2 argument(s) in call to "round", got 3'],
  ['hour(x, x)', '1:1: parse error: expected at most 1 argument(s) in call to "hour", got 2'],
  ['label_join(x, "a")', '1:1: parse error: expected at least 3 argument(s) in call to "label_join", got 2'],
  [
    'label_join(x, "a", ",", "b", 1)',
    '1:30: parse error: expected type string in call to function "label_join", got scalar',
  ],
  [
    'histogram_quantile("a", x)',
    '1:20: parse error: expected type scalar in call to function "histogram_quantile", got string',
  ],
  ['1 + bool 2', '1:3: parse error: bool modifier can only be used on comparison operators'],
  ['foo * bool bar', '1:5: parse error: bool modifier can only be used on comparison operators'],
  ['1 == 1', '1:3: parse error: comparisons between scalars must use BOOL modifier'],
  ['foo and 1', '1:1: parse error: set operator "and" not allowed in binary scalar expression'],
  ['1 or foo', '1:1: parse error: set operator "or" not allowed in binary scalar expression'],
  ['foo + on(a) 1', '1:1: parse error: vector matching only allowed between instant vectors'],
  ['1 * ignoring(a) group_left(b) foo', '1:1: parse error: vector matching only allowed between instant vectors'],
  ['foo and on(a) group_left(b) bar', '1:1: parse error: no grouping allowed for "and" operation'],
  ['foo unless ignoring(a) group_right bar', '1:1: parse error: no grouping allowed for "unless" operation'],
  ['foo * on(a) group_left(a) bar', '1:5: parse error: label "a" must not occur in ON and GROUP clause at once'],
  ['foo[5m] + 1', '1:1: parse error: binary expression must contain only scalar and instant vector types'],
  ['1 + "a"', '1:5: parse error: binary expression must contain only scalar and instant vector types'],
  [
    '-foo[5m]',
    '1:1: parse error: unary expression only allowed on expressions of type scalar or instant vector, got "range vector"',
  ],
  [
    '-"a"',
    '1:1: parse error: unary expression only allowed on expressions of type scalar or instant vector, got "string"',
  ],
  ['foo[5m][10m:1m]', '1:1: parse error: subquery is only allowed on instant vector, got matrix instead'],
  ['time()[5m:]', '1:1: parse error: subquery is only allowed on instant vector, got scalar instead'],
  ['sum(foo[5m])', '1:5: parse error: expected type instant vector in aggregation expression, got range vector'],
  ['topk(foo, bar)', '1:6: parse error: expected type scalar in aggregation parameter, got instant vector'],
  ['quantile("x", bar)', '1:10: parse error: expected type scalar in aggregation parameter, got string'],
  ['count_values(1, bar)', '1:14: parse error: expected type string in aggregation parameter, got scalar'],
  ['{}', '1:1: parse error: vector selector must contain at least one non-empty matcher'],
  ['{a=""}', '1:1: parse error: vector selector must contain at least one non-empty matcher'],
  ['{a=~".*"}', '1:1: parse error: vector selector must contain at least one non-empty matcher'],
  ['{a!~".+"}', '1:1: parse error: vector selector must contain at least one non-empty matcher'],
  ['foo{__name__="bar"}', '1:1: parse error: metric name must not be set twice: "foo" or "bar"'],
  [
    'sum(rate(x[5m])) + abs(y[1m])',
    '1:24: parse error: expected type instant vector in call to function "abs", got range vector',
  ],
  ['x +\n  rate(y)', '2:8: parse error: expected type range vector in call to function "rate", got instant vector'],
];

const ACCEPTED = [
  'foo{a=~".+"}',
  '{a!=""}',
  '{__name__=~"foo.*"}',
  '1 == bool 1',
  'foo == 1',
  'foo + on() group_left bar',
  'foo and on(a) bar',
  'foo or ignoring(a) bar',
  'count_values("v", foo)',
  'quantile(0.5, foo)',
  'label_join(x, "a", ",", "b", "c", "d")',
  'round(x)',
  'hour()',
  'vector(time())',
  'scalar(sum(x))',
  'rate(x[5m])[30m:1m]',
  'max_over_time(rate(x[5m])[30m:1m])',
  '"a"',
  'foo + ignoring() 1',
];

describe('check: rejected queries', () => {
  for (const [query, message] of REJECTED) {
    it(`${JSON.stringify(query)}`, () => {
      assert.throws(
        () => parse(query),
        (error: unknown) => error instanceof PromQLError && error.message === message,
        message,
      );
    });
  }
});

describe('check: accepted queries', () => {
  for (const query of ACCEPTED) {
    it(`${JSON.stringify(query)}`, () => {
      assert.doesNotThrow(() => parse(query));
    });
  }

  it('returns the type of the expression', () => {
    assert.equal(check(parseUnchecked('sum(rate(x[5m]))'), ''), 'vector');
    assert.equal(check(parseUnchecked('x[5m]'), ''), 'matrix');
    assert.equal(check(parseUnchecked('1 + 2 * time()'), ''), 'scalar');
    assert.equal(check(parseUnchecked('"s"'), ''), 'string');
  });

  it('exposes the parts of the error', () => {
    try {
      parse('rate(foo)');
      assert.fail('parsed');
    } catch (error) {
      assert.ok(error instanceof PromQLError);
      assert.equal(error.detail, 'expected type range vector in call to function "rate", got instant vector');
      assert.deepEqual(error.pos, { start: 5, end: 8 });
      assert.equal(error.query, 'rate(foo)');
    }
  });
});
