// The matching book of one symbol: price levels holding FIFO queues of resting orders.
// Prices are integer ticks. Each side keeps its levels in an array sorted so the best price is
// at the END: reaching, consuming or removing the best level is O(1).
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

/** A new order's identity and terms; fill state, times and book links are newRestingOrder's. */
export type RestingOrderInit = Readonly<Omit<RestingOrder, 'filledLots' | 'createdAt' | 'updatedAt' | 'locked' | 'level' | 'prev' | 'next'>> & {
  /** Creation time (createdAt and updatedAt). */
  readonly time: number;
};

/** A new, unfilled order that is not in any book yet. One literal shape, so hot code stays monomorphic. */
export function newRestingOrder(init: RestingOrderInit): RestingOrder {
  return {
    seq: init.seq,
    venueOrderId: init.venueOrderId,
    clientOrderId: init.clientOrderId,
    account: init.account,
    symbol: init.symbol,
    side: init.side,
    type: init.type,
    priceTicks: init.priceTicks,
    qtyLots: init.qtyLots,
    filledLots: 0,
    timeInForce: init.timeInForce,
    stpMode: init.stpMode,
    reduceOnly: init.reduceOnly,
    createdAt: init.time,
    updatedAt: init.time,
    locked: 0n,
    level: undefined,
    prev: undefined,
    next: undefined,
  };
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
  /**
   * Levels sorted so the best price is last: bids ascending, asks descending. Levels are found
   * by binary search here rather than in a Map: books have tens to hundreds of levels, and a
   * Map with constant inserts and deletes keeps reallocating its table, which costs more.
   */
  private readonly sorted: PriceLevel[] = [];
  private readonly isBid: boolean;

  constructor(readonly side: Side) {
    this.isBid = side === 'buy';
  }

  get levelCount(): number {
    return this.sorted.length;
  }

  bestLevel(): PriceLevel | undefined {
    const n = this.sorted.length;
    return n === 0 ? undefined : this.sorted[n - 1];
  }

  bestPrice(): number | undefined {
    const n = this.sorted.length;
    return n === 0 ? undefined : this.sorted[n - 1]!.priceTicks;
  }

  /** The i-th level from the best (0 = best), or undefined past the last. */
  levelAt(i: number): PriceLevel | undefined {
    const j = this.sorted.length - 1 - i;
    return j >= 0 ? this.sorted[j] : undefined;
  }

  level(priceTicks: number): PriceLevel | undefined {
    const i = this.search(priceTicks);
    const level = this.sorted[i];
    return level !== undefined && level.priceTicks === priceTicks ? level : undefined;
  }

  add(order: RestingOrder): void {
    const price = order.priceTicks;
    const sorted = this.sorted;
    const n = sorted.length;
    const best = n > 0 ? sorted[n - 1]! : undefined;
    // joining the best level or opening a new best one are the common cases
    if (best !== undefined && best.priceTicks === price) {
      best.append(order);
      return;
    }
    if (best === undefined || this.better(price, best.priceTicks)) {
      const level = new PriceLevel(price);
      sorted.push(level);
      level.append(order);
      return;
    }
    const i = this.search(price);
    let level = sorted[i];
    if (level === undefined || level.priceTicks !== price) {
      level = new PriceLevel(price);
      sorted.splice(i, 0, level);
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
    const sorted = this.sorted;
    const n = sorted.length;
    if (n > 0 && sorted[n - 1]!.priceTicks === priceTicks) {
      sorted.pop();
      return;
    }
    const i = this.search(priceTicks);
    if (i < n && sorted[i]!.priceTicks === priceTicks) sorted.splice(i, 1);
  }

  /** Up to `depth` levels, best first. */
  top(depth: number): { priceTicks: number; qtyLots: number }[] {
    const out: { priceTicks: number; qtyLots: number }[] = [];
    for (let i = this.sorted.length - 1; i >= 0 && out.length < depth; i--) {
      const level = this.sorted[i]!;
      out.push({ priceTicks: level.priceTicks, qtyLots: level.totalLots });
    }
    return out;
  }

  /** Lots resting in at most `depth` levels from the best, stopping at the first level worse than `limitTicks`. */
  lotsThrough(limitTicks: number, depth: number): number {
    let lots = 0;
    const sorted = this.sorted;
    for (let i = sorted.length - 1, seen = 0; i >= 0 && seen < depth; i--, seen++) {
      const level = sorted[i]!;
      if (this.better(limitTicks, level.priceTicks)) break;
      lots += level.totalLots;
    }
    return lots;
  }

  /** Levels from best to worst, for scans that may stop early. */
  *levelsBestFirst(): Generator<PriceLevel> {
    for (let i = this.sorted.length - 1; i >= 0; i--) {
      const level = this.sorted[i];
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
    return this.isBid ? a > b : a < b;
  }

  /** Index of the level at `price`, or where a level at that price belongs. */
  private search(price: number): number {
    const sorted = this.sorted;
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const p = sorted[mid]!.priceTicks;
      if (p === price) return mid;
      if (this.better(p, price)) hi = mid;
      else lo = mid + 1;
    }
    return lo;
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
