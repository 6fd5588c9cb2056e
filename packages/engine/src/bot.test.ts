import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimClock, fx } from '@mm/core';
import type { BotConfig } from '@mm/core';
import type { VenueAdapter } from '@mm/exchange';
import { SPOT_MARKET, T0, paperSetup } from '../test-support/paper.ts';

test('a bot syncs, quotes its grid post-only around the reference and reaches RUNNING', async () => {
  const s = paperSetup();
  await s.startBot('b1', s.config({ marketMaking: { bidLevels: 3, askLevels: 3, bidBudgetQuote: '600', askBudgetBase: '600' } }));
  const bot = s.manager.get('b1');
  assert.equal(bot.state, 'RUNNING');
  const open = s.world.exchange.openOrders('acct', 'TSTUSDT');
  assert.equal(open.length, 6);
  assert.ok(open.every((o) => o.timeInForce === 'POST_ONLY' && bot.orders.owns(o.clientOrderId)));
  const fair = s.world.simulators[0]!.fairPrice;
  const bids = open.filter((o) => o.side === 'buy').map((o) => o.priceTicks / 10_000);
  const asks = open.filter((o) => o.side === 'sell').map((o) => o.priceTicks / 10_000);
  assert.ok(Math.max(...bids) < fair && Math.min(...asks) > fair, `bids ${bids} asks ${asks} around ${fair}`);
});

test('pause pulls every order, resume quotes again, stop leaves zero own orders', async () => {
  const s = paperSetup();
  await s.startBot('b1', s.config({ marketMaking: { bidLevels: 2, askLevels: 2 } }));
  const bot = s.manager.get('b1');
  const pausing = bot.pause();
  await s.advance(1_000);
  await pausing;
  assert.equal(bot.state, 'PAUSED');
  assert.equal(s.world.exchange.openOrders('acct', 'TSTUSDT').length, 0);
  await s.advance(10_000);
  assert.equal(s.world.exchange.openOrders('acct', 'TSTUSDT').length, 0, 'a paused bot places nothing');
  const resuming = bot.resume();
  await s.advance(1_000);
  await resuming;
  assert.equal(bot.state, 'RUNNING');
  assert.equal(s.world.exchange.openOrders('acct', 'TSTUSDT').length, 4);
  const stopping = bot.stop();
  await s.advance(5_000);
  await stopping;
  assert.equal(bot.state, 'STOPPED');
  assert.equal(s.world.exchange.openOrders('acct', 'TSTUSDT').length, 0);
  assert.equal(bot.orders.liveCount, 0);
});

test('illegal commands are refused with a clear error', async () => {
  const s = paperSetup();
  await s.startBot('b1', s.config());
  const bot = s.manager.get('b1');
  await assert.rejects(bot.resume(), /RUNNING cannot resume/);
  await assert.rejects(bot.start(), /only from INIT or STOPPED/);
  assert.throws(() => bot.updateConfig({ ...bot.config, symbol: 'TSTPERP' }), /symbol cannot change while the bot runs/);
});

test('a bot whose strategy throws goes to ERROR while its neighbour keeps trading, then recovers once fixed', async () => {
  const s = paperSetup();
  await s.startBot('good', s.config({ accountId: 'acct', marketMaking: { bidLevels: 2, askLevels: 2 } }));
  await s.startBot('bad', s.config({ accountId: 'acct2', marketMaking: { bidLevels: 2, askLevels: 2 } }));
  const good = s.manager.get('good');
  const bad = s.manager.get('bad');
  // a config that bypassed validation makes the grid computation throw
  const broken = { ...bad.config, marketMaking: { ...bad.config.marketMaking, bidBudgetQuote: 'not-a-number' } } as BotConfig;
  bad.updateConfig(broken);
  await s.advance(6_000);
  assert.equal(bad.state, 'ERROR');
  assert.match(bad.error ?? '', /not a decimal/);
  assert.equal(s.world.exchange.openOrders('acct2', 'TSTUSDT').length, 0, 'the failed bot pulled its orders');
  const fillsBefore = good.stats().volume.total;
  await s.advance(120_000);
  assert.equal(good.state, 'RUNNING');
  assert.ok(fx.parse(good.stats().volume.total) > fx.parse(fillsBefore), 'the neighbour kept trading');
  bad.updateConfig({ ...broken, marketMaking: { ...broken.marketMaking, bidBudgetQuote: '500' } });
  await s.advance(70_000);
  assert.equal(bad.state, 'RUNNING', 'the retry with a fixed config recovers');
});

