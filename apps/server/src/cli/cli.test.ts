// The production command-line tools on a real PostgreSQL database: `migrate` applies the schema
// once, and `rotate-secret` moves stored credentials from the old APP_SECRET (or key file) to a new
// one: before the rotation the new secret cannot open them, afterwards only the new one can.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isEngineError } from '@mm/core';
import { openStorage, silentLogger } from '@mm/storage';
import { createTestDatabase, postgresSkipReason } from '@mm/storage/test-support/postgres';
import type { TestDatabase } from '@mm/storage/test-support/postgres';
import { migrateCommand } from './migrate.ts';
import type { Output } from './output.ts';
import { rotateSecretCommand } from './rotate-secret.ts';

const OLD_SECRET = 'old-app-secret-0123456789abcdef';
const NEW_SECRET = 'new-app-secret-fedcba9876543210';
const CREDENTIALS = { apiKey: 'key-rotation-1234', apiSecret: 'venue-secret-that-must-survive', memo: 'memo-7' };

function capture(): Output & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t) };
}

const skip = await postgresSkipReason();

describe('production CLIs on postgres', { skip }, () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase();
  });
  after(async () => db.drop());

  /** Opens with a given secret, reads the account's credentials (or the error), closes. */
  async function readWith(appSecret: string, accountId: string): Promise<unknown> {
    const storage = await openStorage({ databaseUrl: db.url, env: {}, appSecret, migrate: 'verify', logger: silentLogger });
    try {
      return await storage.accounts.getCredentials(accountId).catch((e: unknown) => e);
    } finally {
      await storage.close();
    }
  }

  test('migrate: the migration URL wins over DATABASE_URL; a second run is a no-op', async () => {
    const io = capture();
    // DATABASE_URL points nowhere: only DATABASE_MIGRATION_URL may be used
    const env = { DATABASE_MIGRATION_URL: db.url, DATABASE_URL: 'postgres://nobody:pw@127.0.0.1:1/none' };
    assert.equal(await migrateCommand([], env, io), 0, io.err.join(''));
    assert.match(io.out.join(''), /applied \d+ migration/);
    const again = capture();
    assert.equal(await migrateCommand([], env, again), 0, again.err.join(''));
    assert.match(again.out.join(''), /up to date/);
    const bad = capture();
    assert.equal(await migrateCommand(['extra'], env, bad), 2);
  });

  test('rotate-secret: credentials sealed under the old secret open under the new one only after rotation', async () => {
    const storage = await openStorage({ databaseUrl: db.url, env: {}, appSecret: OLD_SECRET, migrate: 'verify', logger: silentLogger });
    const account = await storage.accounts.create({ name: 'bm', venue: 'bitmart', market: 'spot', credentials: CREDENTIALS });
    await storage.close();

    assert.deepEqual(await readWith(OLD_SECRET, account.id), CREDENTIALS);
    const before = await readWith(NEW_SECRET, account.id);
    assert.ok(isEngineError(before), `the new secret cannot open them before the rotation (got ${JSON.stringify(before)})`);

    const io = capture();
    const env = { DATABASE_URL: db.url, OLD_APP_SECRET: OLD_SECRET, APP_SECRET: NEW_SECRET };
    assert.equal(await rotateSecretCommand(['--old-secret-env', 'OLD_APP_SECRET'], env, io), 0, io.err.join(''));
    assert.match(io.out.join(''), /re-encrypted 1 credential set/);
    const printed = io.out.join('') + io.err.join('');
    for (const secret of [OLD_SECRET, NEW_SECRET, CREDENTIALS.apiSecret]) assert.ok(!printed.includes(secret), 'no secret is printed');

    assert.deepEqual(await readWith(NEW_SECRET, account.id), CREDENTIALS, 'the new secret opens them');
    assert.ok(isEngineError(await readWith(OLD_SECRET, account.id)), 'the old secret no longer does');

    // running it again (e.g. after an interrupted deploy) changes nothing and says so
    const again = capture();
    assert.equal(await rotateSecretCommand([], env, again), 0, again.err.join(''));
    assert.match(again.out.join(''), /re-encrypted 0 credential set\(s\) \(1 already under the new key\)/);

    // a wrong old secret rolls back and leaves the data as it was
    const wrong = capture();
    assert.equal(await rotateSecretCommand(['--new-secret-env', 'THIRD'], { ...env, OLD_APP_SECRET: 'not-the-old-secret-at-all', THIRD: 'third-secret-0123456789' }, wrong), 1);
    assert.match(wrong.err.join(''), /nothing was changed/);
    assert.deepEqual(await readWith(NEW_SECRET, account.id), CREDENTIALS);
  });

  test('rotate-secret: from the key file of an install without APP_SECRET', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mm-rotate-'));
    try {
      const keyFile = join(dir, 'master.key');
      writeFileSync(keyFile, `${Buffer.alloc(32, 9).toString('base64')}\n`, { mode: 0o600 });
      const storage = await openStorage({ databaseUrl: db.url, env: {}, dataDir: dir, migrate: 'verify', logger: silentLogger });
      assert.equal(storage.context.masterKey.source, 'key-file');
      const account = await storage.accounts.create({ name: 'from key file', venue: 'bitmart', market: 'spot', credentials: CREDENTIALS });
      await storage.close();

      const io = capture();
      assert.equal(await rotateSecretCommand(['--old-key-file', keyFile], { DATABASE_URL: db.url, APP_SECRET: NEW_SECRET }, io), 0, io.err.join(''));
      assert.deepEqual(await readWith(NEW_SECRET, account.id), CREDENTIALS);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('rotate-secret refuses secrets on the command line and never repeats them', async () => {
    const env = { DATABASE_URL: db.url, APP_SECRET: NEW_SECRET, OLD_APP_SECRET: OLD_SECRET };
    for (const argv of [['--old-secret', OLD_SECRET], [`--new-secret=${NEW_SECRET}`], [OLD_SECRET], ['--old-secret-env', OLD_SECRET]]) {
      const io = capture();
      assert.equal(await rotateSecretCommand(argv, env, io), 2, argv.join(' '));
      const printed = io.out.join('') + io.err.join('');
      assert.match(printed, /environment variable|not shown/);
      assert.ok(!printed.includes(OLD_SECRET) && !printed.includes(NEW_SECRET), `the secret is not echoed for ${argv[0]}`);
    }
    const unset = capture();
    assert.equal(await rotateSecretCommand(['--old-secret-env', 'NOT_SET_ANYWHERE'], env, unset), 2);
    assert.match(unset.err.join(''), /NOT_SET_ANYWHERE, which is not set/);
  });
});
