import type { LabelMatcher } from '../../promql/ast.js';

/**
 * A team's scope (Sysdig's `filter`): conditions on labels joined by `and`, e.g.
 * `kubernetes.namespace.name = "prod" and container.image starts with "nginx"`. It is parsed once, when a team is
 * written, into a list of conditions stored as JSON; the metrics service turns that list into Prometheus label matchers
 * added to every selector, so no query can reach data outside the team's scope. An empty scope means everywhere.
 */

const SCOPE_OPERATORS = ['=', '!=', 'in', 'not in', 'contains', 'not contains', 'starts with'] as const;
type ScopeOperator = (typeof SCOPE_OPERATORS)[number];

/** One condition of a scope: `label op values` (one value except for `in` and `not in`). */
export interface ScopeCondition {
  readonly label: string;
  readonly op: ScopeOperator;
  readonly values: readonly string[];
}

/** A scope expression that does not parse; the message names the bad part and its position (1-based). */
export class ScopeSyntaxError extends Error {
  constructor(
    message: string,
    /** 1-based character position in the expression. */
    readonly position: number,
  ) {
    super(`filter: ${message}`);
    this.name = 'ScopeSyntaxError';
  }
}

// Generous for a hand-written scope and small enough that a scope never makes the matcher list large.
export const MAX_SCOPE_LENGTH = 4096;
const MAX_SCOPE_CONDITIONS = 50;
const MAX_IN_VALUES = 100;

type TokenKind = 'word' | 'string' | 'op' | 'lparen' | 'rparen' | 'comma' | 'end';

interface Token {
  readonly kind: TokenKind;
  /** The text as written (without quotes and escapes for a string). */
  readonly text: string;
  /** 1-based position of its first character. */
  readonly at: number;
}

const OPERATOR_HINT = 'expected an operator (=, !=, in, not in, contains, does not contain, starts with)';
const WORD = /[A-Za-z0-9_.]/;
const LABEL = /^[A-Za-z_][A-Za-z0-9_.]*$/;

/**
 * Parses a scope expression. Keywords are case-insensitive, values are quoted with `"` or `'` (a backslash escapes the
 * quote or itself). Null, empty or blank means everywhere: an empty list.
 */
export function parseScope(expression: string | null | undefined): ScopeCondition[] {
  if (expression === null || expression === undefined || expression.trim() === '') return [];
  if (expression.length > MAX_SCOPE_LENGTH) {
    throw new ScopeSyntaxError(`the expression is longer than ${MAX_SCOPE_LENGTH} characters`, MAX_SCOPE_LENGTH + 1);
  }
  return new Parser(tokenize(expression)).conditions();
}

