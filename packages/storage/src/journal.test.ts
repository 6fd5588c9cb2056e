// The engine's write path on both backends: intents committed before they resolve, fills stored
// exactly once, batched writes flushed (and kept across close), a 1,000-fill burst that leaves
// the event loop responsive, and what a restarting bot gets back.
import assert from 'node:assert/strict';
import { after, beforeEach, describe, test } from 'node:test';
import { isEngineError } from '@mm/core';
import { BACKENDS, dropTestDatabases, fill, INSTRUMENT, order, seedBot, suiteStorage, truncateAll, waitFor } from '../test-support/fixtures.ts';
import type { Storage } from './storage.ts';

const DAY = 86_400_000;

for (const backend of BACKENDS) {
  describe(`journal on ${backend.name}`, { skip: backend.skip }, () => {
    let storage: Storage;
    let botId: string;
    suiteStorage(backend, (s) => (storage = s));
    beforeEach(async () => {
      await truncateAll(storage);
      botId = await seedBot(storage);
    });

    test('recordIntent resolves after the order row is committed, with exact decimals', async () => {
      const o = order();
      await storage.journal.recordIntent(botId, o, 'mm');
      // not queued: already in the table when the promise resolved
      assert.equal(storage.journal.pending, 0);
      const row = await storage.orders.get(o.clientOrderId);
      assert.ok(row, 'the intent row exists');
      assert.equal(row.status, 'pending_new');
      assert.equal(row.price, '50000.12');
      assert.equal(row.qty, '1.5');
      assert.equal(row.filledQty, '0');
      assert.equal(row.venue, 'sim');
      assert.equal(row.tag, 'mm');
    });

    test('recordIntent for a bot that is not in the database is refused', async () => {
      await assert.rejects(storage.journal.recordIntent('3f1c4b9e-0000-4000-8000-000000000000', order(), 'mm'), (e: unknown) => isEngineError(e, 'NOT_FOUND'));
      await assert.rejects(storage.journal.recordIntent('not-a-uuid', order(), 'mm'), (e: unknown) => isEngineError(e, 'NOT_FOUND'));
    });

    test('recordOrder updates are queued, collapsed and flushed', async () => {
      const o = order();
      await storage.journal.recordIntent(botId, o, 'volume');
      const before = (storage as unknown as { queue: { batchesWritten: number } }).queue.batchesWritten;
      storage.journal.recordOrder(botId, { ...o, status: 'open', venueOrderId: 'V1', updatedAt: o.createdAt + 1 }, 'volume');
      storage.journal.recordOrder(botId, { ...o, status: 'partially_filled', venueOrderId: 'V1', filledLots: 500, filledTickLots: 500n * 5_000_012n, updatedAt: o.createdAt + 2 }, 'volume');
      storage.journal.recordOrder(botId, { ...o, status: 'filled', venueOrderId: 'V1', filledLots: 1_500, filledTickLots: 1_500n * 5_000_012n, updatedAt: o.createdAt + 3 }, 'volume');
      assert.equal(storage.journal.pending, 3);
      await waitFor(() => storage.journal.pending === 0, 5_000, 'the queue to flush by itself');
      const row = await storage.orders.get(o.clientOrderId);
      assert.equal(row?.status, 'filled');
      assert.equal(row?.filledQty, '1.5');
      assert.equal(row?.venueOrderId, 'V1');
      assert.equal(row?.updatedAt, o.createdAt + 3);
      const batches = (storage as unknown as { queue: { batchesWritten: number } }).queue.batchesWritten - before;
      assert.equal(batches, 1, 'three updates, one transaction');
    });

    test('a fill is stored once per venue + symbol + trade id + order: one side of a trade', async () => {
      const f = fill({ tradeId: 'T-1' });
      assert.equal(await storage.journal.recordFill(botId, 'sim', f, 'mm'), true);
      assert.equal(await storage.journal.recordFill(botId, 'sim', { ...f, receivedAt: f.receivedAt + 5 }, 'mm'), false, 'a replay is not new');
      // the same trade id delivered twice in one batch (stream and REST)
      const t2 = fill({ tradeId: 'T-2' });
      const [a, b] = await Promise.all([storage.journal.recordFill(botId, 'sim', t2, 'mm'), storage.journal.recordFill(botId, 'sim', { ...t2 }, 'mm')]);
      assert.deepEqual([a, b].sort(), [false, true]);
      // the key is venue + symbol + trade id: other symbols and venues are other trades
      assert.equal(await storage.journal.recordFill(botId, 'sim', fill({ tradeId: 'T-1', symbol: 'ETHUSDT' }), 'mm'), true);
      assert.equal(await storage.journal.recordFill(botId, 'asterdex', fill({ tradeId: 'T-1' }), 'mm'), true);
      assert.equal(await storage.fills.count({ botId }), 4);
      assert.equal(await storage.journal.recordFill(botId, 'sim', f, 'mm'), false);
      assert.equal(await storage.fills.count({ botId }), 4, 'the duplicate changed nothing');
      // the other side of trade T-1 (another of our accounts was the counterparty) is its own fill
      assert.equal(await storage.journal.recordFill(botId, 'sim', { ...f, clientOrderId: `${f.clientOrderId}other`, side: 'sell' }, 'mm'), true);
      assert.equal(await storage.fills.count({ botId }), 5);

      const page = await storage.fills.list({ botId, symbol: 'BTCUSDT', limit: 10 });
      const t1 = page.items.find((x) => x.tradeId === 'T-1' && x.venue === 'sim');
      assert.equal(t1?.price, '50000.12');
      assert.equal(t1?.qty, '0.25');
      assert.equal(t1?.notional, '12500.03');
      assert.equal(t1?.fee, '0.0125');
      // hourly volume counts each new fill once, in the same transaction
      const hours = await storage.hourlyVolume.list({ botId });
      assert.equal(hours.reduce((n, h) => n + h.fills, 0), 5);
      assert.equal(hours.map((h) => h.maker).reduce((s, m) => s + Number(m), 0).toFixed(2), (12500.03 * 5).toFixed(2));
    });

    test('hourly volume splits maker, taker and the volume leg by hour', async () => {
      const hour = Math.floor(1_700_000_000_000 / 3_600_000) * 3_600_000;
      await Promise.all([
        storage.journal.recordFill(botId, 'sim', fill({ venueTime: hour + 10, liquidity: 'maker' }), 'mm'),
        storage.journal.recordFill(botId, 'sim', fill({ venueTime: hour + 20, liquidity: 'taker', qtyLots: 1_000 }), 'volume'),
        storage.journal.recordFill(botId, 'sim', fill({ venueTime: hour + 3_600_000, liquidity: 'maker' }), 'volume'),
      ]);
      const hours = await storage.hourlyVolume.list({ botId });
      assert.deepEqual(
        hours.map((h) => [h.hourStart - hour, h.maker, h.taker, h.volumeLeg, h.total, h.fills]),
        [
          [0, '12500.03', '50000.12', '50000.12', '62500.15', 2],
          [3_600_000, '12500.03', '0', '12500.03', '12500.03', 1],
        ],
      );
    });

    // how long the loop stalls is a figure for bench/storage.bench.ts (machine-dependent); here:
    // the writes come in a handful of transactions, and the loop gets turns while they run
    test('a burst of 1,000 fills goes out in batches and the event loop stays responsive', async (t) => {
      let maxGap = 0;
      let turns = 0;
      let last = performance.now();
      let ticking = true;
      const tick = () => {
        const now = performance.now();
        maxGap = Math.max(maxGap, now - last);
        last = now;
        turns++;
        if (ticking) setImmediate(tick);
      };
      setImmediate(tick);
      const queue = (storage as unknown as { queue: { batchesWritten: number } }).queue;
      const batchesBefore = queue.batchesWritten;
      const results = await Promise.all(Array.from({ length: 1_000 }, (_, i) => storage.journal.recordFill(botId, 'sim', fill({ tradeId: `burst-${i}` }), i % 2 === 0 ? 'mm' : 'volume')));
      ticking = false;
      assert.equal(results.filter(Boolean).length, 1_000);
      assert.equal(await storage.fills.count({ botId }), 1_000);
      const batches = queue.batchesWritten - batchesBefore;
      assert.ok(batches >= 5 && batches <= 40, `written in a handful of transactions (${batches})`);
      t.diagnostic(`${backend.name}: ${batches} transactions, ${turns} loop turns, longest event-loop gap ${maxGap.toFixed(1)} ms`);
      assert.ok(turns > batches, `the event loop ran ${turns} times during ${batches} transactions`);
      const hours = await storage.hourlyVolume.list({ botId });
      assert.equal(hours.reduce((n, h) => n + h.fills, 0), 1_000);
    });

    test('loadState returns live orders, today\'s fills, the newest fill time, the halt and the day\'s net PnL peak', async () => {
      const dayStart = Math.floor(1_700_000_000_000 / DAY) * DAY;
      const live1 = order({}, dayStart + 1_000);
      const live2 = order({ side: 'sell', priceTicks: 5_000_100, reduceOnly: true }, dayStart + 2_000);
      const done = order({}, dayStart + 3_000);
      for (const o of [live1, live2, done]) await storage.journal.recordIntent(botId, o, 'mm');
      storage.journal.recordOrder(botId, { ...live2, status: 'partially_filled', venueOrderId: 'V2', filledLots: 100, filledTickLots: 100n * 5_000_100n, pendingAmend: { priceTicks: 5_000_200, qtyLots: 1_500 } }, 'mm');
      storage.journal.recordOrder(botId, { ...done, status: 'canceled', reason: 'refresh' }, 'mm');
      const yesterday = fill({ venueTime: dayStart - 60_000 });
      const today1 = fill({ venueTime: dayStart + 10_000, realizedPnl: -1_500_000_000_000_000n });
      const today2 = fill({ venueTime: dayStart + 20_000, side: 'sell', liquidity: 'taker' });
      await Promise.all([yesterday, today1, today2].map((f) => storage.journal.recordFill(botId, 'sim', f, 'volume')));
      const trip = { rule: 'daily_loss' as const, value: '-120', limit: '-100', action: 'halt' as const, message: 'daily loss limit', at: dayStart + 30_000 };
      storage.journal.recordHalt(botId, trip);
      // stats: the net PnL peaked at 22.5 today (yesterday's 50 does not count)
      for (const [at, equity, net] of [
        [dayStart - 5_000, '2000', '50'],
        [dayStart + 1_000, '1010', '22.5'],
        [dayStart + 12_000, '1000', '12.5'],
      ] as const) {
        storage.journal.recordStats({ botId, at, equity, pnl: { realized: '1', unrealized: '0', fees: '0.1', net, today: '0' }, volume: { total: '100' } });
      }
      const state = await storage.journal.loadState(botId, dayStart);
      assert.deepEqual(state.liveOrders.map((o) => o.order.clientOrderId).sort(), [live1.clientOrderId, live2.clientOrderId].sort());
      const restored = state.liveOrders.find((o) => o.order.clientOrderId === live2.clientOrderId)!;
      assert.deepEqual(restored.order, { ...live2, status: 'partially_filled', venueOrderId: 'V2', filledLots: 100, filledTickLots: 100n * 5_000_100n, pendingAmend: { priceTicks: 5_000_200, qtyLots: 1_500 } });
      assert.equal(restored.tag, 'mm');
      assert.deepEqual(state.fillsToday.map((f) => f.fill), [today1, today2]);
      assert.ok(state.fillsToday.every((f) => f.tag === 'volume'));
      assert.equal(state.lastFillTime, today2.venueTime);
      assert.deepEqual(state.halt, trip);
      assert.equal(state.peakNet, '22.5');

      storage.journal.recordHalt(botId, undefined);
      const cleared = await storage.journal.loadState(botId, dayStart);
      assert.equal(cleared.halt, undefined);
    });

    test('a bot without history restores to an empty state', async () => {
      const state = await storage.journal.loadState(botId, Date.now());
      assert.deepEqual(state, { liveOrders: [], fillsToday: [], lastFillTime: undefined, halt: undefined });
    });

    test('events, risk events and stats from the bot bus are stored', async () => {
      const { EventBus } = await import('@mm/core');
      const bus = new EventBus<Record<string, unknown>>();
      const off = storage.journal.attach(bus as never);
      bus.emit('log', { botId, level: 'info', message: 'quoting started', at: 1_000 });
      bus.emit('log', { botId, level: 'debug', message: 'too chatty to keep', at: 1_001 });
      bus.emit('state', { botId, state: 'ERROR', previous: 'RUNNING', reason: 'venue down', at: 1_002 });
      bus.emit('risk', { botId, type: 'trip', rule: 'drawdown', value: '6 %', limit: '5 %', action: 'halt', message: 'drawdown 6 % over 5 %', at: 1_003 });
      bus.emit('risk', { botId, type: 'denial', rule: 'max_order_notional', value: '120', limit: '100', action: 'deny', message: 'order too large', at: 1_004 });
      bus.emit('stats', { botId, at: 1_005, equity: '100.5', pnl: { realized: '1', unrealized: '0', fees: '0', net: '1', today: '1' }, volume: { total: '0' }, openOrders: 4, base: '1', quote: '50' });
      off();
      await storage.flush();
      const events = await storage.events.list({ botId });
      assert.deepEqual(events.items.map((e) => [e.kind, e.level]), [
        ['risk', 'warn'],
        ['state', 'error'],
        ['log', 'info'],
      ]);
      assert.equal(events.items[1]?.message, 'RUNNING → ERROR: venue down');
      const risk = await storage.riskEvents.list({ botId });
      assert.deepEqual(risk.items.map((r) => r.type), ['denial', 'trip']);
      const stats = await storage.stats.list({ botId });
      assert.equal(stats.length, 1);
      assert.equal(stats[0]?.equity, '100.5');
      assert.equal(stats[0]?.openOrders, 4);
    });
  });

  describe(`journal durability on ${backend.name}`, { skip: backend.skip }, () => {
    after(dropTestDatabases);

    test('queued writes are flushed by close() and read back after reopening', async () => {
      const durable = await backend.openDurable();
      const { storage } = durable;
      try {
        const botId = await seedBot(storage);
        const o = order();
        await storage.journal.recordIntent(botId, o, 'mm');
        storage.journal.recordOrder(botId, { ...o, status: 'open', venueOrderId: 'V9' }, 'mm');
        const f = fill();
        const isNew = storage.journal.recordFill(botId, 'sim', f, 'mm');
        storage.journal.recordEvent({ botId, level: 'warn', kind: 'log', message: 'written on close', at: 5 });
        storage.journal.recordStats({ botId, at: 10, equity: '1' });
        storage.journal.recordStats({ botId, at: 20, equity: '3' }); // sampled: kept for close()
        await storage.close();
        assert.equal(await isNew, true);

        const again = await durable.reopen();
        try {
          assert.equal((await again.orders.get(o.clientOrderId))?.status, 'open');
          assert.equal(await again.fills.count({ botId }), 1);
          assert.equal((await again.events.list({ botId, text: 'close' })).total, 1);
          assert.deepEqual((await again.stats.list({ botId })).map((s) => s.equity), ['1', '3']);
          assert.equal(await again.journal.recordFill(botId, 'sim', f, 'mm'), false, 'still unique after a restart');
        } finally {
          await again.close();
        }
      } finally {
        await storage.close();
        await durable.cleanup();
      }
    });
  });
}

test('the instrument grid of the fixtures', () => {
  // guards the expected decimals above: 5,000,012 ticks of 0.01 and 1,500 lots of 0.001
  assert.equal(INSTRUMENT.ticksToPrice(5_000_012), '50000.12');
  assert.equal(INSTRUMENT.lotsToQty(1_500), '1.500');
});
