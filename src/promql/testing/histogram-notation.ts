import { parseNumber } from '../literals.js';
import { formatGoG } from '../engine/core/format.js';
import { add, sub } from '../engine/histograms/native/arithmetic.js';
import {
  floatHistogram,
  usesCustomBuckets,
  type CounterResetHint,
  type FloatHistogram,
} from '../engine/histograms/native/float-histogram.js';
import { compact } from '../engine/histograms/native/layout.js';

/**
 * The native-histogram notation of PromQL test scripts and promtool rule tests, inside series values and expected
 * results:
 *
 *   {{schema:1 sum:3 count:22 z_bucket:4 z_bucket_w:0.001 offset:1 buckets:[1 2 3] n_offset:0 n_buckets:[4]
 *     custom_values:[1 5] counter_reset_hint:gauge}}
 *
 * Every key is optional (`{{}}` is an empty schema-0 histogram); each side's buckets form one span starting at its
 * offset. A series item may repeat a histogram (`{{…}}x3`, four values) or build a series by adding or subtracting
 * another one step by step (`{{…}}+{{…}}x3`, `{{…}}-{{…}}x3`).
 */

/** A parsed histogram value; the harness compares hints only where the expected value states one. */
export interface HistogramLiteral {
  readonly histogram: FloatHistogram;
  readonly counterResetHintSet: boolean;
}

/** A malformed histogram literal or series item. */
export class HistogramNotationError extends Error {}

const HINTS: Readonly<Record<string, CounterResetHint>> = {
  unknown: 'unknown',
  reset: 'reset',
  not_reset: 'not_reset',
  gauge: 'gauge',
};

type Kind = 'int' | 'signed' | 'unsigned' | 'list' | 'hint';

const KEYS: Readonly<Record<string, Kind>> = {
  schema: 'int',
  sum: 'signed',
  count: 'signed',
  z_bucket: 'signed',
  z_bucket_w: 'unsigned',
  custom_values: 'list',
  buckets: 'list',
  offset: 'int',
  n_buckets: 'list',
  n_offset: 'int',
  counter_reset_hint: 'hint',
};

type Field = number | number[] | CounterResetHint;

/** Parses one `{{…}}` literal (the whole text). */
export function parseHistogramLiteral(text: string): HistogramLiteral {
  const cursor = { text, pos: 0 };
  const literal = readLiteral(cursor);
  if (cursor.pos !== text.length) fail(cursor, 'unexpected text after the histogram');
  return literal;
}

/**
 * Expands one series item that starts with `{{`: `{{a}}` (one value), `{{a}}xN` (a, N+1 times), `{{a}}+{{b}}xN` and
 * `{{a}}-{{b}}xN` (a, a±b, a±2b, … N+1 values, each computed from the previous one as Prometheus does, so the layout
 * and hint follow from add/sub). In the last two forms every value takes b's `counterResetHintSet`.
 */
export function expandHistogramItem(item: string): HistogramLiteral[] {
  const cursor = { text: item, pos: 0 };
  const base = readLiteral(cursor);
  if (cursor.pos === item.length) return [base];
  const op = item[cursor.pos];
  cursor.pos++;
  if (op === 'x') return new Array<HistogramLiteral>(readTimes(cursor) + 1).fill(base);
  if (op !== '+' && op !== '-') fail(cursor, `expected "x", "+" or "-" after the histogram, got ${JSON.stringify(op)}`);
  const step = readLiteral(cursor);
  if (item[cursor.pos] !== 'x') fail(cursor, 'expected "x" and a count after the second histogram');
  cursor.pos++;
  const times = readTimes(cursor);
  const hintSet = step.counterResetHintSet;
  const values: HistogramLiteral[] = [{ histogram: base.histogram, counterResetHintSet: hintSet }];
  let current = base.histogram;
  for (let i = 1; i <= times; i++) {
    if (current.schema > step.histogram.schema) {
      throw new HistogramNotationError(
        `error combining histograms: cannot merge from schema ${step.histogram.schema} to ${current.schema}`,
      );
    }
    const next = op === '+' ? add(current, step.histogram) : sub(current, step.histogram);
    if (!next.ok) throw new HistogramNotationError(`error combining histograms: ${next.error}`);
    current = next.histogram;
    values.push({ histogram: current, counterResetHintSet: hintSet });
  }
  return values;
}

