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
  const changes = { count: 0 };
  const ctx: PrivateContext = {
    clock: new SimClock(1_000),
    events,
    orders: new OrderCache(),
    instrumentOf: (s) => (s === inst.symbol ? inst : undefined),
    lastPosition: (s) => positions.get(s),
    rememberPosition: (p) => positions.set(p.symbol, p),
    lockedOf: (asset) => (asset === 'USDT' ? fx.parse('10') : 0n),
    onLeverage: (s, l) => leverage.push([s, l]),
    onAccountChange: () => changes.count++,
  };
  return { ctx, seen, leverage, changes };
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

const accountUpdate = (m: string, B: Record<string, unknown>[], P: Record<string, unknown>[] = [], T = 6_000) => ({ e: 'ACCOUNT_UPDATE', E: T + 1, T, a: { m, B, P } });
const flowsOf = (seen: { topic: string; payload: unknown }[]): VenueEvents['cashFlow'][] =>
  seen.filter((s) => s.topic === 'cashFlow').map((s) => s.payload as VenueEvents['cashFlow']);

test('ACCOUNT_UPDATE FUNDING_FEE: exactly one funding cash flow of bc, signed as the venue sends it', () => {
  const { ctx, seen, changes } = setup();
  // cross funding: the funding asset only, no position
  handlePrivateEvent(ctx, accountUpdate('FUNDING_FEE', [{ a: 'USDT', wb: '999.87', cw: '999.87', bc: '-0.13' }]));
  const flows = flowsOf(seen);
  assert.equal(flows.length, 1);
  assert.deepEqual(flows[0], { kind: 'funding', id: 'FUNDING_FEE:6000:USDT:999.87', symbol: undefined, asset: 'USDT', amount: fx.parse('-0.13'), venueTime: 6_000, receivedAt: 1_000 });
  assert.equal(changes.count, 1, 'the account change is reported for a margin refresh');
  // isolated funding names its position: received, with the symbol in the flow and its id
  handlePrivateEvent(ctx, accountUpdate('FUNDING_FEE', [{ a: 'USDT', wb: '1000.2', cw: '990', bc: '0.33' }], [{ s: 'BTCUSDT', pa: '0.010', ep: '9000.0', cr: '0', up: '0', mt: 'isolated', iw: '10.2', ps: 'BOTH' }], 7_000));
  const second = flowsOf(seen)[1]!;
  assert.deepEqual([second.kind, second.symbol, second.amount, second.id], ['funding', 'BTCUSDT', fx.parse('0.33'), 'FUNDING_FEE:7000:USDT:1000.2:BTCUSDT']);
});

test('ACCOUNT_UPDATE transfers: deposits and withdrawals are transfer cash flows; fills and margin moves are not', () => {
  const { ctx, seen, changes } = setup();
  handlePrivateEvent(ctx, accountUpdate('DEPOSIT', [{ a: 'USDT', wb: '1500', cw: '1500', bc: '500' }], [], 1));
  handlePrivateEvent(ctx, accountUpdate('WITHDRAW', [{ a: 'USDT', wb: '1300', cw: '1300', bc: '-200' }], [], 2));
  handlePrivateEvent(ctx, accountUpdate('ASSET_TRANSFER', [{ a: 'USDC', wb: '10', cw: '10', bc: '10' }, { a: 'USDT', wb: '1300', cw: '1300', bc: '0' }], [], 3));
  handlePrivateEvent(ctx, accountUpdate('ORDER', [{ a: 'USDT', wb: '1290', cw: '1290', bc: '0' }], [], 4));
  handlePrivateEvent(ctx, accountUpdate('MARGIN_TRANSFER', [{ a: 'USDT', wb: '1290', cw: '1280', bc: '-10' }], [], 5));
  const flows = flowsOf(seen);
  assert.deepEqual(
    flows.map((f) => [f.kind, f.id, f.symbol, f.asset, fx.format(f.amount)]),
    [
      ['transfer', 'DEPOSIT:1:USDT:1500', undefined, 'USDT', '500'],
      ['transfer', 'WITHDRAW:2:USDT:1300', undefined, 'USDT', '-200'],
      ['transfer', 'ASSET_TRANSFER:3:USDC:10', undefined, 'USDC', '10'],
    ],
  );
  assert.equal(changes.count, 5);
  // the same event again yields the same id (the ledger stores it once)
  handlePrivateEvent(ctx, accountUpdate('DEPOSIT', [{ a: 'USDT', wb: '1500', cw: '1500', bc: '500' }], [], 1));
  assert.equal(flowsOf(seen).at(-1)!.id, 'DEPOSIT:1:USDT:1500');
  // a second deposit in the same millisecond differs by the wallet balance after it
  handlePrivateEvent(ctx, accountUpdate('DEPOSIT', [{ a: 'USDT', wb: '2000', cw: '2000', bc: '500' }], [], 1));
  assert.equal(flowsOf(seen).at(-1)!.id, 'DEPOSIT:1:USDT:2000');
});

test('a trade reports an account change; an order update without one does not', () => {
  const { ctx, changes } = setup();
  handlePrivateEvent(ctx, trade({ x: 'NEW', X: 'NEW', l: '0', z: '0', t: 0 }, 1_500));
  assert.equal(changes.count, 0);
  handlePrivateEvent(ctx, trade());
  assert.equal(changes.count, 1);
});
