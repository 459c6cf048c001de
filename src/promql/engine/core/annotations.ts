import type { Expr } from '../../ast.js';
import type { EvalContext } from '../context.js';
import { formatGoG } from './format.js';
import { getLabel, METRIC_NAME, type Labels } from './labels.js';

/** Prometheus's annotations that float queries can raise; the evaluator keeps them (see Evaluator.annotate). */

/** Prometheus's warning for a φ outside [0, 1] (the function still answers: -Inf, +Inf or NaN). */
export function checkQuantile(ev: EvalContext, q: number, arg: Expr | undefined): void {
  if (arg && !(q >= 0 && q <= 1)) {
    ev.annotate('warning', `quantile value should be between 0 and 1, got ${formatGoG(q)}`, arg.pos);
  }
}

const COUNTER_SUFFIXES = ['_total', '_sum', '_count', '_bucket'];

/** The metric names already noted per argument (a query asks for every series; the note is made once per name). */
const noted = new WeakMap<Expr, Set<string>>();

/** rate() and increase() of a metric whose name does not say it is a counter: Prometheus's info annotation. */
export function notCounterInfo(ev: EvalContext, labels: Labels, arg: Expr | undefined): void {
  const name = getLabel(labels, METRIC_NAME);
  if (!arg || name === '' || COUNTER_SUFFIXES.some((suffix) => name.endsWith(suffix))) return;
  let names = noted.get(arg);
  if (names === undefined) noted.set(arg, (names = new Set()));
  if (names.has(name)) return;
  names.add(name);
  ev.annotate(
    'info',
    `metric might not be a counter, name does not end in _total/_sum/_count/_bucket: ${JSON.stringify(name)}`,
    arg.pos,
  );
}
