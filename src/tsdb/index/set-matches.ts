/** Prometheus's cap on the strings a set-match regex may expand to (model/labels/regexp.go maxSetMatches). */
const MAX_SET_MATCHES = 256;

const CONTROL_ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v' };

class NotASet extends Error {}

/** A recursive-descent reader of the literal-only subset: alternation, concatenation, groups, escaped literals. */
class SetParser {
  private i = 0;
  private readonly chars: string[];

  constructor(pattern: string) {
    this.chars = [...pattern];
  }

  parse(): string[] {
    const alternatives = this.alternatives();
    if (this.i !== this.chars.length) throw new NotASet();
    return alternatives;
  }

  /** Every anchor other than one leading `^` and one trailing `$` on a pattern without top-level `|` is refused. */
  stripAnchors(): void {
    const { chars } = this;
    let depth = 0;
    let topLevelBar = false;
    for (let k = 0; k < chars.length; k++) {
      const ch = chars[k];
      if (ch === '\\') k++;
      else if (ch === '(') depth++;
      else if (ch === ')') depth--;
      else if (ch === '|' && depth === 0) topLevelBar = true;
    }
    if (topLevelBar) return;
    if (chars[0] === '^') chars.shift();
    const n = chars.length;
    if (n > 0 && chars[n - 1] === '$' && !isEscaped(chars, n - 1)) chars.pop();
  }

  private alternatives(): string[] {
    const out = this.concatenation();
    while (this.chars[this.i] === '|') {
      this.i++;
      for (const s of this.concatenation()) out.push(s);
      if (out.length > MAX_SET_MATCHES) throw new NotASet();
    }
    return out;
  }

  private concatenation(): string[] {
    let prefixes = [''];
    for (;;) {
      const ch = this.chars[this.i];
      if (ch === undefined || ch === '|' || ch === ')') return prefixes;
      const atoms = this.atom();
      if (prefixes.length * atoms.length > MAX_SET_MATCHES) throw new NotASet();
      prefixes = prefixes.flatMap((prefix) => atoms.map((atom) => prefix + atom));
    }
  }

  private atom(): string[] {
    const ch = this.chars[this.i++] as string;
    if (ch === '(') {
      if (this.chars[this.i] === '?') {
        if (this.chars[this.i + 1] !== ':') throw new NotASet();
        this.i += 2;
      }
      const inner = this.alternatives();
      if (this.chars[this.i] !== ')') throw new NotASet();
      this.i++;
      return inner;
    }
    if (ch === '\\') {
      const next = this.chars[this.i++];
      if (next === undefined) throw new NotASet();
      const control = CONTROL_ESCAPES[next];
      if (control !== undefined) return [control];
      if (/^[!-/:-@[-`{-~]$/.test(next)) return [next];
      throw new NotASet();
    }
    if ('^$.?*+[]{}'.includes(ch)) throw new NotASet();
    return [ch];
  }
}

function isEscaped(chars: readonly string[], k: number): boolean {
  let slashes = 0;
  for (let j = k - 1; j >= 0 && chars[j] === '\\'; j--) slashes++;
  return slashes % 2 === 1;
}

/**
 * The exact strings a label regex matches when it is a plain alternation of literals (`a|b|c`, `(x|y)z`, `^2\.5$`), or
 * null. Prometheus looks postings up for each string of such a set (`SetMatches`) instead of running the regex over
 * every value of the label; queries built by dashboards (`instance=~"a|b|c"`) are mostly of this kind. Only
 * constructs whose meaning is certain are accepted, and anything else falls back to the regex, so the set is always
 * exactly the regex's language.
 */
export function regexSetMatches(pattern: string): string[] | null {
  try {
    const parser = new SetParser(pattern);
    parser.stripAnchors();
    return [...new Set(parser.parse())];
  } catch (error) {
    if (error instanceof NotASet) return null;
    throw error;
  }
}
