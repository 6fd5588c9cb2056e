// Client-side rate limiting for one venue scope (an IP, an account, a UID). Each pool is a
// sliding window of (time, weight); a request waits until every pool it costs has room.
// Waiters are served by priority (cancels before new orders before queries before polling),
// FIFO within a priority. The limiter also learns from the venue: usage headers raise our
// estimate, a 429 pauses everything, a 418 ban rejects everything until it ends.
import { EngineError } from '@mm/core';
import type { Clock, TimerHandle } from '@mm/core';

export type Priority = 'critical' | 'high' | 'normal' | 'low';

/** Highest first. */
export const PRIORITIES: readonly Priority[] = ['critical', 'high', 'normal', 'low'];

export interface RatePool {
  readonly name: string;
  /** Weight allowed per window. */
  readonly limit: number;
  readonly intervalMs: number;
}

export interface RateLimiterOptions {
  readonly clock: Clock;
  readonly pools: readonly RatePool[];
  /** Used in error messages, e.g. 'asterdex-futures IP'. */
  readonly name?: string;
  /**
   * Fraction of every limit we never use, for traffic we cannot see (another process on the same
   * IP, requests the venue counts differently). Default 0.05.
   */
  readonly safetyMargin?: number;
  /** Pause after a 429 without Retry-After: initialMs doubling to maxMs; strikes reset after quietResetMs without a 429. */
  readonly backoff?: { readonly initialMs?: number; readonly maxMs?: number; readonly quietResetMs?: number };
}

export type RateCost = Readonly<Record<string, number>>;

export interface PoolUsage {
  readonly name: string;
  readonly limit: number;
  /** The part of the limit we allow ourselves (limit minus the safety margin). */
  readonly budget: number;
  readonly intervalMs: number;
  /** Our best estimate of the weight used in the current window (own requests or venue headers, whichever is higher). */
  readonly used: number;
}

export interface RateLimiterSnapshot {
  readonly pools: readonly PoolUsage[];
  /** Set while a 429 pause is in force. */
  readonly pausedUntil: number | undefined;
  /** Set while a 418 ban is in force. */
  readonly bannedUntil: number | undefined;
  readonly queued: Readonly<Record<Priority, number>>;
}

/** A lower bound on usage reported by the venue, valid until `until`. */
interface Floor {
  readonly used: number;
  /** Observation time (newest wins). */
  readonly since: number;
  /** Own requests recorded from this record number on are not yet in `used`. */
  readonly fromRecord: number;
  readonly until: number;
}

class Pool {
  limit = 0;
  intervalMs = 0;
  budget = 0;
  // Parallel arrays with a moving head: appends are in time order, expiry pops from the front.
  private times: number[] = [];
  private weights: number[] = [];
  private head = 0;
  /** Records dropped by compaction, so record numbers stay absolute. */
  private dropped = 0;
  private total = 0;
  floor: Floor | undefined;

  constructor(readonly name: string) {}

  configure(pool: RatePool, margin: number): void {
    this.limit = pool.limit;
    this.intervalMs = pool.intervalMs;
    this.budget = Math.max(1, Math.floor(pool.limit * (1 - margin)));
  }

  /** Number of records so far; a venue observation made now covers records below it. */
  get recordCount(): number {
    return this.dropped + this.times.length;
  }

  record(time: number, weight: number): void {
    this.times.push(time);
    this.weights.push(weight);
    this.total += weight;
  }

  used(now: number): number {
    this.expire(now);
    return Math.max(this.total, this.floorTerm(now));
  }

  fits(weight: number, now: number): boolean {
    const used = this.used(now);
    // A request bigger than the budget (but within the hard limit) may go into an empty window,
    // otherwise it could never go at all.
    return used + weight <= this.budget || (used === 0 && weight <= this.limit);
  }

