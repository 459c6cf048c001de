import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon, { type AutocannonResult } from 'autocannon';

/**
 * Benchmark 1: API-key grants per second over a real socket. A forked process serves vigil (token-server.ts); this
 * one drives it with autocannon, posting the apikey grant exactly as IamAuthenticator does, cycling through many
 * distinct keys. A short warm-up run comes first (JIT, SQLite page cache), then the measured run. Prints a summary
 * line `RESULT {json}` for bench/run.ts.
 */

const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 32);
const DURATION = Number(process.env['BENCH_DURATION'] ?? 20);
const WARMUP = Number(process.env['BENCH_WARMUP'] ?? 5);
// BENCH_RATE=n caps the load at n requests/s, to see what one grant costs when the server is not saturated.
const RATE = process.env['BENCH_RATE'] ? { overallRate: Number(process.env['BENCH_RATE']) } : {};

interface Ready {
  port: number;
  keys: string[];
}

function nextMessage<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    child.once('message', (message) => resolve(message as T));
    child.once('exit', (code) => reject(new Error(`token server exited with ${code}`)));
  });
}

const server = fork(fileURLToPath(new URL('./token-server.ts', import.meta.url)), [], {
  // BENCH_PROFILE=dir writes a CPU profile of the server there (for finding what a grant spends its time on).
  execArgv: [
    '--import',
    'tsx',
    ...(process.env['BENCH_PROFILE'] ? ['--cpu-prof', `--cpu-prof-dir=${process.env['BENCH_PROFILE']}`] : []),
  ],
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  env: process.env,
});
const { port, keys } = await nextMessage<Ready>(server);
const requests = keys.map((apikey) => ({
  method: 'POST',
  path: '/identity/token',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({
    apikey,
    grant_type: 'urn:ibm:params:oauth:grant-type:apikey',
    response_type: 'cloud_iam',
  }).toString(),
}));
const url = `http://127.0.0.1:${port}`;

process.stdout.write(`token grants: ${keys.length} API keys, ${CONNECTIONS} connections, warm-up ${WARMUP} s\n`);
await autocannon({ url, connections: CONNECTIONS, duration: WARMUP, requests });
process.stdout.write(`token grants: measuring for ${DURATION} s\n`);
server.send('measure');
const ownCpu = process.cpuUsage();
const result: AutocannonResult = await autocannon({
  url,
  connections: CONNECTIONS,
  duration: DURATION,
  requests,
  ...RATE,
});

const loadCpu = process.cpuUsage(ownCpu);
server.send('stop');
const stopped = await nextMessage<{ issued: number; cpuMs: number; eventLoopUtilization: number }>(server);

const perSecond = result['2xx'] / result.duration;
const summary = {
  grantsPerSecond: Math.round(perSecond),
  averageRequestsPerSecond: Math.round(result.requests.average),
  latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
  ok: result['2xx'],
  non2xx: result.non2xx,
  errors: result.errors,
  timeouts: result.timeouts,
  issuedAudited: stopped.issued,
  serverCpuMsPerGrant: Number((stopped.cpuMs / result['2xx']).toFixed(3)),
  serverEventLoopUtilization: stopped.eventLoopUtilization,
  loadGeneratorCpuMsPerRequest: Number(((loadCpu.user + loadCpu.system) / 1000 / result['2xx']).toFixed(3)),
  keys: keys.length,
  connections: CONNECTIONS,
  durationSeconds: result.duration,
};
process.stdout.write(
  `token grants: ${summary.grantsPerSecond}/s (${summary.ok} in ${result.duration.toFixed(1)} s), ` +
    `latency p50 ${summary.latencyMs.p50} ms p99 ${summary.latencyMs.p99} ms, ` +
    `non-2xx ${summary.non2xx}, errors ${summary.errors}\n`,
);
process.stdout.write(`RESULT ${JSON.stringify(summary)}\n`);
