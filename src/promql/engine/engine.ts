import { documentedType, exprType, type Expr } from '../ast.js';
import { parse } from '../parse.js';
import { Evaluator } from './evaluator.js';
import { compareLabels, dropMetricName, labelsKey, type Labels } from './core/labels.js';
import { DUPLICATE_LABELSET, SeriesCollector, type MutableSeries } from './core/collector.js';
import type { FloatHistogram } from './histograms/native/float-histogram.js';
import { compact } from './histograms/native/layout.js';
import { EvaluationError, type QueryResult, type QueryValue, type RangeResultSeries } from './result.js';
import type { Querier, Storage } from './storage.js';
import { queryTimeRange } from './time-range.js';
import { FLOAT, HISTOGRAM, stepTime, type StepSeries, type Steps } from './core/types.js';
import type { Value } from './core/value.js';

export interface EngineOptions {
  /** How far back an instant selector looks for a sample (ms); Prometheus's default is 5 minutes. */
  readonly lookbackDelta?: number;
  /** The most samples a query may hold at once (Prometheus's --query.max-samples, 50 million by default). */
  readonly maxSamples?: number;
  /** Milliseconds a query may run (Prometheus's --query.timeout, 2 minutes by default). */
  readonly timeout?: number;
  /** The step of a subquery written without one (`x[1h:]`), in ms; Prometheus uses the global evaluation interval. */
  readonly noStepSubqueryInterval?: number;
  /** Accept Prometheus's experimental functions (`--enable-feature=promql-experimental-functions`). */
  readonly experimentalFunctions?: boolean;
  /** What the timeout is measured with (ms since the epoch); the wall clock unless a test passes its own. */
  readonly now?: () => number;
  /**
   * The most samples one query may load from the store in all (vigil's own limit, unlimited by default): the store
   * checks it before decoding more, so a query that would load too much fails early, before it is all in memory.
   * `maxSamples` is Prometheus's limit on the points held at one step, checked as the query runs.
   */
  readonly maxLoadedSamples?: number;
  /**
   * Applied to every parsed, type-checked query before anything else looks at it: a route confines a team's queries
   * to its scope this way (src/metrics/scope). It must keep the nodes' positions, which annotations quote against the
   * query text.
   */
  readonly rewrite?: (expr: Expr) => Expr;
}

const DEFAULTS = {
  lookbackDelta: 5 * 60_000,
  maxSamples: 50_000_000,
  timeout: 2 * 60_000,
  noStepSubqueryInterval: 60_000,
  experimentalFunctions: false,
  now: () => Date.now(),
  maxLoadedSamples: Infinity,
  rewrite: (expr: Expr) => expr,
};

/**
 * vigil's PromQL engine: parses a query, evaluates it against a Storage and returns Prometheus's result shapes. It
 * knows nothing of HTTP, tenants or the storage behind the interface.
 */
export class Engine {
  private readonly options: Required<EngineOptions>;

