import type { FloatHistogram } from '../../promql/engine/histograms/native/float-histogram.js';
import type { RemoteWriteVersion } from './content.js';
import { histogramProblem } from './histogram-rules.js';
import { seriesName } from './series-name.js';
import type { WireLabel, WireSeries } from './wire-types.js';

/**
 * Abuse limits, not Prometheus rules (Prometheus enforces none by default): a series may have at most 128 labels, and
 * a label name or value at most 16 KiB of UTF-8.
 */
export const MAX_LABELS_PER_SERIES = 128;
export const MAX_LABEL_BYTES = 16 * 1024;

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/**
 * Why a decoded series must be refused, or null when it is fine; the route answers 400 with the reasons (the spec's
 * "invalid samples"). The rules are the remote-write spec's: a `__name__` matching `[a-zA-Z_:][a-zA-Z0-9_:]*`, label
 * names matching `[a-zA-Z_][a-zA-Z0-9_]*` (names starting with `__` included), no empty values, names sorted and
 * unique; samples and histograms strictly ascending in time within the series, except that an identical repeat of
 * the previous sample is let through (Prometheus ignores it; the store must too); a 2.0 series carries samples or
 * histograms, not both; native histograms must be well formed (`histogramProblem`). Values may be any float, NaN and
 * ±Inf included, and a series without samples is fine (there is nothing to ingest). Prometheus 3 would also accept
 * UTF-8 names and sort labels itself; vigil keeps to the spec. Plus the abuse limits above. Each reason is one
 * sentence naming the series as `{a="b",…}`.
 */
export function validateSeries(series: WireSeries, version: RemoteWriteVersion): string | null {
  return validateLabels(series.labels) ?? validateSamples(series, version);
}

/**
 * The sample half of `validateSeries`, which every series needs whether its key is known or not. It reads the
 * series' labels only to name the series in a reason, so a valid series' lazy labels stay undecoded.
 */
export function validateSamples(series: WireSeries, version: RemoteWriteVersion): string | null {
  if (version === 2 && series.values.length > 0 && series.histograms.length > 0) {
    return `series ${seriesName(series.labels)} carries both samples and histograms, which remote-write 2.0 does not allow`;
  }
  return samplesProblem(series) ?? histogramsProblem(series);
}

/**
 * The label half of `validateSeries`, for a series the ingest path does not know yet (a cache miss on `key`): a known
 * key stands for labels that were already found valid.
 */
export function validateLabels(labels: readonly WireLabel[]): string | null {
  if (labels.length === 0) return 'series {} has no labels';
  const name = (): string => seriesName(labels);
  if (labels.length > MAX_LABELS_PER_SERIES) {
    return `series ${name()} has ${labels.length} labels, more than the limit of ${MAX_LABELS_PER_SERIES}`;
  }
  let hasMetricName = false;
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i] as WireLabel;
    if (tooLong(label.name)) return `series ${name()} has a label name longer than ${MAX_LABEL_BYTES} bytes`;
    if (tooLong(label.value)) {
      return `series ${name()} has a value longer than ${MAX_LABEL_BYTES} bytes for label "${label.name}"`;
    }
    if (!LABEL_NAME.test(label.name)) {
      return `series ${name()} has an invalid label name ${JSON.stringify(label.name)} (must match [a-zA-Z_][a-zA-Z0-9_]*)`;
    }
    if (label.value === '') return `series ${name()} has an empty value for label "${label.name}"`;
    if (i > 0) {
      const previous = (labels[i - 1] as WireLabel).name;
      if (previous === label.name) return `series ${name()} has duplicate label name "${label.name}"`;
      if (previous > label.name) {
        return `series ${name()} has labels not sorted by name ("${previous}" before "${label.name}")`;
      }
    }
    if (label.name === '__name__') {
      if (!METRIC_NAME.test(label.value)) {
        return (
          `series ${name()} has an invalid metric name ${JSON.stringify(label.value)} ` +
          '(must match [a-zA-Z_:][a-zA-Z0-9_:]*)'
        );
      }
      hasMetricName = true;
    }
  }
  return hasMetricName ? null : `series ${name()} has no metric name (label __name__)`;
}

/** Whether a string takes more than MAX_LABEL_BYTES in UTF-8 (at most 3 bytes per UTF-16 unit, so short ones pass). */
function tooLong(text: string): boolean {
  return text.length * 3 > MAX_LABEL_BYTES && Buffer.byteLength(text, 'utf8') > MAX_LABEL_BYTES;
}

function samplesProblem(series: WireSeries): string | null {
  const { timestamps, values, stale } = series;
  for (let i = 1; i < timestamps.length; i++) {
    const t = timestamps[i] as number;
    const previous = timestamps[i - 1] as number;
    if (t > previous) continue;
    if (t < previous)
      return `series ${seriesName(series.labels)} has samples out of order (t=${t} after t=${previous})`;
    // Prometheus compares the bits: -0 differs from 0, and the stale marker from any other NaN.
    if (stale[i] !== stale[i - 1] || !Object.is(values[i], values[i - 1])) {
      return `series ${seriesName(series.labels)} has two different samples for timestamp ${t}`;
    }
  }
  return null;
}

function histogramsProblem(series: WireSeries): string | null {
  const histograms = series.histograms;
  for (let i = 0; i < histograms.length; i++) {
    const { t, h, stale } = histograms[i] as (typeof histograms)[number];
    const problem = stale ? null : histogramProblem(h);
    if (problem) return `series ${seriesName(series.labels)} has an invalid histogram at t=${t}: ${problem}`;
    if (i === 0) continue;
    const previous = histograms[i - 1] as (typeof histograms)[number];
    if (t > previous.t) continue;
    if (t < previous.t) {
      return `series ${seriesName(series.labels)} has histograms out of order (t=${t} after t=${previous.t})`;
    }
    if (stale !== previous.stale || !sameHistogram(h, previous.h)) {
      return `series ${seriesName(series.labels)} has two different histograms for timestamp ${t}`;
    }
  }
  return null;
}

function sameHistogram(a: FloatHistogram, b: FloatHistogram): boolean {
  return (
    a.counterResetHint === b.counterResetHint &&
    a.schema === b.schema &&
    Object.is(a.zeroThreshold, b.zeroThreshold) &&
    Object.is(a.zeroCount, b.zeroCount) &&
    Object.is(a.count, b.count) &&
    Object.is(a.sum, b.sum) &&
    sameNumbers(a.positiveBuckets, b.positiveBuckets) &&
    sameNumbers(a.negativeBuckets, b.negativeBuckets) &&
    sameNumbers(a.customValues, b.customValues) &&
    sameNumbers(
      a.positiveSpans.flatMap((s) => [s.offset, s.length]),
      b.positiveSpans.flatMap((s) => [s.offset, s.length]),
    ) &&
    sameNumbers(
      a.negativeSpans.flatMap((s) => [s.offset, s.length]),
      b.negativeSpans.flatMap((s) => [s.offset, s.length]),
    )
  );
}

function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
}
