// What the rest of storage needs from a database, whichever engine runs it.
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
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
  /** Called by the pool when an idle connection dies; storage turns it into a health probe. */
  onConnectionError?: ((error: unknown) => void) | undefined;
}
