// Config numbers (percentages, weights, factors) enter exact arithmetic here, once. Everything
// after this point is Fixed, so prices never see a floating-point operation.
import { fx } from '@mm/core';
import type { Fixed, Instrument } from '@mm/core';

/** A config number as a Fixed: exact for its shortest decimal form, else rounded to 18 places. */
export function num(value: number): Fixed {
  try {
    return fx.fromNumber(value);
  } catch {
    return fx.parse(value.toFixed(18));
  }
}

/** A percentage (0.25 = 0.25 %) as a ratio (0.0025). */
export function pct(value: Fixed): Fixed {
  return value / 100n;
}

export function clamp(value: Fixed, lo: Fixed, hi: Fixed): Fixed {
  return value < lo ? lo : value > hi ? hi : value;
}

/** Base units in one lot (lot size × contract multiplier). */
export function lotBase(instrument: Instrument): Fixed {
  return (instrument.lot * instrument.multiplier) / fx.SCALE;
}

/** A base quantity as whole lots. */
export function baseToLots(instrument: Instrument, base: Fixed, rounding: 'floor' | 'ceil'): number {
  if (base <= 0n) return 0;
  const lots = fx.divInt(base, lotBase(instrument), rounding);
  return lots > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(lots);
}

/** Whole lots affordable with `amount` when one lot costs `perLot` (both Fixed). */
export function affordableLots(amount: Fixed, perLot: Fixed): number {
  if (amount <= 0n || perLot <= 0n) return 0;
  const lots = amount / perLot;
  return lots > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(lots);
}
