import { compileLabelRegex, PromQLError, type LabelMatcher, type MatchType } from '../../promql/index.js';
import { quoteString, StringSyntaxError, unquoteString } from '../../promql/literals.js';
import {
  isMetricNameWord,
  quoteRune,
  quoteToken,
  SelectorSyntaxError,
  stringEnd,
  unexpectedToken,
} from './selector-tokens.js';

/**
 * A `match[]` value read as Prometheus's `ParseMetricSelector` reads it: one vector selector (`up`, `{job="api"}`,
 * `up{job=~"a|b"}`, `{"utf8.name"}`) and nothing else, no modifier, no operator. Its errors carry Prometheus's text,
 * position included (`1:3: parse error: unexpected "["`), so the API can pass them on unchanged. vigil's query parser
 * is not used: it reads whole expressions, so `sum(up)` would parse, where Prometheus's selector grammar stops at `(`.
 */
export function parseMetricSelector(input: string): LabelMatcher[] {
  try {
    return new SelectorReader(input).read();
  } catch (error) {
    if (error instanceof SelectorSyntaxError) {
      throw new PromQLError(error.message, { start: error.at, end: error.at }, input);
    }
    throw error;
  }
}

type BraceToken =
  | { readonly kind: 'identifier' | 'string' | 'comma' | 'close'; readonly text: string; readonly at: number }
  | { readonly kind: 'operator'; readonly text: string; readonly at: number; readonly type: MatchType };

const WORD = /[A-Za-z_:][A-Za-z0-9_:]*/y;
const LABEL = /[A-Za-z_][A-Za-z0-9_]*/y;

class SelectorReader {
  private at = 0;

  constructor(private readonly input: string) {}

  read(): LabelMatcher[] {
    this.skipBlank();
    let name: string | null = null;
    WORD.lastIndex = this.at;
    const word = WORD.exec(this.input)?.[0];
    if (word !== undefined && isMetricNameWord(word)) {
      name = word;
      this.at += word.length;
      this.skipBlank();
    }
    const matchers: LabelMatcher[] = [];
    if (this.input[this.at] === '{') {
      this.at++;
      matchers.push(...this.braces());
      this.skipBlank();
    } else if (name === null) {
      throw unexpectedToken(this.input, this.at);
    }
    if (this.at < this.input.length) throw unexpectedToken(this.input, this.at);
    if (name !== null) matchers.push({ type: '=', name: '__name__', value: name });
    return matchers;
  }

  /** Spaces and `#` comments, which the lexer skips between tokens. */
  private skipBlank(): void {
    while (this.at < this.input.length) {
      const ch = this.input[this.at];
      if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') this.at++;
      else if (ch === '#') {
        const end = this.input.indexOf('\n', this.at);
        this.at = end < 0 ? this.input.length : end;
      } else break;
    }
  }

  /** The matchers up to the closing brace (the opening one is read), with the grammar's error productions. */
  private braces(): LabelMatcher[] {
    const matchers: LabelMatcher[] = [];
    for (;;) {
      const token = this.braceToken();
      if (token.kind === 'close') return matchers;
      matchers.push(this.matcher(token));
      const next = this.braceToken();
      if (next.kind === 'close') return matchers;
      if (next.kind !== 'comma') throw unexpectedInBraces(next, '"," or "}"');
    }
  }

  private matcher(first: BraceToken): LabelMatcher {
    if (first.kind !== 'identifier' && first.kind !== 'string') throw unexpectedInBraces(first, 'identifier or "}"');
    const name = first.kind === 'identifier' ? first.text : this.unquote(first);
    const mark = this.at;
    const op = this.braceToken();
    if (op.kind !== 'operator') {
      if (first.kind === 'identifier') throw unexpectedInBraces(op, 'label matching operator');
      // A quoted name alone is a metric name: `{"utf8.metric"}`.
      this.at = mark;
      return { type: '=', name: '__name__', value: name };
    }
    const value = this.braceToken();
    if (value.kind !== 'string') throw unexpectedInBraces(value, 'string');
    const matcher: LabelMatcher = { type: op.type, name, value: this.unquote(value) };
    if (op.type === '=~' || op.type === '!~') {
      try {
        compileLabelRegex(matcher.value);
      } catch (error) {
        throw new SelectorSyntaxError(error instanceof Error ? error.message : String(error), first.at);
      }
    }
    return matcher;
  }

  private unquote(token: BraceToken): string {
    try {
      return unquoteString(token.text);
    } catch (error) {
      if (error instanceof StringSyntaxError) throw new SelectorSyntaxError(error.message, token.at);
      throw error;
    }
  }

  /** The next token inside braces, as Prometheus's `lexInsideBraces` reads it, or its error. */
  private braceToken(): BraceToken {
    this.skipBlank();
    const at = this.at;
    const ch = this.input[at];
    if (ch === undefined) throw new SelectorSyntaxError('unexpected end of input inside braces', at);
    const token = (kind: 'comma' | 'close', length: number): BraceToken => {
      this.at += length;
      return { kind, text: this.input.slice(at, at + length), at };
    };
    const operator = (type: MatchType): BraceToken => {
      this.at += type.length;
      return { kind: 'operator', text: type, at, type };
    };
    if (ch === ',') return token('comma', 1);
    if (ch === '}') return token('close', 1);
    if (ch === '=') return operator(this.input[at + 1] === '~' ? '=~' : '=');
    if (ch === '!') {
      const next = this.input[at + 1];
      if (next === '=' || next === '~') return operator(next === '=' ? '!=' : '!~');
      throw new SelectorSyntaxError(`unexpected character after '!' inside braces: ${quoteRune(next ?? '\ufffd')}`, at);
    }
    if (ch === '{') throw new SelectorSyntaxError("unexpected left brace '{'", at);
    if (ch === '"' || ch === "'" || ch === '`') {
      const end = stringEnd(this.input, at);
      if (typeof end !== 'number') throw end;
      const text = this.input.slice(at, end);
      // Go decodes U+FFFD as utf8.RuneError, which the lexer takes for a byte that is not UTF-8.
      if (text.includes('\ufffd')) throw new SelectorSyntaxError('invalid UTF-8 rune', at);
      this.at = end;
      return { kind: 'string', text, at };
    }
    LABEL.lastIndex = at;
    const label = LABEL.exec(this.input)?.[0];
    if (label !== undefined) {
      this.at += label.length;
      return { kind: 'identifier', text: label, at };
    }
    const rune = String.fromCodePoint(this.input.codePointAt(at) ?? 0);
    throw new SelectorSyntaxError(`unexpected character inside braces: ${quoteRune(rune)}`, at);
  }
}

/** The grammar's `unexpected("label matching", …)`: the token found, and what would have fitted. */
function unexpectedInBraces(token: BraceToken, expected: string): SelectorSyntaxError {
  const what =
    token.kind === 'identifier'
      ? `identifier ${quoteString(token.text)}`
      : token.kind === 'string'
        ? `string ${quoteToken(token.text, true)}`
        : token.kind === 'operator' && token.type !== '='
          ? `<op:${token.text}>`
          : quoteString(token.text);
  return new SelectorSyntaxError(`unexpected ${what} in label matching, expected ${expected}`, token.at);
}
