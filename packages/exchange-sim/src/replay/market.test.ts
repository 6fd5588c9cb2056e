// A recorded market on the real simulated exchange: our orders placed through the exchange,
// fills decided by the recorded events, booked as maker fills against the recorded market.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimClock, fx } from '@mm/core';
import type { InstrumentDef, OrderRequest } from '@mm/core';
import type { LevelEvent, MarketEvent, TradeEvent } from '@mm/market-data';
import { SimExchange } from '../exchange.ts';
import type { QueueModelSpec } from './cancel-model.ts';
import { ReplayMarket } from './market.ts';

const INST: InstrumentDef = { symbol: 'RECUSDT', base: 'REC', quote: 'USDT', kind: 'spot', tickSize: '0.01', lotSize: '0.1', minQty: '0.1', minNotional: '0' };
const T0 = Date.UTC(2026, 2, 1);

function level(side: 'bid' | 'ask', price: string, qty: string, snapshot = false, ts = T0): LevelEvent {
  return { kind: 'level', ts, localTs: ts, side, price, qty, snapshot };
}
function trade(side: 'buy' | 'sell', price: string, qty: string, ts = T0): TradeEvent {
  return { kind: 'trade', ts, localTs: ts, side, price, qty };
}
/** A two-sided snapshot: bids and asks as [price, qty]. */
function snapshot(bids: [string, string][], asks: [string, string][], ts = T0): LevelEvent[] {
  return [...bids.map(([p, q]) => level('bid', p, q, true, ts)), ...asks.map(([p, q]) => level('ask', p, q, true, ts))];
}

function setup(queueModel?: QueueModelSpec) {
  const clock = new SimClock(T0);
  const exchange = new SimExchange({ clock, instruments: [INST], fundingIntervalMs: 0, recordTrades: true });
  for (const name of ['me', 'other']) {
    exchange.createAccount(name, { stpMode: 'expire_taker' });
    exchange.deposit(name, 'USDT', fx.parse('100000'));
    exchange.deposit(name, 'REC', fx.parse('1000'));
  }
  const market = new ReplayMarket({ exchange, symbol: INST.symbol, ...(queueModel === undefined ? {} : { queueModel }) });
  market.track('me');
  market.track('other');
  const apply = (...events: (MarketEvent | MarketEvent[])[]) => {
    for (const e of events.flat()) market.apply(e);
    market.flush();
  };
  const inst = exchange.instrument(INST.symbol);
  const order = (account: string, side: 'buy' | 'sell', price: string, qty: string, tif: OrderRequest['timeInForce'] = 'POST_ONLY', id = `${account}-${side}-${price}`) =>
    exchange.submit(account, { clientOrderId: id, symbol: INST.symbol, side, type: 'limit', timeInForce: tif, priceTicks: inst.priceToTicks(price), qtyLots: inst.qtyToLots(qty) });
  const filled = (account: string) => exchange.fills(account).map((f) => `${f.liquidity} ${f.side} ${inst.lotsToQty(f.qtyLots)}@${inst.ticksToPrice(f.priceTicks)}`);
  return { clock, exchange, market, apply, order, filled, inst };
}

const BOOK = snapshot(
  [['100.00', '5.0'], ['99.99', '2.0']],
  [['100.05', '2.0'], ['100.06', '3.0']],
);

test('a resting bid waits behind the recorded queue, then fills exactly the excess as maker', () => {
  const { apply, order, filled, market, exchange } = setup();
  apply(BOOK);
  const placed = order('me', 'buy', '100.00', '1.0');
  assert.ok(placed.ok);
  assert.equal(market.queueAhead(placed.order.venueOrderId), 50, 'behind the 5.0 recorded at 100.00 (50 lots)');
  apply(trade('sell', '100.00', '4.0'), level('bid', '100.00', '1.0'));
  assert.deepEqual(filled('me'), []);
  apply(trade('sell', '100.00', '1.3'));
  assert.deepEqual(filled('me'), ['maker buy 0.3@100.00']);
  assert.equal(exchange.openOrders('me')[0]?.filledLots, 3, 'the rest keeps resting');
  apply(trade('sell', '100.00', '5'));
  assert.deepEqual(filled('me'), ['maker buy 0.3@100.00', 'maker buy 0.7@100.00']);
  assert.equal(exchange.openOrders('me').length, 0);
  const fee = exchange.fills('me').reduce((s, f) => s + f.fee, 0n);
  assert.equal(fee, fx.mul(fx.parse('100'), fx.parse('0.0002')), 'maker fee on 100 USDT of notional');
  assert.equal(exchange.counters.selfTrades, 0);
});

