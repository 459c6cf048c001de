import type { BinaryOp } from '../../ast.js';

/** Go's math.Pow where it differs from JavaScript's `**`: 1 to any power and -1 to ±Inf are 1. */
function pow(base: number, exponent: number): number {
  if (base === 1) return 1;
  if (base === -1 && !Number.isFinite(exponent) && !Number.isNaN(exponent)) return 1;
  return base ** exponent;
}

/** Arithmetic on two floats as PromQL does it (`%` is Go's math.Mod, which JavaScript's `%` matches). */
export function arithmetic(op: BinaryOp, lhs: number, rhs: number): number {
  switch (op) {
    case '+':
      return lhs + rhs;
    case '-':
      return lhs - rhs;
    case '*':
      return lhs * rhs;
    case '/':
      return lhs / rhs;
    case '%':
      return lhs % rhs;
    case '^':
      return pow(lhs, rhs);
    case 'atan2':
      return Math.atan2(lhs, rhs);
    default:
      throw new Error(`${op} is not an arithmetic operator`);
  }
}

export function compare(op: BinaryOp, lhs: number, rhs: number): boolean {
  switch (op) {
    case '==':
      return lhs === rhs;
    case '!=':
      return lhs !== rhs;
    case '>':
      return lhs > rhs;
    case '<':
      return lhs < rhs;
    case '>=':
      return lhs >= rhs;
    case '<=':
      return lhs <= rhs;
    default:
      throw new Error(`${op} is not a comparison operator`);
  }
}
