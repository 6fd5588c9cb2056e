// Every read of time goes through a Clock. LiveClock is wall time; SimClock is a discrete-event
// scheduler whose time jumps from event to event, so the same bot and simulator code runs in
// real time (paper trading) or as fast as possible (backtest).
import { MinHeap } from './heap.ts';

export interface TimerHandle {
  readonly timerId: number;
}

export interface TimerOptions {
  /**
   * The callback only touches synchronous state (no promise resolution, no user callbacks), so a
   * simulated scheduler need not yield to the microtask queue after it. Purely a speed hint.
   */
  readonly pure?: boolean;
}

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  setTimeout(callback: () => void, delayMs: number, options?: TimerOptions): TimerHandle;
  setInterval(callback: () => void, intervalMs: number, options?: TimerOptions): TimerHandle;
  clearTimer(handle: TimerHandle | undefined): void;
  /** Resolves after `delayMs` of this clock's time. */
  sleep(delayMs: number): Promise<void>;
}

export class LiveClock implements Clock {
  private nextId = 1;
  private readonly timers = new Map<number, NodeJS.Timeout>();

  now(): number {
    return Date.now();
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const timerId = this.nextId++;
    const timer = globalThis.setTimeout(() => {
      this.timers.delete(timerId);
      callback();
    }, Math.max(0, delayMs));
    this.timers.set(timerId, timer);
    return { timerId };
  }

  setInterval(callback: () => void, intervalMs: number): TimerHandle {
    const timerId = this.nextId++;
    this.timers.set(timerId, globalThis.setInterval(callback, Math.max(1, intervalMs)));
    return { timerId };
  }

  clearTimer(handle: TimerHandle | undefined): void {
    if (handle === undefined) return;
    const timer = this.timers.get(handle.timerId);
    if (timer === undefined) return;
    globalThis.clearTimeout(timer);
    this.timers.delete(handle.timerId);
  }

  sleep(delayMs: number): Promise<void> {
    return new Promise((resolve) => this.setTimeout(resolve, delayMs));
  }

  /** Timers still scheduled (for shutdown checks). */
  get pendingTimers(): number {
    return this.timers.size;
  }
}

interface SimTimer {
  readonly timerId: number;
  time: number;
  seq: number;
  readonly callback: () => void;
  readonly intervalMs: number;
  readonly pure: boolean;
  cancelled: boolean;
}

/** Drains every pending microtask (promise continuation) before resolving. */
function yieldToMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export class SimClock implements Clock {
  private time: number;
  private seq = 0;
  private nextId = 1;
  private readonly heap = new MinHeap<SimTimer>((a, b) => a.time < b.time || (a.time === b.time && a.seq < b.seq));
  private readonly live = new Map<number, SimTimer>();
  private asyncWorkPending = false;
  private executed = 0;

  constructor(startTime = Date.UTC(2026, 0, 1)) {
    this.time = Math.floor(startTime);
  }

  now(): number {
    return this.time;
  }

  /** Timers run so far: a cheap progress and throughput counter. */
  get eventsExecuted(): number {
    return this.executed;
  }

  get pendingTimers(): number {
    return this.live.size;
  }

  // Like wall clocks, simulated time moves in whole milliseconds: delays round up.
  setTimeout(callback: () => void, delayMs: number, options?: TimerOptions): TimerHandle {
    return this.add(callback, this.time + Math.max(0, Math.ceil(delayMs)), 0, options?.pure ?? false);
  }

  setInterval(callback: () => void, intervalMs: number, options?: TimerOptions): TimerHandle {
    const interval = Math.max(1, Math.ceil(intervalMs));
    return this.add(callback, this.time + interval, interval, options?.pure ?? false);
  }

  clearTimer(handle: TimerHandle | undefined): void {
    if (handle === undefined) return;
    const timer = this.live.get(handle.timerId);
    if (timer === undefined) return;
    timer.cancelled = true;
    this.live.delete(handle.timerId);
  }

  sleep(delayMs: number): Promise<void> {
    return new Promise((resolve) => this.setTimeout(resolve, delayMs));
  }

  /** Tells the scheduler that promise continuations are pending and must run before time moves. */
  notifyAsyncWork(): void {
    this.asyncWorkPending = true;
  }

  /** Time of the next scheduled timer, or undefined when none is left. */
  nextEventTime(): number | undefined {
    this.dropCancelledTop();
    return this.heap.peek()?.time;
  }

  /**
   * Runs every timer due up to and including `until`, in time order, then sets the clock to
   * `until`. Before time moves forward, pending async work is allowed to settle, so a bot that
   * awaits inside a callback acts at the time it was called.
   */
  async runUntil(until: number): Promise<void> {
    for (;;) {
      this.dropCancelledTop();
      const next = this.heap.peek();
      if (next === undefined || next.time > until) {
        if (this.asyncWorkPending) {
          await this.settle();
          continue;
        }
        this.time = Math.max(this.time, Math.floor(until));
        return;
      }
      if (next.time > this.time) {
        if (this.asyncWorkPending) {
          await this.settle();
          continue;
        }
        this.time = next.time;
      }
      this.runTimer(next);
    }
  }

  /**
   * Synchronous variant for simulations with no async consumers (pure market simulation,
   * benchmarks): promise continuations are NOT given a chance to run between timers.
   */
  runUntilSync(until: number): void {
    for (;;) {
      this.dropCancelledTop();
      const next = this.heap.peek();
      if (next === undefined || next.time > until) break;
      if (next.time > this.time) this.time = next.time;
      this.runTimer(next);
    }
    this.time = Math.max(this.time, Math.floor(until));
    this.asyncWorkPending = false;
  }

  /** Advances by `ms`, running everything due. */
  advance(ms: number): Promise<void> {
    return this.runUntil(this.time + ms);
  }

  /** Runs until no timer is left or `maxTime` is reached. */
  async runAll(maxTime = Number.MAX_SAFE_INTEGER): Promise<void> {
    for (;;) {
      const next = this.nextEventTime();
      if (next === undefined || next > maxTime) {
        if (this.asyncWorkPending) {
          await this.settle();
          continue;
        }
        return;
      }
      await this.runUntil(next);
    }
  }

  private async settle(): Promise<void> {
    while (this.asyncWorkPending) {
      this.asyncWorkPending = false;
      await yieldToMicrotasks();
    }
  }

  private runTimer(timer: SimTimer): void {
    this.heap.pop();
    if (timer.intervalMs > 0) {
      // re-queue the same object so a later clearTimer still reaches it
      timer.time += timer.intervalMs;
      timer.seq = this.seq++;
      this.heap.push(timer);
    } else {
      this.live.delete(timer.timerId);
    }
    this.executed++;
    if (!timer.pure) this.asyncWorkPending = true;
    timer.callback();
  }

  private add(callback: () => void, time: number, intervalMs: number, pure: boolean): TimerHandle {
    const timer: SimTimer = { timerId: this.nextId++, time, seq: this.seq++, callback, intervalMs, pure, cancelled: false };
    this.heap.push(timer);
    this.live.set(timer.timerId, timer);
    return { timerId: timer.timerId };
  }

  private dropCancelledTop(): void {
    for (;;) {
      const top = this.heap.peek();
      if (top === undefined || !top.cancelled) return;
      this.heap.pop();
    }
  }
}
