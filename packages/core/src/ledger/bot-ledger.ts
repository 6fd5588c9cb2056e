// One bot's figures as a fold over its own fills and cash flows: position, average entry,
// realized and unrealized PnL, fees (per asset and in quote at fill time), funding, volume split
// maker / taker / volume leg, trade count, per trading day (in the bot's volume time zone) and
// all-time. The same fold runs in the live engine, in storage when a bot is rebuilt (snapshot
// plus the fills after it), in the API for stopped bots and in the backtest report, so a figure
// never depends on which process computed it or whether the process restarted in between.
//
// Cost method: average cost (what Hummingbot and NautilusTrader report). A fill that adds to the
// position adds its notional to the cost; one that reduces it realizes (price − average) × qty,
// and the cost it removes is exactly the basis used for that realized PnL, so
// realized + unrealized always equals Σ sells − Σ buys + position × mark, to the last unit.
// A fee paid in the base asset is booked as a sale of that quantity at the fill price (the
// position shrinks by it) plus a quote fee of the same value: the ledger's figures then add up to
// the account's balance changes exactly, whichever asset the venue charges.
import * as fx from '../fixed.ts';
import type { Fixed } from '../fixed.ts';
import type { Liquidity, OrderTag, Side } from '../domain.ts';
import { tradingDay } from '../time-zone.ts';

const HOUR_MS = 3_600_000;
/** Hourly buckets kept for the volume chart and the hourly cap (the rest live in the day totals). */
const HOURS_KEPT_MS = 48 * HOUR_MS;

export interface LedgerSpec {
  /** Position asset (spot base; perps: the contract's base). */
  readonly base: string;
  /** PnL, fee and volume currency (spot quote; perps: the margin asset). */
  readonly quote: string;
  /** Trading days start at local midnight here (the bot's volume time zone). */
  readonly timeZone: string;
}

/** A fill as the ledger needs it: exact decimals (base units already include a contract multiplier). */
export interface LedgerFill {
  readonly side: Side;
  readonly qty: Fixed;
  readonly price: Fixed;
  /** price × qty, in quote. */
  readonly notional: Fixed;
  readonly fee: Fixed;
  readonly feeAsset: string;
  readonly liquidity: Liquidity;
  readonly tag: OrderTag;
  readonly venueTime: number;
  /** The bot's reference price when the fill happened (prices the volume leg's cost). */
  readonly reference?: Fixed | undefined;
}

export interface LedgerCashFlow {
  readonly kind: 'funding' | 'transfer';
  /** Signed, in quote: + received, − paid. */
  readonly amount: Fixed;
  readonly venueTime: number;
}

/** Sums over a period. All amounts in quote except the quantities (base). */
export interface Flows {
  maker: Fixed;
  taker: Fixed;
  volumeLeg: Fixed;
  buyQty: Fixed;
  sellQty: Fixed;
  fees: Fixed;
  realized: Fixed;
  funding: Fixed;
  /** The volume leg's cost against the reference at fill time, fees included (positive = cost). */
  volumeLegCost: Fixed;
  trades: number;
}

export interface DayEntry extends Flows {
  readonly dayStart: number;
  /** Net PnL when the day opened, valued at the mark of that moment. */
  readonly openNet: Fixed;
}

export interface HourEntry {
  readonly hourStart: number;
  maker: Fixed;
  taker: Fixed;
  volumeLeg: Fixed;
  trades: number;
}

/** What the dashboard, API, CSV and backtest report show, at one mark. */
export interface LedgerFigures {
  readonly position: Fixed;
  /** undefined when flat. */
  readonly averageEntry: Fixed | undefined;
  readonly realized: Fixed;
  readonly unrealized: Fixed;
  /** Fees valued in quote at fill time (fees in a third asset are in `unvaluedFees`). */
  readonly fees: Fixed;
  readonly feesByAsset: ReadonlyMap<string, Fixed>;
  /** Fees paid in an asset that is neither base nor quote: listed, not in `net`. */
  readonly unvaluedFees: ReadonlyMap<string, Fixed>;
  readonly funding: Fixed;
  /** realized + unrealized − fees + funding. */
  readonly net: Fixed;
  readonly allTime: Readonly<Flows>;
  readonly today: Readonly<Flows> & { readonly dayStart: number; readonly net: Fixed | undefined };
}

