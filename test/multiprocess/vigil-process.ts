import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { Config } from '../../src/platform/config.js';
import { openDatabase } from '../../src/platform/db/database.js';

/**
 * Real vigil processes (`node --import tsx src/main.ts`) for tests and benchmarks that need more than one, sharing a
 * PostgreSQL database: a fresh database, processes started one after the other (the first migrates and bootstraps),
 * the URL read from the banner each prints, and SIGTERM to stop; and, through a process's API, a Manager of the instance with
 * their IAM and Monitor API tokens.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const STARTUP_TIMEOUT_MS = 60_000;

export interface VigilProcess {
  readonly url: string;
  readonly pid: number | undefined;
  readonly accountId: string;
  stdout(): string;
  stderr(): string;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
  /** Sends SIGKILL (a crash: nothing is flushed or closed) and resolves once the process is gone. */
  kill(): Promise<void>;
}

/** The environment without the machine's VIGIL_* variables, plus ours. */
function envWith(vars: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('VIGIL_')) env[name] = value;
  return { ...env, ...vars };
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/**
 * Starts vigil with these variables (VIGIL_PORT=0 and VIGIL_LOG_LEVEL=warn unless given) and waits for the banner it
 * prints once it listens. `nodeArgs` go before the script (e.g. `--cpu-prof`); `built` runs dist/ instead of src/.
 */
export async function startVigil(
  vars: Record<string, string>,
  nodeArgs: readonly string[] = [],
  options: { built?: boolean } = {},
): Promise<VigilProcess> {
  // `built`: the compiled dist/main.js, as `npm start` runs it (benchmarks), rather than the sources through tsx.
  const script = options.built ? ['dist/main.js'] : ['--import', 'tsx', 'src/main.ts'];
  const child = spawn(process.execPath, [...nodeArgs, ...script], {
    cwd: ROOT,
    env: envWith({ VIGIL_PORT: '0', VIGIL_LOG_LEVEL: 'warn', ...vars }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const banner = await new Promise<{ url: string; accountId: string }>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no banner after ${STARTUP_TIMEOUT_MS} ms\nstdout:\n${out}\nstderr:\n${err}`));
    }, STARTUP_TIMEOUT_MS);
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`vigil exited with ${code} before listening\nstdout:\n${out}\nstderr:\n${err}`));
    };
    const check = () => {
      const match = /^vigil is running at (\S+) .*\n {2}account: +(\S+)\n/m.exec(out);
      if (!match || !/\n {2}API docs:.*\n/.test(out)) return;
      clearTimeout(timer);
      child.stdout?.off('data', check);
      child.off('exit', onExit);
      resolve({ url: String(match[1]), accountId: String(match[2]) });
    };
    child.stdout?.on('data', check);
    child.once('exit', onExit);
  });
  return {
    ...banner,
    pid: child.pid,
    stdout: () => out,
    stderr: () => err,
    stop: async () => {
      child.kill('SIGTERM');
      return exited(child);
    },
    kill: async () => {
      child.kill('SIGKILL');
      await exited(child);
    },
  };
}

/** A new, empty PostgreSQL database on the server of `serverUrl`; `drop` removes it. */
export async function createDatabase(
  serverUrl: string,
  prefix: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/**
 * Variables for processes sharing one database: the same master key, an administrator whose password we know. Each
 * process needs a data directory of its own (`dataDirFor`): the embedded metrics store is one process's.
 */
export function sharedVariables(databaseUrl: string): {
  vars: Record<string, string>;
  admin: { email: string; password: string };
  dataDir: string;
  dataDirFor(process: string): string;
} {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-multi-'));
  const admin = { email: 'admin@example.test', password: `pw-${randomBytes(12).toString('base64url')}` };
  return {
    vars: {
      VIGIL_DATABASE_URL: databaseUrl,
      VIGIL_MASTER_KEY: randomBytes(32).toString('base64'),
      VIGIL_DATA_DIR: dataDir,
      VIGIL_ADMIN_EMAIL: admin.email,
      VIGIL_ADMIN_PASSWORD: admin.password,
    },
    admin,
    dataDir,
    dataDirFor: (name) => fs.mkdtempSync(path.join(dataDir, `${name}-`)),
  };
}

/** Where a process's data lives, for writing what its API does not create yet. */
export type DatabaseLocation = Config['database'];

/** The Monitor headers and Monitor API token of a Manager of the instance (who may reset their token). */
export interface ManagerTokens {
  /** IAM access token + IBMInstanceID + SysdigTeamID. */
  readonly iamHeaders: Record<string, string>;
  /** Their Monitor API token for that team. */
  readonly key: string;
  readonly instanceGuid: string;
  readonly teamId: number;
}

async function json<T>(response: Response): Promise<T> {
  const text = await response.text();
  assert.ok(response.ok, `${response.status} ${text}`);
  return JSON.parse(text) as T;
}

/** An IAM access token from the password grant. */
export async function passwordGrant(url: string, username: string, password: string): Promise<string> {
  const response = await fetch(`${url}/identity/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'password', username, password }).toString(),
  });
  return (await json<{ access_token: string }>(response)).access_token;
}

