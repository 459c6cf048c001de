import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  escapeRegex,
  formatScope,
  MAX_SCOPE_LENGTH,
  parseScope,
  readStoredScope,
  ScopeSyntaxError,
  scopeMatchers,
} from './scope.js';

function syntaxError(expression: string, message: string, position: number): void {
  assert.throws(
    () => parseScope(expression),
    (error: unknown) => {
      assert.ok(error instanceof ScopeSyntaxError, String(error));
      assert.equal(error.message, `filter: ${message}`);
      assert.equal(error.position, position);
      return true;
    },
  );
}

describe('parseScope', () => {
  it('reads null, empty and blank as everywhere', () => {
    assert.deepEqual(parseScope(null), []);
    assert.deepEqual(parseScope(undefined), []);
    assert.deepEqual(parseScope(''), []);
    assert.deepEqual(parseScope('   \n'), []);
  });

  it('parses every operator, joined by and', () => {
    assert.deepEqual(
      parseScope(
        'kubernetes.namespace.name = "prod" and host.hostName != \'h1\' and agent.tag.env in ("a", "b") and ' +
          'job not in ("x") and container.image contains "nginx" and container.name does not contain "tmp" and ' +
          'kubernetes.pod.name starts with "api-"',
      ),
      [
        { label: 'kubernetes.namespace.name', op: '=', values: ['prod'] },
        { label: 'host.hostName', op: '!=', values: ['h1'] },
        { label: 'agent.tag.env', op: 'in', values: ['a', 'b'] },
        { label: 'job', op: 'not in', values: ['x'] },
        { label: 'container.image', op: 'contains', values: ['nginx'] },
        { label: 'container.name', op: 'not contains', values: ['tmp'] },
        { label: 'kubernetes.pod.name', op: 'starts with', values: ['api-'] },
      ],
    );
  });

  it('takes keywords in any case, any spacing, == for =, and escaped quotes in values', () => {
    assert.deepEqual(
      parseScope(
        `job=="node"AND instance NOT IN('a','b\\'c')  And  path Does Not Contain "x\\"y\\\\" aNd n STARTS WITH 'p'`,
      ),
      [
        { label: 'job', op: '=', values: ['node'] },
        { label: 'instance', op: 'not in', values: ['a', "b'c"] },
        { label: 'path', op: 'not contains', values: ['x"y\\'] },
        { label: 'n', op: 'starts with', values: ['p'] },
      ],
    );
  });

  it('keeps values verbatim, spaces and regex characters included', () => {
    assert.deepEqual(parseScope('a = " a.b*(c) "'), [{ label: 'a', op: '=', values: [' a.b*(c) '] }]);
    assert.deepEqual(parseScope('a = ""'), [{ label: 'a', op: '=', values: [''] }]);
  });

  it('refuses "or", naming it and its position', () => {
    syntaxError(
      'kubernetes.namespace.name = "prod" or job = "x"',
      'unexpected "or" at 36: only "and" joins conditions',
      36,
    );
    syntaxError('a = "x" OR b = "y"', 'unexpected "OR" at 9: only "and" joins conditions', 9);
  });

  it('refuses a missing or unknown operator', () => {
    syntaxError(
      'job "x"',
      'unexpected "x" at 5: expected an operator (=, !=, in, not in, contains, does not contain, starts with)',
      5,
    );
    syntaxError(
      'job like "x"',
      'unexpected "like" at 5: expected an operator (=, !=, in, not in, contains, does not contain, starts with)',
      5,
    );
    syntaxError('job starts "x"', 'unexpected "x" at 12: expected "with" after "starts" at 5', 12);
    syntaxError('job not "x"', 'unexpected "x" at 9: expected "in" after "not" at 5', 9);
    syntaxError('job does contain "x"', 'unexpected "contain" at 10: expected "not" after "does" at 5', 10);
    syntaxError('job < "x"', 'unexpected "<" at 5', 5);
  });

  it('refuses unquoted, missing and unterminated values', () => {
    syntaxError('job = node', 'unexpected "node" at 7: expected a quoted value after "="', 7);
    syntaxError('job =', 'unexpected end of the expression at 6: expected a quoted value after "="', 6);
    syntaxError('job = "node', 'unterminated string starting at 7', 7);
    syntaxError("job contains 'x", 'unterminated string starting at 14', 14);
  });

  it('refuses malformed lists', () => {
    syntaxError('job in "a"', 'unexpected "a" at 8: expected "(" after "in"', 8);
    syntaxError('job in ()', 'unexpected ")" at 9: expected a quoted value after "in"', 9);
    syntaxError('job in ("a" "b")', 'unexpected "b" at 13: expected "," or ")"', 13);
    syntaxError(
      'job not in ("a",',
      'unexpected end of the expression at 17: expected a quoted value after "not in"',
      17,
    );
    const many = `job in (${Array.from({ length: 101 }, (_, i) => `"v${i}"`).join(',')})`;
    assert.throws(() => parseScope(many), /filter: more than 100 values in one list/);
  });

  it('refuses bad label names and dangling conjunctions', () => {
    syntaxError('= "x"', 'unexpected "=" at 1: expected a label name, e.g. kubernetes.namespace.name', 1);
    syntaxError('9job = "x"', '"9job" at 1 is not a label name: it must start with a letter or "_"', 1);
    syntaxError('and = "x"', 'unexpected "and" at 1: expected a label name, e.g. kubernetes.namespace.name', 1);
    syntaxError(
      'job = "x" and',
      'unexpected end of the expression at 14: expected a label name, e.g. kubernetes.namespace.name',
      14,
    );
    syntaxError('job = "x" job = "y"', 'unexpected "job" at 11: expected "and" or the end of the expression', 11);
    syntaxError('host-name = "x"', 'unexpected "-" at 5', 5);
  });

  it('refuses expressions too long or with too many conditions', () => {
    syntaxError(
      `a = "${'x'.repeat(MAX_SCOPE_LENGTH)}"`,
      `the expression is longer than ${MAX_SCOPE_LENGTH} characters`,
      4097,
    );
    const conditions = Array.from({ length: 51 }, (_, i) => `l${i} = "v"`).join(' and ');
    assert.throws(() => parseScope(conditions), /filter: more than 50 conditions/);
  });

  it('shortens a long offending token in the message', () => {
    syntaxError(
      `job = "x" ${'y'.repeat(60)}`,
      `unexpected "${'y'.repeat(40)}…" at 11: expected "and" or the end of the expression`,
      11,
    );
  });
});

