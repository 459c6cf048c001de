import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { findSourceMap } from 'node:module';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { managerTokens, startVigil, type VigilProcess } from '../test/multiprocess/vigil-process.js';

/** Whether dist/ holds a build to run (else the sources run through tsx). */
const BUILT = fs.existsSync(path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'main.js'));
/**
 * What the metrics benchmarks share: the two servers they compare — a real vigil process with a Manager's Monitor API
 * token, and Debian's Prometheus 2.42 with its remote-write receiver, each on a free loopback port and a temporary
 * directory and stopped by PID (also when the benchmark fails or is interrupted) — a keep-alive HTTP client light
 * enough not to compete with the server for the CPU, and readings of a process's memory and CPU time from /proc.
 */

/** Whole-benchmark size switch: `VIGIL_BENCH_QUICK=1` shrinks every size so a run is a smoke check of a minute. */
const QUICK = process.env['VIGIL_BENCH_QUICK'] === '1';

/** A number ≥ 0 from the environment, or the quick or full default. */
export function knob(name: string, full: number, quick: number = full): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return QUICK ? quick : full;
  const n = Number(raw.replaceAll('_', ''));
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name}: "${raw}" is not a number ≥ 0`);
  return n;
}

export function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

export function round(n: number, digits = 1): number {
  return Number(n.toFixed(digits));
}

// Every process a benchmark starts is killed by PID when the benchmark ends, however it ends.
const children = new Set<ChildProcess>();
const vigils = new Set<VigilProcess>();
const temporary = new Set<string>();
function killChildren(): void {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const vigil of vigils) {
    try {
      if (vigil.pid !== undefined) process.kill(vigil.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  for (const dir of temporary) fs.rmSync(dir, { recursive: true, force: true });
}
process.on('exit', killChildren);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killChildren();
    process.exit(130);
  });
}

/** A temporary directory removed when the benchmark exits. */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  temporary.add(dir);
  return dir;
}

/** Total size of the files under `dir`, in bytes. */
export function duSize(dir: string): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += fs.statSync(path.join(entry.parentPath, entry.name)).size;
  }
  return total;
}

/** VmRSS and VmHWM (peak) of a process, in MiB, from /proc; null where there is no /proc. */
export function memoryOf(pid: number | undefined): { rssMb: number; peakMb: number } | null {
  if (pid === undefined) return null;
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rssMb: round(kb('VmRSS') / 1024), peakMb: round(kb('VmHWM') / 1024) };
  } catch {
    return null;
  }
}

/** User + system CPU time of a process in ms, from /proc/<pid>/stat; NaN where there is no /proc. */
export function cpuMsOf(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime, fields 14 and 15 of proc(5), in clock ticks of 10 ms.
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

/** The machine's 1-minute load average, for the report. */
export function loadAverage(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
    children?: number[];
    positionTicks?: unknown;
  }[];
  samples: number[];
  timeDeltas: number[];
}

const SRC = pathToFileURL(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src')).href;

/**
 * Makes a `--cpu-prof` profile of vigil (run through tsx, which hands V8 each TypeScript file as one line) point at
 * TypeScript lines: the same files are imported here with source maps on — `src/main.ts` excepted, which would start
 * a server — and every frame mapped back. Then prints the functions with the most self time, as `file:line`.
 */
export async function summariseProfiles(dir: string, top = 20): Promise<void> {
  process.setSourceMapsEnabled(true);
  for (const name of fs.readdirSync(dir).filter((n) => n.endsWith('.cpuprofile'))) {
    const file = path.join(dir, name);
    const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
    const urls = new Set(
      profile.nodes.map((n) => n.callFrame.url).filter((u) => u.startsWith(SRC) && u.endsWith('.ts')),
    );
    for (const url of urls) {
      if (url.endsWith('/src/main.ts')) continue;
      await import(url).catch(() => undefined);
    }
    for (const { callFrame: frame } of profile.nodes) {
      if (!urls.has(frame.url) || frame.lineNumber < 0) continue;
      const entry = findSourceMap(frame.url)?.findEntry(frame.lineNumber, frame.columnNumber);
      if (entry && 'originalLine' in entry) {
        frame.lineNumber = entry.originalLine;
        frame.columnNumber = entry.originalColumn;
      }
    }
    for (const node of profile.nodes) delete node.positionTicks; // per-line ticks of the one-line code: meaningless
    fs.writeFileSync(file, JSON.stringify(profile));
    const self = new Map<string, number>();
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    let busy = 0;
    profile.samples.forEach((id, i) => {
      const frame = byId.get(id)?.callFrame;
      const delta = profile.timeDeltas[i] ?? 0;
      if (!frame || frame.functionName === '(idle)') return;
      busy += delta;
      const where = frame.url.startsWith('file://')
        ? `${path.relative(path.dirname(fileURLToPath(SRC)), fileURLToPath(frame.url))}:${frame.lineNumber + 1}`
        : frame.url;
      const key = `${frame.functionName || '(anonymous)'} ${where}`;
      self.set(key, (self.get(key) ?? 0) + delta);
    });
    const sampled = profile.timeDeltas.reduce((sum, d) => sum + d, 0);
    // A thread that was mostly idle (tsx's loader thread) says nothing about the server.
    if (busy < 0.3 * sampled) continue;
    log(`CPU profile ${file}: ${Math.round(busy / 1000)} ms busy of ${Math.round(sampled / 1000)} ms; most self time:`);
    for (const [key, micros] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      log(`  ${((100 * micros) / busy).toFixed(1).padStart(5)} %  ${key}`);
    }
  }
}

/** A server under test, as the benchmarks talk to it. */
export interface Target {
  readonly name: string;
  readonly url: string;
  readonly pid: number | undefined;
  /** Remote-write path and headers (with credentials, if any). */
  readonly writePath: string;
  readonly headers: Record<string, string>;
  /** Prefix of the Prometheus query API, e.g. `/prometheus/api/v1`. */
  readonly apiPrefix: string;
}

const REMOTE_WRITE_HEADERS = {
  'content-type': 'application/x-protobuf',
  'content-encoding': 'snappy',
  'x-prometheus-remote-write-version': '0.1.0',
  'user-agent': 'vigil-bench/1.0',
};

const PROMETHEUS = process.env['VIGIL_BENCH_PROMETHEUS'] ?? '/usr/bin/prometheus';
export const PROMTOOL = process.env['VIGIL_BENCH_PROMTOOL'] ?? '/usr/bin/promtool';

export function prometheusAvailable(): boolean {
  return fs.existsSync(PROMETHEUS);
}

interface PrometheusProcess extends Target {
  readonly dataDir: string;
  stop(): Promise<void>;
}

async function waitReady(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = performance.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}:\n${output()}`);
    try {
      const response = await fetch(`${url}/-/ready`);
      await response.arrayBuffer();
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    if (performance.now() > deadline) throw new Error(`prometheus not ready after 60 s:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Stops a child by PID: SIGTERM, then SIGKILL after `graceMs`. */
function stopChild(child: ChildProcess, graceMs = 30_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      children.delete(child);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Debian's Prometheus with the remote-write receiver and no scrape jobs, on a free loopback port, on `dataDir` (a new
 * temporary one unless given, e.g. blocks promtool made). Its query API has no authentication: Prometheus has none
 * of its own (its basic-auth web config hashes with bcrypt), so vigil pays for a check Prometheus does not make.
 */
export async function startPrometheus(
  options: { dataDir?: string; args?: readonly string[] } = {},
): Promise<PrometheusProcess> {
  const home = tempDir('vigil-bench-prometheus-');
  const dataDir = options.dataDir ?? path.join(home, 'data');
  const config = path.join(home, 'prometheus.yml');
  fs.writeFileSync(config, 'global:\n  scrape_interval: 15s\n');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    PROMETHEUS,
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${dataDir}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-remote-write-receiver',
      '--log.level=warn',
      ...(options.args ?? []),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  children.add(child);
  let output = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output = (output + chunk).slice(-20_000)));
  await waitReady(url, child, () => output);
  return {
    name: 'Prometheus 2.42',
    url,
    pid: child.pid,
    writePath: '/api/v1/write',
    headers: REMOTE_WRITE_HEADERS,
    apiPrefix: '/api/v1',
    dataDir,
    stop: () => stopChild(child),
  };
}

export interface VigilTarget extends Target {
  readonly process: VigilProcess;
  readonly dataDir: string;
  /** The instance the token writes to: the tenant label of every series stored. */
  readonly tenant: string;
  /** For `GET /metrics` (VIGIL_METRICS_TOKEN). */
  readonly metricsToken: string;
  stop(): Promise<void>;
}

/**
 * A real vigil process (`node src/main.ts`, SQLite, a temporary data directory) with limits high enough that only
 * speed is measured, and a Manager's Monitor API token for the default instance. `dataDir` restarts one on the
 * directory of an earlier one (with its `admin` and `tenant`).
 */
export async function startVigilTarget(
  options: {
    vars?: Record<string, string>;
    nodeArgs?: readonly string[];
    reuse?: { dataDir: string; admin: { email: string; password: string } };
  } = {},
): Promise<VigilTarget & { admin: { email: string; password: string } }> {
  const dataDir = options.reuse?.dataDir ?? tempDir('vigil-bench-metrics-');
  const admin = options.reuse?.admin ?? {
    email: 'bench@example.test',
    password: `pw-${randomBytes(12).toString('base64url')}`,
  };
  const metricsToken = randomBytes(16).toString('hex');
  const vigil = await startVigil(
    {
      VIGIL_DATA_DIR: dataDir,
      VIGIL_ADMIN_EMAIL: admin.email,
      VIGIL_ADMIN_PASSWORD: admin.password,
      VIGIL_METRICS_TOKEN: metricsToken,
      VIGIL_METRICS_MAX_SAMPLES_PER_SECOND: '100000000',
      VIGIL_METRICS_MAX_ACTIVE_SERIES: '10000000',
      VIGIL_METRICS_MAX_SERIES_PER_METRIC: '10000000',
      ...options.vars,
    },
    options.nodeArgs,
    // As `npm start` runs it (compiled by `npm run build`, which `npm run bench` does first); a profile maps back to
    // the sources only through tsx.
    { built: BUILT && (options.nodeArgs ?? []).length === 0 },
  );
  vigils.add(vigil);
  try {
    const tokens = await managerTokens(vigil, admin, { kind: 'sqlite', file: path.join(dataDir, 'vigil.db') });
    return {
      name: 'vigil',
      url: vigil.url,
      pid: vigil.pid,
      writePath: '/prometheus/remote/write',
      headers: { ...REMOTE_WRITE_HEADERS, authorization: `Bearer ${tokens.key}` },
      apiPrefix: '/prometheus/api/v1',
      process: vigil,
      dataDir,
      tenant: tokens.instanceGuid,
      metricsToken,
      admin,
      stop: async () => {
        await vigil.stop();
        vigils.delete(vigil);
      },
    };
  } catch (error) {
    await vigil.kill();
    vigils.delete(vigil);
    throw error;
  }
}

/** A few of vigil's own metrics (`GET /metrics`), by name. */
export async function vigilOwnMetrics(target: VigilTarget, names: readonly string[]): Promise<Record<string, number>> {
  const response = await fetch(`${target.url}/metrics`, {
    headers: { authorization: `Bearer ${target.metricsToken}` },
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`GET /metrics: ${response.status} ${text}`);
  const out: Record<string, number> = {};
  for (const name of names) {
    const match = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text);
    out[name] = Number(match?.[1] ?? NaN);
  }
  return out;
}

/**
 * The total time vigil's query service spent evaluating queries of one kind, and how many (its
 * `vigil_metrics_query_duration_seconds` histogram): the engine's share of an API call, measured inside the server.
 */
export async function vigilQuerySeconds(
  target: VigilTarget,
  kind: 'instant' | 'range',
): Promise<{ sum: number; count: number }> {
  const response = await fetch(`${target.url}/metrics`, {
    headers: { authorization: `Bearer ${target.metricsToken}` },
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`GET /metrics: ${response.status} ${text}`);
  const read = (suffix: string) =>
    Number(
      new RegExp(`^vigil_metrics_query_duration_seconds_${suffix}\\{kind="${kind}"\\} (\\S+)$`, 'm').exec(text)?.[1] ??
        0,
    );
  return { sum: read('sum'), count: read('count') };
}

// One keep-alive agent per benchmark process: a connection per sender, reused for every request.
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

interface Answer {
  readonly status: number;
  readonly body: string;
  readonly ms: number;
}

/**
 * One HTTP request with node:http on a keep-alive connection; the answer's body is read in full (and kept only when
 * not a success or when `keepBody`), and `ms` runs from the call to its last byte.
 */
function request(
  url: string,
  options: { method: 'GET' | 'POST'; headers?: Record<string, string>; body?: Buffer; keepBody?: boolean },
): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method, headers: options.headers, agent }, (res) => {
      const keep = options.keepBody === true || (res.statusCode ?? 0) >= 300;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => {
        if (keep) chunks.push(chunk);
      });
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body: keep ? Buffer.concat(chunks).toString('utf8') : '',
          ms: performance.now() - started,
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** POSTs one remote-write body; throws on anything but 2xx, with the answer. */
export async function write(target: Target, body: Buffer): Promise<number> {
  const answer = await request(`${target.url}${target.writePath}`, { method: 'POST', headers: target.headers, body });
  if (answer.status < 200 || answer.status >= 300) {
    throw new Error(`${target.name} remote write: ${answer.status} ${answer.body.slice(0, 500)}`);
  }
  return answer.ms;
}

/**
 * Sends each sender's bodies in order, the senders in parallel (each waits for its answer before its next request,
 * as a Prometheus shard does), and resolves once all are answered. Throws on the first refusal.
 */
export async function sendAll(target: Target, perSender: readonly (readonly Buffer[])[]): Promise<void> {
  await Promise.all(
    perSender.map(async (bodies) => {
      for (const body of bodies) await write(target, body);
    }),
  );
}

/** A query through the Prometheus HTTP API (GET, parameters in the URL); the parsed `data` and the time taken. */
export async function query(
  target: Target,
  endpoint: 'query' | 'query_range',
  params: Record<string, string>,
): Promise<{
  ms: number;
  data: {
    resultType: string;
    result: { metric: Record<string, string>; values?: [number, string][]; value?: [number, string] }[];
  };
}> {
  const url = `${target.url}${target.apiPrefix}/${endpoint}?${new URLSearchParams(params).toString()}`;
  const headers: Record<string, string> = {};
  if (target.headers['authorization']) headers['authorization'] = target.headers['authorization'];
  const answer = await request(url, { method: 'GET', headers, keepBody: true });
  if (answer.status !== 200)
    throw new Error(`${target.name} ${endpoint}: ${answer.status} ${answer.body.slice(0, 500)}`);
  const parsed = JSON.parse(answer.body) as { status: string; data: Awaited<ReturnType<typeof query>>['data'] };
  return { ms: answer.ms, data: parsed.data };
}

/** Ends the benchmark's keep-alive connections (so the process can exit on its own). */
export function closeConnections(): void {
  agent.destroy();
}
