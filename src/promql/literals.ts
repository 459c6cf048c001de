/**
 * The lexical values lezer leaves as text: numbers, durations and quoted strings, read and written as Prometheus 3
 * reads and writes them (Go's `strconv` number syntax, `model.ParseDuration`, Go string escapes).
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
const YEAR = 365 * DAY;

const DURATION_UNITS: readonly [string, number][] = [
  ['y', YEAR],
  ['w', WEEK],
  ['d', DAY],
  ['h', HOUR],
  ['m', MINUTE],
  ['s', SECOND],
  ['ms', 1],
];

const DURATION_PATTERN = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;

/** Largest magnitude, in seconds, that Go's nanosecond `time.Duration` can hold. */
export const MAX_DURATION_SECONDS = 2 ** 63 / 1e9;

/** Milliseconds of a duration such as `1h30m` or `0`, or null when the text is not one (or is out of range). */
export function parseDuration(text: string): number | null {
  if (text === '0') return 0;
  if (text === '') return null;
  const match = DURATION_PATTERN.exec(text);
  if (!match) return null;
  let ms = 0;
  DURATION_UNITS.forEach(([, unit], i) => {
    const part = match[i + 1];
    if (part !== undefined) ms += Number(part) * unit;
  });
  return ms / 1000 > MAX_DURATION_SECONDS ? null : ms;
}

/** Whether a number token is a duration (`5m`) rather than a plain number. */
export function isDurationText(text: string): boolean {
  return /^\d+(?:y|w|d|h|ms|m|s)/.test(text) && !/^0x/i.test(text);
}

/** A duration in Prometheus's canonical form (`1h30m`, `90d`, `0s`); years and weeks only when they are exact. */
export function formatDuration(ms: number): string {
  if (ms < 0) return `-${formatDuration(-ms)}`;
  let rest = Math.round(ms);
  if (rest === 0) return '0s';
  let out = '';
  for (const [name, unit] of DURATION_UNITS) {
    if ((name === 'y' || name === 'w') && rest % unit !== 0) continue;
    const count = Math.floor(rest / unit);
    if (count > 0) {
      out += `${count}${name}`;
      rest -= count * unit;
    }
  }
  return out;
}

/**
 * The value of an unsigned number token: decimal with `_` separators and exponent, `0x` hex, a leading-zero octal
 * integer (Go's `ParseInt(s, 0, 64)` reads `010` as 8), `Inf` or `NaN` in any case. Null when it is none of these.
 */
export function parseNumber(text: string): number | null {
  const lower = text.toLowerCase();
  if (lower === 'inf') return Infinity;
  if (lower === 'nan') return NaN;
  if (/^0x_?[0-9a-f]+(?:_[0-9a-f]+)*$/i.test(text)) return Number.parseInt(text.slice(2).replaceAll('_', ''), 16);
  if (/^0[0-7]+(?:_[0-7]+)*$/.test(text)) return Number.parseInt(text.slice(1).replaceAll('_', ''), 8);
  const decimal = /^(?:\d+(?:_\d+)*(?:\.(?:\d+(?:_\d+)*)?)?|\.\d+(?:_\d+)*)(?:[eE][+-]?\d+(?:_\d+)*)?$/;
  if (!decimal.test(text)) return null;
  return Number(text.replaceAll('_', ''));
}

/** A float as Go's `strconv.FormatFloat(v, 'f', -1, 64)` writes it: shortest digits, never an exponent. */
export function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  if (Object.is(value, -0)) return '-0';
  const text = String(value);
  const exp = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!exp) return text;
  const [, sign = '', lead = '', fraction = '', power = '0'] = exp;
  const digits = lead + fraction;
  const point = 1 + Number(power);
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** Thrown by {@link unquoteString} with the lexer's message; the parser adds the position. */
export class StringSyntaxError extends Error {}

const SIMPLE_ESCAPES: Readonly<Record<string, number>> = {
  a: 0x07,
  b: 0x08,
  f: 0x0c,
  n: 0x0a,
  r: 0x0d,
  t: 0x09,
  v: 0x0b,
  '\\': 0x5c,
};

function describeRune(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')} '${ch}'`;
}

