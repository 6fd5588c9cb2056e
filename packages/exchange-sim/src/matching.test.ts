// The matching core on its own (no balances), and its agreement with the full exchange.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Rng, SimClock, fx } from '@mm/core';
import type { InstrumentDef, OrderType, Side, StpMode, TimeInForce } from '@mm/core';
import { MatchingBook, newRestingOrder } from './book.ts';
import type { RestingOrder } from './book.ts';
import { MatchingEngine } from './matching.ts';
import type { Settlement } from './matching.ts';
import { SimExchange } from './exchange.ts';

interface Trade {
  maker: string;
  taker: string;
  makerVenueId: string;
  takerVenueId: string;
  takerSide: Side;
  priceTicks: number;
  lots: number;
}

/** Records trades and STP events; optionally limits market orders and runs a hook after each trade. */
class Recorder implements Settlement {
  readonly trades: Trade[] = [];
  readonly prevented: { maker: string; expired: boolean }[] = [];
  affordable = Number.MAX_SAFE_INTEGER;
  onAfterTrade: ((maker: RestingOrder) => void) | undefined;

  trade(maker: RestingOrder, taker: RestingOrder, priceTicks: number, lots: number): number {
    this.trades.push({
      maker: maker.clientOrderId,
      taker: taker.clientOrderId,
      makerVenueId: maker.venueOrderId,
      takerVenueId: taker.venueOrderId,
      takerSide: taker.side,
      priceTicks,
      lots,
    });
    return this.trades.length;
  }

  afterTrade(maker: RestingOrder): void {
    this.onAfterTrade?.(maker);
  }

  selfTradePrevented(maker: RestingOrder, _taker: RestingOrder, makerExpired: boolean): void {
    this.prevented.push({ maker: maker.clientOrderId, expired: makerExpired });
  }

  affordableLots(_taker: RestingOrder, _priceTicks: number, lots: number): number {
    const n = Math.min(lots, this.affordable);
    this.affordable -= n;
    return n;
  }
}

let seq = 0;
function order(
  id: string,
  account: number,
  side: Side,
  priceTicks: number,
  qtyLots: number,
  timeInForce: TimeInForce = 'GTC',
  extra: { type?: OrderType; stpMode?: StpMode; venueOrderId?: string } = {},
): RestingOrder {
  seq++;
  return newRestingOrder({
    seq,
    venueOrderId: extra.venueOrderId ?? String(seq),
    clientOrderId: id,
    account,
    symbol: 'X',
    side,
    type: extra.type ?? 'limit',
    priceTicks,
    qtyLots,
    timeInForce,
    stpMode: extra.stpMode ?? 'expire_taker',
    reduceOnly: false,
    time: 0,
  });
}

function setup() {
  const settlement = new Recorder();
  const book = new MatchingBook();
  return { settlement, book, engine: new MatchingEngine(book, settlement) };
}

