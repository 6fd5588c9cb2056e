// Where our resting orders stand in the recorded queues, and when the recorded market fills
// them. It knows prices in ticks and sizes in queue units only; where the events come from (a
// file, a live stream) and how a fill is booked (the exchange) are its callers' business.
//
// Each order keeps `ahead`, the recorded units in front of it at its price: the level's size
// when it arrived (0 when it improved on the best or joined an empty price). Our own orders at
// one price queue among themselves in arrival order. The rules:
// - trade at our price by an aggressor on the other side: it takes the recorded queue in front
//   of our first order, then that order, then the recorded units between it and the next one,
//   and so on, until the print's size is used up; what it gives us is a fill (partial fills too);
// - trade through our price (a sell printed below our bid, a buy above our ask): the market
//   cleared our price, so nothing is ahead any more and the print's size fills us, best price
//   first;
// - the level shrinking by more than what traded there: cancels, of which the cancel model
//   decides the part in front of us; the queue ahead never exceeds the level;
// - the other side's recorded book reaching our price (best ask ≤ our bid): its size fills us,
//   best price first, at our price (as maker), see crossed().
// A print or level smaller than a lot still counts: an order keeps the units owed to it below a
// whole lot (`credit`) until they make one.
import type { CancelModel } from './cancel-model.ts';

/** Below this a queue ahead is float dust from proportional cancels: nothing is in front. */
const EPSILON = 1e-6;

export interface QueuedOrder {
  readonly account: string;
  readonly clientOrderId: string;
  readonly venueOrderId: string;
  readonly isBid: boolean;
  priceTicks: number;
  qtyLots: number;
  filledLots: number;
  /** Recorded units in front of this order at its price; Infinity while the book is unknown. */
  ahead: number;
  /** Units the recorded market has given this order short of a whole lot. */
  credit: number;
  live: boolean;
  level: QueueLevel | undefined;
}

/** Books a fill of one of our orders; returns the lots it could fill (0 if the order is gone). */
export type QueueFiller = (order: QueuedOrder, lots: number) => number;

export class QueueLevel {
  readonly orders: QueuedOrder[] = [];
  /** Recorded trade units at this price since its level was last updated. */
  traded = 0;
  /** Orders in `orders` that have left and wait to be swept out. */
  departed = 0;

  constructor(readonly priceTicks: number) {}
}

/** Our orders on one side, by price, best first. */
export class QueueSide {
  /** Levels best first (bids high to low, asks low to high). */
  readonly levels: QueueLevel[] = [];
  private readonly byPrice = new Map<number, QueueLevel>();

  constructor(readonly isBid: boolean) {}

  get empty(): boolean {
    return this.levels.length === 0;
  }

  /** Our best price; only when not empty. */
  get bestPrice(): number {
    return this.levels[0]!.priceTicks;
  }

  level(priceTicks: number): QueueLevel | undefined {
    return this.byPrice.get(priceTicks);
  }

  join(order: QueuedOrder): void {
    let level = this.byPrice.get(order.priceTicks);
    if (level === undefined) {
      level = new QueueLevel(order.priceTicks);
      this.byPrice.set(order.priceTicks, level);
      let i = 0;
      while (i < this.levels.length && this.better(this.levels[i]!.priceTicks, order.priceTicks)) i++;
      this.levels.splice(i, 0, level);
    }
    level.orders.push(order);
    order.level = level;
  }

  /** Sweeps departed orders out of a level and drops the level once empty. */
  sweep(level: QueueLevel): void {
    if (level.departed === 0) return;
    // an order requeued at its own price inside a walk can be listed twice: keep it once
    const kept = level.orders.filter((o, i, all) => o.live && o.level === level && all.indexOf(o) === i);
    level.orders.length = 0;
    level.orders.push(...kept);
    level.departed = 0;
    if (kept.length > 0) return;
    this.byPrice.delete(level.priceTicks);
    const i = this.levels.indexOf(level);
    if (i >= 0) this.levels.splice(i, 1);
  }