test('stop books a fill that raced the cancels and had not arrived over the stream yet', async () => {
  // the private stream lags 3 s, so a fill just before the stop is known only to the venue
  const s = paperSetup({ latency: { orderEntryMs: 5, responseMs: 5, marketDataMs: 5, privateMs: 3_000 }, markets: [{ ...SPOT_MARKET, takers: { perSecond: 5, medianNotional: 200 } }] });
  await s.startBot('b1', s.config({ marketMaking: { bidLevels: 3, askLevels: 3, bidSpread: { minPct: 0.01, maxPct: 0.1 }, askSpread: { minPct: 0.01, maxPct: 0.1 } } }));
  const venueFills = () => s.world.exchange.fills('acct', { symbol: 'TSTUSDT' });
  const booked = () => [...s.journal.fills.values()].filter((f) => f.botId === 'b1');
  for (let i = 0; i < 600 && venueFills().length <= booked().length; i++) await s.advance(100);
  assert.ok(venueFills().length > booked().length, 'a fill is still on its way');
  const stopping = s.manager.get('b1').stop();
  await s.advance(2_000);
  await stopping;
  assert.equal(s.manager.get('b1').state, 'STOPPED');
  const ids = new Set(booked().map((f) => f.fill.tradeId));
  assert.deepEqual(venueFills().filter((f) => !ids.has(f.tradeId)).map((f) => f.tradeId), [], 'every venue fill is booked by the time the stop returns');
});

/** The world's adapters with placements that take `delay.ms` to reach the venue (0 = as usual). */
function slowPlacements(clock: { sleep(ms: number): Promise<void> }, delay: { ms: number }) {
  return (adapter: VenueAdapter): VenueAdapter =>
    new Proxy(adapter, {
      get(target, key) {
        if (key === 'placeOrders') {
          return async (requests: Parameters<VenueAdapter['placeOrders']>[0]) => {
            if (delay.ms > 0) await clock.sleep(delay.ms);
            return target.placeOrders(requests);
          };
        }
        const value: unknown = Reflect.get(target, key, target);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
}

/** A quoting bot whose placements now take 1.5 s to arrive, caught while some are on their way. */
async function botWithPlacementsInFlight() {
  const clock = new SimClock(T0);
  const delay = { ms: 0 };
  const s = paperSetup({ clock, wrapAdapter: slowPlacements(clock, delay) });
  await s.startBot('b1', s.config({ marketMaking: { bidLevels: 2, askLevels: 2, refresh: { intervalMs: 1_000, tolerancePct: 0 } } }));
  const bot = s.manager.get('b1');
  delay.ms = 1_500;
  const onTheirWay = () => bot.orders.live().filter((o) => o.record.status === 'pending_new').map((o) => o.record.clientOrderId);
  for (let i = 0; i < 200 && onTheirWay().length === 0; i++) await s.advance(50);
  const inFlight = onTheirWay();
  assert.ok(inFlight.length > 0, 'a placement is on its way to the venue');
  return { s, bot, inFlight };
}

for (const action of ['stop', 'pause', 'kill'] as const) {
  test(`${action} waits for placements in flight, so none lands at the venue after the cancels`, async () => {
    const { s, bot } = await botWithPlacementsInFlight();
    const venueOrders = () => s.world.exchange.openOrders('acct', 'TSTUSDT').map((o) => o.clientOrderId);
    // what is left the moment the action returns (a halted bot's next refresh would tidy up later)
    const acting = bot[action]().then(() => ({ live: bot.orders.liveCount, atVenue: venueOrders() }));
    await s.advance(10_000);
    const whenDone = await acting;
    assert.deepEqual(whenDone, { live: 0, atVenue: [] }, 'no own order open or on its way when the action returns');
    assert.deepEqual(venueOrders(), [], 'and none arrives at the venue afterwards');
    assert.equal(bot.state, { stop: 'STOPPED', pause: 'PAUSED', kill: 'RUNNING' }[action]);
    if (action === 'kill') assert.equal(bot.tradingState, 'HALTED');
  });
}

test('a cancel asked for while the order is on its way follows the venue answer instead of overtaking it', async () => {
  const { s, bot, inFlight: ids } = await botWithPlacementsInFlight();
  void bot.cancelAll();
  await s.advance(2_000);
  // each of those orders reached the venue and was cancelled right after, not left resting
  const statuses = ids.map((id) => s.world.exchange.getOrder('acct', { clientOrderId: id })?.status);
  assert.deepEqual(statuses, ids.map(() => 'canceled'));
  assert.deepEqual(ids.map((id) => bot.orders.get(id)?.record.status), ids.map(() => 'canceled'));
});
