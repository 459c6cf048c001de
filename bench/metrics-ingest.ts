import { performance } from 'node:perf_hooks';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { BodyEncoder, nodeHosts, shardBatches } from './metrics-bodies.js';
import {
  closeConnections,
  cpuMsOf,
  knob,
  loadAverage,
  log,
  memoryOf,
  prometheusAvailable,
  quantile,
  round,
  sendAll,
  startPrometheus,
  startVigilTarget,
  summariseProfiles,
  vigilOwnMetrics,
  write,
  type Target,
} from './metrics-harness.js';

/**
 * Benchmark 7: remote-write ingest, end to end, vigil against Debian's Prometheus 2.42 in the same run. Both get the
 * same remote-write 1.0 bodies, built and Snappy-compressed before anything is timed: 2,000 samples a body (one per
 * series, Prometheus's max_samples_per_send), `SERIES` node_exporter-like series of 8 labels, each round of all
 * series 15 s after the last, sent by `SENDERS` concurrent senders that own their series as Prometheus's shards do
 * (one request in flight each). vigil is a real process (`node src/main.ts`) written to with a Manager's Monitor API
 * token, acknowledging a request once it is in the write-ahead log (a kill -9 then loses nothing); Prometheus
 * (`--web.enable-remote-write-receiver`) writes its WAL likewise, without fsync. Each server first takes `WARMUP`
 * rounds (series created, JIT warm), then the senders go on for `DURATION` seconds or until the bodies run out.
 * One server at a time, the other stopped. Prints samples/s, the ratio, request latency, server CPU per sample and
 * RSS; `RESULT {json}` for bench/run.ts.
 *
 * Knobs: VIGIL_BENCH_INGEST_SERIES (10000), _SENDERS (4), _BATCH (2000), _DURATION (s, 20; quick 5), _WARMUP (rounds,
 * 5; quick 3), _MAX_RATE (samples/s the pre-built bodies last for, 800000: memory ≈ 22 B a sample), _PROFILE (a
 * directory: vigil writes a CPU profile there, mapped to TypeScript lines, and its top functions are printed). VIGIL_BENCH_QUICK=1 for a smoke run.
 */

const SERIES = knob('VIGIL_BENCH_INGEST_SERIES', 10_000);
const SENDERS = knob('VIGIL_BENCH_INGEST_SENDERS', 4);
const BATCH = knob('VIGIL_BENCH_INGEST_BATCH', 2_000);
const DURATION_S = knob('VIGIL_BENCH_INGEST_DURATION', 20, 5);
const WARMUP_ROUNDS = knob('VIGIL_BENCH_INGEST_WARMUP', 5, 3);
const MAX_RATE = knob('VIGIL_BENCH_INGEST_MAX_RATE', 800_000);
const PROFILE = process.env['VIGIL_BENCH_INGEST_PROFILE'];
// One second between rounds: a timed run sends up to 1,600 rounds, and at 15 s apart that would be 6.7 h of data — past
// the 3 h at which the store cuts a block, after which a sender lagging an hour behind the newest sample is out of
// bounds (in Prometheus as in vigil). The encoders' work per sample does not depend on the interval.
const INTERVAL = 1_000;

interface Run {
  samplesPerSecond: number;
  samples: number;
  seconds: number;
  requests: number;
  latencyMs: { p50: number; p99: number; max: number };
  serverCpuMicrosPerSample: number;
  serverCores: number;
  /** True when the senders ran out of bodies before DURATION: raise VIGIL_BENCH_INGEST_MAX_RATE. */
  exhausted: boolean;
  memoryMb: { rssMb: number; peakMb: number } | null;
  /** This process's CPU per request while timed: the load generator's share of the machine. */
  loadGeneratorMicrosPerRequest: number;
}

