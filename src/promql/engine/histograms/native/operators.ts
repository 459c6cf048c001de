import type { BinaryOp, PosRange } from '../../../ast.js';
import type { EvalContext } from '../../context.js';
import { add, div, mul, sub, withHint } from './arithmetic.js';
import type { FloatHistogram } from './float-histogram.js';
import { compact, equals } from './layout.js';

/** One side of a binary operation at one step: a float, or a native histogram. */
export interface Operand {
  readonly f: number;
  readonly h: FloatHistogram | undefined;
}

/** The outcome: a float or a histogram and whether a comparison kept it, or null when the sample is dropped. */
export interface Outcome {
  readonly f: number;
  readonly h?: FloatHistogram;
  readonly keep: boolean;
}

/**
 * A binary operator where at least one side is a native histogram, as Prometheus allows it: histogram × or ÷ scalar,
 * scalar × histogram, histogram ± histogram, histogram == / != histogram. Everything else gives Prometheus's info
 * annotation ("incompatible sample types") and drops the sample.
 */
export function histogramBinop(ev: EvalContext, op: BinaryOp, l: Operand, r: Operand, pos: PosRange): Outcome | null {
  const incompatible = (): null => {
    const type = (side: Operand): string => (side.h ? 'histogram' : 'float');
    ev.annotate(
      'info',
      `incompatible sample types encountered for binary operator "${op}": ${type(l)} ${op} ${type(r)}`,
      pos,
    );
    return null;
  };
  if (!l.h && r.h) return op === '*' ? { f: 0, h: compact(mul(r.h, l.f)), keep: true } : incompatible();
  if (l.h && !r.h) {
    if (op === '*') return { f: 0, h: compact(mul(l.h, r.f)), keep: true };
    if (op === '/') return { f: 0, h: compact(div(l.h, r.f)), keep: true };
    return incompatible();
  }
  if (!l.h || !r.h) return incompatible();
  switch (op) {
    case '+':
    case '-': {
      const result = op === '+' ? add(l.h, r.h) : sub(l.h, r.h);
      if (!result.ok) {
        ev.annotate('warning', `vector contains a mix of histograms with exponential and custom buckets schemas`, pos);
        return null;
      }
      if (result.nhcbBoundsReconciled) {
        const operation = op === '+' ? 'addition' : 'subtraction';
        ev.annotate('info', `mismatched custom buckets were reconciled during ${operation}`, pos);
      }
      const h = op === '-' ? withHint(result.histogram, 'gauge') : result.histogram;
      return { f: 0, h: compact(h), keep: true };
    }
    case '==':
      return { f: 0, h: l.h, keep: equals(l.h, r.h) };
    case '!=':
      return { f: 0, h: l.h, keep: !equals(l.h, r.h) };
    default:
      return incompatible();
  }
}
