import type { LabelMatcher } from '../../promql/ast.js';
import { compileLabelRegex } from '../../promql/regex.js';
import type { IndexReader } from './index-reader.js';
import { intersectPostings, subtractPostings, unionPostings } from './postings.js';
import { regexSetMatches } from './set-matches.js';

const EMPTY = new Uint32Array(0);

interface Compiled {
  readonly m: LabelMatcher;
  readonly matches: (value: string) => boolean;
  readonly isNot: boolean;
}

function compile(m: LabelMatcher): Compiled {
  switch (m.type) {
    case '=':
      return { m, matches: (v) => v === m.value, isNot: false };
    case '!=':
      return { m, matches: (v) => v !== m.value, isNot: true };
    case '=~': {
      const re = compileLabelRegex(m.value);
      return { m, matches: (v) => re.test(v), isNot: false };
    }
    case '!~': {
      const re = compileLabelRegex(m.value);
      return { m, matches: (v) => !re.test(v), isNot: true };
    }
  }
}

/** The literal set of a regex matcher, kept only where the regex agrees (so a parser slip can never add series). */
function setMatches(c: Compiled): string[] | null {
  const set = regexSetMatches(c.m.value);
  if (set === null) return null;
  const positive = c.isNot ? (v: string) => !c.matches(v) : c.matches;
  return set.filter(positive);
}

function postingsOfValues(index: IndexReader, name: string, values: readonly string[]): Uint32Array {
  return unionPostings(values.map((value) => index.postings(name, value)));
}

function postingsWhere(index: IndexReader, name: string, keep: (value: string) => boolean): Uint32Array {
  return postingsOfValues(index, name, index.labelValues(name).filter(keep));
}

/** Series that have the label and match `c` (tsdb/querier.go postingsForMatcher); never series without the label. */
function postingsForMatcher(index: IndexReader, c: Compiled): Uint32Array {
  const { m } = c;
  if (m.type === '=') return index.postings(m.name, m.value);
  if (m.type === '=~') {
    const set = setMatches(c);
    if (set !== null && set.length > 0) return postingsOfValues(index, m.name, set);
  }
  return postingsWhere(index, m.name, c.matches);
}

/** Series that have the label and do NOT match `c` (tsdb/querier.go inversePostingsForMatcher). */
function inversePostingsForMatcher(index: IndexReader, c: Compiled): Uint32Array {
  const { m } = c;
  if (m.type === '!~') {
    const set = setMatches(c);
    if (set !== null && set.length > 0) return postingsOfValues(index, m.name, set);
  }
  if (m.type === '!=') return index.postings(m.name, m.value);
  if (m.value === '' && (m.type === '=~' || m.type === '=')) return postingsWhere(index, m.name, () => true);
  return postingsWhere(index, m.name, (v) => !c.matches(v));
}

function invert(c: Compiled): Compiled {
  const types = { '=': '!=', '!=': '=', '=~': '!~', '!~': '=~' } as const;
  return compile({ type: types[c.m.type], name: c.m.name, value: c.m.value });
}

/**
 * The ids of the series matching every matcher, ascending — Prometheus's PostingsForMatchers (tsdb/querier.go) step
 * for step, so a selector selects the same series here as there. A matcher that matches the empty string also selects
 * series without its label (`l=""`, `l!="v"`, `l=~"|a"`, `l!~"a"`); such matchers are applied by subtracting the
 * postings of the values they reject, and a selector made only of them starts from every series. Matchers that cannot
 * match "" intersect, before any subtraction, so the base is as small as possible; a label that some matcher requires
 * to be set turns that label's negative matchers into plain subtractions (`{l=~".+", l!="1"}`). `=~".*"` is a no-op,
 * `!~".*"` selects nothing, `=~".+"` / `!~".+"` use every value of the label, and `=~"a|b|c"` looks the literal set up
 * instead of running the regex over every value.
 */
export function postingsForMatchers(index: IndexReader, matchers: readonly LabelMatcher[]): Uint32Array {
  const first = matchers[0];
  if (matchers.length === 1 && first !== undefined && first.name === '' && first.value === '') {
    return index.allPostings();
  }
  const compiled = matchers.map(compile);
  const labelMustBeSet = new Set<string>();
  for (const c of compiled) if (!c.matches('')) labelMustBeSet.add(c.m.name);
  const isSubtracting = (c: Compiled): boolean => !labelMustBeSet.has(c.m.name) || (c.isNot && c.matches(''));

  const its: Uint32Array[] = [];
  const notIts: Uint32Array[] = [];
  const intersecting = compiled.filter((c) => !isSubtracting(c));
  const subtracting = compiled.filter(isSubtracting);
  if (intersecting.length === 0 && subtracting.length > 0) its.push(index.allPostings());

  for (const c of [...intersecting, ...subtracting]) {
    const { m } = c;
    if (m.name === '' && m.value === '') throw new Error('unexpected all postings');
    if (m.type === '=~' && m.value === '.*') continue;
    if (m.type === '!~' && m.value === '.*') return EMPTY;
    if (m.type === '=~' && m.value === '.+') {
      const it = postingsWhere(index, m.name, () => true);
      if (it.length === 0) return EMPTY;
      its.push(it);
    } else if (m.type === '!~' && m.value === '.+') {
      notIts.push(postingsWhere(index, m.name, () => true));
    } else if (labelMustBeSet.has(m.name)) {
      const matchesEmpty = c.matches('');
      if (c.isNot && matchesEmpty) {
        // l!="foo" on a label that must be set: remove the series where it has the rejected value.
        notIts.push(postingsForMatcher(index, invert(c)));
      } else if (c.isNot) {
        // l!="": the series that have the label with any value the inverse rejects.
        const it = inversePostingsForMatcher(index, invert(c));
        if (it.length === 0) return EMPTY;
        its.push(it);
      } else {
        const it = postingsForMatcher(index, c);
        if (it.length === 0) return EMPTY;
        its.push(it);
      }
    } else {
      // A matcher selecting "" also selects series without the label (prometheus/prometheus#3575).
      notIts.push(inversePostingsForMatcher(index, c));
    }
  }

  if (its.length === 0) return EMPTY;
  its.sort((a, b) => a.length - b.length);
  let result = its[0] as Uint32Array;
  for (let i = 1; i < its.length && result.length > 0; i++) result = intersectPostings(result, its[i] as Uint32Array);
  for (const not of notIts) {
    if (result.length === 0) break;
    result = subtractPostings(result, not);
  }
  return result;
}
