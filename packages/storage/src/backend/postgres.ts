// External PostgreSQL through node-postgres. The pool reconnects by itself; a connection that dies
// (server restart, terminated backend), idle or in a transaction, is reported instead of crashing
// the process.
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { redactUrl } from '../logger.ts';
import * as schema from '../schema.ts';
import { MIGRATIONS_FOLDER } from './migrations.ts';
import { NOTIFY_EACH_SQL } from './notify.ts';
import { PgListener } from './pg-listener.ts';
import type { Backend, Db } from './types.ts';

/**
 * A transaction left open longer than this between two statements is ended by the server. A
 * runner process that freezes (SIGSTOP, a paused VM) in the middle of a journal transaction
 * holds its bots' lease rows FOR SHARE, and claims skip locked rows: without this the bots could
 * not be taken over until the frozen process woke. Half the default lease TTL (10 s), so the
 * locks are gone before the leases expire.
 */
export const IDLE_IN_TRANSACTION_TIMEOUT_MS = 5_000;

/** Serialises migrations when several processes start against one database. */
const MIGRATION_LOCK = 7_316_001;

export interface PostgresOptions {
  readonly url: string;
  readonly poolSize?: number;
  readonly connectTimeoutMs?: number;
  /** Default IDLE_IN_TRANSACTION_TIMEOUT_MS. */
  readonly idleInTransactionTimeoutMs?: number;
  /** Where the migration files are (default: the shipped drizzle/ folder). */
  readonly migrationsFolder?: string;
}

export function openPostgres(options: PostgresOptions): Backend {
  const connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: connectTimeoutMs,
    idleTimeoutMillis: 30_000,
    idle_in_transaction_session_timeout: options.idleInTransactionTimeoutMs ?? IDLE_IN_TRANSACTION_TIMEOUT_MS,
    application_name: 'mm-engine',
  });
  const db = drizzle({ client: pool, schema }) as unknown as Db;
  // created on the first listen: storage without listeners opens no extra connection
  let listener: PgListener | undefined;
  const backend: Backend = {
    kind: 'postgres',
    location: redactUrl(options.url),
    db,
    async migrate() {
      const client = new pg.Client({ connectionString: options.url, connectionTimeoutMillis: connectTimeoutMs });
      // a session ended while it waits for the lock fails the migration, not the process
      client.on('error', (error) => backend.onConnectionError?.(error));
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
    async notify(channel, payloads) {
      // one statement: delivered in this order, at its commit
      await pool.query(NOTIFY_EACH_SQL, [channel, payloads]);
    },
    listen(channel, onMessage, onReconnect) {
      listener ??= new PgListener(options.url, connectTimeoutMs, () => backend.logger);
      return listener.listen(channel, { onMessage, onReconnect });
    },
    async close() {
      await listener?.close();
      await pool.end();
    },
  };
  // The pool listens for errors only on idle connections. One checked out for a transaction has
  // no listener while it waits between statements, so a server that ends the session then (a
  // restart, the idle-in-transaction timeout) would raise an uncaught 'error' event and take the
  // process down. Each connection gets its own listener for its whole life: the transaction fails
  // on its next statement, and the pool drops the broken connection when it is released.
  pool.on('connect', (client) => {
    client.on('error', (error) => backend.onConnectionError?.(error));
  });
  // reported by the connection's own listener above; the pool's event needs a listener too
  pool.on('error', () => undefined);
  return backend;
}
