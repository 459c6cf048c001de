import type { FloatHistogram } from '../engine/histograms/native/float-histogram.js';
import { expandHistogramItem, HistogramNotationError, splitSeriesValues } from './histogram-notation.js';
import { labelsFrom, METRIC_NAME, type Labels } from '../engine/core/labels.js';
import { parseNumber, StringSyntaxError, unquoteString } from '../literals.js';

/**
 * Prometheus's series notation, the language of `load` lines and expected results in PromQL test scripts
 * (`series_description` in Prometheus's grammar): a metric, then space-separated value items.
 *
 *   metric{a="b", "utf8.name"="x"}  1+2x3  _  stale  _x2  -1-1x2  Inf  NaN
 *
 * `a+bxn` expands to the n+1 values a, a+b, … ; `axn` repeats a n+1 times; `_` is a missing sample and `_xn` n of
 * them; `stale` is a staleness marker. Values are read as the series lexer reads them: decimal only (no hex, no
 * durations), with Go's number rules for the digits. Native-histogram values (`{{…}}`, `{{…}}+{{…}}xN`) are read by the histogram library's notation.
 */

export interface SequenceValue {
  /** `_`: no sample at this position. */
  readonly omitted: boolean;
  readonly value: number;
  /** `stale`: Prometheus's staleness marker (a special NaN). */
  readonly stale: boolean;
  /** A native-histogram value (`{{…}}`); `value` is then meaningless. */
  readonly histogram?: FloatHistogram;
  /** The literal gave `counter_reset_hint:`, so a comparison must check it. */
  readonly counterResetHintSet?: boolean;
}

export interface SeriesDescription {
  readonly labels: Labels;
  readonly values: readonly SequenceValue[];
  /** The line holds native-histogram values (`{{…}}`, read by histogram-notation.ts). */
  readonly nativeHistograms: boolean;
}

/** A line that is not valid series notation. */
export class SeriesNotationError extends Error {}

const OMITTED: SequenceValue = { omitted: true, value: 0, stale: false };

/** Parses one `<metric> <values…>` line (already trimmed). */
export function parseSeriesDescription(line: string): SeriesDescription {
  const cursor = { text: line, pos: 0 };
  const labels = readMetric(cursor);
  const rest = line.slice(cursor.pos);
  if (rest !== '' && !/^\s/.test(rest)) {
    throw new SeriesNotationError(`unexpected ${JSON.stringify(rest[0])} after the metric in ${JSON.stringify(line)}`);
  }
  const values: SequenceValue[] = [];
  if (rest.includes('{{')) {
    try {
      for (const item of splitSeriesValues(rest)) {
        if (!item.startsWith('{{')) {
          values.push(...expandItem(item));
          continue;
        }
        for (const { histogram, counterResetHintSet } of expandHistogramItem(item)) {
          values.push({ omitted: false, value: 0, stale: false, histogram, counterResetHintSet });
        }
      }
    } catch (error) {
      if (error instanceof HistogramNotationError) throw new SeriesNotationError(error.message);
      throw error;
    }
    return { labels, values, nativeHistograms: true };
  }
  for (const item of rest.split(/\s+/)) {
    if (item !== '') values.push(...expandItem(item));
  }
  return { labels, values, nativeHistograms: false };
}

/**
 * A number written alone on an expected-result line (a scalar result), read as upstream reads it: Go's
 * `strconv.ParseInt(s, 0, 64)` (sign, `0x`, `0o`, `0b`, leading-zero octal), else `strconv.ParseFloat`. Null when the
 * line is not a number, so it is a series line instead.
 */
export function parseScalarLine(line: string): number | null {
  const match = /^([+-]?)(.*)$/s.exec(line);
  const sign = match?.[1] === '-' ? -1 : 1;
  const body = match?.[2] ?? '';
  const lower = body.toLowerCase();
  if (lower === 'inf' || lower === 'infinity') return sign * Infinity;
  if (lower === 'nan') return match?.[1] === '' ? NaN : null;
  if (/^0b_?[01]+(?:_[01]+)*$/i.test(body)) return sign * Number.parseInt(body.slice(2).replaceAll('_', ''), 2);
  if (/^0o_?[0-7]+(?:_[0-7]+)*$/i.test(body)) return sign * Number.parseInt(body.slice(2).replaceAll('_', ''), 8);
  const value = parseNumber(body);
  return value === null ? null : sign * value;
}

