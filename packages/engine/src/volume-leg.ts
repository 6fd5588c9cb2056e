// The volume leg: randomized trade events inside the active windows, maker first. One volume
// order rests at a time (an event that comes meanwhile waits for it to fill or expire); if it
// has not filled within makerTimeoutMs it is cancelled and, in
// MIXED mode when the schedule is behind, the rest is taken with an IOC that never reaches our
// own resting orders (the strategy caps its limit, the risk gate checks again).
// The day's schedule starts where the leg started or resumed (its anchor): a bot started at 18:30
// paces the rest of the day at the plain hourly pace instead of chasing the whole day's target,
// and it never trades faster than catchUpMultiple × that pace (nor over the hourly cap).
import type { Clock, Fixed, Instrument, Rng, TimerHandle, VolumeConfig } from '@mm/core';
import { decideVolumeAction, nextEventDelayMs, pacing, shouldTake, takerAction } from '@mm/strategy';
import type { InventoryView, MarketView, OwnBook, PacingAnchor, PacingState, VolumeAction, VolumeInput, VolumeProgress } from '@mm/strategy';
import type { Executor } from './executor.ts';
import type { OrderManager } from './order-manager.ts';
import type { LogLevel } from './events.ts';

/** A volume maker order is cancelled this long before its active window closes. */
const WINDOW_MARGIN_MS = 2_000;

export interface VolumeLegDeps {
  readonly clock: Clock;
  readonly rng: Rng;
  readonly instrument: Instrument;
  readonly executor: Executor;
  readonly orders: OrderManager;
  config(): VolumeConfig;
  targetBasePct(): number;
  market(): MarketView | undefined;
  ownBook(): OwnBook;
  inventory(): InventoryView;
  progress(now: number): VolumeProgress;
  /** False while the bot may not trade (paused, halted, reconciling, risk block...). */
  mayTrade(): boolean;
  log(level: LogLevel, message: string, details?: Readonly<Record<string, unknown>>): void;
  /** Unexpected errors go to the bot, which moves to ERROR. */
  fail(error: unknown): void;
}

export class VolumeLeg {
  private timer: TimerHandle | undefined;
  private makerTimer: TimerHandle | undefined;
  private activeOrder: string | undefined;
  /** A trade event came while a maker order rested; it runs when that order is done. */
  private heldEvent = false;
  private running = false;
  /** Where today's schedule starts: set at every start and resume; an earlier day's anchor is ignored. */
  private anchor: PacingAnchor | undefined;
  lastAction: VolumeAction | undefined;

  constructor(private readonly d: VolumeLegDeps) {}

  start(): void {
    if (this.running || !this.d.config().enabled) return;
    this.running = true;
    const now = this.d.clock.now();
    this.anchor = { at: now, traded: this.d.progress(now).tradedToday };
    this.schedule();
  }

