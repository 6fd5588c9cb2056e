// What the volume leg does at a trade event. Maker first: a post-only order at the best price (or
// one tick inside a wider spread), on the side that pulls inventory toward its target, sized
// randomly between the min and max trade. It never trades with the bot's own orders: a maker order
// cannot cross (one tick inside at most), and a taker order's limit stops short of our own quotes.
import { fx, oppositeSide } from '@mm/core';
import type { Fixed, Instrument, Side, VolumeConfig } from '@mm/core';
import type { InventoryView, PacingState, VolumeAction, VolumeInput } from '../types.ts';
import { baseSharePct } from '../skew.ts';
import { lotBase, num, pct } from '../numbers.ts';
import { pacing } from './pacing.ts';
import { blockedBy, hourRoom, remainingTarget } from './caps.ts';

/** Bounds of the probability of selling, so both sides keep trading and the flow looks natural. */
export const SELL_PROBABILITY_MIN = 0.1;
export const SELL_PROBABILITY_MAX = 0.9;
/** Percentage points of base share off target at which the side choice is at its bound. */
export const SIDE_PULL_RANGE_PCT = 20;

const none = (reason: string): VolumeAction => ({ kind: 'none', reason });

/** MIXED mode takes liquidity only while behind schedule. */
export function shouldTake(config: VolumeConfig, state: PacingState): boolean {
  return config.enabled && config.mode === 'MIXED' && state.deficit > 0n;
}

/**
 * P(sell) = 0.5 + 0.4·(share − target)/20, within [0.1, 0.9]: even at target, at a bound
 * 20 points off it. Unknown share (no value): even.
 */
export function sellProbability(inventory: InventoryView, reference: Fixed, targetBasePct: number): number {
  const share = baseSharePct(inventory, reference);
  if (share === undefined) return 0.5;
  const offset = fx.toNumber(share) - targetBasePct;
  const p = 0.5 + ((SELL_PROBABILITY_MAX - 0.5) * offset) / SIDE_PULL_RANGE_PCT;
  return Math.min(SELL_PROBABILITY_MAX, Math.max(SELL_PROBABILITY_MIN, p));
}

/** The maker price: the best price of our side, one tick inside when the spread allows it. */
export function makerPrice(side: Side, bestBid: number, bestAsk: number): number {
  const inside = bestAsk - bestBid > 1;
  return side === 'buy' ? (inside ? bestBid + 1 : bestBid) : inside ? bestAsk - 1 : bestAsk;
}

export function decideVolumeAction(input: VolumeInput): VolumeAction {
  const { config, instrument, market, inventory, rng } = input;
  const state = pacing(config, input.progress.tradedToday, input.now, input.anchor);
  const minTrade = fx.parse(config.minTradeQuote);
  const blocked = blockedBy(input, state, minTrade);
  if (blocked !== undefined) return none(blocked);
  const { bestBid, bestAsk } = market;
  if (bestBid === undefined || bestAsk === undefined) return none('no two-sided book');
  if (bestBid >= bestAsk) return none('crossed book');

  // draws: the side first, then the size, so a seed repeats the whole decision
  const first: Side = rng.bool(sellProbability(inventory, market.reference, input.targetBasePct)) ? 'sell' : 'buy';
  const maxTrade = fx.max(fx.parse(config.maxTradeQuote), minTrade);
  const draw = minTrade + fx.mul(maxTrade - minTrade, fx.parse(rng.next().toFixed(9)), 'floor');
  const room = hourRoom(input, state);
  const size = fx.max(fx.min(fx.min(draw, remainingTarget(input, state)), room), minTrade);

  let reason = 'not enough balance for a trade on either side';
  for (const side of [first, oppositeSide(first)]) {
    const priceTicks = makerPrice(side, bestBid, bestAsk);
    const qtyLots = lotsFor(instrument, size, minTrade, priceTicks);
    if (instrument.notional(priceTicks, qtyLots) > room) {
      reason = 'the smallest trade would exceed the hourly cap or catch-up bound';
      continue;
    }
    if (instrument.kind === 'spot' && !affordable(instrument, inventory, side, priceTicks, qtyLots)) continue;
    return { kind: 'maker', side, priceTicks, qtyLots };
  }
  return none(reason);
}

/**
 * MIXED mode after a maker timeout: an IOC limit at the opposite best price plus at most
 * maxSlippagePct, stopping one tick before our own best order on that side (every bot of the
 * account). If that leaves nothing at or through the opposite best, it does not trade.
 */
export function takerAction(input: VolumeInput, side: Side, qtyLots: number): VolumeAction {
  const { config, instrument, market, own } = input;
  if (!(qtyLots > 0)) return none('nothing to trade');
  const state = pacing(config, input.progress.tradedToday, input.now, input.anchor);
  const blocked = blockedBy(input, state, 0n);
  if (blocked !== undefined) return none(blocked);
  const slip = pct(num(config.maxSlippagePct));
  let limitTicks: number;
  if (side === 'buy') {
    const best = market.bestAsk;
    if (best === undefined) return none('no asks to take');
    // a buy limit rounds down: it never pays more than the slippage allows
    limitTicks = Number(fx.divInt(fx.mul(instrument.ticksToFixed(best), fx.ONE + slip, 'floor'), instrument.tick, 'floor'));
    if (own.bestOwnAsk !== undefined && own.bestOwnAsk <= limitTicks) limitTicks = own.bestOwnAsk - 1;
    if (limitTicks < best) return none('own order in the way');
  } else {
    const best = market.bestBid;
    if (best === undefined) return none('no bids to take');
    limitTicks = Number(fx.divInt(fx.mul(instrument.ticksToFixed(best), fx.ONE - slip, 'ceil'), instrument.tick, 'ceil'));
    if (own.bestOwnBid !== undefined && own.bestOwnBid >= limitTicks) limitTicks = own.bestOwnBid + 1;
    if (limitTicks > best) return none('own order in the way');
  }
  let lots = Math.min(qtyLots, instrument.maxQtyLots);
  // the hourly cap and catch-up bound hold for takers too, valued at the worst price the order may get
  const room = hourRoom(input, state);
  if (instrument.notional(limitTicks, lots) > room) lots = Number(fx.divInt(room, instrument.notional(limitTicks, 1), 'floor'));
  if (lots < instrument.minQtyLots || instrument.notional(limitTicks, lots) < instrument.minNotionalValue) return none('below the venue minimum after the hourly cap');
  return { kind: 'taker', side, limitTicks, qtyLots: lots };
}

/** Lots worth `size` at `ticks`, never below the min trade nor the venue's minimums. */
function lotsFor(instrument: Instrument, size: Fixed, minTrade: Fixed, ticks: number): number {
  const unit = instrument.notional(ticks, 1);
  let lots = Number(fx.divInt(size, unit, 'floor'));
  if (instrument.notional(ticks, lots) < minTrade) lots = Number(fx.divInt(minTrade, unit, 'ceil'));
  lots = Math.max(lots, instrument.minQtyLots);
  if (instrument.notional(ticks, lots) < instrument.minNotionalValue) lots = Number(fx.divInt(instrument.minNotionalValue, unit, 'ceil'));
  return Math.min(lots, instrument.maxQtyLots);
}

/** Spot: the holdings cover the order (the risk gate checks free balances again). */
function affordable(instrument: Instrument, inventory: InventoryView, side: Side, ticks: number, lots: number): boolean {
  if (side === 'sell') return BigInt(lots) * lotBase(instrument) <= inventory.base;
  return instrument.notional(ticks, lots) <= inventory.quote;
}
