// The replay world end to end: recorded events on a SimClock, SimVenues with latency, and a
// real Bot quoting on it through the BotManager, as the backtest runs one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimClock, botConfigSchema, fx } from '@mm/core';
import type { BookSnapshot, InstrumentDef, PublicTrade } from '@mm/core';
import { BotManager, MemoryJournal } from '@mm/engine';
import type { MarketEvent } from '@mm/market-data';
import { syntheticRecording } from './synthetic.ts';
import { RECORDED_MARKET_ACCOUNT } from './market.ts';
import { ReplayWorld } from './world.ts';
import type { ReplayWorldOptions } from './world.ts';

const SPOT: InstrumentDef = { symbol: 'RECUSDT', base: 'REC', quote: 'USDT', kind: 'spot', tickSize: '0.01', lotSize: '0.1', minQty: '0.1', minNotional: '1' };
const PERP: InstrumentDef = { ...SPOT, symbol: 'RECUSDT-PERP', kind: 'perp' };
const T0 = Date.UTC(2026, 2, 2);

function recording(events: number, instrument = SPOT, seed = 3): MarketEvent[] {
  return syntheticRecording({ instrument, seed, start: T0, events, startBid: '100.00', eventsPerSecond: 40 });
}

async function runBot(options: { seed: number; minutes: number; queueModel?: ReplayWorldOptions['queueModel'] }) {
  const clock = new SimClock(T0);
  const world = new ReplayWorld({
    clock,
    seed: options.seed,
    instrument: SPOT,
    events: recording(options.minutes * 60 * 40),
    defaultFunding: { USDT: '20000', REC: '200' },
    ...(options.queueModel === undefined ? {} : { queueModel: options.queueModel }),
  });
  const config = botConfigSchema.parse({
    name: 'replay maker',
    accountId: 'bt',
    symbol: SPOT.symbol,
    seed: options.seed,
    marketMaking: {
      bidLevels: 3,
      askLevels: 3,
      bidSpread: { minPct: 0.01, maxPct: 0.05 },
      askSpread: { minPct: 0.01, maxPct: 0.05 },
      bidBudgetQuote: '3000',
      askBudgetBase: '30',
      breakEvenFloor: false,
      refresh: { intervalMs: 1000, tolerancePct: 0.02 },
    },
  });
  const manager = new BotManager({ clock, journal: new MemoryJournal((s) => world.exchange.instrument(s)), venues: world, timings: { statsIntervalMs: 60_000 } });
  const fills: { liquidity: string; tag: string }[] = [];
  manager.events.on('fill', (e) => fills.push({ liquidity: e.fill.liquidity, tag: e.tag }));
  const trips: string[] = [];
  manager.events.on('risk', (e) => {
    if (e.type === 'trip') trips.push(e.rule);
  });
  const bot = await manager.add('replay', config);
  world.start();
  const starting = manager.start(bot.id);
  // to the end of the recording: after it the market falls silent and the bot's stale-data guard acts
  const end = Math.ceil(world.span!.end);
  for (let t = T0; t < end; ) {
    t = Math.min(end, t + 60_000);
    await clock.runUntil(t);
  }
  await starting;
  const state = bot.state;
  const stopping = bot.stop('done');
  await clock.runUntil(end + 30_000);
  await stopping;
  await world.closeAll();
  return { world, fills, state, trips };
}

test('a real bot quoting on a recorded market gets maker fills from it, never trading with itself', async () => {
  const { world, fills, state, trips } = await runBot({ seed: 1, minutes: 10 });
  assert.equal(state, 'RUNNING');
  assert.deepEqual(trips, [], 'no risk limit tripped (stale data included)');
  const maker = fills.filter((f) => f.liquidity === 'maker').length;
  assert.ok(maker >= 5, `maker fills: ${maker} of ${fills.length}`);
  assert.equal(world.exchange.counters.selfTrades, 0);
  const market = world.market(SPOT.symbol);
  assert.equal(market.counters.fills, maker, 'every maker fill came from the recorded market');
  assert.ok(world.finished, 'the whole recording was played');
  assert.equal(market.counters.offGrid + market.counters.invalid, 0);
});

test('same recording, same seed: the same fills; the queue model changes them', async () => {
  const a = await runBot({ seed: 4, minutes: 5 });
  const b = await runBot({ seed: 4, minutes: 5 });
  const c = await runBot({ seed: 4, minutes: 5, queueModel: 'risk-averse' });
  const key = (r: typeof a) => JSON.stringify(r.world.exchange.fills('bt').map((f) => [f.tradeId, f.side, f.priceTicks, f.qtyLots, f.liquidity, f.venueTime, String(f.fee)]));
  assert.ok(a.world.exchange.fills('bt').length > 0);
  assert.equal(key(a), key(b));
  assert.notEqual(key(c), key(a));
});

test('bots get the recorded trades and books mdLatencyMs after exchange time', async () => {
  const clock = new SimClock(T0);
  const world = new ReplayWorld({ clock, instrument: SPOT, events: recording(2000), latency: { orderEntryMs: 0, responseMs: 0, privateMs: 0 }, mdLatencyMs: 40, bookIntervalMs: 100 });
  const venue = world.venue('watcher', 'spot');
  const trades: PublicTrade[] = [];
  const books: BookSnapshot[] = [];
  venue.events.on('trade', (t) => trades.push(t));
  venue.events.on('book', (b) => books.push(b));
  await venue.connect();
  await venue.subscribeMarket(SPOT.symbol);
  world.start();
  await clock.runUntil(T0 + 30_000);
  await world.closeAll();
  assert.ok(trades.length > 50);
  for (const t of trades) assert.equal(t.receivedAt - t.venueTime, 40, 'trade latency');
  assert.ok(books.length > 50);
  for (const b of books) assert.equal(b.receivedAt - b.venueTime, 40, 'book latency');
});

