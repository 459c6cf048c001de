import { DATA_START_MS, type GeneratedSeries } from './differential-data.js';

/**
 * The queries of the differential test: templates × metrics, plus hand-written ones for what a template cannot say
 * (vector matching, set operations, histograms, subqueries, `@`, errors). Every time involved is 3 s past a multiple
 * of 15 s from the epoch (instant times, range starts) and every duration a multiple of 15 s (ranges, offsets, steps,
 * subquery steps), while samples sit 5–10 s past that grid: no window of either engine starts or ends on a sample, nor a
 * subquery's range on one of its steps, so Prometheus 2.42's closed windows and vigil's left-open ones (3.x) select
 * the same samples. A few boundary probes at the end sit on a sample on purpose, to show that difference.
 */

export interface DifferentialQuery {
  /** Unique: the test's name. */
  readonly name: string;
  readonly expr: string;
  readonly kind: 'instant' | 'range';
  /** Unix seconds: `time` (instant), `start`, `end`, `step` (range). */
  readonly time: number;
  readonly start: number;
  readonly end: number;
  readonly step: number;
  /** The answer's order is the query's (a top-level sort), so it is compared in order. */
  readonly ordered: boolean;
  /**
   * For a boundary probe: the query whose closed windows (Prometheus 2.x) read what the probe's left-open ones (3.x)
   * read, its window 1 ms shorter.
   */
  readonly closedEquivalent: string | null;
}

const T0 = DATA_START_MS / 1000;

/** Instant times (seconds after the data's start): the start, a target down, a shard gone, the end and after. */
const INSTANT_TIMES = [183, 1_863, 3_123, 4_563, 4_863, 6_603, 7_173, 7_383, 7_503, 7_803];

/** Range windows: [start, end, step] in seconds after the data's start. */
const RANGE_WINDOWS: readonly (readonly [number, number, number])[] = [
  [3, 7_803, 60],
  [-297, 7_503, 120],
  [2_703, 5_403, 45],
  [3_603, 7_803, 90],
  [6_903, 7_803, 15],
];

const COUNTERS = [
  'http_requests_total',
  'process_cpu_seconds_total',
  'batch_jobs_processed_total',
  'http_request_duration_seconds_count',
  'rpc_duration_seconds_sum',
];

const GAUGES = [
  'queue_length',
  'temperature_celsius',
  'process_resident_memory_bytes',
  'pool_utilisation_ratio',
  'up',
  'rpc_duration_seconds',
];

const ALL_METRICS = [
  ...COUNTERS,
  ...GAUGES,
  'process_start_time_seconds',
  'http_request_duration_seconds_bucket',
  'http_request_duration_seconds_sum',
  'build_info',
  'rpc_duration_seconds_count',
  'annotated_note',
];

const SELECTORS = [
  '$',
  '${job="api"}',
  '${job!="api"}',
  '${instance=~"10\\\\.0\\\\.2\\\\..+"}',
  '${instance!~"10\\\\.0\\\\.1\\\\..+"}',
];

const COUNTER_TEMPLATES = [
  'rate($[5m])',
  'irate($[1m])',
  'increase($[10m])',
  'resets($[30m])',
  'changes($[5m])',
  'rate($[1m] offset 5m)',
  'sum by (job) (rate($[5m]))',
  'sum without (instance) (increase($[15m]))',
  'max by (instance) (irate($[2m]))',
  'topk(3, rate($[5m]))',
  'rate($[5m] @ 1772413203)',
  'avg_over_time(rate($[2m])[20m:1m])',
  'delta($[5m])',
];

