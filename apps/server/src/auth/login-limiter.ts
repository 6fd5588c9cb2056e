// Login attempts are limited per client address: a few tries, then an increasing wait. A
// correct password resets the count.
export class LoginLimiter {
  private readonly failures = new Map<string, { count: number; lockedUntil: number; last: number }>();

  constructor(
    private readonly freeAttempts = 5,
    private readonly baseLockMs = 30_000,
    private readonly maxLockMs = 15 * 60_000,
  ) {}

  /** Milliseconds to wait before another attempt is allowed (0 = go ahead). */
  waitMs(key: string, now = Date.now()): number {
    const entry = this.failures.get(key);
    return entry === undefined ? 0 : Math.max(0, entry.lockedUntil - now);
  }

  recordFailure(key: string, now = Date.now()): void {
    const entry = this.failures.get(key) ?? { count: 0, lockedUntil: 0, last: now };
    entry.count++;
    entry.last = now;
    if (entry.count >= this.freeAttempts) {
      const excess = entry.count - this.freeAttempts;
      entry.lockedUntil = now + Math.min(this.maxLockMs, this.baseLockMs * 2 ** excess);
    }
    this.failures.set(key, entry);
    if (this.failures.size > 10_000) this.prune(now);
  }

  recordSuccess(key: string): void {
    this.failures.delete(key);
  }

  private prune(now: number): void {
    for (const [key, entry] of this.failures) if (now - entry.last > this.maxLockMs) this.failures.delete(key);
  }
}
