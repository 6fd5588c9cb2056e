import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fx, Instrument } from '@mm/core';
import type { OrderRequest } from '@mm/core';
import {
  balancesFromPush,
  balancesFromWallet,
  batchOrderParam,
  bitmartOrderType,
  fillFromPush,
  instrumentDefFromSymbol,
  orderFromPush,
  orderFromWire,
  submitParams,
  tickSizeFromPrecision,
  toBitmartStp,
} from './mapping.ts';

const inst = new Instrument({ symbol: 'BTC_USDT', base: 'BTC', quote: 'USDT', kind: 'spot', tickSize: '0.01', lotSize: '0.00001', minQty: '0.00001', minNotional: '5' });
const order = (extra: Partial<OrderRequest> = {}): OrderRequest => ({
  clientOrderId: 'mm0001',
  symbol: 'BTC_USDT',
  side: 'buy',
  type: 'limit',
  timeInForce: 'POST_ONLY',
  priceTicks: 6_000_000,
  qtyLots: 100,
  ...extra,
});

test('pair rules become an instrument: tick from price_max_precision, lot from quote_increment (§8.2)', () => {
  const def = instrumentDefFromSymbol({
    symbol: 'BTC_USDT',
    base_currency: 'BTC',
    quote_currency: 'USDT',
    quote_increment: '0.00001',
    base_min_size: '0.00005',
    price_max_precision: 2,
    min_buy_amount: '5',
    min_sell_amount: '6',
    trade_status: 'trading',
  });
  assert.deepEqual(def, { symbol: 'BTC_USDT', base: 'BTC', quote: 'USDT', kind: 'spot', tickSize: '0.01', lotSize: '0.00001', minQty: '0.00005', minNotional: '6' });
  assert.equal(tickSizeFromPrecision(0), '1');
  assert.equal(tickSizeFromPrecision(8), '0.00000001');
  assert.throws(() => tickSizeFromPrecision(-1));
});

test('order types: post-only is limit_maker, IOC is ioc; FOK and market buys are refused', () => {
  assert.equal(bitmartOrderType(order()), 'limit_maker');
  assert.equal(bitmartOrderType(order({ timeInForce: 'IOC' })), 'ioc');
  assert.equal(bitmartOrderType(order({ timeInForce: 'GTC' })), 'limit');
  assert.equal(bitmartOrderType(order({ type: 'market', side: 'sell', timeInForce: 'IOC' })), 'market');
  assert.throws(() => bitmartOrderType(order({ timeInForce: 'FOK' })), (e: { code?: string }) => e.code === 'NOT_SUPPORTED');
  assert.throws(() => bitmartOrderType(order({ type: 'market', timeInForce: 'IOC' })), (e: { code?: string }) => e.code === 'NOT_SUPPORTED');
});

test('STP modes map onto BitMart names', () => {
  assert.equal(toBitmartStp('expire_taker'), 'cancel_taker');
  assert.equal(toBitmartStp('expire_maker'), 'cancel_maker');
  assert.equal(toBitmartStp('expire_both'), 'cancel_both');
  assert.equal(toBitmartStp('none'), 'none');
});

test('v2 submit uses client_order_id and camelCase stpMode; v4 batch elements use clientOrderId (§1, §4)', () => {
  assert.deepEqual(submitParams(order(), inst, 'cancel_taker'), {
    symbol: 'BTC_USDT',
    side: 'buy',
    type: 'limit_maker',
    size: '0.00100',
    price: '60000.00',
    client_order_id: 'mm0001',
    stpMode: 'cancel_taker',
  });
  assert.deepEqual(batchOrderParam(order(), inst, 'cancel_both'), {
    side: 'buy',
    type: 'limit_maker',
    size: '0.00100',
    price: '60000.00',
    clientOrderId: 'mm0001',
    stpMode: 'cancel_both',
  });
  assert.deepEqual(submitParams(order({ type: 'market', side: 'sell', timeInForce: 'IOC' }), inst, 'none'), {
    symbol: 'BTC_USDT',
    side: 'sell',
    type: 'market',
    size: '0.00100',
    client_order_id: 'mm0001',
    stpMode: 'none',
  });
});

