// Diff-depth publication for one symbol, as the venue does it: every interval the book is
// compared with what was last published, and the changed levels go out as one depthUpdate
// with U (first id), u (last id) and pu (the previous event's u); quantities are absolute,
// 0 removes a level. A REST snapshot first publishes pending changes, so its lastUpdateId is
// the id of the last update it contains, and the next event follows it: U = lastUpdateId + 1
// and (futures) pu = lastUpdateId. That is the snapshot-on-an-event-boundary case the
// futures rule accepts; a venue snapshot taken inside an aggregation window (U ≤ id ≤ u) is
// covered by the book's own tests.
import type { Instrument } from '@mm/core';
import type { SimExchange } from '@mm/exchange-sim';
import type { MockMarket } from './mock-state.ts';

type Levels = Map<number, number>;

export interface DepthEvent {
  readonly depth?: Record<string, unknown>;
  readonly ticker?: Record<string, unknown>;
}

export class DepthPublisher {
  private lastId = 0;
  private readonly bids: Levels = new Map();
  private readonly asks: Levels = new Map();
  private best: string | undefined;
  /** Fault knob: the next diff is counted but not sent. */
  dropNext = false;

  constructor(
    private readonly exchange: SimExchange,
    readonly symbol: string,
    private readonly market: MockMarket,
    private readonly now: () => number,
    private readonly send: (event: DepthEvent) => void,
    private readonly levels = 1000,
  ) {
    // ids start somewhere non-trivial, as on the venue
    this.lastId = 1_000_000;
  }

  /** Publishes pending changes, if any. */
  publish(): void {
    const inst = this.exchange.instrument(this.symbol);
    const book = this.exchange.book(this.symbol);
    const b = diff(this.bids, book.bids.top(this.levels));
    const a = diff(this.asks, book.asks.top(this.levels));
    const changes = b.length + a.length;
    if (changes === 0) return;
    const first = this.lastId + 1;
    const last = this.lastId + changes;
    const previous = this.lastId;
    this.lastId = last;
    const now = this.now();
    const depth = {
      e: 'depthUpdate',
      E: now,
      T: now,
      s: this.symbol,
      U: first,
      u: last,
      pu: previous,
      b: b.map(([p, q]) => level(inst, p, q)),
      a: a.map(([p, q]) => level(inst, p, q)),
    };
    const ticker = this.ticker(inst, now);
    if (this.dropNext) {
      this.dropNext = false;
      this.send(ticker === undefined ? {} : { ticker });
      return;
    }
    this.send(ticker === undefined ? { depth } : { depth, ticker });
  }

  snapshot(limit: number): Record<string, unknown> {
    this.publish();
    const inst = this.exchange.instrument(this.symbol);
    const now = this.now();
    const top = (levels: Levels, descending: boolean): [string, string][] =>
      [...levels.entries()]
        .sort((x, y) => (descending ? y[0] - x[0] : x[0] - y[0]))
        .slice(0, limit)
        .map(([p, q]) => level(inst, p, q));
    return {
      lastUpdateId: this.lastId,
      E: now,
      T: now,
      bids: top(this.bids, true),
      asks: top(this.asks, false),
    };
  }

  /** Best bid/ask as published (REST bookTicker). */
  bookTicker(): Record<string, unknown> {
    const inst = this.exchange.instrument(this.symbol);
    return { symbol: this.symbol, ...this.bestFields(inst), time: this.now() };
  }

  private bestFields(inst: Instrument): Record<string, string> {
    const bid = maxKey(this.bids);
    const ask = minKey(this.asks);
    return {
      bidPrice: bid === undefined ? '0' : inst.ticksToPrice(bid),
      bidQty: bid === undefined ? '0' : inst.lotsToQty(this.bids.get(bid)!),
      askPrice: ask === undefined ? '0' : inst.ticksToPrice(ask),
      askQty: ask === undefined ? '0' : inst.lotsToQty(this.asks.get(ask)!),
    };
  }

  private ticker(inst: Instrument, now: number): Record<string, unknown> | undefined {
    const f = this.bestFields(inst);
    const key = `${f['bidPrice']}|${f['bidQty']}|${f['askPrice']}|${f['askQty']}`;
    if (key === this.best) return undefined;
    this.best = key;
    const ticker: Record<string, unknown> = { u: this.lastId, s: this.symbol, b: f['bidPrice'], B: f['bidQty'], a: f['askPrice'], A: f['askQty'] };
    return this.market === 'futures' ? { e: 'bookTicker', E: now, T: now, ...ticker } : ticker;
  }
}

/** Applies `top` to `published` and returns the changed levels (0 = removed). */
function diff(published: Levels, top: readonly { priceTicks: number; qtyLots: number }[]): [number, number][] {
  const out: [number, number][] = [];
  const seen = new Set<number>();
  for (const { priceTicks, qtyLots } of top) {
    seen.add(priceTicks);
    if (published.get(priceTicks) !== qtyLots) {
      published.set(priceTicks, qtyLots);
      out.push([priceTicks, qtyLots]);
    }
  }
  for (const price of [...published.keys()]) {
    if (!seen.has(price)) {
      published.delete(price);
      out.push([price, 0]);
    }
  }
  return out;
}

function level(inst: Instrument, priceTicks: number, qtyLots: number): [string, string] {
  return [inst.ticksToPrice(priceTicks), inst.lotsToQty(qtyLots)];
}

function maxKey(m: Levels): number | undefined {
  let best: number | undefined;
  for (const k of m.keys()) if (best === undefined || k > best) best = k;
  return best;
}

function minKey(m: Levels): number | undefined {
  let best: number | undefined;
  for (const k of m.keys()) if (best === undefined || k < best) best = k;
  return best;
}
