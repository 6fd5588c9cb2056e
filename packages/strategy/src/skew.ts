// Inventory skew: lean the grid toward the target base share. Sizes follow Hummingbot (the heavy
// side shrinks, the light side grows, up to 2×); prices follow Nautilus (too much base moves every
// quote down, so bids fill less and asks more). Computed from TOTAL balances so the bot's own
// resting orders, which lock funds, do not make the inventory look different from what it is.
import { fx } from '@mm/core';
import type { Fixed, MarketMakingConfig } from '@mm/core';
import type { InventoryView } from './types.ts';
import { clamp, num, pct } from './numbers.ts';

export interface Skew {
  /** Base share of total value, in %. 0 when the total is not positive. */
  readonly baseSharePct: Fixed;
  /** −1 (too little base) … +1 (too much base); 0 when off. */
  readonly d: Fixed;
  readonly bidSizeMultiplier: Fixed;
  readonly askSizeMultiplier: Fixed;
  /** Fraction of the reference all quotes move by (negative = down). */
  readonly priceShift: Fixed;
}

const TWO = 2n * fx.ONE;

export function baseSharePct(inventory: InventoryView, reference: Fixed): Fixed | undefined {
  const baseValue = fx.mul(inventory.base, reference);
  const total = baseValue + inventory.quote;
  if (total <= 0n) return undefined;
  return fx.div(baseValue * 100n, total);
}

export function inventorySkew(config: MarketMakingConfig['inventorySkew'], inventory: InventoryView, reference: Fixed): Skew {
  const share = baseSharePct(inventory, reference);
  const neutral = { baseSharePct: share ?? 0n, d: 0n, bidSizeMultiplier: fx.ONE, askSizeMultiplier: fx.ONE, priceShift: 0n };
  if (!config.enabled || share === undefined) return neutral;
  const offset = share - num(config.targetBasePct);
  const range = num(config.rangePct);
  // a zero range means full strength as soon as the share is off target
  const d = range === 0n ? (offset > 0n ? fx.ONE : offset < 0n ? -fx.ONE : 0n) : clamp(fx.div(offset, range), -fx.ONE, fx.ONE);
  const sizeTilt = fx.mul(num(config.sizeFactor), d);
  return {
    baseSharePct: share,
    d,
    bidSizeMultiplier: clamp(fx.ONE - sizeTilt, 0n, TWO),
    askSizeMultiplier: clamp(fx.ONE + sizeTilt, 0n, TWO),
    priceShift: -pct(fx.mul(d, num(config.priceSkewPct))),
  };
}
