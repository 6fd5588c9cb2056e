// Recorded public market data, one normalized shape for every source: our own recorder, Binance
// public data and Tardis-style CSV. Prices and quantities stay the decimal strings the source
// wrote (exact); the replay converts them to the instrument's ticks and lots once, on load.
//
// Times are milliseconds since the epoch (fractions allowed for µs sources): `ts` is the
// exchange's time, `localTs` when the recorder (or the data vendor) received it.

/** A public trade. `side` is the aggressor's (taker's) side. */
export interface TradeEvent {
  readonly kind: 'trade';
  readonly ts: number;
  readonly localTs: number;
  readonly side: 'buy' | 'sell';
  readonly price: string;
  readonly qty: string;
  readonly id?: string;
}

/**
 * One price level of the L2 book set to an absolute quantity ('0' removes it). A run of
 * consecutive `snapshot: true` events with the same `ts` replaces the whole book (both sides),
 * as Tardis' `incremental_book_L2` does; `snapshot: false` events update single levels.
 */
export interface LevelEvent {
  readonly kind: 'level';
  readonly ts: number;
  readonly localTs: number;
  readonly side: 'bid' | 'ask';
  readonly price: string;
  readonly qty: string;
  readonly snapshot: boolean;
}

/**
 * The recording has a hole here (reconnect, sequence gap, missing file): the book is unknown
 * from `ts` until the next snapshot. Written down, never papered over.
 */
export interface GapEvent {
  readonly kind: 'gap';
  readonly ts: number;
  readonly localTs: number;
  readonly reason: string;
}

export type MarketEvent = TradeEvent | LevelEvent | GapEvent;

/** What a recording file says about itself (its first line). */
export interface RecordingHeader {
  readonly format: 'mmrec';
  readonly version: 1;
  /** Where the data came from: 'asterdex', 'binance', 'tardis:binance-futures', 'sim', … */
  readonly venue: string;
  readonly symbol: string;
  readonly market: 'spot' | 'perp';
  /** How it was made: 'recorder', 'import:binance-trades', 'import:tardis-incremental_book_L2', … */
  readonly source: string;
  /** ISO time the recording (or the imported period) starts. */
  readonly startedAt: string;
  /** The venue's tick and lot, when known (the replay needs an instrument; these seed it). */
  readonly tickSize?: string;
  readonly lotSize?: string;
  readonly note?: string;
}
