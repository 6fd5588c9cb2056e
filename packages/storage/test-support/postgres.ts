// A throwaway PostgreSQL database per test file on the local server (TEST_PG_URL, default
// postgres://postgres@127.0.0.1:5432/postgres, trust auth). Without a server the PostgreSQL
// tests are skipped with the reason shown, unless CI is set: then they fail, loudly.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const ADMIN_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3_000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

let availability: Promise<string | undefined> | undefined;

/** undefined when PostgreSQL answers; otherwise why the tests are skipped. Throws under CI. */
export function postgresSkipReason(): Promise<string | undefined> {
  availability ??= admin((c) => c.query('select 1')).then(
    () => undefined,
    (error: unknown) => {
      const reason = `PostgreSQL not reachable at ${ADMIN_URL} (${(error as Error).message}); set TEST_PG_URL or start PostgreSQL`;
      if (process.env.CI !== undefined && process.env.CI !== '') throw new Error(`CI is set, so PostgreSQL tests must run: ${reason}`);
      return reason;
    },
  );
  return availability;
}

export interface TestDatabase {
  readonly name: string;
  readonly url: string;
  /** Terminates connections and refuses new ones (down = true), or lets them in again. */
  setDown(down: boolean): Promise<void>;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `mm_test_${randomBytes(5).toString('hex')}`;
  await admin((c) => c.query(`create database ${name}`));
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async setDown(down) {
      await admin(async (c) => {
        await c.query(`alter database ${name} allow_connections ${down ? 'false' : 'true'}`);
        if (down) await c.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]);
      });
    },
    async drop() {
      await admin((c) => c.query(`drop database if exists ${name} with (force)`));
    },
  };
}
