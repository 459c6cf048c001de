import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Expr, LabelMatcher, VectorMatching } from './ast.js';
import { PromQLError } from './errors.js';
import { getFunction } from './functions.js';
import { parse, parseUnchecked } from './parse.js';
import { withoutPositions } from './testing/positions.js';

type Bare<T> = T extends { pos: unknown } ? Omit<T, 'pos'> : T;

const ast = (query: string): unknown => withoutPositions(parse(query));
const num = (value: number, duration = false) => ({ kind: 'NumberLiteral', value, duration });
const str = (value: string) => ({ kind: 'StringLiteral', value });
const eq = (name: string, value: string): LabelMatcher => ({ type: '=', name, value });
const sel = (name: string, matchers: LabelMatcher[] = [], extra: { offset?: number; at?: unknown } = {}) => ({
  kind: 'VectorSelector',
  name,
  matchers: name === '' ? matchers : [...matchers, eq('__name__', name)],
  offset: extra.offset ?? 0,
  at: extra.at ?? null,
});
const oneToOne: VectorMatching = { card: 'one-to-one', on: false, matchingLabels: [], include: [] };
const bin = (
  op: string,
  lhs: unknown,
  rhs: unknown,
  more: Partial<{ returnBool: boolean; matching: VectorMatching }> = {},
) => ({
  kind: 'BinaryExpr',
  op,
  lhs,
  rhs,
  returnBool: more.returnBool ?? false,
  matching: more.matching ?? oneToOne,
});
const call = (name: string, ...args: unknown[]) => ({ kind: 'Call', func: getFunction(name), args });
const unary = (op: string, expr: unknown) => ({ kind: 'UnaryExpr', op, expr });
const paren = (expr: unknown) => ({ kind: 'ParenExpr', expr });

function parseError(query: string): PromQLError {
  try {
    parse(query);
  } catch (error) {
    assert.ok(error instanceof PromQLError, `expected a PromQLError, got ${String(error)}`);
    return error;
  }
  assert.fail(`${query} parsed`);
}

describe('parse: numbers', () => {
  it('reads decimal, exponent, hex, Inf and NaN in any case, with signs folded into the literal', () => {
    assert.deepEqual(ast('12.34e-6'), num(0.00001234));
    assert.deepEqual(ast('0x1F'), num(31));
    assert.deepEqual(ast('.2'), num(0.2));
    assert.deepEqual(ast('2.'), num(2));
    assert.deepEqual(ast('+Inf'), num(Infinity));
    assert.deepEqual(ast('-inf'), num(-Infinity));
    assert.deepEqual(ast('inF'), num(Infinity));
    assert.deepEqual(ast('- 1'), num(-1));
    assert.deepEqual(ast('- -1'), num(1));
    assert.ok(Number.isNaN((parse('NaN') as Bare<Expr> & { value: number }).value));
  });

  it('reads a duration where a number is expected as seconds, remembering it was a duration', () => {
    assert.deepEqual(ast('1h30m'), num(5400, true));
    assert.deepEqual(ast('-5m'), num(-300, true));
  });

  it('gives the literal the position of its sign', () => {
    assert.deepEqual(parse('  -1').pos, { start: 2, end: 4 });
  });
});

describe('parse: strings', () => {
  it('unescapes double- and single-quoted strings, and leaves raw strings alone', () => {
    assert.deepEqual(ast('"a\\n\\"b\\u00e9"'), str('a\n"bé'));
    assert.deepEqual(ast("'a\\'b'"), str("a'b"));
    assert.deepEqual(ast('`a\\nb`'), str('a\\nb'));
  });

  it('reports a bad escape at the string', () => {
    assert.equal(parseError('foo{a="\\q"}').message, "1:7: parse error: unknown escape sequence U+0071 'q'");
  });
});

