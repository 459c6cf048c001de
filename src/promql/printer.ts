import type { AtModifier, BinaryExpr, BinaryOp, Expr, LabelMatcher, VectorMatching, VectorSelector } from './ast.js';
import { PRECEDENCE } from './ast.js';
import { formatDuration, formatNumber, isLegacyLabelName, isLegacyMetricName, quoteString } from './literals.js';

/**
 * PromQL text for an AST, in the style of Prometheus's `String()`. Printing a parsed query and parsing the result
 * gives the same AST (positions aside), because matchers keep their order and parentheses are kept as `ParenExpr`
 * nodes. For an AST built by hand, the printer adds the parentheses that precedence requires.
 */
export function print(expr: Expr): string {
  switch (expr.kind) {
    case 'NumberLiteral':
      if (expr.duration && Number.isFinite(expr.value)) return formatDuration(expr.value * 1000);
      return formatNumber(expr.value);
    case 'StringLiteral':
      return quoteString(expr.value);
    case 'VectorSelector':
      return printSelector(expr) + printAt(expr.at) + printOffset(expr.offset);
    case 'MatrixSelector': {
      const { selector } = expr;
      return `${printSelector(selector)}[${formatDuration(expr.range)}]${printAt(selector.at)}${printOffset(selector.offset)}`;
    }
    case 'SubqueryExpr': {
      const step = expr.step === 0 ? '' : formatDuration(expr.step);
      const inner = needsParens(expr.expr, 'postfix') ? `(${print(expr.expr)})` : print(expr.expr);
      return `${inner}[${formatDuration(expr.range)}:${step}]${printAt(expr.at)}${printOffset(expr.offset)}`;
    }
    case 'ParenExpr':
      return `(${print(expr.expr)})`;
    case 'UnaryExpr': {
      const inner = needsParens(expr.expr, 'unary') ? `(${print(expr.expr)})` : print(expr.expr);
      return `${expr.op}${inner}`;
    }
    case 'BinaryExpr':
      return printBinary(expr);
    case 'AggregateExpr': {
      let head: string = expr.op;
      if (expr.without) head += ` without (${printLabels(expr.grouping)}) `;
      else if (expr.grouping.length > 0) head += ` by (${printLabels(expr.grouping)}) `;
      const args = expr.param ? `${print(expr.param)}, ${print(expr.expr)}` : print(expr.expr);
      return `${head}(${args})`;
    }
    case 'Call':
      return `${expr.func.name}(${expr.args.map(print).join(', ')})`;
  }
}

/** Whether `child`, printed bare in the given position, would parse back as a different tree. */
function needsParens(child: Expr, where: 'postfix' | 'unary' | { parent: BinaryOp; side: 'lhs' | 'rhs' }): boolean {
  if (where === 'postfix') {
    return (
      child.kind === 'BinaryExpr' || child.kind === 'UnaryExpr' || (child.kind === 'NumberLiteral' && child.value < 0)
    );
  }
  if (where === 'unary') return child.kind === 'BinaryExpr' && child.op !== '^';
  const { parent, side } = where;
  if (
    child.kind === 'UnaryExpr' ||
    (child.kind === 'NumberLiteral' && (child.value < 0 || Object.is(child.value, -0)))
  ) {
    // A leading sign binds looser than `^`: `-1 ^ 2` is `-(1 ^ 2)`.
    return parent === '^' && side === 'lhs';
  }
  if (child.kind !== 'BinaryExpr') return false;
  const mine = PRECEDENCE[child.op];
  const theirs = PRECEDENCE[parent];
  if (mine !== theirs) return mine < theirs;
  // `^` groups to the right, everything else to the left.
  return parent === '^' ? side === 'lhs' : side === 'rhs';
}

function printBinary(expr: BinaryExpr): string {
  const lhs = needsParens(expr.lhs, { parent: expr.op, side: 'lhs' }) ? `(${print(expr.lhs)})` : print(expr.lhs);
  const rhs = needsParens(expr.rhs, { parent: expr.op, side: 'rhs' }) ? `(${print(expr.rhs)})` : print(expr.rhs);
  const bool = expr.returnBool ? ' bool' : '';
  return `${lhs} ${expr.op}${bool}${printMatching(expr.matching)} ${rhs}`;
}

function printMatching(matching: VectorMatching): string {
  const grouped = matching.card === 'many-to-one' || matching.card === 'one-to-many';
  let out = '';
  if (matching.matchingLabels.length > 0 || matching.on || grouped) {
    out += ` ${matching.on ? 'on' : 'ignoring'} (${printLabels(matching.matchingLabels)})`;
  }
  if (grouped) {
    out += ` ${matching.card === 'many-to-one' ? 'group_left' : 'group_right'} (${printLabels(matching.include)})`;
  }
  return out;
}

function printLabels(labels: readonly string[]): string {
  return labels.map((label) => (isLegacyLabelName(label) ? label : quoteString(label))).join(', ');
}

function printMatcher(matcher: LabelMatcher): string {
  const name = isLegacyLabelName(matcher.name) ? matcher.name : quoteString(matcher.name);
  return `${name}${matcher.type}${quoteString(matcher.value)}`;
}

/** The selector without its modifiers. Matchers keep their order so that printing round-trips exactly. */
function printSelector(selector: VectorSelector): string {
  let { name } = selector;
  let matchers = selector.matchers;
  const last = matchers[matchers.length - 1];
  if (name !== '' && last?.name === '__name__' && last.type === '=' && last.value === name) {
    matchers = matchers.slice(0, -1);
  }
  if (name !== '' && !isLegacyMetricName(name)) {
    matchers = [{ type: '=', name: '__name__', value: name }, ...matchers];
    name = '';
  }
  const body = matchers.map(printMatcher).join(',');
  return body === '' && name !== '' ? name : `${name}{${body}}`;
}

function printAt(at: AtModifier | null): string {
  if (at === null) return '';
  if (at === 'start' || at === 'end') return ` @ ${at}()`;
  return ` @ ${(at / 1000).toFixed(3)}`;
}

function printOffset(offset: number): string {
  return offset === 0 ? '' : ` offset ${formatDuration(offset)}`;
}
