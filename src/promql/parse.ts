import type {
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
  PosRange,
  SubqueryExpr,
  VectorMatchCardinality,
  VectorMatching,
  VectorSelector,
} from './ast.js';
import { aggregateTakesParam, isSetOp, PRECEDENCE } from './ast.js';
import { check } from './check.js';
import { PromQLError } from './errors.js';
import { getFunction } from './functions.js';
import {
  MAX_DURATION_SECONDS,
  StringSyntaxError,
  isDurationText,
  isValidUtf8,
  parseDuration,
  parseNumber,
  unquoteString,
} from './literals.js';
import { compileLabelRegex } from './regex.js';
import { parseTree, type SyntaxNode } from './syntax.js';

export interface ParseOptions {
  /** Accept Prometheus's experimental functions and aggregations (`limitk`, `sort_by_label`…). Off by default. */
  readonly enableExperimentalFunctions?: boolean;
}

/**
 * Parses and type-checks a PromQL expression. Every failure, syntax or type, is a {@link PromQLError} whose message
 * is Prometheus's; nothing else is thrown.
 */
export function parse(query: string, options: ParseOptions = {}): Expr {
  const expr = parseUnchecked(query, options);
  check(expr, query);
  return expr;
}

/** Parses without the type checker: the AST of a syntactically valid query, for tools that explain bad queries. */
export function parseUnchecked(query: string, options: ParseOptions = {}): Expr {
  const tree = parseTree(query);
  const top = tree.topNode.firstChild;
  if (!top) throw new PromQLError('no expression found in input', { start: 0, end: 0 }, query);
  return new AstBuilder(query, options).expr(top);
}

const BINARY_OPS: Readonly<Record<string, BinaryOp>> = {
  Pow: '^',
  Mul: '*',
  Div: '/',
  Mod: '%',
  Atan2: 'atan2',
  Add: '+',
  Sub: '-',
  Eql: '==',
  Neq: '!=',
  Gte: '>=',
  Gtr: '>',
  Lte: '<=',
  Lss: '<',
  And: 'and',
  Or: 'or',
  Unless: 'unless',
};

const MATCH_OPS: Readonly<Record<string, MatchType>> = { EqlSingle: '=', Neq: '!=', EqlRegex: '=~', NeqRegex: '!~' };

const EXPERIMENTAL_AGGREGATES: ReadonlySet<string> = new Set(['limitk', 'limit_ratio']);

type Modifiable = VectorSelector | MatrixSelector | SubqueryExpr;

/** The parts of lezer's CST that carry meaning: comments are skipped, as Prometheus's lexer skips them. */
function children(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) {
    if (child.name !== 'LineComment') out.push(child);
  }
  return out;
}

function range(node: SyntaxNode): PosRange {
  return { start: node.from, end: node.to };
}

class AstBuilder {
  constructor(
    private readonly query: string,
    private readonly options: ParseOptions,
  ) {}

  private fail(detail: string, pos: PosRange): never {
    throw new PromQLError(detail, pos, this.query);
  }

  private text(node: SyntaxNode): string {
    return this.query.slice(node.from, node.to);
  }

  private child(node: SyntaxNode, index: number): SyntaxNode {
    const found = children(node)[index];
    if (!found) this.fail(`unexpected end of ${node.name}`, range(node));
    return found;
  }

  expr(node: SyntaxNode): Expr {
    switch (node.name) {
      case 'NumberDurationLiteral':
        return this.numberLiteral(node);
      case 'StringLiteral':
        return { kind: 'StringLiteral', value: this.string(node), pos: range(node) };
      case 'VectorSelector':
        return this.vectorSelector(node);
      case 'MatrixSelector':
        return this.matrixSelector(node);
      case 'SubqueryExpr':
        return this.subquery(node);
      case 'OffsetExpr':
        return this.offset(node);
      case 'StepInvariantExpr':
        return this.at(node);
      case 'ParenExpr':
        return { kind: 'ParenExpr', expr: this.expr(this.child(node, 0)), pos: range(node) };
      case 'UnaryExpr':
        return this.unary(this.child(node, 0), this.expr(this.child(node, 1)), node);
      case 'BinaryExpr':
        return this.binary(node);
      case 'AggregateExpr':
        return this.aggregate(node);
      case 'FunctionCall':
        return this.call(node);
      case 'AnchoredExpr':
        return this.fail('anchored modifier is experimental and not enabled', range(node));
      case 'SmoothedExpr':
        return this.fail('smoothed modifier is experimental and not enabled', range(node));
      default:
        return this.fail(`unexpected ${node.name}`, range(node));
    }
  }

