import type { Expr, MatrixSelector, PosRange, SubqueryExpr, VectorSelector } from '../ast.js';
import type { RangeSeries, StepSeries, Steps } from './core/types.js';
import type { Value } from './core/value.js';

export interface EvaluatorOptions {
  readonly lookbackDelta: number;
  readonly maxSamples: number;
  readonly noStepSubqueryInterval: number;
  /** Epoch ms after which evaluation stops with a timeout. */
  readonly deadline: number;
  /** The clock the deadline is read against (ms since the epoch). */
  readonly now: () => number;
  readonly signal?: AbortSignal;
  /** The query's first and last evaluation times, which `@ start()` and `@ end()` stand for. */
  readonly start: number;
  readonly end: number;
  /** The query's step (ms; 0 for an instant query), which `step()` gives. */
  readonly step: number;
  /** The query text, for the positions annotations end with. */
  readonly query: string;
}

/** A range-vector argument made ready for windowing: each step's window is `(ends[i] - range, ends[i]]`. */
export interface RangeInput {
  readonly series: readonly RangeSeries[];
  readonly ends: Float64Array;
  readonly range: number;
}

/**
 * What the parts of the evaluator — operators, aggregations, functions — use of it: evaluating a subexpression,
 * selecting, annotating, and the limits. They see this interface, never the Evaluator class, so the evaluator is the
 * only file that knows them all.
 */
export interface EvalContext {
  readonly options: EvaluatorOptions;
  /** Records an annotation about the expression at `pos`; `message` is Prometheus's text without its prefix. */
  annotate(kind: 'warning' | 'info', message: string, pos: PosRange): void;
  /** Stops the query if it was cancelled or ran out of time. */
  checkpoint(): void;
  /** checkpoint(), after letting the event loop run if evaluation has held it for a while: call it in long loops. */
  pause(): Promise<void>;
  /** Prometheus's sample limit: no node may hold more than maxSamples points at once. */
  countSamples(points: number): void;
  eval(expr: Expr, steps: Steps): Promise<Value>;
  selectVector(selector: VectorSelector, steps: Steps, timestamps: boolean): Promise<StepSeries[]>;
  rangeInput(expr: MatrixSelector | SubqueryExpr, steps: Steps): Promise<RangeInput>;
}