test('the published book is the recorded one with our resting orders merged in', async () => {
  const clock = new SimClock(T0);
  const level = (side: 'bid' | 'ask', price: string, qty: string): MarketEvent => ({ kind: 'level', ts: T0, localTs: T0, side, price, qty, snapshot: true });
  const events = [level('bid', '99.99', '1.25'), level('bid', '99.98', '4'), level('ask', '100.02', '0.05'), level('ask', '100.03', '2')];
  const world = new ReplayWorld({ clock, instrument: SPOT, events, latency: { marketDataMs: 0 }, bookIntervalMs: 100, defaultFunding: { USDT: '1000', REC: '10' } });
  const venue = world.venue('watcher', 'spot');
  const books: BookSnapshot[] = [];
  venue.events.on('book', (b) => books.push(b));
  await venue.connect();
  await venue.subscribeMarket(SPOT.symbol);
  world.start();
  await clock.runUntil(T0 + 10);
  const placed = await venue.placeOrders([
    { clientOrderId: 'inside', symbol: SPOT.symbol, side: 'buy', type: 'limit', timeInForce: 'POST_ONLY', priceTicks: 10_000, qtyLots: 3 },
    { clientOrderId: 'joined', symbol: SPOT.symbol, side: 'sell', type: 'limit', timeInForce: 'POST_ONLY', priceTicks: 10_003, qtyLots: 7 },
  ]);
  assert.ok(placed.every((p) => p.ok));
  await clock.runUntil(T0 + 250);
  await world.closeAll();
  const last = books.at(-1)!;
  const lv = (l: { priceTicks: number; qtyLots: number }) => `${l.qtyLots}@${l.priceTicks}`;
  // 1.25 → 12 whole lots; 0.05 is less than a lot: nothing a taker could take
  assert.deepEqual(last.bids.map(lv), ['3@10000', '12@9999', '40@9998']);
  assert.deepEqual(last.asks.map(lv), ['27@10003']);
});

test('inside a gap the venue publishes no book, so the bots stale-data protection acts', async () => {
  const clock = new SimClock(T0);
  const base = recording(400);
  const gapAt = base[300]!.ts;
  const events: MarketEvent[] = [...base.slice(0, 300), { kind: 'gap', ts: gapAt, localTs: gapAt, reason: 'test' }, ...base.slice(300).map((e) => ({ ...e, ts: e.ts + 20_000, localTs: e.localTs + 20_000 }))];
  const world = new ReplayWorld({ clock, instrument: SPOT, events, latency: { marketDataMs: 0 }, bookIntervalMs: 100 });
  const venue = world.venue('watcher', 'spot');
  const books: number[] = [];
  venue.events.on('book', (b) => books.push(b.venueTime));
  await venue.connect();
  await venue.subscribeMarket(SPOT.symbol);
  world.start();
  await clock.runUntil(gapAt + 40_000);
  await world.closeAll();
  assert.ok(books.some((t) => t < gapAt));
  assert.equal(books.filter((t) => t > gapAt + 200 && t < gapAt + 20_000).length, 0, 'no book while the recording has none');
  assert.equal(world.market(SPOT.symbol).book.known, false, 'diffs after a gap do not make a book: only a snapshot does');
});

test('a live feed pushes events into the market; perps get their mark from the recorded mid', async () => {
  const clock = new SimClock(T0);
  const world = new ReplayWorld({
    clock,
    instrument: PERP,
    latency: { marketDataMs: 0, orderEntryMs: 0, responseMs: 0, privateMs: 0 },
    defaultFunding: { USDT: '10000' },
    fees: { maker: '-0.0001', taker: '0.0004' },
  });
  const venue = world.venue('live', 'perp');
  const marks: bigint[] = [];
  venue.events.on('markPrice', (m) => marks.push(m.markPrice));
  await venue.connect();
  await venue.subscribeMarket(PERP.symbol);
  world.start();
  const market = world.market(PERP.symbol);
  for (const e of recording(50, PERP).slice(0, 40)) market.apply({ ...e, ts: T0, localTs: T0 });
  market.flush();
  const bid = world.exchange.bestBid(PERP.symbol)!;
  const placed = await venue.placeOrders([{ clientOrderId: 'b', symbol: PERP.symbol, side: 'buy', type: 'limit', timeInForce: 'POST_ONLY', priceTicks: bid, qtyLots: 5 }]);
  assert.ok(placed[0]!.ok);
  // a recorded sell through our bid, pushed from the feed
  const inst = world.exchange.instrument(PERP.symbol);
  market.apply({ kind: 'trade', ts: T0, localTs: T0, side: 'sell', price: inst.ticksToPrice(bid - 1), qty: '2.0' });
  await clock.runUntil(T0 + 2_500);
  await world.closeAll();
  const fills = world.exchange.fills('live');
  assert.deepEqual(fills.map((f) => [f.liquidity, f.qtyLots]), [['maker', 5]]);
  assert.equal(fills[0]!.fee, -fx.mul(inst.notional(bid, 5), fx.parse('0.0001')), 'the venue tier: a maker rebate');
  assert.equal(world.exchange.positions('live')[0]?.qtyLots, 5);
  assert.equal(world.exchange.positions(RECORDED_MARKET_ACCOUNT)[0]?.qtyLots, -5, 'the recorded market took the other side');
  assert.ok(marks.length >= 2);
  assert.equal(marks.at(-1), market.mid());
  assert.ok(fx.abs(marks.at(-1)! - inst.ticksToFixed(bid)) < fx.parse('1'));
});