test('a cancel at our level moves us up in proportion; risk-averse only by trades', () => {
  const after: Record<string, number> = {};
  for (const model of ['proportional', 'risk-averse'] as const) {
    const { apply, order, market } = setup(model);
    apply(BOOK);
    const placed = order('me', 'buy', '100.00', '1.0');
    assert.ok(placed.ok);
    // 5.0 → 4.0 before we are in: we queue behind 4.0 (40 lots); then 4.0 → 2.0 of cancels, half of it in front
    apply(level('bid', '100.00', '4.0'));
    const late = order('me', 'buy', '100.00', '1.0', 'POST_ONLY', 'late');
    assert.ok(late.ok);
    apply(level('bid', '100.00', '6.0'), level('bid', '100.00', '4.0'));
    // 6.0 = 4.0 ahead + 2.0 joined behind; 2.0 canceled, 4/6 of it in front of `late`
    const ahead = market.queueAhead(late.order.venueOrderId)!;
    if (model === 'proportional') assert.ok(Math.abs(ahead - (40 - (20 * 4) / 6)) < 1e-9, `${ahead}`);
    else assert.equal(ahead, 40);
    apply(level('bid', '100.00', '2.5'));
    after[model] = market.queueAhead(late.order.venueOrderId)!;
  }
  assert.equal(after['risk-averse'], 25, 'never more ahead than the level holds');
  const expected = 40 - (20 * 4) / 6;
  assert.ok(Math.abs(after['proportional']! - (expected - (15 * expected) / 40)) < 1e-9, `${after['proportional']}`);
});

test('a sell printed below our bid fills us (trade-through), limited by the print', () => {
  const { apply, order, filled } = setup();
  apply(BOOK);
  assert.ok(order('me', 'buy', '100.00', '3.0').ok);
  apply(trade('sell', '99.99', '1.2'));
  assert.deepEqual(filled('me'), ['maker buy 1.2@100.00']);
});

test('the recorded ask reaching our bid fills us at our price as maker, up to its size', () => {
  const { apply, order, filled, exchange, inst } = setup();
  apply(BOOK);
  // inside the spread: nothing recorded ahead
  const placed = order('me', 'buy', '100.03', '1.0');
  assert.ok(placed.ok);
  apply(level('ask', '100.02', '0.4'));
  assert.deepEqual(filled('me'), ['maker buy 0.4@100.03']);
  assert.equal(exchange.bestAsk(INST.symbol), inst.priceToTicks('100.05'), 'what filled us is no longer offered to our takers');
  assert.equal(exchange.bestBid(INST.symbol), inst.priceToTicks('100.03'), 'the book our bots see is never crossed');
});

test('a post-only order that would cross the recorded best is refused; one tick back rests', () => {
  const { apply, order } = setup();
  apply(BOOK);
  const crossing = order('me', 'buy', '100.05', '1.0');
  assert.equal(crossing.ok, false);
  assert.equal(!crossing.ok && crossing.error.code, 'POST_ONLY_WOULD_CROSS');
  assert.ok(order('me', 'buy', '100.04', '1.0').ok);
});

