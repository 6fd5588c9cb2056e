// An instrument knows its tick and lot grid. Inside the engine prices are integer ticks and
// quantities integer lots; this class is the only place that converts between them and
// decimal strings, and it does so exactly.
import { EngineError } from './errors.ts';
import * as fx from './fixed.ts';
import type { Fixed, Rounding } from './fixed.ts';
import type { Side } from './domain.ts';

export type InstrumentKind = 'spot' | 'perp';

/** The serialisable description of an instrument, as venues and the API exchange it. */
export interface InstrumentDef {
  /** The venue's own symbol, e.g. BTCUSDT or USHARK_USDT. Unique within a venue. */
  readonly symbol: string;
  readonly base: string;
  readonly quote: string;
  readonly kind: InstrumentKind;
  readonly tickSize: string;
  readonly lotSize: string;
  readonly minQty: string;
  readonly minNotional: string;
  readonly maxQty?: string;
  /** Perps: base units per contract. Spot: always 1. */
  readonly contractMultiplier?: string;
  /** Perps: the asset margin and PnL are settled in. Defaults to the quote asset. */
  readonly marginAsset?: string;
}

export class Instrument implements InstrumentDef {
  readonly symbol: string;
  readonly base: string;
  readonly quote: string;
  readonly kind: InstrumentKind;
  readonly tickSize: string;
  readonly lotSize: string;
  readonly minQty: string;
  readonly minNotional: string;
  readonly maxQty: string | undefined;
  readonly contractMultiplier: string;
  readonly marginAsset: string;

  readonly tick: Fixed;
  readonly lot: Fixed;
  readonly multiplier: Fixed;
  readonly minQtyLots: number;
  readonly maxQtyLots: number;
  readonly minNotionalValue: Fixed;
  /** Notional of one tick × one lot (× multiplier): notional(t, l) = t·l·this. Exact by construction. */
  readonly notionalUnit: Fixed;
  readonly priceDecimals: number;
  readonly qtyDecimals: number;
  /** Smallest ticks × lots product meeting minNotional; a plain-number fast path for validation. */
  private readonly minTickLots: number;

  constructor(def: InstrumentDef) {
    const where = `instrument ${def.symbol}`;
    this.symbol = def.symbol;
    this.base = def.base;
    this.quote = def.quote;
    this.kind = def.kind;
    this.tickSize = def.tickSize;
    this.lotSize = def.lotSize;
    this.minQty = def.minQty;
    this.minNotional = def.minNotional;
    this.maxQty = def.maxQty;
    this.contractMultiplier = def.contractMultiplier ?? '1';
    this.marginAsset = def.marginAsset ?? def.quote;
    if (!def.symbol) throw new EngineError('INVALID_ARGUMENT', 'instrument symbol must not be empty');
    this.tick = positive(def.tickSize, `${where}: tickSize`);
    this.lot = positive(def.lotSize, `${where}: lotSize`);
    this.multiplier = positive(this.contractMultiplier, `${where}: contractMultiplier`);
    const minQty = nonNegative(def.minQty, `${where}: minQty`);
    this.minQtyLots = Math.max(1, Number(fx.divInt(minQty, this.lot, 'ceil')));
    this.maxQtyLots =
      def.maxQty === undefined ? Number.MAX_SAFE_INTEGER : Number(fx.divInt(positive(def.maxQty, `${where}: maxQty`), this.lot, 'floor'));
    this.minNotionalValue = nonNegative(def.minNotional, `${where}: minNotional`);
    const product = this.tick * this.lot * this.multiplier;
    const unitScale = fx.SCALE * fx.SCALE;
    if (product % unitScale !== 0n) {
      throw new EngineError('INVALID_ARGUMENT', `${where}: tick × lot × multiplier needs more than ${fx.DECIMALS} decimals`);
    }
    this.notionalUnit = product / unitScale;
    this.priceDecimals = fx.decimalsOf(this.tick);
    this.qtyDecimals = fx.decimalsOf(this.lot);
    const minTickLots = fx.divInt(this.minNotionalValue, this.notionalUnit, 'ceil');
    this.minTickLots = minTickLots > BigInt(Number.MAX_SAFE_INTEGER) ? Number.POSITIVE_INFINITY : Number(minTickLots);
  }

  toJSON(): InstrumentDef {
    const def: InstrumentDef = {
      symbol: this.symbol,
      base: this.base,
      quote: this.quote,
      kind: this.kind,
      tickSize: this.tickSize,
      lotSize: this.lotSize,
      minQty: this.minQty,
      minNotional: this.minNotional,
      contractMultiplier: this.contractMultiplier,
      marginAsset: this.marginAsset,
    };
    return this.maxQty === undefined ? def : { ...def, maxQty: this.maxQty };
  }

  /** Price to ticks. 'exact' refuses a price off the tick grid with PRICE_OFF_TICK. */
  priceToTicks(price: string | Fixed, rounding: Rounding | 'exact' = 'exact'): number {
    const value = typeof price === 'string' ? fx.parse(price) : price;
    if (value <= 0n) throw new EngineError('INVALID_ARGUMENT', `${this.symbol}: price must be positive, got ${fx.format(value)}`);
    if (rounding === 'exact') {
      if (value % this.tick !== 0n) {
        throw new EngineError('PRICE_OFF_TICK', `${this.symbol}: price ${fx.format(value)} is not a multiple of the tick size ${this.tickSize}`, {
          details: { price: fx.format(value), tickSize: this.tickSize },
        });
      }
      return toSafe(value / this.tick, `${this.symbol}: price`);
    }
    return toSafe(fx.divInt(value, this.tick, rounding), `${this.symbol}: price`);
  }

