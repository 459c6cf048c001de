import type { AggregateExpr } from '../../ast.js';
import { formatNumber, isValidUtf8, quoteString } from '../../literals.js';
import { SeriesCollector, type MutableSeries } from '../core/collector.js';
import { div, kahanSum } from '../histograms/native/arithmetic.js';
import type { FloatHistogram } from '../histograms/native/float-histogram.js';
import { compact } from '../histograms/native/layout.js';
import { histogramText } from '../histograms/native/functions.js';
import { checkQuantile } from '../core/annotations.js';
import type { EvalContext } from '../context.js';
import { quantile } from '../functions/quantile.js';
import { kahanAdd } from '../core/kahan.js';
import { labelsKey, METRIC_NAME, setLabel, type Labels } from '../core/labels.js';
import { EvaluationError } from '../result.js';
import { FLOAT, HISTOGRAM, type StepSeries, type Steps } from '../core/types.js';
import type { Value } from '../core/value.js';

interface Grouping {
  /** Group index of each input series. */
  readonly groupOf: Int32Array;
  /** Labels of each group, in order of first appearance. */
  readonly labels: Labels[];
}

/** Groups are computed once per series, not once per step. */
function groupSeries(series: readonly StepSeries[], expr: AggregateExpr): Grouping {
  const names = new Set(expr.grouping);
  if (expr.without) names.add(METRIC_NAME);
  const index = new Map<string, number>();
  const labels: Labels[] = [];
  const groupOf = new Int32Array(series.length);
  series.forEach((s, i) => {
    const groupLabels = s.labels.filter((label) => names.has(label.name) !== expr.without);
    const key = labelsKey(groupLabels);
    let group = index.get(key);
    if (group === undefined) {
      group = labels.length;
      index.set(key, group);
      labels.push(groupLabels);
    }
    groupOf[i] = group;
  });
  return { groupOf, labels };
}

export async function evalAggregate(ev: EvalContext, expr: AggregateExpr, steps: Steps): Promise<Value> {
  let param: Value | undefined;
  if (expr.param) param = await ev.eval(expr.param, steps);
  const input = await ev.eval(expr.expr, steps);
  if (input.kind !== 'vector') throw new EvaluationError(`${expr.op} expects an instant vector`);
  ev.checkpoint();
  const series = input.series;
  const grouping = groupSeries(series, expr);
  switch (expr.op) {
    case 'topk':
    case 'bottomk':
    case 'limitk':
      if (expr.op !== 'limitk' && series.some((s) => s.present.includes(HISTOGRAM))) {
        ev.annotate('info', `ignored histogram in ${expr.op} aggregation`, expr.pos);
      }
      return selectK(expr.op, series, grouping, scalarParam(param), steps.count);
    case 'count_values':
      return countValues(series, grouping, stringParam(param), steps.count);
    case 'limit_ratio': {
      // Prometheus samples series by a hash of their labels; vigil checks the ratio as it does, then declines.
      const ratio = scalarParam(param);
      if (ratio.every((r) => r === 0)) return { kind: 'vector', series: [] };
      if (ratio.some(Number.isNaN)) throw new EvaluationError('Ratio value is NaN');
      throw new EvaluationError("limit_ratio is not supported by vigil's engine");
    }
    case 'quantile':
      if (param?.kind === 'scalar' && expr.param) {
        const values = [...param.values];
        if (values.some(Number.isNaN)) checkQuantile(ev, Number.NaN, expr.param);
        if (Math.max(...values) > 1) checkQuantile(ev, Math.max(...values), expr.param);
        if (Math.min(...values) < 0) checkQuantile(ev, Math.min(...values), expr.param);
      }
      return reduce(ev, expr, series, grouping, param?.kind === 'scalar' ? param.values : undefined, steps.count);
    default:
      return reduce(ev, expr, series, grouping, param?.kind === 'scalar' ? param.values : undefined, steps.count);
  }
}

