import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { TENANT_LABEL, tenantStorage } from '../src/metrics/store/tenant-storage.js';
import { Engine } from '../src/promql/engine/engine.js';
import type { QueryValue } from '../src/promql/engine/result.js';
import { Tsdb } from '../src/tsdb/tsdb.js';
import { BodyEncoder, queryData, shardBatches } from './metrics-bodies.js';
import {
  closeConnections,
  cpuMsOf,
  knob,
  loadAverage,
  log,
  median,
  prometheusAvailable,
  query,
  round,
  sendAll,
  startPrometheus,
  startVigilTarget,
  vigilQuerySeconds,
  type Target,
  type VigilTarget,
} from './metrics-harness.js';

/**
 * Benchmark 9: the two PromQL queries of the issue through the Prometheus HTTP API, vigil against Debian's Prometheus
 * 2.42 on the same data in the same run, and vigil's engine alone on the same store (the API's overhead is the
 * difference). Data as bench/promql-engine.ts's: `x`, 10 jobs × `INSTANCES` counters, and `h_bucket`, `HISTOGRAMS`
 * classic histograms of 12 buckets, scraped every 30 s for 6 h (721 samples a series). Both servers are loaded over
 * remote-write from the oldest sample on (Prometheus accepts nothing older than an hour before its newest sample),
 * 4 senders each, in waves that keep the senders within a few rounds of each other; both cut their 2 h blocks from
 * the head as they go, as in production. Queries, 6 h window at a 30 s step for range queries, at the end for instant
 * ones: each warmed up once per server, then `RUNS` runs taking turns between the servers; medians. vigil is asked
 * with a Manager's Monitor API token; Prometheus has no authentication. The API's overhead is each vigil run's time
 * minus the evaluation time vigil's query-duration histogram recorded for it inside the server. Then vigil is stopped
 * and its data directory opened in this process: the same queries on `Engine` over the same store (tenant confinement
 * as the API applies it), the engine alone.
 * Prints `RESULT {json}` for bench/run.ts.
 *
 * Knobs: VIGIL_BENCH_QUERY_INSTANCES (1000 a job; quick 100), VIGIL_BENCH_QUERY_HISTOGRAMS (1000; quick 100),
 * VIGIL_BENCH_QUERY_RUNS (5; quick 3).
 */

const JOBS = 10;
const INSTANCES = knob('VIGIL_BENCH_QUERY_INSTANCES', 1_000, 100);
const HISTOGRAMS = knob('VIGIL_BENCH_QUERY_HISTOGRAMS', 1_000, 100);
const RUNS = knob('VIGIL_BENCH_QUERY_RUNS', 5, 3);
const INTERVAL = 30_000;
const SAMPLES = 721; // 6 h at 30 s, both ends included
const SENDERS = 4;
const BATCH = 2_000;
const WAVE = 8; // bodies per sender between barriers
const END = Math.floor((Date.now() - 600_000) / INTERVAL) * INTERVAL;
const START = END - (SAMPLES - 1) * INTERVAL;

const SUM_RATE = 'sum by (job) (rate(x[5m]))';
const QUANTILE = 'histogram_quantile(0.99, sum by (le) (rate(h_bucket[5m])))';
const QUERIES = [
  { name: 'rangeSumRate', kind: 'range', expr: SUM_RATE, series: JOBS },
  { name: 'instantSumRate', kind: 'instant', expr: SUM_RATE, series: JOBS },
  { name: 'rangeHistogramQuantile', kind: 'range', expr: QUANTILE, series: 1 },
  { name: 'instantHistogramQuantile', kind: 'instant', expr: QUANTILE, series: 1 },
] as const;
type QueryName = (typeof QUERIES)[number]['name'];

interface Timing {
  medianMs: number;
  runsMs: number[];
  resultSeries: number;
  resultPoints: number;
  firstValue: string;
}

/** Both servers fed the same bodies, wave by wave (so no sender runs an hour ahead of another). */
async function load(targets: readonly Target[]): Promise<{ samples: number; ms: number }> {
  const set = queryData(JOBS, INSTANCES, HISTOGRAMS);
  const encoder = new BodyEncoder(set);
  const started = performance.now();
  let samples = 0;
  let wave: Buffer[][] = Array.from({ length: SENDERS }, () => []);
  const flush = async () => {
    await Promise.all(targets.map((target) => sendAll(target, wave)));
    wave = Array.from({ length: SENDERS }, () => []);
  };
  for (const [sender, batch] of shardBatches(set, SENDERS, BATCH, START, INTERVAL, SAMPLES)) {
    (wave[sender] as Buffer[]).push(encoder.body(batch.series, batch.timestamps, batch.values));
    samples += batch.series.length;
    if ((wave[SENDERS - 1] as Buffer[]).length === WAVE) await flush();
  }
  await flush();
  return { samples, ms: performance.now() - started };
}

