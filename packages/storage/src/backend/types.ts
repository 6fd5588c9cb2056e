// What the rest of storage needs from a database, whichever engine runs it.
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import type { StorageLogger } from '../logger.ts';
import type * as schema from '../schema.ts';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Either the database or an open transaction: repositories run on both. */
export type Executor = Db | Tx;

export type BackendKind = 'pglite' | 'postgres';

export interface Backend {
  readonly kind: BackendKind;
  /** Where the data lives, safe to show (password redacted). */
  readonly location: string;
  /** The current handle. PGlite replaces it when it reopens after a failure. */
  readonly db: Db;
  /** Applies pending migrations (idempotent). */
  migrate(): Promise<void>;
  /** A round trip to the database; reopens an embedded database that was closed under us. */
  ping(): Promise<void>;
  close(): Promise<void>;
  /** pg_notify(channel, payload) for each payload, in order, in one statement; arguments are checked by storage. */
  notify(channel: string, payloads: readonly string[]): Promise<void>;
  /**
   * LISTENs on a channel until the returned function is called. onReconnect runs after the
   * listening connection was lost and is back (notifications in between are lost: poll).
   */
  listen(channel: string, onMessage: (payload: string) => void, onReconnect?: () => void): Promise<() => Promise<void>>;
  /** Where the backend reports listener trouble (storage sets it). */
  logger?: StorageLogger | undefined;
  /** Called by the pool when an idle connection dies; storage turns it into a health probe. */
  onConnectionError?: ((error: unknown) => void) | undefined;
}
