// submitForStatus / cancelIfOpen / isOpen, the lean entry points of the market simulator, do
// exactly what submit / cancel / openOrders do: same statuses, same state, same counters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng, SimClock, fx } from '@mm/core';
import type { InstrumentDef, OrderRequest, TimeInForce } from '@mm/core';
import { SimExchange } from './exchange.ts';

const SPOT: InstrumentDef = { symbol: 'LNUSDT', base: 'LN', quote: 'USDT', kind: 'spot', tickSize: '0.01', lotSize: '1', minQty: '1', minNotional: '5' };
const PERP: InstrumentDef = { symbol: 'LNPERP', base: 'LN', quote: 'USDT', kind: 'perp', tickSize: '0.01', lotSize: '1', minQty: '1', minNotional: '5' };

function exchange(): SimExchange {
  const ex = new SimExchange({ clock: new SimClock(0), instruments: [SPOT, PERP], fundingIntervalMs: 0, recordTrades: true });
  for (const name of ['a', 'b', 'c']) {
    ex.createAccount(name, { stpMode: name === 'c' ? 'expire_maker' : 'expire_taker', track: name !== 'b' });
    ex.deposit(name, 'USDT', fx.parse('20000'));
    ex.deposit(name, 'LN', fx.parse('300'));
  }
  ex.setMarkPrice(PERP.symbol, fx.parse('10'));
  return ex;
}

function state(ex: SimExchange): string {
  return JSON.stringify(
    {
      counters: ex.counters,
      trades: ex.tradeLog,
      balances: ex.rawBalances(),
      books: [SPOT.symbol, PERP.symbol].map((s) => [ex.book(s).sequence, ex.book(s).bids.top(50), ex.book(s).asks.top(50)]),
      open: ['a', 'b', 'c'].map((n) => ex.openOrders(n)),
    },
    (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v),
  );
}

test('lean entry points match submit and cancel on a random flow', () => {
  const full = exchange();
  const lean = exchange();
  const rng = new Rng('lean-entry');
  const tifs: TimeInForce[] = ['GTC', 'GTC', 'POST_ONLY', 'IOC', 'FOK'];
  const live: { name: string; symbol: string; id: string }[] = [];
  for (let i = 0; i < 4_000; i++) {
    const name = rng.pick(['a', 'b', 'c']);
    const symbol = rng.bool(0.6) ? SPOT.symbol : PERP.symbol;
    if (live.length > 0 && rng.bool(0.35)) {
      const target = live.splice(rng.int(0, live.length - 1), 1)[0]!;
      const open = full.isOpen(target.name, target.symbol, target.id);
      assert.equal(lean.isOpen(target.name, target.symbol, target.id), open);
      assert.equal(open, full.openOrders(target.name, target.symbol).some((o) => o.clientOrderId === target.id));
      const canceled = full.cancel(target.name, { symbol: target.symbol, clientOrderId: target.id }).ok;
      assert.equal(lean.cancelIfOpen(target.name, target.symbol, target.id), canceled);
      continue;
    }
    const request: OrderRequest = {
      clientOrderId: rng.bool(0.02) && live.length > 0 ? rng.pick(live).id : `o${i}`,
      symbol,
      side: rng.bool() ? 'buy' : 'sell',
      type: 'limit',
      timeInForce: rng.pick(tifs),
      priceTicks: 1_000 + rng.int(-20, 20),
      qtyLots: rng.int(1, 60),
      ...(symbol === PERP.symbol && rng.bool(0.1) ? { reduceOnly: true } : {}),
    };
    const result = full.submit(name, request);
    assert.equal(lean.submitForStatus(name, request), result.ok ? result.order.status : 'rejected');
    if (result.ok && (result.order.status === 'open' || result.order.status === 'partially_filled')) live.push({ name, symbol, id: request.clientOrderId });
  }
  assert.ok(full.counters.trades > 200, `only ${full.counters.trades} trades`);
  assert.ok(full.counters.ordersRejected > 50, `only ${full.counters.ordersRejected} rejections`);
  assert.equal(state(lean), state(full));
});

test('cancelIfOpen leaves an order on another symbol alone', () => {
  const ex = exchange();
  assert.equal(ex.submitForStatus('a', { clientOrderId: 'x', symbol: SPOT.symbol, side: 'buy', type: 'limit', timeInForce: 'GTC', priceTicks: 900, qtyLots: 1 }), 'open');
  assert.equal(ex.isOpen('a', PERP.symbol, 'x'), false);
  assert.equal(ex.cancelIfOpen('a', PERP.symbol, 'x'), false);
  assert.equal(ex.cancelIfOpen('a', SPOT.symbol, 'x'), true);
  assert.equal(ex.cancelIfOpen('a', SPOT.symbol, 'x'), false);
  assert.equal(ex.submitForStatus('nobody', { clientOrderId: 'y', symbol: SPOT.symbol, side: 'buy', type: 'limit', timeInForce: 'GTC', priceTicks: 900, qtyLots: 1 }), 'rejected');
});