  /** Earliest time at which `weight` could fit, assuming nothing else is recorded meanwhile. */
  fitsAt(weight: number, now: number): number {
    this.expire(now);
    const target = weight <= this.budget ? this.budget - weight : 0;
    let wake = now;
    if (this.total > target) {
      let remaining = this.total;
      wake = Number.POSITIVE_INFINITY;
      for (let i = this.head; i < this.times.length; i++) {
        remaining -= this.weights[i]!;
        if (remaining <= target) {
          wake = this.times[i]! + this.intervalMs;
          break;
        }
      }
    }
    if (this.floor !== undefined && now < this.floor.until && this.floorTerm(now) > target) {
      wake = Math.max(wake, this.floor.until);
    }
    return wake;
  }

  observe(floor: Floor): void {
    // Headers can arrive out of order; the most recent observation wins.
    if (this.floor !== undefined && floor.since < this.floor.since) return;
    this.floor = floor;
  }

  private floorTerm(now: number): number {
    const floor = this.floor;
    if (floor === undefined) return 0;
    if (now >= floor.until) {
      this.floor = undefined;
      return 0;
    }
    let after = 0;
    const from = floor.fromRecord - this.dropped;
    for (let i = this.times.length - 1; i >= this.head && i >= from; i--) after += this.weights[i]!;
    return floor.used + after;
  }

  private expire(now: number): void {
    const cutoff = now - this.intervalMs;
    while (this.head < this.times.length && this.times[this.head]! <= cutoff) {
      this.total -= this.weights[this.head]!;
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.weights = this.weights.slice(this.head);
      this.dropped += this.head;
      this.head = 0;
    }
    if (this.head === this.times.length) this.total = 0; // no float drift on an empty window
  }
}

interface Waiter {
  readonly costs: readonly (readonly [Pool, number])[];
  readonly resolve: () => void;
  readonly reject: (error: EngineError) => void;
}

export class RateLimiter {
  private readonly clock: Clock;
  private readonly name: string;
  private readonly margin: number;
  private readonly backoffInitialMs: number;
  private readonly backoffMaxMs: number;
  private readonly quietResetMs: number;
  private pools = new Map<string, Pool>();
  private readonly queues: Record<Priority, Waiter[]> = { critical: [], high: [], normal: [], low: [] };
  private timer: TimerHandle | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private pausedUntil: number | undefined;
  private bannedUntil: number | undefined;
  private strikes = 0;
  private lastPauseEnd = Number.NEGATIVE_INFINITY;

  constructor(options: RateLimiterOptions) {
    this.clock = options.clock;
    this.name = options.name ?? 'rate limiter';
    this.margin = options.safetyMargin ?? 0.05;
    if (!(this.margin >= 0 && this.margin < 1)) {
      throw new EngineError('INVALID_ARGUMENT', `${this.name}: safetyMargin must be in [0, 1), got ${this.margin}`);
    }
    this.backoffInitialMs = options.backoff?.initialMs ?? 1_000;
    this.backoffMaxMs = options.backoff?.maxMs ?? 60_000;
    this.quietResetMs = options.backoff?.quietResetMs ?? 60_000;
    this.setPools(options.pools);
  }

