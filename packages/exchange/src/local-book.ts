// A local L2 order book for one symbol, rebuilt from a REST snapshot plus a stream of deltas,
// with the venue's sequence rule checked on every delta. Deltas that arrive before the snapshot
// are buffered and replayed after it (buffer-then-snapshot). Any break in the sequence, or a
// crossed book, clears the book and asks the adapter for a new snapshot.
//
// Levels are [priceTicks, qtyLots]; quantities are absolute (0 removes the level). Each side
// keeps its prices sorted best-first, so top-N is a slice and updates are a binary search.
import { EngineError } from '@mm/core';
import type { BookLevel, BookSnapshot } from '@mm/core';

/**
 * - 'binance-futures': deltas carry U (first id), u (last id), pu (previous event's u). After a
 *   snapshot with lastUpdateId L, drop u < L; the first applied event has U <= L <= u (or
 *   pu = L when the snapshot fell exactly between two events); then pu must equal the previous u.
 * - 'binance-spot': drop u <= L; the first applied event has U <= L + 1 <= u; then U must be
 *   the previous u + 1.
 * - 'contiguous': one version per delta (BitMart); each must be the previous + 1.
 */
export type SequenceRule = 'binance-futures' | 'binance-spot' | 'contiguous';

export type BookState = 'empty' | 'live' | 'resyncing';

export type LevelInput = readonly [priceTicks: number, qtyLots: number];

export interface BookSnapshotInput {
  readonly bids: readonly LevelInput[];
  readonly asks: readonly LevelInput[];
  readonly sequence: number;
  readonly venueTime: number;
}

export interface BookDelta {
  readonly bids: readonly LevelInput[];
  readonly asks: readonly LevelInput[];
  /** U (Binance) or the version (contiguous). */
  readonly firstSeq: number;
  /** u (Binance) or the version (contiguous). */
  readonly lastSeq: number;
  /** pu: required by 'binance-futures'. */
  readonly prevSeq?: number;
  readonly venueTime: number;
}

export type DeltaResult = 'applied' | 'buffered' | 'ignored' | 'gap';

export interface LocalOrderBookOptions {
  readonly symbol: string;
  readonly rule: SequenceRule;
  /** Called (synchronously) when the book needs a new snapshot; the adapter fetches one and calls applySnapshot. */
  readonly onResyncNeeded?: (reason: string) => void;
  /** Deltas kept while waiting for a snapshot; the oldest are dropped beyond this. Default 2000. */
  readonly maxBuffered?: number;
}

/** One side: a price → quantity map plus the prices sorted best-first. */
class Side {
  readonly prices: number[] = [];
  readonly qty = new Map<number, number>();

  // bids: descending (higher is better); asks: ascending.
  constructor(private readonly descending: boolean) {}

  set(price: number, qty: number): void {
    if (qty === 0) {
      if (this.qty.delete(price)) this.prices.splice(this.indexOf(price), 1);
      return;
    }
    if (!this.qty.has(price)) this.prices.splice(this.indexOf(price), 0, price);
    this.qty.set(price, qty);
  }

  best(): number | undefined {
    return this.prices[0];
  }

  clear(): void {
    this.prices.length = 0;
    this.qty.clear();
  }

  top(depth: number): BookLevel[] {
    const n = Math.min(depth, this.prices.length);
    const out: BookLevel[] = new Array<BookLevel>(n);
    for (let i = 0; i < n; i++) {
      const priceTicks = this.prices[i]!;
      out[i] = { priceTicks, qtyLots: this.qty.get(priceTicks)! };
    }
    return out;
  }