  /** `a` is a better price than `b` for this side. */
  better(a: number, b: number): boolean {
    return this.isBid ? a > b : a < b;
  }
}

export class OrderQueue {
  readonly bids = new QueueSide(true);
  readonly asks = new QueueSide(false);
  private readonly byId = new Map<string, QueuedOrder>();
  /** Walks in progress; departures inside one are swept when the outermost ends. */
  private busy = 0;
  private readonly touched: { side: QueueSide; level: QueueLevel }[] = [];

  constructor(
    private readonly model: CancelModel,
    private readonly unitsPerLot: number,
    private readonly filler: QueueFiller,
  ) {}

  get size(): number {
    return this.byId.size;
  }

  get(venueOrderId: string): QueuedOrder | undefined {
    return this.byId.get(venueOrderId);
  }

  orders(): IterableIterator<QueuedOrder> {
    return this.byId.values();
  }

  sideOf(isBid: boolean): QueueSide {
    return isBid ? this.bids : this.asks;
  }

  /** A resting order of ours has reached the exchange, with `ahead` recorded units in front of it. */
  place(init: { account: string; clientOrderId: string; venueOrderId: string; isBid: boolean; priceTicks: number; qtyLots: number; filledLots: number }, ahead: number): QueuedOrder {
    const order: QueuedOrder = {
      account: init.account,
      clientOrderId: init.clientOrderId,
      venueOrderId: init.venueOrderId,
      isBid: init.isBid,
      priceTicks: init.priceTicks,
      qtyLots: init.qtyLots,
      filledLots: init.filledLots,
      ahead,
      credit: 0,
      live: true,
      level: undefined,
    };
    this.byId.set(order.venueOrderId, order);
    this.sideOf(order.isBid).join(order);
    return order;
  }

  /** A new price (or a larger size): the back of the queue at the new price, like a new order. */
  requeue(order: QueuedOrder, priceTicks: number, qtyLots: number, ahead: number): void {
    this.depart(order);
    order.live = true;
    order.priceTicks = priceTicks;
    order.qtyLots = qtyLots;
    order.ahead = ahead;
    order.credit = 0;
    this.sideOf(order.isBid).join(order);
  }

  /** The order left the book (filled, canceled, expired). */
  remove(order: QueuedOrder): void {
    if (this.byId.get(order.venueOrderId) === order) this.byId.delete(order.venueOrderId);
    this.depart(order);
  }

  /** A recorded trade: `aggressor` is the taker's side, so a sell fills our bids. */
  onTrade(aggressor: 'buy' | 'sell', priceTicks: number, units: number): void {
    const side = aggressor === 'sell' ? this.bids : this.asks;
    if (side.empty || side.better(priceTicks, side.bestPrice)) return;
    this.busy++;
    let budget = units;
    const levels = side.levels;
    for (let i = 0; i < levels.length; i++) {
      const level = levels[i]!;
      if (level.priceTicks === priceTicks) {
        level.traded += units;
        this.walkQueue(side, level, budget);
        break;
      }
      if (!side.better(level.priceTicks, priceTicks)) break;
      budget = this.walkThrough(side, level, budget);
    }
    this.done();
  }

  /**
   * The recorded level at our price changed from `prev` to `next` units. What shrank beyond
   * the trades printed there since its last update were cancels.
   */
  onLevelChange(isBid: boolean, priceTicks: number, prev: number, next: number): void {
    const level = this.sideOf(isBid).level(priceTicks);
    if (level === undefined) return;
    const canceled = prev - next - level.traded;
    level.traded = 0;
    for (const order of level.orders) {
      if (!order.live) continue;
      let ahead = order.ahead;
      if (canceled > 0 && ahead > 0) ahead = this.model.afterCancel(ahead, prev > ahead ? prev - ahead : 0, canceled);
      order.ahead = ahead > next ? next : ahead < EPSILON ? 0 : ahead;
    }
  }

