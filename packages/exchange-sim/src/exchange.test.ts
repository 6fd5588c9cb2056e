import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { SimClock, fx } from '@mm/core';
import type { InstrumentDef, OrderRequest, Side, StpMode, TimeInForce, Fill, VenueOrder } from '@mm/core';
import { SimExchange } from './exchange.ts';

const SPOT: InstrumentDef = { symbol: 'TKNUSDT', base: 'TKN', quote: 'USDT', kind: 'spot', tickSize: '0.01', lotSize: '1', minQty: '1', minNotional: '1' };
const PERP: InstrumentDef = { symbol: 'TKNPERP', base: 'TKN', quote: 'USDT', kind: 'perp', tickSize: '0.01', lotSize: '1', minQty: '1', minNotional: '1' };

function setup(opts: { stp?: StpMode; fees?: boolean } = {}) {
  const clock = new SimClock(0);
  const ex = new SimExchange({
    clock,
    instruments: [SPOT, PERP],
    recordTrades: true,
    fundingIntervalMs: 0,
    ...(opts.fees === false ? { fees: { maker: 0n, taker: 0n } } : {}),
  });
  for (const name of ['alice', 'bob', 'carol']) {
    ex.createAccount(name, { stpMode: opts.stp ?? 'expire_taker' });
    ex.deposit(name, 'USDT', fx.parse('100000'));
    ex.deposit(name, 'TKN', fx.parse('100000'));
  }
  return { clock, ex };
}

let idSeq = 0;
function order(side: Side, priceTicks: number, qtyLots: number, tif: TimeInForce = 'GTC', extra: Partial<OrderRequest> = {}): OrderRequest {
  return { clientOrderId: `c${++idSeq}`, symbol: SPOT.symbol, side, type: 'limit', timeInForce: tif, priceTicks, qtyLots, ...extra };
}

function placed(result: ReturnType<SimExchange['submit']>): VenueOrder {
  assert.ok(result.ok, result.ok ? '' : result.error.message);
  return result.order;
}

function errorCode(result: ReturnType<SimExchange['submit']>): string {
  assert.equal(result.ok, false);
  return result.ok ? '' : result.error.code;
}

describe('matching', () => {
  test('price-time priority: the earlier order at a price fills first, better prices before worse', () => {
    const { ex } = setup();
    const first = placed(ex.submit('alice', order('sell', 101, 5)));
    const second = placed(ex.submit('bob', order('sell', 101, 5)));
    const better = placed(ex.submit('bob', order('sell', 100, 2)));
    const taker = placed(ex.submit('carol', order('buy', 101, 9, 'IOC')));
    assert.equal(taker.status, 'filled');
    const trades = ex.tradeLog.map((t) => [t.makerOrderId, t.priceTicks, t.qtyLots]);
    assert.deepEqual(trades, [
      [better.venueOrderId, 100, 2],
      [first.venueOrderId, 101, 5],
      [second.venueOrderId, 101, 2],
    ]);
    const rest = ex.getOrder('bob', { venueOrderId: second.venueOrderId });
    assert.equal(rest?.status, 'partially_filled');
    assert.equal(rest?.filledLots, 2);
    assert.deepEqual(ex.book(SPOT.symbol).asks.top(5), [{ priceTicks: 101, qtyLots: 3 }]);
  });

  test('a limit taker stops at its price and the rest rests (GTC) or expires (IOC)', () => {
    const { ex } = setup();
    placed(ex.submit('alice', order('sell', 100, 3)));
    placed(ex.submit('alice', order('sell', 102, 3)));
    const gtc = placed(ex.submit('bob', order('buy', 101, 5)));
    assert.equal(gtc.status, 'partially_filled');
    assert.equal(gtc.filledLots, 3);
    assert.equal(ex.bestBid(SPOT.symbol), 101);
    const ioc = placed(ex.submit('carol', order('buy', 101, 5, 'IOC')));
    assert.equal(ioc.status, 'expired');
    assert.equal(ioc.filledLots, 0);
  });

  test('post-only orders that would cross are rejected and never trade', () => {
    const { ex } = setup();
    placed(ex.submit('alice', order('sell', 100, 3)));
    assert.equal(errorCode(ex.submit('bob', order('buy', 100, 1, 'POST_ONLY'))), 'POST_ONLY_WOULD_CROSS');
    assert.equal(placed(ex.submit('bob', order('buy', 99, 2, 'POST_ONLY'))).status, 'open');
    assert.equal(ex.counters.trades, 0);
  });

  test('FOK fills completely or not at all', () => {
    const { ex } = setup();
    placed(ex.submit('alice', order('sell', 100, 3)));
    const notEnough = placed(ex.submit('bob', order('buy', 100, 4, 'FOK')));
    assert.equal(notEnough.status, 'expired');
    assert.equal(ex.counters.trades, 0);
    const enough = placed(ex.submit('bob', order('buy', 100, 3, 'FOK')));
    assert.equal(enough.status, 'filled');
  });

  test('market orders walk the book and expire when liquidity runs out', () => {
    const { ex } = setup();
    placed(ex.submit('alice', order('sell', 100, 2)));
    placed(ex.submit('alice', order('sell', 105, 2)));
    const mkt = placed(ex.submit('bob', { clientOrderId: 'mkt1', symbol: SPOT.symbol, side: 'buy', type: 'market', timeInForce: 'IOC', qtyLots: 6 }));
    assert.equal(mkt.filledLots, 4);
    assert.equal(mkt.status, 'expired');
    assert.equal(ex.bestAsk(SPOT.symbol), undefined);
  });
});