  constructor(
    private readonly storage: Storage,
    options: EngineOptions = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  /** Evaluates `query` at one time (ms). */
  instantQuery(query: string, time: number, signal?: AbortSignal): Promise<QueryResult> {
    return this.run(query, { start: time, interval: 0, count: 1 }, 'instant', signal);
  }

  /** Evaluates `query` at every `step` ms from `start` to `end` (inclusive). */
  rangeQuery(query: string, start: number, end: number, step: number, signal?: AbortSignal): Promise<QueryResult> {
    if (!(step > 0)) {
      return Promise.reject(
        new EvaluationError('zero or negative query resolution step widths are not accepted. Try a positive integer'),
      );
    }
    if (end < start) return Promise.reject(new EvaluationError('end timestamp must not be before start time'));
    const count = Math.floor((end - start) / step) + 1;
    return this.run(query, { start, interval: step, count }, 'range', signal);
  }

  private async run(
    query: string,
    steps: Steps,
    mode: 'instant' | 'range',
    signal?: AbortSignal,
  ): Promise<QueryResult> {
    const expr = this.options.rewrite(
      parse(query, { enableExperimentalFunctions: this.options.experimentalFunctions }),
    );
    const type = exprType(expr);
    if (mode === 'range' && type !== 'scalar' && type !== 'vector') {
      throw new EvaluationError(
        `invalid expression type "${documentedType(type)}" for range query, must be Scalar or instant Vector`,
      );
    }
    const last = stepTime(steps, steps.count - 1);
    const querier = await this.storage.querier(queryTimeRange(expr, steps.start, last, this.options.lookbackDelta), {
      ...(signal ? { signal } : {}),
      ...(Number.isFinite(this.options.maxLoadedSamples) ? { maxSamples: this.options.maxLoadedSamples } : {}),
    });
    try {
      return await this.evaluate(querier, query, expr, steps, mode, signal);
    } finally {
      await querier.close();
    }
  }

  private async evaluate(
    querier: Querier,
    query: string,
    expr: Expr,
    steps: Steps,
    mode: 'instant' | 'range',
    signal: AbortSignal | undefined,
  ): Promise<QueryResult> {
    const evaluator = new Evaluator(querier, {
      lookbackDelta: this.options.lookbackDelta,
      maxSamples: this.options.maxSamples,
      noStepSubqueryInterval: this.options.noStepSubqueryInterval,
      deadline: this.options.now() + this.options.timeout,
      now: this.options.now,
      start: steps.start,
      end: stepTime(steps, steps.count - 1),
      step: steps.count > 1 ? steps.interval : 0,
      query,
      ...(signal ? { signal } : {}),
    });
    const value = await evaluator.eval(expr, steps);
    return {
      value: toQueryValue(value, steps, mode),
      warnings: [...evaluator.warnings],
      infos: [...evaluator.infos],
    };
  }
}

/** Removes `__name__` from series marked for it (Prometheus 3's delayed name removal). */
function finalLabels(series: StepSeries): Labels {
  return series.dropName ? dropMetricName(series.labels) : series.labels;
}

function toQueryValue(value: Value, steps: Steps, mode: 'instant' | 'range'): QueryValue {
  const t = steps.start;
  switch (value.kind) {
    case 'scalar':
      if (mode === 'instant') return { resultType: 'scalar', result: { t, v: value.values[0] as number } };
      return {
        resultType: 'matrix',
        result: [{ labels: [], ...points(value.values, new Uint8Array(steps.count).fill(1), steps) }],
      };
    case 'string':
      return { resultType: 'string', result: { t, v: value.value } };
    case 'matrix': {
      const result = value.series
        .map((s) => ({
          labels: s.dropName ? dropMetricName(s.labels) : s.labels,
          timestamps: [...s.timestamps],
          values: [...s.values],
          ...(s.histograms && s.histogramTimes
            ? { histograms: s.histograms.map((h, i) => ({ t: s.histogramTimes?.[i] as number, h: compact(h) })) }
            : {}),
        }))
        .sort((a, b) => compareLabels(a.labels, b.labels));
      return { resultType: 'matrix', result };
    }
    case 'vector': {
      if (mode === 'instant') {
        const seen = new Set<string>();
        const result = value.series
          .filter((s) => s.present[0] !== 0)
          .map((s) => {
            const labels = finalLabels(s);
            const key = labelsKey(labels);
            if (seen.has(key)) throw new EvaluationError(DUPLICATE_LABELSET);
            seen.add(key);
            const h = s.present[0] === HISTOGRAM ? s.histograms?.[0] : undefined;
            return h ? { labels, t, v: 0, h: compact(h) } : { labels, t, v: s.values[0] as number };
          });
        return { resultType: 'vector', result };
      }
      return { resultType: 'matrix', result: mergeSameLabels(value.series, steps) };
    }
  }
}

function points(
  values: Float64Array,
  present: Uint8Array,
  steps: Steps,
  histograms?: readonly (FloatHistogram | undefined)[],
): { timestamps: number[]; values: number[]; histograms?: { t: number; h: FloatHistogram }[] } {
  const out: { timestamps: number[]; values: number[]; histograms?: { t: number; h: FloatHistogram }[] } = {
    timestamps: [],
    values: [],
  };
  for (let i = 0; i < steps.count; i++) {
    const h = present[i] === HISTOGRAM ? histograms?.[i] : undefined;
    if (h) (out.histograms ??= []).push({ t: stepTime(steps, i), h: compact(h) });
    if (present[i] !== FLOAT) continue;
    out.timestamps.push(stepTime(steps, i));
    out.values.push(values[i] as number);
  }
  return out;
}

/** A range query's matrix: series that became equal once names were dropped are merged, unless they overlap. */
function mergeSameLabels(series: readonly StepSeries[], steps: Steps): RangeResultSeries[] {
  const merged = new Map<string, MutableSeries>();
  for (const s of series) {
    const labels = finalLabels(s);
    const key = labelsKey(labels);
    let target = merged.get(key);
    if (!target) {
      target = { labels, values: new Float64Array(steps.count), present: new Uint8Array(steps.count), dropName: false };
      merged.set(key, target);
    }
    for (let i = 0; i < steps.count; i++) SeriesCollector.copy(target, i, s);
  }
  return [...merged.values()]
    .filter((s) => s.present.some((p) => p !== 0))
    .map((s) => ({ labels: s.labels, ...points(s.values, s.present, steps, s.histograms) }))
    .sort((a, b) => compareLabels(a.labels, b.labels));
}
