// A made-up recording, for tests, benchmarks and demos without a real one: an opening snapshot,
// then level updates clustered at the touch, trades against the best level (each followed by
// the level's decrease, as a venue reports it) and a random walk of the touch. Deterministic
// from its seed; strings formatted exactly on the instrument's grid.
import { Instrument, Rng } from '@mm/core';
import type { InstrumentDef } from '@mm/core';
import type { LevelEvent, MarketEvent } from '@mm/market-data';

export interface SyntheticRecordingOptions {
  readonly instrument: InstrumentDef;
  readonly seed: number | string;
  /** Exchange time of the opening snapshot (ms). */
  readonly start: number;
  /** How many events after the snapshot. */
  readonly events: number;
  /** Best bid at the start, a price on the grid. */
  readonly startBid: string;
  /** Average events per second (default 50). */
  readonly eventsPerSecond?: number;
  /** Levels per side (default 20). */
  readonly depth?: number;
  /** Share of events that are trades (default 0.2). */
  readonly tradeShare?: number;
  /** Share of events that move the touch by a tick (default 0.03). */
  readonly moveShare?: number;
  /** Median level size in lots (default 20). */
  readonly medianLots?: number;
}

export function syntheticRecording(options: SyntheticRecordingOptions): MarketEvent[] {
  const inst = new Instrument(options.instrument);
  const rng = new Rng(options.seed);
  const depth = options.depth ?? 20;
  const rate = options.eventsPerSecond ?? 50;
  const tradeShare = options.tradeShare ?? 0.2;
  const moveShare = options.moveShare ?? 0.03;
  const median = options.medianLots ?? 20;
  const prices = new Map<number, string>();
  const sizes = new Map<number, string>();
  const price = (ticks: number): string => {
    let s = prices.get(ticks);
    if (s === undefined) prices.set(ticks, (s = inst.ticksToPrice(ticks)));
    return s;
  };
  const size = (lots: number): string => {
    let s = sizes.get(lots);
    if (s === undefined) sizes.set(lots, (s = inst.lotsToQty(lots)));
    return s;
  };
  const lots = (): number => Math.max(1, Math.round(rng.logNormal(median, 0.8)));

  const bids = new Map<number, number>();
  const asks = new Map<number, number>();
  let bestBid = inst.priceToTicks(options.startBid);
  let bestAsk = bestBid + 1;
  let ts = options.start;
  const out: MarketEvent[] = [];
  const level = (side: 'bid' | 'ask', ticks: number, qty: number, snapshot = false): LevelEvent => ({
    kind: 'level',
    ts,
    localTs: ts + 5,
    side,
    price: price(ticks),
    qty: size(qty),
    snapshot,
  });
  for (let i = 0; i < depth; i++) {
    bids.set(bestBid - i, lots());
    asks.set(bestAsk + i, lots());
  }
  for (const [p, q] of bids) out.push(level('bid', p, q, true));
  for (const [p, q] of asks) out.push(level('ask', p, q, true));

  const set = (side: 'bid' | 'ask', ticks: number, qty: number): void => {
    const book = side === 'bid' ? bids : asks;
    if (qty === 0) book.delete(ticks);
    else book.set(ticks, qty);
    out.push(level(side, ticks, qty));
  };
  /** Removes levels that drifted more than `depth` away from the touch, as venues stop reporting them. */
  const trim = (): void => {
    for (const p of bids.keys()) if (p <= bestBid - depth) set('bid', p, 0);
    for (const p of asks.keys()) if (p >= bestAsk + depth) set('ask', p, 0);
  };

  const end = options.events;
  while (out.length < end + 2 * depth) {
    ts += rng.exponential(rate) * 1000;
    const u = rng.next();
    if (u < tradeShare) {
      // a taker takes part or all of the best level on one side
      const buy = rng.bool();
      const best = buy ? bestAsk : bestBid;
      const book = buy ? asks : bids;
      const resting = book.get(best) ?? 1;
      const qty = Math.min(resting, Math.max(1, Math.round(rng.logNormal(median / 4, 1))));
      out.push({ kind: 'trade', ts, localTs: ts + 5, side: buy ? 'buy' : 'sell', price: price(best), qty: size(qty), id: `t${out.length}` });
      set(buy ? 'ask' : 'bid', best, resting - qty);
      if (resting - qty === 0) {
        if (buy) bestAsk = nextBest(asks, bestAsk, 1, bestAsk + depth);
        else bestBid = nextBest(bids, bestBid, -1, bestBid - depth);
        trim();
      }
    } else if (u < tradeShare + moveShare) {
      // the touch moves a tick: a new level inside the spread, or the best one goes
      const up = rng.bool();
      if (up) {
        if (bestAsk - bestBid > 1) set('bid', (bestBid += 1), lots());
        else {
          set('ask', bestAsk, 0);
          bestAsk = nextBest(asks, bestAsk, 1, bestAsk + depth);
        }
      } else if (bestAsk - bestBid > 1) set('ask', (bestAsk -= 1), lots());
      else {
        set('bid', bestBid, 0);
        bestBid = nextBest(bids, bestBid, -1, bestBid - depth);
      }
      trim();
    } else {
      // a resting size changes somewhere, mostly near the touch; deeper levels come and go
      const bid = rng.bool();
      // most at the touch, the rest anywhere in the book
      const distance = rng.bool(0.7) ? Math.min(depth - 1, Math.floor(rng.exponential(0.35))) : rng.int(0, depth - 1);
      const ticks = bid ? bestBid - distance : bestAsk + distance;
      const current = (bid ? bids : asks).get(ticks) ?? 0;
      const qty = distance > 0 && current > 0 && rng.bool(0.1) ? 0 : Math.max(1, (current || median) + Math.round(rng.normal(0, median / 3)));
      set(bid ? 'bid' : 'ask', ticks, qty);
    }
  }
  return out;
}

/** The next level from `from` in `step` direction, or `limit` (an empty side gets its first level there). */
function nextBest(book: Map<number, number>, from: number, step: number, limit: number): number {
  for (let p = from + step; p !== limit; p += step) if (book.has(p)) return p;
  return limit;
}