describe('self-trade prevention', () => {
  test('expire_taker: the incoming order stops, the resting one stays', () => {
    const { ex } = setup({ stp: 'expire_taker' });
    const maker = placed(ex.submit('alice', order('sell', 100, 5)));
    const taker = placed(ex.submit('alice', order('buy', 100, 5)));
    assert.equal(taker.status, 'expired');
    assert.equal(ex.getOrder('alice', { venueOrderId: maker.venueOrderId })?.status, 'open');
    assert.equal(ex.counters.selfTrades, 0);
    assert.equal(ex.counters.stpPrevented, 1);
  });

  test('expire_maker: the resting order is expired and the taker trades on with others', () => {
    const { ex } = setup({ stp: 'expire_maker' });
    const own = placed(ex.submit('alice', order('sell', 100, 5)));
    placed(ex.submit('bob', order('sell', 100, 5)));
    const taker = placed(ex.submit('alice', order('buy', 100, 5)));
    assert.equal(taker.status, 'filled');
    assert.equal(ex.getOrder('alice', { venueOrderId: own.venueOrderId })?.status, 'expired');
    assert.ok(ex.tradeLog.every((t) => t.makerAccount !== t.takerAccount));
  });

  test('expire_both cancels both; the per-order mode overrides the account default', () => {
    const { ex } = setup({ stp: 'none' });
    const own = placed(ex.submit('alice', order('sell', 100, 5)));
    const taker = placed(ex.submit('alice', order('buy', 100, 5, 'GTC', { stpMode: 'expire_both' })));
    assert.equal(taker.status, 'expired');
    assert.equal(ex.getOrder('alice', { venueOrderId: own.venueOrderId })?.status, 'expired');
    assert.equal(ex.counters.selfTrades, 0);
  });

  test('with STP off a self-trade happens and is counted (the counter works)', () => {
    const { ex } = setup({ stp: 'none' });
    placed(ex.submit('alice', order('sell', 100, 5)));
    placed(ex.submit('alice', order('buy', 100, 5)));
    assert.equal(ex.counters.selfTrades, 1);
    assert.equal(ex.tradeLog[0]?.makerAccount, ex.tradeLog[0]?.takerAccount);
  });
});