/** The ledger as JSON (decimal strings), for snapshots. */
export interface LedgerStateJson {
  readonly v: 1;
  readonly position: string;
  readonly cost: string;
  readonly realized: string;
  readonly fees: string;
  readonly funding: string;
  readonly feesByAsset: Record<string, string>;
  readonly unvaluedFees: Record<string, string>;
  readonly all: FlowsJson;
  readonly days: (FlowsJson & { dayStart: number; openNet: string })[];
  readonly hours: { hourStart: number; maker: string; taker: string; volumeLeg: string; trades: number }[];
  readonly lastFillTime: number | undefined;
}

type FlowsJson = { [K in keyof Flows]: K extends 'trades' ? number : string };

const FLOW_KEYS = ['maker', 'taker', 'volumeLeg', 'buyQty', 'sellQty', 'fees', 'realized', 'funding', 'volumeLegCost'] as const;

function emptyFlows(): Flows {
  return { maker: 0n, taker: 0n, volumeLeg: 0n, buyQty: 0n, sellQty: 0n, fees: 0n, realized: 0n, funding: 0n, volumeLegCost: 0n, trades: 0 };
}

function flowsToJson(f: Flows): FlowsJson {
  const out: Record<string, string | number> = { trades: f.trades };
  for (const k of FLOW_KEYS) out[k] = fx.format(f[k]);
  return out as FlowsJson;
}

function flowsFromJson(j: FlowsJson): Flows {
  const out = emptyFlows();
  for (const k of FLOW_KEYS) out[k] = fx.parse(j[k]);
  out.trades = j.trades;
  return out;
}

function mapToJson(m: ReadonlyMap<string, Fixed>): Record<string, string> {
  return Object.fromEntries([...m].map(([k, v]) => [k, fx.format(v)]));
}

function mapFromJson(j: Record<string, string>): Map<string, Fixed> {
  return new Map(Object.entries(j).map(([k, v]) => [k, fx.parse(v)]));
}

export interface BotLedgerOptions {
  /** The mark a trading day opened at, when it was recorded (see openDay); else the day's first fill price. */
  readonly dayMark?: (dayStart: number) => Fixed | undefined;
}

export class BotLedger {
  private position: Fixed = 0n;
  /** Signed cost of `position` in quote (negative for a short). */
  private cost: Fixed = 0n;
  private realized: Fixed = 0n;
  private fees: Fixed = 0n;
  private funding: Fixed = 0n;
  private readonly feesByAsset = new Map<string, Fixed>();
  private readonly unvaluedFees = new Map<string, Fixed>();
  private all: Flows = emptyFlows();
  private readonly days = new Map<number, DayEntry>();
  private readonly hours = new Map<number, HourEntry>();
  private lastFill: number | undefined;
  private readonly dayMark: (dayStart: number) => Fixed | undefined;
  /** The last trading day looked up: most fills fall in it, and time-zone maths is not free. */
  private dayRange = { start: 0, end: 0 };

  constructor(
    readonly spec: LedgerSpec,
    options: BotLedgerOptions = {},
  ) {
    this.dayMark = options.dayMark ?? (() => undefined);
  }

  // ---------------------------------------------------------------- the fold

  applyFill(fill: LedgerFill): void {
    const day = this.dayOf(fill.venueTime, fill.price);
    const hour = this.hourOf(fill.venueTime);
    const feeQuote = this.bookFee(fill);
    const realized = this.trade(fill.side, fill.qty, fill.notional);
    let total = realized.realized;
    if (fill.feeAsset === this.spec.base && fill.fee !== 0n) {
      // paid in base: the fee quantity leaves the position as if sold at the fill price
      total += this.trade('sell', fill.fee, fx.mul(fill.fee, fill.price)).realized;
    }
    this.realized += total;
    this.fees += feeQuote;
    const volumeLegCost = fill.tag === 'volume' ? this.volumeLegCost(fill, feeQuote) : 0n;
    for (const f of [this.all, day]) {
      if (fill.liquidity === 'maker') f.maker += fill.notional;
      else f.taker += fill.notional;
      if (fill.tag === 'volume') f.volumeLeg += fill.notional;
      if (fill.side === 'buy') f.buyQty += fill.qty;
      else f.sellQty += fill.qty;
      f.fees += feeQuote;
      f.realized += total;
      f.volumeLegCost += volumeLegCost;
      f.trades++;
    }
    if (hour !== undefined) {
      if (fill.liquidity === 'maker') hour.maker += fill.notional;
      else hour.taker += fill.notional;
      if (fill.tag === 'volume') hour.volumeLeg += fill.notional;
      hour.trades++;
    }
    if (this.lastFill === undefined || fill.venueTime > this.lastFill) {
      this.lastFill = fill.venueTime;
      this.pruneHours(fill.venueTime);
    }
  }