/** Builds every body before anything is timed: the warm-up rounds, then what MAX_RATE × DURATION needs. */
async function buildBodies(): Promise<{
  warmup: Buffer[][];
  timed: Buffer[][];
  samplesPerBody: number[][];
  bytes: number;
  ms: number;
}> {
  const started = performance.now();
  const set = nodeHosts(Math.ceil(SERIES / 100), INTERVAL);
  const encoder = new BodyEncoder(set);
  const timedRounds = Math.ceil((MAX_RATE * DURATION_S) / set.count);
  const rounds = WARMUP_ROUNDS + timedRounds;
  // The data end ten minutes ago, on an interval boundary, so that no sample lies in the future.
  const end = Math.floor((Date.now() - 600_000) / INTERVAL) * INTERVAL;
  const start = end - rounds * INTERVAL;
  const warmup: Buffer[][] = Array.from({ length: SENDERS }, () => []);
  const timed: Buffer[][] = Array.from({ length: SENDERS }, () => []);
  const samplesPerBody: number[][] = Array.from({ length: SENDERS }, () => []);
  const warmupSamples = Math.ceil((WARMUP_ROUNDS * set.count) / SENDERS);
  const sent = new Array<number>(SENDERS).fill(0);
  let bytes = 0;
  let built = 0;
  for (const [sender, batch] of shardBatches(set, SENDERS, BATCH, start, INTERVAL, rounds)) {
    const body = encoder.body(batch.series, batch.timestamps, batch.values);
    bytes += body.length;
    if ((sent[sender] as number) < warmupSamples) (warmup[sender] as Buffer[]).push(body);
    else {
      (timed[sender] as Buffer[]).push(body);
      (samplesPerBody[sender] as number[]).push(batch.series.length);
    }
    sent[sender] = (sent[sender] as number) + batch.series.length;
    // The Snappy addon's scratch memory is released by finalizers, which run between turns of the event loop.
    if (++built % 50 === 0) await yieldToLoop();
  }
  return { warmup, timed, samplesPerBody, bytes, ms: performance.now() - started };
}

