// A transaction left open by a process that froze must not hold its row locks for ever: the
// server ends it after the idle-in-transaction timeout, so a claim that skips locked lease rows
// finds them free again (the runner fleet's takeover of a frozen runner's bots depends on it).
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import pg from 'pg';
import { createTestDatabase, postgresSkipReason } from '../test-support/postgres.ts';
import type { TestDatabase } from '../test-support/postgres.ts';
import { IDLE_IN_TRANSACTION_TIMEOUT_MS, openPostgres } from './backend/postgres.ts';

const skip = await postgresSkipReason();
let db: TestDatabase | undefined;
after(async () => {
  await db?.drop();
});

test('the pool ends a transaction idle for longer than its timeout and its row lock goes with it', { skip }, async () => {
  db = await createTestDatabase();
  const backend = openPostgres({ url: db.url, idleInTransactionTimeoutMs: 400 });
  const other = new pg.Client({ connectionString: db.url });
  await other.connect();
  try {
    await other.query('create table leases (id int primary key)');
    await other.query('insert into leases values (1)');
    const frozen = await (backend.db as unknown as { $client: pg.Pool }).$client.connect();
    frozen.on('error', () => undefined); // the server ends its session
    await frozen.query('begin');
    await frozen.query('select id from leases where id = 1 for share');
    const skipped = async () => (await other.query('select id from leases for update skip locked')).rows.length;
    assert.equal(await skipped(), 0, 'the open transaction holds the row');
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // "frozen" between two statements
    assert.equal(await skipped(), 1, 'the server ended the idle transaction: the row is free');
    await assert.rejects(frozen.query('select 1'), 'its session is gone');
    frozen.release(true);
    const shown = await (backend.db as unknown as { $client: pg.Pool }).$client.query('show idle_in_transaction_session_timeout');
    assert.equal(shown.rows[0].idle_in_transaction_session_timeout, '400ms');
  } finally {
    await other.end();
    await backend.close();
  }
  assert.ok(IDLE_IN_TRANSACTION_TIMEOUT_MS < 10_000, 'shorter than the default lease TTL');
});
