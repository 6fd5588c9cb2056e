// The recorded L2 book in integer ticks and queue units: what the recording says rests at each
// price, nothing else. Our own orders never change it. Each side keeps its levels in an array
// sorted so the best price is at the end (like the matching book), since recorded updates
// cluster at the touch: reaching, adding or dropping a level near the best costs O(1) moves.
import type { RestingOrder } from '../book.ts';

export class ReplayLevel {
  /** The recorded size, in queue units. */
  units: number;
  /** Sort key: the price for bids, minus the price for asks, so the best level has the largest. */
  readonly key: number;
  /** The snapshot run that last set this level (stale levels are those a new run did not set). */
  run = 0;
  // The level as takers of ours see it (liquidity.ts): the front of the level they have already
  // taken, and the level's copy in the exchange's matching book. Not part of the recorded book.
  consumed = 0;
  mirror: RestingOrder | undefined = undefined;
  mirrorLots = 0;

  constructor(
    readonly priceTicks: number,
    isBid: boolean,
    units: number,
  ) {
    this.key = isBid ? priceTicks : -priceTicks;
    this.units = units;
  }
}

export class ReplayBookSide {
  private readonly sorted: ReplayLevel[] = [];

  constructor(readonly isBid: boolean) {}

  get levelCount(): number {
    return this.sorted.length;
  }

  best(): ReplayLevel | undefined {
    const n = this.sorted.length;
    return n === 0 ? undefined : this.sorted[n - 1];
  }

  bestPrice(): number | undefined {
    return this.best()?.priceTicks;
  }

  /** The i-th level from the best (0 = best). */
  levelAt(i: number): ReplayLevel | undefined {
    const j = this.sorted.length - 1 - i;
    return j >= 0 ? this.sorted[j] : undefined;
  }

  find(priceTicks: number): ReplayLevel | undefined {
    const i = this.search(this.isBid ? priceTicks : -priceTicks);
    const level = this.sorted[i];
    return level !== undefined && level.priceTicks === priceTicks ? level : undefined;
  }

  /** Recorded units at a price (0 when no level). */
  unitsAt(priceTicks: number): number {
    return this.find(priceTicks)?.units ?? 0;
  }

  /** Adds a level that is not in the book yet. */
  insert(priceTicks: number, units: number): ReplayLevel {
    const level = new ReplayLevel(priceTicks, this.isBid, units);
    const sorted = this.sorted;
    const n = sorted.length;
    if (n === 0 || sorted[n - 1]!.key < level.key) sorted.push(level);
    else sorted.splice(this.search(level.key), 0, level);
    return level;
  }

  remove(level: ReplayLevel): void {
    const sorted = this.sorted;
    const n = sorted.length;
    if (n > 0 && sorted[n - 1] === level) {
      sorted.pop();
      return;
    }
    const i = this.search(level.key);
    if (sorted[i] === level) sorted.splice(i, 1);
  }

  /** Every level, worst first (the array itself: do not change it while iterating). */
  levels(): readonly ReplayLevel[] {
    return this.sorted;
  }

  /** Takes every level out; returns them. */
  clear(): ReplayLevel[] {
    return this.sorted.splice(0, this.sorted.length);
  }

  /** Up to `depth` levels, best first. */
  top(depth: number): { priceTicks: number; units: number }[] {
    const out: { priceTicks: number; units: number }[] = [];
    for (let i = this.sorted.length - 1; i >= 0 && out.length < depth; i--) {
      const level = this.sorted[i]!;
      out.push({ priceTicks: level.priceTicks, units: level.units });
    }
    return out;
  }

  /** Index of the level with `key`, or where it belongs. Starts at the best end, where most updates land. */
  private search(key: number): number {
    const sorted = this.sorted;
    let hi = sorted.length;
    // the last few levels first: updates cluster at the touch
    for (let k = 0; k < 4 && hi > 0; k++) {
      const levelKey = sorted[hi - 1]!.key;
      if (levelKey === key) return hi - 1;
      if (levelKey < key) return hi;
      hi--;
    }
    let lo = 0;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const k = sorted[mid]!.key;
      if (k === key) return mid;
      if (k < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** Both sides of a recorded book, and whether it is known (false before the first snapshot and inside a gap). */
export class ReplayBook {
  readonly bids = new ReplayBookSide(true);
  readonly asks = new ReplayBookSide(false);
  known = false;

  bestBid(): number | undefined {
    return this.bids.bestPrice();
  }

  bestAsk(): number | undefined {
    return this.asks.bestPrice();
  }

  /** Recorded units at a price on one side ('buy' = bids). */
  unitsAt(side: 'buy' | 'sell', priceTicks: number): number {
    return (side === 'buy' ? this.bids : this.asks).unitsAt(priceTicks);
  }
}