/** Templates over gauges; each is applied to `per` of them, taken in turn, so the count stays near a few hundred. */
const GAUGE_TEMPLATES: readonly (readonly [string, number])[] = [
  ['delta($[10m])', 3],
  ['idelta($[1m])', 3],
  ['deriv($[10m])', 4],
  ['predict_linear($[15m], 600)', 3],
  ['avg_over_time($[10m])', 6],
  ['min_over_time($[5m])', 6],
  ['max_over_time($[5m])', 6],
  ['sum_over_time($[2m])', 3],
  ['count_over_time($[5m])', 3],
  ['last_over_time($[5m])', 3],
  ['stddev_over_time($[10m])', 4],
  ['stdvar_over_time($[10m])', 3],
  ['quantile_over_time(0.75, $[10m])', 4],
  ['present_over_time($[1m])', 2],
  ['absent_over_time($[1m])', 2],
  ['changes($[10m])', 3],
  ['sum by (job) ($)', 6],
  ['avg without (instance) ($)', 6],
  ['min($)', 6],
  ['max by (instance) ($)', 6],
  ['count by (job) ($)', 3],
  ['stddev($)', 4],
  ['stdvar by (job) ($)', 3],
  ['quantile by (job) (0.9, $)', 4],
  ['quantile(0.25, $)', 3],
  ['bottomk(2, $)', 3],
  ['topk by (job) (1, $)', 3],
  ['group by (instance) ($)', 2],
  ['count_values("value", $)', 3],
  ['abs($)', 2],
  ['ceil($)', 2],
  ['floor($)', 2],
  ['round($)', 2],
  ['round($, 0.5)', 2],
  ['clamp($, 0, 10)', 3],
  ['clamp_min($, 1)', 2],
  ['clamp_max($, 5)', 2],
  ['sqrt($)', 2],
  ['ln($)', 2],
  ['exp($ / 100)', 2],
  ['sgn($)', 2],
  ['-$', 2],
  ['$ ^ 2', 2],
  ['$ % 7', 2],
  ['$ * 2 + 1', 2],
  ['$ > 5', 3],
  ['$ > bool 5', 3],
  ['10 < $', 2],
  ['$ == 0', 2],
  ['$ != 1', 2],
  ['sort($)', 3],
  ['sort_desc($)', 3],
  ['timestamp($)', 2],
  ['scalar($)', 2],
  ['label_replace($, "host", "$1", "instance", "([^:]+):.*")', 2],
  ['label_join($, "id", "/", "job", "instance")', 2],
  ['$ offset 10m', 2],
  ['$ offset -5m', 2],
  ['$ @ 1772415003', 2],
  ['max_over_time($[30m:1m])', 3],
  ['min_over_time(deriv($[5m])[15m:30s])', 2],
];

