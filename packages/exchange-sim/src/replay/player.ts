// Plays a recording into a market on the clock: one timer at a time, set for the next event's
// exchange time; when it fires it applies every event due by then, in recorded order. With a
// SimClock time jumps from one event time to the next, and a busy millisecond of a hundred
// events costs one timer, not a hundred. Exchange times with fractions of a millisecond (µs
// sources) are applied at the next whole millisecond, the clock's resolution; an event whose
// time is already past (a recording slightly out of order) is applied at once, never back in time.
import type { Clock, TimerHandle } from '@mm/core';
import type { MarketEvent } from '@mm/market-data';

const PURE = { pure: true } as const;

export interface EventSink {
  apply(event: MarketEvent): void;
  /** The batch due now is complete. */
  flush(): void;
}

export class EventPlayer {
  private next = 0;
  private timer: TimerHandle | undefined;
  /** One callback for every timer (no closure per event time). */
  private readonly onTimer = (): void => this.drain();

  constructor(
    private readonly clock: Clock,
    /** The recording, in time order (read only). */
    readonly events: readonly MarketEvent[],
    private readonly sink: EventSink,
  ) {}

  get done(): boolean {
    return this.next >= this.events.length;
  }

  start(): void {
    if (this.timer === undefined) this.arm();
  }

  stop(): void {
    this.clock.clearTimer(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    if (this.next >= this.events.length) return;
    const delay = Math.max(0, Math.ceil(this.events[this.next]!.ts) - this.clock.now());
    this.timer = this.clock.setTimeout(this.onTimer, delay, PURE);
  }

  private drain(): void {
    this.timer = undefined;
    const events = this.events;
    const sink = this.sink;
    const now = this.clock.now();
    let i = this.next;
    while (i < events.length && events[i]!.ts <= now) sink.apply(events[i++]!);
    this.next = i;
    sink.flush();
    this.arm();
  }
}
