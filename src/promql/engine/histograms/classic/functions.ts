import type { Call, Expr } from '../../../ast.js';
import { checkQuantile } from '../../core/annotations.js';
import type { EvalContext } from '../../context.js';
import { formatGoG, formatGoGPrecision, formatRfc3339 } from '../../core/format.js';
import { bucketFraction, bucketQuantile, type Bucket, type BucketQuantileResult } from './buckets.js';
import { SeriesCollector } from '../../core/collector.js';
import { dropLabels, getLabel, labelsKey, METRIC_NAME, setLabel, type Labels } from '../../core/labels.js';
import { FLOAT, stepTime, type StepSeries, type Steps } from '../../core/types.js';
import type { Value } from '../../core/value.js';
import { histogramFraction as nativeFraction, histogramQuantile as nativeQuantile } from '../native/statistics.js';
import { mapHistograms } from '../native/functions.js';

const LE: ReadonlySet<string> = new Set(['le']);

interface Histogram {
  readonly labels: Labels;
  readonly buckets: { readonly bound: number; readonly series: StepSeries }[];
}

/**
 * Classic histograms in a vector: the bucket series (`le`) of each histogram, grouped by their other labels. A bucket
 * whose `le` is not a number is left out with Prometheus's warning.
 */
function histograms(ev: EvalContext, arg: Expr, series: readonly StepSeries[]): Histogram[] {
  const groups = new Map<string, Histogram>();
  const pos = arg.pos;
  for (const s of series) {
    if (!s.present.includes(FLOAT)) continue; // native histograms only: not a classic bucket
    const le = getLabel(s.labels, 'le');
    const bound = parseBound(le);
    if (bound === undefined) {
      const metric = getLabel(s.labels, METRIC_NAME);
      const forMetric = metric === '' ? '' : ` for metric name ${JSON.stringify(metric)}`;
      ev.annotate(
        'warning',
        `bucket label "le" is missing or has a malformed value of ${JSON.stringify(le)}${forMetric}`,
        pos,
      );
      continue;
    }
    const labels = dropLabels(s.labels, LE);
    const key = labelsKey(labels);
    let group = groups.get(key);
    if (!group) {
      group = { labels, buckets: [] };
      groups.set(key, group);
    }
    group.buckets.push({ bound, series: s });
  }
  return [...groups.values()];
}

/** One value per histogram and step, from that step's buckets; the result drops the metric name. */
function perHistogram(
  groups: readonly Histogram[],
  steps: Steps,
  compute: (buckets: Bucket[], step: number, histogram: Histogram) => number,
): Value {
  const out: StepSeries[] = [];
  for (const group of groups) {
    const values = new Float64Array(steps.count);
    const present = new Uint8Array(steps.count);
    let any = false;
    for (let i = 0; i < steps.count; i++) {
      const buckets: Bucket[] = [];
      for (const { bound, series } of group.buckets) {
        if (series.present[i] === 1) buckets.push({ upperBound: bound, count: series.values[i] as number });
      }
      if (buckets.length === 0) continue;
      values[i] = compute(buckets, i, group);
      present[i] = 1;
      any = true;
    }
    if (any) out.push({ labels: group.labels, values, present, dropName: true });
  }
  return { kind: 'vector', series: out };
}

/**
 * The steps at which histogram_quantile had to raise bucket counts to make them monotonic, per metric: Prometheus
 * reports them as one info annotation per metric, with the bounds, the largest raise and the time span.
 */
class MonotonicityFixes {
  private readonly byMetric = new Map<
    string,
    { minTs: number; maxTs: number; minBucket: number; maxBucket: number; maxDiff: number; count: number }
  >();

  record(metric: string, t: number, result: BucketQuantileResult): void {
    if (!result.forcedMonotonicity) return;
    const fix = this.byMetric.get(metric);
    if (!fix) {
      const { minBucket, maxBucket, maxDiff } = result;
      this.byMetric.set(metric, { minTs: t, maxTs: t, minBucket, maxBucket, maxDiff, count: 1 });
      return;
    }
    fix.minTs = Math.min(fix.minTs, t);
    fix.maxTs = Math.max(fix.maxTs, t);
    fix.minBucket = Math.min(fix.minBucket, result.minBucket);
    fix.maxBucket = Math.max(fix.maxBucket, result.maxBucket);
    fix.maxDiff = Math.max(fix.maxDiff, result.maxDiff);
    fix.count++;
  }

