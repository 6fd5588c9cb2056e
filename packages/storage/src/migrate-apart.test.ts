// Migrations run apart from the app (a production install with a migration role): migrateDatabase
// applies them and reports how many; openStorage in 'verify' mode runs no DDL and refuses a
// database that is behind, with the command to run; a migrations folder can be given explicitly.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { isEngineError } from '@mm/core';
import { TEST_KEY, dropTestDatabases, postgresBackend, silentOptions } from '../test-support/fixtures.ts';
import { createTestDatabase } from '../test-support/postgres.ts';
import { MIGRATIONS_FOLDER, migrationStatus } from './backend/migrations.ts';
import { migrateDatabase, openStorage } from './storage.ts';

const KNOWN = (JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] }).entries.length;

/** A copy of the shipped folder with one more migration, as the next release would have. */
function folderWithOneMore(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mm-migrations-'));
  cpSync(MIGRATIONS_FOLDER, dir, { recursive: true });
  const journalPath = join(dir, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { idx: number; version: string; when: number; tag: string; breakpoints: boolean }[] };
  const last = journal.entries[journal.entries.length - 1]!;
  journal.entries.push({ idx: last.idx + 1, version: last.version, when: last.when + 1_000, tag: '9999_next_release', breakpoints: true });
  writeFileSync(journalPath, JSON.stringify(journal, null, 2));
  writeFileSync(join(dir, '9999_next_release.sql'), 'CREATE TABLE "next_release_probe" ("id" integer PRIMARY KEY);');
  return dir;
}

describe('migrations run apart from the app (postgres)', { skip: postgresBackend.skip }, () => {
  after(dropTestDatabases);

  test('verify mode refuses a database that is behind, with the command to run; migrateDatabase fixes it', async () => {
    const db = await createTestDatabase();
    const next = folderWithOneMore();
    try {
      await assert.rejects(
        openStorage({ ...silentOptions, databaseUrl: db.url, env: {}, masterKey: TEST_KEY, migrate: 'verify' }),
        (e: unknown) => isEngineError(e, 'ILLEGAL_STATE') && e.message.includes(`${KNOWN} of ${KNOWN} migrations not applied`) && e.message.includes('npm run migrate'),
      );
      const first = await migrateDatabase({ ...silentOptions, databaseUrl: db.url, env: {} });
      assert.deepEqual({ applied: first.applied, known: first.known, backend: first.backend }, { applied: KNOWN, known: KNOWN, backend: 'postgres' });
      assert.equal((await migrateDatabase({ ...silentOptions, databaseUrl: db.url, env: {} })).applied, 0, 'a second run applies nothing');

      const storage = await openStorage({ ...silentOptions, databaseUrl: db.url, env: {}, masterKey: TEST_KEY, migrate: 'verify' });
      try {
        assert.deepEqual(await migrationStatus(storage.context.db), { known: KNOWN, pending: 0 });
        assert.deepEqual(await migrationStatus(storage.context.db, next), { known: KNOWN + 1, pending: 1 }, 'the next release would apply one');
      } finally {
        await storage.close();
      }

      // an upgrade whose migrations were not run yet: refused, then fine after migrating
      await assert.rejects(
        openStorage({ ...silentOptions, databaseUrl: db.url, env: {}, masterKey: TEST_KEY, migrate: 'verify', migrationsFolder: next }),
        (e: unknown) => isEngineError(e, 'ILLEGAL_STATE') && e.message.includes(`1 of ${KNOWN + 1} migrations not applied`),
      );
      assert.equal((await migrateDatabase({ ...silentOptions, databaseUrl: db.url, env: {}, migrationsFolder: next })).applied, 1);
      const upgraded = await openStorage({ ...silentOptions, databaseUrl: db.url, env: {}, masterKey: TEST_KEY, migrate: 'verify', migrationsFolder: next });
      await upgraded.close();
    } finally {
      rmSync(next, { recursive: true, force: true });
      await db.drop();
    }
  });

  test("'skip' (and the old skipMigrations) leave an empty database alone", async () => {
    const db = await createTestDatabase();
    try {
      for (const options of [{ migrate: 'skip' as const }, { skipMigrations: true }]) {
        const storage = await openStorage({ ...silentOptions, databaseUrl: db.url, env: {}, masterKey: TEST_KEY, ...options });
        assert.equal((await migrationStatus(storage.context.db)).pending, KNOWN);
        await storage.close();
      }
    } finally {
      await db.drop();
    }
  });
});