test('takers walk the recorded book and cannot take the same displayed size twice', () => {
  const { apply, order, filled, market, exchange } = setup();
  apply(BOOK);
  const first = order('me', 'buy', '100.06', '2.5', 'IOC', 't1');
  assert.ok(first.ok && first.order.status === 'filled');
  assert.deepEqual(filled('me'), ['taker buy 2.0@100.05', 'taker buy 0.5@100.06']);
  const again = order('me', 'buy', '100.05', '1.0', 'IOC', 't2');
  assert.ok(again.ok && again.order.status === 'expired', 'the 2.0 at 100.05 was taken');
  assert.equal(market.book.asks.unitsAt(10005), 200_000, 'the recorded book still says 2.0 (in units of 0.00001)');
  // the level grows by 0.5: only the new 0.5 is there for us
  apply(level('ask', '100.05', '2.5'));
  const third = order('me', 'buy', '100.05', '1.0', 'IOC', 't3');
  assert.deepEqual(filled('me').slice(2), ['taker buy 0.5@100.05']);
  assert.ok(third.ok && third.order.filledLots === 5);
  // it shrinks: what left is what we had taken first
  apply(level('ask', '100.05', '1.0'));
  assert.ok(order('me', 'buy', '100.05', '1.0', 'IOC', 't4').ok);
  assert.equal(filled('me').length, 3);
  // gone and back: a fresh level
  apply(level('ask', '100.05', '0'), level('ask', '100.05', '1.0'));
  assert.ok(order('me', 'buy', '100.05', '1.0', 'IOC', 't5').ok);
  assert.deepEqual(filled('me').slice(3), ['taker buy 1.0@100.05']);
  assert.equal(exchange.counters.selfTrades, 0);
});

test('our orders never change the recorded book', () => {
  const events = [
    ...BOOK,
    level('bid', '100.01', '1.0'),
    trade('sell', '100.01', '0.5'),
    level('bid', '100.01', '0.5'),
    level('ask', '100.04', '3.0'),
    trade('buy', '100.04', '1.0'),
    level('ask', '100.04', '2.0'),
    level('ask', '100.02', '0.2'),
  ];
  const quiet = setup();
  quiet.apply(events);
  const busy = setup();
  busy.apply(BOOK);
  assert.ok(busy.order('me', 'buy', '100.02', '2.0').ok);
  assert.ok(busy.order('other', 'sell', '100.03', '2.0').ok);
  assert.ok(busy.order('me', 'buy', '100.06', '1.0', 'IOC', 'taker').ok);
  busy.apply(events.slice(BOOK.length));
  assert.ok(busy.exchange.fills('me').length > 0, 'we did trade');
  const view = (m: ReplayMarket) => JSON.stringify([m.book.bids.top(10), m.book.asks.top(10)]);
  assert.equal(view(busy.market), view(quiet.market));
});

test('an amended price goes to the back of the new level; a smaller size keeps the place', () => {
  const { apply, order, market, exchange, inst, filled } = setup();
  apply(BOOK);
  const placed = order('me', 'buy', '100.00', '1.0');
  assert.ok(placed.ok);
  apply(trade('sell', '100.00', '5.0'));
  assert.equal(market.queueAhead(placed.order.venueOrderId), 0);
  const smaller = exchange.amend('me', { symbol: INST.symbol, clientOrderId: placed.order.clientOrderId, priceTicks: inst.priceToTicks('100.00'), qtyLots: 8 });
  assert.ok(smaller.ok);
  assert.equal(market.queueAhead(placed.order.venueOrderId), 0, 'still first');
  const moved = exchange.amend('me', { symbol: INST.symbol, clientOrderId: placed.order.clientOrderId, priceTicks: inst.priceToTicks('99.99'), qtyLots: 8 });
  assert.ok(moved.ok);
  assert.equal(market.queueAhead(placed.order.venueOrderId), 20, 'behind the 2.0 at 99.99');
  apply(trade('sell', '99.99', '2.0'));
  assert.deepEqual(filled('me'), []);
  apply(trade('sell', '99.99', '0.3'));
  assert.deepEqual(filled('me'), ['maker buy 0.3@99.99']);
});

