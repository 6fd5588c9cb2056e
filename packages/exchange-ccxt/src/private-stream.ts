// Order and fill tracking over ccxt.pro (watchOrders / watchMyTrades), with REST polling
// whenever the stream is down and as the only source on a venue without it. Deliveries reach
// the adapter through the tapped caches (exchange-hooks.ts); what the watch calls return is a
// second path for venues whose caches are named differently (the tracker merges both).
import type { CcxtOrder, CcxtTrade } from './ccxt-types.ts';
import { errorChain } from './errors.ts';
import { Poller } from './poller.ts';
import type { StreamLoopDeps } from './stream-health.ts';
import { backoffDelay } from './stream-health.ts';

export interface PrivateStreamOptions extends StreamLoopDeps {
  readonly pollIntervalMs: number;
  /** One REST reconciliation pass (open orders, order states, recent trades). */
  readonly poll: () => Promise<void>;
  readonly onReturnedOrders: (orders: readonly CcxtOrder[]) => void;
  readonly onReturnedTrades: (trades: readonly CcxtTrade[]) => void;
  readonly onError: (error: unknown) => void;
}

export class PrivateStream {
  readonly poller: Poller;
  private closed = false;
  private streaming = false;

  constructor(private readonly o: PrivateStreamOptions) {
    this.poller = new Poller(o.clock, o.pollIntervalMs, o.poll, o.onError);
  }

  /** Whether the venue offers both private streams through ccxt. */
  get supported(): boolean {
    return this.o.ex.has['watchOrders'] === true && this.o.ex.has['watchMyTrades'] === true;
  }

  get isStreaming(): boolean {
    return this.streaming;
  }

  /** Starts the watch loops, or polling when the venue has no private stream in ccxt. */
  start(): void {
    if (!this.supported) {
      this.poller.start();
      return;
    }
    this.streaming = true;
    void this.loop(() => this.o.ex.watchOrders(), (items) => this.o.onReturnedOrders(items as CcxtOrder[]));
    void this.loop(() => this.o.ex.watchMyTrades(), (items) => this.o.onReturnedTrades(items as CcxtTrade[]));
  }

  /** Stream down: poll. Stream back: one pass for the gap, then stop. */
  onDown(): void {
    if (!this.closed) this.poller.start();
  }

  onUp(wasDown: boolean): void {
    if (this.closed || !this.streaming) return;
    this.poller.stop();
    // the gap between the last poll and the socket coming back
    if (wasDown) void this.poller.runOnce();
  }

  close(): void {
    this.closed = true;
    this.poller.stop();
  }

  private async loop(watch: () => Promise<unknown[]>, onItems: (items: unknown[]) => void): Promise<void> {
    let failures = 0;
    while (!this.closed) {
      try {
        const items = await this.o.hooks.inStream('private', watch);
        failures = 0;
        if (!this.closed) onItems(items);
      } catch (error) {
        if (this.closed) return;
        const chain = errorChain(error);
        if (chain.has('NotSupported') || chain.has('AuthenticationError')) {
          // permanent: this venue or key cannot stream; polling carries the tracking
          this.streaming = false;
          this.o.onError(error);
          this.o.health.closed(error instanceof Error ? error.message : String(error));
          this.poller.start();
          return;
        }
        this.o.health.closed(error instanceof Error ? error.message : String(error));
        await this.o.clock.sleep(backoffDelay(failures++, this.o.backoff.initialMs, this.o.backoff.maxMs, this.o.rng.next()));
      }
    }
  }
}
