import type { AtModifier, Expr, LabelMatcher, VectorSelector } from '../../promql/index.js';
import { exprType } from '../../promql/index.js';
import { formatNumber } from '../../promql/literals.js';

/**
 * A JSON object of the tree; its keys are listed in sorted order because Prometheus builds the tree from Go maps,
 * whose keys its encoder sorts.
 */
type Node = { readonly [key: string]: unknown };

function matchersJson(matchers: readonly LabelMatcher[]): Node[] {
  return matchers.map((m) => ({ name: m.name, type: m.type, value: m.value }));
}

function timestamp(at: AtModifier | null): number | null {
  return typeof at === 'number' ? at : null;
}

function startOrEnd(at: AtModifier | null): string | null {
  return at === 'start' || at === 'end' ? at : null;
}

function selectorFields(selector: VectorSelector): Node {
  return {
    matchers: matchersJson(selector.matchers),
    name: selector.name,
    offset: selector.offset,
    offsetExpr: null,
  };
}

/**
 * The tree `/api/v1/parse_query` answers with (Prometheus's `translateAST`, which the UI's "Explain" view draws):
 * one object per node, `type` naming it (`vectorSelector`, `binaryExpr`, `call`…), durations and offsets in ms,
 * `@` as `timestamp` (ms) or `startOrEnd`, numbers as Go's plain decimal text. Fields of Prometheus 3 features vigil's
 * parser does not accept (duration expressions, `anchored`/`smoothed`, `fill` modifiers) are written with their
 * empty values, as Prometheus writes them for a query that does not use them.
 */
export function parseQueryTree(expr: Expr): unknown {
  switch (expr.kind) {
    case 'AggregateExpr':
      return {
        expr: parseQueryTree(expr.expr),
        grouping: [...expr.grouping],
        op: expr.op,
        param: expr.param === null ? null : parseQueryTree(expr.param),
        type: 'aggregation',
        without: expr.without,
      };
    case 'BinaryExpr': {
      const bothVectors = exprType(expr.lhs) === 'vector' && exprType(expr.rhs) === 'vector';
      const { matching } = expr;
      return {
        bool: expr.returnBool,
        lhs: parseQueryTree(expr.lhs),
        // Prometheus's parser drops the vector matching of an operation with a scalar side.
        matching: bothVectors
          ? {
              card: matching.card,
              fillValues: { lhs: null, rhs: null },
              include: [...matching.include],
              labels: [...matching.matchingLabels],
              on: matching.on,
            }
          : null,
        op: expr.op,
        rhs: parseQueryTree(expr.rhs),
        type: 'binaryExpr',
      };
    }
    case 'Call':
      return {
        args: expr.args.map(parseQueryTree),
        func: {
          argTypes: [...expr.func.argTypes],
          name: expr.func.name,
          returnType: expr.func.returnType,
          variadic: expr.func.variadic,
        },
        type: 'call',
      };
    case 'MatrixSelector': {
      const { selector } = expr;
      const { matchers, name, offset, offsetExpr } = selectorFields(selector);
      return {
        anchored: false,
        matchers,
        name,
        offset,
        offsetExpr,
        range: expr.range,
        rangeExpr: null,
        smoothed: false,
        startOrEnd: startOrEnd(selector.at),
        timestamp: timestamp(selector.at),
        type: 'matrixSelector',
      };
    }
    case 'SubqueryExpr':
      return {
        expr: parseQueryTree(expr.expr),
        offset: expr.offset,
        offsetExpr: null,
        range: expr.range,
        rangeExpr: null,
        startOrEnd: startOrEnd(expr.at),
        step: expr.step,
        stepExpr: null,
        timestamp: timestamp(expr.at),
        type: 'subquery',
      };
    case 'NumberLiteral':
      return { type: 'numberLiteral', val: formatNumber(expr.value) };
    case 'ParenExpr':
      return { expr: parseQueryTree(expr.expr), type: 'parenExpr' };
    case 'StringLiteral':
      return { type: 'stringLiteral', val: expr.value };
    case 'UnaryExpr':
      return { expr: parseQueryTree(expr.expr), op: expr.op, type: 'unaryExpr' };
    case 'VectorSelector': {
      const { matchers, name, offset, offsetExpr } = selectorFields(expr);
      return {
        anchored: false,
        matchers,
        name,
        offset,
        offsetExpr,
        smoothed: false,
        startOrEnd: startOrEnd(expr.at),
        timestamp: timestamp(expr.at),
        type: 'vectorSelector',
      };
    }
  }
}
