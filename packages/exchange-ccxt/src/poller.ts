// Runs a REST task at an interval while switched on, one run at a time. Used to cover a
// stream outage (or a venue without the stream) with polling.
import type { Clock, TimerHandle } from '@mm/core';

export class Poller {
  private timer: TimerHandle | undefined;
  private running: Promise<void> | undefined;
  private active = false;

  constructor(
    private readonly clock: Clock,
    private readonly intervalMs: number,
    private readonly task: () => Promise<void>,
    private readonly onError: (error: unknown) => void,
  ) {}

  get isActive(): boolean {
    return this.active;
  }

  start(): void {
    if (this.active) return;
    this.active = true;
    this.schedule(0);
  }

  stop(): void {
    this.active = false;
    this.clock.clearTimer(this.timer);
    this.timer = undefined;
  }

  /** One run now (after any run in progress), whether or not the poller is active. */
  async runOnce(): Promise<void> {
    while (this.running !== undefined) await this.running;
    this.running = this.task()
      .catch((error: unknown) => this.onError(error))
      .finally(() => {
        this.running = undefined;
      });
    await this.running;
  }

  private schedule(delayMs: number): void {
    this.clock.clearTimer(this.timer);
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      if (!this.active) return;
      void this.runOnce().then(() => {
        if (this.active) this.schedule(this.intervalMs);
      });
    }, delayMs);
  }
}
