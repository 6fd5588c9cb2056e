// One symbol's live public market data pushed into a replay market: the recorder's keyless
// market source and its book-to-level-event conversion (a full snapshot first and after every
// drop or sequence break, diffs in between; drops as gap events), written straight into
// `ReplayMarket.apply` instead of a file. A gap leaves the replayed book unknown: no fills, no
// book for the bots (their stale-data guard acts) until the next snapshot.
import type { Clock, Rng } from '@mm/core';
import type { ReplayMarket } from '@mm/exchange-sim';
import type { MarketEvent } from '@mm/market-data';
import { openMarketSource } from '../record/market-sources.ts';
import type { MarketSource } from '../record/market-sources.ts';
import { MarketRecorder } from '../record/recorder.ts';
import type { EventTally } from '../record/tally.ts';
import { sourceDeps, sourceSpec } from './feed-source.ts';
import type { FeedTuning, PaperFeedAccount } from './feed-source.ts';

export interface LiveFeedDeps extends FeedTuning {
  readonly clock: Clock;
  readonly rng: Rng;
}

export class LiveFeed {
  private closed = false;
  private flushPending = false;

  private readonly recorder: MarketRecorder;

  private constructor(
    readonly source: MarketSource,
    private readonly market: ReplayMarket,
    private readonly clock: Clock,
  ) {
    this.recorder = new MarketRecorder({ source, clock, writer: { write: (event) => this.push(event) } });
  }

  /** Connects the venue's public streams for the market's symbol and starts pushing. */
  static async open(account: PaperFeedAccount, market: ReplayMarket, deps: LiveFeedDeps): Promise<LiveFeed> {
    const source = await openMarketSource(sourceSpec(account, market.symbol), sourceDeps(account, deps.clock, deps.rng, deps));
    const feed = new LiveFeed(source, market, deps.clock);
    try {
      await feed.recorder.start();
    } catch (error) {
      await feed.close();
      throw error;
    }
    return feed;
  }

  get symbol(): string {
    return this.market.symbol;
  }

  /** What has come in so far (trades, levels, snapshots, gaps). */
  get tally(): EventTally {
    return this.recorder.tally;
  }

  /** Stops the streams; the book is unknown from now on (a later feed starts with a snapshot). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.recorder.stop().catch(() => undefined);
    await this.source.close().catch(() => undefined);
    const now = this.clock.now();
    this.market.apply({ kind: 'gap', ts: now, localTs: now, reason: 'live feed closed' });
  }

  /** One event into the market; true: taken (the recorder's writer contract). */
  private push(event: MarketEvent): boolean {
    if (this.closed) return false;
    this.market.apply(event);
    // a snapshot is written level by level in one go: end it once that is done, so the
    // levels it did not name leave the book at once
    if (event.kind === 'level' && event.snapshot && !this.flushPending) {
      this.flushPending = true;
      queueMicrotask(() => {
        this.flushPending = false;
        this.market.flush();
      });
    }
    return true;
  }
}
