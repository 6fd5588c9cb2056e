// Epoch fencing of the journal on both backends: with a fence set, the writes of a bot the runner
// no longer holds at its epoch are dropped (order intents throw LEASE_LOST, fills reject with it),
// while the other bots of the same batch, and writes without a bot, land.
import assert from 'node:assert/strict';
import { after, beforeEach, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { isEngineError } from '@mm/core';
import type { RiskTrip } from '@mm/core';
import { BACKENDS, dropTestDatabases, fill, order, postgresBackend, queryRows, seedBot, silentOptions, suiteStorage, TEST_KEY, truncateAll } from '../test-support/fixtures.ts';
import { createTestDatabase } from '../test-support/postgres.ts';
import type { JournalFence } from './journal/fence.ts';
import type { LeaseGrant } from './repos/fleet.ts';
import { openStorage } from './storage.ts';
import type { Storage } from './storage.ts';

const TTL = 10_000;
const trip = (message: string): RiskTrip => ({ rule: 'max_open_orders', value: '12', limit: '10', action: 'halt', message, at: 1_700_000_000_000 });

/** A fence holding exactly these grants, recording what it was told was refused. */
function fenceOf(runnerId: string, grants: readonly LeaseGrant[]): JournalFence & { refusals: [string, string][] } {
  const epochs = new Map(grants.map((g) => [g.botId, g.epoch]));
  const refusals: [string, string][] = [];
  return { runnerId, epochOf: (id) => epochs.get(id), refused: (botId, what) => refusals.push([botId, what]), refusals };
}

async function takeOver(storage: Storage, botId: string, runnerId: string): Promise<LeaseGrant> {
  await queryRows(storage, sql`update bot_leases set expires_at = now() - interval '1 second' where bot_id = ${botId}`);
  const [grant] = await storage.fleet.claimBots(runnerId, 1, TTL);
  assert.equal(grant?.botId, botId);
  return grant;
}

const ordersOf = async (storage: Storage, botId: string) => (await queryRows(storage, sql`select client_order_id from orders where bot_id = ${botId} order by client_order_id`)).map((r) => String(r.client_order_id));
const fillsOf = async (storage: Storage, botId: string) => (await queryRows(storage, sql`select trade_id from fills where bot_id = ${botId} order by trade_id`)).map((r) => String(r.trade_id));

for (const backend of BACKENDS) {
  describe(`journal fencing on ${backend.name}`, { skip: backend.skip }, () => {
    let storage: Storage;
    let a: string;
    let b: string;
    suiteStorage(backend, (s) => (storage = s));
    beforeEach(async () => {
      storage.journal.setFence(undefined);
      await truncateAll(storage);
      a = await seedBot(storage, 'a', 'acct-a');
      b = await seedBot(storage, 'b', 'acct-b');
    });

    test("a stale epoch's orders, fills and halt are dropped while the other bot's land; the holder's land too", async () => {
      const grants = await storage.fleet.claimBots('r1', 2, TTL);
      const stale = fenceOf('r1', grants);
      const newer = await takeOver(storage, a, 'r2'); // a moves to r2; r1 keeps b
      storage.journal.setFence(stale);

      const [oa, ob] = [order(), order()];
      await assert.rejects(storage.journal.recordIntent(a, oa, 'mm'), (e: unknown) => isEngineError(e, 'LEASE_LOST') && e.message.includes(oa.clientOrderId));
      await storage.journal.recordIntent(b, ob, 'mm');

      // one batch with both bots in it
      const [fa, fb] = [fill(), fill()];
      storage.journal.recordOrder(a, { ...oa, status: 'open', updatedAt: oa.createdAt + 1 }, 'mm');
      storage.journal.recordOrder(b, { ...ob, status: 'open', updatedAt: ob.createdAt + 1 }, 'mm');
      const fillA = storage.journal.recordFill(a, 'sim', fa, 'mm');
      const fillB = storage.journal.recordFill(b, 'sim', fb, 'mm');
      storage.journal.recordEvent({ botId: a, level: 'info', kind: 'log', message: 'stale event', at: 1 });
      storage.journal.recordEvent({ level: 'info', kind: 'log', message: 'no bot: passes', at: 2 });
      storage.journal.recordHalt(a, trip('stale halt')); // writes the batch at once
      await assert.rejects(fillA, (e: unknown) => isEngineError(e, 'LEASE_LOST'));
      assert.equal(await fillB, true);
      await storage.flush();

      assert.deepEqual(await ordersOf(storage, a), [], 'no order of a, not even the intent');
      assert.deepEqual(await ordersOf(storage, b), [ob.clientOrderId]);
      assert.equal((await storage.orders.get(ob.clientOrderId))?.status, 'open');
      assert.deepEqual(await fillsOf(storage, a), []);
      assert.deepEqual(await fillsOf(storage, b), [fb.tradeId]);
      assert.equal((await storage.bots.get(a))?.halt, undefined, 'the stale halt did not land');
      const events = (await queryRows(storage, sql`select message from events order by at`)).map((r) => String(r.message));
      assert.deepEqual(events, ['no bot: passes']);
      assert.equal(stale.refusals.length, 1, 'refused once per bot per batch');
      assert.equal(stale.refusals[0]![0], a);
      assert.match(stale.refusals[0]![1], /1 order, 1 fill, 1 event, 1 halt/);

      // the new holder writes a's records
      const holder = fenceOf('r2', [newer]);
      storage.journal.setFence(holder);
      await storage.journal.recordIntent(a, oa, 'mm');
      assert.equal(await storage.journal.recordFill(a, 'sim', fa, 'mm'), true);
      storage.journal.recordHalt(a, trip('real halt'));
      await storage.flush();
      assert.deepEqual(await ordersOf(storage, a), [oa.clientOrderId]);
      assert.deepEqual(await fillsOf(storage, a), [fa.tradeId]);
      assert.equal((await storage.bots.get(a))?.halt?.message, 'real halt');
      assert.deepEqual(holder.refusals, []);
      // r2 does not hold b: its writes for b are dropped
      await assert.rejects(storage.journal.recordIntent(b, order(), 'mm'), (e: unknown) => isEngineError(e, 'LEASE_LOST'));
    });

    test('a released or expired lease fences too; without a fence everything is written', async () => {
      const [ga] = await storage.fleet.claimBots('r1', 1, TTL);
      const fence = fenceOf('r1', [ga!]);
      storage.journal.setFence(fence);
      await storage.journal.recordIntent(ga!.botId, order(), 'mm');
      assert.equal(await storage.fleet.releaseLease('r1', ga!), true);
      await assert.rejects(storage.journal.recordIntent(ga!.botId, order(), 'mm'), (e: unknown) => isEngineError(e, 'LEASE_LOST'), 'released');
      await assert.rejects(storage.journal.recordIntent(b, order(), 'mm'), (e: unknown) => isEngineError(e, 'LEASE_LOST'), 'never held (no lease row)');

      storage.journal.setFence(undefined);
      const o = order();
      await storage.journal.recordIntent(b, o, 'mm');
      assert.equal(await storage.journal.recordFill(b, 'sim', fill(), 'mm'), true);
      assert.deepEqual(await ordersOf(storage, b), [o.clientOrderId]);
    });
  });
}

describe('fencing between two storages on one database (postgres)', { skip: postgresBackend.skip }, () => {
  after(dropTestDatabases);

  test("after a takeover the old runner's writes are refused and the new one's land", async () => {
    const db = await createTestDatabase();
    const open = () => openStorage({ ...silentOptions, databaseUrl: db.url, env: {}, masterKey: TEST_KEY });
    const one = await open();
    const two = await open();
    try {
      const bot = await seedBot(one, 'shared');
      const [first] = await one.fleet.claimBots('r1', 1, TTL);
      one.journal.setFence(fenceOf('r1', [first!]));
      await one.journal.recordIntent(bot, order(), 'mm');

      const second = await takeOver(two, bot, 'r2');
      assert.equal(second.epoch, first!.epoch + 1);
      two.journal.setFence(fenceOf('r2', [second]));
      assert.equal(await one.fleet.writeLive('r1', first!, { state: 'STALE' }), false);
      assert.equal(await two.fleet.writeLive('r2', second, { state: 'RUNNING' }), true);

      const [stale, fresh] = [order(), order()];
      await assert.rejects(one.journal.recordIntent(bot, stale, 'mm'), (e: unknown) => isEngineError(e, 'LEASE_LOST'));
      await two.journal.recordIntent(bot, fresh, 'mm');
      const [staleFill, freshFill] = [fill(), fill()];
      await assert.rejects(one.journal.recordFill(bot, 'sim', staleFill, 'mm'), (e: unknown) => isEngineError(e, 'LEASE_LOST'));
      assert.equal(await two.journal.recordFill(bot, 'sim', freshFill, 'mm'), true);
      await Promise.all([one.flush(), two.flush()]);
      assert.equal((await ordersOf(one, bot)).includes(stale.clientOrderId), false);
      assert.equal((await ordersOf(one, bot)).includes(fresh.clientOrderId), true);
      assert.deepEqual(await fillsOf(one, bot), [freshFill.tradeId]);
      assert.deepEqual((await two.fleet.readLive([bot])).get(bot)?.status, { state: 'RUNNING' });
    } finally {
      await Promise.all([one.close(), two.close()]);
      await db.drop();
    }
  });
});