/** What no template says. */
const HAND_WRITTEN = [
  // Matchers.
  'count({__name__=~".+"})',
  'count by (__name__) ({__name__=~".+"})',
  'http_requests_total{code=~"5..|404", method!="POST"}',
  'http_requests_total{code!~"2.."}',
  '{__name__=~"process_.*"}',
  '{__name__=~"http_requests_total|up", job="web"}',
  '{job="batch"}',
  'up{job=~"API"}',
  'up{job=~"(?i)API"}',
  'up{job=""}',
  'annotated_note{instance=""}',
  'annotated_note{note=~".*line.*"}',
  'annotated_note{note=~"first line.second line"}',
  'annotated_note{note!~"first.*"}',
  'annotated_note{note=~"a\\\\.b\\\\*c \\\\(1\\\\)"}',
  'annotated_note{note="größe: 5 µs"}',
  'annotated_note{note=~"gr.ße.*"}',
  'batch_jobs_processed_total{shard=~"1|3|4"}',
  'batch_jobs_processed_total{shard!="0", shard!="2"}',
  'http_requests_total{method="GET", code="200", job="api"}',
  // Rates around resets and gaps.
  'rate(batch_jobs_processed_total[10m])',
  'increase(batch_jobs_processed_total[1h])',
  'resets(http_requests_total[2h])',
  'rate(http_requests_total{instance="10.0.2.3:9100"}[5m])',
  'sum(rate(http_requests_total[5m]))',
  'sum by (code) (rate(http_requests_total[5m]))',
  'sum by (job, method) (rate(http_requests_total[5m]))',
  'sum without (code) (irate(http_requests_total[1m]))',
  // Vector matching.
  'rate(http_requests_total{code="500"}[5m]) / ignoring(code) rate(http_requests_total{code="200"}[5m])',
  'sum by (job, instance) (rate(http_requests_total[5m])) * on(job, instance) group_left(version) build_info',
  'build_info * on(instance) group_right(version) sum by (instance) (rate(http_requests_total[5m]))',
  'sum by (instance, method) (rate(http_requests_total[5m])) / on(instance) group_left sum by (instance) (rate(http_requests_total[5m]))',
  'http_requests_total / on(job) up',
  'http_requests_total / ignoring(code, method) up',
  'sum by (instance) (http_requests_total) / ignoring(method) sum by (instance, method) (http_requests_total)',
  'queue_length{queue="high"} > on(instance) queue_length{queue="low"}',
  'queue_length{queue="high"} > bool on(instance) queue_length{queue="low"}',
  'queue_length - on(instance, queue) group_left queue_length offset 5m',
  'process_resident_memory_bytes / on(instance) group_left(version, goversion) build_info',
  'temperature_celsius{sensor="cpu"} - ignoring(sensor) temperature_celsius{sensor="inlet"}',
  'up == on(instance) group_left(version) build_info',
  // Set operations.
  'up and on(instance) queue_length > 5',
  'queue_length > 15 or queue_length < 2',
  'queue_length unless queue_length{queue="high"}',
  'up unless on(instance) process_resident_memory_bytes',
  'up or vector(0)',
  'batch_jobs_processed_total and on(shard) batch_jobs_processed_total offset 30m',
  'queue_length and ignoring(queue) up == 1',
  '(up == 0) or on(job) count by (job) (up)',
  // Histograms.
  'histogram_quantile(0.9, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))',
  'histogram_quantile(0.5, sum by (le, job) (rate(http_request_duration_seconds_bucket[5m])))',
  'histogram_quantile(0.99, sum by (le, method) (rate(http_request_duration_seconds_bucket[10m])))',
  'histogram_quantile(0.75, rate(http_request_duration_seconds_bucket[5m]))',
  'histogram_quantile(0, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))',
  'histogram_quantile(1, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))',
  'histogram_quantile(1.5, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))',
  'histogram_quantile(-0.5, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))',
  'histogram_quantile(0.9, http_request_duration_seconds_bucket)',
  'histogram_quantile(0.9, sum by (le) (increase(http_request_duration_seconds_bucket[1m])))',
  'histogram_quantile(0.5, sum by (le, instance) (rate(http_request_duration_seconds_bucket{le=~"0.1|1|\\\\+Inf"}[5m])))',
  'histogram_quantile(0.9, sum by (le) (rate(http_request_duration_seconds_bucket{le!="+Inf"}[5m])))',
  'rate(http_request_duration_seconds_sum[5m]) / rate(http_request_duration_seconds_count[5m])',
  'sum by (le) (http_request_duration_seconds_bucket{job="web"})',
  'http_request_duration_seconds_bucket{le="0.1"} / ignoring(le) http_request_duration_seconds_count',
  'rpc_duration_seconds{quantile="0.99"} > ignoring(quantile) rpc_duration_seconds{quantile="0.5"} * 1.5',
  // Labels.
  'label_replace(up, "foo", "$1", "instance", "(.*):.*")',
  'label_replace(up, "instance", "", "instance", ".*")',
  'label_replace(up, "port", "$2", "instance", "(.*):(\\\\d+)")',
  'label_replace(up, "nomatch", "x", "instance", "zzz")',
  'label_replace(rate(http_requests_total[5m]), "route", "$1-$2", "method", "(G)(.*)")',
  'label_join(up, "target", ":", "job", "instance", "job")',
  'label_join(up, "job", "", "nope")',
  'label_replace(up, "x", "$1", "job", "(.*)") == on(x) group_left label_replace(up, "x", "$1", "job", "(.*)")',
  // Absence.
  'absent(nonexistent_metric)',
  'absent(up{job="nope", instance="x"})',
  'absent(up)',
  'absent(up{job=~"n.*"})',
  'absent(sum(nonexistent_metric))',
  'absent_over_time(batch_jobs_processed_total{shard="3"}[5m])',
  'absent_over_time(nonexistent_metric{job="a"}[10m])',
  'absent_over_time(up{job="web", instance="10.0.2.3:9100"}[5m])',
  // Subqueries, offset, @.
  'max_over_time(rate(http_requests_total[1m])[30m:1m])',
  'avg_over_time(queue_length[10m:])',
  'deriv(temperature_celsius[20m:30s])',
  'rate(sum by (job) (http_requests_total)[10m:15s])',
  'max_over_time(max_over_time(queue_length[5m])[30m:5m])',
  'sum_over_time(up[1h:5m] offset 10m)',
  'min_over_time(rate(http_requests_total[5m])[20m:2m] @ 1772416803)',
  'rate(http_requests_total[5m] offset 30m)',
  'rate(http_requests_total[5m] offset -10m)',
  'queue_length @ 1772413203',
  'queue_length @ start()',
  'queue_length @ end()',
  'rate(http_requests_total[5m] @ end())',
  'sum(up @ start())',
  'queue_length @ 1772413203 offset 5m',
  'queue_length - queue_length @ 1772413203',
  'timestamp(up @ 1772416803)',
  // Time and scalars.
  'time()',
  'vector(time())',
  'timestamp(up)',
  'time() - timestamp(up)',
  'time() - process_start_time_seconds',
  'hour()',
  'minute()',
  'month()',
  'year()',
  'day_of_week()',
  'day_of_month()',
  'days_in_month()',
  'hour(timestamp(up))',
  'minute(process_start_time_seconds)',
  'day_of_month(process_start_time_seconds)',
  'scalar(sum(up))',
  'scalar(up)',
  'up * scalar(count(up))',
  'vector(1)',
  'vector(scalar(sum(queue_length)))',
  'sum(queue_length) / scalar(count(queue_length))',
  '1 + 2 * 3',
  '2 ^ 3 ^ 2',
  '-1 % 3',
  'NaN',
  '-Inf',
  '0x1F',
  '1e3 > bool 999',
  'pi()',
  'sin(pi() / 6)',
  'atan2(1, 1)',
  'queue_length atan2 on(instance, job, queue) queue_length offset 1m',
  'rad(deg(temperature_celsius))',
  'cos(temperature_celsius) ^ 2 + sin(temperature_celsius) ^ 2',
  'log2(process_resident_memory_bytes)',
  'log10(queue_length)',
  'tanh(temperature_celsius / 10)',
  'asinh(temperature_celsius)',
  // Aggregations over everything.
  'count(up)',
  'count by (__name__) ({job="api"})',
  'group({job="web"})',
  'count_values("version", build_info)',
  'count_values without (instance) ("q", queue_length)',
  'topk(2, sum by (instance) (rate(http_requests_total[5m])))',
  'bottomk(3, temperature_celsius)',
  'topk(1, queue_length) by (queue)',
  'quantile(0.5, rate(http_requests_total[5m]))',
  'quantile(NaN, queue_length)',
  'quantile(2, queue_length)',
  'sum(pool_utilisation_ratio)',
  'max(pool_utilisation_ratio)',
  'min by (pool) (pool_utilisation_ratio)',
  'avg(temperature_celsius) by (sensor)',
  'stddev by (sensor) (temperature_celsius)',
  'count(count by (version) (build_info))',
  'sum(count by (instance) (http_request_duration_seconds_bucket))',
  'sort(sum by (instance) (rate(http_requests_total[5m])))',
  'sort_desc(max by (job) (queue_length))',
  'sort(pool_utilisation_ratio)',
  // NaN samples, and numbers at their edges.
  'topk(1, pool_utilisation_ratio)',
  'bottomk(1, pool_utilisation_ratio)',
  'sort_desc(pool_utilisation_ratio)',
  'avg(pool_utilisation_ratio)',
  'stddev(pool_utilisation_ratio)',
  'quantile(0.5, pool_utilisation_ratio)',
  'count_values("v", pool_utilisation_ratio)',
  'pool_utilisation_ratio > 0.5',
  'pool_utilisation_ratio == pool_utilisation_ratio',
  'changes(pool_utilisation_ratio[10m])',
  'stddev_over_time(process_resident_memory_bytes[1h])',
  'stdvar(process_resident_memory_bytes)',
  'sum(process_resident_memory_bytes) / 1e9',
  'avg_over_time(temperature_celsius[1h]) - avg_over_time(temperature_celsius[1h] offset 1h)',
  'round(temperature_celsius, 0.1)',
  'clamp(queue_length, 10, 5)',
  'vector(1) / 0',
  'vector(-1) / 0',
  'vector(0) / 0',
  'sqrt(vector(-1))',
  'queue_length % 0',
  'queue_length ^ 0.5',
  'temperature_celsius % 3',
  '-temperature_celsius % -3',
  'exp(process_resident_memory_bytes)',
  'ln(0 * queue_length)',
  // Series that stop, start and come back; targets that go down.
  'count_over_time(batch_jobs_processed_total[10m])',
  'last_over_time(batch_jobs_processed_total[10m])',
  'batch_jobs_processed_total offset 5m',
  'absent(batch_jobs_processed_total{shard="1"})',
  'present_over_time(batch_jobs_processed_total[10m])',
  'irate(batch_jobs_processed_total[1m])',
  'idelta(process_cpu_seconds_total[1m])',
  'changes(process_start_time_seconds[2h])',
  'resets(process_cpu_seconds_total[2h])',
  'sum_over_time((up == 0)[1h:1m])',
  'up offset 1h30m and up',
  'histogram_quantile(0.5, rate(http_request_duration_seconds_bucket{instance="10.0.2.3:9100"}[5m]))',
  'max_over_time(rate(http_requests_total[5m])[30m:5m] offset 15m)',
  'rate(http_requests_total[5m] @ end() offset 10m)',
  'timestamp(rpc_duration_seconds offset 7m)',
  // Histograms and summaries, more.
  'rate(http_request_duration_seconds_bucket{le="+Inf"}[5m])',
  'increase(http_request_duration_seconds_bucket{le="0.1", instance="10.0.1.1:9100"}[30m])',
  'histogram_quantile(0.5, sum by (le) (rate(http_request_duration_seconds_bucket{job="nope"}[5m])))',
  'sum without (le) (http_request_duration_seconds_bucket)',
  'topk(3, http_request_duration_seconds_bucket{le="+Inf"})',
  'avg by (method) (http_request_duration_seconds_sum / http_request_duration_seconds_count)',
  'quantile_over_time(0.99, http_request_duration_seconds_sum[10m])',
  'count(count by (job, instance) (http_request_duration_seconds_bucket) > 20)',
  'sum by (quantile) (rpc_duration_seconds)',
  'rpc_duration_seconds{quantile="0.99"} / on() group_left rpc_duration_seconds_count',
  'deriv(process_resident_memory_bytes[30m])',
  'predict_linear(process_resident_memory_bytes[30m], 3600)',
  // Scalars and vectors meeting.
  'vector(1) and on() (sum(up) > 5)',
  'scalar(sum(up)) > bool 5',
  'day_of_week(vector(1772413203))',
  'label_replace(vector(1), "a", "b", "", "")',
  // Errors.
  'sum(',
  'rate(up)',
  'up[5m]',
  'up[5m] + 1',
  'foo bar',
  'sum by (job) (up) + on(instance) up',
  'label_replace(up, "1bad", "x", "job", ".*")',
  'label_replace(up, "x", "y", "job", "(")',
  'topk("a", up)',
  'up{job=~"("}',
  '{job=~".*"}',
  'rate(up[5m:1m]',
  'histogram_quantile(0.9)',
  'vector(1)[1m]',
  'count_values("a b", up)',
  // Renamed in Prometheus 3.
  'holt_winters(temperature_celsius[10m], 0.5, 0.5)',
  'holt_winters(queue_length[30m], 0.1, 0.9)',
  // Metric names dropped at the end of the query (vigil always runs Prometheus 3's delayed name removal).
  'label_replace(rate(http_requests_total{code="200"}[5m]), "name", "$1", "__name__", "(.+)")',
  'label_join(abs(queue_length), "from", "/", "__name__", "queue")',
  'sum by (__name__) (abs({__name__=~"up|queue_length"}))',
  'count by (__name__) (rate({__name__=~"process_cpu_seconds_total|http_requests_total"}[5m]))',
  'label_replace(irate(http_requests_total{code="200"}[1m]), "__name__", "irate_$1", "__name__", "(.+)")',
];