/** Waits until the servers are idle (under 5 % of a CPU for 2 s): their compaction after the load is done. */
async function settle(targets: readonly Target[]): Promise<void> {
  const deadline = performance.now() + 120_000;
  while (performance.now() < deadline) {
    const before = targets.map((t) => cpuMsOf(t.pid));
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const busy = targets.some((t, i) => cpuMsOf(t.pid) - (before[i] as number) > 100);
    if (!busy) return;
  }
}

function params(kind: 'range' | 'instant', expr: string): Record<string, string> {
  return kind === 'range'
    ? { query: expr, start: String(START / 1000), end: String(END / 1000), step: String(INTERVAL / 1000) }
    : { query: expr, time: String(END / 1000) };
}

/** One query over HTTP; the time and the answer's shape, checked. */
async function overHttp(
  target: Target,
  q: (typeof QUERIES)[number],
): Promise<{ ms: number; series: number; points: number; first: string }> {
  const { ms, data } = await query(target, q.kind === 'range' ? 'query_range' : 'query', params(q.kind, q.expr));
  const points = data.result.reduce((n, s) => n + (s.values?.length ?? 1), 0);
  if (data.result.length !== q.series || points === 0) {
    throw new Error(`${target.name} ${q.name}: expected ${q.series} series, got ${data.result.length} × ${points}`);
  }
  const first = data.result[0]?.values?.[0]?.[1] ?? data.result[0]?.value?.[1] ?? '';
  return { ms, series: data.result.length, points, first };
}

function timing(runs: number[], shape: { series: number; points: number; first: string }): Timing {
  return {
    medianMs: round(median(runs)),
    runsMs: runs.map((ms) => round(ms)),
    resultSeries: shape.series,
    resultPoints: shape.points,
    firstValue: shape.first,
  };
}

interface HttpTimings {
  byTarget: Record<string, Record<QueryName, Timing>>;
  /** Per query, vigil's evaluation time inside the server (its query-duration histogram), run by run. */
  vigilEngine: Record<QueryName, Timing>;
  /** Per query, the median over runs of vigil's API time minus its evaluation time in that run. */
  vigilOverheadMs: Record<QueryName, number>;
}

/**
 * Each query warmed up on each server, then RUNS runs taking turns, so that drift in the machine hits both alike.
 * Around each of vigil's runs its own metrics say how long the engine took inside the server.
 */
async function httpTimings(vigil: VigilTarget, targets: readonly Target[]): Promise<HttpTimings> {
  const byTarget: Record<string, Record<string, Timing>> = {};
  const vigilEngine: Record<string, Timing> = {};
  const vigilOverheadMs: Record<string, number> = {};
  for (const target of targets) byTarget[target.name] = {};
  for (const q of QUERIES) {
    const runs = targets.map(() => [] as number[]);
    const engineRuns: number[] = [];
    const overheads: number[] = [];
    const shapes: { series: number; points: number; first: string }[] = [];
    for (const target of targets) shapes.push(await overHttp(target, q));
    for (let r = 0; r < RUNS; r++) {
      for (const [i, target] of targets.entries()) {
        const before = target === vigil ? await vigilQuerySeconds(vigil, q.kind) : null;
        const { ms } = await overHttp(target, q);
        (runs[i] as number[]).push(ms);
        if (before) {
          const after = await vigilQuerySeconds(vigil, q.kind);
          if (after.count - before.count !== 1) throw new Error(`vigil counted ${after.count - before.count} queries`);
          const engineMs = (after.sum - before.sum) * 1000;
          engineRuns.push(engineMs);
          overheads.push(ms - engineMs);
        }
      }
    }
    targets.forEach((target, i) => {
      (byTarget[target.name] as Record<string, Timing>)[q.name] = timing(
        runs[i] as number[],
        shapes[i] as (typeof shapes)[0],
      );
    });
    vigilEngine[q.name] = timing(engineRuns, shapes[0] as (typeof shapes)[0]);
    vigilOverheadMs[q.name] = round(median(overheads));
  }
  return {
    byTarget: byTarget as Record<string, Record<QueryName, Timing>>,
    vigilEngine: vigilEngine as Record<QueryName, Timing>,
    vigilOverheadMs: vigilOverheadMs as Record<QueryName, number>,
  };
}

function shapeOf(value: QueryValue): { series: number; points: number; first: string } {
  if (value.resultType === 'matrix') {
    const points = value.result.reduce((n, s) => n + s.values.length, 0);
    return { series: value.result.length, points, first: String(value.result[0]?.values[0]) };
  }
  if (value.resultType === 'vector') {
    return { series: value.result.length, points: value.result.length, first: String(value.result[0]?.v) };
  }
  return { series: 1, points: 1, first: '' };
}

