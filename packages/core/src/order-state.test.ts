import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ORDER_TRANSITIONS, applyOrderEvent, newOrderRecord, averageFillTicks, isLive } from './order-state.ts';
import type { OrderEvent, OrderEventType, OrderRecord, OrderStatus } from './order-state.ts';

const base = newOrderRecord(
  { clientOrderId: 'mmAx1', symbol: 'BTCUSDT', side: 'buy', type: 'limit', timeInForce: 'POST_ONLY', priceTicks: 100, qtyLots: 10 },
  0,
);

function inState(status: OrderStatus, filledLots = 0): OrderRecord {
  return { ...base, status, filledLots, filledTickLots: BigInt(filledLots * 100) };
}

function sampleEvent(type: OrderEventType, order: OrderRecord): OrderEvent {
  const remaining = order.qtyLots - order.filledLots;
  switch (type) {
    case 'partial_fill':
      return { type: 'fill', qtyLots: Math.max(1, Math.min(2, remaining - 1)), priceTicks: 100 };
    case 'full_fill':
      return { type: 'fill', qtyLots: remaining, priceTicks: 100 };
    case 'rejected':
      return { type: 'rejected', reason: 'test' };
    case 'amend_requested':
    case 'amended':
      return { type, priceTicks: 99, qtyLots: 10 };
    default:
      return { type } as OrderEvent;
  }
}

const ALL_EVENTS: OrderEventType[] = [
  'accepted', 'rejected', 'partial_fill', 'full_fill', 'cancel_requested', 'canceled', 'cancel_rejected',
  'expired', 'outcome_unknown', 'amend_requested', 'amended', 'amend_rejected',
];

test('every row of the transition table is applied as written, everything else is refused', () => {
  let allowed = 0;
  let refused = 0;
  for (const [status, row] of Object.entries(ORDER_TRANSITIONS) as [OrderStatus, Record<string, string>][]) {
    for (const type of ALL_EVENTS) {
      // partial fills need an order with room left for at least one more fill afterwards
      const order = inState(status, status === 'partially_filled' || status === 'pending_cancel' ? 2 : 0);
      const result = applyOrderEvent(order, sampleEvent(type, order), 5);
      const target = row[type];
      if (target === undefined) {
        assert.equal(result.ok, false, `${status} + ${type} should be refused`);
        if (!result.ok) assert.equal(result.error.code, 'ILLEGAL_TRANSITION');
        refused++;
      } else {
        assert.ok(result.ok, `${status} + ${type} should be allowed`);
        if (result.ok) {
          const expected = target === 'resting' ? (result.value.filledLots > 0 ? 'partially_filled' : 'open') : target;
          assert.equal(result.value.status, expected, `${status} + ${type}`);
          assert.equal(result.value.updatedAt, 5);
        }
        allowed++;
      }
    }
  }
  assert.ok(allowed > 40 && refused > 40, `table coverage: ${allowed} allowed, ${refused} refused`);
});

test('input records are never mutated', () => {
  const order = inState('open');
  const frozen = Object.freeze({ ...order });
  const result = applyOrderEvent(frozen, { type: 'fill', qtyLots: 3, priceTicks: 101 }, 1);
  assert.ok(result.ok);
  assert.equal(frozen.filledLots, 0);
});

test('a fill can arrive before the acknowledgement, and a late ack does not regress the state', () => {
  let order = base;
  const filled = applyOrderEvent(order, { type: 'fill', qtyLots: 4, priceTicks: 100 }, 1);
  assert.ok(filled.ok);
  order = filled.value;
  assert.equal(order.status, 'partially_filled');
  const acked = applyOrderEvent(order, { type: 'accepted', venueOrderId: 'v1' }, 2);
  assert.ok(acked.ok);
  assert.equal(acked.value.status, 'partially_filled');
  assert.equal(acked.value.venueOrderId, 'v1');
});

test('a fill that races a cancel request wins; a late fill after cancel completes the order', () => {
  const pending = applyOrderEvent(inState('open'), { type: 'cancel_requested' }, 1);
  assert.ok(pending.ok);
  const fill = applyOrderEvent(pending.value, { type: 'fill', qtyLots: 10, priceTicks: 100 }, 2);
  assert.ok(fill.ok);
  assert.equal(fill.value.status, 'filled');

  const canceled = applyOrderEvent(inState('canceled', 4), { type: 'fill', qtyLots: 6, priceTicks: 100 }, 3);
  assert.ok(canceled.ok);
  assert.equal(canceled.value.status, 'filled');
  const partialAfterCancel = applyOrderEvent(inState('canceled', 4), { type: 'fill', qtyLots: 1, priceTicks: 100 }, 3);
  assert.ok(partialAfterCancel.ok);
  assert.equal(partialAfterCancel.value.status, 'canceled');
  assert.equal(partialAfterCancel.value.filledLots, 5);
});

test('a refused cancel returns the order to its resting state', () => {
  const pending = applyOrderEvent(inState('partially_filled', 3), { type: 'cancel_requested' }, 1);
  assert.ok(pending.ok);
  const back = applyOrderEvent(pending.value, { type: 'cancel_rejected', reason: 'unknown order' }, 2);
  assert.ok(back.ok);
  assert.equal(back.value.status, 'partially_filled');
});

test('an ambiguous submit stays unknown until the venue proves its state', () => {
  const unknown = applyOrderEvent(base, { type: 'outcome_unknown', reason: 'HTTP 503' }, 1);
  assert.ok(unknown.ok);
  assert.equal(unknown.value.status, 'unknown');
  assert.ok(isLive(unknown.value.status));
  const found = applyOrderEvent(unknown.value, { type: 'accepted', venueOrderId: '77' }, 2);
  assert.ok(found.ok);
  assert.equal(found.value.status, 'open');
});

test('overfills and non-positive fills are refused', () => {
  const over = applyOrderEvent(inState('open', 8), { type: 'fill', qtyLots: 3, priceTicks: 100 }, 1);
  assert.equal(over.ok, false);
  const zero = applyOrderEvent(inState('open'), { type: 'fill', qtyLots: 0, priceTicks: 100 }, 1);
  assert.equal(zero.ok, false);
});

test('amend replaces price and quantity only when the venue confirms it', () => {
  const requested = applyOrderEvent(inState('open'), { type: 'amend_requested', priceTicks: 95, qtyLots: 12 }, 1);
  assert.ok(requested.ok);
  assert.equal(requested.value.priceTicks, 100);
  assert.deepEqual(requested.value.pendingAmend, { priceTicks: 95, qtyLots: 12 });
  const done = applyOrderEvent(requested.value, { type: 'amended', priceTicks: 95, qtyLots: 12 }, 2);
  assert.ok(done.ok);
  assert.equal(done.value.priceTicks, 95);
  assert.equal(done.value.qtyLots, 12);
  assert.equal(done.value.pendingAmend, undefined);
  assert.equal(done.value.status, 'open');
});

test('average fill price accumulates across fills', () => {
  let order = inState('open');
  for (const [qty, price] of [[2, 100], [3, 110]] as const) {
    const r = applyOrderEvent(order, { type: 'fill', qtyLots: qty, priceTicks: price }, 1);
    assert.ok(r.ok);
    order = r.value;
  }
  assert.equal(averageFillTicks(order), 106);
});
