import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

/**
 * `npm run bench`: runs each benchmark in its own process (so that neither warms or loads the other) and prints the
 * figures docs/PERFORMANCE.md records, with the machine they were measured on. About fifteen minutes in all, most of
 * it the metrics plane's side-by-side runs against Prometheus (7–9); `VIGIL_BENCH_QUICK=1` shrinks those to a smoke
 * check.
 */

interface GrantsResult {
  grantsPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  ok: number;
  non2xx: number;
  errors: number;
  keys: number;
  connections: number;
  durationSeconds: number;
  serverCpuMsPerGrant: number;
  serverEventLoopUtilization: number;
  loadGeneratorCpuMsPerRequest: number;
}

interface MonitorAuthResult {
  auth: {
    route: string;
    requestsPerSecond: { unauthenticated: number; monitorToken: number; iamToken: number };
    ratio: { monitorToken: number; iamToken: number };
    medianRoundRatio: { monitorToken: number; iamToken: number };
    serverCpuMicrosPerRequest: {
      unauthenticated: number;
      monitorToken: number;
      iamToken: number;
      unauthenticatedIamHeaders: number;
    } | null;
    authenticatorHit: { monitorTokenMicros: number; iamTokenMicros: number };
  };
  reset: { resets: number; afterAnswerMs: { p50: number; p90: number; max: number } } | null;
}

interface PromqlQueryFigures {
  medianMs: number;
  samplesPerSecond: number;
  resultSeries: number;
  resultPoints: number;
}

interface PromqlResult {
  loadMs: number;
  rangeSumRate: PromqlQueryFigures;
  instantSumRate: PromqlQueryFigures;
  rangeHistogramQuantile: PromqlQueryFigures;
  instantHistogramQuantile: PromqlQueryFigures;
  heapUsedMb: number;
}

interface ChunkFigures {
  appendSamplesPerSecond: number;
  decodeSamplesPerSecond: number;
  bytesPerSample: number;
}

interface ChunksResult {
  counter: ChunkFigures;
  gauge: ChunkFigures;
  jitter: ChunkFigures;
  histogram: ChunkFigures;
}

interface RemoteWriteDecodeResult {
  series: number;
  rawBytes: number;
  snappyBytes: number;
  samplesPerSecond: {
    includingSnappy: number;
    excludingSnappy: number;
    snappyAlone: number;
    excludingSnappyLabelsRead: number;
  };
}

interface LatencyResult {
  warmMicros: { p50: number; p90: number; p99: number; n: number };
  coldMicros: { p50: number; p90: number; p99: number; n: number };
}

interface MetricsIngestRun {
  samplesPerSecond: number;
  latencyMs: { p50: number; p99: number; max: number };
  serverCpuMicrosPerSample: number;
  serverCores: number;
  exhausted: boolean;
  memoryMb: { rssMb: number; peakMb: number } | null;
}

interface MetricsIngestResult {
  series: number;
  senders: number;
  batch: number;
  durationSeconds: number;
  vigil: MetricsIngestRun & { heapUsedMb: number };
  prometheus: MetricsIngestRun | null;
  ratio: number | null;
}

interface MetricsSize {
  bytesPerSample: number;
  chunkBytesPerSample: number;
  indexBytesPerSample: number;
  samples: number;
}

interface MetricsStorageResult {
  series: number;
  vigil: MetricsSize;
  prometheus: { promtool: MetricsSize; compacted: MetricsSize | null } | null;
  memory: {
    series: number;
    rssMb: number;
    peakMb: number;
    heapUsedMb: number;
    prometheus: { rssMb: number; peakMb: number } | null;
  };
}

interface MetricsQueryResult {
  series: number;
  summary: {
    name: string;
    vigilMs: number;
    prometheusMs: number | null;
    ratio: number | null;
    vigilEngineInServerMs: number;
    apiOverheadMs: number;
    engineAloneMs: number;
  }[];
}