describe('parse: selectors', () => {
  it('reads every matcher type, adding the metric name as the last matcher', () => {
    assert.deepEqual(
      ast('foo{a="1", b!="2", c=~"x.*", d!~"y",}'),
      sel('foo', [
        eq('a', '1'),
        { type: '!=', name: 'b', value: '2' },
        { type: '=~', name: 'c', value: 'x.*' },
        { type: '!~', name: 'd', value: 'y' },
      ]),
    );
  });

  it('accepts Prometheus 3 quoted names: {"metric.name"} and {"label.name"="v"}', () => {
    assert.deepEqual(ast('{"metric.name", "a.b"="c"}'), sel('', [eq('__name__', 'metric.name'), eq('a.b', 'c')]));
    assert.deepEqual(ast('{__name__="foo"}'), sel('', [eq('__name__', 'foo')]));
  });

  it('skips comments anywhere, a leading one too, but not a # inside a string', () => {
    assert.deepEqual(ast('# requests\nfoo # per job\n'), sel('foo'));
    assert.deepEqual(ast('{a="#x"}'), sel('', [eq('a', '#x')]));
  });

  it('takes atan2 between operands and as a label name, as Prometheus does', () => {
    for (const query of [
      '1 atan2 2',
      'x ATAN2 y',
      'sum by (atan2) (x)',
      '{atan2="1"}',
      'x{a="atan2"}',
      'atan2_total',
    ]) {
      assert.doesNotThrow(() => parse(query), query);
    }
  });

  it('reads range selectors with durations or bare seconds', () => {
    assert.deepEqual(ast('foo[5m]'), { kind: 'MatrixSelector', selector: sel('foo'), range: 300_000 });
    assert.deepEqual(ast('foo[90]'), { kind: 'MatrixSelector', selector: sel('foo'), range: 90_000 });
    assert.deepEqual(ast('foo[1h30m]'), { kind: 'MatrixSelector', selector: sel('foo'), range: 5_400_000 });
  });

  it('reads offset (negative too) and @ with a timestamp, start() or end()', () => {
    assert.deepEqual(ast('foo offset 5m'), sel('foo', [], { offset: 300_000 }));
    assert.deepEqual(ast('foo offset -1h'), sel('foo', [], { offset: -3_600_000 }));
    assert.deepEqual(ast('foo offset 30'), sel('foo', [], { offset: 30_000 }));
    assert.deepEqual(ast('foo @ 1603775019.5'), sel('foo', [], { at: 1_603_775_019_500 }));
    assert.deepEqual(ast('foo @ -10'), sel('foo', [], { at: -10_000 }));
    assert.deepEqual(ast('foo @ start()'), sel('foo', [], { at: 'start' }));
    assert.deepEqual(ast('foo @ end() offset 1m'), sel('foo', [], { at: 'end', offset: 60_000 }));
    assert.deepEqual(ast('foo[5m] offset 1m @ 100'), {
      kind: 'MatrixSelector',
      selector: sel('foo', [], { at: 100_000, offset: 60_000 }),
      range: 300_000,
    });
  });

  it('binds [ ], offset and @ tighter than any operator', () => {
    assert.deepEqual(
      ast('a or b offset 45m'),
      bin('or', sel('a'), sel('b', [], { offset: 2_700_000 }), { matching: { ...oneToOne, card: 'many-to-many' } }),
    );
    assert.deepEqual(ast('-metric @ 100'), unary('-', sel('metric', [], { at: 100_000 })));
    assert.deepEqual(
      withoutPositions(parseUnchecked('a + b[5m]')),
      bin('+', sel('a'), { kind: 'MatrixSelector', selector: sel('b'), range: 300_000 }),
    );
    assert.deepEqual(
      withoutPositions(parseUnchecked('a * b[5m:] @ 1')),
      bin('*', sel('a'), { kind: 'SubqueryExpr', expr: sel('b'), range: 300_000, step: 0, offset: 0, at: 1000 }),
    );
  });

  it('lets a tighter operator after a modifier apply to the modified operand: a + b @ 60 * 0 is a + ((b @ 60) * 0)', () => {
    assert.deepEqual(ast('a + b @ 60 * 0'), bin('+', sel('a'), bin('*', sel('b', [], { at: 60_000 }), num(0))));
    assert.deepEqual(
      ast('a + b offset 1m * 0'),
      bin('+', sel('a'), bin('*', sel('b', [], { offset: 60_000 }), num(0))),
    );
    assert.deepEqual(
      ast('a * b offset 1m + 0'),
      bin('+', bin('*', sel('a'), sel('b', [], { offset: 60_000 })), num(0)),
    );
    assert.deepEqual(ast('(a + b) * 0'), bin('*', paren(bin('+', sel('a'), sel('b'))), num(0)));
  });

  it('reads subqueries with and without a step, with their own offset and @', () => {
    assert.deepEqual(ast('rate(foo[1m])[1h:5m] offset 1m @ end()'), {
      kind: 'SubqueryExpr',
      expr: call('rate', { kind: 'MatrixSelector', selector: sel('foo'), range: 60_000 }),
      range: 3_600_000,
      step: 300_000,
      offset: 60_000,
      at: 'end',
    });
    assert.deepEqual((parse('foo[5m:]') as { step: number }).step, 0);
  });
});

