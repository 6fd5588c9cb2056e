// External PostgreSQL through node-postgres. The pool reconnects by itself; an idle connection
// that dies (server restart, terminated backend) is reported instead of crashing the process.
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { redactUrl } from '../logger.ts';
import * as schema from '../schema.ts';
import { MIGRATIONS_FOLDER } from './migrations.ts';
import type { Backend, Db } from './types.ts';

/** Serialises migrations when several processes start against one database. */
const MIGRATION_LOCK = 7_316_001;

export interface PostgresOptions {
  readonly url: string;
  readonly poolSize?: number;
  readonly connectTimeoutMs?: number;
  /** Where the migration files are (default: the shipped drizzle/ folder). */
  readonly migrationsFolder?: string;
}

export function openPostgres(options: PostgresOptions): Backend {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
    idleTimeoutMillis: 30_000,
    application_name: 'mm-engine',
  });
  const db = drizzle({ client: pool, schema }) as unknown as Db;
  const backend: Backend = {
    kind: 'postgres',
    location: redactUrl(options.url),
    db,
    async migrate() {
      const client = new pg.Client({ connectionString: options.url, connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000 });
      await client.connect();
      try {
        await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
        await migrate(drizzle({ client, schema }), { migrationsFolder: options.migrationsFolder ?? MIGRATIONS_FOLDER });
      } finally {
        await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
        await client.end().catch(() => undefined);
      }
    },
    async ping() {
      await pool.query('select 1');
    },
    async close() {
      await pool.end();
    },
  };
  // without this listener a dropped idle connection would be an uncaught 'error' event
  pool.on('error', (error) => backend.onConnectionError?.(error));
  return backend;
}
