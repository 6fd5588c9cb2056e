// Records one symbol's public trades and L2 book from a market feed into a RecordingWriter.
// The book goes in as a full snapshot first, after every disconnect or sequence break, and
// every snapshotIntervalMs; in between only the levels that changed between consecutive
// snapshots (qty 0 for a removed level). Ticks and lots become exact decimal strings through
// the instrument. Drops and sequence problems are written as gap events, never smoothed over.
import type { BookLevel, BookSnapshot, Clock, Instrument, PublicTrade } from '@mm/core';
import type { ConnectionEvent } from '@mm/exchange';
import { BookEventEmitter } from '@mm/market-data';
import type { MarketEvent, RecordingWriter } from '@mm/market-data';
import type { MarketSource } from './market-sources.ts';
import { EventTally } from './tally.ts';

export interface RecorderOptions {
  readonly source: MarketSource;
  /** A recording file, or anything else that takes the events (paper-live/ feeds a replay world). */
  readonly writer: Pick<RecordingWriter, 'write'>;
  readonly clock: Clock;
  /** Full snapshot interval. Default 60 s. */
  readonly snapshotIntervalMs?: number;
}

export class MarketRecorder {
  readonly tally = new EventTally();
  /** The last book the feed delivered (tests compare it with the file). */
  lastBook: BookSnapshot | undefined;
  private readonly emitter = new BookEventEmitter();
  private readonly instrument: Instrument;
  private readonly intervalMs: number;
  private lastFullAt = -Infinity;
  private lastSequence: number | undefined;
  private seenGaps = 0;
  private down = false;
  private readonly unlisten: (() => void)[] = [];

  constructor(private readonly options: RecorderOptions) {
    this.instrument = options.source.instrument;
    this.intervalMs = options.snapshotIntervalMs ?? 60_000;
  }

  async start(): Promise<void> {
    const { events } = this.options.source.feed;
    const symbol = this.instrument.symbol;
    this.seenGaps = this.options.source.sequenceGaps?.() ?? 0;
    this.unlisten.push(
      events.on('book', (book) => book.symbol === symbol && this.onBook(book)),
      events.on('trade', (trade) => trade.symbol === symbol && this.onTrade(trade)),
      events.on('connection', (event) => this.onConnection(event)),
    );
    await this.options.source.feed.subscribeMarket(symbol);
  }

  /** Stops writing. The feed itself ends with the source's close() (a venue's unsubscribe may wait on the venue). */
  async stop(): Promise<void> {
    for (const off of this.unlisten.splice(0)) off();
  }

  private write(event: MarketEvent): void {
    this.options.writer.write(event);
    this.tally.add(event);
  }

  private gap(reason: string): void {
    const at = this.options.clock.now();
    this.write({ kind: 'gap', ts: at, localTs: at, reason });
    this.emitter.reset();
    this.lastSequence = undefined;
  }

  private onBook(book: BookSnapshot): void {
    const gaps = this.options.source.sequenceGaps?.() ?? 0;
    if (gaps > this.seenGaps) {
      this.gap(`book sequence broken ${gaps - this.seenGaps} time(s); the venue's book was resynced`);
      this.seenGaps = gaps;
    }
    if (this.lastSequence !== undefined && book.sequence < this.lastSequence) this.gap(`book sequence went back from ${this.lastSequence} to ${book.sequence}`);
    this.lastSequence = book.sequence;
    this.lastBook = book;
    const now = this.options.clock.now();
    const full = !this.emitter.hasState || now - this.lastFullAt >= this.intervalMs;
    const levels = this.emitter.update(book.venueTime, book.receivedAt, this.decimals(book.bids), this.decimals(book.asks), full);
    if (levels[0]?.snapshot === true) {
      this.lastFullAt = now;
      this.tally.snapshot();
    }
    for (const level of levels) this.write(level);
  }

  private onTrade(trade: PublicTrade): void {
    const inst = this.instrument;
    this.write({ kind: 'trade', ts: trade.venueTime, localTs: trade.receivedAt, side: trade.takerSide, price: inst.ticksToPrice(trade.priceTicks), qty: inst.lotsToQty(trade.qtyLots), id: trade.tradeId });
  }

  private onConnection(event: ConnectionEvent): void {
    if (event.stream !== 'market') return;
    if (event.state === 'disconnected') {
      this.down = true;
      this.gap(`market stream disconnected${event.reason === undefined ? '' : `: ${event.reason}`}`);
    } else if (event.state === 'reconnected') {
      // whatever happened while away is only in the next snapshot
      if (!this.down) this.gap('market stream reconnected');
      this.down = false;
    }
  }

  private decimals(levels: readonly BookLevel[]): [string, string][] {
    return levels.map((l) => [this.instrument.ticksToPrice(l.priceTicks), this.instrument.lotsToQty(l.qtyLots)]);
  }
}
