import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

/**
 * `npm run bench`: runs each benchmark in its own process (so that neither warms or loads the other) and prints the
 * figures docs/PERFORMANCE.md records, with the machine they were measured on. About three minutes in all.
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
    `  total time: ${Math.round((Date.now() - started) / 1000)} s`,
    '',
  ].join('\n'),
);
