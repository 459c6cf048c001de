import type { Window } from '../core/types.js';

/**
 * rate, increase and delta (Prometheus 3's `extrapolatedRate`): the change between the first and last sample of the
 * window, with counter resets added back for counters, extrapolated towards the window's boundaries. A boundary is
 * reached only when the gap to it is under 1.1× the average sample interval, otherwise the extrapolation stops half
 * an interval out; a counter is never extrapolated below zero. rate divides by the window's length in seconds.
 * Fewer than two samples give no result.
 */
export function extrapolatedRate(window: Window, isCounter: boolean, isRate: boolean): number | undefined {
  const { timestamps, values, from, to } = window;
  const count = to - from;
  if (count < 2) return undefined;
  const first = values[from] as number;
  const firstT = timestamps[from] as number;
  const lastT = timestamps[to - 1] as number;

  let result = (values[to - 1] as number) - first;
  if (isCounter) {
    for (let i = from + 1; i < to; i++) {
      const previous = values[i - 1] as number;
      if ((values[i] as number) < previous) result += previous;
    }
  }

  let durationToStart = (firstT - window.start) / 1000;
  let durationToEnd = (window.end - lastT) / 1000;
  const sampledInterval = (lastT - firstT) / 1000;
  const averageInterval = sampledInterval / (count - 1);
  const threshold = averageInterval * 1.1;

  if (durationToStart >= threshold) durationToStart = averageInterval / 2;
  if (isCounter) {
    // The counter started at zero at most this long before the first sample; extrapolating further would count
    // increments that cannot have happened.
    const durationToZero = result > 0 && first >= 0 ? sampledInterval * (first / result) : durationToStart;
    if (durationToZero < durationToStart) durationToStart = durationToZero;
  }
  if (durationToEnd >= threshold) durationToEnd = averageInterval / 2;

  let factor = sampledInterval !== 0 ? (sampledInterval + durationToStart + durationToEnd) / sampledInterval : 1;
  if (isRate) factor /= durationSeconds(window.end - window.start);
  return result * factor;
}

/**
 * A duration in ms as seconds, computed as Go's `time.Duration.Seconds` does (whole seconds plus the nanosecond
 * remainder over 1e9) so that a range like 1001ms divides to the same last bit as in Prometheus.
 */
function durationSeconds(ms: number): number {
  const whole = Math.trunc(ms / 1000);
  return whole + ((ms - whole * 1000) * 1e6) / 1e9;
}

/**
 * irate and idelta: the change between the last two samples of the window; irate treats a drop as a counter reset
 * (the last value is then the increase) and divides by the interval between the two samples in seconds. Fewer than
 * two samples, or two at the same time, give no result.
 */
export function instantRate(window: Window, isRate: boolean): number | undefined {
  const { timestamps, values, from, to } = window;
  if (to - from < 2) return undefined;
  const previous = values[to - 2] as number;
  const last = values[to - 1] as number;
  const interval = (timestamps[to - 1] as number) - (timestamps[to - 2] as number);
  if (interval === 0) return undefined;
  const change = isRate && last < previous ? last : last - previous;
  return isRate ? change / (interval / 1000) : change;
}