function scalarParam(param: Value | undefined): Float64Array {
  if (param?.kind !== 'scalar') throw new EvaluationError('expected a scalar parameter');
  return param.values;
}

function stringParam(param: Value | undefined): string {
  if (param?.kind !== 'string') throw new EvaluationError('expected a string parameter');
  return param.value;
}

/** The aggregations that fold each group to one number per step: sum, avg, min, max, count, group, stddev… */
function reduce(
  ev: EvalContext,
  expr: AggregateExpr,
  series: readonly StepSeries[],
  { groupOf, labels }: Grouping,
  param: Float64Array | undefined,
  count: number,
): Value {
  const op = expr.op;
  const groups = labels.length;
  const out = labels.map((groupLabels): MutableSeries => ({
    labels: groupLabels,
    values: new Float64Array(count),
    present: new Uint8Array(count),
    dropName: false,
  }));
  /** sum and avg add native histograms too; the other aggregations leave them out with an info annotation. */
  const addsHistograms = op === 'sum' || op === 'avg';
  const countsHistograms = op === 'count' || op === 'group';
  const histogramMembers: FloatHistogram[][] = addsHistograms ? labels.map(() => []) : [];
  let ignoredHistograms = false;
  const seen = new Uint8Array(groups);
  const value = new Float64Array(groups);
  const comp = new Float64Array(groups);
  const mean = new Float64Array(groups);
  const n = new Float64Array(groups);
  const incremental = new Uint8Array(groups);
  const members: number[][] = op === 'quantile' ? labels.map(() => []) : [];
  for (let i = 0; i < count; i++) {
    seen.fill(0);
    for (const list of members) list.length = 0;
    for (const list of histogramMembers) list.length = 0;
    for (let s = 0; s < series.length; s++) {
      const input = series[s] as StepSeries;
      const kind = input.present[i];
      if (kind === 0) continue;
      const g = groupOf[s] as number;
      if (kind === HISTOGRAM && !countsHistograms) {
        const histogram = input.histograms?.[i];
        if (addsHistograms && histogram) histogramMembers[g]?.push(histogram);
        else ignoredHistograms = true;
        if (input.dropName) (out[g] as MutableSeries).dropName = true;
        continue;
      }
      const f = input.values[i] as number;
      const target = out[g] as (typeof out)[number];
      if (input.dropName) target.dropName = true;
      if (seen[g] === 0) {
        seen[g] = 1;
        value[g] = f;
        mean[g] = f;
        comp[g] = 0;
        n[g] = 1;
        incremental[g] = 0;
        if (op === 'stddev' || op === 'stdvar') value[g] = Number.isFinite(f) ? 0 : Number.NaN;
        if (op === 'group') value[g] = 1;
        if (op === 'quantile') members[g]?.push(f);
        continue;
      }
      switch (op) {
        case 'sum':
          kahanAdd(value, comp, g, f);
          break;
        case 'avg': {
          const count = (n[g] as number) + 1;
          n[g] = count;
          if (incremental[g] === 0) {
            const sum = (value[g] as number) + f;
            if (sum !== Infinity && sum !== -Infinity) {
              kahanAdd(value, comp, g, f);
              break;
            }
            // The sum would overflow: carry on with a running mean, as Prometheus does.
            incremental[g] = 1;
            mean[g] = (value[g] as number) / (count - 1);
            comp[g] = (comp[g] as number) / (count - 1);
          }
          const q = (count - 1) / count;
          mean[g] = q * (mean[g] as number);
          comp[g] = q * (comp[g] as number);
          kahanAdd(mean, comp, g, f / count);
          break;
        }
        case 'max':
          if ((value[g] as number) < f || Number.isNaN(value[g] as number)) value[g] = f;
          break;
        case 'min':
          if ((value[g] as number) > f || Number.isNaN(value[g] as number)) value[g] = f;
          break;
        case 'count':
          n[g] = (n[g] as number) + 1;
          break;
        case 'stddev':
        case 'stdvar': {
          const count = (n[g] as number) + 1;
          n[g] = count;
          const delta = f - (mean[g] as number);
          mean[g] = (mean[g] as number) + delta / count;
          value[g] = (value[g] as number) + delta * (f - (mean[g] as number));
          break;
        }
        case 'quantile':
          members[g]?.push(f);
          break;
        default:
          break;
      }
    }
    for (let g = 0; g < groups; g++) {
      const target = out[g] as MutableSeries;
      const histograms = histogramMembers[g];
      if (histograms && histograms.length > 0) {
        if (seen[g] === 1) {
          ev.annotate('warning', 'encountered a mix of histograms and floats for aggregation', expr.expr.pos);
          continue;
        }
        const sum = kahanSum(histograms);
        if (!sum) {
          const message = 'vector contains a mix of histograms with exponential and custom buckets schemas';
          ev.annotate('warning', message, expr.expr.pos);
          continue;
        }
        const total = compact(sum);
        SeriesCollector.setHistogram(target, i, op === 'avg' ? compact(div(total, histograms.length)) : total);
        continue;
      }
      if (seen[g] !== 1) continue;
      target.present[i] = FLOAT;
      target.values[i] = finish(op, g, i);
    }
  }
  if (ignoredHistograms) ev.annotate('info', `ignored histogram in ${op} aggregation`, expr.expr.pos);
  return { kind: 'vector', series: out.filter((s) => s.present.some((p) => p !== 0)) };

  function finish(operator: AggregateExpr['op'], g: number, i: number): number {
    const v = value[g] as number;
    const count = n[g] as number;
    switch (operator) {
      case 'sum':
        return v + (comp[g] as number);
      case 'avg':
        if (incremental[g] === 1) return (mean[g] as number) + (comp[g] as number);
        return v / count + (comp[g] as number) / count;
      case 'count':
        return count;
      case 'stdvar':
        return v / count;
      case 'stddev':
        return Math.sqrt(v / count);
      case 'quantile':
        return quantile(param?.[i] ?? Number.NaN, members[g] ?? []);
      default:
        return v;
    }
  }
}

