// The database goes away: writes fail with STORAGE_UNAVAILABLE (retryable), health turns
// 'degraded' with an event, queued writes wait, and everything recovers by itself.
// PostgreSQL: the test database refuses connections and its sessions are terminated.
// PGlite: the embedded instance is closed under storage (it reopens from its directory).
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { isEngineError } from '@mm/core';
import { BACKENDS, capturingLogger, dropTestDatabases, fill, order, seedBot, waitFor } from '../test-support/fixtures.ts';
import type { HealthChange } from './health.ts';

const unavailable = (e: unknown) => isEngineError(e, 'STORAGE_UNAVAILABLE') && e.retryable;

for (const backend of BACKENDS) {
  describe(`database outage on ${backend.name}`, { skip: backend.skip }, () => {
    after(dropTestDatabases);

    test('writes fail as STORAGE_UNAVAILABLE, health degrades, queued writes survive and recover', async () => {
      const logger = capturingLogger();
      const durable = await backend.openDurable({ logger, health: { probeBaseMs: 50, probeMaxMs: 300 }, queue: { retryBaseMs: 50, retryMaxMs: 300 } });
      const { storage } = durable;
      try {
        const botId = await seedBot(storage);
        const changes: HealthChange[] = [];
        storage.bus.on('health', (c) => changes.push(c));
        const placed = order();
        await storage.journal.recordIntent(botId, placed, 'mm');

        await durable.down(true);
        await assert.rejects(storage.journal.recordIntent(botId, order(), 'mm'), unavailable);
        if (backend.name === 'postgres') assert.equal(storage.health, 'degraded');
        await waitFor(() => changes.length > 0, 5_000, 'a health event');
        assert.equal(changes[0]?.state, 'degraded');
        assert.ok(changes[0]?.reason, 'the event says why');

        // while degraded: fills are queued (and the caller told), order updates wait in the queue
        const f = fill();
        if (storage.health === 'degraded') await assert.rejects(storage.journal.recordFill(botId, 'sim', f, 'mm'), unavailable);
        else void storage.journal.recordFill(botId, 'sim', f, 'mm').catch(() => undefined);
        storage.journal.recordOrder(botId, { ...placed, status: 'open', venueOrderId: 'V1' }, 'mm');
        storage.journal.recordEvent({ botId, level: 'error', kind: 'storage', message: 'written after the outage', at: 1 });
        if (backend.name === 'postgres') {
          await assert.rejects(storage.ping(), unavailable);
          await assert.rejects(storage.flush(), unavailable);
          assert.ok(storage.journal.pending >= 3, 'nothing dropped');
        }

        await durable.down(false);
        await waitFor(() => storage.health === 'ok', 10_000, 'health to recover');
        await waitFor(() => storage.journal.pending === 0, 10_000, 'the queue to drain');
        assert.deepEqual(changes.map((c) => c.state), ['degraded', 'ok']);
        assert.equal((await storage.orders.get(placed.clientOrderId))?.status, 'open');
        assert.equal(await storage.fills.count({ botId }), 1);
        assert.equal((await storage.events.list({ botId, kind: 'storage' })).total, 1);
        assert.equal(await storage.journal.recordFill(botId, 'sim', f, 'mm'), false, 'the queued fill was the one stored');
        await storage.journal.recordIntent(botId, order(), 'mm');
        assert.equal((await storage.ping()).ok, true);
        assert.ok(logger.lines.some((l) => l.includes('storage degraded')));
      } finally {
        await storage.close();
        await durable.cleanup();
      }
    });

    test('a database that stops answering: recordIntent gives up after its timeout, and the late row is harmless', async () => {
      const durable = await backend.openDurable({ journal: { intentTimeoutMs: 300 }, health: { probeBaseMs: 50, probeMaxMs: 200 } });
      const { storage } = durable;
      try {
        const botId = await seedBot(storage);
        const changes: string[] = [];
        storage.bus.on('health', (c) => changes.push(c.state));
        // another session holds the orders table (PostgreSQL) or the whole database (PGlite) for a second
        let release!: () => void;
        const held = new Promise<void>((r) => (release = r));
        let locked!: () => void;
        const isLocked = new Promise<void>((r) => (locked = r));
        const holder = storage.context.db.transaction(async (tx) => {
          await tx.execute(sql`lock table orders in access exclusive mode`);
          locked();
          await held;
        });
        await isLocked;
        const o = order();
        const started = Date.now();
        await assert.rejects(storage.journal.recordIntent(botId, o, 'mm'), (e: unknown) => unavailable(e) && /not confirmed within 300 ms/.test((e as Error).message));
        assert.ok(Date.now() - started < 2_000);
        assert.equal(storage.health, 'degraded');
        // the engine marks the unsent order rejected; that update must win over the late intent
        storage.journal.recordOrder(botId, { ...o, status: 'rejected', reason: 'not sent: the order journal is unavailable' }, 'mm');
        setTimeout(release, 300);
        await holder;
        await waitFor(() => storage.health === 'ok', 10_000, 'health to recover');
        await storage.flush();
        assert.equal((await storage.orders.get(o.clientOrderId))?.status, 'rejected');
        assert.deepEqual(changes, ['degraded', 'ok']);
      } finally {
        await storage.close();
        await durable.cleanup();
      }
    });

    if (backend.name === 'postgres') {
      test('close() during an outage gives up after its timeout and says what was lost', async () => {
        const logger = capturingLogger();
        const durable = await backend.openDurable({ logger, closeTimeoutMs: 300, health: { probeBaseMs: 50, probeMaxMs: 100 } });
        const { storage } = durable;
        try {
          const botId = await seedBot(storage);
          await durable.down(true);
          storage.journal.recordEvent({ botId, level: 'info', kind: 'log', message: 'never written', at: 1 });
          await storage.close();
          assert.ok(logger.lines.some((l) => l.includes('they are lost') && l.includes('"unwritten":1')));
          await assert.rejects(storage.journal.recordIntent(botId, order(), 'mm'), (e: unknown) => isEngineError(e, 'ILLEGAL_STATE'));
        } finally {
          await durable.down(false);
          await durable.cleanup();
        }
      });
    }
  });
}
