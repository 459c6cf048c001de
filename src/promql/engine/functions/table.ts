import type { Call } from '../../ast.js';
import { FUNCTIONS, type FunctionDef } from '../../functions.js';
import type { EvalContext } from '../context.js';
import { EvaluationError } from '../result.js';
import type { Steps } from '../core/types.js';
import type { Value } from '../core/value.js';
import {
  evalAbsent,
  evalAbsentOverTime,
  evalHistogramFraction,
  evalHistogramQuantile,
  evalHistogramQuantiles,
  evalHistogramStatistic,
  evalMinMaxOf,
  evalPi,
  evalQueryTime,
  evalRelabel,
  evalScalar,
  evalSort,
  evalTime,
  evalTimestamp,
  evalVector,
  mapEvaluate,
  rangeEvaluate,
  unwrapParens,
  type Evaluate,
  type RangeOptions,
} from './calls.js';
import { MAP_FUNCTIONS } from './math.js';
import { RANGE_FUNCTIONS } from './range.js';

/** How the engine evaluates one function, beside its signature. */
export interface FunctionEntry {
  /** The signature: argument and return types, variadic arguments, experimental (the parser's table). */
  readonly def: FunctionDef;
  readonly evaluate: Evaluate;
  /**
   * Its value depends on the evaluation time even when its arguments do not (Prometheus's AtModifierUnsafeFunctions):
   * a subtree calling it is never evaluated once for all steps.
   */
  readonly timeDependent: boolean;
}

interface Implementation {
  readonly evaluate: Evaluate;
  readonly timeDependent?: boolean;
}

const range = (name: string, options: RangeOptions = {}, timeDependent = false): Implementation => {
  const fn = RANGE_FUNCTIONS.get(name);
  if (!fn) throw new Error(`no window function for ${name}`);
  return { evaluate: rangeEvaluate(fn, options), timeDependent };
};
const histogramsToo = { histograms: true } as const;
const map = (name: string): Implementation => {
  const fn = MAP_FUNCTIONS.get(name);
  if (!fn) throw new Error(`no value function for ${name}`);
  return { evaluate: mapEvaluate(fn) };
};
const date = (name: string): Implementation => {
  const fn = MAP_FUNCTIONS.get(name);
  if (!fn) throw new Error(`no date function for ${name}`);
  return { evaluate: mapEvaluate(fn, { date: true }), timeDependent: true };
};
const unsupported: Implementation = {
  evaluate: (_ev, call) =>
    Promise.reject(new EvaluationError(`function "${call.func.name}" is not supported by vigil's engine`)),
};

/**
 * Every function of the language with its implementation: adding one means its signature in ../../functions.ts and
 * its line here (a unit test checks that the two hold the same names).
 */