/**
 * topk, bottomk and limitk: at each step the k series of each group (largest, smallest, first), kept with their own
 * labels. For an instant query the series come out group by group, each group's best first, as Prometheus orders them.
 */
function selectK(
  op: 'topk' | 'bottomk' | 'limitk',
  series: readonly StepSeries[],
  { groupOf, labels }: Grouping,
  k: Float64Array,
  count: number,
): Value {
  let maxK = -Infinity;
  for (const v of k) maxK = Math.max(maxK, v);
  if (!(maxK >= 1)) {
    if (k.some(Number.isNaN)) throw new EvaluationError('Parameter value is NaN');
    return { kind: 'vector', series: [] };
  }
  if (k.some(Number.isNaN)) throw new EvaluationError('Parameter value is NaN');
  for (const v of k) {
    if (v <= -(2 ** 63)) throw new EvaluationError(`Scalar value ${v} underflows int64`);
    if (v >= 2 ** 63) throw new EvaluationError(`Scalar value ${v} overflows int64`);
  }
  const selected = series.map(() => new Uint8Array(count));
  const order: number[][] = labels.map(() => []);
  const byGroup: number[][] = labels.map(() => []);
  for (let i = 0; i < count; i++) {
    const limit = Math.min(Math.trunc(k[i] as number), series.length);
    if (limit < 1) continue;
    for (const list of byGroup) list.length = 0;
    series.forEach((s, index) => {
      if (s.present[i] === 1) byGroup[groupOf[index] as number]?.push(index);
    });
    byGroup.forEach((members, g) => {
      let chosen = members.slice(0, limit);
      if (op !== 'limitk') {
        const valueAt = (index: number) => (series[index] as StepSeries).values[i] as number;
        const sign = op === 'topk' ? -1 : 1;
        chosen = heapSelect(members, limit, valueAt, op === 'topk').sort((a, b) => {
          const x = valueAt(a);
          const y = valueAt(b);
          if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) ? (Number.isNaN(y) ? 0 : 1) : -1;
          return sign * (x - y) || a - b;
        });
      }
      for (const index of chosen) {
        (selected[index] as Uint8Array)[i] = 1;
        if (count === 1) order[g]?.push(index);
      }
    });
  }
  const pick = (index: number): StepSeries => {
    const s = series[index] as StepSeries;
    return { ...s, present: (selected[index] as Uint8Array).map((p, i) => p & (s.present[i] as number)) };
  };
  if (count === 1) return { kind: 'vector', series: order.flat().map(pick) };
  const out = series.map((_, index) => pick(index)).filter((s) => s.present.includes(1));
  return { kind: 'vector', series: out };
}