  /**
   * Resolves when every pool in `cost` has room, and records the cost. Rejects with IP_BANNED
   * while a ban is in force, INVALID_ARGUMENT for an unknown pool or a cost above a pool's limit.
   */
  acquire(cost: RateCost, priority: Priority = 'normal'): Promise<void> {
    let costs: (readonly [Pool, number])[];
    try {
      if (this.queues[priority] === undefined) {
        throw new EngineError('INVALID_ARGUMENT', `${this.name}: unknown priority "${String(priority)}"; use one of ${PRIORITIES.join(', ')}`);
      }
      costs = this.resolveCost(cost);
      const ban = this.activeBan();
      if (ban !== undefined) throw this.bannedError(ban);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise<void>((resolve, reject) => {
      this.queues[priority].push({ costs, resolve, reject });
      this.drain();
    });
  }

  /**
   * The venue's own count for the current window of `pool` (e.g. X-MBX-USED-WEIGHT-1M), as of
   * `at`. Our estimate never drops below it until the window has passed.
   */
  observeUsed(pool: string, used: number, at: number = this.clock.now()): void {
    const state = this.pool(pool);
    if (!Number.isFinite(used) || used < 0 || at <= this.clock.now() - state.intervalMs) return;
    state.observe({ used, since: at, fromRecord: state.recordCount, until: at + state.intervalMs });
    this.drain();
  }

  /** The venue says `remaining` weight is left in `pool` until `resetAt` (epoch ms). */
  observeRemaining(pool: string, remaining: number, resetAt: number, at: number = this.clock.now()): void {
    const state = this.pool(pool);
    if (!Number.isFinite(remaining) || resetAt <= this.clock.now()) return;
    state.observe({ used: Math.max(0, state.limit - remaining), since: at, fromRecord: state.recordCount, until: resetAt });
    this.drain();
  }

  /**
   * After an HTTP 429: nothing goes out until the pause ends. Honours Retry-After when given,
   * otherwise backs off exponentially. Returns the pause length in ms.
   */
  onRateLimited(retryAfterMs?: number): number {
    const now = this.clock.now();
    if (now - this.lastPauseEnd > this.quietResetMs) this.strikes = 0;
    this.strikes++;
    const pause =
      retryAfterMs !== undefined && Number.isFinite(retryAfterMs) && retryAfterMs >= 0
        ? retryAfterMs
        : Math.min(this.backoffMaxMs, this.backoffInitialMs * 2 ** (this.strikes - 1));
    this.pausedUntil = Math.max(this.pausedUntil ?? now, now + pause);
    this.lastPauseEnd = this.pausedUntil;
    this.drain();
    return pause;
  }

  /** After an HTTP 418: every queued and new acquire fails with IP_BANNED until `untilMs`. */
  onBanned(untilMs: number): void {
    this.bannedUntil = Math.max(this.bannedUntil ?? untilMs, untilMs);
    const error = this.bannedError(this.bannedUntil);
    for (const priority of PRIORITIES) {
      const queue = this.queues[priority];
      this.queues[priority] = [];
      for (const waiter of queue) waiter.reject(error);
    }
    this.setTimer(Number.POSITIVE_INFINITY);
  }

  /**
   * Replaces the pool definitions (e.g. from exchangeInfo). Pools keep their history by name;
   * waiters that no longer fit the new definitions are rejected.
   */
  setPools(pools: readonly RatePool[]): void {
    const next = new Map<string, Pool>();
    for (const def of pools) {
      if (typeof def.name !== 'string' || def.name === '') throw new EngineError('INVALID_ARGUMENT', `${this.name}: every pool needs a name`);
      if (next.has(def.name)) throw new EngineError('INVALID_ARGUMENT', `${this.name}: pool "${def.name}" is defined twice`);
      if (!(def.limit > 0) || !(def.intervalMs > 0)) {
        throw new EngineError('INVALID_ARGUMENT', `${this.name}: pool "${def.name}" needs a positive limit and interval, got ${def.limit} per ${def.intervalMs} ms`);
      }
      const state = this.pools.get(def.name) ?? new Pool(def.name);
      state.configure(def, this.margin);
      next.set(def.name, state);
    }
    this.pools = next;
    for (const priority of PRIORITIES) {
      this.queues[priority] = this.queues[priority].filter((waiter) => {
        for (const [pool, weight] of waiter.costs) {
          if (next.get(pool.name) !== pool || weight > pool.limit) {
            waiter.reject(new EngineError('INVALID_ARGUMENT', `${this.name}: pool "${pool.name}" was redefined and no longer admits a cost of ${weight}`));
            return false;
          }
        }
        return true;
      });
    }
    this.drain();
  }

  snapshot(): RateLimiterSnapshot {
    const now = this.clock.now();
    const pools: PoolUsage[] = [];
    for (const pool of this.pools.values()) {
      pools.push({ name: pool.name, limit: pool.limit, budget: pool.budget, intervalMs: pool.intervalMs, used: pool.used(now) });
    }
    return {
      pools,
      pausedUntil: this.pausedUntil !== undefined && now < this.pausedUntil ? this.pausedUntil : undefined,
      bannedUntil: this.activeBan(),
      queued: { critical: this.queues.critical.length, high: this.queues.high.length, normal: this.queues.normal.length, low: this.queues.low.length },
    };
  }

  private resolveCost(cost: RateCost): (readonly [Pool, number])[] {
    const costs: (readonly [Pool, number])[] = [];
    for (const [name, weight] of Object.entries(cost)) {
      const pool = this.pools.get(name);
      if (pool === undefined) {
        throw new EngineError('INVALID_ARGUMENT', `${this.name}: unknown rate-limit pool "${name}"; known pools: ${[...this.pools.keys()].join(', ') || 'none'}`);
      }
      if (!Number.isFinite(weight) || weight < 0) {
        throw new EngineError('INVALID_ARGUMENT', `${this.name}: cost for pool "${name}" must be a non-negative number, got ${weight}`);
      }
      if (weight > pool.limit) {
        throw new EngineError('INVALID_ARGUMENT', `${this.name}: cost ${weight} exceeds the limit of pool "${name}" (${pool.limit} per ${pool.intervalMs} ms); it could never be sent`);
      }
      if (weight > 0) costs.push([pool, weight]);
    }
    return costs;
  }

  private pool(name: string): Pool {
    const pool = this.pools.get(name);
    if (pool === undefined) throw new EngineError('INVALID_ARGUMENT', `${this.name}: unknown rate-limit pool "${name}"`);
    return pool;
  }

  private activeBan(): number | undefined {
    if (this.bannedUntil === undefined) return undefined;
    if (this.clock.now() >= this.bannedUntil) {
      this.bannedUntil = undefined;
      return undefined;
    }
    return this.bannedUntil;
  }

  private bannedError(until: number): EngineError {
    return new EngineError(
      'IP_BANNED',
      `${this.name}: the venue banned this IP until ${new Date(until).toISOString()} (HTTP 418 after repeated rate-limit breaches); no requests are sent before then`,
      { details: { bannedUntil: until } },
    );
  }

  /** Grants every waiter that can go now, in priority order, and arms a timer for the rest. */
  private drain(): void {
    const now = this.clock.now();
    if (this.activeBan() !== undefined) return;
    if (this.pausedUntil !== undefined) {
      if (now < this.pausedUntil) {
        this.setTimer(this.pausedUntil);
        return;
      }
      this.pausedUntil = undefined;
    }
    // A waiter that cannot go reserves its pools, so nobody behind it takes that room; waiters
    // on unrelated pools still proceed.
    const reserved = new Set<Pool>();
    let wake = Number.POSITIVE_INFINITY;
    for (const priority of PRIORITIES) {
      const queue = this.queues[priority];
      for (let i = 0; i < queue.length; ) {
        const waiter = queue[i]!;
        if (waiter.costs.some(([pool]) => reserved.has(pool))) {
          i++;
          continue;
        }
        if (waiter.costs.every(([pool, weight]) => pool.fits(weight, now))) {
          for (const [pool, weight] of waiter.costs) pool.record(now, weight);
          queue.splice(i, 1);
          waiter.resolve();
          continue;
        }
        let at = now;
        for (const [pool, weight] of waiter.costs) {
          reserved.add(pool);
          at = Math.max(at, pool.fitsAt(weight, now));
        }
        wake = Math.min(wake, at);
        i++;
      }
    }
    // Never spin: a wake time that is not in the future re-checks one millisecond later.
    this.setTimer(wake === Number.POSITIVE_INFINITY ? wake : Math.max(wake, now + 1));
  }

  private setTimer(at: number): void {
    if (at === this.timerAt) return;
    this.clock.clearTimer(this.timer);
    this.timer = undefined;
    this.timerAt = at;
    if (at === Number.POSITIVE_INFINITY) return;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Number.POSITIVE_INFINITY;
      this.drain();
    }, at - this.clock.now());
  }
}
