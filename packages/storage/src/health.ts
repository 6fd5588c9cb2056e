// Whether the database is reachable. Any write or read that fails for lack of a database turns
// the state 'degraded' (the server halts new orders on that signal); a probe with back-off then
// pings until the database answers, turns the state 'ok' again and wakes the write queue.
import { EventBus } from '@mm/core';
import type { StorageLogger } from './logger.ts';
import { rootMessage } from './errors.ts';

export type HealthState = 'ok' | 'degraded';

export interface HealthChange {
  readonly state: HealthState;
  readonly previous: HealthState;
  /** Why the database was judged unreachable (when degraded). */
  readonly reason?: string;
  readonly at: number;
}

export interface StorageEvents {
  health: HealthChange;
}

export interface HealthOptions {
  readonly probeBaseMs?: number;
  readonly probeMaxMs?: number;
}

export class Health {
  readonly events = new EventBus<StorageEvents>();
  private current: HealthState = 'ok';
  private reason: string | undefined;
  private since = Date.now();
  private probeTimer: NodeJS.Timeout | undefined;
  private probeDelay: number;
  private stopped = false;
  private readonly baseMs: number;
  private readonly maxMs: number;

  constructor(
    private readonly probe: () => Promise<void>,
    private readonly logger: StorageLogger,
    options: HealthOptions = {},
  ) {
    this.baseMs = options.probeBaseMs ?? 250;
    this.maxMs = options.probeMaxMs ?? 5_000;
    this.probeDelay = this.baseMs;
  }

  get state(): HealthState {
    return this.current;
  }

  get lastError(): string | undefined {
    return this.reason;
  }

  get changedAt(): number {
    return this.since;
  }

  /** The database did not answer. Idempotent while degraded. */
  failed(error: unknown): void {
    if (this.stopped) return;
    this.reason = rootMessage(error);
    if (this.current === 'degraded') return;
    this.set('degraded');
    this.logger.error({ reason: this.reason }, 'database unreachable: storage degraded, writes are queued and retried');
    this.probeDelay = this.baseMs;
    this.scheduleProbe();
  }

  /** A statement went through: the database is back (if it was gone). */
  succeeded(): void {
    if (this.current === 'ok' || this.stopped) return;
    this.clearProbe();
    this.reason = undefined;
    this.set('ok');
    this.logger.warn({}, 'database reachable again: storage ok');
  }

  /** Checks now (e.g. after a pool reported a dropped connection). */
  check(): void {
    if (this.stopped || this.probeTimer !== undefined) return;
    void this.runProbe();
  }

  stop(): void {
    this.stopped = true;
    this.clearProbe();
  }

  private set(state: HealthState): void {
    const previous = this.current;
    this.current = state;
    this.since = Date.now();
    this.events.emit('health', { state, previous, ...(state === 'degraded' && this.reason !== undefined ? { reason: this.reason } : {}), at: this.since });
  }

  private scheduleProbe(): void {
    if (this.stopped || this.probeTimer !== undefined) return;
    this.probeTimer = setTimeout(() => {
      this.probeTimer = undefined;
      void this.runProbe();
    }, this.probeDelay);
    // the probe alone must not keep a finished process alive
    this.probeTimer.unref();
    this.probeDelay = Math.min(this.maxMs, this.probeDelay * 2);
  }

  private async runProbe(): Promise<void> {
    try {
      await this.probe();
      this.succeeded();
    } catch (error) {
      if (this.current === 'ok') this.failed(error);
      else {
        this.reason = rootMessage(error);
        this.scheduleProbe();
      }
    }
  }

  private clearProbe(): void {
    if (this.probeTimer !== undefined) clearTimeout(this.probeTimer);
    this.probeTimer = undefined;
  }
}
