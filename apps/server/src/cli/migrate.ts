// `npm run migrate` (node dist/server/migrate.js): applies pending database migrations, then exits.
// Run it with the role that owns the schema: DATABASE_MIGRATION_URL, else DATABASE_URL; without
// either, the embedded database in DATA_DIR. The app itself can then run with MIGRATE_ON_START=false
// and a role that has no DDL rights.
import { migrateDatabase, redactUrl } from '@mm/storage';
import type { StorageLogger } from '@mm/storage';
import { cliLogger } from './output.ts';
import type { Output } from './output.ts';

export const MIGRATE_USAGE = `usage: npm run migrate            (production: node dist/server/migrate.js)
  Applies pending database migrations and exits. Reads the environment:
    DATABASE_MIGRATION_URL   postgres://migrator:password@host:5432/db (the role that owns the schema)
    DATABASE_URL             used when DATABASE_MIGRATION_URL is not set
    DATA_DIR                 the embedded database (PGlite) when neither URL is set
`;

export async function migrateCommand(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, out: Output): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    out.stdout(MIGRATE_USAGE);
    return 0;
  }
  if (argv.length > 0) {
    out.stderr(`error: migrate takes no arguments (it reads DATABASE_MIGRATION_URL or DATABASE_URL)\n${MIGRATE_USAGE}`);
    return 2;
  }
  const url = [env.DATABASE_MIGRATION_URL, env.DATABASE_URL].find((u) => u !== undefined && u !== '');
  const logger: StorageLogger = cliLogger(out);
  try {
    out.stdout(`migrating ${url === undefined ? `the embedded database in ${env.DATA_DIR ?? './data'}` : redactUrl(url)}\n`);
    const result = await migrateDatabase({ env: {}, ...(url === undefined ? {} : { databaseUrl: url }), ...(env.DATA_DIR ? { dataDir: env.DATA_DIR } : {}), logger });
    out.stdout(result.applied === 0 ? `up to date: all ${result.known} migrations were already applied\n` : `applied ${result.applied} migration(s); ${result.known} in all\n`);
    return 0;
  } catch (error) {
    out.stderr(`migration failed: ${(error as Error).message}\n`);
    return 1;
  }
}
