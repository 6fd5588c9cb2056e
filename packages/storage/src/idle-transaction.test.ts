// A transaction left open by a process that froze must not hold its row locks for ever: the
// server ends it after the idle-in-transaction timeout, so a claim that skips locked lease rows
// finds them free again (the runner fleet's takeover of a frozen runner's bots depends on it).
// And a session the server ends in the middle of a transaction (that timeout, a restart) fails
// the transaction without taking the process down.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { sql } from 'drizzle-orm';
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

test('a session ended while its transaction waits between statements fails that transaction, is reported, and never crashes the process', { skip }, async () => {
  // FAILED before the fix: a pooled connection checked out for a transaction has no 'error'
  // listener of the pool's; the server's "terminating connection" (a restart, an ended idle
  // transaction) became an uncaught exception, and a runner process exited on it
  const database = await createTestDatabase();
  const backend = openPostgres({ url: database.url });
  const reported: string[] = [];
  backend.onConnectionError = (error) => void reported.push((error as Error).message);
  const uncaught: Error[] = [];
  const catchUncaught = (error: Error) => void uncaught.push(error);
  const previous = process.listeners('uncaughtException');
  process.removeAllListeners('uncaughtException');
  process.on('uncaughtException', catchUncaught);
  const other = new pg.Client({ connectionString: database.url });
  await other.connect();
  try {
    let pid = 0;
    const transaction = backend.db.transaction(async (tx) => {
      const rows = (await tx.execute(sql`select pg_backend_pid() as pid`)) as unknown as { rows: { pid: number }[] };
      pid = rows.rows[0]!.pid;
      await new Promise((resolve) => setTimeout(resolve, 1_000)); // between two statements
      await tx.execute(sql`select 1`);
    });
    const outcome = transaction.then(
      () => 'committed',
      (error: Error) => `failed: ${error.message}`,
    );
    while (pid === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    await other.query('select pg_terminate_backend($1::int)', [pid]);
    assert.match(await outcome, /^failed: /, 'the transaction reports the lost session');
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.deepEqual(uncaught.map((e) => e.message), [], 'no uncaught exception');
    assert.ok(reported.some((m) => /terminat/i.test(m)), `the lost connection was reported (${JSON.stringify(reported)})`);
    const after = (await backend.db.execute(sql`select 2 as two`)) as unknown as { rows: { two: number }[] };
    assert.equal(after.rows[0]!.two, 2, 'the pool goes on with a new connection');
  } finally {
    process.off('uncaughtException', catchUncaught);
    for (const listener of previous) process.on('uncaughtException', listener);
    await other.end();
    await backend.close();
    await database.drop();
  }
});