  /** Stops scheduling; the caller cancels the bot's orders (including a resting volume order). */
  stop(): void {
    this.running = false;
    this.d.clock.clearTimer(this.timer);
    this.d.clock.clearTimer(this.makerTimer);
    this.timer = undefined;
    this.makerTimer = undefined;
    this.activeOrder = undefined;
    this.heldEvent = false;
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** The schedule as the leg paces it (from its anchor); the stats' `volume.expected` comes from here. */
  pacing(tradedToday: Fixed, now: number): PacingState {
    return pacing(this.d.config(), tradedToday, now, this.anchor);
  }

  private schedule(): void {
    if (!this.running) return;
    const now = this.d.clock.now();
    const progress = this.d.progress(now);
    const state = this.pacing(progress.tradedToday, now);
    const delay = nextEventDelayMs(this.d.config(), state, progress.tradedToday, now, this.d.rng);
    // past the end of the day (target reached or no window left) check again in an hour
    const wait = Number.isFinite(delay) ? delay : 3_600_000;
    this.timer = this.d.clock.setTimeout(() => this.guard(() => this.onEvent()), wait);
  }

  private guard(fn: () => Promise<void> | void): void {
    try {
      const r = fn();
      if (r instanceof Promise) r.catch((error: unknown) => this.d.fail(error));
    } catch (error) {
      this.d.fail(error);
    }
  }

  private input(now: number): VolumeInput | undefined {
    const market = this.d.market();
    if (market === undefined) return undefined;
    return {
      config: this.d.config(),
      instrument: this.d.instrument,
      market,
      own: this.d.ownBook(),
      inventory: this.d.inventory(),
      targetBasePct: this.d.targetBasePct(),
      progress: this.d.progress(now),
      now,
      rng: this.d.rng,
      anchor: this.anchor,
    };
  }

  private async onEvent(): Promise<void> {
    if (!this.running) return;
    try {
      await this.tradeEvent();
    } finally {
      this.schedule();
    }
  }

  /**
   * One trade event. While a volume maker order still rests the event is held, not dropped, and
   * runs when that order is done: the schedule's rate counts every event, so dropping them made
   * the leg fall behind whenever its orders rested long.
   */
  private async tradeEvent(): Promise<void> {
    const now = this.d.clock.now();
    if (!this.d.mayTrade()) return;
    if (this.activeOrder !== undefined) {
      this.heldEvent = true;
      return;
    }
    const input = this.input(now);
    if (input === undefined) return;
    const action = decideVolumeAction(input);
    this.lastAction = action;
    if (action.kind === 'none') return;
    if (action.kind === 'maker') {
      // a resting volume order must be gone before its window closes, or it fills outside it
      const timeoutMs = Math.min(this.d.config().makerTimeoutMs, this.activeLeftMs(now, this.d.config().makerTimeoutMs + WINDOW_MARGIN_MS) - WINDOW_MARGIN_MS);
      if (timeoutMs <= 0) return;
      const [record] = await this.d.executor.place([{ side: action.side, priceTicks: action.priceTicks, qtyLots: action.qtyLots, timeInForce: 'POST_ONLY', tag: 'volume' }]);
      if (record === undefined) return;
      this.activeOrder = record.clientOrderId;
      this.makerTimer = this.d.clock.setTimeout(() => this.guard(() => this.onMakerTimeout(record.clientOrderId)), timeoutMs);
    } else {
      await this.d.executor.place([{ side: action.side, priceTicks: action.limitTicks, qtyLots: action.qtyLots, timeInForce: 'IOC', tag: 'volume' }]);
    }
  }

  /** The held event, if any, now that the leg is free again. */
  private runHeldEvent(): void {
    if (!this.heldEvent || !this.running || this.activeOrder !== undefined) return;
    this.heldEvent = false;
    this.guard(() => this.tradeEvent());
  }

  /** A fill of one of the bot's orders: a volume maker order that is now complete frees the leg. */
  onFill(clientOrderId: string): void {
    if (clientOrderId !== this.activeOrder) return;
    const record = this.d.orders.get(clientOrderId)?.record;
    if (record !== undefined && record.filledLots < record.qtyLots) return;
    this.activeOrder = undefined;
    this.d.clock.clearTimer(this.makerTimer);
    this.makerTimer = undefined;
    this.runHeldEvent();
  }

  /** How long the active window lasts from `now`, looked at in 1 s steps up to `horizonMs`. */
  private activeLeftMs(now: number, horizonMs: number): number {
    const config = this.d.config();
    for (let t = 1_000; t <= horizonMs; t += 1_000) if (!pacing(config, 0n, now + t).active) return t - 1_000;
    return horizonMs;
  }

  private async onMakerTimeout(clientOrderId: string): Promise<void> {
    try {
      await this.expireMaker(clientOrderId);
    } finally {
      this.runHeldEvent();
    }
  }

  private async expireMaker(clientOrderId: string): Promise<void> {
    this.makerTimer = undefined;
    const managed = this.d.orders.get(clientOrderId);
    if (this.activeOrder === clientOrderId) this.activeOrder = undefined;
    if (managed === undefined) return;
    const { record } = managed;
    const remaining = record.qtyLots - record.filledLots;
    if (record.status === 'filled' || remaining <= 0) return;
    await this.d.executor.cancel([clientOrderId], 'volume maker order timed out');
    if (!this.running || !this.d.mayTrade()) return;
    const now = this.d.clock.now();
    const progress = this.d.progress(now);
    if (!shouldTake(this.d.config(), this.pacing(progress.tradedToday, now))) return;
    const input = this.input(now);
    if (input === undefined) return;
    const after = this.d.orders.get(clientOrderId)?.record;
    const left = after === undefined ? remaining : after.qtyLots - after.filledLots;
    if (left <= 0) return;
    const action = takerAction(input, record.side, left);
    this.lastAction = action;
    if (action.kind === 'taker') {
      await this.d.executor.place([{ side: action.side, priceTicks: action.limitTicks, qtyLots: action.qtyLots, timeInForce: 'IOC', tag: 'volume' }]);
    } else if (action.kind === 'none') {
      this.d.log('debug', `volume taker skipped: ${action.reason}`);
    }
  }
}