describe('fees and balances', () => {
  test('maker and taker fees are charged in quote and credited to the venue', () => {
    const { ex } = setup();
    const fills: Fill[] = [];
    ex.listen('alice', { fill: (f) => fills.push(f) });
    ex.listen('bob', { fill: (f) => fills.push(f) });
    placed(ex.submit('alice', order('sell', 10000, 10))); // 10 TKN at 100.00
    placed(ex.submit('bob', order('buy', 10000, 10, 'IOC')));
    const alice = new Map(ex.balances('alice').map((b) => [b.asset, b]));
    const bob = new Map(ex.balances('bob').map((b) => [b.asset, b]));
    // notional 1000; maker 2 bp = 0.2, taker 5 bp = 0.5
    assert.equal(fx.format(alice.get('USDT')!.total), '100999.8');
    assert.equal(fx.format(alice.get('TKN')!.total), '99990');
    assert.equal(fx.format(bob.get('USDT')!.total), '98999.5');
    assert.equal(fx.format(bob.get('TKN')!.total), '100010');
    assert.equal(fx.format(bob.get('USDT')!.locked), '0');
    assert.deepEqual(fills.map((f) => [f.liquidity, fx.format(f.fee), f.feeAsset]), [['maker', '0.2', 'USDT'], ['taker', '0.5', 'USDT']]);
    assert.equal(fills[0]!.tradeId, fills[1]!.tradeId);
  });

  test('a buy locks notional plus fees; cancelling releases exactly that', () => {
    const { ex } = setup();
    const o = placed(ex.submit('alice', order('buy', 10000, 10)));
    const locked = ex.balances('alice').find((b) => b.asset === 'USDT')!.locked;
    assert.equal(fx.format(locked), '1000.5');
    const c = ex.cancel('alice', { symbol: SPOT.symbol, venueOrderId: o.venueOrderId });
    assert.ok(c.ok);
    assert.equal(ex.balances('alice').find((b) => b.asset === 'USDT')!.locked, 0n);
  });

  test('orders beyond the free balance are refused with INSUFFICIENT_BALANCE', () => {
    const { ex } = setup();
    ex.createAccount('poor');
    ex.deposit('poor', 'USDT', fx.parse('50'));
    assert.equal(errorCode(ex.submit('poor', order('buy', 10000, 1))), 'INSUFFICIENT_BALANCE');
    assert.equal(errorCode(ex.submit('poor', order('sell', 10000, 1))), 'INSUFFICIENT_BALANCE');
  });
});

describe('bad input', () => {
  test('unknown symbol, fractional ticks, below minimum, duplicate client id: typed errors, no crash', () => {
    const { ex } = setup();
    assert.equal(errorCode(ex.submit('alice', { ...order('buy', 100, 1), symbol: 'NOPE' })), 'UNKNOWN_SYMBOL');
    assert.equal(errorCode(ex.submit('alice', order('buy', 100.5, 1))), 'PRICE_OFF_TICK');
    assert.equal(errorCode(ex.submit('alice', order('buy', 100, 0))), 'INVALID_ARGUMENT');
    assert.equal(errorCode(ex.submit('alice', order('buy', 50, 1))), 'NOTIONAL_BELOW_MIN');
    const dup = order('buy', 100, 1);
    placed(ex.submit('alice', dup));
    assert.equal(errorCode(ex.submit('alice', { ...dup })), 'DUPLICATE_CLIENT_ORDER_ID');
    assert.equal(errorCode(ex.submit('nobody', order('buy', 100, 1))), 'INVALID_ARGUMENT');
    const cancel = ex.cancel('alice', { symbol: SPOT.symbol, clientOrderId: 'never-placed' });
    assert.equal(cancel.ok, false);
    if (!cancel.ok) assert.equal(cancel.error.code, 'ORDER_NOT_FOUND');
  });
});

describe('amend', () => {
  test('lowering quantity keeps the queue place; changing price moves to the back', () => {
    const { ex } = setup();
    const a = placed(ex.submit('alice', order('sell', 100, 5)));
    placed(ex.submit('bob', order('sell', 100, 5)));
    const r1 = ex.amend('alice', { symbol: SPOT.symbol, clientOrderId: a.clientOrderId, priceTicks: 100, qtyLots: 3 });
    assert.ok(r1.ok);
    placed(ex.submit('carol', order('buy', 100, 1, 'IOC')));
    assert.equal(ex.tradeLog.at(-1)?.makerAccount, 'alice');
    const r2 = ex.amend('alice', { symbol: SPOT.symbol, clientOrderId: a.clientOrderId, priceTicks: 101, qtyLots: 3 });
    assert.ok(r2.ok);
    const r3 = ex.amend('alice', { symbol: SPOT.symbol, clientOrderId: a.clientOrderId, priceTicks: 100, qtyLots: 3 });
    assert.ok(r3.ok);
    placed(ex.submit('carol', order('buy', 100, 1, 'IOC')));
    assert.equal(ex.tradeLog.at(-1)?.makerAccount, 'bob');
  });
});

