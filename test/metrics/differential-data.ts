import {
  encodeV1,
  patchDoubles,
  snappy,
  STALE_NAN,
  type LabelInput,
} from '../../src/metrics/remote-write/testing/encoder.js';
import { seededRandom } from '../../src/testing/seeded-random.js';

/**
 * The data of the differential test (vigil against Debian's Prometheus): two hours of a small fleet scraped every
 * 15 s, drawn from a seeded generator so every run sends the same samples. Six targets of two jobs expose counters
 * (with resets when a target restarts), gauges (negative, integer and NaN values among them), classic histograms and
 * a summary; one target is down for ten minutes (staleness markers, `up` 0); a batch job's shards stop with and without
 * a staleness marker, start late and come back. Each target is scraped at a fixed phase of 5–10 s past the 15 s grid
 * of the epoch, so a query evaluated on that grid (plus 3 s, see differential-queries.ts) never has a sample on a
 * window's boundary, where Prometheus 2.x (closed windows) and 3.x (left-open) differ.
 */

export const SCRAPE_INTERVAL_MS = 15_000;

/** 2026-03-02T00:00:00Z: a fixed start, so that time functions (`hour()`, `day_of_week()`…) answer the same each run. */
export const DATA_START_MS = Date.UTC(2026, 2, 2);

/** Scrape steps: two hours and one sample. */
const DATA_STEPS = 481;

export interface GeneratedSeries {
  /** Sorted by name, `__name__` first, with `remote_write="true"` (which vigil adds to every series it stores). */
  readonly labels: readonly LabelInput[];
  /** `[step, timestamp ms, value]`; a `null` value is a staleness marker. */
  readonly samples: readonly (readonly [number, number, number | null])[];
}

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const METHODS = ['GET', 'POST'];
const CODES = ['200', '404', '500'];

interface Target {
  readonly job: string;
  readonly instance: string;
  readonly phase: number;
  /** The step at which the process restarts (counters start again from 0), or -1. */
  readonly restartAt: number;
  /** Steps [from, to) when the scrape fails. */
  readonly down: readonly [number, number] | null;
  readonly version: string;
}

class SeriesBuilder {
  readonly samples: [number, number, number | null][] = [];
  private stale = true;
  constructor(readonly labels: LabelInput[]) {}

  add(step: number, t: number, value: number): void {
    this.samples.push([step, t, value]);
    this.stale = false;
  }

  /** A staleness marker, as Prometheus writes one when a series disappears from a scrape (once). */
  markStale(step: number, t: number): void {
    if (this.stale) return;
    this.samples.push([step, t, null]);
    this.stale = true;
  }
}

function labelsOf(name: string, labels: Record<string, string>): LabelInput[] {
  const all: Record<string, string> = { ...labels, remote_write: 'true' };
  const sorted = Object.keys(all)
    .sort()
    .map((key) => ({ name: key, value: all[key] as string }));
  return [{ name: '__name__', value: name }, ...sorted];
}

/** Random with a seed, plus a few distributions. */
class Draw {
  constructor(private readonly next: () => number) {}
  uniform(min: number, max: number): number {
    return min + (max - min) * this.next();
  }
  int(min: number, max: number): number {
    return Math.floor(this.uniform(min, max + 1));
  }
  /** A request latency: log-normal around 60 ms with a long tail. */
  latency(): number {
    const u = Math.max(this.next(), 1e-12);
    const v = this.next();
    const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    return Math.exp(Math.log(0.06) + 1.1 * normal);
  }
}

/** The whole fleet's samples, series by series, for `seed`. */
export function generateDataset(seed: number): GeneratedSeries[] {
  const draw = new Draw(seededRandom(seed));
  const targets: Target[] = [];
  for (const job of ['api', 'web']) {
    for (let i = 0; i < 3; i++) {
      const restarts = draw.uniform(0, 1) < 0.6;
      targets.push({
        job,
        instance: `10.0.${job === 'api' ? 1 : 2}.${i + 1}:9100`,
        phase: Math.round(draw.uniform(5_100, 9_900)),
        restartAt: restarts ? draw.int(60, 420) : -1,
        down: job === 'web' && i === 2 ? [200, 240] : null,
        version: i === 2 ? '1.4.0' : '1.3.2',
      });
    }
  }
  const all: SeriesBuilder[] = [];
  for (const target of targets) all.push(...targetSeries(target, draw));
  all.push(...batchSeries(draw), ...oddSeries(draw));
  return all.map((series) => ({ labels: series.labels, samples: series.samples }));
}

function timeOf(step: number, phase: number, draw: Draw): number {
  return DATA_START_MS + step * SCRAPE_INTERVAL_MS + phase + draw.int(-50, 50);
}

