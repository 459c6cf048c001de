import type { Expr, MatrixSelector, PosRange, SubqueryExpr, VectorSelector } from '../ast.js';
import { lineColumn } from '../errors.js';
import { evalAggregate } from './aggregate/aggregate.js';
import type { EvalContext, EvaluatorOptions, RangeInput } from './context.js';
import { evalBinary } from './operators/binary.js';
import { evalCall } from './functions/table.js';
import { EvaluationError } from './result.js';
import { firstAfter } from './core/search.js';
import { isStepInvariant } from './step-invariant.js';
import type { Querier, SeriesSamples } from './storage.js';
import { negate } from './histograms/native/arithmetic.js';
import type { FloatHistogram } from './histograms/native/float-histogram.js';
import { FLOAT, HISTOGRAM, stepTime, type RangeSeries, type StepSeries, type Steps } from './core/types.js';
import { scalarOf, type Value } from './core/value.js';

/** How long evaluation may hold the event loop before it yields (see breathe). */
const BREATH_INTERVAL_MS = 10;

/**
 * Evaluates an AST over a set of steps. Each node yields its value at every step at once (see types.ts); a subtree
 * that is the same at every step (`@`) is evaluated for one step and repeated.
 */
export class Evaluator implements EvalContext {
  /** Prometheus's annotations, each message once: `PromQL warning: … (1:5)`. */
  readonly warnings = new Set<string>();
  readonly infos = new Set<string>();

  private lastBreath = performance.now();
  private readonly positions = new Map<number, string>();

  constructor(
    private readonly querier: Querier,
    readonly options: EvaluatorOptions,
  ) {}

  /** Records an annotation about the expression at `pos`; `message` is Prometheus's text without its prefix. */
  annotate(kind: 'warning' | 'info', message: string, pos: PosRange): void {
    const prefix = kind === 'warning' ? 'PromQL warning' : 'PromQL info';
    // The same note is often made for every series: the position's line and column are worked out once.
    let where = this.positions.get(pos.start);
    if (where === undefined) this.positions.set(pos.start, (where = lineColumn(this.options.query, pos.start)));
    const text = `${prefix}: ${message} (${where})`;
    (kind === 'warning' ? this.warnings : this.infos).add(text);
  }

  /** Stops the query if it was cancelled or ran out of time; called between nodes and inside long loops. */
  checkpoint(): void {
    if (this.options.signal?.aborted)
      throw new EvaluationError('query was canceled in expression evaluation', 'canceled');
    if (this.options.now() > this.options.deadline)
      throw new EvaluationError('query timed out in expression evaluation', 'timeout');
  }

  async pause(): Promise<void> {
    await this.breathe();
    this.checkpoint();
  }

  /**
   * Lets the event loop run every few milliseconds of evaluation: a long query would otherwise hold it, so neither
   * other requests, nor its own timeout's timer, nor the socket closing under a client that gave up could be seen.
   */
  private async breathe(): Promise<void> {
    const now = performance.now();
    if (now - this.lastBreath < BREATH_INTERVAL_MS) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.lastBreath = performance.now();
  }

  /** Prometheus's sample limit: no node may hold more than maxSamples points at once. */
  countSamples(points: number): void {
    if (points > this.options.maxSamples) {
      throw new EvaluationError(
        'query processing would load too many samples into memory in query execution',
        'too_many_samples',
      );
    }
  }

  async eval(expr: Expr, steps: Steps): Promise<Value> {
    await this.breathe();
    this.checkpoint();
    if (steps.count > 1 && isStepInvariant(expr) && expr.kind !== 'NumberLiteral' && expr.kind !== 'StringLiteral') {
      if (expr.kind !== 'MatrixSelector' && expr.kind !== 'SubqueryExpr') {
        const once = await this.evalNode(expr, { start: steps.start, interval: steps.interval, count: 1 });
        return repeat(once, steps.count);
      }
    }
    return this.evalNode(expr, steps);
  }

  private async evalNode(expr: Expr, steps: Steps): Promise<Value> {
    switch (expr.kind) {
      case 'NumberLiteral':
        return scalarOf(steps.count, expr.value);
      case 'StringLiteral':
        return { kind: 'string', value: expr.value };
      case 'ParenExpr':
        return this.eval(expr.expr, steps);
      case 'UnaryExpr':
        return this.evalUnary(expr.op, expr.expr, steps);
      case 'VectorSelector':
        return { kind: 'vector', series: await this.selectVector(expr, steps, false) };
      case 'MatrixSelector':
      case 'SubqueryExpr': {
        const series = windowSamples(await this.rangeInput(expr, steps), steps.count - 1);
        this.countSamples(series.reduce((sum, s) => sum + s.timestamps.length + (s.histograms?.length ?? 0), 0));
        return { kind: 'matrix', series };
      }
      case 'BinaryExpr':
        return evalBinary(this, expr, steps);
      case 'AggregateExpr':
        return evalAggregate(this, expr, steps);
      case 'Call':
        return evalCall(this, expr, steps);
    }
  }

