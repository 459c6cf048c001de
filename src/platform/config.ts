import path from 'node:path';
import { loadMetricsConfig, type MetricsConfig } from './config-metrics.js';

/** Levels pino accepts for VIGIL_LOG_LEVEL. */
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** vigil's configuration, read once from the environment and frozen. */
export interface Config {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  /** `postgres://…` selects PostgreSQL; otherwise the SQLite file path. */
  readonly database:
    { readonly kind: 'sqlite'; readonly file: string } | { readonly kind: 'postgres'; readonly url: string };
  readonly publicUrl: string;
  readonly adminEmail: string;
  /** Absent: a password is generated and printed once on first start. */
  readonly adminPassword: string | undefined;
  /** 32 bytes, or absent: generated into the data directory. */
  readonly masterKey: Buffer | undefined;
  readonly logLevel: LogLevel;
  /** When set, `/metrics` answers only `Authorization: Bearer <this>`; absent, it is open (loopback by default). */
  readonly metricsToken: string | undefined;
  /** The metrics plane: retention, ingest limits, query limits, self-monitoring. */
  readonly metrics: MetricsConfig;
}

/** Thrown by {@link loadConfig} with every problem found, one per line. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;

/**
 * Reads the VIGIL_* variables of DESIGN.md's table. Every bad value is collected, so that one start reports them all;
 * nothing else in vigil reads process.env.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>, cwd = process.cwd()): Config {
  const problems: string[] = [];
  const get = (name: string): string | undefined => {
    const value = env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  };

  const host = get('VIGIL_HOST') ?? '127.0.0.1';
  if (!/^[A-Za-z0-9.:\-[\]]+$/.test(host)) problems.push(`VIGIL_HOST: "${host}" is not a host name or address`);

  let port = 8080;
  const rawPort = get('VIGIL_PORT');
  if (rawPort !== undefined) {
    port = Number(rawPort);
    if (!/^\d+$/.test(rawPort) || port < 0 || port > 65535) {
      problems.push(`VIGIL_PORT: "${rawPort}" is not a port number (0-65535)`);
    }
  }

  const dataDir = path.resolve(cwd, get('VIGIL_DATA_DIR') ?? './data');

  let database: Config['database'] = { kind: 'sqlite', file: path.join(dataDir, 'vigil.db') };
  const databaseUrl = get('VIGIL_DATABASE_URL');
  if (databaseUrl !== undefined) {
    if (/^postgres(ql)?:\/\//.test(databaseUrl)) {
      try {
        new URL(databaseUrl);
        database = { kind: 'postgres', url: databaseUrl };
      } catch {
        problems.push('VIGIL_DATABASE_URL: not a valid postgres:// URL');
      }
    } else if (/^(sqlite|file):/.test(databaseUrl)) {
      database = { kind: 'sqlite', file: path.resolve(cwd, databaseUrl.replace(/^(sqlite|file):(\/\/)?/, '')) };
    } else {
      problems.push('VIGIL_DATABASE_URL: must start with postgres:// (or sqlite: for a file)');
    }
  }

  let publicUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const rawPublicUrl = get('VIGIL_PUBLIC_URL');
  if (rawPublicUrl !== undefined) {
    try {
      const url = new URL(rawPublicUrl);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('scheme');
      publicUrl = rawPublicUrl.replace(/\/+$/, '');
    } catch {
      problems.push(`VIGIL_PUBLIC_URL: "${rawPublicUrl}" is not an http(s) URL`);
    }
  }

  const adminEmail = get('VIGIL_ADMIN_EMAIL') ?? 'admin@vigil.local';
  if (!EMAIL.test(adminEmail)) problems.push(`VIGIL_ADMIN_EMAIL: "${adminEmail}" is not an email address`);

  const adminPassword = env['VIGIL_ADMIN_PASSWORD'] === '' ? undefined : env['VIGIL_ADMIN_PASSWORD'];
  if (adminPassword !== undefined && adminPassword.length < 8) {
    problems.push('VIGIL_ADMIN_PASSWORD: must be at least 8 characters');
  }

  let masterKey: Buffer | undefined;
  const rawMasterKey = get('VIGIL_MASTER_KEY');
  if (rawMasterKey !== undefined) {
    const decoded = /^[A-Za-z0-9+/_-]+={0,2}$/.test(rawMasterKey) ? Buffer.from(rawMasterKey, 'base64') : undefined;
    if (decoded?.length === 32) masterKey = decoded;
    else problems.push('VIGIL_MASTER_KEY: must be 32 bytes, base64-encoded (openssl rand -base64 32)');
  }

  const rawLevel = get('VIGIL_LOG_LEVEL') ?? 'info';
  const logLevel = (LOG_LEVELS as readonly string[]).includes(rawLevel) ? (rawLevel as LogLevel) : 'info';
  if (logLevel !== rawLevel) problems.push(`VIGIL_LOG_LEVEL: "${rawLevel}" is not one of ${LOG_LEVELS.join(', ')}`);

  const metricsToken = get('VIGIL_METRICS_TOKEN');
  if (metricsToken !== undefined && !/^[\x21-\x7e]{16,256}$/.test(metricsToken)) {
    problems.push('VIGIL_METRICS_TOKEN: must be 16-256 printable characters without spaces (openssl rand -hex 24)');
  }

  const metrics = loadMetricsConfig(get, problems);

  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze({
    host,
    port,
    dataDir,
    database,
    publicUrl,
    adminEmail,
    adminPassword,
    masterKey,
    logLevel,
    metricsToken,
    metrics: Object.freeze(metrics),
  });
}
