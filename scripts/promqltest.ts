import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createTestEngine, runScript } from '../src/promql/testing/harness.js';
import { readScripts } from '../src/promql/testing/script.js';

/**
 * `npm run promqltest`: runs Prometheus's PromQL test scripts (test/promql/testdata) against vigil's engine and
 * prints the pass counts per file. `--verbose` lists each failing eval with its reason; `--file <name>` runs one
 * script. The exit code is 0 however many evals fail, so that the numbers can be tracked; it is 1 only when the
 * harness itself breaks.
 */

const TESTDATA = join(import.meta.dirname, '..', 'test', 'promql', 'testdata');

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { verbose: { type: 'boolean', short: 'v' }, file: { type: 'string' } },
  });
  const wanted = values.file?.replace(/\.test$/, '');
  const scripts = readScripts(TESTDATA).filter((s) => wanted === undefined || s.name === `${wanted}.test`);
  if (scripts.length === 0) throw new Error(`no test script named ${values.file ?? ''}`);
  let passed = 0;
  let failed = 0;
  for (const script of scripts) {
    const outcomes = await runScript(script, createTestEngine);
    const failures = outcomes.filter((o) => !o.passed);
    passed += outcomes.length - failures.length;
    failed += failures.length;
    console.log(`${script.name}: ${outcomes.length - failures.length} passed, ${failures.length} failed`);
    if (values.verbose) {
      for (const failure of failures)
        console.log(`${script.name}:${failure.line} ${failure.expr} — ${failure.reason ?? ''}`);
    }
  }
  const total = passed + failed;
  const percent = total === 0 ? 100 : (100 * passed) / total;
  console.log(`total: ${passed} passed, ${failed} failed (${percent.toFixed(1)}%)`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
