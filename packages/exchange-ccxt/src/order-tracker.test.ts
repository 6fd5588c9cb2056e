import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Fill, VenueOrder } from '@mm/core';
import { OrderTracker } from './order-tracker.ts';

const base: VenueOrder = { symbol: 'X/USDT', clientOrderId: 'c1', venueOrderId: 'v1', side: 'buy', type: 'limit', timeInForce: 'GTC', priceTicks: 10, qtyLots: 3, filledLots: 0, status: 'open', reduceOnly: false, createdAt: 1, updatedAt: 1 };
const fill = (tradeId: string): Fill => ({ symbol: 'X/USDT', tradeId, venueOrderId: 'v1', clientOrderId: 'c1', side: 'buy', priceTicks: 10, qtyLots: 1, fee: 0n, feeAsset: 'USDT', liquidity: 'maker', venueTime: 1, receivedAt: 1 });

test('order updates only move forward; a stale REST answer cannot undo the stream', () => {
  const seen: VenueOrder[] = [];
  const t = new OrderTracker({ emitOrder: (o) => seen.push(o), emitFill: () => {} });
  t.register('c1', 'X/USDT');
  t.onOrder(base);
  t.onOrder(base); // same state: nothing new
  t.onOrder({ ...base, status: 'partially_filled', filledLots: 2 });
  t.onOrder({ ...base, status: 'partially_filled', filledLots: 1 }); // stale
  t.onOrder({ ...base, status: 'filled', filledLots: 3 });
  t.onOrder({ ...base, status: 'open', filledLots: 0 }); // stale after terminal
  assert.deepEqual(seen.map((o) => `${o.status}:${o.filledLots}`), ['open:0', 'partially_filled:2', 'filled:3']);
  assert.equal(t.clientIdOf('X/USDT', 'v1'), 'c1');
  assert.deepEqual([...t.liveSymbols()], []);
});

test('an update without a client id is attributed through the venue id', () => {
  const seen: VenueOrder[] = [];
  const t = new OrderTracker({ emitOrder: (o) => seen.push(o), emitFill: () => {} });
  t.bind('c1', 'X/USDT', 'v1');
  t.onOrder({ ...base, clientOrderId: '', status: 'canceled' });
  assert.equal(seen[0]?.clientOrderId, 'c1');
});

test('stream deliveries pass through; polled trades only when nobody reported them', () => {
  const fills: Fill[] = [];
  const t = new OrderTracker({ emitOrder: () => {}, emitFill: (f) => fills.push(f), tradeMemory: 2 });
  t.onStreamFill(fill('1'));
  t.onStreamFill(fill('1')); // the venue sent it twice: both go out, same trade id
  assert.equal(t.onPolledFill(fill('1')), false);
  assert.equal(t.onPolledFill(fill('2')), true);
  t.onStreamFill(fill('3'));
  // memory is bounded: the oldest id is forgotten
  assert.equal(t.onPolledFill(fill('1')), true);
  assert.deepEqual(fills.map((f) => f.tradeId), ['1', '1', '2', '3', '1']);
});
