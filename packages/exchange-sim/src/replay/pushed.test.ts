// A pushed replay world, as paper trading on a live feed uses it: markets added while it runs,
// its accounts saved and restored without the recorded market, and a quiet but known book
// republished so the bots do not take it for stale data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimClock, fx } from '@mm/core';
import type { BookSnapshot, InstrumentDef, OrderRequest } from '@mm/core';
import type { LevelEvent, MarketEvent } from '@mm/market-data';
import { RECORDED_MARKET_ACCOUNT } from './market.ts';
import { ReplayWorld } from './world.ts';

const SPOT: InstrumentDef = { symbol: 'LIVEUSDT', base: 'LIVE', quote: 'USDT', kind: 'spot', tickSize: '0.01', lotSize: '0.1', minQty: '0.1', minNotional: '0' };
const PERP: InstrumentDef = { ...SPOT, symbol: 'LIVEUSDT-PERP', kind: 'perp', marginAsset: 'USDT' };
const T0 = Date.UTC(2026, 4, 1);
const FUNDING = { USDT: '10000', LIVE: '100' };

function level(side: 'bid' | 'ask', price: string, qty: string, snapshot: boolean, ts: number): LevelEvent {
  return { kind: 'level', ts, localTs: ts, side, price, qty, snapshot };
}

function push(world: ReplayWorld, symbol: string, events: readonly MarketEvent[]): void {
  const market = world.market(symbol);
  for (const e of events) market.apply(e);
  market.flush();
}

const book = (ts: number): LevelEvent[] => [level('bid', '10.00', '3.0', true, ts), level('bid', '9.99', '1.0', true, ts), level('ask', '10.02', '2.0', true, ts)];

function bid(world: ReplayWorld, account: string, symbol: string, price: string, qty: string, id: string) {
  const inst = world.exchange.instrument(symbol);
  const request: OrderRequest = { clientOrderId: id, symbol, side: 'buy', type: 'limit', timeInForce: 'POST_ONLY', priceTicks: inst.priceToTicks(price), qtyLots: inst.qtyToLots(qty) };
  const placed = world.exchange.submit(account, request);
  assert.ok(placed.ok, placed.ok ? '' : placed.error.message);
  return placed.order;
}

test('a world without markets adds one while running; accounts known before trade on it through the queue model', () => {
  const clock = new SimClock(T0);
  const world = new ReplayWorld({ clock, markets: [], defaultFunding: FUNDING, fundingIntervalMs: 0 });
  world.start();
  world.ensureAccount('me');
  assert.equal(world.hasMarket(SPOT.symbol), false);
  world.addMarket(SPOT);
  assert.throws(() => world.addMarket(SPOT), /already/);
  push(world, SPOT.symbol, book(T0));
  const order = bid(world, 'me', SPOT.symbol, '10.00', '1.0', 'me-1');
  const market = world.market(SPOT.symbol);
  assert.equal(market.queueAhead(order.venueOrderId), 30, 'behind the 3.0 already at 10.00');
  push(world, SPOT.symbol, [{ kind: 'trade', ts: T0 + 1, localTs: T0 + 1, side: 'sell', price: '10.00', qty: '2.5' }]);
  assert.equal(world.exchange.fills('me').length, 0, 'the queue ahead is not used up yet');
  push(world, SPOT.symbol, [{ kind: 'trade', ts: T0 + 2, localTs: T0 + 2, side: 'sell', price: '10.00', qty: '1.0' }]);
  const fills = world.exchange.fills('me');
  assert.deepEqual(fills.map((f) => [f.liquidity, f.qtyLots]), [['maker', 5]], 'the 0.5 beyond the queue ahead');
  assert.equal(world.exchange.counters.selfTrades, 0);
  void world.closeAll();
});

