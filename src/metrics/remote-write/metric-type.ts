import type { WireMetricType } from './wire-types.js';

/**
 * The metric type named by a metadata enum. Remote-write 1.0's `MetricMetadata.MetricType` and 2.0's
 * `Metadata.MetricType` number the types alike (0 is UNKNOWN in one, UNSPECIFIED in the other); values from a newer
 * schema read as `unknown`, as an open proto3 enum must be accepted.
 */
export function metricType(value: number): WireMetricType {
  return TYPES[value] ?? 'unknown';
}

const TYPES: readonly WireMetricType[] = [
  'unknown',
  'counter',
  'gauge',
  'histogram',
  'gaugehistogram',
  'summary',
  'info',
  'stateset',
];

/**
 * The family a remote-write 2.0 series belongs to, for its per-series metadata: the metric name as sent, except that
 * the suffixes of a classic histogram's (`_bucket`, `_count`, `_sum`), a gauge histogram's (also `_gcount`, `_gsum`,
 * OpenMetrics) and a summary's (`_count`, `_sum`) series are dropped, so that all the series of one family share one
 * metadata entry, as remote-write 1.0's per-family metadata does. Counters keep `_total`: 1.0 senders report the
 * family as the name without it or with it depending on the exposition format, so no rewrite is better than a guess.
 */
export function familyName(metricName: string, type: WireMetricType): string {
  const suffixes = SUFFIXES[type];
  if (suffixes) {
    for (const suffix of suffixes) {
      if (metricName.length > suffix.length && metricName.endsWith(suffix)) {
        return metricName.slice(0, -suffix.length);
      }
    }
  }
  return metricName;
}

const SUFFIXES: Partial<Record<WireMetricType, readonly string[]>> = {
  histogram: ['_bucket', '_count', '_sum'],
  gaugehistogram: ['_bucket', '_gcount', '_gsum', '_count', '_sum'],
  summary: ['_count', '_sum'],
};
