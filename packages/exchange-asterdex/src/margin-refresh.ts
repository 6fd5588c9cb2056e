// Keeps the perp account's margin summary current. The user stream says that something changed
// (a fill, an ACCOUNT_UPDATE) but not the figures the engine needs (margin balance with every
// position's unrealised PnL, maintenance, available), so each change asks for a REST refresh.
// Requests are coalesced: at most one in flight and starts at least `intervalMs` apart, so a
// burst of updates costs one refresh at once and one more at the end. Failures are reported to
// `onError`, never thrown: the next change tries again.
import type { Clock, MarginSummary, TimerHandle } from '@mm/core';

export interface MarginRefreshOptions {
  readonly clock: Clock;
  readonly intervalMs: number;
  readonly fetch: () => Promise<MarginSummary | null>;
  readonly emit: (summary: MarginSummary) => void;
  readonly onError: (error: unknown) => void;
}

export class MarginRefresh {
  /** REST refreshes started, for tests and diagnostics. */
  started = 0;
  private active = false;
  private pending = false;
  private inFlight = false;
  private lastStart = Number.NEGATIVE_INFINITY;
  private timer: TimerHandle | undefined;

  constructor(private readonly o: MarginRefreshOptions) {}

  start(): void {
    this.active = true;
  }

  /** Drops what is queued; an answer still on its way is discarded. */
  stop(): void {
    this.active = false;
    this.pending = false;
    this.o.clock.clearTimer(this.timer);
    this.timer = undefined;
  }

  request(): void {
    if (!this.active) return;
    this.pending = true;
    this.schedule();
  }

  private schedule(): void {
    if (!this.active || !this.pending || this.inFlight || this.timer !== undefined) return;
    // a timer even when due now: updates delivered in the same turn share the refresh
    const delay = Math.max(0, this.lastStart + this.o.intervalMs - this.o.clock.now());
    this.timer = this.o.clock.setTimeout(() => {
      this.timer = undefined;
      void this.run();
    }, delay);
  }

  private async run(): Promise<void> {
    if (!this.active) return;
    this.pending = false;
    this.inFlight = true;
    this.lastStart = this.o.clock.now();
    this.started++;
    try {
      const summary = await this.o.fetch();
      if (summary !== null && this.active) this.o.emit(summary);
    } catch (error) {
      if (this.active) this.o.onError(error);
    } finally {
      this.inFlight = false;
    }
    this.schedule();
  }
}