  /** Whether our `isBid` side reaches `priceTicks`, where the other side's book now rests. */
  crossed(isBid: boolean, priceTicks: number): boolean {
    const side = this.sideOf(isBid);
    return !side.empty && !side.better(priceTicks, side.bestPrice);
  }

  /**
   * The other side's recorded book rests `units` at `priceTicks`, which our `isBid` orders
   * reach: they fill from it, best price first, at their own prices. Returns the units used.
   */
  onCross(isBid: boolean, priceTicks: number, units: number): number {
    const side = this.sideOf(isBid);
    this.busy++;
    let budget = units;
    for (const level of side.levels) {
      if (side.better(priceTicks, level.priceTicks) || budget <= 0) break;
      budget = this.walkThrough(side, level, budget);
    }
    this.done();
    return units - budget;
  }

  /** After a snapshot: nobody can have more in front than the level holds (`unitsAt` its price). */
  clampToBook(unitsAt: (isBid: boolean, priceTicks: number) => number): void {
    for (const order of this.byId.values()) {
      if (!order.live) continue;
      const units = unitsAt(order.isBid, order.priceTicks);
      if (order.ahead > units) order.ahead = units;
    }
  }

  /** Our orders at a price the market traded through or crossed: nothing ahead; fill from `budget`. */
  private walkThrough(side: QueueSide, level: QueueLevel, budget: number): number {
    this.touch(side, level);
    const orders = level.orders;
    for (let i = 0; i < orders.length; i++) {
      const order = orders[i]!;
      if (!order.live) continue;
      order.ahead = 0;
      if (budget > 0) budget = this.fill(order, budget);
    }
    return budget;
  }

  /** A print at our price: recorded queue first, then each of ours in turn. */
  private walkQueue(side: QueueSide, level: QueueLevel, budget: number): number {
    this.touch(side, level);
    const orders = level.orders;
    // recorded units the print took in front of the order being looked at
    let passed = 0;
    for (let i = 0; i < orders.length; i++) {
      const order = orders[i]!;
      if (!order.live) continue;
      const need = order.ahead - passed;
      if (need > 0 && budget > 0) {
        const take = need < budget ? need : budget;
        budget -= take;
        passed += take;
      }
      const ahead = order.ahead - passed;
      order.ahead = ahead < EPSILON ? 0 : ahead;
      if (order.ahead === 0 && budget > 0) budget = this.fill(order, budget);
    }
    return budget;
  }

  /** Fills the order from `budget` units; returns what is left of them. */
  private fill(order: QueuedOrder, budget: number): number {
    const remaining = order.qtyLots - order.filledLots;
    if (remaining <= 0) return budget;
    const upl = this.unitsPerLot;
    const total = budget + order.credit;
    let lots = Math.floor((total + EPSILON) / upl);
    let left: number;
    if (lots >= remaining) {
      lots = remaining;
      left = total - remaining * upl;
      if (left < 0) left = 0;
      order.credit = 0;
    } else {
      order.credit = total - lots * upl;
      left = 0;
    }
    if (lots === 0) return left;
    const before = order.filledLots;
    const got = this.filler(order, lots);
    // the filler's own order report may have updated the order already
    if (order.filledLots < before + got) order.filledLots = before + got;
    if (got < lots || order.filledLots >= order.qtyLots) {
      this.remove(order);
      // what the order could not take stays with the print
      return left + (lots - got) * upl;
    }
    return left;
  }

  private depart(order: QueuedOrder): void {
    const level = order.level;
    order.live = false;
    order.level = undefined;
    if (level === undefined) return;
    level.departed++;
    const side = this.sideOf(order.isBid);
    if (this.busy > 0) this.touch(side, level);
    else side.sweep(level);
  }

  private touch(side: QueueSide, level: QueueLevel): void {
    this.touched.push({ side, level });
  }

  private done(): void {
    if (--this.busy > 0) return;
    const touched = this.touched;
    for (let i = 0; i < touched.length; i++) touched[i]!.side.sweep(touched[i]!.level);
    touched.length = 0;
  }
}
