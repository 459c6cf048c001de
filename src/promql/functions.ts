import type { ValueType } from './value-type.js';

/**
 * A PromQL function's signature. `variadic` follows Prometheus: 0 means exactly `argTypes.length` arguments; n > 0
 * means the last argument type may be left out or repeated up to n times in all; -1 means it may repeat without limit.
 */
export interface FunctionDef {
  readonly name: string;
  readonly argTypes: readonly ValueType[];
  readonly variadic: number;
  readonly returnType: ValueType;
  /** Behind `--enable-feature=promql-experimental-functions` in Prometheus 3. */
  readonly experimental: boolean;
}

type Signature = readonly [argTypes: readonly ValueType[], returnType: ValueType, variadic?: number];

const V = 'vector';
const M = 'matrix';
const S = 'scalar';
const STR = 'string';

const unaryVector: Signature = [[V], V];
const overTime: Signature = [[M], V];
const dateFunction: Signature = [[V], V, 1];

const STABLE: Readonly<Record<string, Signature>> = {
  abs: unaryVector,
  absent: unaryVector,
  absent_over_time: overTime,
  acos: unaryVector,
  acosh: unaryVector,
  asin: unaryVector,
  asinh: unaryVector,
  atan: unaryVector,
  atanh: unaryVector,
  avg_over_time: overTime,
  ceil: unaryVector,
  changes: overTime,
  clamp: [[V, S, S], V],
  clamp_max: [[V, S], V],
  clamp_min: [[V, S], V],
  cos: unaryVector,
  cosh: unaryVector,
  count_over_time: overTime,
  day_of_month: dateFunction,
  day_of_week: dateFunction,
  day_of_year: dateFunction,
  days_in_month: dateFunction,
  deg: unaryVector,
  delta: overTime,
  deriv: overTime,
  exp: unaryVector,
  first_over_time: overTime,
  floor: unaryVector,
  histogram_avg: unaryVector,
  histogram_count: unaryVector,
  histogram_fraction: [[S, S, V], V],
  histogram_quantile: [[S, V], V],
  histogram_stddev: unaryVector,
  histogram_stdvar: unaryVector,
  histogram_sum: unaryVector,
  hour: dateFunction,
  idelta: overTime,
  increase: overTime,
  irate: overTime,
  label_join: [[V, STR, STR, STR], V, -1],
  label_replace: [[V, STR, STR, STR, STR], V],
  last_over_time: overTime,
  ln: unaryVector,
  log10: unaryVector,
  log2: unaryVector,
  max_over_time: overTime,
  min_over_time: overTime,
  minute: dateFunction,
  month: dateFunction,
  pi: [[], S],
  predict_linear: [[M, S], V],
  present_over_time: overTime,
  quantile_over_time: [[S, M], V],
  rad: unaryVector,
  rate: overTime,
  resets: overTime,
  round: [[V, S], V, 1],
  scalar: [[V], S],
  sgn: unaryVector,
  sin: unaryVector,
  sinh: unaryVector,
  sort: unaryVector,
  sort_desc: unaryVector,
  sqrt: unaryVector,
  stddev_over_time: overTime,
  stdvar_over_time: overTime,
  sum_over_time: overTime,
  tan: unaryVector,
  tanh: unaryVector,
  time: [[], S],
  timestamp: unaryVector,
  vector: [[S], V],
  year: dateFunction,
};

// Known so that a query using them is told "not enabled" rather than "unknown", as Prometheus does.
const EXPERIMENTAL: Readonly<Record<string, Signature>> = {
  double_exponential_smoothing: [[M, S, S], V],
  end: [[], S],
  histogram_quantiles: [[V, STR, S, S], V, 9],
  info: [[V, V], V, 1],
  mad_over_time: overTime,
  max_of: [[S, S], S],
  min_of: [[S, S], S],
  range: [[], S],
  sort_by_label: [[V, STR], V, -1],
  sort_by_label_desc: [[V, STR], V, -1],
  start: [[], S],
  start_timestamp: unaryVector,
  step: [[], S],
  ts_of_first_over_time: overTime,
  ts_of_last_over_time: overTime,
  ts_of_max_over_time: overTime,
  ts_of_min_over_time: overTime,
};

function build(table: Readonly<Record<string, Signature>>, experimental: boolean): [string, FunctionDef][] {
  return Object.entries(table).map(([name, [argTypes, returnType, variadic = 0]]) => [
    name,
    Object.freeze({ name, argTypes: Object.freeze([...argTypes]), variadic, returnType, experimental }),
  ]);
}

/** Every function vigil's parser knows, keyed by name: the stable language of Prometheus 3 and its experiments. */
export const FUNCTIONS: ReadonlyMap<string, FunctionDef> = new Map([
  ...build(STABLE, false),
  ...build(EXPERIMENTAL, true),
]);

export function getFunction(name: string): FunctionDef | undefined {
  return FUNCTIONS.get(name);
}