/**
 * Splits the values part of a series line into items at whitespace outside `{{…}}`, so that histogram items (which
 * contain spaces) stay whole: `1 {{count:1 sum:2}}x2 _` → `1`, `{{count:1 sum:2}}x2`, `_`.
 */
export function splitSeriesValues(text: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (text.startsWith('{{', i)) depth++;
    else if (text.startsWith('}}', i) && depth > 0) depth--;
    if (/\s/.test(ch) && depth === 0) {
      if (start >= 0) items.push(text.slice(start, i));
      start = -1;
    } else if (start < 0) {
      start = i;
    }
  }
  if (start >= 0) items.push(text.slice(start));
  return items;
}

/**
 * The histogram in the notation, as Prometheus's TestExpression prints it (in failure messages of the test harness):
 * compacted to one span per side, keys in a fixed order, zero values left out, numbers as Go's %g.
 */
export function testExpression(h: FloatHistogram): string {
  const m = compact(h, Number.MAX_SAFE_INTEGER);
  const parts: string[] = [];
  if (m.schema !== 0) parts.push(`schema:${m.schema}`);
  if (m.count !== 0) parts.push(`count:${formatGoG(m.count)}`);
  if (m.sum !== 0) parts.push(`sum:${formatGoG(m.sum)}`);
  if (m.zeroCount !== 0) parts.push(`z_bucket:${formatGoG(m.zeroCount)}`);
  if (m.zeroThreshold !== 0) parts.push(`z_bucket_w:${formatGoG(m.zeroThreshold)}`);
  if (usesCustomBuckets(m)) parts.push(`custom_values:[${m.customValues.map(formatGoG).join(' ')}]`);
  if (m.counterResetHint !== 'unknown') parts.push(`counter_reset_hint:${m.counterResetHint}`);
  const side = (bucketsKey: string, offsetKey: string, offset: number | undefined, buckets: readonly number[]) => {
    if (offset !== undefined && offset !== 0) parts.push(`${offsetKey}:${offset}`);
    if (buckets.length > 0) parts.push(`${bucketsKey}:[${buckets.map(formatGoG).join(' ')}]`);
  };
  side('buckets', 'offset', m.positiveSpans[0]?.offset, m.positiveBuckets);
  side('n_buckets', 'n_offset', m.negativeSpans[0]?.offset, m.negativeBuckets);
  return `{{${parts.join(' ')}}}`;
}

interface Cursor {
  readonly text: string;
  pos: number;
}

function fail(cursor: Cursor, message: string): never {
  throw new HistogramNotationError(`${message} at position ${cursor.pos} of ${JSON.stringify(cursor.text)}`);
}

function skipSpaces(cursor: Cursor): void {
  while (cursor.pos < cursor.text.length && /\s/.test(cursor.text[cursor.pos] as string)) cursor.pos++;
}

function readLiteral(cursor: Cursor): HistogramLiteral {
  if (!cursor.text.startsWith('{{', cursor.pos)) fail(cursor, 'expected "{{"');
  cursor.pos += 2;
  const fields = new Map<string, Field>();
  for (;;) {
    skipSpaces(cursor);
    if (cursor.text.startsWith('}}', cursor.pos)) break;
    const key = /^[A-Za-z_]+/.exec(cursor.text.slice(cursor.pos))?.[0] ?? '';
    const kind = KEYS[key.toLowerCase()];
    if (kind === undefined) fail(cursor, `bad histogram descriptor ${JSON.stringify(key)}`);
    cursor.pos += key.length;
    if (cursor.text[cursor.pos] !== ':') fail(cursor, 'missing ":" for histogram descriptor');
    cursor.pos++;
    if (fields.has(key.toLowerCase())) fail(cursor, `duplicate key "${key.toLowerCase()}" in histogram`);
    fields.set(key.toLowerCase(), readField(cursor, kind));
  }
  cursor.pos += 2;
  return build(fields);
}

