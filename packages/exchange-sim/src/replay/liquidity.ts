// The recorded book as our takers meet it: each recorded level has a copy in the exchange's
// matching book, one resting order of the recorded market's account, so a taker of ours walks
// it with the exchange's own matching (price priority with our other accounts' orders,
// self-trade prevention, FOK, fees, balances) and a post-only order that would cross it is
// refused, as on a venue. The copy holds what is left for us: the recorded size minus what our
// takers have already taken (`consumed`), in whole lots. Taken liquidity is the front of its
// level, so it leaves with the level's next decreases: repeated takers of ours never take the
// same displayed size twice, and a level that only grows keeps it taken. The recorded book
// itself never changes.
import type { RestingOrder } from '../book.ts';
import type { MatchingBook } from '../book.ts';
import type { ReplayLevel } from './book.ts';

export class LiquidityMirror {
  constructor(
    private readonly book: MatchingBook,
    private readonly symbol: string,
    /** The recorded market's account number in the exchange. */
    private readonly account: number,
    private readonly unitsPerLot: number,
  ) {}

  /** Counts what our takers took from the level's copy since it was last synced. */
  absorb(level: ReplayLevel): void {
    const copy = level.mirror;
    if (copy === undefined) return;
    const left = copy.level === undefined ? 0 : copy.qtyLots - copy.filledLots;
    const taken = level.mirrorLots - left;
    if (taken > 0) level.consumed += taken * this.unitsPerLot;
    level.mirrorLots = left;
    if (copy.level === undefined) level.mirror = undefined;
  }

  /** Sets the level's copy to what is left for takers. Call absorb() first. */
  sync(level: ReplayLevel, isBid: boolean): void {
    const visible = level.units - level.consumed;
    const lots = visible > 0 ? Math.floor(visible / this.unitsPerLot) : 0;
    const copy = level.mirror;
    if (copy !== undefined) {
      if (lots === level.mirrorLots) return;
      const side = isBid ? this.book.bids : this.book.asks;
      if (lots === 0) {
        side.remove(copy);
        level.mirror = undefined;
      } else {
        // resize in place: the copy keeps its place in the matching queue
        side.reduce(copy, level.mirrorLots - lots);
        copy.qtyLots = copy.filledLots + lots;
      }
      level.mirrorLots = lots;
      this.book.sequence++;
      return;
    }
    if (lots === 0) return;
    const order = this.newCopy(level.priceTicks, isBid, lots);
    (isBid ? this.book.bids : this.book.asks).add(order);
    level.mirror = order;
    level.mirrorLots = lots;
    this.book.sequence++;
  }

  /** Takes the level's copy out of the matching book (the level is gone or unknown). */
  drop(level: ReplayLevel, isBid: boolean): void {
    const copy = level.mirror;
    if (copy === undefined) return;
    if (copy.level !== undefined) {
      (isBid ? this.book.bids : this.book.asks).remove(copy);
      this.book.sequence++;
    }
    level.mirror = undefined;
    level.mirrorLots = 0;
  }

  private newCopy(priceTicks: number, isBid: boolean, lots: number): RestingOrder {
    // ids that never match a real order's: the exchange's own are decimal sequence numbers
    return {
      seq: 0,
      venueOrderId: 'recorded',
      clientOrderId: 'recorded',
      account: this.account,
      symbol: this.symbol,
      side: isBid ? 'buy' : 'sell',
      type: 'limit',
      priceTicks,
      qtyLots: lots,
      filledLots: 0,
      timeInForce: 'GTC',
      stpMode: 'none',
      reduceOnly: false,
      createdAt: 0,
      updatedAt: 0,
      locked: 0n,
      level: undefined,
      prev: undefined,
      next: undefined,
    };
  }
}
