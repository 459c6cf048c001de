/**
 * JSON text as Prometheus's encoder (json-iterator in its standard-library-compatible mode) writes it, so that vigil's
 * bodies are byte-identical to Prometheus's: HTML-safe strings, Go's number text, no whitespace.
 */

/** Whether a UTF-16 unit is written other than as itself: controls, `"`, `\\`, `<`, `>`, `&`, U+2028/9, surrogates. */
function escaped(code: number): boolean {
  return (
    code < 0x20 ||
    code === 0x22 ||
    code === 0x5c ||
    code === 0x3c ||
    code === 0x3e ||
    code === 0x26 ||
    code === 0x2028 ||
    code === 0x2029 ||
    (code >= 0xd800 && code <= 0xdfff)
  );
}

function needsEscape(value: string): boolean {
  for (let i = 0; i < value.length; i++) if (escaped(value.charCodeAt(i))) return true;
  return false;
}

const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

function unicodeEscape(code: number): string {
  return `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * A JSON string literal as Prometheus writes one. Unlike `JSON.stringify` it escapes `<`, `>` and `&` (HTML-safe
 * mode), U+2028/U+2029, and `\b`/`\f` as `\u0008`/`\u000c`; a lone surrogate (vigil's stand-in for a byte that was not
 * UTF-8) becomes `\ufffd`, as Go replaces each invalid byte.
 */
export function jsonString(value: string): string {
  if (!needsEscape(value)) return `"${value}"`;
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i] as string;
    const code = value.charCodeAt(i);
    const short = SHORT_ESCAPES[ch];
    if (short !== undefined) out += short;
    else if (code < 0x20 || ch === '<' || ch === '>' || ch === '&' || code === 0x2028 || code === 0x2029) {
      out += unicodeEscape(code);
    } else if (code >= 0xd800 && code <= 0xdbff && i + 1 < value.length && isLowSurrogate(value.charCodeAt(i + 1))) {
      out += ch + (value[i + 1] as string);
      i++;
    } else if (code >= 0xd800 && code <= 0xdfff) out += '\\ufffd';
    else out += ch;
  }
  return `${out}"`;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/**
 * A JSON number as Go writes a float64 outside strings (`1.5`, `-0`, `1e-7`, `1e+21`): the shortest text that reads
 * back exactly, which JavaScript's own number text already is, except that Go keeps the sign of zero.
 */
export function jsonNumber(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`JSON has no number ${value}`);
  return Object.is(value, -0) ? '-0' : String(value);
}

/**
 * Any JSON value (strings, finite numbers, booleans, null, arrays, plain objects) with Prometheus's escaping. Object
 * keys keep their order, as Go writes struct fields: build map-like objects with their keys already sorted, since Go
 * sorts the keys of its maps. Properties whose value is `undefined` are left out.
 */
export function jsonValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return jsonString(value);
    case 'number':
      return jsonNumber(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((item: unknown) => jsonValue(item)).join(',')}]`;
      const parts: string[] = [];
      for (const [key, item] of Object.entries(value)) {
        if (item !== undefined) parts.push(`${jsonString(key)}:${jsonValue(item)}`);
      }
      return `{${parts.join(',')}}`;
    }
    default:
      throw new TypeError(`cannot write a ${typeof value} as JSON`);
  }
}
