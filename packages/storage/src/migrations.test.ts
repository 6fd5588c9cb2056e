// Migrations apply on both backends, openStorage picks the backend from its options or the
// environment, creates the data directory, locks it, and fails with clear errors.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { isEngineError } from '@mm/core';
import { TEST_KEY, dropTestDatabases, pgliteBackend, postgresBackend, queryRows, silentOptions } from '../test-support/fixtures.ts';
import { pgliteTemplate } from '../test-support/pglite-template.ts';
import { createTestDatabase } from '../test-support/postgres.ts';
import { MIGRATIONS_FOLDER } from './backend/migrations.ts';
import { openStorage } from './storage.ts';
import type { Storage } from './storage.ts';

const TABLES = [
  'account_baselines',
  'account_fills',
  'audit_log',
  'bot_commands',
  'bot_config_versions',
  'bot_leases',
  'bot_live',
  'bot_stats',
  'bots',
  'cash_flows',
  'events',
  'fills',
  'hourly_volume',
  'ledger_day_marks',
  'ledger_snapshots',
  'orders',
  'risk_events',
  'runners',
  'sessions',
  'settings',
  'sim_state',
  'users',
  'venue_accounts',
];
const MIGRATIONS = (JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] }).entries.length;

async function schemaOf(storage: Storage): Promise<{ tables: string[]; migrations: number }> {
  const tables = await queryRows(storage, sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`);
  const applied = await queryRows(storage, sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
  return { tables: tables.map((r) => String(r.table_name)), migrations: Number(applied[0]?.n) };
}

describe('migrations on pglite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mm-storage-mig-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('the migrated template has every table and every migration', async () => {
    // the template is a fresh PGlite that ran drizzle's migrator over drizzle/
    const storage = await pgliteBackend.open();
    try {
      assert.deepEqual(await schemaOf(storage), { tables: TABLES, migrations: MIGRATIONS });
      assert.equal(storage.backend, 'pglite');
    } finally {
      await storage.close();
    }
  });

  test('openStorage creates the data directory and a 0600 key file, then locks the directory', async () => {
    const dataDir = join(dir, 'deep', 'nested', 'data');
    const storage = await openStorage({ ...silentOptions, dataDir, env: {}, pgliteLoadDataDir: await pgliteTemplate() });
    try {
      assert.ok(existsSync(join(dataDir, 'pglite', 'PG_VERSION')), 'PGlite files under <dataDir>/pglite');
      assert.equal(statSync(join(dataDir, 'master.key')).mode & 0o777, 0o600);
      assert.ok(storage.location.endsWith(join('data', 'pglite')));
      assert.equal((await storage.ping()).backend, 'pglite');
      await assert.rejects(openStorage({ ...silentOptions, dataDir, env: {}, masterKey: TEST_KEY }), (e: unknown) => isEngineError(e, 'CONFLICT') && /already open/.test(e.message));
    } finally {
      await storage.close();
    }
    assert.ok(!existsSync(join(dataDir, 'pglite.lock')), 'close() releases the lock');
  });

  test('a lock left by a dead process is taken over; DATA_DIR comes from the environment', async () => {
    const dataDir = join(dir, 'env');
    const first = await openStorage({ ...silentOptions, env: { DATA_DIR: dataDir }, masterKey: TEST_KEY, pgliteLoadDataDir: await pgliteTemplate() });
    await first.close();
    writeFileSync(join(dataDir, 'pglite.lock'), '2147483646'); // no such process
    const again = await openStorage({ ...silentOptions, env: { DATA_DIR: dataDir }, masterKey: TEST_KEY });
    try {
      assert.deepEqual((await schemaOf(again)).migrations, MIGRATIONS, 'reopened, migrations already applied');
    } finally {
      await again.close();
    }
  });
});

describe('migrations on postgres', { skip: postgresBackend.skip }, () => {
  after(dropTestDatabases);

  test('a new database is migrated at start-up; starting again (even twice at once) changes nothing', async () => {
    const db = await createTestDatabase();
    try {
      const first = await openStorage({ ...silentOptions, env: { DATABASE_URL: db.url }, masterKey: TEST_KEY });
      assert.equal(first.backend, 'postgres');
      assert.deepEqual(await schemaOf(first), { tables: TABLES, migrations: MIGRATIONS });
      await first.close();
      const [a, b] = await Promise.all([0, 1].map(() => openStorage({ ...silentOptions, databaseUrl: db.url, env: {}, masterKey: TEST_KEY })));
      assert.deepEqual(await schemaOf(a!), { tables: TABLES, migrations: MIGRATIONS });
      await Promise.all([a!.close(), b!.close()]);
    } finally {
      await db.drop();
    }
  });

  test('bad or unreachable DATABASE_URL: clear errors, no password in them', async () => {
    await assert.rejects(openStorage({ ...silentOptions, databaseUrl: 'mysql://x@y/z', env: {}, masterKey: TEST_KEY }), (e: unknown) => isEngineError(e, 'INVALID_CONFIG'));
    await assert.rejects(
      openStorage({ ...silentOptions, databaseUrl: 'postgres://app:hunter2@127.0.0.1:1/mm', env: {}, masterKey: TEST_KEY }),
      (e: unknown) => isEngineError(e, 'STORAGE_UNAVAILABLE') && e.message.includes('postgres://app:***@127.0.0.1:1/mm') && !e.message.includes('hunter2'),
    );
  });
});
