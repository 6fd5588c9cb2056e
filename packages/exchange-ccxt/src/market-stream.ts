// Public data for subscribed symbols: the book over watchOrderBook (REST fetchOrderBook while
// the stream is down or missing) and public trades over watchTrades. Books are re-numbered
// locally: ccxt's nonce is venue-specific and may restart after a reconnect, while the port
// promises a sequence that never goes back.
import type { Instrument, PublicTrade } from '@mm/core';
import type { CcxtOrderBook, CcxtTrade } from './ccxt-types.ts';
import { bookFromCcxt, sideOf } from './convert.ts';
import { decimalText } from './decimal.ts';
import { errorChain } from './errors.ts';
import { Poller } from './poller.ts';
import type { StreamLoopDeps } from './stream-health.ts';
import { backoffDelay } from './stream-health.ts';
import type { BookSnapshot } from '@mm/core';

export interface MarketStreamOptions extends StreamLoopDeps {
  readonly bookDepth: number;
  readonly bookPollMs: number;
  /** REST call wrapper (rate limiter, priorities). */
  readonly rest: <T>(fn: () => Promise<T>) => Promise<T>;
  readonly emitBook: (book: BookSnapshot) => void;
  readonly emitTrade: (trade: PublicTrade) => void;
  readonly onError: (error: unknown) => void;
}

class SymbolFeed {
  closed = false;
  sequence = 0;
  readonly poller: Poller;
  /** Resolves with the first book (the subscriptions are live from then on). */
  readonly firstBook: Promise<void>;
  private gotBook: () => void = () => undefined;

  constructor(
    readonly inst: Instrument,
    private readonly o: MarketStreamOptions,
  ) {
    this.poller = new Poller(o.clock, o.bookPollMs, () => this.pollBook(), o.onError);
    this.firstBook = new Promise<void>((resolve) => {
      this.gotBook = resolve;
    });
  }

  start(): void {
    const { ex } = this.o;
    // trades first: their subscription then goes out before the book's, and the first book
    // (what subscribeMarket waits for) means both are live
    if (ex.has['watchTrades'] === true) void this.loop(() => ex.watchTrades(this.inst.symbol), (trades) => this.trades(trades as CcxtTrade[]));
    if (ex.has['watchOrderBook'] === true) void this.loop(() => ex.watchOrderBook(this.inst.symbol, this.o.bookDepth), (book) => this.publish(book as CcxtOrderBook));
    else this.poller.start();
  }

  stop(): void {
    this.closed = true;
    this.poller.stop();
  }

  publish(book: CcxtOrderBook): void {
    if (this.closed) return;
    const now = this.o.clock.now();
    this.o.emitBook(bookFromCcxt(book, this.inst, this.o.bookDepth, ++this.sequence, now));
    this.gotBook();
  }

  private async pollBook(): Promise<void> {
    const book = await this.o.rest(() => this.o.ex.fetchOrderBook(this.inst.symbol, this.o.bookDepth));
    this.publish(book);
  }

  private trades(list: readonly CcxtTrade[]): void {
    const now = this.o.clock.now();
    for (const t of list) {
      const price = decimalText(t.price, `${this.inst.symbol} trade price`);
      const qty = decimalText(t.amount, `${this.inst.symbol} trade size`);
      if (price === undefined || qty === undefined) continue;
      this.o.emitTrade({
        symbol: this.inst.symbol,
        tradeId: String(t.id),
        priceTicks: this.inst.priceToTicks(price),
        qtyLots: this.inst.qtyToLots(qty),
        // ccxt's side of a public trade is the taker's
        takerSide: sideOf(t.side),
        venueTime: t.timestamp ?? now,
        receivedAt: now,
      });
    }
  }

  private async loop(watch: () => Promise<unknown>, onValue: (value: unknown) => void): Promise<void> {
    let failures = 0;
    while (!this.closed) {
      try {
        const value = await this.o.hooks.inStream('market', watch);
        failures = 0;
        try {
          onValue(value);
        } catch (error) {
          this.o.onError(error);
        }
      } catch (error) {
        if (this.closed) return;
        if (errorChain(error).has('NotSupported')) {
          this.o.onError(error);
          this.poller.start();
          return;
        }
        this.o.health.closed(error instanceof Error ? error.message : String(error));
        await this.o.clock.sleep(backoffDelay(failures++, this.o.backoff.initialMs, this.o.backoff.maxMs, this.o.rng.next()));
      }
    }
  }
}

export class MarketStream {
  private readonly feeds = new Map<string, SymbolFeed>();

  constructor(private readonly o: MarketStreamOptions) {}

  /** Starts the symbol's feeds; the promise resolves with its first book. */
  subscribe(inst: Instrument): Promise<void> {
    const existing = this.feeds.get(inst.symbol);
    if (existing !== undefined) return existing.firstBook;
    const feed = new SymbolFeed(inst, this.o);
    this.feeds.set(inst.symbol, feed);
    if (this.o.health.state === 'down') feed.poller.start();
    feed.start();
    return feed.firstBook;
  }

  async unsubscribe(symbol: string): Promise<void> {
    const feed = this.feeds.get(symbol);
    if (feed === undefined) return;
    feed.stop();
    this.feeds.delete(symbol);
    const { ex } = this.o;
    try {
      if (ex.has['unWatchOrderBook'] === true) await ex.unWatchOrderBook?.(symbol);
      if (ex.has['unWatchTrades'] === true) await ex.unWatchTrades?.(symbol);
    } catch (error) {
      this.o.onError(error);
    }
  }

  /** Stream down: books come from REST until it is back. */
  onDown(): void {
    for (const feed of this.feeds.values()) feed.poller.start();
  }

  onUp(): void {
    for (const feed of this.feeds.values()) if (this.o.ex.has['watchOrderBook'] === true) feed.poller.stop();
  }

  close(): void {
    for (const feed of this.feeds.values()) feed.stop();
    this.feeds.clear();
  }
}
