import type { Window } from '../core/types.js';
import { formatGoFixed } from './go-format.js';
import { KahanSum } from '../core/kahan.js';

/**
 * Least-squares line through the window's samples, x in seconds relative to `interceptTime` (ms). A constant series
 * has slope 0 (NaN when the constant is infinite), which spares it the rounding noise of the general formula.
 */
function linearRegression(w: Window, interceptTime: number): { slope: number; intercept: number } {
  const { timestamps, values, from, to } = w;
  const sumX = new KahanSum();
  const sumY = new KahanSum();
  const sumXY = new KahanSum();
  const sumX2 = new KahanSum();
  const initY = values[from] as number;
  let constY = true;
  for (let i = from; i < to; i++) {
    const y = values[i] as number;
    if (constY && i > from && y !== initY) constY = false;
    const x = ((timestamps[i] as number) - interceptTime) / 1e3;
    sumX.add(x);
    sumY.add(y);
    sumXY.add(x * y);
    sumX2.add(x * x);
  }
  if (constY) {
    const infinite = initY === Infinity || initY === -Infinity;
    return infinite ? { slope: Number.NaN, intercept: Number.NaN } : { slope: 0, intercept: initY };
  }
  const n = to - from;
  const sx = sumX.sum + sumX.c;
  const sy = sumY.sum + sumY.c;
  const sxy = sumXY.sum + sumXY.c;
  const sx2 = sumX2.sum + sumX2.c;
  const covXY = sxy - (sx * sy) / n;
  const varX = sx2 - (sx * sx) / n;
  const slope = covXY / varX;
  return { slope, intercept: sy / n - (slope * sx) / n };
}

/** deriv: the per-second slope of the regression line; fewer than two samples give no result. */
export function deriv(w: Window): number | undefined {
  if (w.to - w.from < 2) return undefined;
  // Measuring x from the first sample keeps the sums small, which avoids the precision loss of epoch-sized x.
  return linearRegression(w, w.timestamps[w.from] as number).slope;
}

/** predict_linear: the regression line's value `seconds` after the evaluation step's time. */
export function predictLinear(w: Window, seconds: number): number | undefined {
  if (w.to - w.from < 2) return undefined;
  const { slope, intercept } = linearRegression(w, w.stepTime);
  return slope * seconds + intercept;
}

/**
 * double_exponential_smoothing (Holt's linear method) with smoothing factor `sf` and trend factor `tf`, both
 * required to lie strictly between 0 and 1 (Prometheus fails the query otherwise, with these messages). Fewer than
 * two samples give no result.
 */
export function doubleExponentialSmoothing(w: Window, sf: number, tf: number): number | undefined {
  if (sf <= 0 || sf >= 1) throw new Error(`invalid smoothing factor. Expected: 0 < sf < 1, got: ${formatGoFixed(sf)}`);
  if (tf <= 0 || tf >= 1) throw new Error(`invalid trend factor. Expected: 0 < tf < 1, got: ${formatGoFixed(tf)}`);
  const { values, from, to } = w;
  if (to - from < 2) return undefined;
  let previousLevel = 0;
  let level = values[from] as number;
  let trend = (values[from + 1] as number) - level;
  for (let i = from + 1; i < to; i++) {
    // The first step keeps the initial trend (the difference of the first two samples).
    if (i > from + 1) trend = tf * (level - previousLevel) + (1 - tf) * trend;
    const next = sf * (values[i] as number) + (1 - sf) * (level + trend);
    previousLevel = level;
    level = next;
  }
  return level;
}
