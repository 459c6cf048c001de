import { allBuckets } from './buckets.js';
import type { FloatHistogram } from './float-histogram.js';
import { formatGoG } from '../../core/format.js';
import { histogramAvg, histogramCount, histogramStddev, histogramStdvar, histogramSum } from './statistics.js';
import { HISTOGRAM, type StepSeries } from '../../core/types.js';
import type { Value } from '../../core/value.js';

const STATISTICS: Readonly<Record<string, (h: FloatHistogram) => number>> = {
  histogram_count: histogramCount,
  histogram_sum: histogramSum,
  histogram_avg: histogramAvg,
  histogram_stddev: histogramStddev,
  histogram_stdvar: histogramStdvar,
};

/**
 * A float per native-histogram sample (histogram_count, histogram_sum, histogram_avg, histogram_stddev,
 * histogram_stdvar); float samples are ignored, as in Prometheus, and the metric name is dropped.
 */
export function histogramStatistic(name: string, series: readonly StepSeries[]): Value {
  const statistic = STATISTICS[name];
  if (!statistic) throw new Error(`${name} is not a histogram statistic`);
  return { kind: 'vector', series: mapHistograms(series, statistic) };
}

/** Each series' native-histogram samples turned into floats by `fn`; series left without a sample are dropped. */
export function mapHistograms(
  series: readonly StepSeries[],
  fn: (h: FloatHistogram, step: number) => number,
): StepSeries[] {
  const out: StepSeries[] = [];
  for (const s of series) {
    if (!s.histograms) continue;
    const values = new Float64Array(s.present.length);
    const present = new Uint8Array(s.present.length);
    let any = false;
    for (let i = 0; i < present.length; i++) {
      const h = s.present[i] === HISTOGRAM ? s.histograms[i] : undefined;
      if (!h) continue;
      values[i] = fn(h, i);
      present[i] = 1;
      any = true;
    }
    if (any) out.push({ labels: s.labels, values, present, dropName: true });
  }
  return out;
}

/**
 * A histogram as Prometheus's FloatHistogram.String() writes it (count_values uses it as a label value):
 * `{count:20, sum:10, [-2,-1):2, [-0.001,0.001]:2, (0.5,1]:1}` — the non-empty buckets from the lowest up.
 */
export function histogramText(h: FloatHistogram): string {
  const parts = [`count:${formatGoG(h.count)}`, `sum:${formatGoG(h.sum)}`];
  for (const b of allBuckets(h)) {
    if (b.count === 0) continue;
    const open = b.lowerInclusive ? '[' : '(';
    const close = b.upperInclusive ? ']' : ')';
    parts.push(`${open}${formatGoG(b.lower)},${formatGoG(b.upper)}${close}:${formatGoG(b.count)}`);
  }
  return `{${parts.join(', ')}}`;
}
