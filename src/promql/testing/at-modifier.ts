import type { AtModifier, Expr } from '../ast.js';
import { isTimeDependent } from '../engine/functions/table.js';
import { print } from '../printer.js';

/**
 * Upstream's atModifierTestCases: the query with `@ <time>` on every selector and subquery that has no numeric `@`
 * (nothing inside a subquery is touched), run at other times, where it must give the same result. None when the
 * query calls a function whose value depends on the evaluation time.
 */
export function atModifierCases(ast: Expr, time: number): { expr: string; time: number }[] {
  const pinned = pinAt(ast, time);
  if (pinned === null) return [];
  const expr = print(pinned);
  const times = time === 0 ? [-1000, 0, 1000] : [-10 * time, 0, Math.trunc(time / 5), time, 10 * time];
  return times.map((t) => ({ expr, time: t }));
}

/** The tree with `@ time` set, or null when it calls an at-modifier-unsafe function outside any subquery. */
function pinAt(expr: Expr, time: number): Expr | null {
  // `@ start()` and `@ end()` are replaced too: upstream's AST keeps them apart from the timestamp it sets.
  const at = (current: AtModifier | null): number => (typeof current === 'number' ? current : time);
  switch (expr.kind) {
    case 'NumberLiteral':
    case 'StringLiteral':
      return expr;
    case 'VectorSelector':
      return { ...expr, at: at(expr.at) };
    case 'MatrixSelector':
      return { ...expr, selector: { ...expr.selector, at: at(expr.selector.at) } };
    case 'SubqueryExpr':
      return { ...expr, at: at(expr.at) };
    case 'ParenExpr':
    case 'UnaryExpr': {
      const inner = pinAt(expr.expr, time);
      return inner && { ...expr, expr: inner };
    }
    case 'BinaryExpr': {
      const lhs = pinAt(expr.lhs, time);
      const rhs = pinAt(expr.rhs, time);
      return lhs && rhs && { ...expr, lhs, rhs };
    }
    case 'AggregateExpr': {
      const inner = pinAt(expr.expr, time);
      const param = expr.param && pinAt(expr.param, time);
      if (!inner || (expr.param && !param)) return null;
      return { ...expr, expr: inner, param };
    }
    case 'Call': {
      if (isTimeDependent(expr.func.name)) return null;
      const args: Expr[] = [];
      for (const arg of expr.args) {
        const pinned = pinAt(arg, time);
        if (!pinned) return null;
        args.push(pinned);
      }
      return { ...expr, args };
    }
  }
}
