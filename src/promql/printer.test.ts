import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Expr, VectorSelector } from './ast.js';
import { parse } from './parse.js';
import { print } from './printer.js';
import { withoutPositions } from './testing/positions.js';

const at = { start: 0, end: 0 };
const selector = (name: string): VectorSelector => ({
  kind: 'VectorSelector',
  name,
  matchers: [{ type: '=', name: '__name__', value: name }],
  offset: 0,
  at: null,
  pos: at,
});
const number = (value: number): Expr => ({ kind: 'NumberLiteral', value, duration: false, pos: at });
const matching = { card: 'one-to-one', on: false, matchingLabels: [], include: [] } as const;
const binary = (op: '+' | '*' | '^' | '-', lhs: Expr, rhs: Expr): Expr => ({
  kind: 'BinaryExpr',
  op,
  lhs,
  rhs,
  returnBool: false,
  matching,
  pos: at,
});

describe('print', () => {
  const cases: [string, string][] = [
    ['foo', 'foo'],
    ['foo{b="1", a=~"x"}', 'foo{b="1",a=~"x"}'],
    ['{"metric.name", "a.b"="c"}', '{__name__="metric.name","a.b"="c"}'],
    ['foo offset 90m', 'foo offset 1h30m'],
    ['foo offset -5m @ 100', 'foo @ 100.000 offset -5m'],
    ['foo[90] @ start()', 'foo[1m30s] @ start()'],
    ['rate(foo[5m:])', 'rate(foo[5m:])'],
    [
      'max_over_time(deriv(rate(x[5m])[1h:1m])[1d:] @ end() offset 1w)',
      'max_over_time(deriv(rate(x[5m])[1h:1m])[1d:] @ end() offset 1w)',
    ],
    ['sum(x) by (a,b)', 'sum by (a, b) (x)'],
    ['sum by () (x)', 'sum(x)'],
    ['avg without () (x)', 'avg without () (x)'],
    ['topk by ("a.b") (5, x)', 'topk by ("a.b") (5, x)'],
    ['a * on(x) group_left(y) b', 'a * on (x) group_left (y) b'],
    ['a * ignoring(x) group_right b', 'a * ignoring (x) group_right () b'],
    ['a > bool on() b', 'a > bool on () b'],
    ['a and b or c unless d', 'a and b or c unless d'],
    ['-1 ^ 2', '-1 ^ 2'],
    ['(-1) ^ 2', '(-1) ^ 2'],
    ['2 ^ -1', '2 ^ -1'],
    ['0x10 + 1e3 + .5 + 1e-7', '16 + 1000 + 0.5 + 0.0000001'],
    ['Inf - -inf + nan', '+Inf - -Inf + NaN'],
    ['5m', '5m'],
    ["'a\\'b\\n'", '"a\'b\\n"'],
    ['`raw\\d`', '"raw\\\\d"'],
    ['label_replace(x, "dst", "$1", "src", "(.*)")', 'label_replace(x, "dst", "$1", "src", "(.*)")'],
    ['count_values("a\\xc5z", version)', 'count_values("a\\xc5z", version)'],
  ];
  for (const [query, text] of cases) {
    it(`${query} → ${text}`, () => {
      const expr = parse(query);
      assert.equal(print(expr), text);
      assert.deepEqual(withoutPositions(parse(text)), withoutPositions(expr));
    });
  }

  it('adds the parentheses precedence needs to an AST built by hand', () => {
    const a = selector('a');
    const b = selector('b');
    assert.equal(print(binary('*', binary('+', a, b), number(2))), '(a + b) * 2');
    assert.equal(print(binary('-', a, binary('-', b, number(1)))), 'a - (b - 1)');
    assert.equal(print(binary('^', binary('^', a, b), number(2))), '(a ^ b) ^ 2');
    assert.equal(print(binary('^', number(-1), number(2))), '(-1) ^ 2');
    assert.equal(print({ kind: 'UnaryExpr', op: '-', expr: binary('+', a, b), pos: at }), '-(a + b)');
    const subquery: Expr = {
      kind: 'SubqueryExpr',
      expr: binary('+', a, b),
      range: 60_000,
      step: 0,
      offset: 0,
      at: null,
      pos: at,
    };
    assert.equal(print(subquery), '(a + b)[1m:]');
  });

  it('quotes a metric name that needs it', () => {
    assert.equal(print(selector('metric.name')), '{__name__="metric.name"}');
  });
});
