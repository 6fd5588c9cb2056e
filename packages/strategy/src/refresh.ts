// The refresh rule: which live orders stay, which go, which new ones are placed. Replacing an
// order loses its queue place, so an order stays while it is close enough to what the grid wants
// (price within the tolerance, size within 50–150 %); only drifted levels are replaced.
import { fx } from '@mm/core';
import type { Fixed, Side } from '@mm/core';
import type { DesiredQuote, LiveQuote, RefreshInput, RefreshPlan } from './types.ts';
import { num } from './numbers.ts';

type Cancel = RefreshPlan['cancel'][number];

export function planRefresh(input: RefreshInput): RefreshPlan {
  const tolerance = num(input.tolerancePct);
  const keep: string[] = [];
  const cancel: Cancel[] = [];
  const place: DesiredQuote[] = [];
  for (const side of ['buy', 'sell'] as const) {
    const desired = side === 'buy' ? input.desired.bids : input.desired.asks;
    const plan = planSide(side, desired, input, tolerance);
    keep.push(...plan.keep);
    cancel.push(...plan.cancel);
    place.push(...plan.place);
  }
  return { keep, cancel, place };
}

function planSide(side: Side, desired: readonly DesiredQuote[], input: RefreshInput, tolerance: Fixed): RefreshPlan {
  const keep: string[] = [];
  const cancel: Cancel[] = [];
  const place: DesiredQuote[] = [];
  const candidates: LiveQuote[] = [];
  for (const order of input.live) {
    if (order.side !== side) continue;
    if (input.maxOrderAgeMs > 0 && input.now - order.placedAt > input.maxOrderAgeMs) cancel.push({ clientOrderId: order.clientOrderId, reason: 'too_old' });
    else candidates.push(order);
  }
  const paired = new Set<string>();
  // innermost first, so the levels that matter most get first pick of the resting orders
  const sorted = [...desired].sort((a, b) => a.level - b.level);
  for (const want of sorted) {
    let best: LiveQuote | undefined;
    for (const order of candidates) {
      if (paired.has(order.clientOrderId) || !priceWithin(want.priceTicks, order.priceTicks, tolerance) || !sizeWithin(want.qtyLots, order.qtyLots)) continue;
      if (best === undefined || closer(want.priceTicks, order, best)) best = order;
    }
    if (best === undefined) {
      place.push(want);
      continue;
    }
    paired.add(best.clientOrderId);
    keep.push(best.clientOrderId);
  }
  for (const order of candidates) {
    if (paired.has(order.clientOrderId)) continue;
    const sameLevel = place.some((want) => priceWithin(want.priceTicks, order.priceTicks, tolerance));
    const reason = sameLevel ? 'size_changed' : place.length > 0 ? 'drifted' : 'not_wanted';
    cancel.push({ clientOrderId: order.clientOrderId, reason });
  }
  return { keep, cancel, place };
}

/** |desired − live| / live ≤ tolerance %, cross-multiplied to stay exact. */
function priceWithin(desiredTicks: number, liveTicks: number, tolerancePct: Fixed): boolean {
  if (liveTicks <= 0) return false;
  const diff = BigInt(Math.abs(desiredTicks - liveTicks));
  return diff * 100n * fx.SCALE <= tolerancePct * BigInt(liveTicks);
}

/** Remaining size within 50 %–150 % of the desired size. */
function sizeWithin(desiredLots: number, liveLots: number): boolean {
  return 2 * liveLots >= desiredLots && 2 * liveLots <= 3 * desiredLots;
}

/** Nearer in price wins; at equal distance the older order (better queue place). */
function closer(target: number, a: LiveQuote, b: LiveQuote): boolean {
  const da = Math.abs(a.priceTicks - target);
  const db = Math.abs(b.priceTicks - target);
  return da < db || (da === db && a.placedAt < b.placedAt);
}
