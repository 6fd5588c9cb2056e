// The L2 book that a stream of recorded events describes, rebuilt level by level: a snapshot
// run (consecutive snapshot levels with the same ts) replaces the whole book, a diff level sets
// one price, qty 0 removes it, a gap makes the book unknown until the next snapshot. Prices
// are compared exactly (as Fixed), never as floats.
import { fx } from '@mm/core';
import type { MarketEvent } from './events.ts';

interface Level {
  readonly key: bigint;
  readonly price: string;
  qty: string;
}

/** [price, qty], best first. */
export type RecordedLevel = readonly [price: string, qty: string];

export class RecordedBook {
  /** False before the first snapshot and after a gap. */
  known = false;
  private readonly bidLevels = new Map<string, Level>();
  private readonly askLevels = new Map<string, Level>();
  private runTs: number | undefined;

  apply(event: MarketEvent): void {
    if (event.kind !== 'level') {
      this.runTs = undefined;
      if (event.kind === 'gap') {
        this.known = false;
        this.clear();
      }
      return;
    }
    if (event.snapshot) {
      if (this.runTs !== event.ts) {
        this.clear();
        this.runTs = event.ts;
        this.known = true;
      }
    } else {
      this.runTs = undefined;
    }
    const side = event.side === 'bid' ? this.bidLevels : this.askLevels;
    const key = fx.parse(event.price);
    const id = key.toString();
    if (fx.parse(event.qty) === 0n) {
      side.delete(id);
      return;
    }
    const level = side.get(id);
    if (level === undefined) side.set(id, { key, price: event.price, qty: event.qty });
    else level.qty = event.qty;
  }

  /** Bids, best (highest) first. */
  bids(depth = Infinity): RecordedLevel[] {
    return sorted(this.bidLevels, (a, b) => (a.key > b.key ? -1 : 1), depth);
  }

  /** Asks, best (lowest) first. */
  asks(depth = Infinity): RecordedLevel[] {
    return sorted(this.askLevels, (a, b) => (a.key < b.key ? -1 : 1), depth);
  }

  private clear(): void {
    this.bidLevels.clear();
    this.askLevels.clear();
  }
}

function sorted(levels: Map<string, Level>, order: (a: Level, b: Level) => number, depth: number): RecordedLevel[] {
  return [...levels.values()]
    .sort(order)
    .slice(0, depth)
    .map((l) => [l.price, l.qty] as const);
}
