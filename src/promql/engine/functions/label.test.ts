import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { labelsFrom, type Labels } from '../core/labels.js';
import { labelJoin, labelReplace } from './label.js';

const testmetric = labelsFrom({ __name__: 'testmetric', src: 'source-value-10', dst: 'original-destination-value' });
const withDst = (dst: string): Labels => labelsFrom({ __name__: 'testmetric', src: 'source-value-10', dst });

describe('labelReplace', () => {
  it('functions.test:477 replaces on a full match', () => {
    assert.deepEqual(
      labelReplace(testmetric, 'dst', 'destination-value-$1', 'src', 'source-value-(.*)'),
      withDst('destination-value-10'),
    );
  });

  it('functions.test:482 does not match a substring', () => {
    assert.equal(labelReplace(testmetric, 'dst', 'destination-value-$1', 'src', 'value-(.*)'), testmetric);
  });

  it('functions.test:487 expands several groups', () => {
    assert.deepEqual(
      labelReplace(testmetric, 'dst', '$1-value-$2', 'src', '(.*)-value-(.*)'),
      withDst('source-value-10'),
    );
  });

  it('functions.test:493-507 an absent source reads as ""; no match leaves the labels alone', () => {
    assert.equal(labelReplace(testmetric, 'dst', 'value-$1', 'nonexistent-src', 'source-value-(.*)'), testmetric);
    assert.deepEqual(labelReplace(testmetric, 'dst', 'value-$1', 'nonexistent-src', '(.*)'), withDst('value-'));
    assert.equal(labelReplace(testmetric, 'dst', 'value-$1', 'src', 'non-matching-regex'), testmetric);
  });

  it('functions.test:514 an empty result removes the label', () => {
    assert.deepEqual(
      labelReplace(testmetric, 'dst', '', 'dst', '.*'),
      labelsFrom({ __name__: 'testmetric', src: 'source-value-10' }),
    );
  });

  it('functions.test:2047 sets a label that was there', () => {
    const series = labelsFrom({ __name__: 'series', label: 'a', idx: '1' });
    assert.deepEqual(
      labelReplace(series, 'idx', 'replaced', 'idx', '.*'),
      labelsFrom({ __name__: 'series', label: 'a', idx: 'replaced' }),
    );
  });

  it('functions.test:519 and :523 fail on a bad regex or destination, with Prometheus’s messages', () => {
    assert.throws(() => labelReplace(testmetric, 'dst', 'value-$1', 'src', '(.*'), {
      message: 'invalid regular expression in label_replace(): (.*',
    });
    // "\xff" in a query is the invalid UTF-8 byte 0xff, which the parser keeps as the lone surrogate U+DCFF.
    assert.throws(() => labelReplace(testmetric, '\udcff', '', 'src', '(.*)'), {
      message: 'invalid destination label name in label_replace(): \udcff',
    });
    assert.throws(() => labelReplace(testmetric, '', '', 'src', '(.*)'), {
      message: 'invalid destination label name in label_replace(): ',
    });
  });

  it('accepts any UTF-8 destination name, as Prometheus 3 does', () => {
    assert.deepEqual(labelReplace([], 'ünïcödé.name', 'x', 'src', '.*'), labelsFrom({ 'ünïcödé.name': 'x' }));
  });

  describe("expands the replacement by Go's regexp.Expand rules", () => {
    const expand = (replacement: string, value = 'abc-123', regex = '(?P<word>[a-z]+)-(\\d+)(x)?'): string =>
      labelReplace(labelsFrom({ src: value }), 'dst', replacement, 'src', regex).find((l) => l.name === 'dst')?.value ??
      '';

    it('numbers, braces, names, the whole match', () => {
      assert.equal(expand('$2/$1'), '123/abc');
      assert.equal(expand('${2}x'), '123x');
      assert.equal(expand('$word ${word}'), 'abc abc');
      assert.equal(expand('[$0]'), '[abc-123]');
    });

    it('a name runs as long as letters, digits and _ go: $1x is the group named "1x"', () => {
      assert.equal(expand('$1x|$1_|$2é'), '||');
    });

    it('unknown, leading-zero and non-participating groups expand to nothing', () => {
      assert.equal(expand('<$9><$01><$3><$nope>'), '<><><><>');
    });

    it('$$ is a dollar; a $ without a well-formed name stays as it is', () => {
      assert.equal(expand('$$1'), '$1');
      assert.equal(expand('cost: $'), 'cost: $');
      assert.equal(expand('${1'), '${1');
      assert.equal(expand('$-$ $}'), '$-$ $}');
      assert.equal(expand('${}'), '${}');
    });

    it('does not give $& or $` their JavaScript meaning', () => {
      assert.equal(expand('$&$`'), '$&$`');
    });
  });
});

describe('labelJoin', () => {
  const metric = labelsFrom({
    __name__: 'testmetric',
    src: 'a',
    src1: 'b',
    src2: 'c',
    dst: 'original-destination-value',
  });
  const joined = (dst: string | undefined): Labels =>
    labelsFrom({ __name__: 'testmetric', src: 'a', src1: 'b', src2: 'c', ...(dst === undefined ? {} : { dst }) });

  it('functions.test:562 joins the sources in order', () => {
    assert.deepEqual(labelJoin(metric, 'dst', '-', ['src', 'src1', 'src2']), joined('a-b-c'));
  });

  it('functions.test:567 reads absent sources as ""', () => {
    assert.deepEqual(labelJoin(metric, 'dst', '-', ['src', 'src3', 'src1']), joined('a--b'));
  });

  it('functions.test:572 and :577 an empty result removes the destination', () => {
    assert.deepEqual(labelJoin(metric, 'dst', '', ['emptysrc', 'emptysrc1', 'emptysrc2']), joined(undefined));
    assert.deepEqual(labelJoin(metric, 'dst', ', ', []), joined(undefined));
  });

  it('functions.test:587 creates the destination', () => {
    const metric1 = labelsFrom({ src: 'foo', src1: 'bar', src2: 'foobar' });
    assert.deepEqual(
      labelJoin(metric1, 'dst', ', ', ['src', 'src1', 'src2']),
      labelsFrom({ src: 'foo', src1: 'bar', src2: 'foobar', dst: 'foo, bar, foobar' }),
    );
  });

  it('fails on an invalid source or destination name', () => {
    assert.throws(() => labelJoin(metric, 'dst', '-', ['src', '']), {
      message: 'invalid source label name in label_join(): ',
    });
    assert.throws(() => labelJoin(metric, '\udcc5', '-', ['src']), {
      message: 'invalid destination label name in label_join(): \udcc5',
    });
  });
});