/**
 * The k best of `members` (in input order) as Prometheus chooses them: a heap of k whose root is the worst kept
 * (NaN counting as worst), replaced only by a strictly better value, with Go's container/heap sift rules. Which of
 * several equal values are kept depends on exactly this, so it is followed step for step.
 */
function heapSelect(
  members: readonly number[],
  k: number,
  valueOf: (index: number) => number,
  largest: boolean,
): number[] {
  const heap: number[] = [];
  const less = (i: number, j: number) => {
    const x = valueOf(heap[i] as number);
    const y = valueOf(heap[j] as number);
    if (Number.isNaN(x)) return true;
    return largest ? x < y : x > y;
  };
  const swap = (i: number, j: number) => {
    const t = heap[i] as number;
    heap[i] = heap[j] as number;
    heap[j] = t;
  };
  for (const member of members) {
    if (heap.length < k) {
      heap.push(member);
      for (let j = heap.length - 1; j > 0;) {
        const parent = (j - 1) >> 1;
        if (!less(j, parent)) break;
        swap(parent, j);
        j = parent;
      }
      continue;
    }
    const root = valueOf(heap[0] as number);
    const value = valueOf(member);
    const better = largest ? root < value : root > value;
    if (!better && !(Number.isNaN(root) && !Number.isNaN(value))) continue;
    heap[0] = member;
    for (let i = 0; ;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && less(right, left) ? right : left;
      if (!less(child, i)) break;
      swap(i, child);
      i = child;
    }
  }
  return heap;
}

/** count_values: how many series have each value, the value written into a label as Go's FormatFloat 'f' -1 does. */
function countValues(
  series: readonly StepSeries[],
  { groupOf, labels }: Grouping,
  label: string,
  count: number,
): Value {
  if (!isValidUtf8(label) || label === '') throw new EvaluationError(`invalid label name ${quoteString(label)}`);
  const counts = new Map<string, { labels: Labels; values: Float64Array; present: Uint8Array }>();
  series.forEach((s, index) => {
    const groupLabels = labels[groupOf[index] as number] ?? [];
    for (let i = 0; i < count; i++) {
      if (s.present[i] === 0) continue;
      const histogram = s.present[i] === HISTOGRAM ? s.histograms?.[i] : undefined;
      const text = histogram ? histogramText(histogram) : formatNumber(s.values[i] as number);
      const outLabels = setLabel(groupLabels, label, text);
      const key = labelsKey(outLabels);
      let target = counts.get(key);
      if (!target) {
        target = { labels: outLabels, values: new Float64Array(count), present: new Uint8Array(count) };
        counts.set(key, target);
      }
      target.present[i] = 1;
      target.values[i] = (target.values[i] as number) + 1;
    }
  });
  const collector = new SeriesCollector(count);
  for (const c of counts.values()) {
    const target = collector.series(c.labels, false);
    for (let i = 0; i < count; i++) if (c.present[i] === 1) SeriesCollector.set(target, i, c.values[i] as number);
  }
  return { kind: 'vector', series: collector.result() };
}