function pushUtf8(bytes: number[], cp: number): void {
  if (cp < 0x80) bytes.push(cp);
  else if (cp < 0x800) bytes.push(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
  else if (cp < 0x10000) bytes.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
  else bytes.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
}

/**
 * UTF-8 bytes to a string. A byte that is not part of valid UTF-8 (`"\xff"` in a query) becomes the lone surrogate
 * U+DC00+byte, as Python's "surrogateescape" does, so that the evaluator can tell the string is not valid UTF-8 and
 * the printer can write the byte back as `\xff`.
 */
export function decodeUtf8(bytes: readonly number[]): string {
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] ?? 0;
    const need = b >= 0xf0 && b <= 0xf4 ? 3 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xc2 && b <= 0xdf ? 1 : 0;
    if (b < 0x80) {
      out += String.fromCharCode(b);
      i += 1;
      continue;
    }
    let cp = need === 3 ? b & 0x07 : need === 2 ? b & 0x0f : b & 0x1f;
    let ok = need > 0;
    for (let k = 1; ok && k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) ok = false;
      else cp = (cp << 6) | (c & 0x3f);
    }
    const min = need === 3 ? 0x10000 : need === 2 ? 0x800 : 0x80;
    if (ok && cp >= min && cp <= 0x10ffff && !(cp >= 0xd800 && cp < 0xe000)) {
      out += String.fromCodePoint(cp);
      i += need + 1;
    } else {
      out += String.fromCharCode(0xdc00 + b);
      i += 1;
    }
  }
  return out;
}

function readHex(body: string, at: number, count: number): number {
  const digits = body.slice(at, at + count);
  if (digits.length < count) throw new StringSyntaxError('escape sequence not terminated');
  for (const ch of digits) {
    if (!/[0-9a-fA-F]/.test(ch))
      throw new StringSyntaxError(`illegal character ${describeRune(ch)} in escape sequence`);
  }
  return Number.parseInt(digits, 16);
}

/** The value of a string token in `"…"`, `'…'` (Go escapes) or `` `…` `` (raw, no escapes). */
export function unquoteString(token: string): string {
  const quote = token[0];
  if (token.length < 2 || token[token.length - 1] !== quote) throw new StringSyntaxError('unterminated quoted string');
  const body = token.slice(1, -1);
  if (quote === '`') return body.replaceAll('\r', '');
  const bytes: number[] = [];
  let i = 0;
  while (i < body.length) {
    const cp = body.codePointAt(i) ?? 0;
    const ch = String.fromCodePoint(cp);
    i += ch.length;
    if (ch !== '\\') {
      pushUtf8(bytes, cp);
      continue;
    }
    const esc = body[i];
    if (esc === undefined) throw new StringSyntaxError('escape sequence not terminated');
    i += 1;
    const simple = SIMPLE_ESCAPES[esc];
    if (simple !== undefined) bytes.push(simple);
    else if (esc === quote) bytes.push(esc.charCodeAt(0));
    else if (esc === 'x') {
      bytes.push(readHex(body, i, 2));
      i += 2;
    } else if (esc === 'u' || esc === 'U') {
      const count = esc === 'u' ? 4 : 8;
      const value = readHex(body, i, count);
      i += count;
      if (value > 0x10ffff || (value >= 0xd800 && value < 0xe000)) {
        throw new StringSyntaxError('escape sequence is an invalid Unicode code point');
      }
      pushUtf8(bytes, value);
    } else if (esc >= '0' && esc <= '7') {
      const digits = body.slice(i - 1, i + 2);
      if (!/^[0-7]{3}$/.test(digits)) throw new StringSyntaxError('escape sequence not terminated');
      const value = Number.parseInt(digits, 8);
      if (value > 255) throw new StringSyntaxError('escape sequence is an invalid Unicode code point');
      bytes.push(value);
      i += 2;
    } else {
      throw new StringSyntaxError(`unknown escape sequence ${describeRune(esc)}`);
    }
  }
  return decodeUtf8(bytes);
}

const QUOTE_ESCAPES: Readonly<Record<string, string>> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
  '\\': '\\\\',
  '"': '\\"',
};

/** A string as Go's `strconv.Quote` writes it, in double quotes; escaped bytes (see {@link decodeUtf8}) as `\xNN`. */
export function quoteString(value: string): string {
  let out = '"';
  for (const ch of value) {
    const cp = ch.codePointAt(0) ?? 0;
    const simple = QUOTE_ESCAPES[ch];
    if (simple !== undefined) out += simple;
    else if (cp >= 0xdc80 && cp <= 0xdcff) out += `\\x${(cp - 0xdc00).toString(16).padStart(2, '0')}`;
    else if (cp >= 0xd800 && cp < 0xe000) out += '\\ufffd';
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if ((cp >= 0x80 && cp < 0xa0) || cp === 0x2028 || cp === 0x2029 || cp === 0xfeff) {
      out += `\\u${cp.toString(16).padStart(4, '0')}`;
    } else out += ch;
  }
  return `${out}"`;
}

/** A label name that needs no quotes (Prometheus's legacy label name syntax). */
export function isLegacyLabelName(name: string): boolean {
  return /^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name);
}

/** A metric name that needs no quotes (Prometheus's legacy metric name syntax). */
export function isLegacyMetricName(name: string): boolean {
  return /^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name);
}

/** False when a string holds bytes that were not valid UTF-8 in the query (see {@link decodeUtf8}). */
export function isValidUtf8(value: string): boolean {
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(value);
}
