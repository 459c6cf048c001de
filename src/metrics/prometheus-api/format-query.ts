import type { BinaryExpr, Expr, LabelMatcher, VectorSelector } from '../../promql/index.js';
import { print } from '../../promql/index.js';
import { isLegacyLabelName, quoteString } from '../../promql/literals.js';
import { compareGoStrings } from './go-order.js';

/** Prometheus splits a node over lines when its one-line text is longer than this (in bytes). */
const MAX_LINE = 100;

function indent(level: number): string {
  return '  '.repeat(level);
}

function matcherText(matcher: LabelMatcher): string {
  const name = isLegacyLabelName(matcher.name) ? matcher.name : quoteString(matcher.name);
  return `${name}${matcher.type}${quoteString(matcher.value)}`;
}

/**
 * The selector as Prometheus's `String()` lays it out: every `__name__` matcher equal to the written name left to the
 * name, the other matchers sorted by their text (vigil's printer keeps them in the order written instead).
 */
function sortMatchers(selector: VectorSelector): VectorSelector {
  const isName = (m: LabelMatcher): boolean =>
    selector.name !== '' && m.name === '__name__' && m.type === '=' && m.value === selector.name;
  const rest = selector.matchers.filter((m) => !isName(m));
  rest.sort((a, b) => compareGoStrings(matcherText(a), matcherText(b)));
  const name: LabelMatcher[] = selector.name === '' ? [] : [{ type: '=', name: '__name__', value: selector.name }];
  return { ...selector, matchers: [...rest, ...name] };
}

function normalize(expr: Expr): Expr {
  switch (expr.kind) {
    case 'VectorSelector':
      return sortMatchers(expr);
    case 'MatrixSelector':
      return { ...expr, selector: sortMatchers(expr.selector) };
    case 'SubqueryExpr':
    case 'ParenExpr':
    case 'UnaryExpr':
      return { ...expr, expr: normalize(expr.expr) };
    case 'BinaryExpr':
      return { ...expr, lhs: normalize(expr.lhs), rhs: normalize(expr.rhs) };
    case 'AggregateExpr':
      return { ...expr, expr: normalize(expr.expr), param: expr.param === null ? null : normalize(expr.param) };
    case 'Call':
      return { ...expr, args: expr.args.map(normalize) };
    default:
      return expr;
  }
}

function needsSplit(expr: Expr): boolean {
  return Buffer.byteLength(print(expr), 'utf8') > MAX_LINE;
}

function labelList(labels: readonly string[]): string {
  return labels.map((label) => (isLegacyLabelName(label) ? label : quoteString(label))).join(', ');
}

/** ` on (a) group_left (b)`: the modifiers printed after a binary operator. */
function matchingText(expr: BinaryExpr): string {
  const { card, on, matchingLabels, include } = expr.matching;
  const grouped = card === 'many-to-one' || card === 'one-to-many';
  let out = '';
  if (matchingLabels.length > 0 || on || grouped) out += ` ${on ? 'on' : 'ignoring'} (${labelList(matchingLabels)})`;
  if (grouped) out += ` ${card === 'many-to-one' ? 'group_left' : 'group_right'} (${labelList(include)})`;
  return out;
}

function pretty(expr: Expr, level: number): string {
  switch (expr.kind) {
    case 'AggregateExpr': {
      if (!needsSplit(expr)) return indent(level) + print(expr);
      let head: string = expr.op;
      if (expr.without) head += ` without (${labelList(expr.grouping)}) `;
      else if (expr.grouping.length > 0) head += ` by (${labelList(expr.grouping)}) `;
      const param = expr.param ? `${pretty(expr.param, level + 1)},\n` : '';
      return `${indent(level)}${head}(\n${param}${pretty(expr.expr, level + 1)}\n${indent(level)})`;
    }
    case 'BinaryExpr': {
      if (!needsSplit(expr)) return indent(level) + print(expr);
      const operator = `${indent(level)}${expr.op}${expr.returnBool ? ' bool' : ''}${matchingText(expr)}`;
      return `${pretty(expr.lhs, level + 1)}\n${operator}\n${pretty(expr.rhs, level + 1)}`;
    }
    case 'Call': {
      if (!needsSplit(expr)) return indent(level) + print(expr);
      const args = expr.args.map((arg) => pretty(arg, level + 1)).join(',\n');
      return `${indent(level)}${expr.func.name}(\n${args}\n${indent(level)})`;
    }
    case 'ParenExpr':
      if (!needsSplit(expr)) return indent(level) + print(expr);
      return `${indent(level)}(\n${pretty(expr.expr, level + 1)}\n${indent(level)})`;
    case 'SubqueryExpr': {
      // As in Prometheus, a subquery that fits on a line is not indented.
      const text = print(expr);
      if (!needsSplit(expr)) return text;
      return pretty(expr.expr, level) + text.slice(text.lastIndexOf('['));
    }
    case 'UnaryExpr':
      return `${indent(level)}${expr.op}${pretty(expr.expr, level).trim()}`;
    default:
      return indent(level) + print(expr);
  }
}

/**
 * The text `/api/v1/format_query` answers with: Prometheus's prettifier (`Pretty(0)`), which prints a query on one
 * line (Prometheus's `String()`: vigil's printer, with each selector's matchers sorted) unless it is longer than 100
 * bytes, in which case aggregations, calls, parentheses and binary operators are split over lines, their operands
 * indented by two spaces per level.
 */
export function formatQuery(expr: Expr): string {
  return pretty(normalize(expr), 0);
}
