// What the bot owns and how it is doing: balances and position as the venue reports them, an
// exact cost basis of the inventory traded since the bot started (average cost; realised and
// unrealised PnL), fees, and traded volume split maker/taker and market-making/volume leg, in
// hourly buckets of the trading day. All amounts are exact Fixed values in the quote currency.
import { fx } from '@mm/core';
import type { Balance, Fill, Fixed, Instrument, MarginSummary, Position } from '@mm/core';
import type { OrderTag } from './journal.ts';

export interface VolumeBucket {
  readonly hourStart: number;
  maker: Fixed;
  taker: Fixed;
  volumeLeg: Fixed;
  fills: number;
}

export interface VolumeTotals {
  readonly maker: Fixed;
  readonly taker: Fixed;
  readonly total: Fixed;
  readonly volumeLeg: Fixed;
  readonly fees: Fixed;
  /** Cost of the volume leg against the reference at fill time, fees included (positive = cost). */
  readonly volumeLegCost: Fixed;
  readonly fills: number;
}

export interface PnlSnapshot {
  readonly realized: Fixed;
  readonly unrealized: Fixed;
  readonly fees: Fixed;
  /** realized + unrealized − fees. */
  readonly net: Fixed;
}

const HOUR = 3_600_000;

export class Portfolio {
  private readonly balances = new Map<string, Balance>();
  private positionReport: Position | undefined;
  private margin: MarginSummary | undefined;
  /** Inventory traded (plus what was held at start), in base units, signed. */
  private held: Fixed = 0n;
  /** Signed cost basis of `held`, in quote. */
  private cost: Fixed = 0n;
  private realized: Fixed = 0n;
  private feesPaid: Fixed = 0n;
  /** Fees in assets we cannot value (a third token), by asset. */
  readonly otherFees = new Map<string, Fixed>();
  private dayStart = 0;
  private readonly buckets = new Map<number, VolumeBucket>();
  private today = { maker: 0n, taker: 0n, volumeLeg: 0n, fees: 0n, volumeLegCost: 0n, fills: 0 };

  constructor(readonly instrument: Instrument) {}

  // ---------------------------------------------------------------- venue state

  setBalances(list: readonly Balance[]): void {
    for (const b of list) this.balances.set(b.asset, b);
  }

  setPosition(position: Position): void {
    if (position.symbol === this.instrument.symbol) this.positionReport = position;
  }

  setMargin(summary: MarginSummary): void {
    this.margin = summary;
  }

  balance(asset: string): Balance | undefined {
    return this.balances.get(asset);
  }

  get position(): Position | undefined {
    return this.positionReport;
  }

  get marginSummary(): MarginSummary | undefined {
    return this.margin;
  }

  /** Base holdings for sizing and skew: total balance (spot) or signed position (perps). */
  baseTotal(): Fixed {
    if (this.instrument.kind === 'perp') {
      const lots = this.positionReport?.qtyLots ?? 0;
      return lots < 0 ? -this.instrument.lotsToFixed(-lots) : this.instrument.lotsToFixed(lots);
    }
    return this.balances.get(this.instrument.base)?.total ?? 0n;
  }

  quoteTotal(): Fixed {
    if (this.instrument.kind === 'perp') return this.margin?.marginBalance ?? this.balances.get(this.instrument.marginAsset)?.total ?? 0n;
    return this.balances.get(this.instrument.quote)?.total ?? 0n;
  }

  free(asset: string): Fixed {
    return this.balances.get(asset)?.free ?? 0n;
  }

  /** Account value in quote at `reference`. */
  equity(reference: Fixed): Fixed {
    if (this.instrument.kind === 'perp') {
      if (this.margin !== undefined) return this.margin.marginBalance;
      return (this.balances.get(this.instrument.marginAsset)?.total ?? 0n) + (this.positionReport?.unrealizedPnl ?? 0n);
    }
    return this.quoteTotal() + fx.mul(this.baseTotal(), reference);
  }

  // ---------------------------------------------------------------- cost basis and PnL

  /** Starts the cost basis from what is held now, valued at `reference`. */
  seedInventory(baseQty: Fixed, reference: Fixed): void {
    this.held = baseQty;
    this.cost = fx.mul(baseQty, reference);
    this.realized = 0n;
  }

  pnl(reference: Fixed): PnlSnapshot {
    const unrealized = fx.mul(this.held, reference) - this.cost;
    return { realized: this.realized, unrealized, fees: this.feesPaid, net: this.realized + unrealized - this.feesPaid };
  }

  /** Average entry price of the held inventory, or undefined when flat. */
  averageCost(): Fixed | undefined {
    return this.held === 0n ? undefined : fx.div(fx.abs(this.cost), fx.abs(this.held), 'half-up');
  }

