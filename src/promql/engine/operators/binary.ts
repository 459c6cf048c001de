import { isComparisonOp, isSetOp, type BinaryExpr, type BinaryOp, type VectorMatching } from '../../ast.js';
import { SeriesCollector, type MutableSeries } from '../core/collector.js';
import type { EvalContext } from '../context.js';
import {
  formatLabels,
  getLabel,
  labelsFrom,
  labelsKey,
  METRIC_NAME,
  setLabel,
  type Label,
  type Labels,
} from '../core/labels.js';
import { arithmetic, compare } from './arithmetic.js';
import { EvaluationError } from '../result.js';
import { HISTOGRAM, type StepSeries, type Steps } from '../core/types.js';
import { histogramBinop, type Outcome } from '../histograms/native/operators.js';
import type { ScalarValue, Value } from '../core/value.js';

export async function evalBinary(ev: EvalContext, expr: BinaryExpr, steps: Steps): Promise<Value> {
  const lhs = await ev.eval(expr.lhs, steps);
  const rhs = await ev.eval(expr.rhs, steps);
  const { op } = expr;
  if (lhs.kind === 'scalar' && rhs.kind === 'scalar') {
    const values = lhs.values.map((l, i) => {
      const r = rhs.values[i] as number;
      return isComparisonOp(op) ? (compare(op, l, r) ? 1 : 0) : arithmetic(op, l, r);
    });
    return { kind: 'scalar', values };
  }
  if (lhs.kind === 'vector' && rhs.kind === 'scalar') return vectorScalar(ev, expr, lhs.series, rhs, false);
  if (lhs.kind === 'scalar' && rhs.kind === 'vector') return vectorScalar(ev, expr, rhs.series, lhs, true);
  if (lhs.kind === 'vector' && rhs.kind === 'vector') {
    ev.checkpoint();
    if (isSetOp(op)) return setOperation(op, lhs.series, rhs.series, expr.matching, steps.count);
    return vectorVector(ev, expr, lhs.series, rhs.series, steps.count);
  }
  throw new EvaluationError(`binary operator ${op} between ${lhs.kind} and ${rhs.kind}`);
}

/** Arithmetic operators compute a new quantity, so the result no longer has the metric's name. */
function changesMetric(op: BinaryOp): boolean {
  return !isComparisonOp(op) && !isSetOp(op);
}

/** `vector op scalar` (or `scalar op vector` with `swap`): per element; a comparison keeps the vector's value. */
function vectorScalar(
  ev: EvalContext,
  expr: BinaryExpr,
  series: readonly StepSeries[],
  scalar: ScalarValue,
  swap: boolean,
): Value {
  const { op, returnBool } = expr;
  const out: StepSeries[] = [];
  const comparison = isComparisonOp(op);
  for (const s of series) {
    const target: MutableSeries = {
      labels: s.labels,
      values: new Float64Array(s.values.length),
      present: new Uint8Array(s.values.length),
      dropName: s.dropName || changesMetric(op) || returnBool,
    };
    for (let i = 0; i < s.values.length; i++) {
      if (s.present[i] === 0) continue;
      const k = scalar.values[i] as number;
      const histogram = s.present[i] === HISTOGRAM ? s.histograms?.[i] : undefined;
      if (histogram) {
        const own = { f: 0, h: histogram };
        const other = { f: k, h: undefined };
        const outcome = histogramBinop(ev, op, swap ? other : own, swap ? own : other, expr.pos);
        if (outcome) setOutcome(target, i, outcome, comparison, returnBool);
        continue;
      }
      const v = s.values[i] as number;
      const [l, r] = swap ? [k, v] : [v, k];
      if (comparison) {
        const keep = compare(op, l, r);
        if (!keep && !returnBool) continue;
        SeriesCollector.set(target, i, returnBool ? (keep ? 1 : 0) : v);
      } else {
        SeriesCollector.set(target, i, arithmetic(op, l, r));
      }
    }
    if (target.present.some((p) => p !== 0)) out.push(target);
  }
  return { kind: 'vector', series: out };
}

