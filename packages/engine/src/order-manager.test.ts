import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fx } from '@mm/core';
import type { Fill, VenueOrder } from '@mm/core';
import { OrderManager } from './order-manager.ts';

const fields = (id: string) => ({ clientOrderId: id, symbol: 'S', side: 'buy' as const, type: 'limit' as const, timeInForce: 'POST_ONLY' as const, priceTicks: 100, qtyLots: 10 });
const report = (id: string, status: VenueOrder['status'], extra: Partial<VenueOrder> = {}): VenueOrder => ({
  symbol: 'S', clientOrderId: id, venueOrderId: `v-${id}`, side: 'buy', type: 'limit', timeInForce: 'POST_ONLY', priceTicks: 100, qtyLots: 10, filledLots: 0, status, reduceOnly: false, createdAt: 0, updatedAt: 0, ...extra,
});
const fill = (id: string, tradeId: string, qty: number): Fill => ({
  symbol: 'S', tradeId, venueOrderId: `v-${id}`, clientOrderId: id, side: 'buy', priceTicks: 100, qtyLots: qty, fee: fx.parse('0.01'), feeAsset: 'USDT', liquidity: 'maker', venueTime: 1, receivedAt: 1,
});

test('ownership follows the bot prefix', () => {
  const m = new OrderManager('mmabcx');
  assert.ok(m.owns('mmabcx123'));
  assert.ok(!m.owns('mmabdx123'));
});

test('a venue report moves a registered order to open; fills (not reports) carry quantities', () => {
  const m = new OrderManager('p');
  m.register(fields('p1'), 'mm', 0);
  assert.equal(m.applyVenueOrder(report('p1', 'open'), 1).ok, true);
  assert.equal(m.get('p1')?.record.status, 'open');
  assert.equal(m.get('p1')?.record.venueOrderId, 'v-p1');
  // a report that says partially filled does not change quantities by itself
  m.applyVenueOrder(report('p1', 'partially_filled', { filledLots: 4 }), 2);
  assert.equal(m.get('p1')?.record.filledLots, 0);
  assert.ok(m.markTradeSeen('t1'));
  m.applyFill(fill('p1', 't1', 4), 3);
  assert.equal(m.get('p1')?.record.status, 'partially_filled');
  assert.equal(m.markTradeSeen('t1'), false, 'the same trade is applied only once');
});

test('a venue "filled" report ahead of its fills flags the order for a check until the fills arrive', () => {
  const m = new OrderManager('p');
  m.register(fields('p1'), 'mm', 0);
  m.applyVenueOrder(report('p1', 'open'), 1);
  m.applyVenueOrder(report('p1', 'filled', { filledLots: 10 }), 2);
  assert.equal(m.get('p1')?.record.status, 'open');
  assert.deepEqual(m.needingCheck(10_000, 5_000).map((o) => o.record.clientOrderId), ['p1']);
  m.markTradeSeen('t9');
  m.applyFill(fill('p1', 't9', 10), 10_001);
  assert.equal(m.get('p1')?.record.status, 'filled');
  assert.deepEqual(m.needingCheck(30_000, 5_000), []);
});

test('unknown outcomes and unanswered requests are due for a check; finished orders are not', () => {
  const m = new OrderManager('p');
  m.register(fields('a'), 'mm', 0);
  m.register(fields('b'), 'volume', 0);
  m.register(fields('c'), 'mm', 0);
  m.apply('a', { type: 'outcome_unknown' }, 0);
  m.applyVenueOrder(report('c', 'open'), 0);
  m.applyVenueOrder(report('c', 'canceled'), 1);
  const due = m.needingCheck(6_000, 5_000).map((o) => o.record.clientOrderId).sort();
  assert.deepEqual(due, ['a', 'b']);
  assert.equal(m.liveCount, 2);
  assert.deepEqual(m.live('volume').map((o) => o.record.clientOrderId), ['b']);
});

test('not-found answers are counted, and a cancelled order can still take a late fill', () => {
  const m = new OrderManager('p');
  m.register(fields('a'), 'mm', 0);
  m.applyVenueOrder(report('a', 'open'), 0);
  assert.equal(m.recordNotFound('a', 1), 1);
  assert.equal(m.recordNotFound('a', 2), 2);
  m.apply('a', { type: 'canceled', reason: 'lost' }, 3);
  m.markTradeSeen('late');
  const r = m.applyFill(fill('a', 'late', 10), 4);
  assert.ok(r.ok);
  assert.equal(m.get('a')?.record.status, 'filled');
});

test('an illegal update is refused and reported, not applied', () => {
  const m = new OrderManager('p');
  m.register(fields('a'), 'mm', 0);
  m.applyVenueOrder(report('a', 'open'), 0);
  m.markTradeSeen('t');
  m.applyFill(fill('a', 't', 10), 1);
  const r = m.apply('a', { type: 'cancel_requested' }, 2);
  assert.equal(r.ok, false);
  assert.equal(m.get('a')?.record.status, 'filled');
});
