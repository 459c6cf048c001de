import type { AtModifier, Expr } from '../ast.js';
import type { TimeRange } from './storage.js';

/**
 * The times a query may read samples at (Prometheus's FindMinMaxTime): for every selector, the evaluation times it is
 * read at — the query's, a subquery's (reaching back its range), or its `@` — less its offset, reaching back the
 * lookback delta (an instant selector) or its range (a range selector). The querier is opened over this range; the
 * selects stay inside it. A query without selectors gets the query's own range.
 */
export function queryTimeRange(expr: Expr, start: number, end: number, lookbackDelta: number): TimeRange {
  const range = { start: Infinity, end: -Infinity };
  const at = (modifier: AtModifier | null, lo: number, hi: number): [number, number] => {
    if (modifier === null) return [lo, hi];
    const t = modifier === 'start' ? start : modifier === 'end' ? end : modifier;
    return [t, t];
  };
  const read = (from: number, to: number) => {
    range.start = Math.min(range.start, from);
    range.end = Math.max(range.end, to);
  };
  const walk = (node: Expr, lo: number, hi: number): void => {
    switch (node.kind) {
      case 'NumberLiteral':
      case 'StringLiteral':
        return;
      case 'VectorSelector': {
        const [from, to] = at(node.at, lo, hi);
        read(from - node.offset - lookbackDelta, to - node.offset);
        return;
      }
      case 'MatrixSelector': {
        const [from, to] = at(node.selector.at, lo, hi);
        read(from - node.selector.offset - node.range, to - node.selector.offset);
        return;
      }
      case 'SubqueryExpr': {
        const [from, to] = at(node.at, lo, hi);
        walk(node.expr, from - node.offset - node.range, to - node.offset);
        return;
      }
      case 'ParenExpr':
      case 'UnaryExpr':
        walk(node.expr, lo, hi);
        return;
      case 'BinaryExpr':
        walk(node.lhs, lo, hi);
        walk(node.rhs, lo, hi);
        return;
      case 'AggregateExpr':
        walk(node.expr, lo, hi);
        if (node.param) walk(node.param, lo, hi);
        return;
      case 'Call':
        for (const arg of node.args) walk(arg, lo, hi);
        return;
    }
  };
  walk(expr, start, end);
  return range.start === Infinity ? { start, end } : range;
}
