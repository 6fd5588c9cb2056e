// The committed migrations folder (drizzle/), shipped with the package and read at start-up,
// and a read-only check of how far a database is behind it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import type { Db } from './types.ts';

/**
 * In the source tree: packages/storage/drizzle. In the production bundle (dist/server/*.js) the
 * build copies the folder next to the bundle, so dist/server/drizzle is found first.
 */
function defaultFolder(): string {
  const candidates = ['./drizzle', '../../drizzle'].map((p) => fileURLToPath(new URL(p, import.meta.url)));
  return candidates.find((dir) => existsSync(`${dir}/meta/_journal.json`)) ?? candidates[candidates.length - 1]!;
}

export const MIGRATIONS_FOLDER = defaultFolder();

export interface MigrationStatus {
  /** Migration files in the folder. */
  readonly known: number;
  /** Files newer than the database's last applied migration (what drizzle's migrator would run). */
  readonly pending: number;
}

/**
 * Compares the folder with drizzle's bookkeeping table, the way drizzle's migrator decides what
 * to run. Needs only SELECT on drizzle.__drizzle_migrations, so the app role can run it.
 */
export async function migrationStatus(db: Db, folder: string = MIGRATIONS_FOLDER): Promise<MigrationStatus> {
  const files = readMigrationFiles({ migrationsFolder: folder });
  const exists = (await db.execute(sql`select to_regclass('drizzle.__drizzle_migrations') is not null as present`)) as unknown as { rows: { present: boolean }[] };
  let last = -Infinity;
  if (exists.rows[0]?.present === true) {
    const rows = (await db.execute(sql`select created_at from drizzle.__drizzle_migrations order by created_at desc limit 1`)) as unknown as { rows: { created_at: unknown }[] };
    if (rows.rows[0] !== undefined) last = Number(rows.rows[0].created_at);
  }
  return { known: files.length, pending: files.filter((f) => f.folderMillis > last).length };
}
