import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { POSTGRES_URL, TEST_DATABASES } from '../../src/testing/databases.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const STARTUP_TIMEOUT_MS = 60_000;

interface Banner {
  readonly url: string;
  readonly accountId: string;
  readonly email: string;
  /** Only on the first start, when no VIGIL_ADMIN_PASSWORD was set. */
  readonly password: string | undefined;
}

interface Running {
  readonly child: ChildProcess;
  readonly banner: Banner;
  stdout(): string;
  stderr(): string;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** The environment without any VIGIL_* variable of the machine, plus ours. */
function envWith(vars: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('VIGIL_')) env[name] = value;
  return { ...env, ...vars };
}

function spawnVigil(vars: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: envWith(vars),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** Starts the real server and waits for the banner it prints once it listens. */
async function startVigil(vars: Record<string, string>): Promise<Running> {
  const child = spawnVigil(vars);
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const banner = await new Promise<Banner>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no banner after ${STARTUP_TIMEOUT_MS} ms\nstdout:\n${out}\nstderr:\n${err}`));
    }, STARTUP_TIMEOUT_MS);
    const check = () => {
      const match =
        /^vigil is running at (\S+) .*\n {2}account: +(\S+)\n {2}log in as: (\S+)\n {2}password: +(.*)\n/m.exec(out);
      if (!match || !/\n {2}API docs:.*\n/.test(out)) return;
      clearTimeout(timer);
      const generated = /^(\S+) {3}\(generated now and shown only once/.exec(match[4] ?? '');
      resolve({
        url: String(match[1]),
        accountId: String(match[2]),
        email: String(match[3]),
        password: generated?.[1],
      });
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`vigil exited with ${code} before listening\nstdout:\n${out}\nstderr:\n${err}`));
    });
  });
  return {
    child,
    banner,
    stdout: () => out,
    stderr: () => err,
    stop: async () => {
      child.kill('SIGTERM');
      return exited(child);
    },
  };
}

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-startup-'));
}

/** What clients are told the server's address is (the OpenAPI `servers` entry is built from the public URL). */
async function advertisedUrl(url: string): Promise<string> {
  const doc = (await (await fetch(`${url}/openapi.json`)).json()) as { servers: { url: string }[] };
  return String(doc.servers[0]?.url);
}

async function passwordGrant(url: string, username: string, password: string): Promise<Response> {
  return fetch(`${url}/identity/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'password', username, password }).toString(),
  });
}

