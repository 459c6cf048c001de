import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Expr } from './ast.js';
import { PromQLError } from './errors.js';
import { parse, type ParseOptions } from './parse.js';
import { print } from './printer.js';
import { withoutPositions } from './testing/positions.js';
import { readScripts, type EvalCommand } from './testing/script.js';

const TESTDATA = join(fileURLToPath(new URL('.', import.meta.url)), '../../test/promql/testdata');

const scripts = readScripts(TESTDATA);
const evals: { file: string; cmd: EvalCommand }[] = scripts.flatMap((script) =>
  script.commands.flatMap((cmd) => (cmd.kind === 'eval' ? [{ file: script.name, cmd }] : [])),
);

/** Expected failures that parse and check cleanly: they can only fail when evaluated, as they do in Prometheus. */
const FAIL_AT_RUNTIME = [
  'aggregators.test:422 topk(NaN, non_existent)',
  'aggregators.test:481 count_values("a\\xc5z", version)',
  "collision.test:20 ceil({__name__=~'testmetric1|testmetric2'})",
  'functions.test:519 label_replace(testmetric, "dst", "value-$1", "src", "(.*")',
  'functions.test:523 label_replace(testmetric, "\\xff", "", "src", "(.*)")',
  'functions.test:527 label_replace(testmetric, "src", "", "", "")',
  'functions.test:591 label_join(dup, "label", "", "this")',
  "functions.test:1558 changes({__name__=~'testmetric1|testmetric2'}[5m])",
  'functions.test:2072 label_replace(overlap, "idx", "same", "idx", ".*")',
  'functions.test:2075 label_join(overlap, "idx", ",", "label", "label")',
  'histograms.test:1075 histogram_quantile(0.99, {__name__=~"request_duration_seconds\\\\d*_bucket"})',
  'histograms.test:1081 histogram_quantile(0.99, {__name__=~"request_duration_seconds\\\\d*"})',
  'name_label_dropping.test:84 sum by (__name__) (rate({env="1"}[10m]))',
  'operators.test:329 many_side > on(job) one_side',
  'operators.test:333 many_side >= on(job) one_side',
  'operators.test:337 many_side <= on(job) one_side',
  "operators.test:502 -{__name__=~'testmetric1|testmetric2'}",
  'operators.test:1006 -{job="api"}',
  'operators.test:1027 scalar_metric > on() dup_metric',
];

function tryParse(query: string, options: ParseOptions): Expr | PromQLError {
  try {
    return parse(query, options);
  } catch (error) {
    if (error instanceof PromQLError) return error;
    throw error;
  }
}

describe('the upstream PromQL test scripts', () => {
  it('hold the 13 stable files and their 1,244 evals', () => {
    assert.equal(scripts.length, 13);
    assert.equal(evals.length, 1244);
    assert.equal(evals.filter(({ cmd }) => cmd.mode === 'range').length, 174);
  });

  for (const [label, options, parsed] of [
    ['stable language', {}, 1141],
    ['experimental functions enabled', { enableExperimentalFunctions: true }, 1244],
  ] as const) {
    it(`parse ${parsed} evals with the ${label}, and print every one back to the same AST`, () => {
      let count = 0;
      for (const { file, cmd } of evals) {
        const expr = tryParse(cmd.expr, options);
        if (expr instanceof PromQLError) continue;
        count++;
        const printed = print(expr);
        const reparsed = tryParse(printed, options);
        const where = `${file}:${cmd.line} ${cmd.expr}\nprinted: ${printed}`;
        assert.ok(!(reparsed instanceof PromQLError), `${where}\n${String(reparsed)}`);
        assert.deepEqual(withoutPositions(reparsed), withoutPositions(expr), where);
      }
      assert.equal(count, parsed);
    });
  }

  it('reject in the parser or checker, or leave to the evaluator, every eval expected to fail', () => {
    const expectedToFail = evals.filter(({ cmd }) => cmd.expectations.some((e) => e.kind === 'fail'));
    assert.equal(expectedToFail.length, 25);
    const parsed = expectedToFail
      .filter(({ cmd }) => !(tryParse(cmd.expr, {}) instanceof PromQLError))
      .map(({ file, cmd }) => `${file}:${cmd.line} ${cmd.expr}`);
    assert.deepEqual(parsed, FAIL_AT_RUNTIME);
  });

  it('read the instant times, ranges and expectations of eval commands', () => {
    const first = evals.find(({ file, cmd }) => file === 'aggregators.test' && cmd.line === 422)?.cmd;
    assert.deepEqual(first?.expectations, [{ kind: 'fail', msg: 'Parameter value is NaN' }]);
    assert.equal(first?.at, 50 * 60_000);
    const ranged = evals.find(({ cmd }) => cmd.mode === 'range')?.cmd;
    assert.ok(ranged?.start !== undefined && ranged.end !== undefined && ranged.step !== undefined);
    const strings = evals.filter(({ cmd }) => cmd.expectString !== undefined).map(({ cmd }) => cmd.expectString);
    assert.deepEqual(strings, ['Foo', 'Foo', ' Foo ', '', '']);
  });
});
