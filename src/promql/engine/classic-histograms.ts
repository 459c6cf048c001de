import type { Call } from '../ast.js';
import { checkQuantile } from './annotations.js';
import type { Evaluator } from './evaluator.js';
import { formatGoG, formatGoGPrecision, formatRfc3339 } from './format.js';
import { bucketFraction, bucketQuantile, type Bucket } from './functions/histogram.js';
import { dropLabels, getLabel, labelsKey, METRIC_NAME, type Labels } from './labels.js';
import { stepTime, type StepSeries, type Steps } from './types.js';
import type { Value } from './value.js';

const LE: ReadonlySet<string> = new Set(['le']);

interface Histogram {
  readonly labels: Labels;
  readonly buckets: { readonly bound: number; readonly series: StepSeries }[];
}

/**
 * Classic histograms in a vector: the bucket series (`le`) of each histogram, grouped by their other labels. A bucket
 * whose `le` is not a number is left out with Prometheus's warning.
 */
function histograms(ev: Evaluator, call: Call, series: readonly StepSeries[]): Histogram[] {
  const groups = new Map<string, Histogram>();
  const pos = (call.args[call.args.length - 1] ?? call).pos;
  for (const s of series) {
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

/** histogram_quantile(φ, buckets) over classic histograms. */
export function histogramQuantile(
  ev: Evaluator,
  call: Call,
  q: Float64Array,
  series: readonly StepSeries[],
  steps: Steps,
): Value {
  for (const phi of new Set(q)) checkQuantile(ev, phi, call.args[0]);
  const fixes = new Map<
    string,
    { minTs: number; maxTs: number; minBucket: number; maxBucket: number; maxDiff: number; count: number }
  >();
  const value = perHistogram(histograms(ev, call, series), steps, (buckets, i, group) => {
    const result = bucketQuantile(q[i] as number, buckets);
    if (result.forcedMonotonicity) {
      const name = getLabel(group.labels, METRIC_NAME);
      const t = stepTime(steps, i);
      const fix = fixes.get(name);
      if (!fix) {
        fixes.set(name, {
          minTs: t,
          maxTs: t,
          minBucket: result.minBucket,
          maxBucket: result.maxBucket,
          maxDiff: result.maxDiff,
          count: 1,
        });
      } else {
        fix.minTs = Math.min(fix.minTs, t);
        fix.maxTs = Math.max(fix.maxTs, t);
        fix.minBucket = Math.min(fix.minBucket, result.minBucket);
        fix.maxBucket = Math.max(fix.maxBucket, result.maxBucket);
        fix.maxDiff = Math.max(fix.maxDiff, result.maxDiff);
        fix.count++;
      }
    }
    return result.value;
  });
  for (const [name, fix] of fixes) {
    const forMetric = name === '' ? '' : ` for metric name ${JSON.stringify(name)}`;
    ev.annotate(
      'info',
      'input to histogram_quantile needed to be fixed for monotonicity (see ' +
        `https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile)${forMetric}, ` +
        `from buckets ${formatGoG(fix.minBucket)} to ${formatGoG(fix.maxBucket)}, with a max diff of ` +
        `${formatGoGPrecision(fix.maxDiff, 2)}, over ${fix.count} samples from ${formatRfc3339(fix.minTs)} to ` +
        formatRfc3339(fix.maxTs),
      (call.args[1] ?? call).pos,
    );
  }
  return value;
}

/** histogram_fraction(lower, upper, buckets) over classic histograms. */
export function histogramFraction(
  ev: Evaluator,
  call: Call,
  lower: Float64Array,
  upper: Float64Array,
  series: readonly StepSeries[],
  steps: Steps,
): Value {
  return perHistogram(histograms(ev, call, series), steps, (buckets, i) =>
    bucketFraction(lower[i] as number, upper[i] as number, buckets),
  );
}

/** An `le` value as Go's strconv.ParseFloat reads it (`+Inf`, `1e3`, `NaN`); undefined when it is not a number. */
function parseBound(text: string): number | undefined {
  const lower = text.toLowerCase();
  if (/^[+-]?(inf|infinity)$/.test(lower)) return lower.startsWith('-') ? -Infinity : Infinity;
  if (lower === 'nan') return Number.NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(lower)) return undefined;
  return Number(text);
}