describe('parse: operators', () => {
  it('gives * precedence over + and groups left', () => {
    assert.deepEqual(ast('a + b * c'), bin('+', sel('a'), bin('*', sel('b'), sel('c'))));
    assert.deepEqual(ast('a - b - c'), bin('-', bin('-', sel('a'), sel('b')), sel('c')));
    assert.deepEqual(
      ast('a / b % c atan2 d'),
      bin('atan2', bin('%', bin('/', sel('a'), sel('b')), sel('c')), sel('d')),
    );
  });

  it('groups ^ to the right', () => {
    assert.deepEqual(ast('2 ^ 3 ^ 2'), bin('^', num(2), bin('^', num(3), num(2))));
  });

  it('binds unary minus looser than ^, even on a number: -1 ^ 2 is -(1 ^ 2)', () => {
    assert.deepEqual(ast('-1 ^ 2'), unary('-', bin('^', num(1), num(2))));
    assert.deepEqual(ast('-a ^ 2'), unary('-', bin('^', sel('a'), num(2))));
    assert.deepEqual(ast('2 ^ -1'), bin('^', num(2), num(-1)));
    assert.deepEqual(ast('(-1) ^ 2'), bin('^', paren(num(-1)), num(2)));
    assert.deepEqual(ast('-a * b'), bin('*', unary('-', sel('a')), sel('b')));
  });

  it('orders comparison below arithmetic, and and/unless below comparison, or lowest', () => {
    assert.deepEqual(
      ast('a > 1 + 2 and b or c'),
      bin(
        'or',
        bin('and', bin('>', sel('a'), bin('+', num(1), num(2))), sel('b'), {
          matching: { ...oneToOne, card: 'many-to-many' },
        }),
        sel('c'),
        {
          matching: { ...oneToOne, card: 'many-to-many' },
        },
      ),
    );
  });

  it('reads bool and vector matching with group modifiers', () => {
    assert.deepEqual(ast('a == bool b'), bin('==', sel('a'), sel('b'), { returnBool: true }));
    assert.deepEqual(
      ast('a * on(x, y) group_left(z) b'),
      bin('*', sel('a'), sel('b'), {
        matching: { card: 'many-to-one', on: true, matchingLabels: ['x', 'y'], include: ['z'] },
      }),
    );
    assert.deepEqual(
      ast('a / ignoring(x) group_right b'),
      bin('/', sel('a'), sel('b'), {
        matching: { card: 'one-to-many', on: false, matchingLabels: ['x'], include: [] },
      }),
    );
    assert.deepEqual(
      ast('a unless on() b'),
      bin('unless', sel('a'), sel('b'), {
        matching: { card: 'many-to-many', on: true, matchingLabels: [], include: [] },
      }),
    );
  });
});

describe('parse: aggregations and calls', () => {
  const sumBy = { kind: 'AggregateExpr', op: 'sum', expr: sel('x'), param: null, grouping: ['a', 'b'], without: false };

  it('reads by/without before or after the arguments', () => {
    assert.deepEqual(ast('sum by (a, b) (x)'), sumBy);
    assert.deepEqual(ast('sum(x) by (a, b)'), sumBy);
    assert.deepEqual(ast('SUM(x) BY (a, b)'), sumBy);
    assert.deepEqual(ast('avg without (a) (x)'), { ...sumBy, op: 'avg', grouping: ['a'], without: true });
    assert.deepEqual(ast('sum by ("a.b") (x)'), { ...sumBy, grouping: ['a.b'] });
  });

  it('reads the parameter of topk, quantile and count_values', () => {
    assert.deepEqual(ast('topk(3, x)'), { ...sumBy, op: 'topk', param: num(3), grouping: [] });
    assert.deepEqual(ast('quantile without (a) (0.9, x)'), {
      ...sumBy,
      op: 'quantile',
      param: num(0.9),
      grouping: ['a'],
      without: true,
    });
    assert.deepEqual(ast('count_values("v", x)'), { ...sumBy, op: 'count_values', param: str('v'), grouping: [] });
  });

  it('resolves functions to their definitions', () => {
    assert.deepEqual(
      ast('label_join(x, "dst", ",", "a", "b")'),
      call('label_join', sel('x'), str('dst'), str(','), str('a'), str('b')),
    );
    assert.deepEqual(ast('time()'), call('time'));
  });
});

