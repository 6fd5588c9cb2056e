// LISTEN / NOTIFY on both backends: round trips, several subscribers, unlisten, the payload and
// channel checks; on PostgreSQL one dedicated connection survives being terminated (onReconnect
// runs, delivery resumes) and closes with storage; on PGlite, listeners survive a reopen.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { isEngineError } from '@mm/core';
import { BACKENDS, dropTestDatabases, pgliteBackend, postgresBackend, queryRows, silentOptions, suiteStorage, TEST_KEY, waitFor } from '../test-support/fixtures.ts';
import { ADMIN_URL, createTestDatabase } from '../test-support/postgres.ts';
import { LISTENER_APPLICATION_NAME } from './backend/pg-listener.ts';
import { openStorage } from './storage.ts';
import type { Storage } from './storage.ts';

function inbox(): { got: string[]; push: (p: string) => void } {
  const got: string[] = [];
  return { got, push: (p) => got.push(p) };
}

for (const backend of BACKENDS) {
  describe(`listen / notify on ${backend.name}`, { skip: backend.skip }, () => {
    let storage: Storage;
    suiteStorage(backend, (s) => (storage = s));

    test('a notification reaches every subscriber of its channel, and none after unlisten', async () => {
      const [one, two, other] = [inbox(), inbox(), inbox()];
      const offOne = await storage.listen('mm_test_a', one.push);
      const offTwo = await storage.listen('mm_test_a', two.push);
      const offOther = await storage.listen('mm_test_b', other.push);
      await storage.notify('mm_test_a', 'first');
      await storage.notify('mm_test_b', 'for b');
      await waitFor(() => two.got.length === 1 && other.got.length === 1, 10_000, 'first notifications');
      assert.deepEqual([one.got, two.got, other.got], [['first'], ['first'], ['for b']]);

      await offOne();
      await storage.notify('mm_test_a', 'second');
      await waitFor(() => two.got.length === 2, 10_000, 'second notification');
      assert.deepEqual(one.got, ['first'], 'one unlistened: delivered to two only (same delivery)');

      await offTwo();
      // a, then b: b arriving means a would have arrived before it
      await storage.notify('mm_test_a', 'nobody');
      await storage.notify('mm_test_b', 'sentinel');
      await waitFor(() => other.got.length === 2, 10_000, 'sentinel');
      assert.deepEqual([one.got, two.got], [['first'], ['first', 'second']]);
      await offOther();
    });

    test('several payloads in one call arrive in their order; an empty list sends nothing; each is checked', async () => {
      const box = inbox();
      const off = await storage.listen('mm_test_many', box.push);
      const sent = Array.from({ length: 40 }, (_, i) => `event ${String(i).padStart(2, '0')} ${'z'.repeat((i * 37) % 11)}`);
      await storage.notify('mm_test_many', sent.slice(0, 25));
      await storage.notify('mm_test_many', []);
      await storage.notify('mm_test_many', sent.slice(25));
      await waitFor(() => box.got.length >= sent.length, 10_000, 'every payload');
      assert.deepEqual(box.got, sent);
      await assert.rejects(storage.notify('mm_test_many', ['fine', 'x'.repeat(8_000)]), (e: unknown) => isEngineError(e, 'INVALID_ARGUMENT'));
      await storage.notify('mm_test_many', 'sentinel');
      await waitFor(() => box.got.length === sent.length + 1, 10_000, 'sentinel');
      assert.equal(box.got.at(-1), 'sentinel', 'nothing of the refused batch was sent');
      await off();
    });

    test('payloads up to 7999 bytes pass intact; larger ones and bad channel names are refused', async () => {
      const box = inbox();
      const off = await storage.listen('mm_test_size', box.push);
      const big = `{"x":"${'é'.repeat(3_990)}"}`; // 7988 bytes of UTF-8
      assert.ok(Buffer.byteLength(big) <= 7_999);
      await storage.notify('mm_test_size', big);
      await waitFor(() => box.got.length === 1, 10_000, 'the large payload');
      assert.equal(box.got[0], big);

      await assert.rejects(storage.notify('mm_test_size', 'x'.repeat(8_000)), (e: unknown) => isEngineError(e, 'INVALID_ARGUMENT') && /8000 bytes/.test(e.message) && /7999/.test(e.message));
      await assert.rejects(storage.notify('mm_test_size', 'é'.repeat(4_000)), (e: unknown) => isEngineError(e, 'INVALID_ARGUMENT'), 'bytes, not characters');
      for (const channel of ['Upper', 'has-dash', 'x; drop table bots', '1digit', '']) {
        await assert.rejects(storage.notify(channel, 'p'), (e: unknown) => isEngineError(e, 'INVALID_ARGUMENT'), channel);
        await assert.rejects(storage.listen(channel, () => undefined), (e: unknown) => isEngineError(e, 'INVALID_ARGUMENT'), channel);
      }
      await off();
    });
  });
}