function expand(template: string, metric: string): string {
  return template.replaceAll('$[', `${metric}[`).replace(/\$(?![0-9])/g, metric);
}

function expressions(): string[] {
  const out = new Set<string>();
  for (const metric of ALL_METRICS) for (const selector of SELECTORS) out.add(expand(selector, metric));
  for (const metric of COUNTERS) for (const template of COUNTER_TEMPLATES) out.add(expand(template, metric));
  let next = 0;
  for (const [template, per] of GAUGE_TEMPLATES) {
    for (let i = 0; i < per; i++) out.add(expand(template, GAUGES[(next + i) % GAUGES.length] as string));
    next += per;
  }
  for (const expr of HAND_WRITTEN) out.add(expr);
  return [...out];
}

function clock(offset: number): string {
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const h = Math.floor(abs / 3600);
  const m = Math.floor((abs % 3600) / 60);
  const s = abs % 60;
  return `${sign}${h}h${String(m).padStart(2, '0')}m${String(s).padStart(2, '0')}s`;
}

function isOrdered(expr: string): boolean {
  return /^sort(_desc)?\(/.test(expr);
}

interface Probe {
  readonly expr: string;
  readonly closedEquivalent: string;
  /** The series whose sample the window's start meets, and which sample (by scrape step; -1: its last). */
  readonly on: readonly [name: string, label: string, value: string, step: number];
  /** How far after that sample the query is evaluated, in seconds: the range, or the lookback delta. */
  readonly after: number;
}

const TARGET = ['instance', '10.0.1.1:9100'] as const;

/**
 * Probes on a window's start: range selectors whose range reaches back exactly to a sample of target 10.0.1.1:9100
 * (its sample at 1 h), and an instant selector whose 5 minute lookback reaches back exactly to the last sample of a
 * series that vanished without a staleness marker (batch shard 3).
 */
const PROBES: readonly Probe[] = [
  ...(
    [
      ['count_over_time(up{instance="10.0.1.1:9100"}[1m])', 60],
      ['avg_over_time(process_cpu_seconds_total{instance="10.0.1.1:9100"}[2m])', 120],
      ['min_over_time(process_cpu_seconds_total{instance="10.0.1.1:9100"}[5m])', 300],
      ['sum_over_time(temperature_celsius{instance="10.0.1.1:9100"}[30s])', 30],
    ] as const
  ).map(([expr, range]) => ({
    expr,
    closedEquivalent: expr.replace(/\[[0-9]+[smh]\]/, `[${range * 1000 - 1}ms]`),
    on: ['up', ...TARGET, 240] as const,
    after: range,
  })),
  {
    expr: 'batch_jobs_processed_total{shard="3"}',
    closedEquivalent: 'last_over_time(batch_jobs_processed_total{shard="3"}[299999ms])',
    on: ['batch_jobs_processed_total', 'shard', '3', -1],
    after: 300,
  },
];

/** The probes, as instant queries and as range queries whose first step is the probe's instant. */
function boundaryQueries(dataset: readonly GeneratedSeries[]): DifferentialQuery[] {
  const out: DifferentialQuery[] = [];
  for (const { expr, closedEquivalent, on, after } of PROBES) {
    const [name, label, value, step] = on;
    const series = dataset.find(
      (s) => s.labels[0]?.value === name && s.labels.some((l) => l.name === label && l.value === value),
    );
    const sample = step < 0 ? series?.samples.at(-1) : series?.samples.find(([at]) => at === step);
    if (sample === undefined) throw new Error(`no sample ${step} of ${name}{${label}="${value}"}`);
    const at = (sample[1] + after * 1000) / 1000;
    const base = { expr, ordered: false, closedEquivalent, time: 0, start: 0, end: 0, step: 0 };
    out.push(
      { ...base, name: `boundary instant ${at}: ${expr}`, kind: 'instant', time: at },
      {
        ...base,
        name: `boundary range ${at}..+10m step 30s: ${expr}`,
        kind: 'range',
        start: at,
        end: at + 600,
        step: 30,
      },
    );
  }
  return out;
}

/**
 * Every query of the test: each expression as two instant queries (at two of the instant times, in turn) and as a
 * range query (over one of the windows, in turn), named by kind, time and expression; then the boundary probes.
 */
export function differentialQueries(dataset: readonly GeneratedSeries[]): DifferentialQuery[] {
  const queries: DifferentialQuery[] = [];
  expressions().forEach((expr, i) => {
    for (const at of [i, i + INSTANT_TIMES.length / 2].map((k) => INSTANT_TIMES[k % INSTANT_TIMES.length] as number)) {
      queries.push({
        name: `instant ${clock(at)}: ${expr}`,
        expr,
        kind: 'instant',
        time: T0 + at,
        start: 0,
        end: 0,
        step: 0,
        ordered: isOrdered(expr),
        closedEquivalent: null,
      });
    }
    const [start, end, step] = RANGE_WINDOWS[i % RANGE_WINDOWS.length] as readonly [number, number, number];
    queries.push({
      name: `range ${clock(start)}..${clock(end)} step ${step}s: ${expr}`,
      expr,
      kind: 'range',
      time: 0,
      start: T0 + start,
      end: T0 + end,
      step,
      ordered: false,
      closedEquivalent: null,
    });
  });
  return [...queries, ...boundaryQueries(dataset)];
}
