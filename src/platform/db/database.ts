import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type Migration, type MigrationProvider, Migrator } from 'kysely';
import pg from 'pg';
import type { Config } from '../config.js';
import { up as up0001 } from './migrations/0001-iam.js';
import { up as up0002 } from './migrations/0002-policy-uniqueness.js';
import { up as up0003 } from './migrations/0003-monitor.js';
import { up as up0004 } from './migrations/0004-console-sessions.js';
import { up as up0005 } from './migrations/0005-signin-lockout.js';
import type { Database, Db } from './schema.js';

type Dialect = 'sqlite' | 'postgres';

/** An open database: the Kysely instance, which dialect it speaks, and how to close it. */
export interface DatabaseHandle {
  readonly db: Db;
  readonly dialect: Dialect;
  /** PostgreSQL pool (for LISTEN/NOTIFY); absent on SQLite. */
  readonly pool?: pg.Pool;
  /** The PostgreSQL schema of a search path given at open (tests: one schema per test database). */
  readonly schema?: string;
  close(): Promise<void>;
}

// int8 (bigserial, count(*)) arrives as a string by default; every such value vigil reads fits in a double.
pg.types.setTypeParser(20, (value) => Number(value));

/** Opens SQLite (WAL, foreign keys) or PostgreSQL, as the configuration says. */
export function openDatabase(config: Config['database'], options: { searchPath?: string } = {}): DatabaseHandle {
  if (config.kind === 'postgres') {
    const pool = new pg.Pool({
      connectionString: config.url,
      max: 10,
      ...(options.searchPath ? { options: `-c search_path=${options.searchPath}` } : {}),
    });
    // An idle client that loses its connection must not take the process down.
    pool.on('error', () => undefined);
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return {
      db,
      dialect: 'postgres',
      pool,
      ...(options.searchPath ? { schema: options.searchPath } : {}),
      close: () => db.destroy(),
    };
  }
  if (config.file !== ':memory:') fs.mkdirSync(path.dirname(config.file), { recursive: true });
  const sqlite = new SQLite(config.file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}

const MIGRATIONS: Record<string, { up(db: Kysely<unknown>, dialect: Dialect): Promise<void> }> = {
  '0001-iam': { up: up0001 },
  '0002-policy-uniqueness': { up: up0002 },
  '0003-monitor': { up: up0003 },
  '0004-console-sessions': { up: up0004 },
  '0005-signin-lockout': { up: up0005 },
};

class StaticMigrations implements MigrationProvider {
  constructor(private readonly dialect: Dialect) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return Object.fromEntries(
      Object.entries(MIGRATIONS).map(([name, migration]) => [
        name,
        { up: (db: Kysely<unknown>) => migration.up(db, this.dialect) },
      ]),
    );
  }
}

/**
 * Kysely looks for its migration tables in every schema unless told which one: name it, so that databases in sibling
 * schemas (parallel test files) do not see each other's migrations.
 */
function migratorFor(handle: DatabaseHandle): Migrator {
  return new Migrator({
    db: handle.db,
    provider: new StaticMigrations(handle.dialect),
    ...(handle.schema ? { migrationTableSchema: handle.schema } : {}),
  });
}

/** Applies every pending migration; throws with the failing migration's error. */
export async function migrate(handle: DatabaseHandle): Promise<void> {
  const migrator = migratorFor(handle);
  const { error } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
}

/** True when every known migration has been applied (for /readyz). */
export async function migrationsApplied(handle: DatabaseHandle): Promise<boolean> {
  const all = await migratorFor(handle).getMigrations();
  return all.every((m) => m.executedAt !== undefined);
}
