// One side of the grid: level prices on the tick grid, the local guards, sizes from the side's
// budget and weights, and the budget walk that guarantees the budget is never exceeded.
import { fx } from '@mm/core';
import type { Fixed, Instrument, Side } from '@mm/core';
import type { DesiredQuote, DroppedLevel } from './types.ts';
import { affordableLots, baseToLots, lotBase } from './numbers.ts';
import type { Spread } from './spreads.ts';

export interface SideSpec {
  readonly side: Side;
  readonly instrument: Instrument;
  readonly reference: Fixed;
  /** Spreads per level, innermost first (floor already applied). */
  readonly spreads: readonly Spread[];
  readonly priceShift: Fixed;
  /** The reference is beyond the price band: no quote on this side. */
  readonly banded: boolean;
  /** Opposite best price in ticks: a level at or through it would take liquidity. */
  readonly oppositeBest: number | undefined;
  /** Hard cap for the side: quote (fees included) for bids, base for asks. */
  readonly budget: Fixed;
  /** Amount shared between the levels: budget × size multiplier (may exceed the budget). */
  readonly allocation: Fixed;
  readonly weights: readonly Fixed[];
  /** Fee fraction added to each bid's cost (rebates count as 0). */
  readonly feeRate: Fixed;
  /** Side size bounds in base units; 0 = unset. */
  readonly minSize: Fixed;
  readonly maxSize: Fixed;
}

export interface SideResult {
  readonly quotes: DesiredQuote[];
  readonly dropped: DroppedLevel[];
}

interface Candidate {
  readonly level: number;
  readonly ticks: number;
  lots: number;
}

export function buildSide(spec: SideSpec): SideResult {
  const { side, instrument } = spec;
  const dropped: DroppedLevel[] = [];
  const drop = (level: number, reason: DroppedLevel['reason']) => dropped.push({ side, level, reason });
  const candidates: Candidate[] = [];
  const seen = new Set<number>();
  const totalWeight = spec.weights.reduce((a, b) => a + b, 0n);
  const maxLots = Math.min(instrument.maxQtyLots, spec.maxSize > 0n ? baseToLots(instrument, spec.maxSize, 'floor') : Number.MAX_SAFE_INTEGER);
  const sideMinLots = spec.minSize > 0n ? baseToLots(instrument, spec.minSize, 'ceil') : 0;
  const minLots = Math.max(instrument.minQtyLots, sideMinLots);

  for (let level = 0; level < spec.spreads.length; level++) {
    if (spec.banded) {
      drop(level, 'price_band');
      continue;
    }
    const ticks = levelTicks(spec, spec.spreads[level]!);
    if (ticks <= 0) {
      drop(level, 'non_positive_price');
      continue;
    }
    if (seen.has(ticks)) {
      drop(level, 'duplicate_price');
      continue;
    }
    seen.add(ticks);
    if (spec.oppositeBest !== undefined && (side === 'buy' ? ticks >= spec.oppositeBest : ticks <= spec.oppositeBest)) {
      drop(level, 'would_cross');
      continue;
    }
    if (spec.budget <= 0n) {
      drop(level, 'budget_exhausted');
      continue;
    }
    const share = totalWeight > 0n ? fx.divInt(spec.allocation * (spec.weights[level] ?? 0n), totalWeight, 'floor') : 0n;
    let lots = side === 'buy' ? affordableLots(share, perLotCost(spec, ticks)) : baseToLots(instrument, share, 'floor');
    lots = Math.min(lots, maxLots);
    // a configured minimum lifts a small level; a zero level (skew at full strength) stays zero
    if (lots > 0 && lots < sideMinLots) lots = sideMinLots;
    if (lots < minLots) {
      drop(level, 'below_min_size');
      continue;
    }
    if (instrument.notional(ticks, lots) < instrument.minNotionalValue) {
      drop(level, 'below_min_notional');
      continue;
    }
    candidates.push({ level, ticks, lots });
  }

  // Innermost first: a level that does not fit is shrunk to what is left if that still meets the
  // minimums; otherwise it and every level beyond it go, so the grid never has holes near the mid.
  const quotes: DesiredQuote[] = [];
  let remaining = spec.budget;
  for (let i = 0; i < candidates.length; i++) {
    const c = candidates[i]!;
    if (cost(spec, c.ticks, c.lots) > remaining) {
      const fit = side === 'buy' ? affordableLots(remaining, perLotCost(spec, c.ticks)) : affordableLots(remaining, lotBase(instrument));
      if (fit < minLots || instrument.notional(c.ticks, fit) < instrument.minNotionalValue) {
        for (const rest of candidates.slice(i)) drop(rest.level, 'budget_exhausted');
        break;
      }
      c.lots = fit;
    }
    remaining -= cost(spec, c.ticks, c.lots);
    quotes.push({ side, level: c.level, priceTicks: c.ticks, qtyLots: c.lots });
  }
  dropped.sort((a, b) => a.level - b.level);
  return { quotes, dropped };
}

/**
 * bid = ref·(1 − s/100)·(1 + shift) rounded down to the tick; ask = ref·(1 + s/100)·(1 + shift)
 * rounded up. With s = num/den this is one exact fraction, divided by the tick once:
 *   ticks = ref·(100·den·1 ∓ num)·(1 + shift) / (100·den·1·1·tick)   (1 = 10^18 in Fixed)
 */
function levelTicks(spec: SideSpec, spread: Spread): number {
  const buy = spec.side === 'buy';
  const unit = fx.SCALE;
  const factor = 100n * spread.den * unit + (buy ? -spread.num : spread.num);
  const numerator = spec.reference * factor * (unit + spec.priceShift);
  if (numerator <= 0n) return 0;
  const ticks = fx.divInt(numerator, 100n * spread.den * unit * unit * spec.instrument.tick, buy ? 'floor' : 'ceil');
  return ticks > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(ticks);
}

/** Quote needed per lot of a bid, fee included (rounded up). */
function perLotCost(spec: SideSpec, ticks: number): Fixed {
  return fx.mul(spec.instrument.notional(ticks, 1), fx.ONE + spec.feeRate, 'ceil');
}

/** What a level takes from its side's budget: quote with fees for bids, base for asks. */
function cost(spec: SideSpec, ticks: number, lots: number): Fixed {
  if (spec.side === 'sell') return BigInt(lots) * lotBase(spec.instrument);
  return fx.mul(spec.instrument.notional(ticks, lots), fx.ONE + spec.feeRate, 'ceil');
}
