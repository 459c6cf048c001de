/**
 * Label regexes are RE2 in Prometheus, anchored at both ends, with `.` matching newlines. JavaScript's syntax is
 * close, but not the same: RE2's inline flags (`(?i)`, `(?i:…)`), named groups `(?P<name>…)`, POSIX classes
 * (`[[:alpha:]]`), `\z`, `\Q…\E` and lone braces are translated here; case-insensitive parts are spelt out as classes
 * (`[pP]`), since Node 20 has no inline modifiers.
 */
export function compileLabelRegex(pattern: string): RegExp {
  let source: string;
  try {
    source = translate(pattern);
    return new RegExp(`^(?:${source})$`, 'su');
  } catch (error) {
    // JavaScript's message repeats the whole compiled pattern; keep only its reason, and quote the query's pattern.
    const message = error instanceof Error ? error.message : String(error);
    const reason = error instanceof SyntaxError ? message.replace(/^.*: /, '') : message;
    throw new Error(`error parsing regexp: ${reason.charAt(0).toLowerCase()}${reason.slice(1)}: \`${pattern}\``);
  }
}

const POSIX_CLASSES: Readonly<Record<string, string>> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

/** Characters that may (or must) be escaped with `\` in a JavaScript `u`-mode pattern outside a class. */
const SYNTAX = '^$\\.*+?()[]{}|/';

function escapeLiteral(ch: string, inClass: boolean): string {
  if (SYNTAX.includes(ch) || (inClass && ch === '-')) return `\\${ch}`;
  return ch;
}

function caseFold(ch: string): string {
  const lower = ch.toLowerCase();
  const upper = ch.toUpperCase();
  return lower === upper || lower.length !== 1 || upper.length !== 1 ? '' : ch === lower ? upper : lower;
}

class Translator {
  private i = 0;
  private out = '';
  /** Case-insensitivity of each open group, innermost last. */
  private readonly fold: boolean[] = [false];

  constructor(private readonly src: string) {}

  private get ci(): boolean {
    return this.fold[this.fold.length - 1] ?? false;
  }

  private set ci(value: boolean) {
    this.fold[this.fold.length - 1] = value;
  }

  run(): string {
    const { src } = this;
    while (this.i < src.length) {
      const ch = src[this.i] ?? '';
      if (ch === '\\') this.escape(false);
      else if (ch === '[') this.charClass();
      else if (ch === '(') this.group();
      else if (ch === ')') {
        this.fold.pop();
        if (this.fold.length === 0) throw new Error('unexpected )');
        this.out += ')';
        this.i++;
      } else if (ch === '{') {
        const repeat = /^\{\d+(?:,\d*)?\}/.exec(src.slice(this.i));
        this.out += repeat ? repeat[0] : '\\{';
        this.i += repeat ? repeat[0].length : 1;
      } else if (ch === '}') {
        this.out += '\\}';
        this.i++;
      } else {
        const other = this.ci ? caseFold(ch) : '';
        this.out += other ? `[${ch}${other}]` : ch;
        this.i += ch.length;
      }
    }
    if (this.fold.length !== 1) throw new Error('missing closing )');
    return this.out;
  }

  /** An escape at `i`; returns the JavaScript text, appending it to the output unless inside a class. */
  private escape(inClass: boolean): string {
    const { src } = this;
    const next = src[this.i + 1];
    if (next === undefined) throw new Error('trailing backslash at end of expression');
    let text: string;
    if (next === 'Q') {
      const end = src.indexOf('\\E', this.i + 2);
      const literal = src.slice(this.i + 2, end === -1 ? undefined : end);
      text = [...literal].map((c) => escapeLiteral(c, inClass)).join('');
      this.i = end === -1 ? src.length : end + 2;
    } else if (next === 'z') {
      text = '$';
      this.i += 2;
    } else if (next === 'x' && src[this.i + 2] === '{') {
      const end = src.indexOf('}', this.i);
      text = `\\u{${src.slice(this.i + 3, end)}}`;
      this.i = end + 1;
    } else if ((next === 'p' || next === 'P') && src[this.i + 2] !== '{') {
      text = `\\${next}{${src[this.i + 2] ?? ''}}`;
      this.i += 3;
    } else if (/[A-Za-z0-9]/.test(next)) {
      const braced = /^\\[pP]\{[^}]*\}/.exec(src.slice(this.i));
      text = braced ? braced[0] : `\\${next}`;
      this.i += braced ? braced[0].length : 2;
    } else {
      text = escapeLiteral(next, inClass);
      this.i += 2;
    }
    if (!inClass) this.out += text;
    return text;
  }

  private charClass(): void {
    const { src } = this;
    let body = '';
    this.i++;
    if (src[this.i] === '^') {
      body += '^';
      this.i++;
    }
    let first = true;
    while (this.i < src.length && (src[this.i] !== ']' || first)) {
      first = false;
      const posix = /^\[:(\^?)([a-z]+):\]/.exec(src.slice(this.i));
      if (posix) {
        const set = POSIX_CLASSES[posix[2] ?? ''];
        if (set === undefined || posix[1]) throw new Error(`invalid character class range: ${posix[0]}`);
        body += set;
        this.i += posix[0].length;
        continue;
      }
      const ch = src[this.i] ?? '';
      if (ch === '\\') {
        body += this.escape(true);
        continue;
      }
      const range = /^(.)-([^\]])/su.exec(src.slice(this.i));
      if (range && range[1] !== '\\' && range[2] !== '\\') {
        const [, lo = '', hi = ''] = range;
        body += `${escapeLiteral(lo, true)}-${escapeLiteral(hi, true)}`;
        if (this.ci && /[a-z]/i.test(lo) && /[a-z]/i.test(hi) && caseFold(lo) && caseFold(hi)) {
          body += `${caseFold(lo)}-${caseFold(hi)}`;
        }
        this.i += range[0].length;
        continue;
      }
      body += escapeLiteral(ch, true) + (this.ci ? caseFold(ch) : '');
      this.i += ch.length;
    }
    if (src[this.i] !== ']') throw new Error('missing closing ]');
    this.i++;
    this.out += `[${body}]`;
  }

  private group(): void {
    const rest = this.src.slice(this.i);
    const flags = /^\(\?([imsU]*)(?:-([imsU]*))?(\)|:)/.exec(rest);
    if (flags && (flags[1] || flags[2])) {
      const on = (flags[1] ?? '').includes('i');
      const off = (flags[2] ?? '').includes('i');
      const ci = on ? true : off ? false : this.ci;
      this.i += flags[0].length;
      if (flags[3] === ')') {
        this.ci = ci;
        return;
      }
      this.fold.push(ci);
      this.out += '(?:';
      return;
    }
    const named = /^\(\?P?<([A-Za-z_][A-Za-z0-9_]*)>/.exec(rest);
    if (named) {
      this.out += `(?<${named[1] ?? ''}>`;
      this.i += named[0].length;
    } else if (rest.startsWith('(?:')) {
      this.out += '(?:';
      this.i += 3;
    } else if (rest.startsWith('(?')) {
      throw new Error(`invalid or unsupported Perl syntax: \`${rest.slice(0, 3)}\``);
    } else {
      this.out += '(';
      this.i += 1;
    }
    this.fold.push(this.ci);
  }
}

function translate(pattern: string): string {
  return new Translator(pattern).run();
}