/** Runs one benchmark script, echoing its output, and returns its `RESULT {json}` line. */
function runScript<T>(script: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL(script, import.meta.url))], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: process.env,
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      output += text;
      for (const line of text.split('\n')) if (line && !line.startsWith('RESULT ')) process.stdout.write(`  ${line}\n`);
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = output.split('\n').find((l) => l.startsWith('RESULT '));
      if (code !== 0 || !line) reject(new Error(`${script} failed (exit ${code})`));
      else resolve(JSON.parse(line.slice('RESULT '.length)) as T);
    });
  });
}

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    return line?.split(':')[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown';
  } catch {
    return os.cpus()[0]?.model ?? 'unknown';
  }
}

/** Summary lines for benchmark 4: per query, the range query's then the instant query's median time and rate. */
function promqlSummary(result: PromqlResult): string[] {
  const figures = (f: PromqlQueryFigures) =>
    `${f.medianMs} ms, ${(f.samplesPerSecond / 1e6).toFixed(1)} M samples/s (${f.resultSeries} × ${f.resultPoints})`;
  return [
    `  PromQL engine:         sum by (job) (rate(x[5m])), 10,000 series: range ${figures(result.rangeSumRate)}; ` +
      `instant ${figures(result.instantSumRate)}`,
    `                         histogram_quantile(0.99, …), 12,000 series: range ` +
      `${figures(result.rangeHistogramQuantile)}; instant ${figures(result.instantHistogramQuantile)}`,
    `                         6 h at 30 s, range queries 721 steps; data built in ${result.loadMs} ms (not timed), ` +
      `heap used ${result.heapUsedMb} MB`,
  ];
}

/** Summary lines for benchmark 5: per data set, append and decode rates and the encoded size. */
function chunksSummary(result: ChunksResult): string[] {
  const figures = (f: ChunkFigures) =>
    `append ${(f.appendSamplesPerSecond / 1e6).toFixed(2)} M/s, decode ${(f.decodeSamplesPerSecond / 1e6).toFixed(1)} M/s, ` +
    `${f.bytesPerSample} B/sample`;
  return [
    `  TSDB chunks (XOR):     counter 15 s ${figures(result.counter)} (ingest target ≥ 250,000/s: ` +
      `${check(result.counter.appendSamplesPerSecond >= 250_000)})`,
    `                         random gauge ${figures(result.gauge)}; ±3 ms jitter ${figures(result.jitter)}`,
    `                         native histograms (12 buckets) ${figures(result.histogram)}`,
  ];
}

/** Summary lines for benchmarks 7–9: the metrics plane against its targets and against Prometheus 2.42. */
function metricsSummary(
  ingest: MetricsIngestResult,
  storage: MetricsStorageResult,
  queries: MetricsQueryResult,
): string[] {
  const v = ingest.vigil;
  const p = ingest.prometheus;
  const prometheusSize = storage.prometheus?.compacted ?? storage.prometheus?.promtool;
  const ms = (n: number | null) => (n === null ? 'n/a' : `${n} ms`);
  const meets = (ok: boolean) => (ok ? 'meets target' : 'MISSES TARGET');
  return [
    `  metrics ingest:        vigil ${v.samplesPerSecond.toLocaleString('en')} samples/s (target ≥ 250,000: ` +
      `${meets(v.samplesPerSecond >= 250_000)})${v.exhausted ? ' [bodies ran out]' : ''}, Prometheus 2.42 ` +
      `${p ? p.samplesPerSecond.toLocaleString('en') : 'n/a'}/s, ratio ${ingest.ratio ?? 'n/a'} (aim ≥ 1)`,
    `                         ${ingest.series} series, ${ingest.batch}-sample bodies, ${ingest.senders} senders, ` +
      `${ingest.durationSeconds} s; latency p50/p99 vigil ${v.latencyMs.p50}/${v.latencyMs.p99} ms` +
      (p ? `, Prometheus ${p.latencyMs.p50}/${p.latencyMs.p99} ms` : '') +
      `; server CPU vigil ${v.serverCpuMicrosPerSample} µs/sample` +
      (p ? `, Prometheus ${p.serverCpuMicrosPerSample} µs/sample` : '') +
      `; vigil RSS ${v.memoryMb?.rssMb ?? 'n/a'} MiB, heap ${v.heapUsedMb} MiB`,
    `  metrics on disk:       vigil ${storage.vigil.bytesPerSample} B/sample after compaction to 6 h (target ≤ 2: ` +
      `${meets(storage.vigil.bytesPerSample <= 2)}; chunks ${storage.vigil.chunkBytesPerSample}, index ` +
      `${storage.vigil.indexBytesPerSample}), Prometheus 2.42 ${prometheusSize?.bytesPerSample ?? 'n/a'} ` +
      `(${storage.prometheus?.compacted ? 'compacted by Prometheus' : 'promtool 2 h blocks'}); ${storage.series} series`,
    `  metrics memory:        ${storage.memory.series.toLocaleString('en')} active series: vigil RSS ` +
      `${storage.memory.rssMb} MiB (target ≤ 1024: ${meets(storage.memory.rssMb <= 1024)}), heap ` +
      `${storage.memory.heapUsedMb} MiB; Prometheus 2.42 RSS ${storage.memory.prometheus?.rssMb ?? 'n/a'} MiB`,
    ...queries.summary.map(
      (q, i) =>
        `${i === 0 ? '  metrics queries:       ' : '                         '}${q.name}: vigil ${q.vigilMs} ms, ` +
        `Prometheus ${ms(q.prometheusMs)}, ratio ${q.ratio ?? 'n/a'} (target ≤ 3: ` +
        `${q.ratio === null ? 'n/a' : meets(q.ratio <= 3)}); engine ${q.vigilEngineInServerMs} ms in the server ` +
        `(API overhead ${q.apiOverheadMs} ms), ${q.engineAloneMs} ms alone`,
    ),
  ];
}

