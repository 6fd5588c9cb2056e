// The persistence port (BotJournal, in @mm/core) and an in-memory implementation of it.
import type { BotJournal, BotRestoreState, Fill, OrderRecord, OrderTag, RiskTrip } from '@mm/core';

export type { BotJournal, BotRestoreState, OrderTag, StoredFill } from '@mm/core';

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
