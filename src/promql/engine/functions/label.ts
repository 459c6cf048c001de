import { isValidUtf8 } from '../../literals.js';
import { compileLabelRegex } from '../../regex.js';
import { getLabel, setLabel, type Labels } from '../core/labels.js';

/**
 * label_replace for one series: when `regex` matches the whole value of `src` (an absent label reads as ""), `dst`
 * is set to `replacement` with `$1`, `${name}`… expanded by Go's `regexp.Expand` rules; otherwise the labels are
 * returned as they are. An empty result removes `dst`. Throws Prometheus's errors for a bad regex or destination.
 */
export function labelReplace(labels: Labels, dst: string, replacement: string, src: string, regex: string): Labels {
  let re: RegExp;
  try {
    re = compileLabelRegex(regex);
  } catch {
    throw new Error(`invalid regular expression in label_replace(): ${regex}`);
  }
  if (!isValidLabelName(dst)) throw new Error(`invalid destination label name in label_replace(): ${dst}`);
  const match = re.exec(getLabel(labels, src));
  if (!match) return labels;
  return setLabel(labels, dst, expandTemplate(replacement, match));
}

/**
 * label_join for one series: `dst` set to the values of `srcs` (absent ones as "") joined by `separator`; an empty
 * result removes `dst`. Throws Prometheus's errors for an invalid source or destination label name.
 */
export function labelJoin(labels: Labels, dst: string, separator: string, srcs: readonly string[]): Labels {
  for (const src of srcs) {
    if (!isValidLabelName(src)) throw new Error(`invalid source label name in label_join(): ${src}`);
  }
  if (!isValidLabelName(dst)) throw new Error(`invalid destination label name in label_join(): ${dst}`);
  return setLabel(labels, dst, srcs.map((src) => getLabel(labels, src)).join(separator));
}

/** Prometheus 3 accepts any non-empty UTF-8 string as a label name. */
function isValidLabelName(name: string): boolean {
  return name !== '' && isValidUtf8(name);
}

/**
 * Go's `regexp.Expand`, which differs from JavaScript's `replace` patterns: `$$` is a `$`; `$name` takes the longest
 * run of letters, digits and `_` as the name (so `$1x` is the group named "1x", usually absent, hence empty) and
 * `${name}` delimits it; a name of digits without a leading zero is a group number; an unknown or non-participating
 * group expands to nothing; a `$` not followed by a name is kept as is.
 */
function expandTemplate(template: string, match: RegExpExecArray): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const dollar = template.indexOf('$', i);
    if (dollar === -1) break;
    out += template.slice(i, dollar);
    i = dollar + 1;
    if (template[i] === '$') {
      out += '$';
      i++;
      continue;
    }
    const ref = readReference(template, i);
    if (!ref) {
      out += '$';
      continue;
    }
    i = ref.end;
    out += groupText(match, ref.name);
  }
  return out + template.slice(i);
}

const NAME_RUN = /^[\p{L}\p{Nd}_]+/u;

function readReference(template: string, at: number): { name: string; end: number } | undefined {
  const braced = template[at] === '{';
  const start = braced ? at + 1 : at;
  const name = NAME_RUN.exec(template.slice(start))?.[0];
  if (!name) return undefined;
  let end = start + name.length;
  if (braced) {
    if (template[end] !== '}') return undefined;
    end++;
  }
  return { name, end };
}

function groupText(match: RegExpExecArray, name: string): string {
  // Go reads at most 9 digits as a number; anything longer, or with a leading zero, is looked up as a name.
  if (/^(0|[1-9]\d{0,8})$/.test(name)) return match[Number(name)] ?? '';
  const groups = match.groups;
  return groups && Object.hasOwn(groups, name) ? (groups[name] ?? '') : '';
}
