// Connection state of one logical stream (market or private) over any number of ccxt sockets:
// the first open is 'connected', a close while up is 'disconnected', the next open after that is
// 'reconnected'. Listeners learn about outages so REST polling can cover them.
import type { Clock, Rng } from '@mm/core';
import type { ConnectionEvent, StreamName } from '@mm/exchange';
import type { CcxtExchange } from './ccxt-types.ts';
import type { ExchangeHooks } from './exchange-hooks.ts';

/** What a stream's watch loop needs, market or private. */
export interface StreamLoopDeps {
  readonly ex: CcxtExchange;
  readonly hooks: ExchangeHooks;
  readonly health: StreamHealth;
  readonly clock: Clock;
  readonly rng: Rng;
  readonly backoff: { readonly initialMs: number; readonly maxMs: number };
}

export type HealthState = 'idle' | 'up' | 'down';

export class StreamHealth {
  private current: HealthState = 'idle';
  private downSince: number | undefined;
  private everUp = false;

  constructor(
    private readonly stream: StreamName,
    private readonly clock: Clock,
    private readonly emit: (event: ConnectionEvent) => void,
    private readonly listener: { onDown?: (since: number) => void; onUp?: (downSince: number | undefined) => void } = {},
  ) {}

  get state(): HealthState {
    return this.current;
  }

  /** When the current outage began (undefined while up or before the first open). */
  get outageSince(): number | undefined {
    return this.downSince;
  }

  opened(): void {
    if (this.current === 'up') return;
    const wasDown = this.current === 'down' && this.everUp;
    const since = this.downSince;
    this.current = 'up';
    this.everUp = true;
    this.downSince = undefined;
    this.emit({ stream: this.stream, state: wasDown ? 'reconnected' : 'connected', at: this.clock.now() });
    this.listener.onUp?.(since);
  }

  closed(reason: string): void {
    if (this.current === 'down') return;
    const wasUp = this.current === 'up';
    this.current = 'down';
    this.downSince = this.clock.now();
    // a stream that never came up reports nothing yet; connect() reports that failure itself
    if (wasUp) this.emit({ stream: this.stream, state: 'disconnected', reason, at: this.downSince });
    this.listener.onDown?.(this.downSince);
  }
}

/** Exponential backoff with jitter: initialMs doubling to maxMs. */
export function backoffDelay(attempt: number, initialMs: number, maxMs: number, random: number): number {
  const base = Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 20));
  return Math.round(base * (0.75 + 0.5 * random));
}