describe('perpetuals', () => {
  function perpOrder(side: Side, priceTicks: number, qtyLots: number, tif: TimeInForce = 'GTC', extra: Partial<OrderRequest> = {}): OrderRequest {
    return { ...order(side, priceTicks, qtyLots, tif, extra), symbol: PERP.symbol };
  }

  test('positions track entry, realised PnL and are zero-sum', () => {
    const { ex } = setup({ fees: false });
    placed(ex.submit('alice', perpOrder('sell', 10000, 10)));
    placed(ex.submit('bob', perpOrder('buy', 10000, 10, 'IOC')));
    placed(ex.submit('alice', perpOrder('buy', 11000, 4)));
    placed(ex.submit('bob', perpOrder('sell', 11000, 4, 'IOC')));
    const bob = ex.positions('bob', PERP.symbol)[0]!;
    assert.equal(bob.qtyLots, 6);
    assert.equal(fx.format(bob.entryPrice), '100');
    // bob sold 4 at 110 bought at 100: +40 realised
    assert.equal(fx.format(ex.balances('bob').find((b) => b.asset === 'USDT')!.total), '100040');
    assert.equal(fx.format(ex.balances('alice').find((b) => b.asset === 'USDT')!.total), '99960');
    assert.equal(ex.netPositions().get(PERP.symbol), 0);
  });

  test('reduce-only orders that would not reduce are rejected', () => {
    const { ex } = setup();
    assert.equal(errorCode(ex.submit('alice', perpOrder('sell', 10000, 1, 'GTC', { reduceOnly: true }))), 'REDUCE_ONLY_REJECTED');
  });

  test('a mark move past maintenance liquidates, and equity stays conserved', () => {
    const { ex } = setup({ fees: false });
    ex.createAccount('gambler');
    ex.deposit('gambler', 'USDT', fx.parse('300'));
    ex.setLeverage('gambler', PERP.symbol, 20);
    const risk: string[] = [];
    ex.listen('gambler', { risk: (e) => risk.push(e.kind) });
    ex.setMarkPrice(PERP.symbol, fx.parse('100'));
    placed(ex.submit('alice', perpOrder('sell', 10000, 50)));
    placed(ex.submit('gambler', perpOrder('buy', 10000, 50, 'IOC')));
    const before = ex.equityTotals().get('USDT')!;
    // margin balance 300 − 270 = 30 < 2 × maintenance (94.6 × 50 × 0.5 % = 23.65), still above it
    ex.setMarkPrice(PERP.symbol, fx.parse('94.6'));
    assert.deepEqual(risk, ['margin_call']);
    ex.setMarkPrice(PERP.symbol, fx.parse('94'));
    assert.ok(risk.includes('liquidation'));
    assert.equal(ex.positions('gambler', PERP.symbol)[0]!.qtyLots, 0);
    assert.equal(ex.counters.liquidations, 1);
    const after = ex.equityTotals().get('USDT')!;
    assert.ok(fx.abs(after - before) < 1000n, `equity drift ${after - before}`);
    assert.ok(ex.balances('gambler').every((b) => b.total >= 0n));
  });

  test('margin is required for opening orders at the chosen leverage', () => {
    const { ex } = setup();
    ex.createAccount('small');
    ex.deposit('small', 'USDT', fx.parse('100'));
    ex.setLeverage('small', PERP.symbol, 2);
    // 3 × 100 = 300 notional at 2x needs 150 margin
    assert.equal(errorCode(ex.submit('small', perpOrder('buy', 10000, 3))), 'INSUFFICIENT_BALANCE');
    placed(ex.submit('small', perpOrder('buy', 10000, 1)));
  });
});
