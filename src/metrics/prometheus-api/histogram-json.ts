import type { FloatHistogram } from '../../promql/index.js';
import { allBuckets, type Bucket } from '../../promql/engine/histograms/native/buckets.js';
import { formatFloat } from './format.js';

/**
 * Prometheus's boundary rule of a bucket in the API: 0 open left (lower bound excluded), 1 open right, 2 open both,
 * 3 closed both.
 */
function boundaryRule(bucket: Bucket): number {
  if (bucket.lowerInclusive) return bucket.upperInclusive ? 3 : 1;
  return bucket.upperInclusive ? 0 : 2;
}

/**
 * A native histogram as Prometheus's API writes it: `{"count":"…","sum":"…","buckets":[[rule,"lower","upper","count"],
 * …]}`. Buckets go from the lowest values to the highest (negative buckets, the zero bucket when it holds
 * observations, positive buckets), a bucket that reaches into the zero bucket is cut at its threshold, empty buckets
 * are left out, and so is `buckets` when none remains. The bounds are the engine's (see buckets.ts).
 */
export function histogramJson(h: FloatHistogram): string {
  let out = `{"count":"${formatFloat(h.count)}","sum":"${formatFloat(h.sum)}"`;
  const buckets = allBuckets(h).filter((bucket) => bucket.count !== 0);
  if (buckets.length > 0) {
    const parts = buckets.map(
      (b) => `[${boundaryRule(b)},"${formatFloat(b.lower)}","${formatFloat(b.upper)}","${formatFloat(b.count)}"]`,
    );
    out += `,"buckets":[${parts.join(',')}]`;
  }
  return `${out}}`;
}
