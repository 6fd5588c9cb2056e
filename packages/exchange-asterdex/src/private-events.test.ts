import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventBus, Instrument, SimClock, fx } from '@mm/core';
import type { Position } from '@mm/core';
import type { VenueEvents } from '@mm/exchange';
import { OrderCache } from './order-cache.ts';
import { handlePrivateEvent } from './private-events.ts';
import type { PrivateContext } from './private-events.ts';

const inst = new Instrument({ symbol: 'BTCUSDT', base: 'BTC', quote: 'USDT', kind: 'perp', tickSize: '0.1', lotSize: '0.001', minQty: '0.001', minNotional: '5', marginAsset: 'USDT' });

function setup() {
  const events = new EventBus<VenueEvents>();
  const seen: { topic: string; payload: unknown }[] = [];
  events.onAny((topic, payload) => seen.push({ topic: String(topic), payload }));
  const positions = new Map<string, Position>();
  const leverage: [string, number][] = [];
  const ctx: PrivateContext = {
    clock: new SimClock(1_000),
    events,
    orders: new OrderCache(),
    instrumentOf: (s) => (s === inst.symbol ? inst : undefined),
    lastPosition: (s) => positions.get(s),
    rememberPosition: (p) => positions.set(p.symbol, p),
    lockedOf: (asset) => (asset === 'USDT' ? fx.parse('10') : 0n),
    onLeverage: (s, l) => leverage.push([s, l]),
  };
  return { ctx, seen, leverage };
}

const trade = (overrides: Record<string, unknown> = {}, E = 2_000) => ({
  e: 'ORDER_TRADE_UPDATE',
  E,
  T: E,
  o: { s: 'BTCUSDT', c: 'mmA1', S: 'BUY', o: 'LIMIT', f: 'GTX', q: '0.010', p: '9000.0', ap: '9000.0', sp: '0', x: 'TRADE', X: 'PARTIALLY_FILLED', i: 77, l: '0.004', z: '0.004', L: '9000.0', N: 'USDT', n: '0.0072', T: E, t: 501, m: true, R: false, rp: '0', ...overrides },
});

test('ORDER_TRADE_UPDATE with a trade: a fill (keyed by trade id) and the order state', () => {
  const { ctx, seen } = setup();
  handlePrivateEvent(ctx, trade());
  assert.deepEqual(seen.map((s) => s.topic), ['fill', 'order']);
  const fill = seen[0]!.payload as VenueEvents['fill'];
  assert.equal(fill.tradeId, '501');
  assert.equal(fill.venueOrderId, '77');
  assert.equal(fill.clientOrderId, 'mmA1');
  assert.equal(fill.priceTicks, 90_000);
  assert.equal(fill.qtyLots, 4);
  assert.equal(fill.fee, fx.parse('0.0072'));
  assert.equal(fill.liquidity, 'maker');
  const order = seen[1]!.payload as VenueEvents['order'];
  assert.equal(order.status, 'partially_filled');
  assert.equal(order.timeInForce, 'POST_ONLY');
  assert.equal(order.filledLots, 4);
  assert.equal(ctx.orders.clientId('77'), 'mmA1', 'the client id is remembered for trade history');
});

test('an order update that arrives late never rolls the order back; its fill still counts', () => {
  const { ctx, seen } = setup();
  handlePrivateEvent(ctx, trade({ X: 'FILLED', l: '0.006', z: '0.010', t: 502 }, 3_000));
  handlePrivateEvent(ctx, trade({}, 2_000));
  const orders = seen.filter((s) => s.topic === 'order').map((s) => (s.payload as VenueEvents['order']).status);
  assert.deepEqual(orders, ['filled']);
  assert.equal(seen.filter((s) => s.topic === 'fill').length, 2);
});

test('ACCOUNT_UPDATE: balances (free from the locked amount last seen) and positions', () => {
  const { ctx, seen } = setup();
  handlePrivateEvent(ctx, {
    e: 'ACCOUNT_UPDATE',
    E: 5,
    T: 5,
    a: { m: 'ORDER', B: [{ a: 'USDT', wb: '1000.5', cw: '1000.5', bc: '0' }], P: [{ s: 'BTCUSDT', pa: '-0.020', ep: '9000.0', cr: '0', up: '-1.5', mt: 'isolated', iw: '10', ps: 'BOTH' }] },
  });
  const balances = seen.find((s) => s.topic === 'balances')!.payload as VenueEvents['balances'];
  assert.deepEqual(balances[0], { asset: 'USDT', total: fx.parse('1000.5'), free: fx.parse('990.5'), locked: fx.parse('10') });
  const position = seen.find((s) => s.topic === 'position')!.payload as VenueEvents['position'];
  assert.equal(position.qtyLots, -20);
  assert.equal(position.marginType, 'isolated');
  assert.equal(position.unrealizedPnl, fx.parse('-1.5'));
});

test('MARGIN_CALL is a risk event; ACCOUNT_CONFIG_UPDATE is leverage_changed', () => {
  const { ctx, seen, leverage } = setup();
  handlePrivateEvent(ctx, { e: 'MARGIN_CALL', E: 7, cw: '3.16', p: [{ s: 'BTCUSDT', ps: 'BOTH', pa: '1.327', mt: 'CROSSED', iw: '0', mp: '187.17', up: '-1.16', mm: '0.61' }] });
  handlePrivateEvent(ctx, { e: 'ACCOUNT_CONFIG_UPDATE', E: 8, T: 8, ac: { s: 'BTCUSDT', l: 25 } });
  handlePrivateEvent(ctx, { e: 'ACCOUNT_CONFIG_UPDATE', E: 9, T: 9, ai: { j: true, f: true, d: false } });
  const risks = seen.filter((s) => s.topic === 'risk').map((s) => s.payload as VenueEvents['risk']);
  assert.deepEqual(risks.map((r) => r.kind), ['margin_call', 'leverage_changed']);
  assert.equal(risks[0]!.symbol, 'BTCUSDT');
  assert.equal(risks[1]!.details?.['leverage'], 25);
  assert.deepEqual(leverage, [['BTCUSDT', 25]]);
});

test('spot: executionReport and outboundAccountPosition', () => {
  const { ctx, seen } = setup();
  handlePrivateEvent(ctx, { e: 'executionReport', E: 9, s: 'BTCUSDT', c: 'x1', S: 'SELL', o: 'LIMIT', f: 'GTC', q: '0.002', p: '9100.0', x: 'NEW', X: 'NEW', i: 9, l: '0', z: '0', L: '0', T: 9, t: -1, m: false, O: 8 });
  handlePrivateEvent(ctx, { e: 'outboundAccountPosition', E: 9, T: 9, B: [{ a: 'BTC', f: '1', l: '0.002' }] });
  const order = seen.find((s) => s.topic === 'order')!.payload as VenueEvents['order'];
  assert.equal(order.status, 'open');
  assert.equal(order.createdAt, 8);
  const balances = seen.find((s) => s.topic === 'balances')!.payload as VenueEvents['balances'];
  assert.deepEqual(balances[0], { asset: 'BTC', total: fx.parse('1.002'), free: fx.parse('1'), locked: fx.parse('0.002') });
});
