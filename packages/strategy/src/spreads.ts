// The spread of each level from the reference, in %, innermost first.
import { fx } from '@mm/core';
import type { Fixed } from '@mm/core';
import { num } from './numbers.ts';

/**
 * A spread in % as an exact fraction num / den (num a Fixed). Evenly spaced levels divide by
 * levels − 1, which is not always a finite decimal (a third); keeping the fraction lets a price
 * that lands exactly on a tick stay there instead of slipping a tick through rounding.
 */
export interface Spread {
  readonly num: Fixed;
  readonly den: bigint;
}

export interface SpreadBounds {
  readonly minPct: number;
  readonly maxPct: number;
}

/**
 * stepPct > 0: s_i = min(minPct + i·stepPct, maxPct). stepPct = 0: s_i = minPct +
 * (maxPct − minPct)·i/(n − 1), or minPct for a single level. No level is narrower than `floorPct`.
 */
export function spreadLadder(levels: number, bounds: SpreadBounds, stepPct: number, floorPct: Fixed): Spread[] {
  const lo = num(bounds.minPct);
  const hi = fx.max(num(bounds.maxPct), lo);
  const step = num(stepPct);
  const out: Spread[] = [];
  for (let i = 0; i < levels; i++) {
    let s: Spread;
    if (step > 0n) s = { num: fx.min(lo + BigInt(i) * step, hi), den: 1n };
    else if (levels === 1) s = { num: lo, den: 1n };
    else {
      const den = BigInt(levels - 1);
      s = { num: lo * den + (hi - lo) * BigInt(i), den };
    }
    out.push(s.num < floorPct * s.den ? { num: floorPct, den: 1n } : s);
  }
  return out;
}

/** A spread as a percentage Fixed, rounded up at the 18th decimal (for display). */
export function spreadPct(s: Spread): Fixed {
  return fx.divInt(s.num, s.den, 'ceil');
}

/** The break-even floor in %: a maker fee of 0.001 (0.1 %) needs 0.1 % per side. */
export function breakEvenFloorPct(enabled: boolean, makerFee: Fixed): Fixed {
  return enabled && makerFee > 0n ? makerFee * 100n : 0n;
}