  private async evalUnary(op: '-' | '+', operand: Expr, steps: Steps): Promise<Value> {
    const value = await this.eval(operand, steps);
    if (op === '+') return value;
    if (value.kind === 'scalar') return { kind: 'scalar', values: value.values.map((v) => -v) };
    if (value.kind !== 'vector') throw new EvaluationError(`unary minus on ${value.kind}`);
    return {
      kind: 'vector',
      series: value.series.map((s) => ({
        ...s,
        values: s.values.map((v) => -v),
        ...(s.histograms ? { histograms: s.histograms.map((h) => h && negate(h)) } : {}),
        dropName: true,
      })),
    };
  }

  /** The time a selector reads at for each step: the step's time or its `@`, less its offset. */
  selectorTimes(at: number | 'start' | 'end' | null, offset: number, steps: Steps): Float64Array {
    const times = new Float64Array(steps.count);
    const fixed = at === 'start' ? this.options.start : at === 'end' ? this.options.end : at;
    for (let i = 0; i < steps.count; i++) times[i] = (fixed ?? stepTime(steps, i)) - offset;
    return times;
  }

  /**
   * An instant-vector selector: at each step the newest sample no older than the lookback delta, unless that sample
   * is a staleness marker. With `timestamps`, the value is the sample's time in seconds (for `timestamp()`).
   */
  async selectVector(selector: VectorSelector, steps: Steps, timestamps: boolean): Promise<StepSeries[]> {
    const times = this.selectorTimes(selector.at, selector.offset, steps);
    const lookback = this.options.lookbackDelta;
    const data = await this.querier.select(
      selector.matchers,
      { start: min(times) - lookback + 1, end: max(times) },
      { step: this.options.step, range: 0 },
    );
    this.checkpoint();
    const out: StepSeries[] = [];
    let points = 0;
    for (const series of data) {
      const { timestamps: ts, values: vs, stale } = series.floats;
      const hts = series.histograms?.timestamps;
      const values = new Float64Array(steps.count);
      const present = new Uint8Array(steps.count);
      let histograms: (FloatHistogram | undefined)[] | undefined;
      let next = 0;
      let nextH = 0;
      let any = false;
      for (let i = 0; i < steps.count; i++) {
        const t = times[i] as number;
        // Times go back only with a negative step, which never reaches here; start again if they ever do.
        if (next > 0 && (ts[next - 1] as number) > t) next = 0;
        if (hts && nextH > 0 && (hts[nextH - 1] as number) > t) nextH = 0;
        while (next < ts.length && (ts[next] as number) <= t) next++;
        if (hts) while (nextH < hts.length && (hts[nextH] as number) <= t) nextH++;
        // The newest sample at or before t, float or histogram; a staleness marker ends the series there.
        const floatTime = next > 0 ? (ts[next - 1] as number) : -Infinity;
        const histogramTime = hts && nextH > 0 ? (hts[nextH - 1] as number) : -Infinity;
        if (histogramTime > floatTime) {
          if (histogramTime <= t - lookback) continue;
          if (timestamps) {
            values[i] = histogramTime / 1000;
            present[i] = FLOAT;
          } else {
            histograms ??= new Array<FloatHistogram | undefined>(steps.count);
            histograms[i] = series.histograms?.histograms[nextH - 1];
            present[i] = HISTOGRAM;
          }
        } else {
          if (floatTime <= t - lookback || stale?.[next - 1] === 1) continue;
          values[i] = timestamps ? floatTime / 1000 : (vs[next - 1] as number);
          present[i] = FLOAT;
        }
        any = true;
        points++;
      }
      if (any)
        out.push({ labels: series.labels, values, present, dropName: false, ...(histograms ? { histograms } : {}) });
    }
    this.countSamples(points);
    return out;
  }

  /**
   * A range selector or subquery, its samples fetched or computed once for all the steps' windows. The caller counts
   * the samples its windows hold against the limit, in the same pass that reads them.
   */
  async rangeInput(expr: MatrixSelector | SubqueryExpr, steps: Steps): Promise<RangeInput> {
    if (expr.kind === 'MatrixSelector') {
      const { selector, range } = expr;
      const ends = this.selectorTimes(selector.at, selector.offset, steps);
      const data = await this.querier.select(
        selector.matchers,
        { start: min(ends) - range + 1, end: max(ends) },
        { step: this.options.step, range },
      );
      this.checkpoint();
      const series = data.map((s): RangeSeries => rangeSamples(s));
      return { series, ends, range };
    }
    return this.subquery(expr, steps);
  }

