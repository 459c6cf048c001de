/**
 * Team scopes on queries. A Monitor team may have a scope (src/monitor/teams/scope.ts turns it into label matchers,
 * all of which must hold); every query its members run is confined to the series matching them, as prom-label-proxy
 * does for Prometheus, but on vigil's own AST rather than by editing the query text. The rewrite happens after
 * parsing and type checking (the Engine's `rewrite` option), so the query's positions, which annotations quote,
 * still point into the text the user wrote. The store can add the same matchers again (./scoped-storage.ts), so that
 * what reads the store without a selector in the tree is confined too.
 */

import type { Expr, LabelMatcher, VectorSelector } from '../../promql/index.js';

/**
 * The expression with `scope` added to the matchers of every vector selector, wherever it is: alone, inside a range
 * selector, a subquery, a function's arguments, either side of a binary operator, an aggregation's operand or
 * parameter, with or without `@` and `offset`. The scope is always added, never substituted: the user's own matchers
 * stay (a matcher on a scoped label that contradicts the scope then selects nothing), unlike prom-label-proxy, which
 * replaces a matcher on its label. With all matchers of a selector holding at once, no way of writing a selector
 * reaches outside the scope, and what the query computes from the selected series cannot bring other series back.
 * Pure: the result is a new tree (leaves and function definitions shared) with the same positions.
 */
export function enforceScope(expr: Expr, scope: readonly LabelMatcher[]): Expr {
  const walk = (node: Expr): Expr => {
    switch (node.kind) {
      case 'NumberLiteral':
      case 'StringLiteral':
        return { ...node };
      case 'VectorSelector':
        return withScope(node, scope);
      case 'MatrixSelector':
        return { ...node, selector: withScope(node.selector, scope) };
      case 'SubqueryExpr':
      case 'ParenExpr':
      case 'UnaryExpr':
        return { ...node, expr: walk(node.expr) };
      case 'BinaryExpr':
        return { ...node, lhs: walk(node.lhs), rhs: walk(node.rhs) };
      case 'AggregateExpr':
        return { ...node, expr: walk(node.expr), param: node.param === null ? null : walk(node.param) };
      case 'Call':
        return { ...node, args: node.args.map(walk) };
      default:
        return unknownNode(node);
    }
  };
  return walk(expr);
}

/**
 * The matcher sets of a series, labels or label-values request (one per `match[]` selector) confined to `scope`:
 * each set gets the scope added; with no `match[]` at all the scope is the only set, so the lookup still sees only
 * the team's series. An empty scope (a team that sees everything) leaves the sets as they are, no `match[]`
 * included.
 */
export function enforceMatcherSets(
  sets: readonly (readonly LabelMatcher[])[],
  scope: readonly LabelMatcher[],
): LabelMatcher[][] {
  if (sets.length === 0) return scope.length === 0 ? [] : [[...scope]];
  return sets.map((set) => [...set, ...scope]);
}

/**
 * The selector with the scope added. A selector written with a metric name before the braces keeps its name matcher
 * last (the AST's convention, which the printer and the checker rely on), so the scope goes just before it.
 */
function withScope(selector: VectorSelector, scope: readonly LabelMatcher[]): VectorSelector {
  const { matchers, name } = selector;
  const last = matchers[matchers.length - 1];
  if (name !== '' && last?.name === '__name__' && last.type === '=' && last.value === name) {
    return { ...selector, matchers: [...matchers.slice(0, -1), ...scope, last] };
  }
  return { ...selector, matchers: [...matchers, ...scope] };
}

/** A node kind this walk does not know: refusing it is safer than letting its selectors through unscoped. */
function unknownNode(node: never): never {
  throw new Error(`enforceScope: unknown expression node ${JSON.stringify((node as { kind?: unknown }).kind)}`);
}