  // ---------------------------------------------------------------- fills and volume

  /** Starts a new trading day: today's totals reset, buckets older than two days are dropped. */
  setTradingDay(dayStart: number): void {
    if (dayStart === this.dayStart) return;
    this.dayStart = dayStart;
    this.today = { maker: 0n, taker: 0n, volumeLeg: 0n, fees: 0n, volumeLegCost: 0n, fills: 0 };
    for (const key of this.buckets.keys()) if (key < dayStart - 24 * HOUR) this.buckets.delete(key);
  }

  /** Applies one fill (already deduplicated). `reference` is the reference price when it happened. */
  applyFill(fill: Fill, tag: OrderTag, reference: Fixed | undefined): void {
    const inst = this.instrument;
    const notional = inst.notional(fill.priceTicks, fill.qtyLots);
    const qty = inst.lotsToFixed(fill.qtyLots) * inst.multiplier / fx.SCALE;
    const fee = this.feeInQuote(fill);

    // signed average-cost accounting (works for spot inventory and perp positions alike)
    const delta = fill.side === 'buy' ? qty : -qty;
    if (this.held === 0n || this.held > 0n === delta > 0n) {
      this.cost += fill.side === 'buy' ? notional : -notional;
      this.held += delta;
    } else {
      const closing = fx.min(fx.abs(delta), fx.abs(this.held));
      const basis = fx.divInt(this.cost * closing, fx.abs(this.held), 'trunc');
      const proceeds = fx.divInt(notional * closing, qty, 'trunc');
      this.realized += (this.held > 0n ? proceeds : -proceeds) - basis;
      this.cost -= basis;
      this.held += this.held > 0n ? -closing : closing;
      const opening = fx.abs(delta) - closing;
      if (opening > 0n) {
        const openNotional = notional - proceeds;
        this.cost = fill.side === 'buy' ? openNotional : -openNotional;
        this.held = fill.side === 'buy' ? opening : -opening;
      }
      if (this.held === 0n) this.cost = 0n;
    }
    this.feesPaid += fee;

    if (fill.venueTime >= this.dayStart) {
      const bucket = this.bucket(fill.venueTime);
      if (fill.liquidity === 'maker') {
        bucket.maker += notional;
        this.today.maker += notional;
      } else {
        bucket.taker += notional;
        this.today.taker += notional;
      }
      bucket.fills++;
      this.today.fills++;
      this.today.fees += fee;
      if (tag === 'volume') {
        bucket.volumeLeg += notional;
        this.today.volumeLeg += notional;
        if (reference !== undefined) {
          const atRef = fx.mul(qty, reference);
          this.today.volumeLegCost += (fill.side === 'buy' ? notional - atRef : atRef - notional) + fee;
        } else {
          this.today.volumeLegCost += fee;
        }
      }
    }
  }

  volumeToday(): VolumeTotals {
    const t = this.today;
    return { maker: t.maker, taker: t.taker, total: t.maker + t.taker, volumeLeg: t.volumeLeg, fees: t.fees, volumeLegCost: t.volumeLegCost, fills: t.fills };
  }

  /** Volume-leg notional in the clock hour containing `now`. */
  volumeLegThisHour(now: number): Fixed {
    return this.buckets.get(this.hourStart(now))?.volumeLeg ?? 0n;
  }

  /** The trading day's hourly buckets, oldest first (missing hours filled with zeros). */
  hourly(now: number): VolumeBucket[] {
    const out: VolumeBucket[] = [];
    for (let h = this.dayStart; h <= now && out.length < 25; h += HOUR) {
      out.push(this.buckets.get(h) ?? { hourStart: h, maker: 0n, taker: 0n, volumeLeg: 0n, fills: 0 });
    }
    return out;
  }

  private hourStart(time: number): number {
    return this.dayStart + Math.floor((time - this.dayStart) / HOUR) * HOUR;
  }

  private bucket(time: number): VolumeBucket {
    const key = this.hourStart(time);
    let b = this.buckets.get(key);
    if (b === undefined) {
      b = { hourStart: key, maker: 0n, taker: 0n, volumeLeg: 0n, fills: 0 };
      this.buckets.set(key, b);
    }
    return b;
  }

  private feeInQuote(fill: Fill): Fixed {
    const inst = this.instrument;
    if (fill.feeAsset === inst.quote || fill.feeAsset === inst.marginAsset || fill.fee === 0n) return fill.fee;
    if (fill.feeAsset === inst.base) return fx.mul(fill.fee, inst.ticksToFixed(fill.priceTicks));
    this.otherFees.set(fill.feeAsset, (this.otherFees.get(fill.feeAsset) ?? 0n) + fill.fee);
    return 0n;
  }
}