describe('vigil server start (node src/main.ts), SQLite in the data directory', () => {
  const dataDir = tempDir();
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  let firstAccount = '';
  let firstKey = '';
  let password = '';

  it('first start: listens on a real port for VIGIL_PORT=0, prints the URL and a generated password once', async () => {
    const vigil = await startVigil({ VIGIL_DATA_DIR: dataDir, VIGIL_PORT: '0' });
    try {
      const { url, accountId, email } = vigil.banner;
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.notEqual(new URL(url).port, '0');
      assert.match(accountId, /^[0-9a-f]{32}$/);
      assert.equal(email, 'admin@vigil.local');
      assert.ok(vigil.banner.password);
      assert.match(vigil.banner.password, /^[0-9A-Za-z]{20}$/);
      password = vigil.banner.password;
      firstAccount = accountId;
      assert.equal(vigil.stdout().split(password).length - 1, 1, 'the password is printed exactly once');
      assert.ok(!vigil.stderr().includes(password));
      assert.ok(vigil.stdout().includes(`SQLite in ${dataDir}`));

      const health = await fetch(`${url}/healthz`);
      assert.equal(health.status, 200);
      assert.deepEqual(await health.json(), { status: 'ok' });
      const ready = await fetch(`${url}/readyz`);
      assert.deepEqual(await ready.json(), { status: 'ready' });
      assert.equal(await advertisedUrl(url), url);
      // The console (built by `npm test`'s pretest, as by `npm start`) is served at the URL the banner gives.
      assert.ok(vigil.stdout().includes(`  console:   ${url}/   (sign in with this email and password)\n`));
      const page = await fetch(`${url}/`, { headers: { accept: 'text/html' } });
      assert.equal(page.status, 200);
      assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
      assert.match(await page.text(), /<div id="root"><\/div>/);

      const keyFile = path.join(dataDir, 'master.key');
      assert.equal(fs.statSync(keyFile).mode & 0o777, 0o600);
      firstKey = fs.readFileSync(keyFile, 'utf8');
      assert.equal(Buffer.from(firstKey.trim(), 'base64').length, 32);
      assert.ok(fs.existsSync(path.join(dataDir, 'vigil.db')));

      const token = await passwordGrant(url, email, password);
      assert.equal(token.status, 200, await token.clone().text());
      const body = (await token.json()) as { access_token: string };
      const claims = JSON.parse(Buffer.from(String(body.access_token.split('.')[1]), 'base64url').toString()) as {
        iss: string;
        account: { bss: string };
      };
      assert.equal(claims.iss, `${url}/identity`);
      assert.equal(claims.account.bss, accountId);
      assert.ok(!vigil.stdout().includes(body.access_token), 'no token in the logs');
    } finally {
      assert.equal(await vigil.stop(), 0, vigil.stderr());
    }
    assert.ok(!vigil.stdout().slice(vigil.stdout().indexOf('API docs:')).includes(password));
  });

  it('a second start on the same directory keeps the account and the master key and prints no password', async () => {
    assert.ok(firstAccount !== '', 'needs the first start');
    const vigil = await startVigil({ VIGIL_DATA_DIR: dataDir, VIGIL_PORT: '0' });
    try {
      assert.equal(vigil.banner.accountId, firstAccount);
      assert.equal(vigil.banner.password, undefined);
      assert.ok(
        vigil.stdout().includes('password:  the one printed (or set with VIGIL_ADMIN_PASSWORD) on first start'),
      );
      assert.ok(!vigil.stdout().includes(password));
      assert.equal(fs.readFileSync(path.join(dataDir, 'master.key'), 'utf8'), firstKey);
      assert.equal((await passwordGrant(vigil.banner.url, vigil.banner.email, password)).status, 200);
    } finally {
      assert.equal(await vigil.stop(), 0, vigil.stderr());
    }
  });

  it('VIGIL_ADMIN_EMAIL and VIGIL_ADMIN_PASSWORD set the first administrator; nothing is generated', async () => {
    const dir = tempDir();
    const chosen = `pw-${randomBytes(12).toString('base64url')}`;
    const vigil = await startVigil({
      VIGIL_DATA_DIR: dir,
      VIGIL_PORT: '0',
      VIGIL_ADMIN_EMAIL: 'ops@example.test',
      VIGIL_ADMIN_PASSWORD: chosen,
    });
    try {
      assert.equal(vigil.banner.email, 'ops@example.test');
      assert.equal(vigil.banner.password, undefined);
      assert.ok(!vigil.stdout().includes(chosen));
      assert.equal((await passwordGrant(vigil.banner.url, 'ops@example.test', chosen)).status, 200);
    } finally {
      assert.equal(await vigil.stop(), 0, vigil.stderr());
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a bad configuration: exit 1 with every problem on stderr, and nothing created', async () => {
    const dir = path.join(tempDir(), 'never');
    const child = spawnVigil({
      VIGIL_DATA_DIR: dir,
      VIGIL_PORT: 'eighty',
      VIGIL_LOG_LEVEL: 'chatty',
      VIGIL_MASTER_KEY: 'short',
      VIGIL_PUBLIC_URL: 'ftp://x',
    });
    let err = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    assert.equal(await exited(child), 1);
    assert.equal(
      err,
      [
        'vigil: invalid configuration:',
        '  - VIGIL_PORT: "eighty" is not a port number (0-65535)',
        '  - VIGIL_PUBLIC_URL: "ftp://x" is not an http(s) URL',
        '  - VIGIL_MASTER_KEY: must be 32 bytes, base64-encoded (openssl rand -base64 32)',
        '  - VIGIL_LOG_LEVEL: "chatty" is not one of fatal, error, warn, info, debug, trace, silent',
        '',
      ].join('\n'),
    );
    assert.equal(fs.existsSync(dir), false);
  });
});

async function withClient<T>(url: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

describe(
  'vigil server start on PostgreSQL (VIGIL_DATABASE_URL)',
  { skip: !TEST_DATABASES.includes('postgres') },
  () => {
    const database = `vigil_startup_${randomBytes(5).toString('hex')}`;
    const serverUrl = new URL(POSTGRES_URL);
    serverUrl.pathname = `/${database}`;
    const dataDir = tempDir();

    const admin = <T>(run: (client: pg.Client) => Promise<T>): Promise<T> => withClient(POSTGRES_URL, run);

    before(async () => {
      await admin((c) => c.query(`CREATE DATABASE ${database}`));
    });
    after(async () => {
      await admin((c) => c.query(`DROP DATABASE IF EXISTS ${database}`));
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    it('migrates a fresh database, bootstraps once, and restarts onto the same account', async () => {
      const vars = { VIGIL_DATA_DIR: dataDir, VIGIL_PORT: '0', VIGIL_DATABASE_URL: serverUrl.toString() };
      const first = await startVigil(vars);
      let accountId = '';
      try {
        assert.ok(first.stdout().includes('(PostgreSQL)'));
        assert.ok(first.banner.password);
        accountId = first.banner.accountId;
        assert.deepEqual(await (await fetch(`${first.banner.url}/readyz`)).json(), { status: 'ready' });
        const tables = await withClient(serverUrl.toString(), async (client) => {
          const result = await client.query<{ table_name: string }>(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
          );
          return result.rows.map((r) => r.table_name);
        });
        for (const table of ['accounts', 'api_keys', 'audit_events', 'policies', 'refresh_tokens', 'users']) {
          assert.ok(tables.includes(table), `table ${table} in ${tables.join(', ')}`);
        }
        assert.equal(fs.existsSync(path.join(dataDir, 'vigil.db')), false, 'no SQLite file on PostgreSQL');
        assert.equal(fs.statSync(path.join(dataDir, 'master.key')).mode & 0o777, 0o600);
      } finally {
        assert.equal(await first.stop(), 0, first.stderr());
      }

      const second = await startVigil(vars);
      try {
        assert.equal(second.banner.accountId, accountId);
        assert.equal(second.banner.password, undefined);
        assert.equal((await fetch(`${second.banner.url}/healthz`)).status, 200);
      } finally {
        assert.equal(await second.stop(), 0, second.stderr());
      }
    });
  },
);
