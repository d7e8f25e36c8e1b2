import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Server the PostgreSQL tests create their throwaway databases on (a maintenance database URL). */
export const PG_ADMIN_URL = process.env.GRADIEND_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  readonly url: string;
  readonly name: string;
  drop(): Promise<void>;
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (error) {
    // These tests never skip: CI must provide PostgreSQL, so say exactly what is missing.
    throw new Error(
      `PostgreSQL is required for the API's PostgreSQL tests but ${PG_ADMIN_URL} is not reachable ` +
        `(${error instanceof Error ? error.message : String(error)}). Start PostgreSQL (e.g. ` +
        '`pg_ctlcluster 15 main start`) or point GRADIEND_TEST_PG_URL at a server where the user may CREATE DATABASE.',
      { cause: error },
    );
  }
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A fresh, empty database `<prefix><random>`; `drop` removes it (closing stray connections). */
export async function createTestDatabase(prefix = 'gradiend_test_'): Promise<TestDatabase> {
  if (!/^[a-z_][a-z0-9_]*$/.test(prefix))
    throw new Error(`unsafe database name prefix ${JSON.stringify(prefix)}`);
  const name = `${prefix}${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}