/** Writes the outcome of a histogram operation: comparisons filter (or give 0/1 with `bool`), others give a value. */
function setOutcome(
  target: MutableSeries,
  step: number,
  outcome: Outcome,
  comparison: boolean,
  returnBool: boolean,
): void {
  if (comparison && returnBool) SeriesCollector.set(target, step, outcome.keep ? 1 : 0);
  else if (!outcome.keep) return;
  else if (outcome.h) SeriesCollector.setHistogram(target, step, outcome.h);
  else SeriesCollector.set(target, step, outcome.f);
}

/** The key vector matching compares: the `on` labels, or all labels but the `ignoring` ones and the name. */
function signature(matching: VectorMatching): (labels: Labels) => string {
  const names = [...matching.matchingLabels].sort();
  if (matching.on) {
    return (labels) => {
      let key = '';
      for (const name of names) key += `${name}\u0000${getLabel(labels, name)}\u0001`;
      return key;
    };
  }
  const ignored = new Set([...names, METRIC_NAME]);
  return (labels) => {
    let key = '';
    for (const label of labels) if (!ignored.has(label.name)) key += `${label.name}\u0000${label.value}\u0001`;
    return key;
  };
}

/** The labels a match group is shown with in errors. */
function matchedLabels(labels: Labels, matching: VectorMatching): Labels {
  if (matching.on) return labels.filter((label) => matching.matchingLabels.includes(label.name));
  return labels.filter((label) => label.name !== METRIC_NAME && !matching.matchingLabels.includes(label.name));
}

/** Per match group, the steps at which any series of the group has a value. */
function groupPresence(
  series: readonly StepSeries[],
  sig: (labels: Labels) => string,
  count: number,
): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const s of series) {
    const key = sig(s.labels);
    let present = out.get(key);
    if (!present) {
      present = new Uint8Array(count);
      out.set(key, present);
    }
    for (let i = 0; i < count; i++) if (s.present[i] !== 0) present[i] = 1;
  }
  return out;
}

function setOperation(
  op: BinaryOp,
  lhs: readonly StepSeries[],
  rhs: readonly StepSeries[],
  matching: VectorMatching,
  count: number,
): Value {
  const sig = signature(matching);
  const filter = (
    series: readonly StepSeries[],
    other: Map<string, Uint8Array>,
    keepMatched: boolean,
  ): StepSeries[] => {
    const out: StepSeries[] = [];
    for (const s of series) {
      const groupPresent = other.get(sig(s.labels));
      const present = s.present.map((p, i) => (p !== 0 && (groupPresent?.[i] === 1) === keepMatched ? p : 0));
      if (present.some((p) => p !== 0)) out.push({ ...s, present });
    }
    return out;
  };
  switch (op) {
    case 'and':
      return { kind: 'vector', series: filter(lhs, groupPresence(rhs, sig, count), true) };
    case 'unless':
      return { kind: 'vector', series: filter(lhs, groupPresence(rhs, sig, count), false) };
    default: {
      // `or`: all of the left side, and the right side's series where the left has nothing for their group.
      const fromRight = filter(rhs, groupPresence(lhs, sig, count), false);
      const collector = new SeriesCollector(count);
      for (const s of [...lhs, ...fromRight]) {
        const target = collector.series(s.labels, s.dropName);
        for (let i = 0; i < count; i++) SeriesCollector.copy(target, i, s);
      }
      return { kind: 'vector', series: collector.result() };
    }
  }
}

/** Prometheus's resultMetric: the labels of a result of `many op one`. */
function resultLabels(many: Labels, one: Labels, op: BinaryOp, matching: VectorMatching): Labels {
  let labels: readonly Label[] = many;
  if (changesMetric(op)) labels = labels.filter((label) => label.name !== METRIC_NAME);
  if (matching.card === 'one-to-one') {
    const names = new Set(matching.matchingLabels);
    labels = labels.filter((label) => names.has(label.name) === matching.on);
  }
  for (const name of matching.include) labels = setLabel(labels, name, getLabel(one, name));
  return labelsFrom(labels.map((label) => [label.name, label.value] as const));
}