interface Cursor {
  readonly text: string;
  pos: number;
}

const IDENTIFIER_START = /[A-Za-z_:]/;
const METRIC_CHAR = /[A-Za-z0-9_:]/;
const LABEL_CHAR = /[A-Za-z0-9_]/;

function readMetric(cursor: Cursor): Labels {
  let name = '';
  if (IDENTIFIER_START.test(cursor.text[cursor.pos] ?? '')) {
    name = readWhile(cursor, METRIC_CHAR);
    const lower = name.toLowerCase();
    if (lower === 'inf' || lower === 'nan') throw new SeriesNotationError(`expected a metric, got number ${name}`);
  }
  const pairs: [string, string][] = cursor.text[cursor.pos] === '{' ? readLabelSet(cursor) : [];
  if (name !== '') pairs.push([METRIC_NAME, name]);
  return labelsFrom(pairs);
}

/** `{name="value", "quoted name"="value", "metric name"}`, a trailing comma allowed. */
function readLabelSet(cursor: Cursor): [string, string][] {
  const pairs: [string, string][] = [];
  cursor.pos++;
  for (;;) {
    skipSpaces(cursor);
    if (cursor.text[cursor.pos] === '}') break;
    const ch = cursor.text[cursor.pos] ?? '';
    let name: string;
    let quoted = false;
    if (ch === '"' || ch === "'" || ch === '`') {
      name = readString(cursor);
      quoted = true;
    } else if (/[A-Za-z_]/.test(ch)) {
      name = readWhile(cursor, LABEL_CHAR);
    } else {
      throw new SeriesNotationError(`unexpected ${describe(ch)} in label set, expected identifier or "}"`);
    }
    skipSpaces(cursor);
    if (cursor.text[cursor.pos] === '=') {
      cursor.pos++;
      skipSpaces(cursor);
      const quote = cursor.text[cursor.pos] ?? '';
      if (quote !== '"' && quote !== "'" && quote !== '`') {
        throw new SeriesNotationError(`unexpected ${describe(quote)} in label set, expected string`);
      }
      pairs.push([name, readString(cursor)]);
    } else if (quoted) {
      pairs.push([METRIC_NAME, name]);
    } else {
      throw new SeriesNotationError(`unexpected ${describe(cursor.text[cursor.pos] ?? '')} in label set, expected "="`);
    }
    skipSpaces(cursor);
    const next = cursor.text[cursor.pos];
    if (next === ',') cursor.pos++;
    else if (next !== '}') throw new SeriesNotationError(`unexpected ${describe(next ?? '')} in label set`);
  }
  cursor.pos++;
  return pairs;
}

/** A quoted string token at the cursor, unquoted with Go's escapes. */
function readString(cursor: Cursor): string {
  const { text } = cursor;
  const quote = text[cursor.pos];
  let i = cursor.pos + 1;
  while (i < text.length && text[i] !== quote) i += quote !== '`' && text[i] === '\\' ? 2 : 1;
  if (i >= text.length) throw new SeriesNotationError('unterminated quoted string');
  const token = text.slice(cursor.pos, i + 1);
  cursor.pos = i + 1;
  try {
    return unquoteString(token);
  } catch (error) {
    if (error instanceof StringSyntaxError) throw new SeriesNotationError(error.message);
    throw error;
  }
}

function readWhile(cursor: Cursor, pattern: RegExp): string {
  const start = cursor.pos;
  while (cursor.pos < cursor.text.length && pattern.test(cursor.text[cursor.pos] ?? '')) cursor.pos++;
  return cursor.text.slice(start, cursor.pos);
}

