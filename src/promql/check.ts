import type { BinaryExpr, Call, Expr, LabelMatcher, PosRange, ValueType, VectorSelector } from './ast.js';
import { documentedType, exprType, isComparisonOp, isSetOp } from './ast.js';
import { PromQLError } from './errors.js';
import { quoteString } from './literals.js';
import { compileLabelRegex } from './regex.js';

/**
 * Type-checks an AST as Prometheus's `checkAST` does and returns its type. The first problem, in the order Prometheus
 * finds them (operands before the operator, arguments in order), is thrown as a {@link PromQLError}.
 */
export function check(expr: Expr, query: string): ValueType {
  return new Checker(query).check(expr);
}

const SCALAR_PARAM_AGGREGATES: ReadonlySet<string> = new Set(['topk', 'bottomk', 'quantile', 'limitk', 'limit_ratio']);

function matchesEmpty(matcher: LabelMatcher): boolean {
  switch (matcher.type) {
    case '=':
      return matcher.value === '';
    case '!=':
      return matcher.value !== '';
    case '=~':
      return compileLabelRegex(matcher.value).test('');
    case '!~':
      return !compileLabelRegex(matcher.value).test('');
  }
}

class Checker {
  constructor(private readonly query: string) {}

  private fail(detail: string, pos: PosRange): never {
    throw new PromQLError(detail, pos, this.query);
  }

  private expectType(expr: Expr, want: ValueType, context: string): void {
    const got = this.check(expr);
    if (got !== want)
      this.fail(`expected type ${documentedType(want)} in ${context}, got ${documentedType(got)}`, expr.pos);
  }

  check(expr: Expr): ValueType {
    switch (expr.kind) {
      case 'AggregateExpr':
        this.expectType(expr.expr, 'vector', 'aggregation expression');
        if (expr.param && SCALAR_PARAM_AGGREGATES.has(expr.op)) {
          this.expectType(expr.param, 'scalar', 'aggregation parameter');
        }
        if (expr.param && expr.op === 'count_values') this.expectType(expr.param, 'string', 'aggregation parameter');
        break;
      case 'BinaryExpr':
        this.binary(expr);
        break;
      case 'Call':
        this.call(expr);
        break;
      case 'ParenExpr':
        this.check(expr.expr);
        break;
      case 'UnaryExpr': {
        const type = this.check(expr.expr);
        if (type !== 'scalar' && type !== 'vector') {
          this.fail(
            `unary expression only allowed on expressions of type scalar or instant vector, got "${documentedType(type)}"`,
            expr.pos,
          );
        }
        break;
      }
      case 'SubqueryExpr': {
        const type = this.check(expr.expr);
        if (type !== 'vector') this.fail(`subquery is only allowed on instant vector, got ${type} instead`, expr.pos);
        break;
      }
      case 'MatrixSelector':
        this.check(expr.selector);
        break;
      case 'VectorSelector':
        this.selector(expr);
        break;
      case 'NumberLiteral':
      case 'StringLiteral':
        break;
    }
    return exprType(expr);
  }

  /** The operator between the operands, for errors about the operator and its modifiers. */
  private operatorRange(expr: BinaryExpr): PosRange {
    let start = expr.lhs.pos.end;
    let end = expr.rhs.pos.start - 1;
    while (start < end && /\s/.test(this.query[start] ?? '')) start++;
    while (end > start && /\s/.test(this.query[end] ?? '')) end--;
    return { start, end };
  }

  private binary(expr: BinaryExpr): void {
    const lt = this.check(expr.lhs);
    const rt = this.check(expr.rhs);
    const { op, matching } = expr;
    if (expr.returnBool && !isComparisonOp(op)) {
      this.fail('bool modifier can only be used on comparison operators', this.operatorRange(expr));
    }
    if (isComparisonOp(op) && !expr.returnBool && lt === 'scalar' && rt === 'scalar') {
      this.fail('comparisons between scalars must use BOOL modifier', this.operatorRange(expr));
    }
    if (matching.on) {
      const clash = matching.matchingLabels.find((label) => matching.include.includes(label));
      if (clash !== undefined) {
        this.fail(
          `label ${quoteString(clash)} must not occur in ON and GROUP clause at once`,
          this.operatorRange(expr),
        );
      }
    }
    if (lt !== 'scalar' && lt !== 'vector') {
      this.fail('binary expression must contain only scalar and instant vector types', expr.lhs.pos);
    }
    if (rt !== 'scalar' && rt !== 'vector') {
      this.fail('binary expression must contain only scalar and instant vector types', expr.rhs.pos);
    }
    if (lt !== 'vector' || rt !== 'vector') {
      if (matching.matchingLabels.length > 0)
        this.fail('vector matching only allowed between instant vectors', expr.pos);
    } else if (isSetOp(op)) {
      if (matching.card === 'one-to-many' || matching.card === 'many-to-one') {
        this.fail(`no grouping allowed for "${op}" operation`, expr.pos);
      }
      if (matching.card !== 'many-to-many') this.fail('set operations must always be many-to-many', expr.pos);
    }
    if ((lt === 'scalar' || rt === 'scalar') && isSetOp(op)) {
      this.fail(`set operator "${op}" not allowed in binary scalar expression`, expr.pos);
    }
  }

  private call(expr: Call): void {
    const { func, args } = expr;
    const declared = func.argTypes.length;
    if (func.variadic === 0) {
      if (declared !== args.length) {
        this.fail(`expected ${declared} argument(s) in call to "${func.name}", got ${args.length}`, expr.pos);
      }
    } else {
      const required = declared - 1;
      if (required > args.length) {
        this.fail(`expected at least ${required} argument(s) in call to "${func.name}", got ${args.length}`, expr.pos);
      }
      const most = required + func.variadic;
      if (func.variadic > 0 && most < args.length) {
        this.fail(`expected at most ${most} argument(s) in call to "${func.name}", got ${args.length}`, expr.pos);
      }
    }
    args.forEach((arg, i) => {
      if (i >= declared && func.variadic === 0) return;
      const want = func.argTypes[Math.min(i, declared - 1)];
      const got = this.check(arg);
      if (want !== undefined && got !== want) {
        this.fail(
          `expected type ${documentedType(want)} in call to function "${func.name}", got ${documentedType(got)}`,
          arg.pos,
        );
      }
    });
  }

  private selector(expr: VectorSelector): void {
    if (expr.name !== '') {
      // The last matcher is the one made from the name written before the braces.
      const twice = expr.matchers.slice(0, -1).find((m) => m.name === '__name__');
      if (twice) this.fail(`metric name must not be set twice: "${expr.name}" or "${twice.value}"`, expr.pos);
      return;
    }
    // A selector that every series matches is almost always a typo, so Prometheus refuses it.
    if (!expr.matchers.some((m) => !matchesEmpty(m))) {
      this.fail('vector selector must contain at least one non-empty matcher', expr.pos);
    }
  }
}