  applyCashFlow(flow: LedgerCashFlow): void {
    // a transfer is the operator's money moving, not the bot's result: only funding counts here
    if (flow.kind !== 'funding') return;
    const day = this.dayOf(flow.venueTime, undefined);
    this.funding += flow.amount;
    this.all.funding += flow.amount;
    day.funding += flow.amount;
  }

  /**
   * Opens the trading day that starts at `dayStart`, if nothing opened it yet, at the mark
   * recorded for it (see the dayMark option) or else at `mark`. True when it used `mark`: the
   * caller then records that mark, so a rebuild opens the day exactly the same way.
   */
  openDay(dayStart: number, mark: Fixed): boolean {
    if (this.days.has(dayStart)) return false;
    const recorded = this.dayMark(dayStart);
    this.days.set(dayStart, { dayStart, openNet: this.netAt(recorded ?? mark), ...emptyFlows() });
    return recorded === undefined;
  }

  // ---------------------------------------------------------------- reading

  figures(mark: Fixed | undefined, now: number): LedgerFigures {
    const unrealized = mark === undefined ? 0n : fx.mul(this.position, mark) - this.cost;
    const net = this.realized + unrealized - this.fees + this.funding;
    const dayStart = this.dayStartOf(now);
    const day = this.days.get(dayStart);
    return {
      position: this.position,
      averageEntry: this.position === 0n ? undefined : fx.div(fx.abs(this.cost), fx.abs(this.position), 'half-up'),
      realized: this.realized,
      unrealized,
      fees: this.fees,
      feesByAsset: new Map(this.feesByAsset),
      unvaluedFees: new Map(this.unvaluedFees),
      funding: this.funding,
      net,
      allTime: { ...this.all },
      today: { ...(day ?? emptyFlows()), dayStart, net: day === undefined || mark === undefined ? undefined : net - day.openNet },
    };
  }

  /** Net PnL at `mark`. */
  netAt(mark: Fixed): Fixed {
    return this.realized + fx.mul(this.position, mark) - this.cost - this.fees + this.funding;
  }

  get positionQty(): Fixed {
    return this.position;
  }

  get lastFillTime(): number | undefined {
    return this.lastFill;
  }

  day(dayStart: number): Readonly<DayEntry> | undefined {
    return this.days.get(dayStart);
  }

  /** Days, oldest first. */
  dayList(): readonly Readonly<DayEntry>[] {
    return [...this.days.values()].sort((a, b) => a.dayStart - b.dayStart);
  }

  /** Hourly buckets from `from` to `to` (missing hours as zeros), oldest first; hours start on the hour of `from`. */
  hourly(from: number, to: number): HourEntry[] {
    const out: HourEntry[] = [];
    for (let h = from; h <= to && out.length < 49; h += HOUR_MS) {
      out.push(this.hours.get(h) ?? { hourStart: h, maker: 0n, taker: 0n, volumeLeg: 0n, trades: 0 });
    }
    return out;
  }

  volumeLegInHour(time: number): Fixed {
    return this.hours.get(this.hourStartOf(time))?.volumeLeg ?? 0n;
  }

  /** Start of the trading day (local midnight in the spec's zone) that contains `time`. */
  dayStartOf(time: number): number {
    if (time < this.dayRange.start || time >= this.dayRange.end) this.dayRange = tradingDay(time, this.spec.timeZone);
    return this.dayRange.start;
  }

  /** Hours count from the trading day's start, so zones offset by half hours get whole local hours. */
  hourStartOf(time: number): number {
    const start = this.dayStartOf(time);
    return start + Math.floor((time - start) / HOUR_MS) * HOUR_MS;
  }

  // ---------------------------------------------------------------- snapshots

  toJSON(): LedgerStateJson {
    return {
      v: 1,
      position: fx.format(this.position),
      cost: fx.format(this.cost),
      realized: fx.format(this.realized),
      fees: fx.format(this.fees),
      funding: fx.format(this.funding),
      feesByAsset: mapToJson(this.feesByAsset),
      unvaluedFees: mapToJson(this.unvaluedFees),
      all: flowsToJson(this.all),
      days: this.dayList().map((d) => ({ ...flowsToJson(d), dayStart: d.dayStart, openNet: fx.format(d.openNet) })),
      hours: [...this.hours.values()]
        .sort((a, b) => a.hourStart - b.hourStart)
        .map((h) => ({ hourStart: h.hourStart, maker: fx.format(h.maker), taker: fx.format(h.taker), volumeLeg: fx.format(h.volumeLeg), trades: h.trades })),
      lastFillTime: this.lastFill,
    };
  }