test('exportState keeps our accounts and leaves the recorded market out; a restored world queues our orders at the back', () => {
  const clock = new SimClock(T0);
  const world = new ReplayWorld({ clock, markets: [{ instrument: SPOT }], defaultFunding: FUNDING, fundingIntervalMs: 0 });
  world.ensureAccount('me');
  push(world, SPOT.symbol, book(T0));
  bid(world, 'me', SPOT.symbol, '10.00', '1.0', 'me-rest');
  // a taker buy against the recorded ask: a fill in the history, USDT spent, LIVE received
  const inst = world.exchange.instrument(SPOT.symbol);
  const taken = world.exchange.submit('me', { clientOrderId: 'me-ioc', symbol: SPOT.symbol, side: 'buy', type: 'limit', timeInForce: 'IOC', priceTicks: inst.priceToTicks('10.02'), qtyLots: 2 });
  assert.ok(taken.ok);
  const before = { balances: world.exchange.balances('me'), open: world.exchange.openOrders('me').map((o) => o.clientOrderId).sort(), fills: world.exchange.fills('me').map((f) => f.tradeId) };
  assert.ok(before.fills.length > 0);

  const saved = JSON.parse(JSON.stringify(world.exportState())) as ReturnType<ReplayWorld['exportState']>;
  assert.deepEqual(saved.instruments.map((i) => i.symbol), [SPOT.symbol]);
  assert.equal(saved.exchange.accounts.some((a) => a.name === RECORDED_MARKET_ACCOUNT), false, 'the recorded market is not saved');
  assert.equal(saved.exchange.openOrders.some((o) => o.account === RECORDED_MARKET_ACCOUNT), false, 'nor its copy of the book');
  void world.closeAll();

  const later = new SimClock(T0 + 60_000);
  const restored = new ReplayWorld({ clock: later, markets: [], restore: saved, defaultFunding: { USDT: '1' }, fundingIntervalMs: 0 });
  restored.ensureAccount('me');
  assert.deepEqual(restored.exchange.balances('me'), before.balances, 'balances as saved, not funded again');
  assert.deepEqual(restored.exchange.openOrders('me').map((o) => o.clientOrderId).sort(), before.open);
  assert.deepEqual(restored.exchange.fills('me').map((f) => f.tradeId), before.fills);
  const resting = restored.exchange.openOrders('me').find((o) => o.clientOrderId === 'me-rest')!;
  const market = restored.market(SPOT.symbol);
  assert.equal(market.queueAhead(resting.venueOrderId), Number.POSITIVE_INFINITY, 'nothing known of the queue before the first book');
  push(restored, SPOT.symbol, book(T0 + 60_000));
  assert.equal(market.queueAhead(resting.venueOrderId), 30, 'the whole level is ahead once the book is back');
  assert.equal(restored.exchange.counters.selfTrades, 0);
  void restored.closeAll();
});

test('a known book is republished while quiet, never inside a gap; a perp added later gets its mark from the mid', async () => {
  const clock = new SimClock(T0);
  const world = new ReplayWorld({ clock, markets: [], defaultFunding: FUNDING, mdLatencyMs: 0, bookKeepaliveMs: 1_000, fundingIntervalMs: 0, latency: { orderEntryMs: 0, orderJitterMs: 0, responseMs: 0, privateMs: 0, marketDataMs: 0 } });
  world.start();
  world.addMarket(PERP);
  const venue = world.venue('me', 'perp');
  await venue.connect();
  const books: BookSnapshot[] = [];
  venue.events.on('book', (b) => books.push(b));
  push(world, PERP.symbol, book(T0));
  await venue.subscribeMarket(PERP.symbol);
  await clock.runUntil(T0 + 5_500);
  assert.ok(books.length >= 5, `a book about every second while nothing changes (${books.length})`);
  assert.equal(fx.format(world.exchange.markPrice(PERP.symbol)), '10.01', 'the mark is the recorded mid');
  push(world, PERP.symbol, [{ kind: 'gap', ts: T0 + 5_500, localTs: T0 + 5_500, reason: 'stream dropped' }]);
  const atGap = books.length;
  await clock.runUntil(T0 + 10_000);
  assert.equal(books.length, atGap, 'no book while it is unknown');
  await world.closeAll();
});
