import { parser } from '@prometheus-io/lezer-promql';
import { PromQLError } from './errors.js';
import { AGGREGATORS, OPERATOR_WORDS } from './tokens.js';

export type Tree = ReturnType<typeof parser.parse>;
export type SyntaxNode = Tree['topNode'];

const KEYWORDS: ReadonlySet<string> = new Set([
  'bool',
  'ignoring',
  'on',
  'group_left',
  'group_right',
  'offset',
  'by',
  'without',
  'and',
  'or',
  'unless',
  'atan2',
]);

/** Keywords after which a parenthesis holds label names (where any word is a name). */
const GROUPING: ReadonlySet<string> = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);

const OPERATORS = ['==', '!=', '>=', '<=', '=~', '!~', '+', '-', '*', '/', '%', '^', '>', '<', '=', '@'];

/** Calls `visit(index)` for every character of `query` outside strings and comments. */
function scanCode(query: string, visit: (index: number) => void): void {
  let i = 0;
  while (i < query.length) {
    const ch = query[i];
    if (ch === '#') {
      while (i < query.length && query[i] !== '\n') i++;
    } else if (ch === '"' || ch === "'" || ch === '`') {
      i++;
      while (i < query.length && query[i] !== ch && !(ch !== '`' && query[i] === '\n')) {
        i += ch !== '`' && query[i] === '\\' ? 2 : 1;
      }
      i++;
    } else {
      visit(i);
      i++;
    }
  }
}

/**
 * Functions newer than lezer-promql's grammar (Prometheus 3.14's experimental `min_of` and `max_of`), which it reads
 * as errors: they are shown to lezer as a function it knows whose name has the same length (`absent`), so the tree
 * and every offset stay right. The AST reads the name from the query itself, and the function table checks it.
 */
function maskNewFunctions(query: string): string {
  return query.replace(/\b(?:min_of|max_of)(?=\s*\()/g, 'absent');
}

/**
 * lezer's number token stops before a trailing dot (`2.`), which Go's number syntax allows. The dot is replaced by a
 * space of the same length, so the grammar sees `2 ` and every offset stays the same.
 */
function maskTrailingDots(query: string): string {
  const dots: number[] = [];
  scanCode(query, (i) => {
    if (query[i] !== '.') return;
    let start = i;
    while (start > 0 && /[0-9_]/.test(query[start - 1] ?? '')) start--;
    if (start === i || /[A-Za-z0-9_:.]/.test(query[start - 1] ?? '')) return;
    if (/[0-9A-Za-z_.]/.test(query[i + 1] ?? '')) return;
    dots.push(i);
  });
  let out = query;
  for (const i of dots) out = `${out.slice(0, i)} ${out.slice(i + 1)}`;
  return out;
}

/**
 * Comments (`#` to the end of the line) are blanked out with spaces of the same length: Prometheus's lexer skips them
 * anywhere, while lezer's grammar refuses one before the expression. Offsets stay the same.
 */
function maskComments(query: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < query.length; i++) {
    const ch = query[i];
    if (ch === '"' || ch === "'" || ch === '`') {
      i++;
      while (i < query.length && query[i] !== ch && !(ch !== '`' && query[i] === '\n')) {
        i += ch !== '`' && query[i] === '\\' ? 1 : 0;
        i++;
      }
    } else if (ch === '#') {
      let end = i;
      while (end < query.length && query[end] !== '\n') end++;
      out += query.slice(from, i) + ' '.repeat(end - i);
      from = end;
      i = end - 1;
    }
  }
  return out + query.slice(from);
}

/** Prometheus's lexer rejects unbalanced brackets before the grammar sees them; these are its messages. */
function checkBrackets(query: string): void {
  const open: { ch: string; at: number }[] = [];
  const pairs: Readonly<Record<string, string>> = { ')': '(', ']': '[', '}': '{' };
  const names: Readonly<Record<string, string>> = { '(': 'parenthesis', '[': 'bracket', '{': 'brace' };
  let failure: PromQLError | null = null;
  scanCode(query, (i) => {
    if (failure) return;
    const ch = query[i] ?? '';
    if (ch === '(' || ch === '[' || ch === '{') open.push({ ch, at: i });
    const want = pairs[ch];
    if (want === undefined) return;
    const top = open.pop();
    if (top?.ch !== want) {
      const name = names[want] ?? '';
      failure = new PromQLError(`unexpected right ${name} '${ch}'`, { start: i, end: i + 1 }, query);
    }
  });
  if (failure) throw failure;
  const unclosed = open[0];
  if (unclosed) {
    const name = names[unclosed.ch] ?? '';
    throw new PromQLError(`unclosed left ${name}`, { start: query.length, end: query.length }, query);
  }
}

/**
 * `atan2` is always an operator to Prometheus's lexer (it is no metric name, unlike `and`, `sum` or `offset`), so
 * anywhere but between two operands it is `unexpected <op:atan2>` at its own position. lezer takes it for a metric
 * name there, and would report the next token instead. Inside braces and grouping lists words are label names.
 */
