import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jsonNumber, jsonString, jsonValue } from './json.js';

describe('jsonString', () => {
  it('leaves plain text as it is', () => {
    assert.equal(jsonString('up'), '"up"');
    assert.equal(jsonString(''), '""');
  });

  it('escapes as Prometheus does: HTML-safe, \\b and \\f in \\u form, DEL and non-ASCII raw', () => {
    // Prometheus 2.42 answered this label value (<"&>, \b, \f, U+2028, x, DEL, \x01) with exactly this text.
    assert.equal(
      jsonString('<"&>\b\f\u2028x\u007f\u0001'),
      '"\\u003c\\"\\u0026\\u003e\\u0008\\u000c\\u2028x\u007f\\u0001"',
    );
    assert.equal(jsonString('\u2029\u0000\t\n\r\\é😀'), '"\\u2029\\u0000\\t\\n\\r\\\\é😀"');
  });

  it('writes a byte that was not UTF-8 (a lone surrogate) as \\ufffd, each one', () => {
    assert.equal(jsonString('a\udcff\udcfeb'), '"a\\ufffd\\ufffdb"');
    assert.equal(jsonString('\ud83d'), '"\\ufffd"');
    assert.equal(jsonString('😀\ud83d'), '"😀\\ufffd"');
  });
});

describe('jsonNumber', () => {
  it('writes Go float64 text', () => {
    assert.equal(jsonNumber(1.5), '1.5');
    assert.equal(jsonNumber(-0), '-0');
    assert.equal(jsonNumber(1e-7), '1e-7');
    assert.equal(jsonNumber(1e21), '1e+21');
    assert.equal(jsonNumber(300000), '300000');
  });

  it('refuses what JSON cannot hold', () => {
    assert.throws(() => jsonNumber(NaN), RangeError);
    assert.throws(() => jsonNumber(Infinity), RangeError);
  });
});

describe('jsonValue', () => {
  it('writes nested values with keys in their given order and without whitespace', () => {
    assert.equal(
      jsonValue({ b: [1, 'x<', true, null], a: { z: false }, skipped: undefined }),
      '{"b":[1,"x\\u003c",true,null],"a":{"z":false}}',
    );
    assert.equal(jsonValue(undefined), 'null');
    assert.equal(jsonValue([]), '[]');
  });

  it('refuses values JSON has no form for', () => {
    assert.throws(() => jsonValue(() => 1), TypeError);
    assert.throws(() => jsonValue(10n), TypeError);
  });
});
