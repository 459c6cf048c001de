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
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const handle = openDatabase({ kind: 'postgres', url: POSTGRES_URL }, { searchPath: schema });
  await migrate(handle);
  return {
    ...handle,
    close: async () => {
      await handle.close();
      const cleanup = new pg.Client({ connectionString: POSTGRES_URL });
      await cleanup.connect();
      await cleanup.query(`DROP SCHEMA ${schema} CASCADE`);
      await cleanup.end();
    },
  };
}

export { POSTGRES_URL };
