// Turns BitMart's order pushes into order and fill events. A push describes the order after
// the change plus its LAST fill only (catalogue §7.6), so the tracker keeps, per order, what it
// has reported: it never lets a stale (out-of-order) push move an order backwards, infers the
// fill from detail_id/last_fill_* when filled_size grew by exactly that fill, and fetches the
// order's trades over REST when several fills were merged into one push. It also remembers
// which cancels this session asked for, because the push has no cancelSource: any other
// cancel came from the venue (post-only cross, IOC remainder, self-trade prevention).
import { EngineError, fx, isTerminalVenueStatus } from '@mm/core';
import type { Clock, Fill, Instrument, VenueOrder } from '@mm/core';
import { fillFromPush, orderFromPush } from './mapping.ts';
import type { WireOrderPush } from './wire.ts';

interface Known {
  filledLots: number;
  /** Cumulative dealFee reported so far. */
  fee: bigint;
  terminal: boolean;
  /** Identity of the last push applied: a byte-identical re-delivery is passed on again. */
  lastKey: string;
  order: VenueOrder;
  readonly tradeIds: Set<string>;
}

export interface OrderTrackerOptions {
  readonly clock: Clock;
  readonly instrument: (symbol: string) => Instrument | undefined;
  readonly emitOrder: (order: VenueOrder) => void;
  readonly emitFill: (fill: Fill) => void;
  /** REST fallback for merged fills: every fill of one order. */
  readonly fetchOrderFills: (symbol: string, orderId: string) => Promise<readonly Fill[]>;
  readonly onError: (error: EngineError) => void;
  /** How long a cancel request or cancel-all marks a later cancel as ours. Default 60 s. */
  readonly cancelMemoryMs?: number;
  /** Orders remembered. Default 10 000. */
  readonly maxOrders?: number;
}

export class OrderTracker {
  private readonly known = new Map<string, Known>();
  private readonly cancelRequests = new Map<string, number>();
  private readonly cancelAlls = new Map<string, number>();
  /** Fee of each reported fill, so a re-delivered push repeats it exactly. */
  private readonly feeByTrade = new Map<string, bigint>();

  constructor(private readonly options: OrderTrackerOptions) {}

  /** Call before sending a cancel (by either id). */
  noteCancel(symbol: string, ref: { clientOrderId?: string; venueOrderId?: string }): void {
    const at = this.options.clock.now();
    if (ref.venueOrderId !== undefined) this.cancelRequests.set(`o:${ref.venueOrderId}`, at);
    if (ref.clientOrderId !== undefined) this.cancelRequests.set(`c:${symbol}:${ref.clientOrderId}`, at);
  }

  noteCancelAll(symbol: string): void {
    this.cancelAlls.set(symbol, this.options.clock.now());
  }

  /** The latest state reported for an order id, if any (e.g. a push that beat the REST answer). */
  latest(orderId: string): VenueOrder | undefined {
    return this.known.get(orderId)?.order;
  }

  /** Handles one order push. */
  onPush(push: WireOrderPush, receivedAt: number): void {
    const inst = this.options.instrument(push.symbol ?? '');
    if (inst === undefined || typeof push.order_id !== 'string') return;
    let order: VenueOrder;
    try {
      order = orderFromPush(push, inst, this.cancelWasOurs(inst.symbol, push));
    } catch (error) {
      this.options.onError(error instanceof EngineError ? error : new EngineError('VENUE_ERROR', `bad order push: ${String(error)}`, { cause: error }));
      return;
    }
    const key = `${push.order_state ?? push.state}|${push.filled_size}|${push.detail_id ?? ''}|${push.update_time ?? push.ms_t ?? ''}`;
    const known = this.known.get(order.venueOrderId);
    const cumulativeFee = parseFee(push.dealFee);

    if (known !== undefined) {
      if (key === known.lastKey) {
        // The venue delivered the same push again; pass it on (consumers dedupe by trade id).
        const fill = fillFromPush(push, inst, 0n, receivedAt);
        if (fill !== undefined && known.tradeIds.has(fill.tradeId)) this.options.emitFill({ ...fill, fee: this.feeByTrade.get(fill.tradeId) ?? 0n });
        this.options.emitOrder(known.order);
        return;
      }
      // Stale: fewer fills than already reported, or a live state after a final one.
      if (order.filledLots < known.filledLots || (known.terminal && !isTerminalVenueStatus(order.status))) return;
      if (known.terminal && order.filledLots === known.filledLots) return;
    }
    const entry: Known = known ?? { filledLots: 0, fee: 0n, terminal: false, lastKey: '', order, tradeIds: new Set() };
    const grew = order.filledLots - entry.filledLots;
    if (grew > 0) {
      const fill = fillFromPush(push, inst, cumulativeFee - entry.fee, receivedAt);
      if (fill !== undefined && fill.qtyLots === grew && !entry.tradeIds.has(fill.tradeId)) {
        entry.tradeIds.add(fill.tradeId);
        this.feeByTrade.set(fill.tradeId, fill.fee);
        this.options.emitFill(fill);
      } else {
        void this.recover(inst.symbol, order.venueOrderId, entry);
      }
    }
    entry.filledLots = order.filledLots;
    entry.fee = cumulativeFee > entry.fee ? cumulativeFee : entry.fee;
    entry.terminal = isTerminalVenueStatus(order.status);
    entry.lastKey = key;
    entry.order = order;
    this.remember(order.venueOrderId, entry);
    this.options.emitOrder(order);
  }

  /** Several fills arrived as one push: fetch the order's trades and report the missing ones. */
  private async recover(symbol: string, orderId: string, entry: Known): Promise<void> {
    let fills: readonly Fill[];
    try {
      fills = await this.options.fetchOrderFills(symbol, orderId);
    } catch (error) {
      this.options.onError(
        new EngineError('VENUE_ERROR', `BitMart order ${orderId} reported fills that its pushes did not describe, and fetching its trades failed; reconcile over REST`, {
          cause: error,
        }),
      );
      return;
    }
    for (const fill of fills) {
      if (entry.tradeIds.has(fill.tradeId)) continue;
      entry.tradeIds.add(fill.tradeId);
      this.feeByTrade.set(fill.tradeId, fill.fee);
      this.options.emitFill(fill);
    }
  }

  private cancelWasOurs(symbol: string, push: WireOrderPush): boolean {
    const now = this.options.clock.now();
    const memory = this.options.cancelMemoryMs ?? 60_000;
    const recent = (at: number | undefined): boolean => at !== undefined && now - at <= memory;
    return (
      recent(this.cancelRequests.get(`o:${push.order_id ?? ''}`)) ||
      recent(this.cancelRequests.get(`c:${symbol}:${push.client_order_id ?? ''}`)) ||
      recent(this.cancelAlls.get(symbol))
    );
  }

  private remember(orderId: string, entry: Known): void {
    this.known.delete(orderId);
    this.known.set(orderId, entry);
    const max = this.options.maxOrders ?? 10_000;
    if (this.known.size <= max) return;
    // drop the oldest finished orders first
    for (const [id, old] of this.known) {
      if (this.known.size <= max) break;
      if (old.terminal) {
        this.known.delete(id);
        for (const t of old.tradeIds) this.feeByTrade.delete(t);
      }
    }
    const now = this.options.clock.now();
    const memory = this.options.cancelMemoryMs ?? 60_000;
    for (const [k, at] of this.cancelRequests) if (now - at > memory) this.cancelRequests.delete(k);
  }
}

function parseFee(value: string | undefined): bigint {
  if (value === undefined || value === '') return 0n;
  try {
    return fx.parse(value);
  } catch {
    return 0n;
  }
}