function checkOperatorWords(query: string): void {
  const open: number[] = [];
  let braces = 0;
  let failure: PromQLError | null = null;
  scanCode(query, (i) => {
    if (failure) return;
    const ch = query[i] ?? '';
    if (ch === '{') braces++;
    else if (ch === '}') braces--;
    else if (ch === '(') open.push(i);
    else if (ch === ')') open.pop();
    if (braces > 0 || !/[aA]/.test(ch) || /[A-Za-z0-9_:]/.test(query[i - 1] ?? '')) return;
    const word = /^[A-Za-z_:][A-Za-z0-9_:]*/.exec(query.slice(i, i + 32))?.[0] ?? '';
    if (word.toLowerCase() !== 'atan2') return;
    const paren = open.at(-1);
    if (paren !== undefined) {
      const before = /([A-Za-z_]+)\s*$/.exec(query.slice(0, paren))?.[1]?.toLowerCase();
      if (before !== undefined && GROUPING.has(before)) return;
    }
    const previous = /(\S)\s*$/.exec(query.slice(0, i))?.[1];
    if (previous !== undefined && /[A-Za-z0-9_:)\]}]/.test(previous)) return;
    failure = new PromQLError(`unexpected <op:${word}>`, { start: i, end: i + word.length }, query);
  });
  if (failure) throw failure;
}

/** The token at `at`, described as Prometheus's parser describes an unexpected item. */
function describeToken(query: string, at: number): string {
  const rest = query.slice(at);
  if (rest.trim() === '') return 'end of input';
  const word = /^[A-Za-z_:][A-Za-z0-9_:]*/.exec(rest)?.[0];
  if (word) {
    const lower = word.toLowerCase();
    if (OPERATOR_WORDS.has(lower)) return `<op:${word}>`;
    if (KEYWORDS.has(lower)) return `<${word}>`;
    if (AGGREGATORS.has(lower)) return `<aggr:${word}>`;
    return `identifier "${word}"`;
  }
  const duration = /^\d+(?:ms|[ywdhms])(?:\d+(?:ms|[ywdhms]))*/.exec(rest)?.[0];
  if (duration) return `duration "${duration}"`;
  const number = /^(?:0x[0-9a-fA-F]+|\d*\.?\d+(?:[eE][+-]?\d+)?)/.exec(rest)?.[0];
  if (number) return `number "${number}"`;
  if (/^["'`]/.test(rest)) return 'string';
  const op = OPERATORS.find((o) => rest.startsWith(o));
  if (op) return op === '=' || op === '@' ? `"${op}"` : `<op:${op}>`;
  return JSON.stringify(String.fromCodePoint(rest.codePointAt(0) ?? 0));
}

const CONTEXTS: Readonly<Record<string, string>> = {
  AggregateExpr: 'aggregation',
  AggregateModifier: 'grouping opts',
  GroupingLabels: 'grouping opts',
  LabelMatchers: 'label matching',
  UnquotedLabelMatcher: 'label matching',
  QuotedLabelMatcher: 'label matching',
  OffsetExpr: 'offset',
  StepInvariantExpr: '@',
  MatrixSelector: 'subquery or range',
  SubqueryExpr: 'subquery selector',
};

function firstError(tree: Tree): SyntaxNode | null {
  let found: SyntaxNode | null = null;
  tree.iterate({
    enter: (ref) => {
      if (found) return false;
      if (ref.type.isError) {
        found = ref.node;
        return false;
      }
      return undefined;
    },
  });
  return found;
}

/**
 * Parses `query` with lezer and turns its first error node, if any, into a {@link PromQLError}. lezer recovers from
 * every error; Prometheus stops at the first one, and so does vigil.
 */
export function parseTree(query: string): Tree {
  if (query.trim() === '' || query.replace(/#[^\n]*/g, '').trim() === '') {
    throw new PromQLError('no expression found in input', { start: 0, end: 0 }, query);
  }
  checkBrackets(query);
  checkOperatorWords(query);
  const tree = parser.parse(maskComments(maskNewFunctions(maskTrailingDots(query))));
  const error = firstError(tree);
  if (!error) return tree;
  let at = error.from;
  while (at < query.length && /\s/.test(query[at] ?? '')) at++;
  const before = /([A-Za-z_:][A-Za-z0-9_:]*)\s*$/.exec(query.slice(0, at));
  if (query[at] === '(' && before?.[1] && !KEYWORDS.has(before[1].toLowerCase())) {
    const start = at - before[0].length;
    return fail(`unknown function with name "${before[1]}"`, start, start + before[1].length, query);
  }
  const context = error.parent ? CONTEXTS[error.parent.name] : undefined;
  const detail = `unexpected ${describeToken(query, at)}${context ? ` in ${context}` : ''}`;
  return fail(detail, Math.min(at, query.length), Math.max(error.to, at), query);
}

function fail(detail: string, start: number, end: number, query: string): never {
  throw new PromQLError(detail, { start, end }, query);
}