/** The scope written back as an expression (canonical spelling, double quotes), e.g. for messages and the console. */
export function formatScope(scope: readonly ScopeCondition[]): string {
  const quote = (value: string) => `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  return scope
    .map((c) => {
      const op = c.op === 'not contains' ? 'does not contain' : c.op;
      const values =
        c.op === 'in' || c.op === 'not in' ? `(${c.values.map(quote).join(', ')})` : quote(c.values[0] ?? '');
      return `${c.label} ${op} ${values}`;
    })
    .join(' and ');
}

/**
 * The Prometheus label matchers that confine a query to a scope: dots in label names become `_` (Sysdig's
 * `kubernetes.namespace.name` is Prometheus' `kubernetes_namespace_name`), values are regex-escaped where a regex is
 * needed (`in` → `=~"a|b"`, `contains` → `=~".*x.*"`, `starts with` → `=~"x.*"`). Prometheus anchors regexes, so
 * these match exactly what the condition says.
 */
export function scopeMatchers(scope: readonly ScopeCondition[]): LabelMatcher[] {
  return scope.map((condition) => {
    const name = condition.label.replace(/\./g, '_');
    const first = condition.values[0] ?? '';
    switch (condition.op) {
      case '=':
        return { name, type: '=', value: first };
      case '!=':
        return { name, type: '!=', value: first };
      case 'in':
        return { name, type: '=~', value: condition.values.map(escapeRegex).join('|') };
      case 'not in':
        return { name, type: '!~', value: condition.values.map(escapeRegex).join('|') };
      case 'contains':
        return { name, type: '=~', value: `.*${escapeRegex(first)}.*` };
      case 'not contains':
        return { name, type: '!~', value: `.*${escapeRegex(first)}.*` };
      case 'starts with':
        return { name, type: '=~', value: `${escapeRegex(first)}.*` };
    }
  });
}

/** Escapes every RE2 metacharacter, so a value matches only itself. */
export function escapeRegex(value: string): string {
  return value.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

/**
 * Reads a stored scope (JSON written by this module). Anything unreadable throws rather than being skipped: a scope
 * limits what a team sees and writes, so a condition dropped would widen it (the request then fails with a 500,
 * logged, instead of showing more than it should).
 */
export function readStoredScope(json: string): ScopeCondition[] {
  const value: unknown = JSON.parse(json);
  if (!Array.isArray(value) || !value.every(isScopeCondition)) {
    throw new Error('a stored team scope is not a list of scope conditions');
  }
  return value;
}

function isScopeCondition(value: unknown): value is ScopeCondition {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as Record<string, unknown>;
  return (
    typeof c['label'] === 'string' &&
    (SCOPE_OPERATORS as readonly unknown[]).includes(c['op']) &&
    Array.isArray(c['values']) &&
    c['values'].every((v) => typeof v === 'string')
  );
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source.charAt(i);
    const at = i + 1;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '"' || ch === "'") {
      let text = '';
      let j = i + 1;
      for (;;) {
        if (j >= source.length) throw new ScopeSyntaxError(`unterminated string starting at ${at}`, at);
        const c = source.charAt(j);
        if (c === '\\' && j + 1 < source.length) {
          text += source.charAt(j + 1);
          j += 2;
        } else if (c === ch) {
          break;
        } else {
          text += c;
          j++;
        }
      }
      tokens.push({ kind: 'string', text, at });
      i = j + 1;
    } else if (ch === '!' && source.charAt(i + 1) === '=') {
      tokens.push({ kind: 'op', text: '!=', at });
      i += 2;
    } else if (ch === '=') {
      // `==` is read as `=`, as people coming from PromQL write it.
      const length = source.charAt(i + 1) === '=' ? 2 : 1;
      tokens.push({ kind: 'op', text: '=', at });
      i += length;
    } else if (ch === '(' || ch === ')' || ch === ',') {
      tokens.push({ kind: ch === '(' ? 'lparen' : ch === ')' ? 'rparen' : 'comma', text: ch, at });
      i++;
    } else if (WORD.test(ch)) {
      let j = i;
      while (j < source.length && WORD.test(source.charAt(j))) j++;
      tokens.push({ kind: 'word', text: source.slice(i, j), at });
      i = j;
    } else {
      // Quote the offending character only; the rest of the expression is not echoed.
      throw new ScopeSyntaxError(`unexpected ${JSON.stringify(ch)} at ${at}`, at);
    }
  }
  tokens.push({ kind: 'end', text: '', at: source.length + 1 });
  return tokens;
}

class Parser {
  private index = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  conditions(): ScopeCondition[] {
    const result: ScopeCondition[] = [this.condition()];
    for (;;) {
      const token = this.peek();
      if (token.kind === 'end') return result;
      if (isWord(token, 'and')) {
        this.index++;
        if (result.length >= MAX_SCOPE_CONDITIONS) {
          throw new ScopeSyntaxError(`more than ${MAX_SCOPE_CONDITIONS} conditions`, token.at);
        }
        result.push(this.condition());
      } else if (isWord(token, 'or')) {
        throw new ScopeSyntaxError(`unexpected "${token.text}" at ${token.at}: only "and" joins conditions`, token.at);
      } else {
        throw this.unexpected(token, 'expected "and" or the end of the expression');
      }
    }
  }

  private condition(): ScopeCondition {
    const labelToken = this.next();
    if (labelToken.kind !== 'word' || isKeyword(labelToken.text)) {
      throw this.unexpected(labelToken, 'expected a label name, e.g. kubernetes.namespace.name');
    }
    if (!LABEL.test(labelToken.text)) {
      throw new ScopeSyntaxError(
        `"${labelToken.text}" at ${labelToken.at} is not a label name: it must start with a letter or "_"`,
        labelToken.at,
      );
    }
    const label = labelToken.text;
    const op = this.operator();
    if (op === 'in' || op === 'not in') return { label, op, values: this.list(op) };
    return { label, op, values: [this.value(op)] };
  }

  private operator(): ScopeOperator {
    const token = this.next();
    if (token.kind === 'op') return token.text as '=' | '!=';
    if (token.kind !== 'word') throw this.unexpected(token, OPERATOR_HINT);
    const word = token.text.toLowerCase();
    if (word === 'in' || word === 'contains') return word;
    if (word === 'not') {
      this.expectWord('in', `after "not" at ${token.at}`);
      return 'not in';
    }
    if (word === 'starts') {
      this.expectWord('with', `after "starts" at ${token.at}`);
      return 'starts with';
    }
    if (word === 'does') {
      this.expectWord('not', `after "does" at ${token.at}`);
      this.expectWord('contain', `after "does not"`);
      return 'not contains';
    }
    throw this.unexpected(token, OPERATOR_HINT);
  }

  private list(op: 'in' | 'not in'): string[] {
    const open = this.next();
    if (open.kind !== 'lparen') throw this.unexpected(open, `expected "(" after "${op}"`);
    const values = [this.value(op)];
    for (;;) {
      const token = this.next();
      if (token.kind === 'rparen') return values;
      if (token.kind !== 'comma') throw this.unexpected(token, 'expected "," or ")"');
      if (values.length >= MAX_IN_VALUES) {
        throw new ScopeSyntaxError(`more than ${MAX_IN_VALUES} values in one list`, token.at);
      }
      values.push(this.value(op));
    }
  }

  private value(op: ScopeOperator): string {
    const token = this.next();
    if (token.kind !== 'string') throw this.unexpected(token, `expected a quoted value after "${displayOp(op)}"`);
    return token.text;
  }

  private expectWord(word: string, context: string): void {
    const token = this.next();
    if (!isWord(token, word)) throw this.unexpected(token, `expected "${word}" ${context}`);
  }

  private unexpected(token: Token, hint: string): ScopeSyntaxError {
    if (token.kind === 'end')
      return new ScopeSyntaxError(`unexpected end of the expression at ${token.at}: ${hint}`, token.at);
    const text = token.text.length > 40 ? `${token.text.slice(0, 40)}…` : token.text;
    const shown = token.kind === 'string' ? JSON.stringify(text) : `"${text}"`;
    return new ScopeSyntaxError(`unexpected ${shown} at ${token.at}: ${hint}`, token.at);
  }

  private peek(): Token {
    return this.tokens[Math.min(this.index, this.tokens.length - 1)] as Token;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.index++;
    return token;
  }
}

function isWord(token: Token, word: string): boolean {
  return token.kind === 'word' && token.text.toLowerCase() === word;
}

const KEYWORDS = new Set(['and', 'or', 'in', 'not', 'contains', 'does', 'contain', 'starts', 'with']);

function isKeyword(text: string): boolean {
  return KEYWORDS.has(text.toLowerCase());
}

function displayOp(op: ScopeOperator): string {
  return op === 'not contains' ? 'does not contain' : op;
}