function readField(cursor: Cursor, kind: Kind): Field {
  switch (kind) {
    case 'hint': {
      const word = /^[A-Za-z_]+/.exec(cursor.text.slice(cursor.pos))?.[0] ?? '';
      const hint = HINTS[word.toLowerCase()];
      if (hint === undefined) fail(cursor, `unknown counter_reset_hint ${JSON.stringify(word)}`);
      cursor.pos += word.length;
      return hint;
    }
    case 'list': {
      if (cursor.text[cursor.pos] !== '[') fail(cursor, 'expected "["');
      cursor.pos++;
      const values: number[] = [];
      for (;;) {
        skipSpaces(cursor);
        if (cursor.text[cursor.pos] === ']') break;
        values.push(readNumber(cursor, true));
      }
      // Prometheus's grammar wants at least one number, but its TestExpression prints `custom_values:[]`.
      cursor.pos++;
      return values;
    }
    case 'int': {
      const match = /^[+-]?\d+/.exec(cursor.text.slice(cursor.pos));
      if (!match) fail(cursor, 'expected an integer');
      cursor.pos += match[0].length;
      return Number.parseInt(match[0], 10);
    }
    default:
      return readNumber(cursor, kind === 'signed');
  }
}

const NUMBER = /^[+-]?(?:inf(?:inity)?|nan|0x[\da-f_]+|(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:e[+-]?\d[\d_]*)?)/i;

function readNumber(cursor: Cursor, signed: boolean): number {
  const match = NUMBER.exec(cursor.text.slice(cursor.pos));
  if (!match) fail(cursor, 'expected a number');
  const text = match[0];
  const sign = text[0] === '-' ? -1 : 1;
  const hasSign = text[0] === '-' || text[0] === '+';
  if (hasSign && !signed) fail(cursor, 'expected an unsigned number');
  const value = parseNumber(hasSign ? text.slice(1) : text);
  if (value === null) fail(cursor, `bad number ${JSON.stringify(text)}`);
  cursor.pos += text.length;
  return sign * value;
}

function readTimes(cursor: Cursor): number {
  const match = /^\d+/.exec(cursor.text.slice(cursor.pos));
  if (!match || cursor.pos + match[0].length !== cursor.text.length) fail(cursor, 'expected a repetition count');
  cursor.pos += match[0].length;
  return Number.parseInt(match[0], 10);
}

function build(fields: ReadonlyMap<string, Field>): HistogramLiteral {
  const num = (key: string) => (fields.get(key) as number | undefined) ?? 0;
  const list = (key: string) => (fields.get(key) as number[] | undefined) ?? [];
  const spans = (bucketsKey: string, offsetKey: string) => {
    const length = list(bucketsKey).length;
    return length > 0 ? [{ offset: num(offsetKey), length }] : [];
  };
  const hint = fields.get('counter_reset_hint') as CounterResetHint | undefined;
  return {
    histogram: floatHistogram({
      counterResetHint: hint ?? 'unknown',
      schema: num('schema'),
      sum: num('sum'),
      count: num('count'),
      zeroCount: num('z_bucket'),
      zeroThreshold: num('z_bucket_w'),
      customValues: list('custom_values'),
      positiveSpans: spans('buckets', 'offset'),
      positiveBuckets: list('buckets'),
      negativeSpans: spans('n_buckets', 'n_offset'),
      negativeBuckets: list('n_buckets'),
    }),
    counterResetHintSet: hint !== undefined,
  };
}