/** Arithmetic and comparison between two vectors, with one-to-one, many-to-one or one-to-many matching. */
function vectorVector(
  ev: EvalContext,
  expr: BinaryExpr,
  lhsSeries: readonly StepSeries[],
  rhsSeries: readonly StepSeries[],
  count: number,
): Value {
  const { op, returnBool, matching } = expr;
  if (lhsSeries.length === 0 || rhsSeries.length === 0) return { kind: 'vector', series: [] };
  const swapped = matching.card === 'one-to-many';
  const many = swapped ? rhsSeries : lhsSeries;
  const one = swapped ? lhsSeries : rhsSeries;
  const sig = signature(matching);
  const oneByGroup = new Map<string, StepSeries[]>();
  for (const s of one) {
    const key = sig(s.labels);
    const list = oneByGroup.get(key);
    if (list) list.push(s);
    else oneByGroup.set(key, [s]);
  }
  const oneSide = swapped ? 'left' : 'right';
  /** The "one" series of a group at a step; two there is Prometheus's many-to-many error. */
  const oneAt = (group: readonly StepSeries[], i: number): StepSeries | undefined => {
    let found: StepSeries | undefined;
    for (const s of group) {
      if (s.present[i] === 0) continue;
      if (found) {
        const [a, b] = [formatLabels(s.labels), formatLabels(found.labels)].sort();
        throw new EvaluationError(
          `found duplicate series for the match group ${formatLabels(matchedLabels(s.labels, matching))} on the ${oneSide} hand-side of the operation: [${a}, ${b}];many-to-many matching not allowed: matching labels must be unique on one side`,
        );
      }
      found = s;
    }
    return found;
  };
  const comparison = isComparisonOp(op);
  const collector = new SeriesCollector(count);
  const outputs = new Map<StepSeries, Map<StepSeries, MutableSeries>>();
  const matchedAt = new Map<string, Uint8Array>();
  for (const m of many) {
    const key = sig(m.labels);
    const group = oneByGroup.get(key);
    if (!group) continue;
    for (let i = 0; i < count; i++) {
      if (m.present[i] === 0) continue;
      const o = oneAt(group, i);
      if (!o) continue;
      if (matching.card === 'one-to-one') {
        let matched = matchedAt.get(key);
        if (!matched) {
          matched = new Uint8Array(count);
          matchedAt.set(key, matched);
        }
        if (matched[i] === 1) {
          throw new EvaluationError(
            'multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)',
          );
        }
        matched[i] = 1;
      }
      const mh = m.present[i] === HISTOGRAM ? m.histograms?.[i] : undefined;
      const oh = o.present[i] === HISTOGRAM ? o.histograms?.[i] : undefined;
      let outcome: Outcome | null;
      if (mh || oh) {
        const mine = { f: m.values[i] as number, h: mh };
        const theirs = { f: o.values[i] as number, h: oh };
        outcome = histogramBinop(ev, op, swapped ? theirs : mine, swapped ? mine : theirs, expr.pos);
      } else {
        const mv = m.values[i] as number;
        const ov = o.values[i] as number;
        const [l, r] = swapped ? [ov, mv] : [mv, ov];
        outcome = comparison ? { f: l, keep: compare(op, l, r) } : { f: arithmetic(op, l, r), keep: true };
      }
      if (!outcome || (!outcome.keep && !returnBool)) continue;
      let byOne = outputs.get(m);
      if (!byOne) {
        byOne = new Map();
        outputs.set(m, byOne);
      }
      let target = byOne.get(o);
      if (!target) {
        const labels = resultLabels(m.labels, o.labels, op, matching);
        target = collector.series(labels, returnBool, labelsKey(labels));
        byOne.set(o, target);
      }
      if (target.present[i] !== 0 && matching.card !== 'one-to-one') {
        throw new EvaluationError('multiple matches for labels: grouping labels must ensure unique matches');
      }
      setOutcome(target, i, outcome, comparison, returnBool);
    }
  }
  return { kind: 'vector', series: collector.result() };
}
