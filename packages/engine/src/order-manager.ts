// The bot's own orders. Every order is registered (pending_new) before its request leaves; venue
// reports move it through the single transition table in @mm/core; fills are applied once per
// trade id, and fill quantities come only from fills (order reports carry status, not fills),
// so nothing is counted twice. An order whose outcome is ambiguous stays live until the venue
// proves its state; an order the venue cannot find is kept, and a late fill is still applied.
import { applyOrderEvent, isLive, newOrderRecord, remainingLots } from '@mm/core';
import type { EngineError, Fill, NewOrderFields, OrderEvent, OrderRecord, VenueOrder } from '@mm/core';
import type { OrderTag } from './journal.ts';

export interface ManagedOrder {
  readonly record: OrderRecord;
  readonly tag: OrderTag;
  /** Consecutive times the venue said it does not know the order. */
  readonly notFound: number;
  /** When the venue last reported the order as filled while our fills lag behind. */
  readonly venueFilledAt: number | undefined;
  readonly lastCheckedAt: number;
}

export interface OrderChange {
  readonly order: OrderRecord;
  readonly tag: OrderTag;
}

export type ApplyOutcome = { readonly ok: true; readonly change: OrderChange | undefined } | { readonly ok: false; readonly error: EngineError };

const SEEN_TRADE_LIMIT = 100_000;

export class OrderManager {
  private readonly orders = new Map<string, ManagedOrder>();
  /** Ids of live orders and of finished ones whose fills still lag: the only ones scans need. */
  private readonly active = new Set<string>();
  private readonly seenTrades = new Set<string>();

  constructor(readonly prefix: string) {}

  /** Every write goes through here so the active set stays exact. */
  private store(id: string, managed: ManagedOrder): void {
    this.orders.set(id, managed);
    const r = managed.record;
    if (isLive(r.status) || (managed.venueFilledAt !== undefined && r.filledLots < r.qtyLots)) this.active.add(id);
    else this.active.delete(id);
  }

  private *activeOrders(): Generator<ManagedOrder> {
    for (const id of this.active) {
      const o = this.orders.get(id);
      if (o !== undefined) yield o;
    }
  }

  owns(clientOrderId: string): boolean {
    return clientOrderId.startsWith(this.prefix);
  }

  register(fields: NewOrderFields, tag: OrderTag, now: number): OrderRecord {
    const record = newOrderRecord(fields, now);
    this.store(record.clientOrderId, { record, tag, notFound: 0, venueFilledAt: undefined, lastCheckedAt: now });
    return record;
  }

  /** Takes over an order found at the venue (restart) or restored from storage. */
  adopt(record: OrderRecord, tag: OrderTag, now: number): void {
    this.store(record.clientOrderId, { record, tag, notFound: 0, venueFilledAt: undefined, lastCheckedAt: now });
  }

  get(clientOrderId: string): ManagedOrder | undefined {
    return this.orders.get(clientOrderId);
  }

  live(tag?: OrderTag): ManagedOrder[] {
    const out: ManagedOrder[] = [];
    for (const o of this.activeOrders()) if (isLive(o.record.status) && (tag === undefined || o.tag === tag)) out.push(o);
    return out;
  }

  get liveCount(): number {
    let n = 0;
    for (const o of this.activeOrders()) if (isLive(o.record.status)) n++;
    return n;
  }

  all(): ManagedOrder[] {
    return [...this.orders.values()];
  }

  apply(clientOrderId: string, event: OrderEvent, now: number): ApplyOutcome {
    const managed = this.orders.get(clientOrderId);
    if (managed === undefined) return { ok: true, change: undefined };
    const result = applyOrderEvent(managed.record, event, now);
    if (!result.ok) return { ok: false, error: result.error };
    this.store(clientOrderId, { ...managed, record: result.value, notFound: 0 });
    return { ok: true, change: { order: result.value, tag: managed.tag } };
  }

