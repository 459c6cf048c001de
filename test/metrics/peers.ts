import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';

/**
 * Real programs around vigil's metrics plane (Debian's `prometheus`, `promtool`, `vmagent`): found on PATH, started on
 * free loopback ports and stopped by their own PID, run to completion with their output kept, and read back through
 * their `/metrics` text and the Prometheus query API.
 */

/** The absolute path of `name` on PATH, or undefined. */
export function findBinary(name: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/**
 * A loopback port nobody listens on now. The programs we start need their port before they run (Prometheus scrapes
 * itself at it), so it is asked of the kernel and released; another process could take it in between, rarely.
 */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address !== 'object') throw new Error('no port');
  return address.port;
}

export interface Peer {
  readonly name: string;
  readonly pid: number | undefined;
  /** stdout and stderr so far, interleaved. */
  log(): string;
  /** SIGTERM to its PID, SIGKILL after 5 s; resolves once it exited. Safe to call twice. */
  stop(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Starts `binary` with `args` and waits until `readyUrl` answers 200 (Prometheus's `/-/ready`, vmagent's `/health`),
 * so that a test never talks to a peer still starting. A peer that exits or is not ready within `timeoutMs` is an
 * error carrying its log; it is stopped first.
 */
export async function startPeer(
  name: string,
  binary: string,
  args: readonly string[],
  readyUrl: string,
  timeoutMs = 20_000,
): Promise<Peer> {
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let spawnError: Error | undefined;
  child.once('error', (error) => (spawnError = error));
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const peer: Peer = {
    name,
    pid: child.pid,
    log: () => output,
    stop: async () => {
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
      const gone = exited(child);
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await gone;
      clearTimeout(timer);
    },
  };
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (spawnError !== undefined) throw new Error(`${name}: ${spawnError.message}`);
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${name} exited with ${child.exitCode ?? child.signalCode} before it was ready:\n${output}`);
    }
    const status = await fetch(readyUrl).then(
      async (response) => {
        await response.arrayBuffer();
        return response.status;
      },
      () => 0,
    );
    if (status === 200) return peer;
    if (performance.now() > deadline) {
      await peer.stop();
      throw new Error(`${name} not ready at ${readyUrl} after ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to its end (a client such as promtool) and gives its exit code and output, whatever the code. */
export function run(binary: string, args: readonly string[], timeoutMs = 15_000): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * The value of one sample in a `/metrics` text: the first line of metric `name` whose labels include all of `labels`
 * (either exposition spacing, `a="1",b="2"` or vmagent's `a="1", b="2"`); undefined when there is none.
 */
export function sampleValue(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = new Map<string, string>();
    for (const pair of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      found.set(String(pair[1]), String(pair[2]));
    }
    if (Object.entries(labels).every(([label, value]) => found.get(label) === value)) return Number(match[3]);
  }
  return undefined;
}

/** The `/metrics` text of a peer. */
export async function scrape(url: string): Promise<string> {
  const response = await fetch(`${url}/metrics`);
  const text = await response.text();
  if (!response.ok) throw new Error(`${url}/metrics: ${response.status} ${text}`);
  return text;
}

/** A Prometheus API answer's `data`, from `base` (`…/api/v1`), with a Bearer token when given; throws on an error. */
export async function apiData<T>(
  base: string,
  endpoint: string,
  params: Record<string, string>,
  token?: string,
): Promise<T> {
  const response = await fetch(`${base}/${endpoint}?${new URLSearchParams(params).toString()}`, {
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${endpoint} ${JSON.stringify(params)}: ${response.status} ${text}`);
  return (JSON.parse(text) as { data: T }).data;
}

/** Calls `probe` every 250 ms until it gives a value that is not undefined, or fails after `timeoutMs`. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`${what}: not after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export interface Gateway {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** The Authorization header of every request it received, in order ('' when absent). */
  readonly received: string[];
  close(): Promise<void>;
}

/**
 * A loopback reverse proxy to `target` that turns `Authorization: Basic <user:token>` into `Bearer <token>`: what a
 * client that can only send basic auth (promtool 2.42's URL userinfo) needs in front of vigil, which takes its Monitor
 * token as a Bearer token only. Everything else is passed on as it is.
 */
export async function basicToBearerGateway(target: string): Promise<Gateway> {
  const received: string[] = [];
  const server = http.createServer((request, response) => {
    const authorization = request.headers.authorization ?? '';
    received.push(authorization);
    const headers = { ...request.headers };
    delete headers.host;
    const basic = /^Basic\s+(\S+)$/i.exec(authorization);
    if (basic) {
      const decoded = Buffer.from(String(basic[1]), 'base64').toString('utf8');
      headers.authorization = `Bearer ${decoded.slice(decoded.indexOf(':') + 1)}`;
    }
    const upstream = http.request(
      new URL(request.url ?? '/', target),
      { method: request.method, headers },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    upstream.once('error', (error) => {
      response.writeHead(502);
      response.end(String(error));
    });
    request.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address !== 'object') throw new Error('no address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