/** Connections of the storage's LISTEN client on that database. */
async function listenerPids(database: string): Promise<number[]> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    const r = await client.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1 and application_name = $2', [database, LISTENER_APPLICATION_NAME]);
    return r.rows.map((row) => row.pid);
  } finally {
    await client.end();
  }
}

describe('the LISTEN connection on postgres', { skip: postgresBackend.skip }, () => {
  after(dropTestDatabases);

  test('one connection for every channel; it survives pg_terminate_backend, calls onReconnect, and closes with storage', async () => {
    const db = await createTestDatabase();
    const storage = await openStorage({ ...silentOptions, databaseUrl: db.url, env: {}, masterKey: TEST_KEY });
    try {
      assert.deepEqual(await listenerPids(db.name), [], 'opened only on the first listen');
      const [a, b] = [inbox(), inbox()];
      let reconnects = 0;
      await storage.listen('mm_test_a', a.push, () => reconnects++);
      await storage.listen('mm_test_b', b.push, () => reconnects++);
      await storage.listen('mm_test_c', () => undefined);
      const pids = await listenerPids(db.name);
      assert.equal(pids.length, 1, 'one dedicated connection for all channels');

      await queryRows(storage, sql`select pg_terminate_backend(${pids[0]}::int)`);
      await waitFor(() => reconnects === 2, 20_000, 'onReconnect of both subscribers');
      const now = await listenerPids(db.name);
      assert.equal(now.length, 1);
      assert.notEqual(now[0], pids[0], 'a new connection');
      await storage.notify('mm_test_a', 'after');
      await storage.notify('mm_test_b', 'after');
      await waitFor(() => a.got.length === 1 && b.got.length === 1, 10_000, 'delivery after the reconnect');
      assert.deepEqual([a.got, b.got], [['after'], ['after']]);
    } finally {
      await storage.close();
    }
    await waitFor(async () => (await listenerPids(db.name)).length === 0, 10_000, 'the LISTEN connection to close');
    await db.drop();
  });
});

describe('listeners on pglite survive a reopen', () => {
  test('after the instance was closed under storage and reopened, onReconnect runs and delivery resumes', async () => {
    const durable = await pgliteBackend.openDurable();
    const storage = durable.storage;
    try {
      const box = inbox();
      let reconnects = 0;
      await storage.listen('mm_test_reopen', box.push, () => reconnects++);
      await storage.notify('mm_test_reopen', 'before');
      await waitFor(() => box.got.length === 1, 10_000, 'before');
      await durable.down(true);
      await storage.ping(); // reopens the instance from its directory
      assert.equal(reconnects, 1);
      await storage.notify('mm_test_reopen', 'after');
      await waitFor(() => box.got.length === 2, 10_000, 'after the reopen');
      assert.deepEqual(box.got, ['before', 'after']);
    } finally {
      await storage.close();
      await durable.cleanup();
    }
  });
});
