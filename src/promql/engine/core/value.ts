import type { RangeSeries, StepSeries } from './types.js';

/** What a node evaluates to over the query's steps. */
export type Value =
  | { readonly kind: 'scalar'; readonly values: Float64Array }
  | { readonly kind: 'vector'; readonly series: readonly StepSeries[] }
  /** Only at the top of an instant query (`x[5m]`, `x[5m:1m]`): the samples of each series in the window. */
  | { readonly kind: 'matrix'; readonly series: readonly RangeSeries[] }
  | { readonly kind: 'string'; readonly value: string };

export type ScalarValue = Extract<Value, { kind: 'scalar' }>;

export function scalarOf(count: number, value: number): ScalarValue {
  return { kind: 'scalar', values: new Float64Array(count).fill(value) };
}