test('a gap makes the book unknown: no fills, no book to take from, until the next snapshot', () => {
  const { apply, order, filled, market, exchange } = setup();
  apply(BOOK);
  assert.ok(order('me', 'buy', '100.00', '1.0').ok);
  apply({ kind: 'gap', ts: T0, localTs: T0, reason: 'reconnect' });
  assert.equal(market.book.known, false);
  assert.equal(market.mid(), undefined);
  assert.equal(exchange.bestAsk(INST.symbol), undefined, 'no recorded liquidity for takers');
  apply(trade('sell', '99.00', '9.0'), level('bid', '100.00', '0'));
  assert.deepEqual(filled('me'), [], 'no fills from an unknown book');
  assert.equal(market.counters.levelsWhileUnknown, 1);
  // placed inside the gap: queue unknown until the snapshot, then at the back of its level
  const blind = order('me', 'buy', '99.99', '1.0');
  assert.ok(blind.ok);
  assert.equal(market.queueAhead(blind.order.venueOrderId), Number.POSITIVE_INFINITY);
  apply(snapshot([['100.00', '0.5'], ['99.99', '1.5']], [['100.05', '1.0']]));
  assert.equal(market.book.known, true);
  assert.equal(market.queueAhead(blind.order.venueOrderId), 15);
  assert.ok(market.queueAhead(exchange.openOrders('me').find((o) => o.priceTicks === 10000)!.venueOrderId)! <= 5);
  apply(trade('sell', '100.00', '1.0'));
  assert.deepEqual(filled('me'), ['maker buy 0.5@100.00']);
});

test('a snapshot run replaces the book: levels it does not name are gone', () => {
  const { apply, market, exchange, inst } = setup();
  apply(BOOK);
  apply(snapshot([['99.98', '1.0']], [['100.07', '1.0']], T0 + 1000));
  assert.deepEqual(market.book.bids.top(5), [{ priceTicks: 9998, units: 100_000 }]);
  assert.deepEqual(market.book.asks.top(5), [{ priceTicks: 10007, units: 100_000 }]);
  assert.equal(exchange.bestBid(INST.symbol), inst.priceToTicks('99.98'));
  assert.equal(exchange.book(INST.symbol).asks.levelCount, 1);
});

test('same events, same orders: the same fills', () => {
  const run = () => {
    const s = setup();
    s.apply(BOOK);
    s.order('me', 'buy', '100.00', '2.0');
    s.order('other', 'buy', '100.00', '2.0');
    s.order('me', 'sell', '100.05', '1.0');
    s.apply(level('bid', '100.00', '3.0'), trade('sell', '100.00', '4.0'), trade('buy', '100.05', '2.5'), level('ask', '100.05', '0'), trade('sell', '99.99', '1.0'));
    return JSON.stringify(s.exchange.tradeLog);
  };
  const a = run();
  assert.equal(a, run());
  assert.ok(JSON.parse(a).length >= 3);
});

test('our accounts still trade with each other in price priority, and STP stops an account trading with itself', () => {
  const { apply, order, filled, exchange } = setup();
  apply(BOOK);
  assert.ok(order('me', 'buy', '100.01', '1.0').ok);
  // our own sell: STP keeps it off our bid, so it is expired before it reaches the recorded bids
  const own = order('me', 'sell', '100.00', '2.0', 'IOC', 'own');
  assert.ok(own.ok && own.order.status === 'expired' && own.order.filledLots === 0);
  assert.equal(exchange.counters.stpPrevented, 1);
  // another account's sell takes our better bid first, then the recorded 100.00
  const theirs = order('other', 'sell', '100.00', '2.0', 'IOC', 'theirs');
  assert.ok(theirs.ok && theirs.order.status === 'filled');
  assert.deepEqual(filled('other'), ['taker sell 1.0@100.01', 'taker sell 1.0@100.00']);
  assert.deepEqual(filled('me'), ['maker buy 1.0@100.01']);
  assert.equal(exchange.counters.selfTrades, 0);
});
