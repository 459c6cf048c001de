import { customBoundsMatch, type FloatHistogram, type Span } from '../engine/histograms/native/float-histogram.js';
import { compact } from '../engine/histograms/native/layout.js';
import { testExpression } from './histogram-notation.js';
import { compareLabels, formatLabels, getLabel, labelsKey, METRIC_NAME, type Labels } from '../engine/core/labels.js';
import type { QueryResult, QueryValue } from '../engine/result.js';
import type { Check } from './check.js';
import type { Expectation } from './script.js';
import type { SequenceValue } from './series-notation.js';

/**
 * How the harness judges an eval's outcome, as upstream's test.go does: expected failures, annotations, and results
 * compared series by series with a relative tolerance.
 */

export function matches(expectation: Expectation, text: string): boolean {
  if (expectation.msg !== undefined) return expectation.msg === text;
  if (expectation.regex !== undefined) return goRegExp(expectation.regex).test(text);
  return true;
}

/**
 * A Go (RE2) pattern as a JavaScript RegExp. The scripts' patterns use only syntax the two share; a leading flag
 * group such as `(?i)` becomes a JavaScript flag, and RE2's `\A`/`\z` become `^`/`$`.
 */
function goRegExp(pattern: string): RegExp {
  const flags = /^\(\?([imsU]+)\)/.exec(pattern);
  const body = (flags ? pattern.slice(flags[0].length) : pattern).replaceAll('\\A', '^').replaceAll('\\z', '$');
  return new RegExp(body, (flags?.[1] ?? '').replaceAll('U', ''));
}

/** Upstream's checkAnnotations: expected warnings/infos present, none unexpected, none at all under no_warn/no_info. */
export function checkAnnotations(check: Check, result: QueryResult): string | null {
  const { expectations } = check.command;
  for (const [kind, none, actual] of [
    ['warn', 'no_warn', result.warnings],
    ['info', 'no_info', result.infos],
  ] as const) {
    const wanted = expectations.filter((e) => e.kind === kind);
    if (wanted.length > 0) {
      if (actual.length === 0) return `expected ${kind} annotations but none were found`;
      const missing = wanted.find((e) => !actual.some((text) => matches(e, text)));
      if (missing) {
        const text = missing.msg ?? missing.regex ?? '';
        return `expected ${kind} annotation matching ${JSON.stringify(text)} but found: ${JSON.stringify(actual)}`;
      }
      const extra = actual.find((text) => !wanted.some((e) => matches(e, text)));
      if (extra !== undefined) return `unexpected ${kind} annotation ${JSON.stringify(extra)}`;
    }
    if (expectations.some((e) => e.kind === none) && actual.length > 0) {
      return `unexpected ${kind === 'warn' ? 'warning' : 'info'} annotations: ${JSON.stringify(actual)}`;
    }
  }
  return null;
}

/** util/almost.Equal with upstream's epsilon: a relative difference under 1e-6; NaN equals NaN. */
function almostEqual(a: number, b: number, epsilon = 1e-6): boolean {
  if (Number.isNaN(a) && Number.isNaN(b)) return true;
  if (a === b) return true;
  const minNormal = 2.2250738585072014e-308;
  const absSum = Math.abs(a) + Math.abs(b);
  const diff = Math.abs(a - b);
  if (a === 0 || b === 0 || absSum < minNormal) return diff < epsilon * minNormal;
  return diff / Math.min(absSum, Number.MAX_VALUE) < epsilon;
}

/** Equal as upstream compares an expected value: a staleness marker only equals a staleness marker. */
function sameValue(expected: SequenceValue, actual: number): boolean {
  // The engine never returns staleness markers, so an expected one can never match.
  if (expected.stale) return false;
  return almostEqual(expected.value, actual);
}

/** `name{a="b"}` as Prometheus prints a series, for messages. */
function seriesName(labels: Labels): string {
  const name = getLabel(labels, METRIC_NAME);
  const rest = labels.filter((l) => l.name !== METRIC_NAME);
  return name === '' ? formatLabels(rest) : rest.length === 0 ? name : `${name}${formatLabels(rest)}`;
}

export function matrixOrder(series: readonly { readonly labels: Labels }[]): string | null {
  for (let i = 1; i < series.length; i++) {
    const previous = series[i - 1]?.labels ?? [];
    const current = series[i]?.labels ?? [];
    if (compareLabels(previous, current) > 0) {
      return `matrix results should always be sorted by labels, but ${seriesName(current)} comes after ${seriesName(previous)}`;
    }
  }
  return null;
}

