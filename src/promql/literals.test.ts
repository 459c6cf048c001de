import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decodeUtf8,
  formatDuration,
  formatNumber,
  isValidUtf8,
  parseDuration,
  parseNumber,
  quoteString,
  unquoteString,
} from './literals.js';

describe('parseNumber', () => {
  it('reads decimals, exponents, hex, leading-zero octal, separators, Inf and NaN as Go does', () => {
    assert.equal(parseNumber('12.34e6'), 12340000);
    assert.equal(parseNumber('12.34e+6'), 12340000);
    assert.equal(parseNumber('12.34e-6'), 0.00001234);
    assert.equal(parseNumber('.2'), 0.2);
    assert.equal(parseNumber('2.'), 2);
    assert.equal(parseNumber('0x1F'), 31);
    assert.equal(parseNumber('0XfF'), 255);
    assert.equal(parseNumber('010'), 8);
    assert.equal(parseNumber('09'), 9);
    assert.equal(parseNumber('1_000'), 1000);
    assert.equal(parseNumber('Inf'), Infinity);
    assert.equal(parseNumber('inF'), Infinity);
    assert.ok(Number.isNaN(parseNumber('nAn')));
  });

  it('refuses what is not a number', () => {
    assert.equal(parseNumber('1e'), null);
    assert.equal(parseNumber('0x'), null);
    assert.equal(parseNumber('infinity'), null);
  });
});

describe('parseDuration / formatDuration', () => {
  it('reads unit sequences in descending order, and bare 0', () => {
    assert.equal(parseDuration('5m'), 300_000);
    assert.equal(parseDuration('1h30m'), 5_400_000);
    assert.equal(parseDuration('1y'), 365 * 86_400_000);
    assert.equal(parseDuration('2w'), 14 * 86_400_000);
    assert.equal(parseDuration('1s500ms'), 1500);
    assert.equal(parseDuration('0'), 0);
    assert.equal(parseDuration('30m1h'), null);
    assert.equal(parseDuration('5'), null);
    assert.equal(parseDuration(''), null);
  });

  it('writes the canonical form, years and weeks only when exact', () => {
    assert.equal(formatDuration(0), '0s');
    assert.equal(formatDuration(5_400_000), '1h30m');
    assert.equal(formatDuration(90 * 86_400_000), '90d');
    assert.equal(formatDuration(14 * 86_400_000), '2w');
    assert.equal(formatDuration(365 * 86_400_000), '1y');
    assert.equal(formatDuration(1500), '1s500ms');
    assert.equal(formatDuration(-60_000), '-1m');
  });
});

describe('formatNumber', () => {
  it('writes shortest digits without exponent, and +Inf/-Inf/NaN', () => {
    assert.equal(formatNumber(2), '2');
    assert.equal(formatNumber(-0.2e-6), '-0.0000002');
    assert.equal(formatNumber(1e21), '1000000000000000000000');
    assert.equal(formatNumber(1.5e-7), '0.00000015');
    assert.equal(formatNumber(Infinity), '+Inf');
    assert.equal(formatNumber(-Infinity), '-Inf');
    assert.equal(formatNumber(NaN), 'NaN');
    assert.equal(formatNumber(-0), '-0');
  });
});

describe('unquoteString / quoteString', () => {
  it('reads Go escapes in double and single quotes', () => {
    assert.equal(unquoteString('"a\\tb\\n\\"c\\\\"'), 'a\tb\n"c\\');
    assert.equal(unquoteString("'it\\'s'"), "it's");
    assert.equal(unquoteString('"\\x41\\101\\u00e9\\U0001F600"'), 'AAé😀');
    assert.equal(unquoteString('"\\xc3\\xa9"'), 'é');
    assert.equal(unquoteString('"\\a\\b\\f\\r\\v"'), '\x07\b\f\r\v');
  });

  it('reads raw strings without escapes', () => {
    assert.equal(unquoteString('`a\\nb`'), 'a\\nb');
  });

  it('keeps invalid UTF-8 bytes recognisable and prints them back as \\x escapes', () => {
    const value = unquoteString('"a\\xc5z"');
    assert.equal(isValidUtf8(value), false);
    assert.equal(quoteString(value), '"a\\xc5z"');
    assert.equal(isValidUtf8('aé😀'), true);
    assert.equal(decodeUtf8([0xff]), '\udcff');
  });

  it('refuses bad escapes with the lexer messages', () => {
    assert.throws(() => unquoteString('"\\q"'), { message: "unknown escape sequence U+0071 'q'" });
    assert.throws(() => unquoteString('"\\\'"'), { message: "unknown escape sequence U+0027 '''" });
    assert.throws(() => unquoteString('"\\xZZ"'), { message: "illegal character U+005A 'Z' in escape sequence" });
    assert.throws(() => unquoteString('"\\ud800"'), { message: 'escape sequence is an invalid Unicode code point' });
    assert.throws(() => unquoteString('"abc'), { message: 'unterminated quoted string' });
  });

  it('quotes as strconv.Quote does', () => {
    assert.equal(quoteString('a"b\\c\n'), '"a\\"b\\\\c\\n"');
    assert.equal(quoteString('é\x01'), '"é\\x01"');
  });
});