const IMPLEMENTATIONS: Readonly<Record<string, Implementation>> = {
  // Scalars and the query's times.
  time: { evaluate: evalTime, timeDependent: true },
  start: { evaluate: evalQueryTime, timeDependent: true },
  end: { evaluate: evalQueryTime, timeDependent: true },
  range: { evaluate: evalQueryTime, timeDependent: true },
  step: { evaluate: evalQueryTime, timeDependent: true },
  pi: { evaluate: evalPi },
  min_of: { evaluate: evalMinMaxOf },
  max_of: { evaluate: evalMinMaxOf },
  vector: { evaluate: evalVector },
  scalar: { evaluate: evalScalar },
  timestamp: { evaluate: evalTimestamp, timeDependent: true },
  absent: { evaluate: evalAbsent },
  absent_over_time: { evaluate: evalAbsentOverTime },
  sort: { evaluate: evalSort },
  sort_desc: { evaluate: evalSort },
  sort_by_label: { evaluate: evalSort },
  sort_by_label_desc: { evaluate: evalSort },
  label_replace: { evaluate: evalRelabel },
  label_join: { evaluate: evalRelabel },
  // Histograms: classic (`le` buckets) and native.
  histogram_quantile: { evaluate: evalHistogramQuantile },
  histogram_quantiles: { evaluate: evalHistogramQuantiles },
  histogram_fraction: { evaluate: evalHistogramFraction },
  histogram_count: { evaluate: evalHistogramStatistic },
  histogram_sum: { evaluate: evalHistogramStatistic },
  histogram_avg: { evaluate: evalHistogramStatistic },
  histogram_stddev: { evaluate: evalHistogramStatistic },
  histogram_stdvar: { evaluate: evalHistogramStatistic },
  // Range functions.
  rate: range('rate', histogramsToo),
  increase: range('increase', histogramsToo),
  delta: range('delta', histogramsToo),
  irate: range('irate', histogramsToo),
  idelta: range('idelta', histogramsToo),
  deriv: range('deriv'),
  predict_linear: range('predict_linear', {}, true),
  double_exponential_smoothing: range('double_exponential_smoothing'),
  resets: range('resets', histogramsToo),
  changes: range('changes', histogramsToo),
  avg_over_time: range('avg_over_time', histogramsToo),
  sum_over_time: range('sum_over_time', histogramsToo),
  count_over_time: range('count_over_time', histogramsToo),
  min_over_time: range('min_over_time'),
  max_over_time: range('max_over_time'),
  last_over_time: range('last_over_time', { keepsName: true, histograms: true }),
  first_over_time: range('first_over_time', { keepsName: true, histograms: true }),
  present_over_time: range('present_over_time', histogramsToo),
  stddev_over_time: range('stddev_over_time'),
  stdvar_over_time: range('stdvar_over_time'),
  quantile_over_time: range('quantile_over_time'),
  mad_over_time: range('mad_over_time'),
  ts_of_min_over_time: range('ts_of_min_over_time'),
  ts_of_max_over_time: range('ts_of_max_over_time'),
  ts_of_first_over_time: range('ts_of_first_over_time'),
  ts_of_last_over_time: range('ts_of_last_over_time'),
  // Functions of each sample's value.
  abs: map('abs'),
  ceil: map('ceil'),
  floor: map('floor'),
  exp: map('exp'),
  sqrt: map('sqrt'),
  ln: map('ln'),
  log2: map('log2'),
  log10: map('log10'),
  sgn: map('sgn'),
  round: map('round'),
  clamp: map('clamp'),
  clamp_min: map('clamp_min'),
  clamp_max: map('clamp_max'),
  sin: map('sin'),
  cos: map('cos'),
  tan: map('tan'),
  asin: map('asin'),
  acos: map('acos'),
  atan: map('atan'),
  sinh: map('sinh'),
  cosh: map('cosh'),
  tanh: map('tanh'),
  asinh: map('asinh'),
  acosh: map('acosh'),
  atanh: map('atanh'),
  deg: map('deg'),
  rad: map('rad'),
  // Dates: of each sample's value, or of the evaluation time when called without arguments.
  minute: date('minute'),
  hour: date('hour'),
  day_of_week: date('day_of_week'),
  day_of_month: date('day_of_month'),
  day_of_year: date('day_of_year'),
  days_in_month: date('days_in_month'),
  month: date('month'),
  year: date('year'),
  // Known to the parser, not evaluated yet (docs/PROMQL.md, "Not supported yet").
  info: unsupported,
  start_timestamp: unsupported,
};

/** The function table: every function of the parser's table with its implementation. */
export const FUNCTION_TABLE: ReadonlyMap<string, FunctionEntry> = new Map(
  [...FUNCTIONS.values()].map((def) => {
    const implementation = IMPLEMENTATIONS[def.name] ?? unsupported;
    return [def.name, { def, evaluate: implementation.evaluate, timeDependent: implementation.timeDependent === true }];
  }),
);

/** The names the table implements (for its test: the same as the parser's). */
export const IMPLEMENTED_NAMES: readonly string[] = Object.keys(IMPLEMENTATIONS);

/** True for a function whose value depends on the evaluation time (see FunctionEntry.timeDependent). */
export function isTimeDependent(name: string): boolean {
  return FUNCTION_TABLE.get(name)?.timeDependent === true;
}

/** Evaluates a call with its function's implementation. */
export function evalCall(ev: EvalContext, call: Call, steps: Steps): Promise<Value> {
  const entry = FUNCTION_TABLE.get(call.func.name) ?? { evaluate: unsupported.evaluate };
  return entry.evaluate(ev, call, call.args.map(unwrapParens), steps);
}
