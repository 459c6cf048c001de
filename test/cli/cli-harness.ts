import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestApp, type TestApp, type TestUser } from '../../src/testing/test-app.js';

/**
 * Runs the built `vigil` command (bin/vigil.js → dist/cli/main.js; `npm test` builds first) as a subprocess against a
 * real vigil server on loopback, each test with its own VIGIL_HOME. `vigil` is also put on the PATH of shell lines,
 * so that IBM's documented pipelines run as written.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const VIGIL_BIN = path.join(ROOT, 'bin', 'vigil.js');

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  /** Written to the command's standard input, then closed. Default: nothing (closed at once). */
  readonly stdin?: string;
  readonly env?: Record<string, string>;
  readonly cwd?: string;
}

export interface CliServer {
  readonly app: TestApp;
  /** http://127.0.0.1:<port> */
  readonly url: string;
  close(): Promise<void>;
}

/** vigil in-process (SQLite) on a real socket: the CLI is a separate process talking HTTP to it. */
export async function startCliServer(options: { metrics?: boolean } = {}): Promise<CliServer> {
  const app = await createTestApp('sqlite', options.metrics ? { metrics: true } : {});
  await app.http.listen({ port: 0, host: '127.0.0.1' });
  const address = app.http.server.address();
  assert.ok(address && typeof address === 'object');
  return { app, url: `http://127.0.0.1:${address.port}`, close: () => app.close() };
}

/** A temporary home for one CLI user: VIGIL_HOME, a working directory, and a PATH on which `vigil` is found. */
export class CliHome {
  readonly dir: string;
  readonly home: string;
  private readonly binDir: string;

  constructor() {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-cli-'));
    this.home = path.join(this.dir, 'home');
    this.binDir = path.join(this.dir, 'bin');
    fs.mkdirSync(this.binDir);
    fs.symlinkSync(VIGIL_BIN, path.join(this.binDir, 'vigil'));
  }

  get configFile(): string {
    return path.join(this.home, 'config.json');
  }

  env(extra: Record<string, string> = {}): Record<string, string> {
    return {
      PATH: `${this.binDir}:${process.env['PATH'] ?? ''}`,
      HOME: this.dir,
      VIGIL_HOME: this.home,
      NO_COLOR: '1',
      ...extra,
    };
  }

  /** `vigil ARGS…` */
  run(args: string[], options: RunOptions = {}): Promise<CliResult> {
    return runProcess(process.execPath, [VIGIL_BIN, ...args], this.env(options.env), options, this.dir);
  }

  /** A shell line, with `vigil` on the PATH: `vigil iam oauth-tokens | awk '{print $4}'`. */
  shell(line: string, options: RunOptions = {}): Promise<CliResult> {
    return runProcess('/bin/sh', ['-c', line], this.env(options.env), options, this.dir);
  }

  /** Logs in with the user's password (through the CLI itself) and checks it worked. */
  async login(server: CliServer, user: TestUser): Promise<void> {
    const result = await this.run(['login', '-a', server.url, '-u', user.email, '-p', user.password]);
    assert.equal(result.code, 0, result.stderr);
  }

  session(): Record<string, unknown> {
    return JSON.parse(fs.readFileSync(this.configFile, 'utf8')) as Record<string, unknown>;
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

function runProcess(
  command: string,
  args: string[],
  env: Record<string, string>,
  options: RunOptions,
  defaultCwd: string,
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, cwd: options.cwd ?? defaultCwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}

/** The JSON a `--output json` command printed. */
export function jsonOf<T>(result: CliResult): T {
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as T;
}
