export type {
  AggregateExpr,
  AggregateOp,
  AtModifier,
  BinaryExpr,
  BinaryOp,
  Call,
  Expr,
  LabelMatcher,
  MatchType,
  MatrixSelector,
  NumberLiteral,
  ParenExpr,
  PosRange,
  StringLiteral,
  SubqueryExpr,
  UnaryExpr,
  ValueType,
  VectorMatchCardinality,
  VectorMatching,
  VectorSelector,
} from './ast.js';
export { documentedType, exprType, isComparisonOp, isSetOp } from './ast.js';
export { check } from './check.js';
export { PromQLError, isPromQLError } from './errors.js';
export { FUNCTIONS, getFunction, type FunctionDef } from './functions.js';
export { compileLabelRegex } from './regex.js';
export { parse, parseUnchecked, type ParseOptions } from './parse.js';
export { print } from './printer.js';
export { Engine, type EngineOptions } from './engine/engine.js';
export {
  EvaluationError,
  type InstantSample,
  type QueryResult,
  type QueryValue,
  type RangeResultSeries,
} from './engine/result.js';
export type {
  FloatSamples,
  HistogramSamples,
  Querier,
  QuerierOptions,
  SelectHints,
  SeriesSamples,
  Storage,
  TimeRange,
} from './engine/storage.js';
export type { FloatHistogram } from './engine/histograms/native/float-histogram.js';
export type { Labels, Label } from './engine/core/labels.js';