  /** A number or duration, with the sign lezer may have folded into the token. */
  private numberLiteral(node: SyntaxNode): NumberLiteral {
    const raw = this.text(node);
    const signed = /^([+-])\s*/.exec(raw);
    const body = signed ? raw.slice(signed[0].length) : raw;
    const { value, duration } = this.numberValue(body, { start: node.from + (signed?.[0].length ?? 0), end: node.to });
    return { kind: 'NumberLiteral', value: signed?.[1] === '-' ? -value : value, duration, pos: range(node) };
  }

  private numberValue(text: string, pos: PosRange): { value: number; duration: boolean } {
    if (isDurationText(text)) {
      const ms = parseDuration(text);
      if (ms === null) this.fail(`not a valid duration string: "${text}"`, pos);
      return { value: ms / 1000, duration: true };
    }
    const value = parseNumber(text);
    if (value === null) this.fail(`error parsing number: strconv.ParseFloat: parsing "${text}": invalid syntax`, pos);
    return { value, duration: false };
  }

  private string(node: SyntaxNode): string {
    try {
      return unquoteString(this.text(node));
    } catch (error) {
      if (error instanceof StringSyntaxError) this.fail(error.message, range(node));
      throw error;
    }
  }

  private vectorSelector(node: SyntaxNode): VectorSelector {
    let name = '';
    const matchers: LabelMatcher[] = [];
    for (const part of children(node)) {
      if (part.name === 'Identifier') name = this.text(part);
      else if (part.name === 'LabelMatchers') matchers.push(...children(part).map((m) => this.matcher(m)));
    }
    if (name !== '') matchers.push({ type: '=', name: '__name__', value: name });
    return { kind: 'VectorSelector', name, matchers, offset: 0, at: null, pos: range(node) };
  }

  private matcher(node: SyntaxNode): LabelMatcher {
    if (node.name === 'QuotedLabelName') {
      return { type: '=', name: '__name__', value: this.string(this.child(node, 0)) };
    }
    const [label, op, value] = children(node);
    if (!label || !op || !value) return this.fail('unexpected end of label matcher', range(node));
    const name = label.name === 'QuotedLabelName' ? this.string(this.child(label, 0)) : this.text(label);
    const type = MATCH_OPS[op.firstChild?.name ?? ''];
    if (!type) return this.fail(`unexpected ${this.text(op)} in label matching`, range(op));
    const matcher: LabelMatcher = { type, name, value: this.string(value) };
    if (type === '=~' || type === '!~') {
      try {
        compileLabelRegex(matcher.value);
      } catch (error) {
        this.fail(error instanceof Error ? error.message : String(error), range(node));
      }
    }
    return matcher;
  }

  private matrixSelector(node: SyntaxNode): Expr {
    const exprNode = this.child(node, 0);
    const brackets = { start: this.query.indexOf('[', exprNode.to), end: node.to };
    const rangeMs = this.durationExpr(this.child(node, 1), true);
    return this.postfix(this.expr(exprNode), (inner): MatrixSelector => {
      if (inner.kind !== 'VectorSelector') this.fail('ranges only allowed for vector selectors', brackets);
      if (inner.offset !== 0) this.fail('no offset modifiers allowed before range', brackets);
      if (inner.at !== null) this.fail('no @ modifiers allowed before range', brackets);
      return { kind: 'MatrixSelector', selector: inner, range: rangeMs, pos: { start: inner.pos.start, end: node.to } };
    });
  }