describe('matching engine', () => {
  test('price-time priority with partial fills; the rest of a GTC taker rests', () => {
    const { engine, settlement, book } = setup();
    assert.equal(engine.place(order('s1', 1, 'sell', 101, 5)), 'open');
    assert.equal(engine.place(order('s2', 2, 'sell', 101, 5)), 'open');
    assert.equal(engine.place(order('s3', 2, 'sell', 100, 2)), 'open');
    assert.equal(engine.place(order('b1', 3, 'buy', 101, 9, 'IOC')), 'filled');
    assert.deepEqual(
      settlement.trades.map((t) => [t.maker, t.taker, t.priceTicks, t.lots]),
      [
        ['s3', 'b1', 100, 2],
        ['s1', 'b1', 101, 5],
        ['s2', 'b1', 101, 2],
      ],
    );
    assert.deepEqual(book.asks.top(5), [{ priceTicks: 101, qtyLots: 3 }]);
    assert.equal(engine.place(order('b2', 3, 'buy', 102, 5)), 'partially_filled');
    assert.deepEqual(book.bids.top(5), [{ priceTicks: 102, qtyLots: 2 }]);
    assert.equal(book.asks.levelCount, 0);
  });

  test('IOC expires its rest, post-only never crosses, FOK fills completely or not at all', () => {
    const { engine, settlement, book } = setup();
    engine.place(order('s1', 1, 'sell', 100, 3));
    assert.equal(engine.place(order('i1', 2, 'buy', 99, 5, 'IOC')), 'expired');
    assert.equal(engine.place(order('p1', 2, 'buy', 100, 1, 'POST_ONLY')), 'rejected');
    assert.equal(engine.place(order('p2', 2, 'buy', 99, 1, 'POST_ONLY')), 'open');
    assert.equal(engine.place(order('f1', 2, 'buy', 100, 4, 'FOK')), 'expired');
    assert.equal(settlement.trades.length, 0);
    assert.equal(engine.place(order('f2', 2, 'buy', 100, 3, 'FOK')), 'filled');
    assert.equal(settlement.trades.length, 1);
    assert.equal(book.asks.bestPrice(), undefined);
  });

  test("FOK does not count the taker's own orders that self-trade prevention would skip", () => {
    const { engine, settlement } = setup();
    engine.place(order('own', 1, 'sell', 100, 5));
    engine.place(order('other', 2, 'sell', 100, 2));
    assert.equal(engine.fillableLots(order('probe', 1, 'buy', 100, 7)), 2);
    assert.equal(engine.place(order('f', 1, 'buy', 100, 3, 'FOK')), 'expired');
    assert.equal(settlement.trades.length, 0);
  });

  test('market orders walk the book and stop when the settlement cannot pay', () => {
    const { engine, settlement } = setup();
    engine.place(order('s1', 1, 'sell', 100, 2));
    engine.place(order('s2', 1, 'sell', 105, 4));
    settlement.affordable = 3;
    const taker = order('m', 2, 'buy', 0, 6, 'IOC', { type: 'market' });
    assert.equal(engine.match(taker), 'insufficient balance');
    assert.equal(taker.filledLots, 3);
    assert.deepEqual(settlement.trades.map((t) => [t.priceTicks, t.lots]), [[100, 2], [105, 1]]);
  });

  test('self-trade prevention: expire_taker, expire_maker, expire_both, none', () => {
    {
      const { engine, settlement, book } = setup();
      engine.place(order('own', 1, 'sell', 100, 5));
      assert.equal(engine.place(order('t', 1, 'buy', 100, 5)), 'expired');
      assert.deepEqual(settlement.prevented, [{ maker: 'own', expired: false }]);
      assert.equal(book.asks.bestPrice(), 100);
    }
    {
      const { engine, settlement, book } = setup();
      engine.place(order('own', 1, 'sell', 100, 5));
      engine.place(order('other', 2, 'sell', 100, 5));
      assert.equal(engine.place(order('t', 1, 'buy', 100, 5, 'GTC', { stpMode: 'expire_maker' })), 'filled');
      assert.deepEqual(settlement.prevented, [{ maker: 'own', expired: true }]);
      assert.deepEqual(settlement.trades.map((t) => t.maker), ['other']);
      assert.equal(book.asks.levelCount, 0);
    }
    {
      const { engine, settlement, book } = setup();
      engine.place(order('own', 1, 'sell', 100, 5));
      assert.equal(engine.place(order('t', 1, 'buy', 100, 5, 'GTC', { stpMode: 'expire_both' })), 'expired');
      assert.deepEqual(settlement.prevented, [{ maker: 'own', expired: true }]);
      assert.equal(book.asks.levelCount, 0);
      assert.equal(book.bids.levelCount, 0);
    }
    {
      const { engine, settlement } = setup();
      engine.place(order('own', 1, 'sell', 100, 5));
      assert.equal(engine.place(order('t', 1, 'buy', 100, 5, 'GTC', { stpMode: 'none' })), 'filled');
      assert.equal(settlement.trades.length, 1);
    }
  });

  test('an order the settlement removes during a match is never matched afterwards', () => {
    const { engine, settlement, book } = setup();
    engine.place(order('first', 1, 'sell', 100, 5));
    const second = order('second', 1, 'sell', 100, 5);
    engine.place(second);
    engine.place(order('third', 2, 'sell', 100, 5));
    // like a reduce-only order that no longer reduces once the first fill closed the position
    settlement.onAfterTrade = (maker) => {
      if (maker.clientOrderId === 'first' && second.level !== undefined) engine.remove(second);
    };
    assert.equal(engine.place(order('t', 3, 'buy', 100, 10, 'IOC')), 'filled');
    assert.deepEqual(settlement.trades.map((t) => [t.maker, t.lots]), [['first', 5], ['third', 5]]);
    assert.equal(second.filledLots, 0);
    assert.equal(book.asks.levelCount, 0);
  });

  test('amend keeps the queue place only when the quantity goes down at the same price', () => {
    const { engine, settlement } = setup();
    const a = order('a', 1, 'sell', 100, 5);
    engine.place(a);
    engine.place(order('b', 2, 'sell', 100, 5));
    engine.amend(a, 100, 3);
    engine.place(order('t1', 3, 'buy', 100, 1, 'IOC'));
    engine.amend(a, 100, 4);
    engine.place(order('t2', 3, 'buy', 100, 1, 'IOC'));
    assert.deepEqual(settlement.trades.map((t) => t.maker), ['a', 'b']);
  });
});