/** The account's first monitoring instance and its default team; written to the database if the server made none. */
export async function instanceAndTeam(
  location: DatabaseLocation,
  accountId: string,
): Promise<{ guid: string; teamId: number }> {
  const { db, close } = openDatabase(location);
  try {
    const found = await db
      .selectFrom('monitor_instances as i')
      .innerJoin('monitor_teams as t', 't.instance_guid', 'i.guid')
      .select(['i.guid', 't.id'])
      .where('i.account_id', '=', accountId)
      .where('t.is_default', '=', 1)
      .orderBy('i.created_at')
      .executeTakeFirst();
    if (found) return { guid: found.guid, teamId: found.id };
    const guid = randomUUID();
    const now = new Date().toISOString();
    await db
      .insertInto('monitor_instances')
      .values({
        guid,
        account_id: accountId,
        name: 'default',
        region: 'local',
        settings: JSON.stringify({ externalApiAuth: 'ANY' }),
        version: 1,
        created_by: 'test',
        created_at: now,
        modified_at: now,
      })
      .execute();
    const team = await db
      .insertInto('monitor_teams')
      .values({
        instance_guid: guid,
        name: 'Monitor Operations',
        description: null,
        filter: null,
        scope: '[]',
        settings: '{}',
        immutable: 1,
        is_default: 1,
        version: 1,
        created_at: now,
        modified_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { guid, teamId: team.id };
  } finally {
    await close();
  }
}

/**
 * Through a process's API, as an administrator would: a new user, a Manager policy on the default team of the first
 * instance, the user's IAM token (password grant) and their Monitor API token (`GET /api/token`).
 */
export async function managerTokens(
  vigil: VigilProcess,
  admin: { email: string; password: string },
  location: DatabaseLocation,
): Promise<ManagerTokens> {
  const instance = await instanceAndTeam(location, vigil.accountId);
  const adminToken = await passwordGrant(vigil.url, admin.email, admin.password);
  const auth = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };
  const email = `manager-${randomBytes(4).toString('hex')}@example.test`;
  const password = `pw-${randomBytes(12).toString('base64url')}`;
  const user = await json<{ iam_id: string }>(
    await fetch(`${vigil.url}/v1/users`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ email, name: 'Mona Manager', password }),
    }),
  );
  await json(
    await fetch(`${vigil.url}/v1/policies`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({
        type: 'access',
        subjects: [{ attributes: [{ name: 'iam_id', value: user.iam_id }] }],
        // Manager: resetting a token is an administration right, even for one's own.
        roles: [{ role_id: 'crn:v1:bluemix:public:iam::::serviceRole:Manager' }],
        resources: [
          {
            attributes: [
              { name: 'accountId', value: vigil.accountId },
              { name: 'serviceName', value: 'sysdig-monitor' },
              { name: 'serviceInstance', value: instance.guid },
              { name: 'sysdigTeam', value: String(instance.teamId) },
            ],
          },
        ],
      }),
    }),
  );
  const iamHeaders = {
    authorization: `Bearer ${await passwordGrant(vigil.url, email, password)}`,
    ibminstanceid: instance.guid,
    sysdigteamid: String(instance.teamId),
  };
  const response = await fetch(`${vigil.url}/api/token`, { headers: iamHeaders });
  const key = (await json<{ token: { key: string } }>(response)).token.key;
  return { iamHeaders, key, instanceGuid: instance.guid, teamId: instance.teamId };
}

/** The status of `GET /api/token` with a Monitor API token: a route that needs authentication only. */
export async function statusWith(url: string, key: string): Promise<number> {
  const response = await fetch(`${url}/api/token`, { headers: { authorization: `Bearer ${key}` } });
  await response.arrayBuffer();
  return response.status;
}

/** Resets a Monitor API token with itself; the new value. */
export async function resetToken(url: string, key: string, graceSeconds?: number): Promise<string> {
  const response = await fetch(`${url}/api/token/reset`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(graceSeconds === undefined ? {} : { graceSeconds }),
  });
  return (await json<{ token: { key: string } }>(response)).token.key;
}

/** Asks `url` with `key` every `pollMs` until it is refused or `limitMs` passed; each answer's time since `since`. */
export async function pollUntilRefused(
  url: string,
  key: string,
  since: number,
  limitMs: number,
  pollMs = 5,
): Promise<{ at: number; status: number }[]> {
  const answers: { at: number; status: number }[] = [];
  for (;;) {
    const status = await statusWith(url, key);
    const at = performance.now() - since;
    answers.push({ at, status });
    if (status !== 200 || at > limitMs) return answers;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