/** Upstream's compareResult: the value against the expected result; null when they agree. */
export function compareResult(check: Check, value: QueryValue): string | null {
  const { expected } = check;
  switch (value.resultType) {
    case 'matrix': {
      if (check.ordered) return 'expected ordered result, but query returned a matrix';
      if (expected.scalar) return 'expected scalar result, but got matrix';
      const unsorted = matrixOrder(value.result);
      if (unsorted !== null) return unsorted;
      const seen = new Set<string>();
      for (const series of value.result) {
        const key = labelsKey(series.labels);
        const want = expected.series.get(key);
        const got = `${series.values.length} points ${formatPoints(series.timestamps, series.values)}`;
        if (!want) return `unexpected metric ${seriesName(series.labels)} in result, has ${got}`;
        seen.add(key);
        const points: { t: number; value: SequenceValue }[] = [];
        const histogramPoints: { t: number; value: SequenceValue }[] = [];
        for (let i = 0; i < want.values.length; i++) {
          const t = check.start + i * check.step;
          if (t > check.end) {
            return `expected ${want.values.length} points for ${seriesName(want.labels)}, but query time range cannot return this many points`;
          }
          const v = want.values[i] as SequenceValue;
          if (v.histogram) histogramPoints.push({ t, value: v });
          else if (!v.omitted) points.push({ t, value: v });
        }
        const gotHistograms = series.histograms ?? [];
        if (points.length !== series.values.length || histogramPoints.length !== gotHistograms.length) {
          return `expected ${points.length} float points and ${histogramPoints.length} histogram points for ${seriesName(want.labels)}, but got ${got} and ${gotHistograms.length} histograms`;
        }
        for (const [i, point] of histogramPoints.entries()) {
          const actual = gotHistograms[i] as { t: number; h: FloatHistogram };
          if (actual.t !== point.t) {
            return `expected histogram ${i} of ${seriesName(want.labels)} at t=${point.t}, but it is at t=${actual.t}`;
          }
          if (!sameHistogram(point.value, actual.h)) {
            return `expected ${formatValue(point.value)} at t=${point.t} for ${seriesName(want.labels)}, but got ${testExpression(actual.h)}`;
          }
        }
        for (let i = 0; i < points.length; i++) {
          const point = points[i] as { t: number; value: SequenceValue };
          const t = series.timestamps[i] as number;
          const v = series.values[i] as number;
          if (point.t !== t) {
            return `expected point ${i} of ${seriesName(want.labels)} at t=${point.t}, but it is at t=${t} (result has ${got})`;
          }
          if (!sameValue(point.value, v)) {
            return `expected ${formatValue(point.value)} at t=${t} for ${seriesName(want.labels)}, but got ${v} (result has ${got})`;
          }
        }
      }
      const missing = [...expected.series].find(([key]) => !seen.has(key));
      return missing ? `expected metric ${seriesName(missing[1].labels)} not found` : null;
    }
    case 'vector': {
      if (expected.scalar) return `expected scalar result, but got vector of ${value.result.length} samples`;
      const seen = new Set<string>();
      for (const [index, sample] of value.result.entries()) {
        const key = labelsKey(sample.labels);
        const want = expected.series.get(key);
        if (!want) return `unexpected metric ${seriesName(sample.labels)} in result, has value ${sample.v}`;
        if (check.ordered && want.pos !== index + 1) {
          return `expected metric ${seriesName(sample.labels)} at position ${want.pos} but was at ${index + 1}`;
        }
        const first = want.values[0];
        if (!first) return `expected result for ${seriesName(want.labels)} has no value`;
        if (first.histogram || sample.h) {
          if (!first.histogram || !sample.h || !sameHistogram(first, sample.h)) {
            const got = sample.h ? testExpression(sample.h) : String(sample.v);
            return `expected ${formatValue(first)} for ${seriesName(sample.labels)} but got ${got}`;
          }
        } else if (!sameValue(first, sample.v)) {
          return `expected ${formatValue(first)} for ${seriesName(sample.labels)} but got ${sample.v}`;
        }
        seen.add(key);
      }
      const missing = [...expected.series].find(([key]) => !seen.has(key));
      return missing ? `expected metric ${seriesName(missing[1].labels)} not found` : null;
    }
    case 'scalar': {
      if (!expected.scalar) return `expected vector or matrix result, but got scalar ${value.result.v}`;
      if (!sameValue(expected.scalar, value.result.v)) {
        return `expected scalar ${formatValue(expected.scalar)} but got ${value.result.v}`;
      }
      return null;
    }
    case 'string': {
      const want = check.command.expectString;
      return want === value.result.v
        ? null
        : `expected string ${JSON.stringify(want ?? '')} but got ${JSON.stringify(value.result.v)}`;
    }
  }
}

function formatValue(value: SequenceValue): string {
  if (value.histogram) return testExpression(value.histogram);
  return value.stale ? 'stale' : value.omitted ? '_' : String(value.value);
}

/** Upstream's compareNativeHistogram: both compacted, counts within the tolerance, the hint only when written. */
function sameHistogram(expected: SequenceValue, actual: FloatHistogram): boolean {
  if (!expected.histogram) return false;
  const e = compact(expected.histogram);
  const a = compact(actual);
  const spans = (x: readonly Span[], y: readonly Span[]): boolean =>
    x.length === y.length && x.every((s, i) => s.offset === y[i]?.offset && s.length === y[i]?.length);
  const buckets = (x: readonly number[], y: readonly number[]): boolean =>
    x.length === y.length && x.every((v, i) => almostEqual(v, y[i] as number));
  return (
    e.schema === a.schema &&
    almostEqual(e.count, a.count) &&
    almostEqual(e.sum, a.sum) &&
    (e.customValues.length === 0 || customBoundsMatch(e.customValues, a.customValues)) &&
    e.zeroThreshold === a.zeroThreshold &&
    almostEqual(e.zeroCount, a.zeroCount) &&
    spans(e.negativeSpans, a.negativeSpans) &&
    buckets(e.negativeBuckets, a.negativeBuckets) &&
    spans(e.positiveSpans, a.positiveSpans) &&
    buckets(e.positiveBuckets, a.positiveBuckets) &&
    (!expected.counterResetHintSet || e.counterResetHint === a.counterResetHint)
  );
}

function formatPoints(timestamps: readonly number[], values: readonly number[]): string {
  const shown = timestamps.slice(0, 6).map((t, i) => `${values[i]}@${t}`);
  return `[${shown.join(' ')}${timestamps.length > 6 ? ' …' : ''}]`;
}