/** One scrape target: what a Go service exposes, scraped every 15 s. */
function targetSeries(target: Target, draw: Draw): SeriesBuilder[] {
  const base = { instance: target.instance, job: target.job };
  const requests = new Map<string, { series: SeriesBuilder; rate: number; value: number }>();
  for (const method of METHODS) {
    for (const code of CODES) {
      const rate = (method === 'GET' ? 40 : 8) * (code === '200' ? 1 : code === '404' ? 0.1 : 0.02);
      const series = new SeriesBuilder(labelsOf('http_requests_total', { ...base, code, method }));
      requests.set(`${method}/${code}`, { series, rate: rate * draw.uniform(0.5, 1.5), value: 0 });
    }
  }
  const cpu = new SeriesBuilder(labelsOf('process_cpu_seconds_total', base));
  const memory = new SeriesBuilder(labelsOf('process_resident_memory_bytes', base));
  const startTime = new SeriesBuilder(labelsOf('process_start_time_seconds', base));
  const queues = ['default', 'high', 'low'].map((queue) => ({
    series: new SeriesBuilder(labelsOf('queue_length', { ...base, queue })),
    value: draw.int(0, 10),
  }));
  const temperatures = [
    { series: new SeriesBuilder(labelsOf('temperature_celsius', { ...base, sensor: 'cpu' })), value: 55 },
    { series: new SeriesBuilder(labelsOf('temperature_celsius', { ...base, sensor: 'inlet' })), value: -2 },
  ];
  const histograms = METHODS.map((method) => ({
    buckets: [...BUCKETS.map(String), '+Inf'].map(
      (le) => new SeriesBuilder(labelsOf('http_request_duration_seconds_bucket', { ...base, le, method })),
    ),
    sum: new SeriesBuilder(labelsOf('http_request_duration_seconds_sum', { ...base, method })),
    count: new SeriesBuilder(labelsOf('http_request_duration_seconds_count', { ...base, method })),
    counts: new Array<number>(BUCKETS.length + 1).fill(0),
    total: 0,
    observations: 0,
    rate: method === 'GET' ? 12 : 3,
  }));
  const up = new SeriesBuilder(labelsOf('up', base));
  const build = new SeriesBuilder(
    labelsOf('build_info', { ...base, goversion: 'go1.19.8', revision: 'r' + target.version, version: target.version }),
  );
  const exposed = [
    ...[...requests.values()].map((r) => r.series),
    cpu,
    memory,
    startTime,
    ...queues.map((q) => q.series),
    ...temperatures.map((s) => s.series),
    ...histograms.flatMap((h) => [...h.buckets, h.sum, h.count]),
    build,
  ];
  let cpuValue = 0;
  let memoryValue = draw.uniform(8e7, 1.2e8);
  let started = DATA_START_MS / 1000 - draw.int(3_600, 86_400);
  for (let step = 0; step < DATA_STEPS; step++) {
    const t = timeOf(step, target.phase, draw);
    const isDown = target.down !== null && step >= target.down[0] && step < target.down[1];
    up.add(step, t, isDown ? 0 : 1);
    if (isDown) {
      for (const series of exposed) series.markStale(step, t);
      continue;
    }
    if (step === target.restartAt) {
      for (const r of requests.values()) r.value = 0;
      cpuValue = 0;
      memoryValue = draw.uniform(5e7, 7e7);
      started = Math.floor(t / 1000) - 3;
      for (const h of histograms) {
        h.counts.fill(0);
        h.total = 0;
        h.observations = 0;
      }
    }
    for (const r of requests.values()) {
      r.value += Math.round(r.rate * 15 * draw.uniform(0.6, 1.4));
      r.series.add(step, t, r.value);
    }
    cpuValue += draw.uniform(0.05, 0.6);
    cpu.add(step, t, cpuValue);
    memoryValue = Math.max(2e7, memoryValue + draw.uniform(-2e6, 2.2e6));
    memory.add(step, t, Math.round(memoryValue));
    startTime.add(step, t, started);
    for (const q of queues) {
      q.value = Math.max(0, Math.min(25, q.value + draw.int(-3, 3)));
      q.series.add(step, t, q.value);
    }
    for (const s of temperatures) {
      s.value += draw.uniform(-0.8, 0.8);
      s.series.add(step, t, Math.round(s.value * 100) / 100);
    }
    for (const h of histograms) {
      const n = Math.round(h.rate * 15 * draw.uniform(0.5, 1.5));
      for (let k = 0; k < n; k++) {
        const seconds = draw.latency();
        h.total += seconds;
        h.observations++;
        const index = BUCKETS.findIndex((bound) => seconds <= bound);
        const at = index < 0 ? BUCKETS.length : index;
        for (let b = at; b < h.counts.length; b++) h.counts[b] = (h.counts[b] ?? 0) + 1;
      }
      h.buckets.forEach((series, b) => series.add(step, t, h.counts[b] ?? 0));
      h.sum.add(step, t, h.total);
      h.count.add(step, t, h.observations);
    }
    build.add(step, t, 1);
  }
  return [up, ...exposed];
}

