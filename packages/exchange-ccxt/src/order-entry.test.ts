// Order entry against a scripted ccxt exchange: batches where ccxt has them (split, per-entry
// refusals in order), local refusals before any request, STP and post-only parameters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineError, Instrument, LiveClock } from '@mm/core';
import type { Fill, OrderRequest, VenueOrder } from '@mm/core';
import type { CcxtExchange, CcxtOrder, CcxtOrderSpec } from './ccxt-types.ts';
import { ExchangeHooks } from './exchange-hooks.ts';
import { OrderEntry } from './order-entry.ts';
import { OrderTracker } from './order-tracker.ts';
import { profileFor } from './profiles.ts';

const INST = new Instrument({ symbol: 'BTC/USDT', base: 'BTC', quote: 'USDT', kind: 'spot', tickSize: '0.01', lotSize: '0.0001', minQty: '0.0001', minNotional: '5' });

function setup(exchangeId: string, batchMax: number, createOrders: (specs: CcxtOrderSpec[]) => CcxtOrder[]) {
  const calls: CcxtOrderSpec[][] = [];
  const singles: CcxtOrderSpec[] = [];
  const ex = {
    createOrders: async (specs: CcxtOrderSpec[]) => {
      calls.push(specs);
      return createOrders(specs);
    },
    createOrder: async (symbol: string, type: string, side: string, amount: string, price?: string, params?: Record<string, unknown>) => {
      singles.push({ symbol, type, side, amount, ...(price === undefined ? {} : { price }), ...(params === undefined ? {} : { params }) });
      return { id: `s${singles.length}`, symbol, side, price, amount, status: 'open', clientOrderId: params?.['clientOrderId'] as string } satisfies CcxtOrder;
    },
  } as unknown as CcxtExchange;
  const orders: VenueOrder[] = [];
  const fills: Fill[] = [];
  const tracker = new OrderTracker({ emitOrder: (o) => orders.push(o), emitFill: (f) => fills.push(f) });
  const entry = new OrderEntry({
    ex,
    hooks: new ExchangeHooks(new LiveClock()),
    tracker,
    profile: profileFor(exchangeId),
    venue: exchangeId,
    clock: new LiveClock(),
    instrument: (s) => {
      if (s !== INST.symbol) throw new EngineError('UNKNOWN_SYMBOL', `no market ${s}`);
      return INST;
    },
    call: (_p, fn) => fn(),
    batchMax: () => batchMax,
    maxClientIdLength: () => 32,
    defaultStp: () => 'expire_taker',
    clientIdOf: (o) => o.clientOrderId ?? '',
  });
  return { entry, calls, singles, tracker, orders };
}

const order = (id: string, priceTicks: number, extra: Partial<OrderRequest> = {}): OrderRequest => ({ clientOrderId: id, symbol: 'BTC/USDT', side: 'buy', type: 'limit', timeInForce: 'GTC', priceTicks, qtyLots: 10_000, ...extra });

test('batches are split at the venue maximum, refusals stay with their entry, results come back in request order', async () => {
  const { entry, calls, singles } = setup('mexc', 2, (specs) =>
    specs.map((s, i) =>
      s.price === '1001.00'
        ? ({ id: '', symbol: s.symbol, status: 'rejected', info: { code: 30004, msg: 'Insufficient position' } } as CcxtOrder)
        : ({ id: `v${i}${s.price}`, symbol: s.symbol, side: s.side, price: s.price, amount: s.amount, status: 'open', clientOrderId: s.params?.['clientOrderId'] as string } as CcxtOrder),
    ),
  );
  const results = await entry.place([order('a', 100_000), order('b', 100_100), order('c', 100_200), order('bad', 1, { qtyLots: 0 })]);
  // three valid orders, at most two per batch: a batch of two, then a plain order (a batch of one)
  assert.deepEqual(calls.map((c) => c.length), [2]);
  assert.equal(singles.length, 1);
  assert.deepEqual(results.map((r) => r.ok), [true, false, true, false]);
  assert.ok(!results[1]!.ok && results[1]!.outcome === 'rejected' && results[1]!.error.code === 'INSUFFICIENT_BALANCE');
  assert.ok(!results[3]!.ok && results[3]!.outcome === 'rejected' && results[3]!.error.code === 'INVALID_ARGUMENT');
  assert.ok(results[0]!.ok && results[0]!.order.clientOrderId === 'a' && results[0]!.order.priceTicks === 100_000);
  assert.deepEqual(calls[0]![0]!.params, { clientOrderId: 'a' });
});

test('a batch whose answer is lost is unknown for every order in it', async () => {
  const { entry } = setup('mexc', 5, () => {
    throw Object.assign(new (class RequestTimeout extends Error {})('timed out'), {});
  });
  const results = await entry.place([order('a', 100_000), order('b', 100_100)]);
  assert.ok(results.every((r) => !r.ok && r.outcome === 'unknown'));
});

test('post-only, IOC and STP become the venue parameters of its profile', async () => {
  const kucoin = setup('kucoin', 1, () => []);
  await kucoin.entry.place([order('p', 100_000, { timeInForce: 'POST_ONLY' }), order('i', 100_000, { timeInForce: 'IOC', stpMode: 'expire_maker' })]);
  assert.deepEqual(kucoin.singles.map((s) => s.params), [
    { clientOrderId: 'p', postOnly: true, stp: 'CN' },
    { clientOrderId: 'i', timeInForce: 'IOC', stp: 'CO' },
  ]);
  const aster = setup('aster', 1, () => []);
  await aster.entry.place([order('g', 100_000, { timeInForce: 'POST_ONLY' })]);
  assert.deepEqual(aster.singles[0]!.params, { clientOrderId: 'g', timeInForce: 'GTX' }, 'aster: no STP params, GTX for post-only');
  assert.equal(aster.singles[0]!.price, '1000.00');
  assert.equal(aster.singles[0]!.amount, '1.0000');
});

test('local refusals cost no request: bad client id, market order, off-tick price, unknown symbol', async () => {
  const { entry, singles } = setup('mexc', 1, () => []);
  const results = await entry.place([
    order('bad-id!', 100_000),
    order('m', 100_000, { type: 'market' }),
    order('t', 100_000.5),
    { ...order('u', 100_000), symbol: 'NOPE/USDT' },
  ]);
  assert.deepEqual(results.map((r) => (r.ok ? 'ok' : r.error.code)), ['INVALID_ARGUMENT', 'NOT_SUPPORTED', 'PRICE_OFF_TICK', 'UNKNOWN_SYMBOL']);
  assert.equal(singles.length, 0);
});
