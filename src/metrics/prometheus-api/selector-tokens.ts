import { quoteString } from '../../promql/literals.js';
import { AGGREGATORS, OPERATOR_WORDS } from '../../promql/tokens.js';

/**
 * How Prometheus's parser names the token it did not expect (`unexpected <op:+>`, `unexpected identifier "x"`,
 * `unexpected "["`), and the errors its lexer raises on its own (`unexpected character: '$'`), for the text that
 * follows a metric selector in a `match[]` parameter. Only what can appear outside braces is covered here.
 */

const KEYWORDS = new Set([
  'offset',
  'smoothed',
  'anchored',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
]);
const FILL_KEYWORDS = new Set(['fill', 'fill_left', 'fill_right']);
const PREPROCESSORS = new Set(['start', 'end', 'step', 'range', 'max_of', 'min_of']);
/** Keywords the grammar does not take as a metric name (`metric_identifier` lists all the others). */
const NOT_METRIC_NAMES = new Set(['bool', 'on', 'ignoring', 'group_left', 'group_right', 'atan2', 'inf', 'nan']);

/** A lexer or parser error at an offset of the input; the caller turns it into `line:col: parse error: …`. */
export class SelectorSyntaxError extends Error {
  constructor(
    message: string,
    readonly at: number,
  ) {
    super(message);
    this.name = 'SelectorSyntaxError';
  }
}

/** Go's `%q` of one character, as the lexer's errors quote it. */
export function quoteRune(ch: string): string {
  if (ch === "'") return "'\\''";
  if (ch === '\\') return "'\\\\'";
  const code = ch.codePointAt(0) ?? 0;
  if (code < 0x20 || code === 0x7f) return `'\\x${code.toString(16).padStart(2, '0')}'`;
  return `'${ch}'`;
}

/** Go's `%q` of a token's text, or `%.10q...` (its first ten characters) for a long one. */
export function quoteToken(text: string, truncate: boolean): string {
  const chars = [...text];
  if (truncate && chars.length > 10) return `${quoteString(chars.slice(0, 10).join(''))}...`;
  return quoteString(text);
}

/** A word read as the lexer reads it: a keyword of some kind, or an identifier. */
function describeWord(word: string, followedByParen: boolean): string {
  const lower = word.toLowerCase();
  if (lower === 'inf' || lower === 'nan') return `number ${quoteToken(word, true)}`;
  if (OPERATOR_WORDS.has(lower)) return `<op:${word}>`;
  if (AGGREGATORS.has(lower)) return `<aggr:${word}>`;
  if (KEYWORDS.has(lower) || (FILL_KEYWORDS.has(lower) && followedByParen)) return `<${word}>`;
  if (PREPROCESSORS.has(lower)) return quoteToken(word, true);
  return `${word.includes(':') ? 'metric identifier' : 'identifier'} ${quoteToken(word, false)}`;
}

/** Whether a word at the start of a selector is a metric name to the grammar (most keywords are). */
export function isMetricNameWord(word: string): boolean {
  return !NOT_METRIC_NAMES.has(word.toLowerCase());
}

const TWO_CHAR_OPERATORS: Readonly<Record<string, string>> = {
  '==': '<op:==>',
  '!=': '<op:!=>',
  '<=': '<op:<=>',
  '>=': '<op:>=>',
  '</': '<op:</>',
  '>/': '<op:>/>',
};
const ONE_CHAR: Readonly<Record<string, string>> = {
  '+': '<op:+>',
  '-': '<op:->',
  '*': '<op:*>',
  '/': '<op:/>',
  '%': '<op:%>',
  '^': '<op:^>',
  '<': '<op:<>',
  '>': '<op:>>',
  '@': '<op:@>',
  '=': '"="',
  ',': '","',
  '(': '"("',
  '{': '"{"',
  '[': '"["',
};

const NUMBER = /(?:0[xX][\da-fA-F_]*|\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d+)?/y;
const WORD = /[A-Za-z_:][A-Za-z0-9_:]*/y;

function match(pattern: RegExp, input: string, at: number): string | null {
  pattern.lastIndex = at;
  return pattern.exec(input)?.[0] ?? null;
}

const isAlphanumeric = (ch: string | undefined): boolean => ch !== undefined && /[A-Za-z0-9_]/.test(ch);