/**
 * A batch job's shards: 0 runs throughout; 1 stops at 45 min (staleness marker); 2 starts at 30 min; 3 vanishes at
 * 75 min without a marker (only the lookback ends it); 4 stops at 37.5 min and comes back, restarted, at 62.5 min.
 */
function batchSeries(draw: Draw): SeriesBuilder[] {
  const spans: [number, number, boolean][][] = [
    [[0, DATA_STEPS, false]],
    [[0, 180, true]],
    [[120, DATA_STEPS, false]],
    [[0, 300, false]],
    [
      [0, 150, true],
      [250, DATA_STEPS, false],
    ],
  ];
  const phase = 6_000;
  return spans.map((runs, shard) => {
    const series = new SeriesBuilder(
      labelsOf('batch_jobs_processed_total', { instance: 'batch-0', job: 'batch', shard: String(shard) }),
    );
    for (const [from, to, marker] of runs) {
      let value = 0;
      for (let step = from; step < to; step++) {
        value += draw.int(0, 30);
        series.add(step, timeOf(step, phase, draw), value);
      }
      if (marker) series.markStale(to, timeOf(to, phase, draw));
    }
    return series;
  });
}

/**
 * What is left: a summary (`quantile` labels), NaN gauge samples, and label values that take regular expressions to
 * their edges (a newline, which `.` matches in Prometheus 3 only; regex metacharacters; UTF-8).
 */
function oddSeries(draw: Draw): SeriesBuilder[] {
  const base = { instance: '10.0.1.1:9100', job: 'api' };
  const quantiles = ['0.5', '0.9', '0.99'].map((quantile) => ({
    series: new SeriesBuilder(labelsOf('rpc_duration_seconds', { ...base, quantile })),
    scale: Number(quantile),
  }));
  const sum = new SeriesBuilder(labelsOf('rpc_duration_seconds_sum', base));
  const count = new SeriesBuilder(labelsOf('rpc_duration_seconds_count', base));
  const nan = ['a', 'b'].map((pool) => new SeriesBuilder(labelsOf('pool_utilisation_ratio', { ...base, pool })));
  const notes = ['first line\nsecond line', 'a.b*c (1)', 'größe: 5 µs'].map(
    (note) => new SeriesBuilder(labelsOf('annotated_note', { job: 'api', note })),
  );
  const phase = 8_000;
  let total = 0;
  let observations = 0;
  for (let step = 0; step < DATA_STEPS; step++) {
    const t = timeOf(step, phase, draw);
    for (const q of quantiles) q.series.add(step, t, Math.round(q.scale * draw.uniform(0.02, 0.4) * 1e4) / 1e4);
    const n = draw.int(10, 40);
    observations += n;
    for (let k = 0; k < n; k++) total += draw.latency();
    sum.add(step, t, total);
    count.add(step, t, observations);
    nan.forEach((series, i) => {
      // Pool "b" reports NaN (no capacity) now and then, as a 0/0 gauge would.
      const value = i === 1 && step % 37 < 4 ? Number.NaN : Math.round(draw.uniform(0, 1) * 1000) / 1000;
      series.add(step, t, value);
    });
    notes.forEach((series, i) => series.add(step, t, i + 1));
  }
  return [...quantiles.map((q) => q.series), sum, count, ...nan, ...notes];
}

/** A value no generator produces, written for a staleness marker and then patched into its NaN bits. */
const STALE_SENTINEL = 1.2345678901234567e300;

/**
 * The dataset as remote-write 1.0 bodies (snappy-compressed), `stepsPerBody` scrape steps each, in time order: every
 * series' samples of those steps, so a receiver that only accepts samples near its newest one (Prometheus's head)
 * takes all of them. Staleness markers are put on the wire with their exact bits.
 */
export function remoteWriteBodies(dataset: readonly GeneratedSeries[], stepsPerBody: number): Buffer[] {
  const bodies: Buffer[] = [];
  for (let from = 0; from <= DATA_STEPS; from += stepsPerBody) {
    const to = from + stepsPerBody;
    const timeseries = dataset
      .map((series) => ({
        labels: [...series.labels],
        samples: series.samples
          .filter(([step]) => step >= from && step < to)
          .map(([, timestamp, value]) => ({ timestamp, value: value === null ? STALE_SENTINEL : value })),
      }))
      .filter((series) => series.samples.length > 0);
    if (timeseries.length === 0) continue;
    const raw = encodeV1({ timeseries });
    patchDoubles(raw, STALE_SENTINEL, STALE_NAN.hi, STALE_NAN.lo);
    bodies.push(snappy(raw));
  }
  return bodies;
}
