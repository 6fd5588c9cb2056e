import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fx, Instrument, SimClock } from '@mm/core';
import type { Fill, VenueOrder } from '@mm/core';
import { OrderTracker } from './order-tracker.ts';
import type { WireOrderPush } from './wire.ts';

const inst = new Instrument({ symbol: 'BTC_USDT', base: 'BTC', quote: 'USDT', kind: 'spot', tickSize: '0.01', lotSize: '0.00001', minQty: '0.00001', minNotional: '5' });

function setup(restFills: Fill[] = []): { tracker: OrderTracker; orders: VenueOrder[]; fills: Fill[]; fetched: string[]; clock: SimClock } {
  const clock = new SimClock(1000);
  const orders: VenueOrder[] = [];
  const fills: Fill[] = [];
  const fetched: string[] = [];
  const tracker = new OrderTracker({
    clock,
    instrument: (s) => (s === 'BTC_USDT' ? inst : undefined),
    emitOrder: (o) => orders.push(o),
    emitFill: (f) => fills.push(f),
    fetchOrderFills: async (_symbol, orderId) => {
      fetched.push(orderId);
      return restFills;
    },
    onError: (e) => assert.fail(e.message),
  });
  return { tracker, orders, fills, fetched, clock };
}

function push(state: string, filled: string, fill?: { id: string; qty: string; fee: string }, extra: Partial<WireOrderPush> = {}): WireOrderPush {
  return {
    symbol: 'BTC_USDT',
    side: 'buy',
    type: 'limit',
    size: '0.00300',
    price: '60000.00',
    filled_size: filled,
    order_id: '77',
    client_order_id: 'mm1',
    order_state: state,
    entrust_type: 'limit_maker',
    exec_type: 'M',
    detail_id: fill?.id ?? '',
    last_fill_time: '2000',
    last_fill_price: '60000.00',
    last_fill_count: fill?.qty ?? '0',
    create_time: '1000',
    update_time: String(1000 + Number(filled.replace('.', ''))),
    dealFee: fill?.fee ?? '0',
    deal_fee_coin_name: 'USDT',
    ...extra,
  };
}

test('each fill push yields one fill, with the fee as the growth of the cumulative dealFee', () => {
  const { tracker, orders, fills } = setup();
  tracker.onPush(push('new', '0'), 1);
  tracker.onPush(push('partially_filled', '0.00100', { id: 't1', qty: '0.00100', fee: '0.012' }), 2);
  tracker.onPush(push('filled', '0.00300', { id: 't2', qty: '0.00200', fee: '0.036' }), 3);
  assert.deepEqual(
    fills.map((f) => [f.tradeId, f.qtyLots, fx.format(f.fee)]),
    [
      ['t1', 100, '0.012'],
      ['t2', 200, '0.024'],
    ],
  );
  assert.deepEqual(
    orders.map((o) => o.status),
    ['open', 'partially_filled', 'filled'],
  );
});

test('a re-delivered push is passed on again with the same trade id; a stale one is dropped', () => {
  const { tracker, orders, fills } = setup();
  const p1 = push('partially_filled', '0.00100', { id: 't1', qty: '0.00100', fee: '0.012' });
  const p2 = push('partially_filled', '0.00200', { id: 't2', qty: '0.00100', fee: '0.024' });
  tracker.onPush(p1, 1);
  tracker.onPush(p2, 2);
  tracker.onPush(p2, 3); // duplicate delivery
  tracker.onPush(p1, 4); // out of order: older than what was reported
  assert.deepEqual(
    fills.map((f) => [f.tradeId, fx.format(f.fee)]),
    [
      ['t1', '0.012'],
      ['t2', '0.012'],
      ['t2', '0.012'],
    ],
  );
  assert.deepEqual(
    orders.map((o) => o.filledLots),
    [100, 200, 200],
  );
});

test('a final state is never undone by a late live push', () => {
  const { tracker, orders } = setup();
  tracker.noteCancel('BTC_USDT', { clientOrderId: 'mm1' });
  tracker.onPush(push('canceled', '0'), 1);
  tracker.onPush(push('new', '0'), 2);
  assert.deepEqual(
    orders.map((o) => o.status),
    ['canceled'],
  );
});

test('merged fills (filled_size grew by more than the last fill) are fetched over REST once each', async () => {
  const rest: Fill[] = ['t1', 't2'].map((tradeId) => ({
    symbol: 'BTC_USDT',
    tradeId,
    venueOrderId: '77',
    clientOrderId: 'mm1',
    side: 'buy',
    priceTicks: 6_000_000,
    qtyLots: 100,
    fee: 1n,
    feeAsset: 'USDT',
    liquidity: 'maker',
    venueTime: 2000,
    receivedAt: 3,
  }));
  const { tracker, fills, fetched } = setup(rest);
  tracker.onPush(push('partially_filled', '0.00200', { id: 't2', qty: '0.00100', fee: '0.024' }), 1);
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(fetched, ['77']);
  assert.deepEqual(
    fills.map((f) => f.tradeId),
    ['t1', 't2'],
  );
});

test('who cancelled: our request → canceled; the venue (post-only cross) → expired', () => {
  const { tracker, orders } = setup();
  tracker.onPush(push('canceled', '0', undefined, { order_id: '1', client_order_id: 'a' }), 1);
  tracker.noteCancel('BTC_USDT', { venueOrderId: '2' });
  tracker.onPush(push('canceled', '0', undefined, { order_id: '2', client_order_id: 'b' }), 1);
  tracker.noteCancelAll('BTC_USDT');
  tracker.onPush(push('canceled', '0', undefined, { order_id: '3', client_order_id: 'c' }), 1);
  assert.deepEqual(
    orders.map((o) => [o.venueOrderId, o.status]),
    [
      ['1', 'expired'],
      ['2', 'canceled'],
      ['3', 'canceled'],
    ],
  );
  assert.equal(tracker.latest('1')?.status, 'expired');
});