/** vigil's engine alone, in this process, over the data directory the server left (closed cleanly). */
async function engineTimings(dataDir: string, tenant: string): Promise<Record<QueryName, Timing>> {
  const store = Tsdb.open({
    dir: path.join(dataDir, 'metrics'),
    retention: 15 * 86_400_000,
    partitionLabel: TENANT_LABEL,
    now: () => Date.now(),
    random: (n) => randomBytes(n),
    log: () => {},
    maintenanceInterval: 0,
  });
  try {
    // The options the query service gives the engine by default (src/metrics/query/query.service.ts).
    const engine = new Engine(tenantStorage(store, tenant), {
      lookbackDelta: 300_000,
      maxSamples: 50_000_000,
      maxLoadedSamples: 50_000_000,
      timeout: 120_000,
    });
    const out: Record<string, Timing> = {};
    for (const q of QUERIES) {
      const run = () =>
        q.kind === 'range' ? engine.rangeQuery(q.expr, START, END, INTERVAL) : engine.instantQuery(q.expr, END);
      const shape = shapeOf((await run()).value);
      if (shape.series !== q.series)
        throw new Error(`engine ${q.name}: expected ${q.series} series, got ${shape.series}`);
      const runs: number[] = [];
      for (let r = 0; r < RUNS; r++) {
        const started = performance.now();
        await run();
        runs.push(performance.now() - started);
      }
      out[q.name] = timing(runs, shape);
    }
    return out as Record<QueryName, Timing>;
  } finally {
    await store.close();
  }
}

const seriesCount = JOBS * INSTANCES + HISTOGRAMS * 12;
log(
  `metrics queries: x ${JOBS} jobs × ${INSTANCES} instances, h_bucket ${HISTOGRAMS} × 12 buckets (${seriesCount} ` +
    `series) × ${SAMPLES} samples at 30 s; ${RUNS} runs; load average ${loadAverage()}`,
);
const vigil = await startVigilTarget();
const prometheus = prometheusAvailable() ? await startPrometheus() : null;
if (!prometheus)
  log('Prometheus: skipped (no /usr/bin/prometheus; apt-get install prometheus, or set VIGIL_BENCH_PROMETHEUS)');
const targets: Target[] = prometheus ? [vigil, prometheus] : [vigil];
let http: HttpTimings;
try {
  const loaded = await load(targets);
  log(
    `loaded ${loaded.samples.toLocaleString('en')} samples into ${targets.map((t) => t.name).join(' and ')} in ` +
      `${Math.round(loaded.ms)} ms (encoding included; not a measure of ingest)`,
  );
  await settle(targets);
  http = await httpTimings(vigil, targets);
} finally {
  await prometheus?.stop();
  await vigil.stop();
}
closeConnections();
const engine = await engineTimings(vigil.dataDir, vigil.tenant);

const vigilHttp = http.byTarget['vigil'] as Record<QueryName, Timing>;
const promHttp = prometheus ? (http.byTarget[prometheus.name] as Record<QueryName, Timing>) : null;
const summary = QUERIES.map((q) => {
  const v = vigilHttp[q.name];
  const p = promHttp?.[q.name];
  const inServer = http.vigilEngine[q.name];
  const e = engine[q.name];
  const ratio = p ? round(v.medianMs / p.medianMs, 2) : null;
  const overheadMs = http.vigilOverheadMs[q.name];
  log(
    `${q.kind.padEnd(7)} ${q.expr}: vigil ${v.medianMs} ms (runs ${v.runsMs.join(', ')}; ${v.resultSeries} × ` +
      `${v.resultPoints}, first ${v.firstValue})` +
      (p ? `, Prometheus ${p.medianMs} ms (runs ${p.runsMs.join(', ')}; first ${p.firstValue}), ratio ${ratio}` : '') +
      `; vigil's engine inside the server ${inServer.medianMs} ms, API overhead ${overheadMs} ms; engine alone ` +
      `in-process ${e.medianMs} ms (runs ${e.runsMs.join(', ')})`,
  );
  return {
    name: q.name,
    vigilMs: v.medianMs,
    prometheusMs: p?.medianMs ?? null,
    ratio,
    vigilEngineInServerMs: inServer.medianMs,
    apiOverheadMs: overheadMs,
    engineAloneMs: e.medianMs,
  };
});
const worst = summary.reduce((max, s) => Math.max(max, s.ratio ?? 0), 0);
log(`worst vigil / Prometheus ratio ${worst} (target ≤ 3: ${worst <= 3 ? 'meets target' : 'ABOVE TARGET'})`);
process.stdout.write(
  `RESULT ${JSON.stringify({
    series: seriesCount,
    samples: SAMPLES,
    runs: RUNS,
    vigil: vigilHttp,
    prometheus: promHttp,
    vigilEngineInServer: http.vigilEngine,
    engineAlone: engine,
    summary,
  })}\n`,
);
