// "At most N sends in any window of W ms", the shape of Telegram's limits (1/s per chat,
// 20/min per group, 30/s per bot). A ring of the last N send times answers "when may the next
// one go" without timers of its own.
export class RateWindow {
  private readonly times: number[];
  private next = 0;
  private count = 0;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {
    this.times = new Array<number>(Math.max(1, limit)).fill(0);
  }

  /** Earliest time at or after `now` when one more send fits. */
  nextFree(now: number): number {
    if (this.count < this.times.length) return now;
    // the oldest of the last `limit` sends must have left the window
    const oldest = this.times[this.next]!;
    return Math.max(now, oldest + this.windowMs);
  }

  record(now: number): void {
    this.times[this.next] = now;
    this.next = (this.next + 1) % this.times.length;
    if (this.count < this.times.length) this.count++;
  }
}
