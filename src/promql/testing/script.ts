import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StringSyntaxError, parseDuration, unquoteString } from '../literals.js';

/**
 * A reader for Prometheus's PromQL test scripts (`promql/promqltest/testdata/*.test`): the commands in order, with
 * each `eval`'s query, times, expectations and the raw lines of its expected result. Series lines are kept as text;
 * expanding their notation belongs to the harness that loads them into storage. Times are milliseconds from the Unix
 * epoch, where upstream's test storage starts.
 */

type ExpectKind = 'fail' | 'warn' | 'no_warn' | 'info' | 'no_info' | 'ordered';

export interface Expectation {
  readonly kind: ExpectKind;
  /** `msg:` — the message must be exactly this. */
  readonly msg?: string;
  /** `regex:` — the message must match this (RE2 syntax). */
  readonly regex?: string;
}

export interface LoadCommand {
  readonly kind: 'load';
  readonly line: number;
  readonly interval: number;
  /** `load_with_nhcb`: classic histograms are also loaded as custom-bucket native histograms. */
  readonly withNhcb: boolean;
  /** `<series> <values>` lines, trimmed. */
  readonly series: readonly string[];
}

interface ClearCommand {
  readonly kind: 'clear';
  readonly line: number;
}

export interface EvalCommand {
  readonly kind: 'eval';
  readonly line: number;
  readonly mode: 'instant' | 'range';
  readonly expr: string;
  /** Instant queries: the evaluation time. */
  readonly at?: number;
  /** Range queries, and instant queries with `expect range vector`: the range. */
  readonly start?: number;
  readonly end?: number;
  readonly step?: number;
  readonly expectations: readonly Expectation[];
  /** `expect range vector from … to … step …`: the instant query is run as a range query instead. */
  readonly expectRangeVector: boolean;
  /** `expect string "…"`: the query returns this string. */
  readonly expectString?: string;
  /** The expected result: `<series> <value(s)>` lines, trimmed. */
  readonly results: readonly string[];
}

export type ScriptCommand = LoadCommand | ClearCommand | EvalCommand;

export interface Script {
  readonly name: string;
  readonly commands: readonly ScriptCommand[];
}

const EVAL_INSTANT = /^eval(?:_(fail|warn|ordered|info))?\s+instant\s+(?:at\s+(.+?))?\s+(.+)$/;
const EVAL_RANGE = /^eval(?:_(fail|warn|info))?\s+range\s+from\s+(.+)\s+to\s+(.+)\s+step\s+(.+?)\s+(.+)$/;
const EXPECT = /^expect\s+(ordered|fail|warn|no_warn|info|no_info)(?:\s+(regex|msg):(.+))?$/;
const EXPECT_RANGE = /^expect range vector\s+from\s+(.+)\s+to\s+(.+)\s+step\s+(.+)$/;
const LOAD = /^load(?:_(with_nhcb))?\s+(.+?)$/;

/** Thrown for a script this reader cannot follow, with its line number. */
class ScriptError extends Error {}

function time(text: string, line: number): number {
  const ms = parseDuration(text.trim());
  if (ms === null) throw new ScriptError(`line ${line}: invalid duration ${JSON.stringify(text)}`);
  return ms;
}

/** Lines trimmed, comment lines blanked, as upstream reads them. */
function scriptLines(text: string): string[] {
  return text.split('\n').map((raw) => {
    const line = raw.trim();
    return line.startsWith('#') ? '' : line;
  });
}

/** Parses one test script into its commands. */
export function parseScript(text: string): ScriptCommand[] {
  const lines = scriptLines(text);
  const commands: ScriptCommand[] = [];
  let i = 0;
  const block = (): string[] => {
    const out: string[] = [];
    while (i + 1 < lines.length && lines[i + 1] !== '') out.push(lines[++i] ?? '');
    return out;
  };
  for (; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line === '') continue;
    const number = i + 1;
    const word = (line.split(/[\t ]+/, 1)[0] ?? '').toLowerCase();
    if (word === 'clear') {
      commands.push({ kind: 'clear', line: number });
    } else if (word.startsWith('load')) {
      const load = LOAD.exec(line);
      if (!load) throw new ScriptError(`line ${number}: invalid load command`);
      const interval = time(load[2] ?? '', number);
      commands.push({ kind: 'load', line: number, interval, withNhcb: load[1] !== undefined, series: block() });
    } else if (word.startsWith('eval')) {
      commands.push(parseEval(line, number, block()));
    } else {
      throw new ScriptError(`line ${number}: unknown command ${JSON.stringify(word)}`);
    }
  }
  return commands;
}

function parseEval(line: string, number: number, body: readonly string[]): EvalCommand {
  const instant = EVAL_INSTANT.exec(line);
  const ranged = instant ? null : EVAL_RANGE.exec(line);
  if (!instant && !ranged) throw new ScriptError(`line ${number}: invalid eval command`);
  const modifier = instant ? instant[1] : ranged?.[1];
  const expectations: Expectation[] = modifier ? [{ kind: modifier as ExpectKind }] : [];
  const results: string[] = [];
  let expectString: string | undefined;
  let rangeOfInstant: { start: number; end: number; step: number } | undefined;
  for (const entry of body) {
    const expect = EXPECT.exec(entry);
    const expectRange = EXPECT_RANGE.exec(entry);
    if (entry.startsWith('expected_fail_message')) {
      expectations.push({ kind: 'fail', msg: entry.slice('expected_fail_message'.length).trim() });
    } else if (entry.startsWith('expected_fail_regexp')) {
      expectations.push({ kind: 'fail', regex: entry.slice('expected_fail_regexp'.length).trim() });
    } else if (expectRange) {
      const [, from = '', to = '', step = ''] = expectRange;
      rangeOfInstant = { start: time(from, number), end: time(to, number), step: time(step, number) };
    } else if (entry.startsWith('expect string')) {
      try {
        expectString = unquoteString(entry.slice('expect string'.length).trim());
      } catch (error) {
        if (error instanceof StringSyntaxError) throw new ScriptError(`line ${number}: ${error.message}`);
        throw error;
      }
    } else if (expect) {
      const [, kind = '', how, value = ''] = expect;
      const expectation: Expectation =
        how === 'msg'
          ? { kind: kind as ExpectKind, msg: value.trim() }
          : how === 'regex'
            ? { kind: kind as ExpectKind, regex: value.trim() }
            : { kind: kind as ExpectKind };
      expectations.push(expectation);
    } else {
      results.push(entry);
    }
  }
  const common = { kind: 'eval' as const, line: number, expectations, expectString, results };
  if (instant) {
    const [, , at = '0', expr = ''] = instant;
    return {
      ...common,
      mode: 'instant',
      expr,
      at: rangeOfInstant ? rangeOfInstant.end : time(at, number),
      ...(rangeOfInstant ?? {}),
      expectRangeVector: rangeOfInstant !== undefined,
    };
  }
  const [, , from = '', to = '', step = '', expr = ''] = ranged ?? [];
  return {
    ...common,
    mode: 'range',
    expr,
    start: time(from, number),
    end: time(to, number),
    step: time(step, number),
    expectRangeVector: false,
  };
}

/** Every `*.test` file of a directory, parsed, in name order. */
export function readScripts(dir: string): Script[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.test'))
    .sort()
    .map((name) => ({ name, commands: parseScript(readFileSync(join(dir, name), 'utf8')) }));
}
