import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileLabelRegex } from './regex.js';

describe('compileLabelRegex', () => {
  const matches = (pattern: string, value: string): boolean => compileLabelRegex(pattern).test(value);

  it('anchors at both ends and lets . match newlines', () => {
    assert.equal(matches('foo|bar', 'bar'), true);
    assert.equal(matches('foo', 'foobar'), false);
    assert.equal(matches('.*', 'a\nb'), true);
  });

  it('translates RE2-only syntax: inline flags, named groups, POSIX classes, \\Q…\\E, lone braces', () => {
    assert.equal(matches('(?i:PRO).*', 'production'), true);
    assert.equal(matches('.*((?i)DUC).*', 'proDuCtion'), true);
    assert.equal(matches('(?i)[a-c]+', 'ABC'), true);
    assert.equal(matches('abc', 'ABC'), false);
    assert.equal(matches('(?P<x>a)b', 'ab'), true);
    assert.equal(matches('[[:alpha:]]+', 'abc'), true);
    assert.equal(matches('\\Qa.b\\E', 'axb'), false);
    assert.equal(matches('a{', 'a{'), true);
    assert.equal(matches('a\\-b', 'a-b'), true);
    assert.equal(matches('\\pL+', 'é'), true);
  });

  it('reports a bad pattern as Prometheus does, with the pattern quoted', () => {
    assert.throws(() => compileLabelRegex('(.*'), { message: 'error parsing regexp: missing closing ): `(.*`' });
  });
});