  private subquery(node: SyntaxNode): Expr {
    const [exprNode, rangeNode, stepNode] = children(node);
    if (!exprNode || !rangeNode) return this.fail('unexpected end of subquery', range(node));
    const rangeMs = this.durationExpr(rangeNode, true);
    const step = stepNode ? this.durationExpr(stepNode, true) : 0;
    return this.postfix(this.expr(exprNode), (expr): SubqueryExpr => {
      const pos = { start: expr.pos.start, end: node.to };
      return { kind: 'SubqueryExpr', expr, range: rangeMs, step, offset: 0, at: null, pos };
    });
  }

  /**
   * lezer attaches `[…]`, `offset` and `@` to the whole binary or unary expression on their left (`a or b offset 5m`);
   * in Prometheus they bind tighter than any operator, so they belong to the rightmost operand.
   */
  private postfix(inner: Expr, apply: (operand: Expr) => Expr): Expr {
    if (inner.kind === 'BinaryExpr') {
      const rhs = this.postfix(inner.rhs, apply);
      return { ...inner, rhs, pos: { start: inner.pos.start, end: rhs.pos.end } };
    }
    if (inner.kind === 'UnaryExpr') {
      const expr = this.postfix(inner.expr, apply);
      return { ...inner, expr, pos: { start: inner.pos.start, end: expr.pos.end } };
    }
    return apply(inner);
  }

  /** `[…]` contents: a number of seconds or a duration; duration arithmetic is experimental in Prometheus 3. */
  private durationExpr(node: SyntaxNode, positive: boolean): number {
    const parts = children(node);
    const [first, second] = parts;
    if (parts.length === 1 && first?.name === 'NumberDurationLiteralInDurationContext') {
      const ms = this.durationLiteral(first);
      if (positive && !(ms > 0)) this.fail('duration must be greater than 0', range(first));
      return ms;
    }
    if (parts.length === 2 && first?.name === 'UnaryOp' && second && second.name === node.name) {
      const inner = this.durationExpr(second, false);
      const ms = this.text(first) === '-' ? -inner : inner;
      if (positive && !(ms > 0)) this.fail('duration must be greater than 0', range(node));
      return ms;
    }
    return this.fail('experimental duration expression is not enabled', range(node));
  }

  private durationLiteral(node: SyntaxNode): number {
    const { value } = this.numberValue(this.text(node), range(node));
    if (!(Math.abs(value) <= MAX_DURATION_SECONDS)) this.fail('duration out of range', range(node));
    return Math.round(value * 1000);
  }

  private modifiable(expr: Expr, what: string): Modifiable {
    if (expr.kind === 'VectorSelector' || expr.kind === 'MatrixSelector' || expr.kind === 'SubqueryExpr') return expr;
    return this.fail(
      `${what} modifier must be preceded by an instant vector selector or range vector selector or a subquery`,
      expr.pos,
    );
  }

  private offset(node: SyntaxNode): Expr {
    const [exprNode, , durationNode] = children(node);
    if (!exprNode || !durationNode) return this.fail('unexpected end of offset', range(node));
    const offset = this.durationExpr(durationNode, false);
    return this.postfix(this.expr(exprNode), (operand) => {
      const target = this.modifiable(operand, 'offset');
      const current = target.kind === 'MatrixSelector' ? target.selector.offset : target.offset;
      if (current !== 0) this.fail('offset may not be set multiple times', target.pos);
      return this.modify(target, { offset }, node.to);
    });
  }

