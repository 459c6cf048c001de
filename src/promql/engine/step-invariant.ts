import type { Expr } from '../ast.js';
import { isTimeDependent } from './functions/table.js';

const memo = new WeakMap<Expr, boolean>();

/**
 * Whether a subtree gives the same value at every step: all its selectors carry `@`, and it calls nothing
 * time-dependent. Such a subtree is evaluated once and its result repeated, as Prometheus's StepInvariantExpr.
 */
export function isStepInvariant(expr: Expr): boolean {
  const known = memo.get(expr);
  if (known !== undefined) return known;
  const result = compute(expr);
  memo.set(expr, result);
  return result;
}

function compute(expr: Expr): boolean {
  switch (expr.kind) {
    case 'NumberLiteral':
    case 'StringLiteral':
      return true;
    case 'VectorSelector':
      return expr.at !== null;
    case 'MatrixSelector':
      return expr.selector.at !== null;
    case 'SubqueryExpr':
      return expr.at !== null;
    case 'ParenExpr':
    case 'UnaryExpr':
      return isStepInvariant(expr.expr);
    case 'BinaryExpr':
      return isStepInvariant(expr.lhs) && isStepInvariant(expr.rhs);
    case 'AggregateExpr':
      return isStepInvariant(expr.expr) && (expr.param === null || isStepInvariant(expr.param));
    case 'Call': {
      const args = expr.args.every(isStepInvariant);
      if (!isTimeDependent(expr.func.name)) return args;
      // timestamp(metric @ t) is the one time-dependent call that is still invariant: the sample's own time.
      const only = expr.args[0];
      return expr.func.name === 'timestamp' && args && only !== undefined && only.kind === 'VectorSelector';
    }
  }
}