describe('the exchange books exactly what the core matches', () => {
  const SPOT: InstrumentDef = { symbol: 'XUSDT', base: 'X', quote: 'USDT', kind: 'spot', tickSize: '0.01', lotSize: '0.01', minQty: '0.01', minNotional: '0' };

  test('random flow: identical trades, with and without self-trade prevention', () => {
    for (const stp of ['expire_taker', 'expire_maker', 'expire_both', 'none'] as StpMode[]) {
      const rng = new Rng(`core-vs-exchange/${stp}`);
      const exchange = new SimExchange({ clock: new SimClock(0), instruments: [SPOT], fundingIntervalMs: 0, recordTrades: true, maxOpenOrdersPerAccount: 1_000_000 });
      const names = ['a', 'b', 'c', 'd'];
      for (const name of names) {
        exchange.createAccount(name, { stpMode: stp, track: false });
        exchange.deposit(name, 'USDT', fx.fromInt(1_000_000_000));
        exchange.deposit(name, 'X', fx.fromInt(1_000_000_000));
      }
      const { engine, settlement } = setup();
      const open = new Map<string, RestingOrder>();
      settlement.onAfterTrade = (maker) => {
        if (maker.filledLots >= maker.qtyLots) open.delete(maker.clientOrderId);
      };
      const tifs: TimeInForce[] = ['GTC', 'GTC', 'IOC', 'FOK', 'POST_ONLY'];
      const live: string[] = [];
      for (let i = 0; i < 5_000; i++) {
        if (live.length > 0 && rng.bool(0.3)) {
          const id = live.splice(rng.int(0, live.length - 1), 1)[0]!;
          const account = Number(id.split(':')[0]);
          exchange.cancel(names[account]!, { symbol: SPOT.symbol, clientOrderId: id });
          const resting = open.get(id);
          if (resting !== undefined && resting.level !== undefined) engine.remove(resting);
          open.delete(id);
          continue;
        }
        const account = rng.int(0, names.length - 1);
        const side: Side = rng.bool() ? 'buy' : 'sell';
        const priceTicks = 10_000 + rng.int(-30, 30);
        const qtyLots = rng.int(1, 200);
        const timeInForce = rng.pick(tifs);
        const id = `${account}:${i}`;
        const result = exchange.submit(names[account]!, { clientOrderId: id, symbol: SPOT.symbol, side, type: 'limit', timeInForce, priceTicks, qtyLots });
        // the core names orders by the exchange's venue ids, so the two trade lists compare directly
        const o = order(id, account, side, priceTicks, qtyLots, timeInForce, { stpMode: stp, venueOrderId: result.ok ? result.order.venueOrderId : 'refused' });
        const outcome = engine.place(o);
        assert.equal(outcome === 'rejected', !result.ok, `${stp}: ${id} accepted by one and refused by the other`);
        if (result.ok) assert.equal(outcome, result.order.status, `${stp}: ${id}`);
        if (outcome === 'open' || outcome === 'partially_filled') open.set(id, o);
        live.push(id);
      }
      const fromExchange = exchange.tradeLog.map((t) => [t.makerOrderId, t.takerOrderId, t.priceTicks, t.qtyLots, t.takerSide]);
      assert.ok(fromExchange.length > 500, `${stp}: only ${fromExchange.length} trades`);
      assert.deepEqual(
        settlement.trades.map((t) => [t.makerVenueId, t.takerVenueId, t.priceTicks, t.lots, t.takerSide]),
        fromExchange,
        stp,
      );
      assert.equal(exchange.counters.stpPrevented, settlement.prevented.length, stp);
    }
  });

  test('a reduce-only order expired by a fill earlier in the same match does not fill', () => {
    const PERP: InstrumentDef = { symbol: 'XPERP', base: 'X', quote: 'USDT', kind: 'perp', tickSize: '0.01', lotSize: '1', minQty: '1', minNotional: '1' };
    const exchange = new SimExchange({ clock: new SimClock(0), instruments: [PERP], fundingIntervalMs: 0, recordTrades: true, fees: { maker: 0n, taker: 0n } });
    for (const name of ['a', 'b', 'c']) {
      exchange.createAccount(name);
      exchange.deposit(name, 'USDT', fx.parse('100000'));
    }
    exchange.setMarkPrice(PERP.symbol, fx.parse('100'));
    const limit = (name: string, id: string, side: Side, priceTicks: number, qtyLots: number, timeInForce: TimeInForce, reduceOnly = false) =>
      exchange.submit(name, { clientOrderId: id, symbol: PERP.symbol, side, type: 'limit', timeInForce, priceTicks, qtyLots, reduceOnly });
    limit('c', 'c1', 'sell', 10_000, 5, 'GTC');
    limit('a', 'a1', 'buy', 10_000, 5, 'IOC'); // a is long 5
    limit('a', 'a2', 'sell', 10_100, 5, 'GTC');
    assert.ok(limit('a', 'a3', 'sell', 10_100, 5, 'GTC', true).ok);
    const taker = limit('b', 'b1', 'buy', 10_100, 10, 'IOC');
    assert.ok(taker.ok);
    assert.equal(taker.order.filledLots, 5);
    assert.equal(exchange.positions('a', PERP.symbol)[0]!.qtyLots, 0);
    assert.equal(exchange.getOrder('a', { clientOrderId: 'a3' })?.status, 'expired');
    assert.equal(exchange.getOrder('a', { clientOrderId: 'a3' })?.filledLots, 0);
  });
});
