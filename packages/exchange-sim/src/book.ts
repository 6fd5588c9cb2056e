// The matching book of one symbol: price levels holding FIFO queues of resting orders.
// Prices are integer ticks. Each side keeps its level prices in a sorted array with the best
// price at the END, so consuming or removing the best level is an O(1) pop.
import type { OrderType, Side, StpMode, TimeInForce } from '@mm/core';

export interface RestingOrder {
  readonly seq: number;
  readonly venueOrderId: string;
  readonly clientOrderId: string;
  readonly account: number;
  readonly symbol: string;
  readonly side: Side;
  readonly type: OrderType;
  priceTicks: number;
  /** Original quantity (changes only on amend). */
  qtyLots: number;
  filledLots: number;
  readonly timeInForce: TimeInForce;
  readonly stpMode: StpMode;
  readonly reduceOnly: boolean;
  readonly createdAt: number;
  updatedAt: number;
  /** Quote (spot buys) or margin (perps) still reserved for the unfilled part. */
  locked: bigint;
  level: PriceLevel | undefined;
  prev: RestingOrder | undefined;
  next: RestingOrder | undefined;
}

export class PriceLevel {
  head: RestingOrder | undefined;
  tail: RestingOrder | undefined;
  totalLots = 0;
  count = 0;

  constructor(readonly priceTicks: number) {}

  append(order: RestingOrder): void {
    order.level = this;
    order.prev = this.tail;
    order.next = undefined;
    if (this.tail) this.tail.next = order;
    else this.head = order;
    this.tail = order;
    this.totalLots += order.qtyLots - order.filledLots;
    this.count++;
  }

  remove(order: RestingOrder): void {
    if (order.prev) order.prev.next = order.next;
    else this.head = order.next;
    if (order.next) order.next.prev = order.prev;
    else this.tail = order.prev;
    this.totalLots -= order.qtyLots - order.filledLots;
    this.count--;
    order.level = undefined;
    order.prev = undefined;
    order.next = undefined;
  }
}

export class BookSide {
  /** Sorted so the best price is last: bids ascending, asks descending. */
  private readonly prices: number[] = [];
  private readonly levels = new Map<number, PriceLevel>();

  constructor(readonly side: Side) {}

  get levelCount(): number {
    return this.prices.length;
  }

  bestLevel(): PriceLevel | undefined {
    const n = this.prices.length;
    return n === 0 ? undefined : this.levels.get(this.prices[n - 1]!);
  }

  bestPrice(): number | undefined {
    const n = this.prices.length;
    return n === 0 ? undefined : this.prices[n - 1];
  }

  level(priceTicks: number): PriceLevel | undefined {
    return this.levels.get(priceTicks);
  }

  add(order: RestingOrder): void {
    let level = this.levels.get(order.priceTicks);
    if (level === undefined) {
      level = new PriceLevel(order.priceTicks);
      this.levels.set(order.priceTicks, level);
      this.insertPrice(order.priceTicks);
    }
    level.append(order);
  }

  remove(order: RestingOrder): void {
    const level = order.level;
    if (level === undefined) return;
    level.remove(order);
    if (level.count === 0) this.dropLevel(level.priceTicks);
  }

  /** Called after a fill reduced an order's remaining quantity in place. */
  reduce(order: RestingOrder, lots: number): void {
    const level = order.level;
    if (level !== undefined) level.totalLots -= lots;
  }

  dropLevel(priceTicks: number): void {
    this.levels.delete(priceTicks);
    const n = this.prices.length;
    if (n > 0 && this.prices[n - 1] === priceTicks) {
      this.prices.pop();
      return;
    }
    const i = this.indexOf(priceTicks);
    if (i >= 0) this.prices.splice(i, 1);
  }

  /** Up to `depth` levels, best first. */
  top(depth: number): { priceTicks: number; qtyLots: number }[] {
    const out: { priceTicks: number; qtyLots: number }[] = [];
    for (let i = this.prices.length - 1; i >= 0 && out.length < depth; i--) {
      const level = this.levels.get(this.prices[i]!)!;
      out.push({ priceTicks: level.priceTicks, qtyLots: level.totalLots });
    }
    return out;
  }

  /** Levels from best to worst, for scans that may stop early. */
  *levelsBestFirst(): Generator<PriceLevel> {
    for (let i = this.prices.length - 1; i >= 0; i--) {
      const level = this.levels.get(this.prices[i]!);
      if (level !== undefined) yield level;
    }
  }

  *orders(): Generator<RestingOrder> {
    for (const level of this.levelsBestFirst()) {
      for (let o = level.head; o !== undefined; o = o.next) yield o;
    }
  }

  /** `a` is better than `b` for this side. */
  better(a: number, b: number): boolean {
    return this.side === 'buy' ? a > b : a < b;
  }

  private insertPrice(price: number): void {
    // ascending for bids, descending for asks; new best prices are the common case
    const prices = this.prices;
    const n = prices.length;
    if (n === 0 || this.better(price, prices[n - 1]!)) {
      prices.push(price);
      return;
    }
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.better(prices[mid]!, price)) hi = mid;
      else lo = mid + 1;
    }
    prices.splice(lo, 0, price);
  }

  private indexOf(price: number): number {
    const prices = this.prices;
    let lo = 0;
    let hi = prices.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const p = prices[mid]!;
      if (p === price) return mid;
      if (this.better(p, price)) hi = mid;
      else lo = mid + 1;
    }
    return -1;
  }
}

export class MatchingBook {
  readonly bids = new BookSide('buy');
  readonly asks = new BookSide('sell');
  /** Increments on every change of the visible book. */
  sequence = 0;

  sideOf(side: Side): BookSide {
    return side === 'buy' ? this.bids : this.asks;
  }

  oppositeOf(side: Side): BookSide {
    return side === 'buy' ? this.asks : this.bids;
  }

  /** True if a `side` order at `priceTicks` would match the opposite best price. */
  crosses(side: Side, priceTicks: number): boolean {
    const best = this.oppositeOf(side).bestPrice();
    if (best === undefined) return false;
    return side === 'buy' ? priceTicks >= best : priceTicks <= best;
  }
}
