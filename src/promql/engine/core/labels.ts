/**
 * Label sets as the engine keeps them: sorted by name, no empty values (an empty value means "no such label", as in
 * Prometheus), immutable. `labelsKey` gives a string that is equal for equal sets, for maps and grouping.
 */

export interface Label {
  readonly name: string;
  readonly value: string;
}

export type Labels = readonly Label[];

export const METRIC_NAME = '__name__';

const EMPTY: Labels = [];

function byName(a: Label, b: Label): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** A label set from name/value pairs; empty values are left out, a later duplicate name wins. */
export function labelsFrom(pairs: Readonly<Record<string, string>> | Iterable<readonly [string, string]>): Labels {
  const entries =
    Symbol.iterator in pairs ? [...(pairs as Iterable<readonly [string, string]>)] : Object.entries(pairs);
  const byKey = new Map<string, string>();
  for (const [name, value] of entries) byKey.set(name, value);
  const out: Label[] = [];
  for (const [name, value] of byKey) if (value !== '') out.push({ name, value });
  return out.length === 0 ? EMPTY : out.sort(byName);
}

export function getLabel(labels: Labels, name: string): string {
  for (const label of labels) if (label.name === name) return label.value;
  return '';
}

/** The set with `name` set to `value`, or removed when `value` is empty. */
export function setLabel(labels: Labels, name: string, value: string): Labels {
  const out = labels.filter((label) => label.name !== name);
  if (value !== '') {
    out.push({ name, value });
    out.sort(byName);
  }
  return out;
}

export function dropLabels(labels: Labels, names: ReadonlySet<string>): Labels {
  return labels.some((label) => names.has(label.name)) ? labels.filter((label) => !names.has(label.name)) : labels;
}

export function dropMetricName(labels: Labels): Labels {
  return labels.length > 0 && labels[0]?.name === METRIC_NAME
    ? labels.slice(1)
    : labels.filter((l) => l.name !== METRIC_NAME);
}

/** Equal for equal label sets; cheap enough to be computed once per series and used as a map key. */
export function labelsKey(labels: Labels): string {
  let key = '';
  for (const label of labels) key += `${label.name}\u0000${label.value}\u0001`;
  return key;
}

/** Prometheus's order of label sets (labels.Compare): name by name, then value, then length. */
export function compareLabels(a: Labels, b: Labels): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] as Label;
    const y = b[i] as Label;
    if (x.name !== y.name) return x.name < y.name ? -1 : 1;
    if (x.value !== y.value) return x.value < y.value ? -1 : 1;
  }
  return a.length - b.length;
}

/** `{__name__="up", job="api"}` as Prometheus prints a label set in errors. */
export function formatLabels(labels: Labels): string {
  return `{${labels.map((label) => `${label.name}=${JSON.stringify(label.value)}`).join(', ')}}`;
}