  /** The passive rounding for a side: a buy never pays more, a sell never receives less than asked. */
  priceToTicksForSide(price: string | Fixed, side: Side): number {
    return this.priceToTicks(price, side === 'buy' ? 'floor' : 'ceil');
  }

  ticksToFixed(ticks: number): Fixed {
    return BigInt(ticks) * this.tick;
  }

  ticksToPrice(ticks: number): string {
    return fx.format(this.ticksToFixed(ticks), { decimals: this.priceDecimals });
  }

  /** Quantity to lots. 'exact' refuses a quantity off the lot grid with QTY_OFF_LOT. */
  qtyToLots(qty: string | Fixed, rounding: Rounding | 'exact' = 'exact'): number {
    const value = typeof qty === 'string' ? fx.parse(qty) : qty;
    if (value < 0n) throw new EngineError('INVALID_ARGUMENT', `${this.symbol}: quantity must not be negative, got ${fx.format(value)}`);
    if (rounding === 'exact') {
      if (value % this.lot !== 0n) {
        throw new EngineError('QTY_OFF_LOT', `${this.symbol}: quantity ${fx.format(value)} is not a multiple of the lot size ${this.lotSize}`, {
          details: { qty: fx.format(value), lotSize: this.lotSize },
        });
      }
      return toSafe(value / this.lot, `${this.symbol}: quantity`);
    }
    return toSafe(fx.divInt(value, this.lot, rounding), `${this.symbol}: quantity`);
  }

  lotsToFixed(lots: number): Fixed {
    return BigInt(lots) * this.lot;
  }

  lotsToQty(lots: number): string {
    return fx.format(this.lotsToFixed(lots), { decimals: this.qtyDecimals });
  }

  /** Notional value (quote units) of `lots` at `ticks`. */
  notional(ticks: number, lots: number): Fixed {
    return BigInt(ticks) * BigInt(lots) * this.notionalUnit;
  }

  /** Notional at a reference price that is not on the tick grid (e.g. a mark price). */
  notionalAt(price: Fixed, lots: number): Fixed {
    return fx.mul(price, this.lotsToFixed(lots) * this.multiplier / fx.SCALE);
  }

  /**
   * Checks a limit order against the instrument's rules and throws a typed error that names the
   * rule. `ticks` may be undefined for market orders.
   */
  validateOrder(ticks: number | undefined, lots: number): void {
    if (!Number.isFinite(lots) || lots <= 0) {
      throw new EngineError('INVALID_ARGUMENT', `${this.symbol}: quantity must be positive, got ${lots} lots`);
    }
    if (!Number.isSafeInteger(lots)) {
      throw new EngineError('QTY_OFF_LOT', `${this.symbol}: quantity must be a whole number of lots (lot size ${this.lotSize}), got ${lots} lots`);
    }
    if (ticks !== undefined && (!Number.isFinite(ticks) || ticks <= 0)) {
      throw new EngineError('INVALID_ARGUMENT', `${this.symbol}: price must be positive, got ${ticks} ticks`);
    }
    if (ticks !== undefined && !Number.isSafeInteger(ticks)) {
      throw new EngineError('PRICE_OFF_TICK', `${this.symbol}: price must be a whole number of ticks (tick size ${this.tickSize}), got ${ticks} ticks`);
    }
    if (lots < this.minQtyLots) {
      throw new EngineError('QTY_BELOW_MIN', `${this.symbol}: quantity ${this.lotsToQty(lots)} is below the minimum ${this.minQty}`, {
        details: { qty: this.lotsToQty(lots), minQty: this.minQty },
      });
    }
    if (lots > this.maxQtyLots) {
      throw new EngineError('QTY_ABOVE_MAX', `${this.symbol}: quantity ${this.lotsToQty(lots)} is above the maximum ${this.maxQty ?? ''}`, {
        details: { qty: this.lotsToQty(lots), maxQty: this.maxQty },
      });
    }
    // ticks·lots below 2^53 is exact as a double; otherwise compare exactly
    const product = ticks === undefined ? 0 : ticks * lots;
    const belowMin = ticks !== undefined && (product < Number.MAX_SAFE_INTEGER ? product < this.minTickLots : this.notional(ticks, lots) < this.minNotionalValue);
    if (belowMin) {
      throw new EngineError(
        'NOTIONAL_BELOW_MIN',
        `${this.symbol}: order value ${fx.format(this.notional(ticks!, lots))} ${this.quote} is below the minimum ${this.minNotional}`,
        { details: { notional: fx.format(this.notional(ticks!, lots)), minNotional: this.minNotional } },
      );
    }
  }
}

function positive(text: string, what: string): Fixed {
  const value = parseField(text, what);
  if (value <= 0n) throw new EngineError('INVALID_ARGUMENT', `${what} must be positive, got "${text}"`);
  return value;
}

function nonNegative(text: string, what: string): Fixed {
  const value = parseField(text, what);
  if (value < 0n) throw new EngineError('INVALID_ARGUMENT', `${what} must not be negative, got "${text}"`);
  return value;
}

function parseField(text: string, what: string): Fixed {
  const value = fx.tryParse(text);
  if (value === undefined) throw new EngineError('INVALID_ARGUMENT', `${what} is not a decimal number: "${text}"`);
  return value;
}

function toSafe(value: bigint, what: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < -BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new EngineError('INVALID_ARGUMENT', `${what} is too large for this instrument's grid`);
  }
  return Number(value);
}