  /** Maps a venue report onto our state. Fill quantities are left to fills. */
  applyVenueOrder(report: VenueOrder, now: number): ApplyOutcome {
    const managed = this.orders.get(report.clientOrderId);
    if (managed === undefined) return { ok: true, change: undefined };
    const current = managed.record;
    let event: OrderEvent | undefined;
    switch (report.status) {
      case 'open':
      case 'partially_filled':
        if (current.status === 'pending_new' || current.status === 'unknown' || (current.status === 'pending_cancel' && current.venueOrderId === undefined)) {
          event = { type: 'accepted', venueOrderId: report.venueOrderId };
        } else if (current.status === 'pending_amend' && current.pendingAmend !== undefined && report.priceTicks === current.pendingAmend.priceTicks && report.qtyLots === current.pendingAmend.qtyLots) {
          event = { type: 'amended', priceTicks: report.priceTicks, qtyLots: report.qtyLots };
        }
        break;
      case 'filled':
        if (current.venueOrderId === undefined && (current.status === 'pending_new' || current.status === 'unknown')) {
          event = { type: 'accepted', venueOrderId: report.venueOrderId };
        }
        if (current.filledLots < current.qtyLots) this.store(report.clientOrderId, { ...managed, venueFilledAt: managed.venueFilledAt ?? now });
        break;
      case 'canceled':
        if (current.status !== 'canceled' && current.status !== 'filled') event = { type: 'canceled', ...(report.reason === undefined ? {} : { reason: report.reason }) };
        break;
      case 'expired':
        if (current.status !== 'expired' && current.status !== 'filled') event = { type: 'expired', ...(report.reason === undefined ? {} : { reason: report.reason }) };
        break;
      case 'rejected':
        if (current.status === 'pending_new' || current.status === 'unknown') event = { type: 'rejected', reason: report.reason ?? 'rejected by the venue' };
        break;
    }
    if (event === undefined) return { ok: true, change: undefined };
    if (report.venueOrderId && current.venueOrderId === undefined && event.type !== 'accepted') {
      const withId = this.orders.get(report.clientOrderId)!;
      this.store(report.clientOrderId, { ...withId, record: { ...withId.record, venueOrderId: report.venueOrderId } });
    }
    return this.apply(report.clientOrderId, event, now);
  }

  /** True once for each trade id: the exactly-once gate for fills. */
  markTradeSeen(tradeId: string): boolean {
    if (this.seenTrades.has(tradeId)) return false;
    this.seenTrades.add(tradeId);
    if (this.seenTrades.size > SEEN_TRADE_LIMIT) {
      // forget the oldest half; storage's unique key still guards across that horizon
      let drop = SEEN_TRADE_LIMIT / 2;
      for (const id of this.seenTrades) {
        this.seenTrades.delete(id);
        if (--drop === 0) break;
      }
    }
    return true;
  }

  hasSeenTrade(tradeId: string): boolean {
    return this.seenTrades.has(tradeId);
  }

  /** Applies a fill to its order (the caller has already passed markTradeSeen). */
  applyFill(fill: Fill, now: number): ApplyOutcome {
    return this.apply(fill.clientOrderId, { type: 'fill', qtyLots: fill.qtyLots, priceTicks: fill.priceTicks }, now);
  }

  /** The venue said it does not know the order; returns how many times in a row. */
  recordNotFound(clientOrderId: string, now: number): number {
    const managed = this.orders.get(clientOrderId);
    if (managed === undefined) return 0;
    const notFound = managed.notFound + 1;
    this.store(clientOrderId, { ...managed, notFound, lastCheckedAt: now });
    return notFound;
  }

  markChecked(clientOrderId: string, now: number): void {
    const managed = this.orders.get(clientOrderId);
    if (managed !== undefined) this.store(clientOrderId, { ...managed, lastCheckedAt: now });
  }

  /**
   * Orders whose state needs proof from the venue: unknown outcomes, requests unanswered for too
   * long, and orders the venue reports filled while our fills lag.
   */
  needingCheck(now: number, thresholdMs: number): ManagedOrder[] {
    const out: ManagedOrder[] = [];
    for (const o of this.activeOrders()) {
      const s = o.record.status;
      const stale = now - o.record.updatedAt >= thresholdMs && now - o.lastCheckedAt >= thresholdMs;
      if (s === 'unknown' && now - o.lastCheckedAt >= Math.min(thresholdMs, 2_000)) out.push(o);
      else if ((s === 'pending_new' || s === 'pending_cancel' || s === 'pending_amend') && stale) out.push(o);
      else if (o.venueFilledAt !== undefined && o.record.filledLots < o.record.qtyLots && now - o.venueFilledAt >= thresholdMs && now - o.lastCheckedAt >= thresholdMs) out.push(o);
    }
    return out;
  }

  /** Forgets finished orders older than `olderThan` (they live on in storage). */
  prune(olderThan: number): void {
    for (const [id, o] of this.orders) {
      const fillsPending = o.venueFilledAt !== undefined && o.record.filledLots < o.record.qtyLots;
      if (!isLive(o.record.status) && o.record.updatedAt < olderThan && !fillsPending) {
        this.orders.delete(id);
        this.active.delete(id);
      }
    }
  }

  remaining(clientOrderId: string): number {
    const o = this.orders.get(clientOrderId);
    return o === undefined ? 0 : remainingLots(o.record);
  }
}
