import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrate, openDatabase, type DatabaseHandle } from '../platform/db/database.js';

export type DatabaseKind = 'sqlite' | 'postgres';

/** PostgreSQL for tests: VIGIL_TEST_POSTGRES_URL, else the machine's server on loopback. */
const POSTGRES_URL = process.env['VIGIL_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const postgresAvailable = await postgresReachable();
if (!postgresAvailable) {
  if (process.env['CI'] === 'true')
    throw new Error(`PostgreSQL is not reachable at ${POSTGRES_URL}; CI runs every test on it`);
  process.stderr.write(
    `note: PostgreSQL not reachable at ${POSTGRES_URL}: running the SQLite half of the suite only\n`,
  );
}

/** The dialects every repository and API test runs on. */
export const TEST_DATABASES: readonly DatabaseKind[] = postgresAvailable ? ['sqlite', 'postgres'] : ['sqlite'];

/**
 * A fresh, migrated database: SQLite in memory, or a new PostgreSQL schema (dropped on close), so test files can run
 * in parallel without seeing each other's rows.
 */
export async function openTestDatabase(kind: DatabaseKind): Promise<DatabaseHandle> {
  if (kind === 'sqlite') {
    const handle = openDatabase({ kind: 'sqlite', file: ':memory:' });
    await migrate(handle);
    return handle;
  }
  const schema = `vigil_test_${randomBytes(6).toString('hex')}`;
  // Kysely's migrator lists the tables of every schema (has_schema_privilege on each); a sibling test file dropping its
  // schema in the middle of that listing makes it fail with "schema … does not exist". Migrations hold a shared
  // advisory lock and drops an exclusive one, so the two never overlap (migrations still run in parallel).
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  let handle: DatabaseHandle;
  try {
    await admin.query('SELECT pg_advisory_lock_shared($1)', [SCHEMA_LOCK]);
    await admin.query(`CREATE SCHEMA ${schema}`);
    handle = openDatabase({ kind: 'postgres', url: POSTGRES_URL }, { searchPath: schema });
    await migrate(handle);
  } finally {
    await admin.end();
  }
  return {
    ...handle,
    close: async () => {
      await handle.close();
      const cleanup = new pg.Client({ connectionString: POSTGRES_URL });
      await cleanup.connect();
      try {
        await cleanup.query('SELECT pg_advisory_lock($1)', [SCHEMA_LOCK]);
        await cleanup.query(`DROP SCHEMA ${schema} CASCADE`);
      } finally {
        await cleanup.end();
      }
    },
  };
}

/** The advisory lock key that keeps test-schema drops apart from migrations. */
const SCHEMA_LOCK = 7_318_004;

export { POSTGRES_URL };
