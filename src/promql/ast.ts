import type { FunctionDef } from './functions.js';
import type { ValueType } from './value-type.js';

/** Offsets into the query string (JavaScript string indices): `start` inclusive, `end` exclusive. */
export interface PosRange {
  readonly start: number;
  readonly end: number;
}

/** The four value types of PromQL, spelled as Prometheus's API spells them. */
export type { ValueType } from './value-type.js';

export type MatchType = '=' | '!=' | '=~' | '!~';

export interface LabelMatcher {
  readonly type: MatchType;
  readonly name: string;
  readonly value: string;
}

/** `@ <timestamp>` as epoch milliseconds, or `@ start()` / `@ end()`, resolved by the evaluator. */
export type AtModifier = number | 'start' | 'end';

type ArithmeticOp = '+' | '-' | '*' | '/' | '%' | '^' | 'atan2';
export type ComparisonOp = '==' | '!=' | '>' | '<' | '>=' | '<=';
export type SetOp = 'and' | 'or' | 'unless';
export type BinaryOp = ArithmeticOp | ComparisonOp | SetOp;

export type AggregateOp =
  | 'sum'
  | 'avg'
  | 'count'
  | 'min'
  | 'max'
  | 'group'
  | 'stddev'
  | 'stdvar'
  | 'topk'
  | 'bottomk'
  | 'count_values'
  | 'quantile'
  | 'limitk'
  | 'limit_ratio';

export type VectorMatchCardinality = 'one-to-one' | 'many-to-one' | 'one-to-many' | 'many-to-many';

export interface VectorMatching {
  readonly card: VectorMatchCardinality;
  /** `on(…)` when true, `ignoring(…)` otherwise (with no labels: match on all labels). */
  readonly on: boolean;
  readonly matchingLabels: readonly string[];
  /** The labels of `group_left(…)` / `group_right(…)` copied from the "one" side. */
  readonly include: readonly string[];
}

export interface NumberLiteral {
  readonly kind: 'NumberLiteral';
  readonly value: number;
  /** Written as a duration (`5m`), so printed back as one; the value is in seconds. */
  readonly duration: boolean;
  readonly pos: PosRange;
}

export interface StringLiteral {
  readonly kind: 'StringLiteral';
  readonly value: string;
  readonly pos: PosRange;
}

export interface VectorSelector {
  readonly kind: 'VectorSelector';
  /** The metric name written before the braces, or '' when there is none. */
  readonly name: string;
  /** All matchers; a name written before the braces is the last one, `__name__="<name>"`. */
  readonly matchers: readonly LabelMatcher[];
  /** Milliseconds; negative looks into the future. */
  readonly offset: number;
  readonly at: AtModifier | null;
  readonly pos: PosRange;
}

export interface MatrixSelector {
  readonly kind: 'MatrixSelector';
  /** Carries the offset and `@` of the whole range selector. */
  readonly selector: VectorSelector;
  /** Milliseconds. */
  readonly range: number;
  readonly pos: PosRange;
}

export interface SubqueryExpr {
  readonly kind: 'SubqueryExpr';
  readonly expr: Expr;
  /** Milliseconds. */
  readonly range: number;
  /** Milliseconds; 0 means the default resolution of the evaluator. */
  readonly step: number;
  readonly offset: number;
  readonly at: AtModifier | null;
  readonly pos: PosRange;
}

export interface ParenExpr {
  readonly kind: 'ParenExpr';
  readonly expr: Expr;
  readonly pos: PosRange;
}

export interface UnaryExpr {
  readonly kind: 'UnaryExpr';
  readonly op: '-' | '+';
  readonly expr: Expr;
  readonly pos: PosRange;
}

export interface BinaryExpr {
  readonly kind: 'BinaryExpr';
  readonly op: BinaryOp;
  readonly lhs: Expr;
  readonly rhs: Expr;
  readonly returnBool: boolean;
  /** Meaningful only when both sides are instant vectors. */
  readonly matching: VectorMatching;
  readonly pos: PosRange;
}

export interface AggregateExpr {
  readonly kind: 'AggregateExpr';
  readonly op: AggregateOp;
  readonly expr: Expr;
  /** `k` of topk, `φ` of quantile, the label of count_values…; null for the others. */
  readonly param: Expr | null;
  readonly grouping: readonly string[];
  readonly without: boolean;
  readonly pos: PosRange;
}

export interface Call {
  readonly kind: 'Call';
  readonly func: FunctionDef;
  readonly args: readonly Expr[];
  readonly pos: PosRange;
}

export type Expr =
  | NumberLiteral
  | StringLiteral
  | VectorSelector
  | MatrixSelector
  | SubqueryExpr
  | ParenExpr
  | UnaryExpr
  | BinaryExpr
  | AggregateExpr
  | Call;

const COMPARISON_OPS: ReadonlySet<string> = new Set(['==', '!=', '>', '<', '>=', '<=']);
const SET_OPS: ReadonlySet<string> = new Set(['and', 'or', 'unless']);
const PARAM_AGGREGATES: ReadonlySet<string> = new Set([
  'topk',
  'bottomk',
  'count_values',
  'quantile',
  'limitk',
  'limit_ratio',
]);

/** How tightly each binary operator binds, as Prometheus's grammar orders them (`^` also groups to the right). */
export const PRECEDENCE: Readonly<Record<BinaryOp, number>> = {
  or: 1,
  and: 2,
  unless: 2,
  '==': 3,
  '!=': 3,
  '>': 3,
  '<': 3,
  '>=': 3,
  '<=': 3,
  '+': 4,
  '-': 4,
  '*': 5,
  '/': 5,
  '%': 5,
  atan2: 5,
  '^': 6,
};

export function isComparisonOp(op: BinaryOp): op is ComparisonOp {
  return COMPARISON_OPS.has(op);
}

export function isSetOp(op: BinaryOp): op is SetOp {
  return SET_OPS.has(op);
}

export function aggregateTakesParam(op: AggregateOp): boolean {
  return PARAM_AGGREGATES.has(op);
}

/** The static type of an expression, as Prometheus's `Expr.Type()` defines it. */
export function exprType(expr: Expr): ValueType {
  switch (expr.kind) {
    case 'NumberLiteral':
      return 'scalar';
    case 'StringLiteral':
      return 'string';
    case 'VectorSelector':
    case 'AggregateExpr':
      return 'vector';
    case 'MatrixSelector':
    case 'SubqueryExpr':
      return 'matrix';
    case 'ParenExpr':
    case 'UnaryExpr':
      return exprType(expr.expr);
    case 'BinaryExpr':
      return exprType(expr.lhs) === 'scalar' && exprType(expr.rhs) === 'scalar' ? 'scalar' : 'vector';
    case 'Call':
      return expr.func.returnType;
  }
}

/** The name Prometheus's error messages give a value type. */
export function documentedType(type: ValueType): string {
  switch (type) {
    case 'vector':
      return 'instant vector';
    case 'matrix':
      return 'range vector';
    default:
      return type;
  }
}