  private at(node: SyntaxNode): Expr {
    const [exprNode, , value] = children(node);
    if (!exprNode || !value) return this.fail('unexpected end of @ modifier', range(node));
    let at: AtModifier;
    if (value.name === 'AtModifierPreprocessors') {
      at = value.firstChild?.name === 'AtEnd' ? 'end' : 'start';
    } else {
      const seconds = this.numberLiteral(value).value;
      if (!Number.isFinite(seconds) || Math.abs(seconds) >= 2 ** 63) {
        this.fail(`timestamp out of bounds for @ modifier: ${formatGoFloat(seconds)}`, range(exprNode));
      }
      at = Math.round(seconds * 1000);
    }
    return this.postfix(this.expr(exprNode), (operand) => {
      const target = this.modifiable(operand, '@');
      const current = target.kind === 'MatrixSelector' ? target.selector.at : target.at;
      if (current !== null) this.fail('@ <timestamp> may not be set multiple times', target.pos);
      return this.modify(target, { at }, node.to);
    });
  }

  private modify(target: Modifiable, change: { offset?: number; at?: AtModifier }, end: number): Modifiable {
    const pos = { start: target.pos.start, end };
    if (target.kind === 'MatrixSelector') return { ...target, selector: { ...target.selector, ...change }, pos };
    return { ...target, ...change, pos };
  }

  private unary(opNode: SyntaxNode, operand: Expr, node: SyntaxNode): Expr {
    const op = this.text(opNode) === '-' ? '-' : '+';
    if (operand.kind === 'NumberLiteral') {
      const value = op === '-' ? -operand.value : operand.value;
      return { ...operand, value, pos: { start: opNode.from, end: operand.pos.end } };
    }
    return { kind: 'UnaryExpr', op, expr: operand, pos: range(node) };
  }

  private binary(node: SyntaxNode): Expr {
    const parts = children(node);
    const lhsNode = parts[0];
    const opNode = parts[1];
    const rhsNode = parts[parts.length - 1];
    if (!lhsNode || !opNode || !rhsNode || parts.length < 3) return this.fail('unexpected end of input', range(node));
    const op = BINARY_OPS[opNode.name];
    if (!op) return this.fail(`binary expression does not support operator "${this.text(opNode)}"`, range(opNode));
    let returnBool = false;
    let matching: VectorMatching = { card: 'one-to-one', on: false, matchingLabels: [], include: [] };
    for (const part of parts.slice(2, -1)) {
      if (part.name === 'BoolModifier') returnBool = true;
      else if (part.name === 'MatchingModifierClause') matching = this.matching(part);
      else if (part.name === 'FillModifier')
        this.fail('binop fill modifiers are experimental and not enabled', range(node));
    }
    if (isSetOp(op) && matching.card === 'one-to-one') matching = { ...matching, card: 'many-to-many' };
    const rhs = this.expr(rhsNode);
    // lezer reads `-1 ^ 2` as `(-1) ^ 2`; in Prometheus the sign is a unary operator binding looser than `^`.
    const sign = lhsNode.name === 'NumberDurationLiteral' ? /^[+-]/.exec(this.text(lhsNode))?.[0] : undefined;
    if (op === '^' && sign) {
      const literal = this.numberLiteral(lhsNode);
      const start = lhsNode.from + 1;
      const lhs: NumberLiteral = {
        ...literal,
        value: sign === '-' ? -literal.value : literal.value,
        pos: { start, end: lhsNode.to },
      };
      const power: BinaryExpr = {
        kind: 'BinaryExpr',
        op,
        lhs,
        rhs,
        returnBool,
        matching,
        pos: { start, end: node.to },
      };
      return { kind: 'UnaryExpr', op: sign === '-' ? '-' : '+', expr: power, pos: range(node) };
    }
    const lhs = this.expr(lhsNode);
    const expr: BinaryExpr = { kind: 'BinaryExpr', op, lhs, rhs, returnBool, matching, pos: range(node) };
    // A binary expression that lezer wrapped in `offset`/`@`/`[…]` (`a + b @ 60 * 0`) got its modifier moved onto its
    // rightmost operand (see postfix), so it is still open on the right: a tighter operator that follows applies to
    // that operand, `a + ((b @ 60) * 0)`, as in Prometheus.
    return lhsNode.name !== 'BinaryExpr' && lhs.kind === 'BinaryExpr' ? reassociate(expr) : expr;
  }

