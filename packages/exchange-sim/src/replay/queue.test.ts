// The queue-position rules on their own: a fake filler records the fills the recorded market gives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PROPORTIONAL, RISK_AVERSE, powerCancelModel } from './cancel-model.ts';
import type { CancelModel } from './cancel-model.ts';
import { OrderQueue } from './queue.ts';
import type { QueuedOrder } from './queue.ts';

interface Harness {
  queue: OrderQueue;
  fills: { id: string; lots: number }[];
  place(id: string, side: 'buy' | 'sell', price: number, lots: number, ahead: number): QueuedOrder;
  filled(id: string): number;
}

function harness(model: CancelModel = PROPORTIONAL, unitsPerLot = 1): Harness {
  const fills: { id: string; lots: number }[] = [];
  const queue = new OrderQueue(model, unitsPerLot, (order, lots) => {
    fills.push({ id: order.clientOrderId, lots });
    return lots;
  });
  return {
    queue,
    fills,
    place: (id, side, price, lots, ahead) =>
      queue.place({ account: 'me', clientOrderId: id, venueOrderId: id, isBid: side === 'buy', priceTicks: price, qtyLots: lots, filledLots: 0 }, ahead * unitsPerLot),
    filled: (id) => fills.filter((f) => f.id === id).reduce((s, f) => s + f.lots, 0),
  };
}

test('no fill while recorded queue ahead remains; the exact excess fills once it is gone', () => {
  const h = harness();
  const bid = h.place('b1', 'buy', 100, 5, 10);
  h.queue.onTrade('sell', 100, 4);
  h.queue.onTrade('sell', 100, 6);
  assert.equal(h.fills.length, 0, 'ten units traded: exactly the queue in front');
  assert.equal(bid.ahead, 0);
  h.queue.onTrade('sell', 100, 3);
  assert.deepEqual(h.fills, [{ id: 'b1', lots: 3 }]);
  assert.equal(bid.filledLots, 3);
  assert.ok(bid.live, 'the rest stays with its remaining size');
  h.queue.onTrade('sell', 100, 7);
  assert.equal(h.filled('b1'), 5);
  assert.equal(bid.live, false);
  assert.equal(h.queue.size, 0);
});

test('a print on the other side, or at a worse price than ours, does not fill us', () => {
  const h = harness();
  h.place('b1', 'buy', 100, 5, 0);
  h.queue.onTrade('buy', 100, 50);
  h.queue.onTrade('sell', 101, 50);
  assert.equal(h.fills.length, 0);
});

test('our own orders at one price queue in arrival order, with the recorded queue between them', () => {
  const h = harness();
  const a = h.place('a', 'sell', 200, 2, 3);
  const b = h.place('b', 'sell', 200, 4, 8);
  // 3 recorded, then a (2), then 5 recorded between a and b, then b
  h.queue.onTrade('buy', 200, 6);
  assert.deepEqual(h.fills, [{ id: 'a', lots: 2 }]);
  assert.equal(a.live, false);
  assert.equal(b.ahead, 8 - 4, 'b keeps the recorded units the print did not reach: 8 − (3 + 1)');
  h.queue.onTrade('buy', 200, 6);
  assert.deepEqual(h.fills.slice(1), [{ id: 'b', lots: 2 }]);
});

test('a trade through our price fills us from the print, best price first, and clears the queue ahead', () => {
  const h = harness();
  const high = h.place('high', 'buy', 101, 3, 40);
  const low = h.place('low', 'buy', 100, 3, 40);
  h.queue.onTrade('sell', 99, 4);
  assert.deepEqual(h.fills, [
    { id: 'high', lots: 3 },
    { id: 'low', lots: 1 },
  ]);
  assert.equal(high.live, false);
  assert.equal(low.ahead, 0, 'the market traded below our price: nothing is in front any more');
  assert.equal(low.filledLots, 1);
});

test('a level decrease without a trade moves us up in proportion to the queue in front', () => {
  const h = harness(PROPORTIONAL);
  const bid = h.place('b1', 'buy', 100, 5, 30);
  // level 40 = 30 ahead + 10 behind; 20 canceled: 30/40 of them were in front
  h.queue.onLevelChange(true, 100, 40, 20);
  assert.equal(bid.ahead, 15);
  assert.equal(h.fills.length, 0);
});

