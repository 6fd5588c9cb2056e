// How a recording's decimal strings land on an instrument: prices on its tick grid (integer
// ticks), sizes in queue units, an integer unit `subLotDecimals` decimal places finer than the
// lot. Sizes finer than a lot are real in recordings (another venue's lot, an instrument
// defined coarser than the data), and the queue ahead of our order is counted in them; only
// what we trade is whole lots. A price off the tick grid cannot be traded on this instrument:
// it is counted and its event skipped, never rounded onto the grid.
import { fx } from '@mm/core';
import type { Instrument } from '@mm/core';
import { EngineError } from '@mm/core';
import { ScaledDecimal, scaleDecimal } from './decimal.ts';

export interface GridCounters {
  /** Prices not on the instrument's tick grid (their events were skipped). */
  offGrid: number;
  /** Sizes with digits finer than the queue unit (rounded down to it). */
  truncatedQty: number;
  /** Prices or sizes that were no non-negative decimal, or too large (their events were skipped). */
  invalid: number;
}

export class RecordedGrid {
  readonly priceDecimals: number;
  /** The tick in units of 10^-priceDecimals. */
  readonly tickScaled: number;
  /** Decimal places of the queue unit. */
  readonly unitDecimals: number;
  /** Queue units in one lot. */
  readonly unitsPerLot: number;
  readonly counters: GridCounters = { offGrid: 0, truncatedQty: 0, invalid: 0 };
  private readonly scratch = new ScaledDecimal();

  constructor(
    readonly inst: Instrument,
    subLotDecimals = 4,
  ) {
    if (!Number.isInteger(subLotDecimals) || subLotDecimals < 0 || subLotDecimals > 12) {
      throw new EngineError('INVALID_ARGUMENT', `subLotDecimals must be a whole number from 0 to 12, got ${subLotDecimals}`);
    }
    this.priceDecimals = inst.priceDecimals;
    this.tickScaled = safe(scaled(inst.tick, this.priceDecimals), `${inst.symbol}: tick size`);
    this.unitDecimals = inst.qtyDecimals + subLotDecimals;
    this.unitsPerLot = safe(scaled(inst.lot, this.unitDecimals), `${inst.symbol}: lot size`);
  }

  /** The price in ticks, or NaN (counted) when it is off the grid or unreadable. */
  ticks(price: string): number {
    const s = scaleDecimal(price, this.priceDecimals, this.scratch);
    const value = s.value;
    if (Number.isNaN(value) || value === 0) {
      this.counters.invalid++;
      return Number.NaN;
    }
    if (s.truncated || value % this.tickScaled !== 0) {
      this.counters.offGrid++;
      return Number.NaN;
    }
    return value / this.tickScaled;
  }

  /** The size in queue units (rounded down to one), or NaN (counted) when unreadable. */
  units(qty: string): number {
    const s = scaleDecimal(qty, this.unitDecimals, this.scratch);
    if (Number.isNaN(s.value)) {
      this.counters.invalid++;
      return Number.NaN;
    }
    if (s.truncated) this.counters.truncatedQty++;
    return s.value;
  }

  /** Whole lots in `units` (rounded down). */
  lots(units: number): number {
    return Math.floor(units / this.unitsPerLot);
  }
}

/** value × 10^decimals as a bigint (value is a Fixed). */
function scaled(value: bigint, decimals: number): bigint {
  return decimals <= fx.DECIMALS ? value / 10n ** BigInt(fx.DECIMALS - decimals) : value * 10n ** BigInt(decimals - fx.DECIMALS);
}

function safe(value: bigint, what: string): number {
  if (value <= 0n || value > BigInt(Number.MAX_SAFE_INTEGER)) throw new EngineError('INVALID_ARGUMENT', `${what} is out of the range a replay can count in`);
  return Number(value);
}
