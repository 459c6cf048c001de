import {
  CUSTOM_BUCKETS_SCHEMA,
  floatHistogram,
  type FloatHistogram,
} from '../engine/histograms/native/float-histogram.js';
import { getLabel, labelsKey, METRIC_NAME, setLabel, type Labels } from '../engine/core/labels.js';
import type { SequenceValue } from './series-notation.js';

/**
 * `load_with_nhcb`: the classic histograms of a load (`x_bucket{le}`, `x_count`, `x_sum`) are also stored as native
 * histograms with custom buckets, one series `x` per histogram, as upstream's harness does (util/convertnhcb):
 * buckets are the differences of the cumulative `le` counts, the count is `x_count` (else the highest bucket's), a
 * missing `+Inf` bucket is added with the count.
 */
export interface ClassicSeries {
  readonly labels: Labels;
  readonly values: readonly SequenceValue[];
}

interface Collected {
  buckets: { le: number; count: number }[];
  count?: number;
  sum: number;
}

export function customBucketHistograms(
  series: readonly ClassicSeries[],
  interval: number,
): { labels: Labels; samples: { t: number; h: FloatHistogram }[] }[] {
  const byHistogram = new Map<string, { labels: Labels; byTime: Map<number, Collected> }>();
  for (const { labels, values } of series) {
    const name = getLabel(labels, METRIC_NAME);
    const suffix = ['_bucket', '_count', '_sum'].find((s) => name.endsWith(s));
    if (!suffix) continue;
    const le = suffix === '_bucket' ? parseLe(getLabel(labels, 'le')) : undefined;
    if (suffix === '_bucket' && (le === undefined || Number.isNaN(le))) continue;
    const base = setLabel(setLabel(labels, METRIC_NAME, name.slice(0, -suffix.length)), 'le', '');
    const key = labelsKey(base);
    let histogram = byHistogram.get(key);
    if (!histogram) {
      histogram = { labels: base, byTime: new Map() };
      byHistogram.set(key, histogram);
    }
    values.forEach((value, i) => {
      if (value.omitted || value.histogram || value.stale) return;
      const t = i * interval;
      let collected = histogram.byTime.get(t);
      if (!collected) {
        collected = { buckets: [], sum: 0 };
        histogram.byTime.set(t, collected);
      }
      if (suffix === '_bucket') collected.buckets.push({ le: le as number, count: value.value });
      else if (suffix === '_count') collected.count = value.value;
      else collected.sum = value.value;
    });
  }
  return [...byHistogram.values()].map(({ labels, byTime }) => ({
    labels,
    samples: [...byTime]
      .sort(([a], [b]) => a - b)
      .map(([t, collected]) => ({ t, h: convert(collected) }))
      .filter((s): s is { t: number; h: FloatHistogram } => s.h !== undefined),
  }));
}

/** One converted sample; undefined when the buckets are not cumulative or counts are negative (upstream refuses). */
function convert({ buckets, count, sum }: Collected): FloatHistogram | undefined {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  if (sorted.some((b, i) => b.count < 0 || (i > 0 && b.count < (sorted[i - 1] as { count: number }).count))) {
    return undefined;
  }
  const total = count ?? sorted[sorted.length - 1]?.count ?? 0;
  if (sorted.length === 0 || sorted[sorted.length - 1]?.le !== Infinity) sorted.push({ le: Infinity, count: total });
  let previous = 0;
  const positiveBuckets = sorted.map((b) => {
    const delta = b.count - previous;
    previous = b.count;
    return delta;
  });
  return floatHistogram({
    schema: CUSTOM_BUCKETS_SCHEMA,
    count: total,
    sum,
    positiveSpans: [{ offset: 0, length: sorted.length }],
    positiveBuckets,
    customValues: sorted.filter((b) => b.le !== Infinity).map((b) => b.le),
  });
}

function parseLe(text: string): number | undefined {
  const lower = text.trim().toLowerCase();
  if (/^[+]?inf(inity)?$/.test(lower)) return Infinity;
  if (/^-inf(inity)?$/.test(lower)) return -Infinity;
  if (lower === 'nan') return Number.NaN;
  const value = Number(text);
  return text.trim() === '' || Number.isNaN(value) ? undefined : value;
}