  private matching(node: SyntaxNode): VectorMatching {
    let on = false;
    let card: VectorMatchCardinality = 'one-to-one';
    let matchingLabels: string[] = [];
    let include: string[] = [];
    for (const part of children(node)) {
      if (part.name === 'On') on = true;
      else if (part.name === 'GroupLeft') card = 'many-to-one';
      else if (part.name === 'GroupRight') card = 'one-to-many';
      else if (part.name === 'GroupingLabels') {
        if (card === 'one-to-one') matchingLabels = this.groupingLabels(part);
        else include = this.groupingLabels(part);
      }
    }
    return { card, on, matchingLabels, include };
  }

  private groupingLabels(node: SyntaxNode): string[] {
    return children(node).map((label) => {
      if (label.name === 'LabelName') return this.text(label);
      const name = this.string(this.child(label, 0));
      if (name === '' || !isValidUtf8(name)) this.fail(`invalid label name for grouping: "${name}"`, range(label));
      return name;
    });
  }

  private args(node: SyntaxNode | undefined): Expr[] {
    return node ? children(node).map((arg) => this.expr(arg)) : [];
  }

  private aggregate(node: SyntaxNode): AggregateExpr {
    const parts = children(node);
    const opNode = parts[0];
    if (!opNode) return this.fail('unexpected end of aggregation', range(node));
    const op = this.text(opNode).toLowerCase() as AggregateOp;
    const modifier = parts.find((p) => p.name === 'AggregateModifier');
    const args = this.args(parts.find((p) => p.name === 'FunctionCallBody'));
    const pos = range(node);
    if (args.length === 0) this.fail('no arguments for aggregate expression provided', pos);
    let wanted = 1;
    if (aggregateTakesParam(op)) {
      if (EXPERIMENTAL_AGGREGATES.has(op) && !this.options.enableExperimentalFunctions) {
        this.fail(
          `${op}() is experimental and must be enabled with --enable-feature=promql-experimental-functions`,
          pos,
        );
      }
      wanted = 2;
    }
    if (args.length !== wanted) {
      this.fail(
        `wrong number of arguments for aggregate expression provided, expected ${wanted}, got ${args.length}`,
        pos,
      );
    }
    const expr = args[wanted - 1] as Expr;
    const param = wanted === 2 ? (args[0] as Expr) : null;
    const grouping = modifier ? this.groupingLabels(this.child(modifier, 1)) : [];
    const without = modifier?.firstChild?.name === 'Without';
    return { kind: 'AggregateExpr', op, expr, param, grouping, without, pos };
  }

  private call(node: SyntaxNode): Call {
    const [identifier, body] = children(node);
    if (!identifier) return this.fail('unexpected end of function call', range(node));
    const name = this.text(identifier);
    const func = getFunction(name);
    if (!func) return this.fail(`unknown function with name "${name}"`, range(identifier));
    if (func.experimental && !this.options.enableExperimentalFunctions) {
      this.fail(`function "${name}" is not enabled`, range(identifier));
    }
    return { kind: 'Call', func, args: this.args(body), pos: range(node) };
  }
}

/** Go's `%f`: six decimals, `+Inf`, `-Inf`, `NaN`. */
function formatGoFloat(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  return value.toFixed(6);
}

/** `(l1 op1 l2) op2 r` → `l1 op1 (l2 op2 r)` while op2 binds tighter (or is the right-associative `^`). */
function reassociate(expr: BinaryExpr): BinaryExpr {
  const lhs = expr.lhs;
  if (lhs.kind !== 'BinaryExpr') return expr;
  const tighter = PRECEDENCE[expr.op] > PRECEDENCE[lhs.op] || (expr.op === '^' && lhs.op === '^');
  if (!tighter) return expr;
  const inner = reassociate({ ...expr, lhs: lhs.rhs, pos: { start: lhs.rhs.pos.start, end: expr.pos.end } });
  return { ...lhs, rhs: inner, pos: expr.pos };
}