/** The timed phase on one server: each sender posts its next body as soon as the last is answered, until the end. */
async function timedRun(target: Target, timed: Buffer[][], samplesPerBody: number[][]): Promise<Run> {
  const latencies: number[] = [];
  let samples = 0;
  let exhausted = false;
  const cpuBefore = cpuMsOf(target.pid);
  const ownBefore = process.cpuUsage();
  const started = performance.now();
  const deadline = started + DURATION_S * 1000;
  await Promise.all(
    timed.map(async (bodies, sender) => {
      let i = 0;
      for (; i < bodies.length && performance.now() < deadline; i++) {
        latencies.push(await write(target, bodies[i] as Buffer));
        samples += (samplesPerBody[sender] as number[])[i] as number;
      }
      if (i === bodies.length) exhausted = true;
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpuMs = cpuMsOf(target.pid) - cpuBefore;
  const own = process.cpuUsage(ownBefore);
  return {
    samplesPerSecond: Math.round(samples / seconds),
    samples,
    seconds: round(seconds, 2),
    requests: latencies.length,
    latencyMs: {
      p50: round(quantile(latencies, 0.5)),
      p99: round(quantile(latencies, 0.99)),
      max: round(Math.max(...latencies)),
    },
    serverCpuMicrosPerSample: round((cpuMs * 1000) / samples, 2),
    serverCores: round(cpuMs / 1000 / seconds, 2),
    exhausted,
    memoryMb: memoryOf(target.pid),
    loadGeneratorMicrosPerRequest: Math.round((own.user + own.system) / Math.max(1, latencies.length)),
  };
}

function report(name: string, run: Run): void {
  log(
    `${name}: ${run.samplesPerSecond.toLocaleString('en')} samples/s (${run.samples.toLocaleString('en')} in ` +
      `${run.seconds} s, ${run.requests} requests${run.exhausted ? ', BODIES RAN OUT: raise VIGIL_BENCH_INGEST_MAX_RATE' : ''}); ` +
      `latency p50 ${run.latencyMs.p50} ms, p99 ${run.latencyMs.p99} ms, max ${run.latencyMs.max} ms; ` +
      `server CPU ${run.serverCpuMicrosPerSample} µs/sample (${run.serverCores} cores), load generator ` +
      `${run.loadGeneratorMicrosPerRequest} µs/request; ` +
      (run.memoryMb ? `RSS ${run.memoryMb.rssMb} MiB (peak ${run.memoryMb.peakMb} MiB)` : 'RSS unknown'),
  );
}

log(
  `metrics ingest: ${SERIES} series, ${BATCH}-sample bodies, ${SENDERS} senders, ${WARMUP_ROUNDS} warm-up rounds, ` +
    `${DURATION_S} s timed per server; load average ${loadAverage()}`,
);
const bodies = await buildBodies();
const bodyCount = bodies.timed.reduce((n, list) => n + list.length, 0);
log(
  `built ${bodyCount} timed bodies (+ warm-up) in ${Math.round(bodies.ms)} ms, ${Math.round(bodies.bytes / 2 ** 20)} MiB, ` +
    `${Math.round(bodies.bytes / (bodyCount + bodies.warmup.flat().length))} B a body on average (not timed)`,
);

const vigil = await startVigilTarget(PROFILE ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${PROFILE}`] } : {});
let vigilRun: Run;
let vigilHeapMb: number;
try {
  await sendAll(vigil, bodies.warmup);
  vigilRun = await timedRun(vigil, bodies.timed, bodies.samplesPerBody);
  const own = await vigilOwnMetrics(vigil, [
    'vigil_nodejs_heap_size_used_bytes',
    'vigil_nodejs_heap_size_total_bytes',
    'vigil_nodejs_external_memory_bytes',
    'vigil_tsdb_head_series',
  ]);
  const mb = (name: string) => round((own[name] as number) / 2 ** 20);
  vigilHeapMb = mb('vigil_nodejs_heap_size_used_bytes');
  report('vigil', vigilRun);
  // RSS beyond the heap: the heap's slack and native memory V8 is not told about (the Snappy addon's uncompressed
  // bodies, for one, are freed only when their finalizers run).
  log(
    `vigil: heap used ${vigilHeapMb} MiB of ${mb('vigil_nodejs_heap_size_total_bytes')}, external ` +
      `${mb('vigil_nodejs_external_memory_bytes')} MiB, head series ${own['vigil_tsdb_head_series']}`,
  );
} finally {
  await vigil.stop();
}

let prometheusRun: Run | null = null;
if (prometheusAvailable()) {
  const prometheus = await startPrometheus();
  try {
    await sendAll(prometheus, bodies.warmup);
    prometheusRun = await timedRun(prometheus, bodies.timed, bodies.samplesPerBody);
    report('Prometheus 2.42', prometheusRun);
  } finally {
    await prometheus.stop();
  }
} else {
  log('Prometheus: skipped (no /usr/bin/prometheus; apt-get install prometheus, or set VIGIL_BENCH_PROMETHEUS)');
}
closeConnections();
if (PROFILE) await summariseProfiles(PROFILE);

const ratio = prometheusRun ? round(vigilRun.samplesPerSecond / prometheusRun.samplesPerSecond, 2) : null;
log(
  `vigil / Prometheus: ${ratio ?? 'n/a'} (target ≥ 250,000 samples/s: ` +
    `${vigilRun.samplesPerSecond >= 250_000 ? 'meets target' : 'BELOW TARGET'}; aim ratio ≥ 1)`,
);
process.stdout.write(
  `RESULT ${JSON.stringify({
    series: SERIES,
    senders: SENDERS,
    batch: BATCH,
    durationSeconds: DURATION_S,
    vigil: { ...vigilRun, heapUsedMb: vigilHeapMb },
    prometheus: prometheusRun,
    ratio,
  })}\n`,
);