describe('scopeMatchers', () => {
  it('turns each condition into a Prometheus matcher, dots in labels becoming underscores', () => {
    assert.deepEqual(
      scopeMatchers(
        parseScope(
          'kubernetes.namespace.name = "prod" and host.hostName != "h.1" and agent.tag.env in ("a.b", "c|d") and ' +
            'job not in ("x", "y") and container.image contains "ng+inx" and container.name does not contain "t(m)p" ' +
            'and kubernetes.pod.name starts with "api-v1."',
        ),
      ),
      [
        { name: 'kubernetes_namespace_name', type: '=', value: 'prod' },
        { name: 'host_hostName', type: '!=', value: 'h.1' },
        { name: 'agent_tag_env', type: '=~', value: 'a\\.b|c\\|d' },
        { name: 'job', type: '!~', value: 'x|y' },
        { name: 'container_image', type: '=~', value: '.*ng\\+inx.*' },
        { name: 'container_name', type: '!~', value: '.*t\\(m\\)p.*' },
        { name: 'kubernetes_pod_name', type: '=~', value: 'api-v1\\..*' },
      ],
    );
  });

  it('gives no matcher for an empty scope (everywhere)', () => {
    assert.deepEqual(scopeMatchers(parseScope('')), []);
  });

  it('escapes every regex metacharacter', () => {
    assert.equal(escapeRegex('\\.+*?()|[]{}^$a-b'), '\\\\\\.\\+\\*\\?\\(\\)\\|\\[\\]\\{\\}\\^\\$a-b');
    const pattern = new RegExp(`^(?:${escapeRegex('a.b*(c)[d]{1}|^$\\')})$`);
    assert.ok(pattern.test('a.b*(c)[d]{1}|^$\\'));
    assert.ok(!pattern.test('aXb*(c)[d]{1}|^$\\'));
  });
});

describe('formatScope and readStoredScope', () => {
  it('round-trips a scope through its canonical expression and its stored JSON', () => {
    const scope = parseScope(`a = 'x"y' and b in ("1","2") and c does not contain "z" and d starts with "p"`);
    const text = formatScope(scope);
    assert.equal(text, 'a = "x\\"y" and b in ("1", "2") and c does not contain "z" and d starts with "p"');
    assert.deepEqual(parseScope(text), scope);
    assert.deepEqual(readStoredScope(JSON.stringify(scope)), scope);
  });

  it('refuses a stored scope it cannot read whole, rather than widen it by dropping a condition', () => {
    assert.deepEqual(readStoredScope('[]'), []);
    for (const json of [
      '{}',
      '[{"label":"a","op":"=","values":["x"]},{"label":"b","op":"~","values":["x"]}]',
      '[null]',
    ]) {
      assert.throws(() => readStoredScope(json), /a stored team scope is not a list of scope conditions/, json);
    }
  });
});
