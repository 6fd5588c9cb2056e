// The matching core of one symbol: price-time priority over a MatchingBook, partial fills,
// IOC / FOK / market / post-only handling and self-trade prevention. It knows nothing about
// money: every trade and every self-trade prevention is reported to a Settlement, which keeps
// balances, fees, positions, order history and events (SimExchange), or just counts (benchmarks).
//
// The core only reads and writes integer ticks and lots, so it allocates nothing per match.
import type { StpMode } from '@mm/core';
import type { MatchingBook, PriceLevel, RestingOrder } from './book.ts';

/** Why a taker stopped before it was filled or ran out of price-compatible liquidity. */
export type StopReason = 'self-trade prevention' | 'insufficient balance';

export const STP_STOP: StopReason = 'self-trade prevention';
export const FUNDS_STOP: StopReason = 'insufficient balance';

/** What happened to an order handed to MatchingEngine.place. */
export type PlaceOutcome = 'rejected' | 'open' | 'partially_filled' | 'filled' | 'expired';

export interface Settlement {
  /**
   * One match of `lots` at `priceTicks`. Filled quantities, the level total and the book sequence
   * are already updated; the maker is still in the book, even when it is now completely filled.
   * Returns the trade's number, which the engine hands back to `afterTrade`.
   */
  trade(maker: RestingOrder, taker: RestingOrder, priceTicks: number, lots: number): number;
  /** After `trade`. A completely filled maker (`makerFilled`) has left the book by now. */
  afterTrade(maker: RestingOrder, taker: RestingOrder, priceTicks: number, lots: number, makerFilled: boolean, tradeNo: number): void;
  /**
   * Self-trade prevention stopped a match between two orders of one account. When the mode
   * expires the maker (`makerExpired`), it has already left the book.
   */
  selfTradePrevented(maker: RestingOrder, taker: RestingOrder, makerExpired: boolean): void;
  /** Market orders reserve nothing up front: how many of `lots` the taker can pay for at `priceTicks`. */
  affordableLots(taker: RestingOrder, priceTicks: number, lots: number): number;
}

export class MatchingEngine {
  constructor(
    readonly book: MatchingBook,
    private readonly settlement: Settlement,
  ) {}

  /** A post-only order at this price would take liquidity. */
  wouldCross(order: RestingOrder): boolean {
    return this.book.crosses(order.side, order.priceTicks);
  }

  /**
   * The whole life of an incoming order in the core: post-only and FOK checks, matching, and
   * resting what is left of a GTC or post-only limit order.
   */
  place(order: RestingOrder): PlaceOutcome {
    if (order.timeInForce === 'POST_ONLY' && order.type === 'limit' && this.wouldCross(order)) return 'rejected';
    if (order.timeInForce === 'FOK' && this.fillableLots(order) < order.qtyLots) return 'expired';
    const stop = this.match(order);
    if (restsAfterMatch(order, stop)) {
      this.rest(order);
      return order.filledLots > 0 ? 'partially_filled' : 'open';
    }
    return order.filledLots >= order.qtyLots ? 'filled' : 'expired';
  }