describe('parse: syntax errors', () => {
  const cases: [string, string][] = [
    ['', 'no expression found in input'],
    ['# only a comment', 'no expression found in input'],
    ['1 +', '1:4: parse error: unexpected end of input'],
    ['atan2(1, 1)', '1:1: parse error: unexpected <op:atan2>'],
    ['sum(atan2)', '1:5: parse error: unexpected <op:atan2>'],
    ['1 + ATAN2', '1:5: parse error: unexpected <op:ATAN2>'],
    ['foo(bar)', '1:1: parse error: unknown function with name "foo"'],
    ['sum(x', '1:6: parse error: unclosed left parenthesis'],
    ['sum(x))', "1:7: parse error: unexpected right parenthesis ')'"],
    ['foo{a="b"', '1:10: parse error: unclosed left brace'],
    ['foo[5m', '1:7: parse error: unclosed left bracket'],
    ['foo{a="(.*"', '1:12: parse error: unclosed left brace'],
    ['foo{a=~"(.*"}', '1:5: parse error: error parsing regexp: missing closing ): `(.*`'],
    ['foo[0]', '1:5: parse error: duration must be greater than 0'],
    ['foo[5m:0]', '1:8: parse error: duration must be greater than 0'],
    ['foo[5m + 1m]', '1:5: parse error: experimental duration expression is not enabled'],
    ['foo offset 1m offset 2m', '1:1: parse error: offset may not be set multiple times'],
    ['foo @ 1 @ 2', '1:1: parse error: @ <timestamp> may not be set multiple times'],
    ['foo @ Inf', '1:1: parse error: timestamp out of bounds for @ modifier: +Inf'],
    [
      'time() @ 1',
      '1:1: parse error: @ modifier must be preceded by an instant vector selector or range vector selector or a subquery',
    ],
    [
      'sum(x) offset 1m',
      '1:1: parse error: offset modifier must be preceded by an instant vector selector or range vector selector or a subquery',
    ],
    ['(foo)[5m]', '1:6: parse error: ranges only allowed for vector selectors'],
    ['foo offset 1m [5m]', '1:15: parse error: no offset modifiers allowed before range'],
    ['foo @ 1 [5m]', '1:9: parse error: no @ modifiers allowed before range'],
    ['sum()', '1:1: parse error: no arguments for aggregate expression provided'],
    ['sum(1, x)', '1:1: parse error: wrong number of arguments for aggregate expression provided, expected 1, got 2'],
    ['topk(x)', '1:1: parse error: wrong number of arguments for aggregate expression provided, expected 2, got 1'],
    ['sort_by_label(x, "a")', '1:1: parse error: function "sort_by_label" is not enabled'],
    [
      'limitk(1, x)',
      '1:1: parse error: limitk() is experimental and must be enabled with --enable-feature=promql-experimental-functions',
    ],
    ['a + fill(0) b', '1:1: parse error: binop fill modifiers are experimental and not enabled'],
    ['"abc', '1:1: parse error: unterminated quoted string'],
    ['foo\n  + ]', "2:5: parse error: unexpected right bracket ']'"],
  ];
  for (const [query, message] of cases) {
    it(`${JSON.stringify(query)} → ${message}`, () => {
      const error = parseError(query);
      assert.equal(
        error.message,
        query.trim() === '' || query.startsWith('#') ? `1:1: parse error: ${message}` : message,
      );
    });
  }

  it('accepts experimental functions and aggregations when asked to', () => {
    assert.equal(parse('sort_by_label(x, "a", "b")', { enableExperimentalFunctions: true }).kind, 'Call');
    assert.equal(parse('limitk(1, x)', { enableExperimentalFunctions: true }).kind, 'AggregateExpr');
  });
});
