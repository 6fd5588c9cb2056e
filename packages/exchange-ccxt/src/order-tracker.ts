// Our orders as the venue reports them, from three sources (REST answers, the ccxt.pro
// stream, REST polling while the stream is down), merged into one monotonic story:
// - client id ↔ venue id: ccxt trades carry only the venue order id, so fills are attributed
//   through this index (learned from submits, order updates and queries);
// - order updates never go backwards: a terminal state is final and filled quantity only grows,
//   so a stale REST answer cannot undo what the stream already said;
// - fills: every stream delivery is passed on (the engine counts a trade id once), while REST
//   polling only adds trade ids nobody has reported yet.
import { isTerminalVenueStatus } from '@mm/core';
import type { Fill, VenueOrder } from '@mm/core';

interface Entry {
  readonly clientOrderId: string;
  readonly symbol: string;
  venueOrderId: string | undefined;
  last: VenueOrder | undefined;
}

export interface TrackerOptions {
  readonly emitOrder: (order: VenueOrder) => void;
  readonly emitFill: (fill: Fill) => void;
  /** How many trade ids to remember for REST de-duplication. */
  readonly tradeMemory?: number;
}

export class OrderTracker {
  private readonly byClient = new Map<string, Entry>();
  private readonly byVenue = new Map<string, Entry>();
  private readonly seenTrades = new Set<string>();
  private readonly tradeOrder: string[] = [];
  private readonly tradeMemory: number;

  constructor(private readonly options: TrackerOptions) {
    this.tradeMemory = options.tradeMemory ?? 20_000;
  }

  /** Before the submit leaves: the order is ours from now on. */
  register(clientOrderId: string, symbol: string): void {
    if (!this.byClient.has(clientOrderId)) this.byClient.set(clientOrderId, { clientOrderId, symbol, venueOrderId: undefined, last: undefined });
  }

  bind(clientOrderId: string, symbol: string, venueOrderId: string): void {
    if (clientOrderId === '' || venueOrderId === '') return;
    this.register(clientOrderId, symbol);
    const entry = this.byClient.get(clientOrderId)!;
    entry.venueOrderId = venueOrderId;
    this.byVenue.set(key(symbol, venueOrderId), entry);
  }

  clientIdOf(symbol: string, venueOrderId: string): string | undefined {
    return this.byVenue.get(key(symbol, venueOrderId))?.clientOrderId;
  }

  venueIdOf(clientOrderId: string): string | undefined {
    return this.byClient.get(clientOrderId)?.venueOrderId;
  }

  isKnown(clientOrderId: string): boolean {
    return this.byClient.has(clientOrderId);
  }

  /** Applies an order update; emits it when it moves the order forward. Returns the accepted state. */
  onOrder(order: VenueOrder): VenueOrder | undefined {
    if (order.clientOrderId !== '') this.bind(order.clientOrderId, order.symbol, order.venueOrderId);
    const entry = order.clientOrderId === '' ? this.byVenue.get(key(order.symbol, order.venueOrderId)) : this.byClient.get(order.clientOrderId);
    if (entry === undefined) {
      // not ours to track (no client id): pass it on once, as the venue said it
      this.options.emitOrder(order);
      return order;
    }
    const merged = order.clientOrderId === '' ? { ...order, clientOrderId: entry.clientOrderId } : order;
    const last = entry.last;
    if (last !== undefined) {
      if (isTerminalVenueStatus(last.status)) return undefined;
      if (merged.filledLots < last.filledLots) return undefined;
      if (merged.status === last.status && merged.filledLots === last.filledLots && merged.priceTicks === last.priceTicks && merged.qtyLots === last.qtyLots) return undefined;
    }
    entry.last = merged;
    this.options.emitOrder(merged);
    return merged;
  }

  /** A fill from the stream: passed on as delivered. */
  onStreamFill(fill: Fill): void {
    this.remember(fill);
    this.options.emitFill(fill);
  }

  /** A fill from REST polling: passed on only if no source reported its trade id yet. */
  onPolledFill(fill: Fill): boolean {
    if (this.seenTrades.has(key(fill.symbol, fill.tradeId))) return false;
    this.remember(fill);
    this.options.emitFill(fill);
    return true;
  }

  /** Symbols with orders that may still change (REST polling covers these). */
  liveSymbols(): Set<string> {
    const out = new Set<string>();
    for (const entry of this.byClient.values()) if (entry.last === undefined || !isTerminalVenueStatus(entry.last.status)) out.add(entry.symbol);
    return out;
  }

  /** Our orders on `symbol` that were not terminal when last heard of. */
  liveOrders(symbol: string): { clientOrderId: string; venueOrderId: string | undefined }[] {
    const out: { clientOrderId: string; venueOrderId: string | undefined }[] = [];
    for (const entry of this.byClient.values()) {
      if (entry.symbol !== symbol) continue;
      if (entry.last !== undefined && isTerminalVenueStatus(entry.last.status)) continue;
      out.push({ clientOrderId: entry.clientOrderId, venueOrderId: entry.venueOrderId });
    }
    return out;
  }

  /** Forgets a registration whose submit was proven refused. */
  forget(clientOrderId: string): void {
    const entry = this.byClient.get(clientOrderId);
    if (entry === undefined || entry.venueOrderId !== undefined) return;
    this.byClient.delete(clientOrderId);
  }

  private remember(fill: Fill): void {
    const k = key(fill.symbol, fill.tradeId);
    if (this.seenTrades.has(k)) return;
    this.seenTrades.add(k);
    this.tradeOrder.push(k);
    if (this.tradeOrder.length > this.tradeMemory) this.seenTrades.delete(this.tradeOrder.shift()!);
  }
}

function key(symbol: string, id: string): string {
  return `${symbol}|${id}`;
}
