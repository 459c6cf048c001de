import { parseDuration } from '../promql/literals.js';

/** The metrics plane's settings (VIGIL_METRICS_* and VIGIL_SELF_MONITORING), read by loadConfig. */
export interface MetricsConfig {
  /** How long samples are kept (ms), VIGIL_METRICS_RETENTION. */
  readonly retention: number;
  /** Per instance: samples (and histograms) accepted per second, on average over a second. */
  readonly maxSamplesPerSecond: number;
  /** Per instance: series in the store's head (active series). */
  readonly maxActiveSeries: number;
  /** Per instance: active series of one metric name. */
  readonly maxSeriesPerMetric: number;
  /** Largest remote-write body accepted, compressed (bytes). */
  readonly maxBodyBytes: number;
  /** Longest a query may run (ms); a query's own `timeout` may only shorten it. */
  readonly queryTimeout: number;
  /** Prometheus's --query.max-samples: points a query may hold at once. */
  readonly queryMaxSamples: number;
  /** Samples a query may load from the store in all. */
  readonly queryMaxLoadedSamples: number;
  /** How far back an instant selector looks (ms). */
  readonly lookbackDelta: number;
  /** Where vigil writes its own /metrics: an instance (GUID or name) and optionally a team; null = off. */
  readonly selfMonitoring: {
    readonly instance: string;
    readonly team: string | null;
    readonly interval: number;
  } | null;
}

type Get = (name: string) => string | undefined;

function duration(get: Get, problems: string[], name: string, fallback: number, min: number): number {
  const raw = get(name);
  if (raw === undefined) return fallback;
  const ms = parseDuration(raw);
  if (ms === null || ms < min) {
    problems.push(`${name}: "${raw}" is not a duration of at least ${min / 1000}s (e.g. 15d, 12h, 90s)`);
    return fallback;
  }
  return ms;
}

function count(get: Get, problems: string[], name: string, fallback: number): number {
  const raw = get(name);
  if (raw === undefined) return fallback;
  const n = Number(raw.replaceAll('_', ''));
  if (!/^[\d_]+$/.test(raw) || !Number.isSafeInteger(n) || n < 1) {
    problems.push(`${name}: "${raw}" is not a positive whole number`);
    return fallback;
  }
  return n;
}

/** Reads the metrics plane's variables (docs/CONFIGURATION.md), adding any problem to `problems`. */
export function loadMetricsConfig(get: Get, problems: string[]): MetricsConfig {
  const selfMonitoring = get('VIGIL_SELF_MONITORING');
  let self: MetricsConfig['selfMonitoring'] = null;
  if (selfMonitoring !== undefined) {
    const [instance = '', team, ...rest] = selfMonitoring.split('/');
    if (instance.trim() === '' || rest.length > 0 || team?.trim() === '') {
      problems.push(`VIGIL_SELF_MONITORING: "${selfMonitoring}" must be <instance> or <instance>/<team>`);
    } else {
      self = {
        instance: instance.trim(),
        team: team?.trim() ?? null,
        interval: duration(get, problems, 'VIGIL_SELF_MONITORING_INTERVAL', 15_000, 1_000),
      };
    }
  }
  return {
    retention: duration(get, problems, 'VIGIL_METRICS_RETENTION', 15 * 86_400_000, 2 * 3_600_000),
    maxSamplesPerSecond: count(get, problems, 'VIGIL_METRICS_MAX_SAMPLES_PER_SECOND', 1_000_000),
    maxActiveSeries: count(get, problems, 'VIGIL_METRICS_MAX_ACTIVE_SERIES', 1_000_000),
    maxSeriesPerMetric: count(get, problems, 'VIGIL_METRICS_MAX_SERIES_PER_METRIC', 200_000),
    maxBodyBytes: count(get, problems, 'VIGIL_METRICS_MAX_BODY_BYTES', 10 * 1024 * 1024),
    queryTimeout: duration(get, problems, 'VIGIL_METRICS_QUERY_TIMEOUT', 120_000, 1_000),
    queryMaxSamples: count(get, problems, 'VIGIL_METRICS_QUERY_MAX_SAMPLES', 50_000_000),
    queryMaxLoadedSamples: count(get, problems, 'VIGIL_METRICS_QUERY_MAX_LOADED_SAMPLES', 50_000_000),
    lookbackDelta: duration(get, problems, 'VIGIL_METRICS_LOOKBACK_DELTA', 300_000, 1_000),
    selfMonitoring: self,
  };
}
