import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Side } from '@mm/core';
import { planRefresh } from './refresh.ts';
import type { DesiredQuote, GridResult, LiveQuote, RefreshInput } from './types.ts';

const diagnostics = { baseSharePct: 50, skew: 0, bidSizeMultiplier: 1, askSizeMultiplier: 1, priceShift: 0, bidMinSpreadPct: 1, askMinSpreadPct: 1 };

function desired(bids: [number, number][], asks: [number, number][]): GridResult {
  const q = (side: Side) => ([priceTicks, qtyLots]: [number, number], level: number): DesiredQuote => ({ side, level, priceTicks, qtyLots });
  return { bids: bids.map(q('buy')), asks: asks.map(q('sell')), dropped: [], diagnostics };
}

function live(clientOrderId: string, side: Side, priceTicks: number, qtyLots: number, placedAt = 0): LiveQuote {
  return { clientOrderId, side, priceTicks, qtyLots, placedAt };
}

function input(want: GridResult, orders: LiveQuote[], overrides: Partial<RefreshInput> = {}): RefreshInput {
  return { desired: want, live: orders, tolerancePct: 0.1, maxOrderAgeMs: 0, now: 1_000, ...overrides };
}

test('keep what is close, replace what drifted, name the reason', () => {
  const want = desired(
    [
      [9_900, 100],
      [9_800, 100],
    ],
    [[10_100, 100]],
  );
  const plan = planRefresh(
    input(want, [
      live('A', 'buy', 9_905, 100), // |9900 − 9905| / 9905 = 0.050 % ≤ 0.1 %: keep
      live('B', 'buy', 9_700, 100), // 9800 is 1.03 % away: drifted
      live('C', 'sell', 10_100, 40), // same price, but 40 < 50 % of 100: size_changed
      live('D', 'sell', 10_500, 100), // far away while a desired ask is unpaired: drifted
    ]),
  );
  assert.deepEqual(plan.keep, ['A']);
  assert.deepEqual(plan.cancel, [
    { clientOrderId: 'B', reason: 'drifted' },
    { clientOrderId: 'C', reason: 'size_changed' },
    { clientOrderId: 'D', reason: 'drifted' },
  ]);
  assert.deepEqual(
    plan.place.map((q) => [q.side, q.level, q.priceTicks]),
    [
      ['buy', 1, 9_800],
      ['sell', 0, 10_100],
    ],
  );
});

test('tolerance edges: |desired − live| / live ≤ tolerancePct keeps, a tick more replaces', () => {
  const order = [live('X', 'buy', 10_000, 100)];
  // 10 / 10000 = 0.1 %: exactly at the tolerance
  assert.deepEqual(planRefresh(input(desired([[10_010, 100]], []), order)).keep, ['X']);
  assert.deepEqual(planRefresh(input(desired([[9_990, 100]], []), order)).keep, ['X']);
  // 11 / 10000 = 0.11 %
  const moved = planRefresh(input(desired([[10_011, 100]], []), order));
  assert.deepEqual(moved.keep, []);
  assert.deepEqual(moved.cancel, [{ clientOrderId: 'X', reason: 'drifted' }]);
  assert.equal(moved.place.length, 1);
  // tolerance 0: only the exact price keeps
  assert.deepEqual(planRefresh(input(desired([[10_001, 100]], []), order, { tolerancePct: 0 })).keep, []);
  assert.deepEqual(planRefresh(input(desired([[10_000, 100]], []), order, { tolerancePct: 0 })).keep, ['X']);
});

test('size band: remaining 50 %–150 % of the desired size keeps', () => {
  const want = desired([[10_000, 100]], []);
  for (const [lots, kept] of [
    [50, true],
    [49, false],
    [150, true],
    [151, false],
  ] as const) {
    const plan = planRefresh(input(want, [live('X', 'buy', 10_000, lots)]));
    assert.equal(plan.keep.length === 1, kept, `${lots} lots`);
    if (!kept) assert.deepEqual(plan.cancel, [{ clientOrderId: 'X', reason: 'size_changed' }]);
  }
});

test('orders nobody wants any more are cancelled as not_wanted', () => {
  const plan = planRefresh(input(desired([[9_900, 100]], []), [live('A', 'buy', 9_900, 100), live('S', 'sell', 10_100, 100), live('B', 'buy', 9_000, 100)]));
  assert.deepEqual(plan.keep, ['A']);
  assert.deepEqual(plan.cancel, [
    { clientOrderId: 'B', reason: 'not_wanted' },
    { clientOrderId: 'S', reason: 'not_wanted' },
  ]);
  assert.deepEqual(plan.place, []);
});

test('greedy pairing: innermost desired first, the nearest live order wins, each order pairs once', () => {
  // both live orders are within 0.1 % of both desired prices; 9996 is nearest to 9999
  const want = desired(
    [
      [9_999, 100],
      [9_995, 100],
    ],
    [],
  );
  const plan = planRefresh(input(want, [live('far', 'buy', 9_990, 100), live('near', 'buy', 9_996, 100)]));
  assert.deepEqual(plan.keep, ['near', 'far']);
  assert.deepEqual(plan.place, []);
  // one live order, two desired levels: only one can keep it
  const one = planRefresh(input(want, [live('only', 'buy', 9_997, 100)]));
  assert.deepEqual(one.keep, ['only']);
  assert.deepEqual(one.place.map((q) => q.level), [1]);
});

test('max order age: older orders are cancelled and placed afresh; 0 never expires', () => {
  const want = desired([[9_900, 100]], [[10_100, 100]]);
  const orders = [live('old', 'buy', 9_900, 100, 0), live('young', 'sell', 10_100, 100, 5_000)];
  const plan = planRefresh(input(want, orders, { maxOrderAgeMs: 10_000, now: 10_001 }));
  assert.deepEqual(plan.keep, ['young']);
  assert.deepEqual(plan.cancel, [{ clientOrderId: 'old', reason: 'too_old' }]);
  assert.deepEqual(plan.place.map((q) => [q.side, q.priceTicks]), [['buy', 9_900]]);
  // exactly maxOrderAgeMs old is not older than it
  assert.deepEqual(planRefresh(input(want, orders, { maxOrderAgeMs: 10_000, now: 10_000 })).keep, ['old', 'young']);
  assert.deepEqual(planRefresh(input(want, orders, { maxOrderAgeMs: 0, now: 1e12 })).keep, ['old', 'young']);
});