  private async subquery(expr: SubqueryExpr, steps: Steps): Promise<RangeInput> {
    const ends = this.selectorTimes(expr.at, expr.offset, steps);
    const step = expr.step > 0 ? expr.step : this.options.noStepSubqueryInterval;
    const first = min(ends) - expr.range;
    // Subquery steps are aligned to multiples of the step, counted from the epoch (Go's truncating division).
    let start = step * Math.trunc(first / step);
    if (start <= first) start += step;
    const last = max(ends);
    const count = last < start ? 0 : Math.floor((last - start) / step) + 1;
    if (count === 0) return { series: [], ends, range: expr.range };
    const inner = await this.eval(expr.expr, { start, interval: count > 1 ? step : 0, count });
    if (inner.kind !== 'vector') throw new EvaluationError('subquery is only allowed on instant vector');
    const series = inner.series.map((s): RangeSeries => {
      const ts: number[] = [];
      const vs: number[] = [];
      const hts: number[] = [];
      const hs: FloatHistogram[] = [];
      for (let i = 0; i < count; i++) {
        const h = s.present[i] === HISTOGRAM ? s.histograms?.[i] : undefined;
        if (h) {
          hts.push(start + i * step);
          hs.push(h);
        }
        if (s.present[i] !== FLOAT) continue;
        ts.push(start + i * step);
        vs.push(s.values[i] as number);
      }
      return {
        labels: s.labels,
        timestamps: Float64Array.from(ts),
        values: Float64Array.from(vs),
        ...(hs.length > 0 ? { histogramTimes: Float64Array.from(hts), histograms: hs } : {}),
        dropName: s.dropName,
      };
    });
    return { series, ends, range: expr.range };
  }
}

/**
 * A series' samples for range functions: staleness markers left out (copied only when there are any), native
 * histograms as the store gave them.
 */
function rangeSamples(series: SeriesSamples): RangeSeries {
  const { labels, histograms } = series;
  const { timestamps, values, stale } = series.floats;
  const apart = histograms ? { histogramTimes: histograms.timestamps, histograms: histograms.histograms } : {};
  if (!stale?.includes(1)) return { labels, timestamps, values, ...apart, dropName: false };
  const keep: number[] = [];
  for (let i = 0; i < timestamps.length; i++) if (stale[i] !== 1) keep.push(i);
  return {
    labels,
    timestamps: Float64Array.from(keep, (i) => timestamps[i] as number),
    values: Float64Array.from(keep, (i) => values[i] as number),
    ...apart,
    dropName: false,
  };
}

/** The samples of each series inside the window of one step, for a range vector returned as it is. */
function windowSamples(input: RangeInput, stepIndex: number): RangeSeries[] {
  const end = input.ends[stepIndex] as number;
  const start = end - input.range;
  const out: RangeSeries[] = [];
  for (const s of input.series) {
    const from = firstAfter(s.timestamps, start);
    const to = firstAfter(s.timestamps, end);
    const times = s.histogramTimes ?? new Float64Array(0);
    const hFrom = firstAfter(times, start);
    const hTo = firstAfter(times, end);
    if (to === from && hTo === hFrom) continue;
    out.push({
      labels: s.labels,
      timestamps: s.timestamps.slice(from, to),
      values: s.values.slice(from, to),
      ...(hTo > hFrom
        ? { histogramTimes: times.slice(hFrom, hTo), histograms: s.histograms?.slice(hFrom, hTo) ?? [] }
        : {}),
      dropName: s.dropName,
    });
  }
  return out;
}

function repeat(value: Value, count: number): Value {
  const fill = (source: Float64Array): Float64Array => new Float64Array(count).fill(source[0] as number);
  switch (value.kind) {
    case 'scalar':
      return { kind: 'scalar', values: fill(value.values) };
    case 'vector':
      return {
        kind: 'vector',
        series: value.series.map((s) => ({
          labels: s.labels,
          values: fill(s.values),
          present: new Uint8Array(count).fill(s.present[0] as number),
          dropName: s.dropName,
          ...(s.histograms ? { histograms: new Array<FloatHistogram | undefined>(count).fill(s.histograms[0]) } : {}),
        })),
      };
    default:
      return value;
  }
}

function min(values: Float64Array): number {
  let m = Infinity;
  for (const v of values) if (v < m) m = v;
  return m;
}

function max(values: Float64Array): number {
  let m = -Infinity;
  for (const v of values) if (v > m) m = v;
  return m;
}
