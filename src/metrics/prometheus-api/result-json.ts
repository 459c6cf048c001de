import type { InstantSample, Labels, QueryResult, RangeResultSeries } from '../../promql/index.js';
import { formatFloat, formatScalarTimestamp, formatScalarValue, formatTimestamp } from './format.js';
import { compareGoStrings } from './go-order.js';
import { histogramJson } from './histogram-json.js';
import { jsonString, jsonValue } from './json.js';

/** Prometheus answers with at most this many warnings and as many infos, then one line saying how many it left out. */
const MAX_ANNOTATIONS = 10;

/** The warning Prometheus adds when `limit` cut a result or a list short. */
export const RESULTS_TRUNCATED = 'results truncated due to limit';

/**
 * Annotations as Prometheus's `AsStrings` hands them out: each message once (Prometheus keeps them in a map keyed by
 * message), at most ten, then `N more warning annotations omitted`.
 */
function capAnnotations(messages: readonly string[], kind: 'warning' | 'info'): string[] {
  const unique = [...new Set(messages)];
  if (unique.length <= MAX_ANNOTATIONS) return unique;
  const kept = unique.slice(0, MAX_ANNOTATIONS);
  kept.push(`${unique.length - MAX_ANNOTATIONS} more ${kind} annotations omitted`);
  return kept;
}

/** `{"status":"success","data":…}`, with `warnings` and `infos` only when there are some (Go's `omitempty`). */
function envelope(data: string, warnings: readonly string[], infos: readonly string[]): string {
  let out = `{"status":"success","data":${data}`;
  const shownWarnings = capAnnotations(warnings, 'warning');
  const shownInfos = capAnnotations(infos, 'info');
  if (shownWarnings.length > 0) out += `,"warnings":[${shownWarnings.map(jsonString).join(',')}]`;
  if (shownInfos.length > 0) out += `,"infos":[${shownInfos.map(jsonString).join(',')}]`;
  return `${out}}`;
}

/**
 * The body of a successful answer whose data is plain JSON (labels, label values, build info, the parse tree): see
 * jsonValue for how keys are ordered. Warnings (and infos) are capped and deduplicated as for queries.
 */
export function successBody(data: unknown, warnings: readonly string[] = [], infos: readonly string[] = []): string {
  return envelope(jsonValue(data), warnings, infos);
}

/** A label set as Prometheus writes one: `{"__name__":"up","job":"api"}`, in the set's (sorted) order. */
export function labelsJson(labels: Labels): string {
  let out = '{';
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i] as Labels[number];
    out += `${i === 0 ? '' : ','}${jsonString(label.name)}:${jsonString(label.value)}`;
  }
  return `${out}}`;
}

/** The body of `/series`: a list of label sets, written from the sets themselves so that no key is reordered. */
export function seriesBody(series: readonly Labels[], warnings: readonly string[] = []): string {
  return envelope(`[${series.map(labelsJson).join(',')}]`, warnings, []);
}

/** One metric's metadata entry, as `/api/v1/metadata` lists it. */
export interface MetricMetadata {
  readonly type: string;
  readonly help: string;
  readonly unit: string;
}

/** The body of `/metadata`: metric names in Go's map order (sorted by bytes), each with its entries. */
export function metadataBody(metadata: ReadonlyMap<string, readonly MetricMetadata[]>): string {
  const names = [...metadata.keys()].sort(compareGoStrings);
  const parts = names.map((name) => {
    const entries = (metadata.get(name) ?? []).map(
      (m) => `{"type":${jsonString(m.type)},"help":${jsonString(m.help)},"unit":${jsonString(m.unit)}}`,
    );
    return `${jsonString(name)}:[${entries.join(',')}]`;
  });
  return envelope(`{${parts.join(',')}}`, [], []);
}

function sampleJson(sample: InstantSample): string {
  const ts = formatTimestamp(sample.t);
  const metric = labelsJson(sample.labels);
  if (sample.h) return `{"metric":${metric},"histogram":[${ts},${histogramJson(sample.h)}]}`;
  return `{"metric":${metric},"value":[${ts},"${formatFloat(sample.v)}"]}`;
}

function seriesJson(series: RangeResultSeries): string {
  const parts: string[] = [`{"metric":${labelsJson(series.labels)}`];
  const { timestamps, values, histograms } = series;
  if (timestamps.length > 0) {
    const points: string[] = new Array<string>(timestamps.length);
    for (let i = 0; i < timestamps.length; i++) {
      points[i] = `[${formatTimestamp(timestamps[i] as number)},"${formatFloat(values[i] as number)}"]`;
    }
    parts.push(`,"values":[${points.join(',')}]`);
  }
  if (histograms && histograms.length > 0) {
    const points = histograms.map((p) => `[${formatTimestamp(p.t)},${histogramJson(p.h)}]`);
    parts.push(`,"histograms":[${points.join(',')}]`);
  }
  parts.push('}');
  return parts.join('');
}

function resultJson(result: QueryResult): string {
  const { value } = result;
  switch (value.resultType) {
    case 'scalar':
      return `[${formatScalarTimestamp(value.result.t)},"${formatScalarValue(value.result.v)}"]`;
    case 'string':
      return `[${formatScalarTimestamp(value.result.t)},${jsonString(value.result.v)}]`;
    case 'vector':
      return `[${value.result.map(sampleJson).join(',')}]`;
    case 'matrix':
      return `[${value.result.map(seriesJson).join(',')}]`;
  }
}

/**
 * The body of a successful `/query` or `/query_range`, byte for byte as Prometheus 3 writes it:
 * `{"status":"success","data":{"resultType":…,"result":…},"warnings":[…],"infos":[…]}`. Sample values are strings
 * (formatFloat; scalars in plain decimal), sample timestamps seconds with milliseconds (formatTimestamp), native
 * histograms objects (histogramJson); a matrix series has `values` and/or `histograms`, whichever it has points of.
 * Built as text rather than through JSON.stringify, which has neither Prometheus's numbers nor its escaping.
 */
export function queryResultBody(result: QueryResult): string {
  const data = `{"resultType":"${result.value.resultType}","result":${resultJson(result)}}`;
  return envelope(data, result.warnings, result.infos);
}

/**
 * The result cut to its first `limit` series (the `limit` parameter, 0 for none), with Prometheus's warning when
 * anything was cut. Scalars and strings are never cut.
 */
export function truncateResult(result: QueryResult, limit: number): QueryResult {
  const { value } = result;
  if (limit <= 0 || (value.resultType !== 'vector' && value.resultType !== 'matrix')) return result;
  if (value.result.length <= limit) return result;
  const cut =
    value.resultType === 'vector'
      ? { resultType: value.resultType, result: value.result.slice(0, limit) }
      : { resultType: value.resultType, result: value.result.slice(0, limit) };
  return { ...result, value: cut, warnings: [...result.warnings, RESULTS_TRUNCATED] };
}