function skipSpaces(cursor: Cursor): void {
  while (/\s/.test(cursor.text[cursor.pos] ?? '')) cursor.pos++;
}

function describe(ch: string): string {
  return ch === '' ? 'end of input' : JSON.stringify(ch);
}

type Token =
  | { readonly kind: 'number'; readonly text: string }
  | { readonly kind: 'word'; readonly text: string }
  | { readonly kind: '+' | '-' | 'x' | '_' };

/**
 * The series lexer's number: `[.]digits[digits . _ e E]*`, signs only after an exponent, and not followed by a
 * letter or digit other than the `x` of a repetition.
 */
const NUMBER = /^(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d[\d_]*)?/;

function tokenize(item: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < item.length) {
    const ch = item[i] ?? '';
    if (ch === '+' || ch === '-' || ch === 'x' || ch === '_') {
      tokens.push({ kind: ch });
      i++;
    } else if (/[0-9.]/.test(ch)) {
      const text = NUMBER.exec(item.slice(i))?.[0] ?? '';
      const after = item[i + text.length] ?? '';
      if (text === '' || (/[A-Za-z0-9_]/.test(after) && after !== 'x')) {
        throw new SeriesNotationError(`bad number syntax in ${JSON.stringify(item)}`);
      }
      tokens.push({ kind: 'number', text });
      i += text.length;
    } else if (/[A-Za-z]/.test(ch)) {
      const text = /^[A-Za-z0-9_:]+/.exec(item.slice(i))?.[0] ?? ch;
      const lower = text.toLowerCase();
      tokens.push(lower === 'inf' || lower === 'nan' ? { kind: 'number', text } : { kind: 'word', text });
      i += text.length;
    } else {
      throw new SeriesNotationError(`unexpected character in series sequence: ${JSON.stringify(ch)}`);
    }
  }
  return tokens;
}

/** One space-separated item of the values, expanded to its samples. */
function expandItem(item: string): SequenceValue[] {
  const tokens = tokenize(item);
  let i = 0;
  const peek = (): Token | undefined => tokens[i];
  const fail = (): never => {
    throw new SeriesNotationError(`unexpected ${JSON.stringify(item)} in series values, expected number or "stale"`);
  };
  const number = (): number => {
    const token = tokens[i++];
    if (token?.kind !== 'number') return fail();
    const value = parseNumber(token.text);
    if (value === null) throw new SeriesNotationError(`error parsing number: ${JSON.stringify(token.text)}`);
    return value;
  };
  const signed = (): number => {
    const sign = tokens[i++]?.kind === '-' ? -1 : 1;
    return sign * number();
  };
  const repetitions = (): number => {
    if (tokens[i++]?.kind !== 'x') fail();
    const token = tokens[i++];
    if (token?.kind !== 'number' || !/^\d+$/.test(token.text) || i !== tokens.length) {
      throw new SeriesNotationError(`invalid repetition in series values: ${JSON.stringify(item)}`);
    }
    return Number(token.text);
  };

  if (peek()?.kind === '_') {
    i++;
    if (i === tokens.length) return [OMITTED];
    return Array.from({ length: repetitions() }, () => OMITTED);
  }

  let first: SequenceValue;
  const head = peek();
  if (head?.kind === 'word') {
    if (head.text !== 'stale') fail();
    i++;
    first = { omitted: false, value: NaN, stale: true };
  } else {
    const value = head?.kind === '+' || head?.kind === '-' ? signed() : number();
    first = { omitted: false, value, stale: false };
  }
  if (i === tokens.length) return [first];

  const next = peek()?.kind;
  if (next === 'x') {
    const n = repetitions();
    return Array.from({ length: n + 1 }, () => first);
  }
  if (next !== '+' && next !== '-') return fail();
  const delta = signed();
  const n = repetitions();
  // Accumulated by repeated addition, as upstream does, so the rounding matches its values exactly.
  const out: SequenceValue[] = [first];
  let value = first.value;
  for (let k = 1; k <= n; k++) {
    value += delta;
    out.push({ omitted: false, value, stale: false });
  }
  return out;
}
