import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { labelsFrom } from '../engine/core/labels.js';
import { parseScalarLine, parseSeriesDescription, SeriesNotationError, type SequenceValue } from './series-notation.js';

/** Values as Prometheus's parser tests write them: null for `_`. */
function values(line: string): (number | null)[] {
  return parseSeriesDescription(line).values.map((v) => (v.omitted ? null : v.value));
}

describe('parseSeriesDescription', () => {
  // The cases of Prometheus's TestParseSeries (promql/parser/parse_test.go).
  it('reads the metric and its label set', () => {
    assert.deepEqual(parseSeriesDescription('{} 1 2 3').labels, []);
    assert.deepEqual(parseSeriesDescription('{a="b"} -1 2 3').labels, labelsFrom({ a: 'b' }));
    assert.deepEqual(parseSeriesDescription('my_metric 1 2 3').labels, labelsFrom({ __name__: 'my_metric' }));
    assert.deepEqual(parseSeriesDescription('my_metric{} 1 2 3').labels, labelsFrom({ __name__: 'my_metric' }));
    assert.deepEqual(
      parseSeriesDescription('my_metric{a="b"} 1 2 3').labels,
      labelsFrom({ __name__: 'my_metric', a: 'b' }),
    );
    assert.deepEqual(
      parseSeriesDescription('my_metric{a="\\u70ac = torch"} 1 2 3').labels,
      labelsFrom({ __name__: 'my_metric', a: '炬 = torch' }),
    );
  });

  it('reads quoted label names, a quoted metric name, other quotes and a trailing comma', () => {
    assert.deepEqual(
      parseSeriesDescription('{"utf8.metric", "utf8.name"="x", b=\'y\', c=`z\\n`,} 1').labels,
      labelsFrom({ __name__: 'utf8.metric', 'utf8.name': 'x', b: 'y', c: 'z\\n' }),
    );
    assert.deepEqual(
      parseSeriesDescription('ns:metric:rate5m{job="a b"}\t5').labels,
      labelsFrom({ __name__: 'ns:metric:rate5m', job: 'a b' }),
    );
  });

  it('expands a+bxn, axn, _ and _xn', () => {
    assert.deepEqual(values('{} 1 2 3'), [1, 2, 3]);
    assert.deepEqual(values('my_metric{a="b"} 1 2 3-10x4'), [1, 2, 3, -7, -17, -27, -37]);
    assert.deepEqual(values('my_metric{a="b"} 1 2 3-0x4'), [1, 2, 3, 3, 3, 3, 3]);
    assert.deepEqual(values('{} 1x0'), [1]);
    assert.deepEqual(values('{} 1+1x0'), [1]);
    assert.deepEqual(values('{} 0+10x3'), [0, 10, 20, 30]);
    assert.deepEqual(values('{} 5x2'), [5, 5, 5]);
    assert.deepEqual(values('my_metric{a="b"} 1 3 _ 5 _x4'), [1, 3, null, 5, null, null, null, null]);
    assert.deepEqual(values('my_metric{a="b"} 1 -1 -3-10x4 7 9 +5'), [1, -1, -3, -13, -23, -33, -43, 7, 9, 5]);
    assert.deepEqual(values('my_metric{a="b"} 1 +1 +4 -6 -2 8'), [1, 1, 4, -6, -2, 8]);
    assert.deepEqual(values('my_metric{a="b"} 1 2 3    '), [1, 2, 3]);
    assert.deepEqual(values('metric'), []);
  });

  it('adds the increment step by step, as upstream does', () => {
    assert.deepEqual(values('{} 0.1+0.1x2'), [0.1, 0.2, 0.30000000000000004]);
  });

  it('reads numbers as the series lexer does: Inf, NaN, exponents, separators, leading-zero octal', () => {
    assert.deepEqual(values('{} Inf -Inf +Inf inf 1e3 1.5E+2 .5 2. 1_000 010 09'), [
      Infinity,
      -Infinity,
      Infinity,
      Infinity,
      1000,
      150,
      0.5,
      2,
      1000,
      8,
      9,
    ]);
    const [nan] = values('{} NaN');
    assert.ok(Number.isNaN(nan));
  });

  it('marks staleness markers', () => {
    const parsed: readonly SequenceValue[] = parseSeriesDescription('{} 1 stale 2').values;
    assert.deepEqual(
      parsed.map((v) => v.stale),
      [false, true, false],
    );
    assert.ok(Number.isNaN(parsed[1]?.value));
  });

  it('reads native-histogram values and their expansion, mixed with floats and gaps', () => {
    const parsed = parseSeriesDescription('h{a="b"} {{schema:0 sum:5 count:4 buckets:[1 2 1]}}x2 _ 7');
    assert.equal(parsed.nativeHistograms, true);
    assert.deepEqual(parsed.labels, labelsFrom({ __name__: 'h', a: 'b' }));
    assert.equal(parsed.values.length, 5);
    const first = parsed.values[0]?.histogram;
    assert.deepEqual(
      { schema: first?.schema, sum: first?.sum, count: first?.count, buckets: first?.positiveBuckets },
      { schema: 0, sum: 5, count: 4, buckets: [1, 2, 1] },
    );
    assert.equal(parsed.values[2]?.histogram?.count, 4);
    assert.deepEqual(parsed.values.slice(3), [
      { omitted: true, value: 0, stale: false },
      { omitted: false, value: 7, stale: false },
    ]);
    assert.equal(parseSeriesDescription('{} 1 2').nativeHistograms, false);
  });

  it('rejects what upstream rejects', () => {
    for (const line of [
      '{} 1+1',
      'my_metric{a="b"} 1 3 _ 5 _a4',
      'my_metric{a="b"} -3-3 -3',
      'my_metric{a="b"} -3 -3-3',
      'my_metric{a="b"} -3 _-2',
      'my_metric{a="b"} -3 3+3x4-4',
      '{} 0x1F',
      '{} 5m',
      '{} foo',
      '{} 1x1.5',
      '{a="b" 1',
      '{a=b} 1',
      '{a="b\\q"} 1',
      'metric{}1',
    ]) {
      assert.throws(() => parseSeriesDescription(line), SeriesNotationError, line);
    }
  });
});

describe('parseScalarLine', () => {
  it("reads a bare number as Go's ParseInt(s, 0, 64), then ParseFloat", () => {
    assert.equal(parseScalarLine('3000'), 3000);
    assert.equal(parseScalarLine('-5'), -5);
    assert.equal(parseScalarLine('+Inf'), Infinity);
    assert.equal(parseScalarLine('-Inf'), -Infinity);
    assert.equal(parseScalarLine('Infinity'), Infinity);
    assert.equal(parseScalarLine('0.00001234'), 0.00001234);
    assert.equal(parseScalarLine('-0.0000002'), -0.0000002);
    assert.equal(parseScalarLine('1.5E+2'), 150);
    assert.equal(parseScalarLine('0x1F'), 31);
    assert.equal(parseScalarLine('-0x10'), -16);
    assert.equal(parseScalarLine('0b101'), 5);
    assert.equal(parseScalarLine('0o17'), 15);
    assert.equal(parseScalarLine('010'), 8);
    assert.ok(Number.isNaN(parseScalarLine('NaN')));
  });

  it('leaves series lines alone', () => {
    assert.equal(parseScalarLine('{} 1'), null);
    assert.equal(parseScalarLine('metric 1'), null);
    assert.equal(parseScalarLine('-NaN'), null);
    assert.equal(parseScalarLine(''), null);
  });
});