  /** Position of `price` in the sorted list, or where it would be inserted. */
  private indexOf(price: number): number {
    const prices = this.prices;
    let lo = 0;
    let hi = prices.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const p = prices[mid]!;
      if (this.descending ? p > price : p < price) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

export class LocalOrderBook {
  readonly symbol: string;
  readonly rule: SequenceRule;
  private readonly bids = new Side(true);
  private readonly asks = new Side(false);
  private readonly onResyncNeeded: ((reason: string) => void) | undefined;
  private readonly maxBuffered: number;
  private buffer: BookDelta[] = [];
  private bookState: BookState = 'empty';
  /** Last applied sequence (the snapshot's until the first delta is applied). */
  private seq = 0;
  /** True between a snapshot and the first delta applied on top of it. */
  private awaitingFirst = false;
  private lastVenueTime = 0;
  private gaps = 0;
  private lastGap: string | undefined;

  constructor(options: LocalOrderBookOptions) {
    this.symbol = options.symbol;
    this.rule = options.rule;
    this.onResyncNeeded = options.onResyncNeeded;
    this.maxBuffered = options.maxBuffered ?? 2000;
  }

  get state(): BookState {
    return this.bookState;
  }

  /** Gaps (and crossed books) seen since construction. */
  get gapCount(): number {
    return this.gaps;
  }

  get lastGapReason(): string | undefined {
    return this.lastGap;
  }

  /** The last applied sequence number. */
  get sequence(): number {
    return this.seq;
  }

  get venueTime(): number {
    return this.lastVenueTime;
  }

  get bufferedCount(): number {
    return this.buffer.length;
  }

  /** Replaces the book, then replays buffered deltas that follow it. */
  applySnapshot(snapshot: BookSnapshotInput): void {
    this.bids.clear();
    this.asks.clear();
    for (const [price, qty] of snapshot.bids) this.bids.set(price, qty);
    for (const [price, qty] of snapshot.asks) this.asks.set(price, qty);
    this.seq = snapshot.sequence;
    this.lastVenueTime = snapshot.venueTime;
    this.awaitingFirst = true;
    this.bookState = 'live';
    if (this.isCrossed()) {
      this.gap(`snapshot ${snapshot.sequence} is crossed`, []);
      return;
    }
    const pending = this.buffer;
    this.buffer = [];
    for (let i = 0; i < pending.length; i++) {
      // On a gap, the events after the break are still good data for the next snapshot.
      if (this.apply(pending[i]!, pending, i + 1) === 'gap') return;
    }
  }

  applyDelta(delta: BookDelta): DeltaResult {
    if (this.rule === 'binance-futures' && delta.prevSeq === undefined) {
      throw new EngineError('INVALID_ARGUMENT', `${this.symbol}: the binance-futures rule needs prevSeq (pu) on every delta`);
    }
    if (this.bookState !== 'live') {
      this.buffer.push(delta);
      if (this.buffer.length > this.maxBuffered) this.buffer.shift();
      return 'buffered';
    }
    return this.apply(delta);
  }

  bestBid(): LevelInput | undefined {
    const price = this.bids.best();
    return price === undefined ? undefined : [price, this.bids.qty.get(price)!];
  }

  bestAsk(): LevelInput | undefined {
    const price = this.asks.best();
    return price === undefined ? undefined : [price, this.asks.qty.get(price)!];
  }

  /** Quantity resting at a price on a side, 0 when the level is absent. */
  qtyAt(side: 'bid' | 'ask', priceTicks: number): number {
    return (side === 'bid' ? this.bids : this.asks).qty.get(priceTicks) ?? 0;
  }

  levelCount(side: 'bid' | 'ask'): number {
    return (side === 'bid' ? this.bids : this.asks).prices.length;
  }

  /** Top `depth` levels per side, best first. */
  toSnapshot(depth: number, receivedAt: number): BookSnapshot {
    return {
      symbol: this.symbol,
      bids: this.bids.top(depth),
      asks: this.asks.top(depth),
      sequence: this.seq,
      venueTime: this.lastVenueTime,
      receivedAt,
    };
  }

  /** Forgets everything (e.g. on unsubscribe or a stream reconnect): back to 'empty'. */
  reset(): void {
    this.bids.clear();
    this.asks.clear();
    this.buffer = [];
    this.bookState = 'empty';
    this.awaitingFirst = false;
    this.seq = 0;
  }

  private apply(delta: BookDelta, following: readonly BookDelta[] = [], from = 0): DeltaResult {
    const verdict = this.check(delta);
    if (verdict === 'ignored') return 'ignored';
    if (verdict !== 'ok') {
      // Keep the breaking delta: it may be the first one to follow the next snapshot.
      this.gap(verdict, [delta, ...following.slice(from)]);
      return 'gap';
    }
    for (const [price, qty] of delta.bids) this.bids.set(price, qty);
    for (const [price, qty] of delta.asks) this.asks.set(price, qty);
    this.seq = delta.lastSeq;
    this.awaitingFirst = false;
    if (delta.venueTime > this.lastVenueTime) this.lastVenueTime = delta.venueTime;
    if (this.isCrossed()) {
      this.gap(`book crossed after delta ${delta.lastSeq} (bid ${this.bids.best()} >= ask ${this.asks.best()})`, []);
      return 'gap';
    }
    return 'applied';
  }

  /** 'ok', 'ignored' (stale or duplicate), or the reason for a gap. */
  private check(d: BookDelta): 'ok' | 'ignored' | string {
    const last = this.seq;
    switch (this.rule) {
      case 'binance-futures':
        if (this.awaitingFirst) {
          if (d.lastSeq < last) return 'ignored';
          // a snapshot taken exactly at an event boundary continues with the event whose pu is L
          if (d.firstSeq <= last || d.prevSeq === last) return 'ok';
          return `first delta U=${d.firstSeq} starts after snapshot ${last}`;
        }
        if (d.lastSeq <= last) return 'ignored';
        return d.prevSeq === last ? 'ok' : `pu=${String(d.prevSeq)} does not match the previous u=${last}`;
      case 'binance-spot':
        if (d.lastSeq <= last) return 'ignored';
        if (this.awaitingFirst) return d.firstSeq <= last + 1 ? 'ok' : `first delta U=${d.firstSeq} starts after snapshot ${last} + 1`;
        return d.firstSeq === last + 1 ? 'ok' : `U=${d.firstSeq} does not follow the previous u=${last}`;
      case 'contiguous':
        if (d.lastSeq <= last) return 'ignored';
        return d.firstSeq === last + 1 ? 'ok' : `version ${d.firstSeq} does not follow ${last}`;
    }
  }

  /** Clears the book and keeps `rebuffer` for the next snapshot; the callback comes last, so it may re-enter. */
  private gap(reason: string, rebuffer: BookDelta[]): void {
    this.gaps++;
    this.lastGap = reason;
    this.bids.clear();
    this.asks.clear();
    this.bookState = 'resyncing';
    this.awaitingFirst = false;
    this.buffer = rebuffer.slice(-this.maxBuffered);
    this.onResyncNeeded?.(`${this.symbol}: ${reason}`);
  }

  private isCrossed(): boolean {
    const bid = this.bids.best();
    const ask = this.asks.best();
    return bid !== undefined && ask !== undefined && bid >= ask;
  }
}
