// Everything the exchange needs about one symbol on the order path, resolved once: the
// instrument, its book and matching engine, the assets it moves, and exact bigint constants
// that turn fee and lock arithmetic into one multiplication per amount.
//
// Exactness: notional(t, l) = t·l·U with U = instrument.notionalUnit, and a fee at rate r is
// ceil(notional·r / 10^18). When U·r is a multiple of 10^18 (every decimal fee rate on a
// typical tick and lot), that fee is exactly t·l·(U·r / 10^18): no rounding exists to get
// wrong. Otherwise the constants are absent and the exchange uses the general formula.
import { fx } from '@mm/core';
import type { Fixed, Instrument } from '@mm/core';
import { MatchingBook } from './book.ts';
import type { FeeConstants, FeeSchedule, RateConstants } from './fees.ts';
import { bigOf } from './ledger.ts';
import { MatchingEngine } from './matching.ts';
import type { Settlement } from './matching.ts';

export type { FeeConstants, RateConstants } from './fees.ts';

export class SymbolMarket {
  readonly symbol: string;
  readonly spot: boolean;
  /** Spot base asset (perps: the base too, though no balance of it moves). */
  readonly baseAsset: string;
  /** Spot quote asset; perps: the margin asset. Fees are charged in it. */
  readonly quoteAsset: string;
  readonly notionalUnit: Fixed;
  readonly book: MatchingBook;
  readonly engine: MatchingEngine;
  /** Price of the last trade, in ticks. */
  lastTradePrice: number | undefined = undefined;

  private readonly qtyCache: Fixed[] = [];
  private readonly feeCache = new Map<FeeSchedule, FeeConstants>();
  /** Smallest ticks × lots product meeting minNotional (plain-number fast path of validation). */
  private readonly minTickLots: number;

  constructor(
    readonly index: number,
    readonly inst: Instrument,
    book: MatchingBook | undefined,
    settlement: (market: SymbolMarket) => Settlement,
  ) {
    this.symbol = inst.symbol;
    this.spot = inst.kind === 'spot';
    this.baseAsset = inst.base;
    this.quoteAsset = this.spot ? inst.quote : inst.marginAsset;
    this.notionalUnit = inst.notionalUnit;
    this.book = book ?? new MatchingBook();
    this.engine = new MatchingEngine(this.book, settlement(this));
    const minTickLots = fx.divInt(inst.minNotionalValue, inst.notionalUnit, 'ceil');
    this.minTickLots = minTickLots > BigInt(Number.MAX_SAFE_INTEGER) ? Number.POSITIVE_INFINITY : Number(minTickLots);
  }

  /** ticks × lots as a bigint: one conversion while the product is exact as a double. */
  tickLots(ticks: number, lots: number): bigint {
    const product = ticks * lots;
    return product <= Number.MAX_SAFE_INTEGER ? BigInt(product) : BigInt(ticks) * BigInt(lots);
  }

  /** `lots` as a base quantity (instrument.lotsToFixed), memoised for the usual small sizes. */
  qty(lots: number): Fixed {
    if (lots >= 4096 || lots < 0) return this.inst.lotsToFixed(lots);
    let q = this.qtyCache[lots];
    if (q === undefined) {
      q = bigOf(lots) * this.inst.lot;
      this.qtyCache[lots] = q;
    }
    return q;
  }

  /**
   * True when instrument.validateOrder would accept the order, decided with plain numbers.
   * False means "ask validateOrder", which names the broken rule.
   */
  plainlyValid(ticks: number | undefined, lots: number): boolean {
    const inst = this.inst;
    if (!Number.isSafeInteger(lots) || lots < inst.minQtyLots || lots > inst.maxQtyLots) return false;
    if (ticks === undefined) return true;
    if (!Number.isSafeInteger(ticks) || ticks <= 0) return false;
    const product = ticks * lots;
    return product < Number.MAX_SAFE_INTEGER && product >= this.minTickLots;
  }

  fees(schedule: FeeSchedule): FeeConstants {
    let k = this.feeCache.get(schedule);
    if (k === undefined) {
      const lockRate = fx.max(0n, schedule.maker > schedule.taker ? schedule.maker : schedule.taker);
      const lockFee = exactPerTickLot(this.notionalUnit, lockRate);
      k = {
        schedule,
        maker: rateConstants(this.notionalUnit, schedule.maker),
        taker: rateConstants(this.notionalUnit, schedule.taker),
        lockRate,
        lockPerTickLot: lockFee === undefined ? undefined : this.notionalUnit + lockFee,
      };
      this.feeCache.set(schedule, k);
    }
    return k;
  }
}

function rateConstants(unit: Fixed, rate: Fixed): RateConstants {
  const perTickLot = exactPerTickLot(unit, rate);
  return {
    rate,
    perTickLot,
    buyPerTickLot: perTickLot === undefined ? undefined : unit + perTickLot,
    sellPerTickLot: perTickLot === undefined ? undefined : unit - perTickLot,
  };
}

/** unit·rate / 10^18 when that division is exact (then ceil rounding has nothing to round). */
function exactPerTickLot(unit: Fixed, rate: Fixed): Fixed | undefined {
  const scaled = unit * rate;
  return scaled % fx.SCALE === 0n ? scaled / fx.SCALE : undefined;
}