  /**
   * Matches an incoming order against the opposite side until it is filled, its limit is
   * reached, liquidity runs out, or it must stop (the returned reason). It never rests it.
   */
  match(taker: RestingOrder): StopReason | undefined {
    const book = this.book;
    const settlement = this.settlement;
    const isBuy = taker.side === 'buy';
    const opposite = isBuy ? book.asks : book.bids;
    const limited = taker.type === 'limit';
    const limit = taker.priceTicks;
    const stpMode: StpMode = taker.stpMode;
    while (taker.filledLots < taker.qtyLots) {
      const level = opposite.bestLevel();
      if (level === undefined) return undefined;
      const priceTicks = level.priceTicks;
      if (limited && (isBuy ? priceTicks > limit : priceTicks < limit)) return undefined;
      let maker = level.head;
      while (maker !== undefined && taker.filledLots < taker.qtyLots) {
        const next = maker.next;
        if (maker.account === taker.account && stpMode !== 'none') {
          const expireMaker = stpMode === 'expire_maker' || stpMode === 'expire_both';
          if (expireMaker) this.remove(maker);
          settlement.selfTradePrevented(maker, taker, expireMaker);
          if (stpMode === 'expire_taker' || stpMode === 'expire_both') return STP_STOP;
          maker = resume(next, level);
          continue;
        }
        let lots = taker.qtyLots - taker.filledLots;
        const makerLeft = maker.qtyLots - maker.filledLots;
        if (makerLeft < lots) lots = makerLeft;
        if (!limited) {
          lots = settlement.affordableLots(taker, priceTicks, lots);
          if (lots === 0) return FUNDS_STOP;
        }
        maker.filledLots += lots;
        taker.filledLots += lots;
        level.totalLots -= lots;
        book.sequence++;
        const tradeNo = settlement.trade(maker, taker, priceTicks, lots);
        const makerFilled = maker.filledLots >= maker.qtyLots;
        if (makerFilled) opposite.remove(maker);
        settlement.afterTrade(maker, taker, priceTicks, lots, makerFilled, tradeNo);
        // settlement may have removed resting orders (stale reduce-only ones): never match a removed one
        maker = resume(next, level);
      }
    }
    return undefined;
  }

  /** Lots an order could fill right now, counting only makers self-trade prevention would allow. */
  fillableLots(order: RestingOrder): number {
    let lots = 0;
    const isBuy = order.side === 'buy';
    const opposite = this.book.oppositeOf(order.side);
    const skipOwn = order.stpMode !== 'none';
    for (let i = 0; ; i++) {
      const level = opposite.levelAt(i);
      if (level === undefined) break;
      if (order.type === 'limit' && (isBuy ? level.priceTicks > order.priceTicks : level.priceTicks < order.priceTicks)) break;
      for (let m = level.head; m !== undefined; m = m.next) {
        if (skipOwn && m.account === order.account) continue;
        lots += m.qtyLots - m.filledLots;
        if (lots >= order.qtyLots) return lots;
      }
    }
    return lots;
  }

  /** Puts an order in the book behind everything already at its price. */
  rest(order: RestingOrder): void {
    this.book.sideOf(order.side).add(order);
    this.book.sequence++;
  }

  /** Takes a resting order out of the book. */
  remove(order: RestingOrder): void {
    this.book.sideOf(order.side).remove(order);
    this.book.sequence++;
  }

  /**
   * Changes a resting order's price and quantity. Lowering the quantity at the same price keeps
   * the queue place; any other change moves the order to the back of its new level.
   */
  amend(order: RestingOrder, priceTicks: number, qtyLots: number): void {
    const side = this.book.sideOf(order.side);
    if (priceTicks === order.priceTicks && qtyLots <= order.qtyLots) {
      side.reduce(order, order.qtyLots - qtyLots);
      order.qtyLots = qtyLots;
    } else {
      side.remove(order);
      order.priceTicks = priceTicks;
      order.qtyLots = qtyLots;
      side.add(order);
    }
    this.book.sequence++;
  }
}

/** After matching, what is left of a limit GTC or post-only order rests unless matching stopped it. */
export function restsAfterMatch(order: RestingOrder, stop: StopReason | undefined): boolean {
  return (
    order.filledLots < order.qtyLots &&
    stop === undefined &&
    order.type === 'limit' &&
    (order.timeInForce === 'GTC' || order.timeInForce === 'POST_ONLY')
  );
}

/** The next maker to look at after an STP removal: `next` unless it has left this level meanwhile. */
function resume(next: RestingOrder | undefined, level: PriceLevel): RestingOrder | undefined {
  return next !== undefined && next.level !== level ? level.head : next;
}