  static fromJSON(spec: LedgerSpec, state: LedgerStateJson, options: BotLedgerOptions = {}): BotLedger {
    const l = new BotLedger(spec, options);
    l.position = fx.parse(state.position);
    l.cost = fx.parse(state.cost);
    l.realized = fx.parse(state.realized);
    l.fees = fx.parse(state.fees);
    l.funding = fx.parse(state.funding);
    for (const [k, v] of mapFromJson(state.feesByAsset)) l.feesByAsset.set(k, v);
    for (const [k, v] of mapFromJson(state.unvaluedFees)) l.unvaluedFees.set(k, v);
    l.all = flowsFromJson(state.all);
    for (const d of state.days) l.days.set(d.dayStart, { ...flowsFromJson(d), dayStart: d.dayStart, openNet: fx.parse(d.openNet) });
    for (const h of state.hours) l.hours.set(h.hourStart, { hourStart: h.hourStart, maker: fx.parse(h.maker), taker: fx.parse(h.taker), volumeLeg: fx.parse(h.volumeLeg), trades: h.trades });
    l.lastFill = state.lastFillTime;
    return l;
  }

  // ---------------------------------------------------------------- internals

  /** Signed average-cost bookkeeping of one trade; returns the PnL it realized. */
  private trade(side: Side, qty: Fixed, notional: Fixed): { realized: Fixed } {
    if (qty === 0n) return { realized: 0n };
    const delta = side === 'buy' ? qty : -qty;
    if (this.position === 0n || this.position > 0n === delta > 0n) {
      this.cost += side === 'buy' ? notional : -notional;
      this.position += delta;
      return { realized: 0n };
    }
    const held = fx.abs(this.position);
    const closing = fx.min(qty, held);
    // the basis leaving the position is the cost share of the closed quantity; the same number
    // is taken off the cost, so no rounding is lost between realized and unrealized
    const basis = fx.divInt(this.cost * closing, held, 'trunc');
    const proceeds = closing === qty ? notional : fx.divInt(notional * closing, qty, 'trunc');
    const realized = this.position > 0n ? proceeds - basis : -proceeds - basis;
    this.cost -= basis;
    this.position += this.position > 0n ? -closing : closing;
    if (this.position === 0n) {
      // flat: whatever basis is left is truncation residue of earlier closes; it is realized now
      // so a flat position carries no cost
      const residue = this.cost;
      this.cost = 0n;
      const opening = qty - closing;
      if (opening > 0n) {
        const openNotional = notional - proceeds;
        this.cost = side === 'buy' ? openNotional : -openNotional;
        this.position = side === 'buy' ? opening : -opening;
      }
      return { realized: realized - residue };
    }
    return { realized };
  }

  private bookFee(fill: LedgerFill): Fixed {
    if (fill.fee === 0n) return 0n;
    this.feesByAsset.set(fill.feeAsset, (this.feesByAsset.get(fill.feeAsset) ?? 0n) + fill.fee);
    if (fill.feeAsset === this.spec.quote) return fill.fee;
    if (fill.feeAsset === this.spec.base) return fx.mul(fill.fee, fill.price);
    this.unvaluedFees.set(fill.feeAsset, (this.unvaluedFees.get(fill.feeAsset) ?? 0n) + fill.fee);
    return 0n;
  }

  private volumeLegCost(fill: LedgerFill, feeQuote: Fixed): Fixed {
    if (fill.reference === undefined) return feeQuote;
    const atReference = fx.mul(fill.qty, fill.reference);
    return (fill.side === 'buy' ? fill.notional - atReference : atReference - fill.notional) + feeQuote;
  }

  private dayOf(time: number, fallbackMark: Fixed | undefined): DayEntry {
    const start = this.dayStartOf(time);
    let day = this.days.get(start);
    if (day === undefined) {
      const mark = this.dayMark(start) ?? fallbackMark;
      day = { dayStart: start, openNet: mark === undefined ? this.realized - this.fees + this.funding : this.netAt(mark), ...emptyFlows() };
      this.days.set(start, day);
    }
    return day;
  }

  private hourOf(time: number): HourEntry | undefined {
    if (this.lastFill !== undefined && time < this.lastFill - HOURS_KEPT_MS) return undefined;
    const key = this.hourStartOf(time);
    let h = this.hours.get(key);
    if (h === undefined) {
      h = { hourStart: key, maker: 0n, taker: 0n, volumeLeg: 0n, trades: 0 };
      this.hours.set(key, h);
    }
    return h;
  }

  private pruneHours(now: number): void {
    for (const key of this.hours.keys()) if (key < now - HOURS_KEPT_MS) this.hours.delete(key);
  }
}