const started = Date.now();
const machine = {
  date: new Date().toISOString(),
  cpus: os.availableParallelism(),
  cpu: cpuModel(),
  node: process.version,
  loadAverage: os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' '),
};
process.stdout.write(
  `vigil benchmarks — ${machine.date}\n` +
    `machine: ${machine.cpus} CPUs (${machine.cpu}), Node ${machine.node}, load average ${machine.loadAverage}\n\n`,
);

process.stdout.write('1. API-key grants per second (POST /identity/token over a real socket, autocannon)\n');
const grants = await runScript<GrantsResult>('./token-grants.ts');
process.stdout.write('\n2. Latency of verifying an IAM token (IamAuthenticator.authenticate, in-process)\n');
const latency = await runScript<LatencyResult>('./verify-latency.ts');
process.stdout.write('\n3. Monitor API authentication and token reset propagation (bench/monitor-auth.ts)\n');
const { auth, reset } = await runScript<MonitorAuthResult>('./monitor-auth.ts');
process.stdout.write('\n4. PromQL engine on in-memory data (bench/promql-engine.ts)\n');
const promql = await runScript<PromqlResult>('./promql-engine.ts');
process.stdout.write('\n5. TSDB chunk encodings: append, decode, bytes per sample (bench/tsdb-chunks.ts)\n');
const chunks = await runScript<ChunksResult>('./tsdb-chunks.ts');
process.stdout.write('\n6. Remote-write decoding (bench/remote-write-decode.ts)\n');
const remoteWrite = await runScript<RemoteWriteDecodeResult>('./remote-write-decode.ts');
process.stdout.write('\n7. Metrics ingest, vigil and Prometheus 2.42 side by side (bench/metrics-ingest.ts)\n');
const metricsIngest = await runScript<MetricsIngestResult>('./metrics-ingest.ts');
process.stdout.write('\n8. Metrics storage: bytes per sample, memory per active series (bench/metrics-storage.ts)\n');
const metricsStorage = await runScript<MetricsStorageResult>('./metrics-storage.ts');
process.stdout.write('\n9. Metrics queries through the HTTP API, vigil and Prometheus 2.42 (bench/metrics-query.ts)\n');
const metricsQuery = await runScript<MetricsQueryResult>('./metrics-query.ts');
const percent = (ratio: number) => `${Math.round(ratio * 100)} %`;

