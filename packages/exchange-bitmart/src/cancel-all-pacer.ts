// BitMart allows /spot/v4/cancel_all once per 3 s per account (catalogue §8.14). The pacer
// makes that a property of the client: cancel-alls run one at a time, the next one leaves at
// least `minIntervalMs` after the previous one's answer arrived (the venue counts from when it
// received the request, which is no later than our answer), and a request that waits joins an
// identical waiting request instead of adding another. In 'refuse' mode a request that would
// have to wait is refused at once with RATE_LIMITED instead.
import { EngineError } from '@mm/core';
import type { Clock } from '@mm/core';

export type CancelAllPacing = 'wait' | 'refuse';

export class CancelAllPacer {
  private nextAllowedAt = 0;
  private chain: Promise<void> = Promise.resolve();
  private busy = false;
  /** Waiting (not yet sent) requests by key, so duplicates share one request. */
  private readonly waiting = new Map<string, Promise<void>>();

  constructor(
    private readonly clock: Clock,
    readonly minIntervalMs: number,
  ) {}

  /** Milliseconds until a cancel-all could leave now (0 = at once). */
  delayMs(): number {
    return Math.max(0, this.nextAllowedAt - this.clock.now());
  }

  run(key: string, send: () => Promise<void>, mode: CancelAllPacing = 'wait'): Promise<void> {
    if (mode === 'refuse' && (this.busy || this.delayMs() > 0)) {
      const wait = Math.max(this.delayMs(), 1);
      return Promise.reject(
        new EngineError('RATE_LIMITED', `BitMart allows cancel-all once per ${this.minIntervalMs} ms per account; the next is allowed in ${wait} ms, so this one was not sent`, {
          details: { retryAfterMs: wait },
        }),
      );
    }
    const joined = this.waiting.get(key);
    if (joined !== undefined) return joined;
    const task = this.chain.then(async () => {
      const delay = this.delayMs();
      if (delay > 0) await this.clock.sleep(delay);
      this.waiting.delete(key);
      this.busy = true;
      try {
        await send();
        this.nextAllowedAt = this.clock.now() + this.minIntervalMs;
      } catch (error) {
        // A request that provably never left does not count at the venue.
        if (!(error instanceof EngineError && error.code === 'NETWORK')) this.nextAllowedAt = this.clock.now() + this.minIntervalMs;
        throw error;
      } finally {
        this.busy = false;
      }
    });
    this.waiting.set(key, task);
    this.chain = task.catch(() => undefined);
    return task;
  }
}