  report(ev: EvalContext, arg: Expr): void {
    for (const [name, fix] of this.byMetric) {
      const forMetric = name === '' ? '' : ` for metric name ${JSON.stringify(name)}`;
      ev.annotate(
        'info',
        'input to histogram_quantile needed to be fixed for monotonicity (see ' +
          `https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile)${forMetric}, ` +
          `from buckets ${formatGoG(fix.minBucket)} to ${formatGoG(fix.maxBucket)}, with a max diff of ` +
          `${formatGoGPrecision(fix.maxDiff, 2)}, over ${fix.count} samples from ${formatRfc3339(fix.minTs)} to ` +
          formatRfc3339(fix.maxTs),
        arg.pos,
      );
    }
  }
}

/** The φ-quantile of every histogram at every step, with the monotonicity fixes recorded. */
function quantiles(groups: readonly Histogram[], q: Float64Array, steps: Steps, fixes: MonotonicityFixes): Value {
  return perHistogram(groups, steps, (buckets, i, group) => {
    const result = bucketQuantile(q[i] as number, buckets);
    fixes.record(getLabel(group.labels, METRIC_NAME), stepTime(steps, i), result);
    return result.value;
  });
}

/** histogram_quantile(φ, buckets) over classic histograms. */
export function histogramQuantile(
  ev: EvalContext,
  call: Call,
  q: Float64Array,
  series: readonly StepSeries[],
  steps: Steps,
): Value {
  const [phiArg, vectorArg] = call.args;
  if (!phiArg || !vectorArg) throw new Error('histogram_quantile takes two arguments');
  for (const phi of new Set(q)) checkQuantile(ev, phi, phiArg);
  const fixes = new MonotonicityFixes();
  const value = quantiles(histograms(ev, vectorArg, series), q, steps, fixes);
  fixes.report(ev, vectorArg);
  const native = mapHistograms(series, (h, i) => nativeQuantile(q[i] as number, h).value);
  return value.kind === 'vector' && native.length > 0
    ? { kind: 'vector', series: [...value.series, ...native] }
    : value;
}

/**
 * histogram_quantiles(buckets, "label", φ1, φ2…): every φ at once, each result marked with `label` set to φ as
 * OpenMetrics writes floats (`0.5`, `1.0`).
 */
export function histogramQuantiles(
  ev: EvalContext,
  call: Call,
  series: readonly StepSeries[],
  label: string,
  qs: readonly Float64Array[],
  steps: Steps,
): Value {
  const vectorArg = call.args[0];
  if (!vectorArg) throw new Error('histogram_quantiles takes a vector');
  qs.forEach((q, index) => {
    for (const phi of new Set(q)) checkQuantile(ev, phi, call.args[index + 2]);
  });
  const groups = histograms(ev, vectorArg, series);
  const fixes = new MonotonicityFixes();
  const collector = new SeriesCollector(steps.count);
  for (const q of qs) {
    const value = quantiles(groups, q, steps, fixes);
    if (value.kind !== 'vector') continue;
    const native = mapHistograms(series, (h, i) => nativeQuantile(q[i] as number, h).value);
    for (const s of [...value.series, ...native]) {
      for (let i = 0; i < steps.count; i++) {
        if (s.present[i] !== 1) continue;
        const labels = setLabel(s.labels, label, formatOpenMetricsFloat(q[i] as number));
        SeriesCollector.set(collector.series(labels, true), i, s.values[i] as number);
      }
    }
  }
  fixes.report(ev, vectorArg);
  return { kind: 'vector', series: collector.result() };
}

/** Prometheus's labels.FormatOpenMetricsFloat: Go's shortest %g, with `.0` added to whole numbers. */
function formatOpenMetricsFloat(value: number): string {
  const text = formatGoG(value);
  return /^[+-]?\d+$/.test(text) ? `${text}.0` : text;
}

/** histogram_fraction(lower, upper, buckets) over classic histograms. */
export function histogramFraction(
  ev: EvalContext,
  call: Call,
  lower: Float64Array,
  upper: Float64Array,
  series: readonly StepSeries[],
  steps: Steps,
): Value {
  const vectorArg = call.args[2];
  if (!vectorArg) throw new Error('histogram_fraction takes three arguments');
  const value = perHistogram(histograms(ev, vectorArg, series), steps, (buckets, i) =>
    bucketFraction(lower[i] as number, upper[i] as number, buckets),
  );
  const native = mapHistograms(series, (h, i) => nativeFraction(lower[i] as number, upper[i] as number, h).value);
  return value.kind === 'vector' && native.length > 0
    ? { kind: 'vector', series: [...value.series, ...native] }
    : value;
}

/** An `le` value as Go's strconv.ParseFloat reads it (`+Inf`, `1e3`, `NaN`); undefined when it is not a number. */
function parseBound(text: string): number | undefined {
  const lower = text.toLowerCase();
  if (/^[+-]?(inf|infinity)$/.test(lower)) return lower.startsWith('-') ? -Infinity : Infinity;
  if (lower === 'nan') return Number.NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(lower)) return undefined;
  return Number(text);
}
