// An emulated dead-man switch. BitMart spot has none (only futures has cancel-all-after), so the
// adapter keeps one timer per symbol: the engine arms it and keeps calling arm() again; if a
// refresh does not come in time, the watchdog cancels every order on the symbol (through the
// paced cancel-all) and reports it. A failed cancel is retried until it succeeds or the switch
// is re-armed or disarmed. Being local, it cannot help when this process itself dies.
import type { Clock, TimerHandle } from '@mm/core';

export interface WatchdogFired {
  readonly symbol: string;
  readonly timeoutMs: number;
  readonly attempt: number;
  /** undefined when the cancel-all succeeded. */
  readonly error?: unknown;
}

export interface DeadManWatchdogOptions {
  readonly clock: Clock;
  readonly cancelAll: (symbol: string) => Promise<void>;
  readonly onFired: (event: WatchdogFired) => void;
  /** Pause before retrying a failed cancel-all. Default 1 s. */
  readonly retryMs?: number;
}

interface Entry {
  timer: TimerHandle | undefined;
  timeoutMs: number;
  /** Increases on every arm/disarm, so a stale retry loop stops. */
  generation: number;
}

export class DeadManWatchdog {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly options: DeadManWatchdogOptions) {}

  /** timeoutMs > 0 arms or refreshes; 0 disarms. */
  arm(symbol: string, timeoutMs: number): void {
    const entry = this.entries.get(symbol) ?? { timer: undefined, timeoutMs, generation: 0 };
    this.options.clock.clearTimer(entry.timer);
    entry.timer = undefined;
    entry.generation++;
    if (timeoutMs <= 0) {
      this.entries.delete(symbol);
      return;
    }
    entry.timeoutMs = timeoutMs;
    const generation = entry.generation;
    entry.timer = this.options.clock.setTimeout(() => void this.fire(symbol, generation, 1), timeoutMs);
    this.entries.set(symbol, entry);
  }

  isArmed(symbol: string): boolean {
    return this.entries.get(symbol)?.timer !== undefined;
  }

  /** Disarms everything (a cancel already under way still completes). */
  close(): void {
    for (const entry of this.entries.values()) this.options.clock.clearTimer(entry.timer);
    this.entries.clear();
  }

  private async fire(symbol: string, generation: number, attempt: number): Promise<void> {
    const entry = this.entries.get(symbol);
    if (entry === undefined || entry.generation !== generation) return;
    entry.timer = undefined;
    try {
      await this.options.cancelAll(symbol);
      if (this.entries.get(symbol)?.generation === generation) this.entries.delete(symbol);
      this.options.onFired({ symbol, timeoutMs: entry.timeoutMs, attempt });
    } catch (error) {
      this.options.onFired({ symbol, timeoutMs: entry.timeoutMs, attempt, error });
      const current = this.entries.get(symbol);
      if (current === undefined || current.generation !== generation) return;
      current.timer = this.options.clock.setTimeout(() => void this.fire(symbol, generation, attempt + 1), this.options.retryMs ?? 1000);
    }
  }
}