/**
 * The lexer's `acceptRemainingDuration` after a number that runs into a letter: a unit (`ms` read as `m` then `s`),
 * then number-unit pairs, and no letter or digit after. Returns the token's end, or where the lexer gave up (the
 * text it then quotes in its error) when this is no duration.
 */
function durationRest(input: string, from: number): { ok: boolean; end: number } {
  let i = from;
  const accept = (set: string): boolean => {
    if (i < input.length && set.includes(input[i] as string)) {
      i++;
      return true;
    }
    return false;
  };
  if (!accept('smhdwy')) return { ok: false, end: i };
  accept('s');
  while (accept('0123456789')) {
    while (accept('0123456789'));
    if (!accept('smhdw')) return { ok: false, end: i };
    accept('s');
  }
  // The lexer reads one more character to check it, and so quotes it when it is a letter or digit.
  if (isAlphanumeric(input[i])) return { ok: false, end: i + 1 };
  return { ok: true, end: i };
}

/** A number (`1.5`, `0x1F`) or duration (`5m`, `1.5m`, `1h30m`) token, as the lexer tells them apart. */
function numberOrDuration(input: string, at: number): SelectorSyntaxError {
  const number = match(NUMBER, input, at) ?? '';
  const end = at + number.length;
  if (!isAlphanumeric(input[end])) return new SelectorSyntaxError(`unexpected number ${quoteToken(number, true)}`, at);
  const rest = durationRest(input, end);
  const text = input.slice(at, rest.end);
  if (rest.ok) return new SelectorSyntaxError(`unexpected duration ${quoteToken(text, true)}`, at);
  return new SelectorSyntaxError(`bad number or duration syntax: ${quoteString(text)}`, at);
}

/** The end of a quoted string starting at `at`, or an error when it is not closed. */
export function stringEnd(input: string, at: number): number | SelectorSyntaxError {
  const quote = input[at] as string;
  for (let i = at + 1; i < input.length; i++) {
    const ch = input[i];
    if (ch === quote) return i + 1;
    if (quote !== '`' && ch === '\\') i++;
    else if (quote !== '`' && ch === '\n') break;
  }
  return new SelectorSyntaxError(quote === '`' ? 'unterminated raw string' : 'unterminated quoted string', at);
}

/**
 * The error Prometheus reports for the token at `at` when its grammar expected none there: `unexpected` and the
 * token's description, or the lexer's own error when the text is not a token at all. `at` is past any blank.
 */
export function unexpectedToken(input: string, at: number): SelectorSyntaxError {
  if (at >= input.length) return new SelectorSyntaxError('unexpected end of input', at);
  const ch = input[at] as string;
  const two = input.slice(at, at + 2);
  const unexpected = (what: string): SelectorSyntaxError => new SelectorSyntaxError(`unexpected ${what}`, at);
  if (TWO_CHAR_OPERATORS[two] !== undefined) return unexpected(TWO_CHAR_OPERATORS[two]);
  if (two === '=~') return new SelectorSyntaxError("unexpected character after '=': '~'", at);
  if (ch === '!') {
    return new SelectorSyntaxError(`unexpected character after '!': ${quoteRune(input[at + 1] ?? '\ufffd')}`, at);
  }
  if (ONE_CHAR[ch] !== undefined) return unexpected(ONE_CHAR[ch]);
  if (ch === ')') return new SelectorSyntaxError("unexpected right parenthesis ')'", at + 1);
  if (ch === ']') return new SelectorSyntaxError("unexpected right bracket ']'", at);
  if (ch === '"' || ch === "'" || ch === '`') {
    const end = stringEnd(input, at);
    if (typeof end !== 'number') return end;
    return unexpected(`string ${quoteToken(input.slice(at, end), true)}`);
  }
  const word = match(WORD, input, at);
  if (word !== null) return unexpected(describeWord(word, /^\s*\(/.test(input.slice(at + word.length))));
  if (/[0-9]/.test(ch) || (ch === '.' && /[0-9]/.test(input[at + 1] ?? ''))) return numberOrDuration(input, at);
  return new SelectorSyntaxError(
    `unexpected character: ${quoteRune(String.fromCodePoint(input.codePointAt(at) ?? 0))}`,
    at,
  );
}
