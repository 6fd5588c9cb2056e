// The persistence port of the engine. Storage implements it; backtests use the in-memory one.
// The contract that keeps "nothing lost" true:
// - recordIntent resolves before an order's request leaves the process (it rejects when
//   storage is down, and the bot then halts new orders);
// - recordFill is idempotent per venue + symbol + trade id;
// - loadState gives a restarting bot what it needs to reconcile with the venue.
import type { Fill, OrderRecord } from '@mm/core';
import type { RiskTrip } from '@mm/risk';

/** Which leg of the bot an order belongs to. */
export type OrderTag = 'mm' | 'volume';

export interface StoredFill {
  readonly fill: Fill;
  readonly tag: OrderTag;
}

export interface BotRestoreState {
  /** Orders that were live when the bot last ran. */
  readonly liveOrders: readonly { readonly order: OrderRecord; readonly tag: OrderTag }[];
  /** Fills of the current trading day (portfolio and volume progress are rebuilt from them). */
  readonly fillsToday: readonly StoredFill[];
  /** Venue time of the newest stored fill, to import what was missed while down. */
  readonly lastFillTime: number | undefined;
  /** A halt that must survive the restart (kill switch, loss limits). */
  readonly halt: RiskTrip | undefined;
  /** Equity at the start of the trading day and its peak, when known. */
  readonly dayStartEquity?: string;
  readonly peakEquity?: string;
}

export interface BotJournal {
  recordIntent(botId: string, order: OrderRecord, tag: OrderTag): Promise<void>;
  recordOrder(botId: string, order: OrderRecord, tag: OrderTag): void;
  /** Resolves false when the fill was already stored. */
  recordFill(botId: string, venue: string, fill: Fill, tag: OrderTag): Promise<boolean>;
  recordHalt(botId: string, trip: RiskTrip | undefined): void;
  loadState(botId: string, tradingDayStart: number): Promise<BotRestoreState>;
}

/** Keeps everything in memory: for backtests, tests, and as a reference implementation. */
export class MemoryJournal implements BotJournal {
  readonly intents = new Map<string, OrderRecord>();
  readonly orders = new Map<string, { botId: string; order: OrderRecord; tag: OrderTag }>();
  readonly fills = new Map<string, { botId: string; fill: Fill; tag: OrderTag }>();
  readonly halts = new Map<string, RiskTrip>();
  /** Set to make every write fail, as if the database were unreachable. */
  failing = false;

  async recordIntent(botId: string, order: OrderRecord, tag: OrderTag): Promise<void> {
    if (this.failing) throw new Error('journal unavailable');
    this.intents.set(order.clientOrderId, order);
    this.orders.set(order.clientOrderId, { botId, order, tag });
  }

  recordOrder(botId: string, order: OrderRecord, tag: OrderTag): void {
    if (!this.failing) this.orders.set(order.clientOrderId, { botId, order, tag });
  }

  async recordFill(botId: string, venue: string, fill: Fill, tag: OrderTag): Promise<boolean> {
    if (this.failing) throw new Error('journal unavailable');
    const key = `${venue}|${fill.symbol}|${fill.tradeId}`;
    if (this.fills.has(key)) return false;
    this.fills.set(key, { botId, fill, tag });
    return true;
  }

  recordHalt(botId: string, trip: RiskTrip | undefined): void {
    if (trip === undefined) this.halts.delete(botId);
    else this.halts.set(botId, trip);
  }

  async loadState(botId: string, tradingDayStart: number): Promise<BotRestoreState> {
    const live = [...this.orders.values()].filter((o) => o.botId === botId && !['filled', 'canceled', 'rejected', 'expired'].includes(o.order.status));
    const fills = [...this.fills.values()].filter((f) => f.botId === botId);
    return {
      liveOrders: live.map((o) => ({ order: o.order, tag: o.tag })),
      fillsToday: fills.filter((f) => f.fill.venueTime >= tradingDayStart).map((f) => ({ fill: f.fill, tag: f.tag })),
      lastFillTime: fills.reduce<number | undefined>((t, f) => (t === undefined || f.fill.venueTime > t ? f.fill.venueTime : t), undefined),
      halt: this.halts.get(botId),
    };
  }
}