test('a decrease that the trades at the level explain is no cancel', () => {
  const h = harness(PROPORTIONAL);
  const bid = h.place('b1', 'buy', 100, 5, 30);
  h.queue.onTrade('sell', 100, 8);
  assert.equal(bid.ahead, 22);
  h.queue.onLevelChange(true, 100, 40, 32);
  assert.equal(bid.ahead, 22, 'the 8 that left were the print, already counted');
  h.queue.onLevelChange(true, 100, 32, 22);
  assert.equal(bid.ahead, 22 - (10 * 22) / 32, 'the next decrease is cancels again');
});

test('risk-averse: cancels never move us up, but the queue ahead never exceeds the level', () => {
  const h = harness(RISK_AVERSE);
  const bid = h.place('b1', 'buy', 100, 5, 30);
  h.queue.onLevelChange(true, 100, 40, 35);
  assert.equal(bid.ahead, 30);
  h.queue.onLevelChange(true, 100, 35, 12);
  assert.equal(bid.ahead, 12);
  h.queue.onTrade('sell', 100, 12);
  assert.equal(h.fills.length, 0);
  h.queue.onTrade('sell', 100, 1);
  assert.deepEqual(h.fills, [{ id: 'b1', lots: 1 }]);
});

test('power model: exponent 1 is proportional; a larger one takes more cancels from the longer side', () => {
  const one = powerCancelModel(1);
  assert.equal(one.afterCancel(30, 10, 20), PROPORTIONAL.afterCancel(30, 10, 20));
  const three = powerCancelModel(3);
  const advancedBy = 30 - three.afterCancel(30, 10, 20);
  assert.ok(advancedBy > 15 && advancedBy <= 20, `${advancedBy}`);
  // the back cannot lose more than it holds: the rest comes from the front
  assert.ok(Math.abs(powerCancelModel(0.5).afterCancel(10, 1, 11)) < 1e-9, 'eleven left a level of eleven');
  assert.throws(() => powerCancelModel(0));
});

test('the other side reaching our price fills us, best price first, up to its size', () => {
  const h = harness();
  h.place('b101', 'buy', 101, 2, 5);
  h.place('b100', 'buy', 100, 4, 5);
  h.place('b99', 'buy', 99, 4, 0);
  assert.equal(h.queue.crossed(true, 102), false);
  assert.equal(h.queue.crossed(true, 100), true);
  const used = h.queue.onCross(true, 100, 5);
  assert.equal(used, 5);
  assert.deepEqual(h.fills, [
    { id: 'b101', lots: 2 },
    { id: 'b100', lots: 3 },
  ]);
});

test('sizes finer than a lot add up: the units owed make a whole lot later', () => {
  const h = harness(PROPORTIONAL, 10);
  const ask = h.place('a1', 'sell', 300, 2, 0);
  h.queue.onTrade('buy', 300, 6);
  assert.equal(h.fills.length, 0, 'six tenths of a lot');
  assert.equal(ask.credit, 6);
  h.queue.onTrade('buy', 300, 6);
  assert.deepEqual(h.fills, [{ id: 'a1', lots: 1 }]);
  assert.equal(ask.credit, 2);
});

test('an amended price goes to the back of the new level', () => {
  const h = harness();
  const bid = h.place('b1', 'buy', 100, 5, 0);
  h.queue.requeue(bid, 99, 5, 12);
  h.queue.onTrade('sell', 100, 50);
  assert.equal(h.fills.length, 0, 'nothing rests at 100 any more, and 100 is above 99');
  h.queue.onTrade('sell', 99, 12);
  assert.equal(h.fills.length, 0);
  h.queue.onTrade('sell', 99, 2);
  assert.deepEqual(h.fills, [{ id: 'b1', lots: 2 }]);
});

test('a filler that cannot fill (the order left meanwhile) drops the order and keeps the print for the next', () => {
  const fills: string[] = [];
  const queue = new OrderQueue(PROPORTIONAL, 1, (order, lots) => {
    if (order.clientOrderId === 'gone') return 0;
    fills.push(`${order.clientOrderId}:${lots}`);
    return lots;
  });
  const place = (id: string, ahead: number) => queue.place({ account: 'me', clientOrderId: id, venueOrderId: id, isBid: true, priceTicks: 100, qtyLots: 3, filledLots: 0 }, ahead);
  place('gone', 0);
  place('next', 0);
  queue.onTrade('sell', 100, 3);
  assert.deepEqual(fills, ['next:3']);
  assert.equal(queue.get('gone'), undefined);
});