const check = (ok: boolean) => (ok ? 'meets target' : 'BELOW TARGET');
process.stdout.write(
  [
    '',
    'Summary',
    `  API-key grants:        ${grants.grantsPerSecond}/s  (target ≥ 1,500/s: ${check(grants.grantsPerSecond >= 1500)}; ` +
      'Keycloak ≈ 120/s per vCPU, Ory Hydra 513/s on 2 CPUs)',
    `                         latency p50 ${grants.latencyMs.p50} ms, p99 ${grants.latencyMs.p99} ms at ` +
      `${grants.connections} connections; ${grants.ok} grants, ${grants.non2xx} non-2xx, ${grants.errors} errors; ` +
      `${grants.keys} keys`,
    `                         server CPU ${grants.serverCpuMsPerGrant} ms/grant, event loop ` +
      `${Math.round(grants.serverEventLoopUtilization * 100)} % busy; load generator ` +
      `${grants.loadGeneratorCpuMsPerRequest} ms/request (same machine)`,
    `  token verification:    warm p50 ${latency.warmMicros.p50} µs, p99 ${latency.warmMicros.p99} µs ` +
      `(target p50 ≤ 50 µs: ${check(latency.warmMicros.p50 <= 50)})`,
    `                         cold p50 ${latency.coldMicros.p50} µs, p99 ${latency.coldMicros.p99} µs ` +
      '(RS256 signature checked)',
    `  Monitor API (${auth.route}): Monitor token ${auth.requestsPerSecond.monitorToken}/s = ` +
      `${percent(auth.ratio.monitorToken)} of /healthz ${auth.requestsPerSecond.unauthenticated}/s; IAM token ` +
      `${auth.requestsPerSecond.iamToken}/s = ${percent(auth.ratio.iamToken)}`,
    `                         median of per-round ratios: Monitor token ${percent(auth.medianRoundRatio.monitorToken)} ` +
      `(target ≥ 90 %: ${check(auth.medianRoundRatio.monitorToken >= 0.9)}), IAM token ` +
      `${percent(auth.medianRoundRatio.iamToken)} (target ≥ 80 %: ${check(auth.medianRoundRatio.iamToken >= 0.8)})`,
    auth.serverCpuMicrosPerRequest
      ? `                         server CPU per request: /healthz ${auth.serverCpuMicrosPerRequest.unauthenticated} µs, ` +
        `Monitor token ${auth.serverCpuMicrosPerRequest.monitorToken} µs, IAM token ${auth.serverCpuMicrosPerRequest.iamToken} µs ` +
        `(/healthz with the IAM request's headers ${auth.serverCpuMicrosPerRequest.unauthenticatedIamHeaders} µs)`
      : '                         server CPU per request: not measured (no /proc)',
    `                         of which authentication (cached credential, in-process): ` +
      `${auth.authenticatorHit.monitorTokenMicros} µs (Monitor token), ${auth.authenticatorHit.iamTokenMicros} µs (IAM token)`,
    reset
      ? `  token reset, A → B:    refused by B p50 ${reset.afterAnswerMs.p50} ms, max ${reset.afterAnswerMs.max} ms after A ` +
        `answered (${reset.resets} resets; target ≤ 1 s, aim 100 ms: ${check(reset.afterAnswerMs.max < 1000)})`
      : '  token reset, A → B:    skipped (PostgreSQL not reachable)',
    ...promqlSummary(promql),
    ...chunksSummary(chunks),
    `  remote-write decode:   ${(remoteWrite.samplesPerSecond.includingSnappy / 1e6).toFixed(2)} M samples/s with Snappy ` +
      `(target ≥ 0.8 M: ${check(remoteWrite.samplesPerSecond.includingSnappy >= 800_000)}), ` +
      `${(remoteWrite.samplesPerSecond.excludingSnappy / 1e6).toFixed(2)} M without; ` +
      `${(remoteWrite.samplesPerSecond.excludingSnappyLabelsRead / 1e6).toFixed(2)} M with every label read`,
    `                         RW1 body: ${remoteWrite.series} series × 8 labels × 1 sample, ${remoteWrite.rawBytes} B raw, ` +
      `${remoteWrite.snappyBytes} B Snappy`,
    ...metricsSummary(metricsIngest, metricsStorage, metricsQuery),
    `  total time: ${Math.round((Date.now() - started) / 1000)} s`,
    '',
  ].join('\n'),
);
