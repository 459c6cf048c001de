import type { Labels } from '../engine/core/labels.js';
import type { EvalCommand, Expectation } from './script.js';
import type { SequenceValue } from './series-notation.js';

/** The expected result of an eval, as upstream's evalCmd keeps it. */
export interface Expected {
  /** A bare number line: the query must return this scalar. */
  readonly scalar: SequenceValue | null;
  readonly series: ReadonlyMap<
    string,
    { readonly labels: Labels; readonly pos: number; readonly values: readonly SequenceValue[] }
  >;
}

/** How an eval is checked: its expectations, and the query range its matrix results are laid on. */
export interface Check {
  readonly command: EvalCommand;
  readonly expected: Expected;
  readonly ordered: boolean;
  readonly fails: readonly Expectation[];
  readonly start: number;
  readonly end: number;
  readonly step: number;
}