const wire = {
  orderId: '118100034543076010',
  clientOrderId: 'mm0001',
  symbol: 'BTC_USDT',
  side: 'buy',
  orderMode: 'spot',
  type: 'limit_maker',
  state: 'new',
  cancelSource: '',
  price: '48800.00',
  priceAvg: '0',
  size: '0.10000',
  filledSize: '0',
  createTime: 1681701557927,
  updateTime: 1681701559408,
};

test('v4 order objects: state and cancelSource decide the status', () => {
  const open = orderFromWire(wire, inst);
  assert.equal(open.status, 'open');
  assert.equal(open.timeInForce, 'POST_ONLY');
  assert.equal(open.priceTicks, 4_880_000);
  assert.equal(open.qtyLots, 10_000);
  assert.equal(orderFromWire({ ...wire, state: 'partially_filled', filledSize: '0.05' }, inst).filledLots, 5_000);
  assert.equal(orderFromWire({ ...wire, state: 'canceled', cancelSource: 'user' }, inst).status, 'canceled');
  const crossed = orderFromWire({ ...wire, state: 'canceled', cancelSource: 'system' }, inst);
  assert.equal(crossed.status, 'expired');
  assert.match(crossed.reason ?? '', /post-only/);
  assert.equal(orderFromWire({ ...wire, state: 'canceled', cancelSource: 'stp' }, inst).reason, 'self-trade prevention');
  assert.equal(orderFromWire({ ...wire, state: 'partially_canceled', cancelSource: 'user', filledSize: '0.05' }, inst).status, 'canceled');
  assert.equal(orderFromWire({ ...wire, state: 'failed' }, inst).status, 'rejected');
  assert.throws(() => orderFromWire({ ...wire, state: 'weird' }, inst), (e: { code?: string }) => e.code === 'VENUE_ERROR');
});

const push = {
  symbol: 'BTC_USDT',
  side: 'buy',
  type: 'limit',
  size: '0.10000',
  price: '48800.00',
  filled_size: '0.02000',
  order_id: '2147857398',
  client_order_id: 'mm0001',
  order_state: 'partially_filled',
  state: '5',
  entrust_type: 'LIMIT_MAKER',
  exec_type: 'M',
  detail_id: '256348632',
  last_fill_time: '1609926039226',
  last_fill_price: '48800.00',
  last_fill_count: '0.02000',
  create_time: '1609926028000',
  update_time: '1609926044000',
  dealFee: '0.19',
  deal_fee_coin_name: 'USDT',
};

test('order pushes: entrust_type gives post-only; a cancel we did not ask for is the venue expiring it', () => {
  const o = orderFromPush(push, inst, false);
  assert.equal(o.timeInForce, 'POST_ONLY');
  assert.equal(o.status, 'partially_filled');
  assert.equal(orderFromPush({ ...push, order_state: 'canceled', filled_size: '0' }, inst, true).status, 'canceled');
  assert.equal(orderFromPush({ ...push, order_state: 'canceled', filled_size: '0' }, inst, false).status, 'expired');
  assert.equal(orderFromPush({ ...push, order_state: undefined, state: '6' }, inst, false).status, 'filled');
});

test('the last fill of a push becomes a fill with its trade id', () => {
  const fill = fillFromPush(push, inst, fx.parse('0.19'), 5);
  assert.deepEqual(fill, {
    symbol: 'BTC_USDT',
    tradeId: '256348632',
    venueOrderId: '2147857398',
    clientOrderId: 'mm0001',
    side: 'buy',
    priceTicks: 4_880_000,
    qtyLots: 2_000,
    fee: fx.parse('0.19'),
    feeAsset: 'USDT',
    liquidity: 'maker',
    venueTime: 1609926039226,
    receivedAt: 5,
  });
  assert.equal(fillFromPush({ ...push, detail_id: '', last_fill_count: '0' }, inst, 0n, 5), undefined);
});

test('balances: wallet and pushes give free, locked and total', () => {
  assert.deepEqual(balancesFromWallet({ wallet: [{ id: 'BTC', available: '1.5', frozen: '0.5' }] }), [
    { asset: 'BTC', free: fx.parse('1.5'), locked: fx.parse('0.5'), total: fx.parse('2') },
  ]);
  assert.deepEqual(balancesFromPush({ event_type: 'TRANSACTION_COMPLETED  ', balance_details: [{ ccy: 'USDT', av_bal: '10', fz_bal: '2' }] }), [
    { asset: 'USDT', free: fx.parse('10'), locked: fx.parse('2'), total: fx.parse('12') },
  ]);
});
