// A Bot: one venue account, one symbol, one config. It owns its lifecycle, orders, portfolio,
// market state, risk monitor and volume leg, and talks to its venue only through the port.
// The same code runs live, on paper and in a backtest: only the clock and the adapter differ.
//
// Every handler runs inside `guard`: an unexpected error moves this bot to ERROR (its orders are
// pulled and it retries with back-off); it never escapes to other bots.
import { BotLedger, ClientIdGenerator, EngineError, EventBus, Rng, botOrderPrefix, fx, isTerminal, ledgerDto, ledgerFillOf, ledgerSpecOf, toEngineError, tradingDay } from '@mm/core';
import type {
  BookSnapshot,
  BotConfig,
  CashFlow,
  Clock,
  Fill,
  Fixed,
  Instrument,
  OrderRecord,
  OrderRequest,
  Side,
  TimerHandle,
  VenueOrder,
} from '@mm/core';
import type { ConnectionEvent, FeeRates, MarketKind, VenueAdapter } from '@mm/exchange';
import { ReferencePrice } from '@mm/pricing';
import { RiskMonitor, checkOrder } from '@mm/risk';
import type { RiskDenial, RiskSnapshot, RiskTrip, RuleStatus, TradingState } from '@mm/risk';
import { computeGrid, planRefresh } from '@mm/strategy';
import type { DesiredQuote, GridResult, InventoryView, LiveQuote, MarketView, OwnBook } from '@mm/strategy';
import type { BotEvents, BotStatsSnapshot, LogLevel } from './events.ts';
import { Executor } from './executor.ts';
import type { OrderIntent } from './executor.ts';
import type { BotJournal, OrderTag } from './journal.ts';
import { canTransition, nextBotState } from './lifecycle.ts';
import type { BotState, LifecycleEvent } from './lifecycle.ts';
import { OrderManager } from './order-manager.ts';
import { Portfolio } from './portfolio.ts';
import { VolumeLeg } from './volume-leg.ts';

/** What a bot needs to know about the other bots on its venue account. */
export interface AccountView {
  /** Best prices of resting orders of every bot on this account and symbol. */
  ownBook(symbol: string): OwnBook;
  openOrderCount(): number;
  /** Amount of `asset` reserved by live orders of every bot on the account. */
  reserved(asset: string): Fixed;
}

export interface BotTimings {
  readonly statsIntervalMs: number;
  readonly riskIntervalMs: number;
  readonly checkIntervalMs: number;
  readonly deadManTimeoutMs: number;
  readonly deadManRefreshMs: number;
  readonly stopDeadlineMs: number;
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  /** Smallest gap between two grid refreshes triggered by market moves. */
  readonly minRequoteGapMs: number;
  /** Balances, positions and margin are read over REST this often, as a check on the stream. */
  readonly accountRefreshMs: number;
}

export const DEFAULT_TIMINGS: BotTimings = {
  statsIntervalMs: 1_000,
  riskIntervalMs: 1_000,
  checkIntervalMs: 1_000,
  deadManTimeoutMs: 60_000,
  deadManRefreshMs: 20_000,
  stopDeadlineMs: 10_000,
  retryBaseMs: 1_000,
  retryMaxMs: 60_000,
  minRequoteGapMs: 250,
  accountRefreshMs: 30_000,
};

export interface BotOptions {
  readonly id: string;
  readonly config: BotConfig;
  readonly adapter: VenueAdapter;
  readonly clock: Clock;
  readonly journal: BotJournal;
  readonly account: AccountView;
  /** Adapter for an external reference price (master/slave pricing), when configured. */
  readonly externalAdapter?: VenueAdapter;
  readonly timings?: Partial<BotTimings>;
  /** STOPPED for a bot brought back from storage that is not to run: it was stopped, not never started. */
  readonly initialState?: 'INIT' | 'STOPPED';
}

const HALT_ACTIONS = new Set(['halt']);
/** How far back the stop's final fill sweep asks the venue (fills seen already are skipped). */
const STOP_FILL_SWEEP_MS = 60_000;
/** Rounds of closing orders a stop sends at most, and orders per round. */
const CLOSE_ROUNDS = 5;
const CLOSE_ORDERS_PER_ROUND = 10;

export interface StopOptions {
  /** Perps: after the cancels, close the bot's own position with reduce-only IOC orders within this slippage bound. */
  readonly closePosition?: { readonly maxSlippagePct: number };
}

/** What a close of the bot's own position did, in lots of the instrument (signed: + long, − short). */
export interface ClosePositionResult {
  readonly closedLots: number;
  /** The bot's own position left open (0: flat). */
  readonly ownLeftLots: number;
  /** The account's position at the venue afterwards. */
  readonly accountLeftLots: number;
  /** Why something is left open ('' when flat). */
  readonly why: string;
}

/** How long a stopped bot's close waits for the venue's first book (it needs a best price for the bound). */
const CLOSE_MARKET_DATA_WAIT_MS = 5_000;

/** Counters for throughput figures and the dashboard. */
export interface BotMetrics {
  /** Grid refreshes that reached the planner. */
  refreshes: number;
  /** Refreshes that changed something at the venue. */
  activeRefreshes: number;
}

export class Bot {
  readonly id: string;
  readonly metrics: BotMetrics = { refreshes: 0, activeRefreshes: 0 };
  readonly events = new EventBus<BotEvents>((error, topic) => this.log('error', `a listener of "${String(topic)}" failed: ${toEngineError(error).message}`));
  readonly orders: OrderManager;

  private cfg: BotConfig;
  private pendingConfig: BotConfig | undefined;
  private readonly adapter: VenueAdapter;
  private readonly clock: Clock;
  private readonly journal: BotJournal;
  private readonly account: AccountView;
  private readonly external: VenueAdapter | undefined;
  private readonly t: BotTimings;
  private readonly rng: Rng;
  private lifecycle: BotState = 'INIT';
  private inst: Instrument | undefined;
  private portfolio: Portfolio | undefined;
  /** The bot's own figures, folded over its fills (restored from storage at every sync). */
  private ledger: BotLedger | undefined;
  private reference: ReferencePrice | undefined;
  private executor: Executor | undefined;
  private volume: VolumeLeg | undefined;
  private readonly risk: RiskMonitor;
  private fees: FeeRates = { maker: 0n, taker: 0n };
  private book: BookSnapshot | undefined;
  private lastMarketDataAt: number | undefined;
  private unsubscribe: (() => void)[] = [];
  private timers: TimerHandle[] = [];
  /** Journal writes of fills in flight; a stop waits for them. */
  private readonly fillWrites = new Set<Promise<void>>();
  private refreshTimer: TimerHandle | undefined;
  private retryTimer: TimerHandle | undefined;
  private retries = 0;
  private requoting = false;
  private requoteAgain = false;
  private lastRequoteAt = 0;
  private lastQuotedReference: Fixed | undefined;
  private fillDelayUntil = 0;
  private reconciling = false;
  private storageBlockedUntil = 0;
  private storageDown = false;
  private dayStart = 0;
  /** Highest net PnL of the trading day (the drawdown limit measures from it). */
  private peakNet: Fixed | undefined;
  private lastGrid: GridResult | undefined;
  private lastError: string | undefined;
  /** Kill switches pulled; a close that began before the latest one no longer passes a halt. */
  private kills = 0;
  /** Set while an operator's close of the position sends its orders: the kill count it began under. */
  private closing: { readonly kills: number } | undefined;
  /** A stopped bot closing its position (closePosition): it may not start meanwhile. */
  private closingWhileStopped = false;

  constructor(options: BotOptions) {
    this.id = options.id;
    this.cfg = options.config;
    this.adapter = options.adapter;
    this.clock = options.clock;
    this.journal = options.journal;
    this.account = options.account;
    this.external = options.externalAdapter;
    this.t = { ...DEFAULT_TIMINGS, ...options.timings };
    this.rng = new Rng(`${options.config.seed}/${options.id}`);
    this.orders = new OrderManager(botOrderPrefix(options.id));
    this.risk = new RiskMonitor(options.config.risk);
    this.lifecycle = options.initialState ?? 'INIT';
  }

  // ---------------------------------------------------------------- public view

  get state(): BotState {
    return this.lifecycle;
  }

  get config(): BotConfig {
    return this.pendingConfig ?? this.cfg;
  }

  get tradingState(): TradingState {
    return this.storageDown ? 'HALTED' : this.risk.tradingState;
  }

  /**
   * Storage health from the server. Without the order journal no new order may leave (its intent
   * could not be stored), so the bot halts new orders and pulls its quotes; cancels still go out.
   * Unlike a risk halt it clears by itself when storage is back.
   */
  setStorageAvailable(available: boolean): void {
    if (available === !this.storageDown) return;
    this.storageDown = !available;
    const at = this.clock.now();
    if (!available) {
      this.events.emit('risk', { botId: this.id, at, type: 'trip', rule: 'storage_unavailable', value: 'unreachable', limit: 'reachable', action: 'halt', message: 'the database is unreachable: new orders are held until it is back' });
      this.guard(() => this.cancelAllOwn('database unreachable'));
    } else {
      this.events.emit('risk', { botId: this.id, at, type: 'clear', rule: 'storage_unavailable', message: 'the database is reachable again: quoting resumes' });
      this.guard(() => this.requote('database reachable again'));
    }
  }

  /** True while risk or storage keeps the bot from quoting. */
  get quotingBlocked(): boolean {
    return this.risk.quotingBlocked || this.storageDown;
  }

  get instrument(): Instrument | undefined {
    return this.inst;
  }

  get venueName(): string {
    return this.adapter.capabilities.venue;
  }

  /** spot or perp: the instrument's once synced, the venue adapter's before (a stopped bot restored from storage). */
  get market(): MarketKind {
    return this.inst?.kind ?? this.adapter.capabilities.market;
  }

  /** True while a stopped bot closes its position (see closePosition). */
  get closingPosition(): boolean {
    return this.closingWhileStopped;
  }

  get accountKey(): string {
    return this.adapter.accountKey;
  }

  get symbol(): string {
    return this.cfg.symbol;
  }

  /** Taker fee rate (fraction) as the venue reported it; 0 before the first sync. */
  get takerFee(): Fixed {
    return this.fees.taker;
  }

  get error(): string | undefined {
    return this.lastError;
  }

  get grid(): GridResult | undefined {
    return this.lastGrid;
  }

  /** Venue requests made by this bot's executor (a batch counts per venue call). */
  get requestCounts(): { readonly place: number; readonly cancel: number } {
    return this.executor?.requests ?? { place: 0, cancel: 0 };
  }

  liveOrders(): OrderRecord[] {
    return this.orders.live().map((o) => o.record);
  }

  riskStatuses(): RuleStatus[] {
    return this.risk.statuses(this.riskSnapshot());
  }

  activeRiskTrips(): RiskTrip[] {
    return this.risk.activeTrips();
  }

  currentBook(): BookSnapshot | undefined {
    return this.book;
  }

  // ---------------------------------------------------------------- commands

  /** Starts (or restarts after STOPPED): sync with the venue, then quote. */
  async start(): Promise<void> {
    if (this.lifecycle !== 'INIT' && this.lifecycle !== 'STOPPED') {
      throw new EngineError('ILLEGAL_STATE', `bot ${this.cfg.name} is ${this.lifecycle}; it can start only from INIT or STOPPED`);
    }
    if (this.closingWhileStopped) throw new EngineError('ILLEGAL_STATE', `bot ${this.cfg.name} is closing its position; start it once the close has finished`);
    this.transition('start');
    await this.sync();
  }

  pause(reason = 'paused by operator'): Promise<void> {
    return this.run(async () => {
      this.transition('pause', reason);
      this.volume?.stop();
      await this.closeOrderEntry();
      await this.cancelAllOwn(reason);
    });
  }

  resume(): Promise<void> {
    return this.run(async () => {
      this.transition('resume');
      this.executor?.openEntry();
      this.volume?.start();
      await this.requote('resumed');
    });
  }

  /**
   * Stops quoting and cancels every own order within the stop deadline. With `closePosition`, a
   * perp bot then closes its own position (see closeOwnPosition); a spot bot refuses the option.
   */
  async stop(reason = 'stopped by operator', options: StopOptions = {}): Promise<void> {
    if (this.lifecycle === 'STOPPED' || this.lifecycle === 'STOPPING') return;
    const close = options.closePosition;
    if (close !== undefined) {
      const refusal = this.closePositionRefusal(close);
      if (refusal !== undefined) throw refusal;
    }
    if (this.lifecycle === 'INIT') {
      this.transition('stop', reason);
      return;
    }
    this.transition('stop', reason);
    this.volume?.stop();
    this.clearTimers();
    const stoppingAt = this.clock.now();
    const failed = (error: unknown) => this.log('error', `stopping: ${toEngineError(error).message}`);
    let cancelled = false;
    try {
      await this.closeOrderEntry();
      await this.cancelUntilFlat(this.t.stopDeadlineMs);
      if (close !== undefined) await this.closeOwnPosition(close.maxSlippagePct);
      if (this.adapter.capabilities.deadManSwitch) await this.adapter.setDeadManSwitch(this.cfg.symbol, 0).catch(() => undefined);
      cancelled = true;
    } catch (error) {
      failed(error);
    }
    // a fill that raced the cancels may still be on its way over the stream, which is about
    // to be unsubscribed: ask the venue once, so a stopped bot's books match the venue's
    await this.leaveVenue(cancelled ? stoppingAt - STOP_FILL_SWEEP_MS : undefined, 'while stopping', failed);
    // read through the getter: transition() changed the state since the checks above
    if (this.state === 'STOPPING') this.transition('stopped');
  }

  /**
   * Why a close of the position would be refused (spot, a bad bound, storage down, a close
   * already under way); undefined when it can go ahead. A risk halt does not refuse it: the
   * operator's close passes the halt with reduce-only orders only (see gateState).
   */
  closePositionRefusal(close: { readonly maxSlippagePct: number }): EngineError | undefined {
    if (this.market !== 'perp') {
      return new EngineError('INVALID_ARGUMENT', `bot ${this.cfg.name} trades ${this.cfg.symbol} spot: there is no position to close; stop it without closePosition`, { details: { field: 'closePosition' } });
    }
    const pct = close.maxSlippagePct;
    if (!Number.isFinite(pct) || pct <= 0 || pct >= 100) {
      return new EngineError('INVALID_ARGUMENT', `closePosition.maxSlippagePct must be above 0 and below 100, got ${pct}`, { details: { field: 'closePosition.maxSlippagePct' } });
    }
    if (this.storageDown) {
      return new EngineError('ILLEGAL_STATE', `the database is unreachable: no closing order may leave before its intent is stored; close the position of bot ${this.cfg.name} when the database is back`);
    }
    if (this.closingWhileStopped) return new EngineError('ILLEGAL_STATE', `bot ${this.cfg.name} is closing its position already`);
    return undefined;
  }

  /**
   * Closes a STOPPED perp bot's own position, with the same reduce-only IOC orders inside the
   * slippage bound as a stop's close (closeOwnPosition). The bot connects, reloads its stored
   * state and reconciles with the venue (its orders, missed fills) as a start would, but it
   * never quotes: only the closing orders leave, through the risk gate (a halt lets them pass
   * as reducing ones, nothing else), each stored before it is sent. It stays STOPPED.
   * Refused with a clear error when there is nothing to close, no market data to bound the
   * price, or nothing could be closed inside the bound; else resolves with what is left.
   */
  async closePosition(maxSlippagePct: number): Promise<ClosePositionResult> {
    if (this.lifecycle !== 'STOPPED') {
      throw new EngineError('ILLEGAL_STATE', `bot ${this.cfg.name} is ${this.lifecycle}: only a stopped bot's position is closed on its own; a running bot closes it with its stop (closePosition)`);
    }
    const refusal = this.closePositionRefusal({ maxSlippagePct });
    if (refusal !== undefined) throw refusal;
    this.closingWhileStopped = true;
    const startedAt = this.clock.now();
    try {
      const inst = await this.attach(false);
      // a stopped bot leaves nothing at the venue; anything reconciliation found there goes first
      await this.cancelUntilFlat(this.t.stopDeadlineMs, 'closing the position');
      const own = this.ownPositionLots(inst);
      if (own === 0) throw new EngineError('ILLEGAL_STATE', `bot ${this.cfg.name} holds no position on ${inst.symbol}: there is nothing to close`);
      await this.awaitCloseMarketData(inst, own > 0 ? 'sell' : 'buy');
      const result = await this.closeOwnPosition(maxSlippagePct);
      if (result.closedLots === 0) {
        throw new EngineError('ILLEGAL_STATE', `bot ${this.cfg.name} closed nothing${result.why === '' ? '' : `: ${result.why}`}; the position stays open`, { details: { ...result } });
      }
      return result;
    } finally {
      // a closing fill that raced the stream: ask the venue once, as a stop does
      await this.leaveVenue(startedAt - 1_000, 'while closing the position', (error) => {
        this.log('warn', `closing the position: could not ask the venue for missed fills: ${toEngineError(error).message}`);
      });
      this.closingWhileStopped = false;
    }
  }

  /**
   * The end of a stop and of a stopped bot's close: asks the venue once for own fills since
   * `since` (undefined: not) that the stream may not have delivered, then drops the streams and
   * waits for the fills' writes. A failed ask goes to `failed`; the rest happens anyway.
   */
  private async leaveVenue(since: number | undefined, when: string, failed: (error: unknown) => void): Promise<void> {
    try {
      if (since !== undefined && this.inst !== undefined) await this.importMissedFills(since, when);
    } catch (error) {
      failed(error);
    }
    for (const off of this.unsubscribe) off();
    this.unsubscribe = [];
    await this.awaitFillWrites();
  }

  /**
   * Connects, subscribes, reloads and reconciles. `trading` (the SYNC_BALANCES step) also opens
   * the executor's entry, makes the volume leg and sets a perp's leverage and margin type; without
   * it this is a stopped bot's way back to the venue for a close: no timers, no quoting.
   */
  private async attach(trading: boolean): Promise<Instrument> {
    await this.adapter.connect();
    const inst = this.adapter.instrument(this.cfg.symbol);
    this.inst = inst;
    this.portfolio ??= new Portfolio(inst);
    this.reference = new ReferencePrice(this.cfg.marketMaking.referencePrice, inst);
    this.executor ??= this.makeExecutor(inst);
    if (trading) {
      this.executor.openEntry();
      this.volume ??= this.makeVolumeLeg(inst);
    }
    this.subscribeEvents();
    await this.adapter.subscribeMarket(inst.symbol);
    if (this.external !== undefined && this.cfg.marketMaking.referencePrice.external !== undefined) {
      await this.external.connect();
      await this.external.subscribeMarket(this.cfg.marketMaking.referencePrice.external.symbol);
    }
    if (trading && inst.kind === 'perp') {
      await this.adapter.setLeverage(inst.symbol, this.cfg.perp.leverage);
      await this.adapter.setMarginType(inst.symbol, this.cfg.perp.marginType).catch((error: unknown) => this.log('warn', `margin type: ${toEngineError(error).message}`));
    }
    // self-trade prevention on, as for any order of a running bot
    if (this.adapter.capabilities.stpModes.includes('expire_taker')) await this.adapter.setAccountStp('expire_taker');
    this.fees = await this.adapter.feeRates(inst.symbol);
    this.rollTradingDay(this.clock.now());
    await this.restoreAndReconcile();
    return inst;
  }

  /** The bot's own position in lots (its ledger counts base units: lots × multiplier), rounded towards flat. */
  private ownPositionLots(inst: Instrument): number {
    const own = this.ledger?.positionQty ?? 0n;
    return inst.qtyToLots(fx.div(fx.abs(own), inst.multiplier), 'floor') * (own < 0n ? -1 : 1);
  }

  /** Waits for a best price on the closing side and a usable reference; a clear error when the venue sends neither in time. */
  private async awaitCloseMarketData(inst: Instrument, side: Side): Promise<void> {
    const waitMs = Math.min(CLOSE_MARKET_DATA_WAIT_MS, this.t.stopDeadlineMs);
    const until = this.clock.now() + waitMs;
    const best = () => (side === 'sell' ? this.book?.bids[0] : this.book?.asks[0]);
    while ((best() === undefined || this.referenceValue() === undefined) && this.clock.now() < until) await this.clock.sleep(Math.min(50, until - this.clock.now()));
    if (best() === undefined || this.referenceValue() === undefined) {
      const wanted = best() === undefined ? `a best ${side === 'sell' ? 'bid' : 'ask'} to bound the slippage from` : 'a usable reference price for the fat-finger check';
      throw new EngineError('VENUE_UNAVAILABLE', `no market data for ${inst.symbol} from ${this.venueName} within ${waitMs / 1000} s: the close needs ${wanted}; nothing was sent, the position stays open`);
    }
    const ref = this.referenceValue();
    if (ref !== undefined) this.openTradingDay(ref);
  }

  /**
   * Closes this bot's own perp position once its orders are cancelled: reduce-only IOC orders
   * priced at most `maxSlippagePct` through the best opposite price seen when the close began
   * (the bound does not walk with the book), a few rounds within the stop deadline, until flat or
   * no liquidity is left inside the bound. The size is the bot's own position (its ledger) capped
   * by the account's at the venue: never more than the account holds, never a flip. It logs what
   * was closed and what is left.
   */
  private async closeOwnPosition(maxSlippagePct: number): Promise<ClosePositionResult> {
    const inst = this.inst;
    const executor = this.executor;
    const ledger = this.ledger;
    if (inst === undefined || inst.kind !== 'perp' || executor === undefined || ledger === undefined) {
      return { closedLots: 0, ownLeftLots: 0, accountLeftLots: 0, why: 'the bot has not synced with the venue' };
    }
    const until = this.clock.now() + this.t.stopDeadlineMs;
    const ownLots = this.ownPositionLots(inst);
    const signed = (lots: number) => `${lots < 0 ? '-' : ''}${inst.lotsToQty(Math.abs(lots))}`;
    const qty = (lots: number) => `${signed(lots)} ${inst.base}`;
    if (ownLots === 0) {
      this.log('info', 'closing the position: the bot holds none; nothing to close');
      return { closedLots: 0, ownLeftLots: 0, accountLeftLots: this.portfolio?.position?.qtyLots ?? 0, why: '' };
    }
    const side: Side = ownLots > 0 ? 'sell' : 'buy';
    const accountLots = async (): Promise<number> => {
      try {
        const found = (await this.adapter.positions(inst.symbol)).find((p) => p.symbol === inst.symbol);
        if (found !== undefined) this.portfolio?.setPosition(found);
        return found?.qtyLots ?? 0;
      } catch (error) {
        this.log('warn', `closing the position: could not read the account position: ${toEngineError(error).message}`);
        return this.portfolio?.position?.qtyLots ?? 0;
      }
    };
    // never more than the account holds the same way (other bots or the operator may have traded it)
    const reducible = (account: number) => (Math.sign(account) === Math.sign(ownLots) ? Math.abs(account) : 0);
    const startAccount = await accountLots();
    const target = Math.min(Math.abs(ownLots), reducible(startAccount));
    const bestOpposite = () => (side === 'sell' ? this.book?.bids[0]?.priceTicks : this.book?.asks[0]?.priceTicks);
    // rounds are spaced so the book can refill; the bound is fixed at the first round's best price
    const roundGap = Math.min(1_000, Math.floor(this.t.stopDeadlineMs / (CLOSE_ROUNDS + 1)));
    let anchor: number | undefined;
    let limit = 0;
    let closed = 0;
    let notional = 0n;
    let why = target === 0 ? `the account holds ${qty(startAccount)}, nothing this bot can close without flipping it` : '';
    const ids: string[] = [];
    const denials: string[] = [];
    const offDenials = this.events.on('risk', (e) => {
      if (e.type === 'denial') denials.push(e.message);
    });
    // the operator's close passes a risk halt with reduce-only orders (gateState), unless a kill switch is pulled meanwhile
    const closing = { kills: this.kills };
    this.closing = closing;
    if (why === '') executor.openEntry();
    try {
      for (let round = 0; why === '' && closed < target && round < CLOSE_ROUNDS; round++) {
        if (round > 0) await this.clock.sleep(Math.max(0, Math.min(roundGap, until - this.clock.now())));
        if (this.kills !== closing.kills) {
          why = 'the kill switch was pulled';
          break;
        }
        // the book must show the market after our cancels (and after the last round's fills)
        await this.awaitBookAfter(this.clock.now(), until);
        if (this.clock.now() >= until) {
          why = 'the stop deadline passed';
          break;
        }
        const left = Math.min(target - closed, round === 0 ? target : reducible(await accountLots()));
        if (left <= 0) break;
        const best = bestOpposite();
        if (best === undefined) {
          why = `no ${side === 'sell' ? 'bid' : 'ask'} in the book`;
          break;
        }
        if (anchor === undefined) {
          anchor = best;
          limit = this.closeLimitTicks(inst, side, anchor, maxSlippagePct);
        }
        if (side === 'sell' ? best < limit : best > limit) {
          why = `no liquidity within ${maxSlippagePct} % of ${inst.ticksToPrice(anchor)}`;
          break;
        }
        // no more than the book shows inside the bound: a larger IOC would only expire
        const levels = (side === 'sell' ? this.book?.bids : this.book?.asks) ?? [];
        const visible = levels.filter((l) => (side === 'sell' ? l.priceTicks >= limit : l.priceTicks <= limit)).reduce((sum, l) => sum + l.qtyLots, 0);
        const size = Math.min(left, Math.max(visible, inst.minQtyLots));
        const records = await this.beforeCloseDeadline(executor.place(this.closeIntents(inst, side, limit, size)), until);
        if (records === undefined || records.length === 0) {
          why = records === undefined ? 'the venue did not answer before the stop deadline' : `the order was refused${denials.length > 0 ? `: ${denials.at(-1)}` : ''}`;
          break;
        }
        ids.push(...records.map((r) => r.clientOrderId));
        await this.settleCloseOrders(executor, records.map((r) => r.clientOrderId), until);
        closed = 0;
        notional = 0n;
        for (const id of ids) {
          const record = this.orders.get(id)?.record;
          if (record === undefined) continue;
          closed += record.filledLots;
          notional += record.filledTickLots * inst.notionalUnit;
        }
        const rejected = records.map((r) => this.orders.get(r.clientOrderId)?.record).find((r) => r?.status === 'rejected');
        if (rejected !== undefined) {
          why = `the venue refused the order: ${rejected.reason ?? 'no reason given'}`;
          break;
        }
        if (closed < target && round === CLOSE_ROUNDS - 1) why = `no more liquidity within ${maxSlippagePct} % of ${inst.ticksToPrice(anchor)} after ${CLOSE_ROUNDS} rounds`;
      }
    } finally {
      offDenials();
      if (this.closing === closing) this.closing = undefined;
      // the stop's order entry stays closed from here on
      await this.withinStopDeadline(executor.closeEntry());
    }
    const account = await accountLots();
    const ownLeft = ownLots - (side === 'sell' ? closed : -closed);
    const average = closed === 0 ? undefined : fx.div(notional, inst.lotsToFixed(closed) * inst.multiplier / fx.SCALE);
    const details = {
      side,
      maxSlippagePct,
      limitPrice: anchor === undefined ? undefined : inst.ticksToPrice(limit),
      closed: inst.lotsToQty(closed),
      averagePrice: average === undefined ? undefined : fx.format(average, { decimals: inst.priceDecimals + 2 }),
      ownLeft: signed(ownLeft),
      accountLeft: signed(account),
      orders: ids.length,
    };
    const closedText = closed === 0 ? 'closed nothing' : `closed ${qty(closed)} with ${ids.length} reduce-only order(s)${average === undefined ? '' : ` at ${fx.format(average, { decimals: inst.priceDecimals + 2 })} on average`}`;
    if (ownLeft === 0) {
      this.log('info', `closing the position: ${closedText}; the bot is flat (account position ${qty(account)})`, details);
    } else {
      this.log('warn', `closing the position: ${closedText}; left open: ${qty(ownLeft)} of the bot's own (account position ${qty(account)})${why === '' ? '' : `, because ${why}`}`, details);
    }
    return { closedLots: closed, ownLeftLots: ownLeft, accountLeftLots: account, why: ownLeft === 0 ? '' : why };
  }

  /** The close's limit: `pct` through the best opposite price, rounded inwards, and never past the fat-finger limit. */
  private closeLimitTicks(inst: Instrument, side: Side, bestTicks: number, pct: number): number {
    const best = inst.ticksToFixed(bestTicks);
    const through = fx.mul(best, fx.fromNumber(pct / 100));
    let ticks = side === 'sell' ? inst.priceToTicks(fx.max(inst.ticksToFixed(1), best - through), 'ceil') : inst.priceToTicks(best + through, 'floor');
    const ref = this.referenceValue();
    if (ref !== undefined) {
      const room = fx.mul(ref, fx.fromNumber(this.cfg.risk.maxPriceDeviationPct / 100));
      ticks = side === 'sell' ? Math.max(ticks, inst.priceToTicks(fx.max(inst.ticksToFixed(1), ref - room), 'ceil')) : Math.min(ticks, inst.priceToTicks(ref + room, 'floor'));
    }
    return ticks;
  }

  /** Reduce-only IOC orders for `lots`, split so none is above the single-order value limit. */
  private closeIntents(inst: Instrument, side: Side, limitTicks: number, lots: number): OrderIntent[] {
    const maxNotional = fx.parse(this.cfg.risk.maxOrderNotionalQuote);
    const perLot = inst.notional(limitTicks, 1);
    const chunk = maxNotional > 0n && perLot > 0n ? Math.max(1, Number(maxNotional / perLot)) : lots;
    const intents: OrderIntent[] = [];
    for (let left = lots; left > 0 && intents.length < CLOSE_ORDERS_PER_ROUND; left -= chunk) {
      intents.push({ side, priceTicks: limitTicks, qtyLots: Math.min(chunk, left), timeInForce: 'IOC', tag: 'mm', reduceOnly: true });
    }
    return intents;
  }

  /** Waits until each closing order has ended (IOC: at once on most venues), asking the venue if need be. */
  private async settleCloseOrders(executor: Executor, ids: readonly string[], until: number): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const open = ids.filter((id) => {
        const status = this.orders.get(id)?.record.status;
        return status !== undefined && !isTerminal(status);
      });
      if (open.length === 0 || this.clock.now() >= until) return;
      await this.clock.sleep(Math.min(100 * (attempt + 1), 500));
      for (const id of open) await executor.check(id);
    }
  }

  /** Waits (a second at most) for a book update received after `since`. */
  private async awaitBookAfter(since: number, until: number): Promise<void> {
    const give = Math.min(until, since + 1_000);
    while ((this.book?.receivedAt ?? -Infinity) <= since && this.clock.now() < give) await this.clock.sleep(Math.min(50, give - this.clock.now()));
  }

  /** `work`'s result, or undefined when the close's deadline passes first. */
  private async beforeCloseDeadline<T>(work: Promise<T>, until: number): Promise<T | undefined> {
    let timer: TimerHandle | undefined;
    const deadline = new Promise<undefined>((resolve) => {
      timer = this.clock.setTimeout(() => resolve(undefined), Math.max(0, until - this.clock.now()));
    });
    const result = await Promise.race([work, deadline]);
    this.clock.clearTimer(timer);
    return result;
  }

  /** No new order leaves, and every placement in flight has its answer before the cancels go out. */
  private async closeOrderEntry(): Promise<void> {
    if (this.executor === undefined) return;
    if (!(await this.withinStopDeadline(this.executor.closeEntry()))) this.log('warn', 'a placement still had no answer at the stop deadline; cancelling without it');
  }

  /** Stopped means every fill the bot saw is stored; a database that does not answer in time does not hold the stop. */
  private async awaitFillWrites(): Promise<void> {
    if (this.fillWrites.size === 0) return;
    await this.withinStopDeadline(Promise.all([...this.fillWrites]));
    if (this.fillWrites.size > 0) this.log('warn', `${this.fillWrites.size} fill write(s) still pending at stop; they stay queued and are stored when the database answers`);
  }

  /** Waits for `work`, or for the stop deadline; true when the work finished in time. */
  private async withinStopDeadline(work: Promise<unknown>): Promise<boolean> {
    let timer: TimerHandle | undefined;
    const deadline = new Promise<false>((resolve) => {
      timer = this.clock.setTimeout(() => resolve(false), this.t.stopDeadlineMs);
    });
    const finished = await Promise.race([work.then(() => true as const, () => true as const), deadline]);
    this.clock.clearTimer(timer);
    return finished;
  }

  /**
   * Stops this process's handling of the bot without touching its orders at the venue: timers and
   * subscriptions go, the orders stay. For handing a bot to another runner, and for crash tests.
   */
  detach(): void {
    this.volume?.stop();
    this.clearTimers();
    for (const off of this.unsubscribe) off();
    this.unsubscribe = [];
    this.lifecycle = 'STOPPED';
  }

  /** Cancels the bot's orders; quoting goes on at the next refresh unless paused or halted. */
  cancelAll(reason = 'cancel all requested'): Promise<void> {
    return this.run(() => this.cancelAllOwn(reason));
  }

  /** The kill switch: halts (no new orders until reset, across restarts) and pulls every order. */
  kill(reason = 'kill switch'): Promise<void> {
    return this.run(async () => {
      this.kills++;
      const trip = this.risk.kill(this.clock.now(), reason);
      this.onTrip(trip);
      // the halt refuses new orders; those already on their way are cancelled once they arrive,
      // and the kill returns when the venue lists none of ours (or the stop deadline passed)
      if (this.executor !== undefined) await this.withinStopDeadline(this.executor.placementsAnswered());
      // a stopped bot left nothing at the venue, and its connection may be closed
      if (this.lifecycle === 'INIT' || this.lifecycle === 'STOPPED') return;
      try {
        await this.cancelUntilFlat(this.t.stopDeadlineMs, reason);
      } catch (error) {
        // the halt holds whatever the venue says; the halted bot's refreshes keep pulling orders
        this.log('error', `kill: could not confirm every order is cancelled: ${toEngineError(error).message}`);
      }
    });
  }

  resetHalt(): Promise<void> {
    return this.run(async () => {
      for (const rule of this.risk.resetHalt()) this.emitRisk({ type: 'clear', rule, message: `${rule} reset by operator` });
      this.journal.recordHalt(this.id, undefined);
      await this.requote('halt reset');
    });
  }

  /** Takes a new config: applied at the next refresh. Venue, account and symbol cannot change while running. */
  updateConfig(next: BotConfig): void {
    const running = this.lifecycle !== 'INIT' && this.lifecycle !== 'STOPPED';
    if (running) {
      for (const field of ['accountId', 'symbol', 'mode'] as const) {
        if (next[field] !== this.cfg[field]) {
          throw new EngineError('INVALID_CONFIG', `${field} cannot change while the bot runs; stop it first`, { details: { field } });
        }
      }
    }
    this.pendingConfig = next;
    if (!running) this.applyPendingConfig();
  }

  // ---------------------------------------------------------------- lifecycle internals

  private transition(event: LifecycleEvent, reason?: string): void {
    const previous = this.lifecycle;
    this.lifecycle = nextBotState(previous, event);
    this.events.emit('state', { botId: this.id, state: this.lifecycle, previous, ...(reason === undefined ? {} : { reason }), at: this.clock.now() });
  }

  /** Runs a command or handler; an unexpected error moves the bot to ERROR. */
  private async run(fn: () => Promise<void> | void): Promise<void> {
    try {
      await fn();
    } catch (error) {
      if (error instanceof EngineError && (error.code === 'ILLEGAL_TRANSITION' || error.code === 'ILLEGAL_STATE')) throw error;
      this.fail(error);
    }
  }

  private guard(fn: () => Promise<void> | void): void {
    void this.run(fn);
  }

  private fail(error: unknown): void {
    const e = toEngineError(error);
    this.lastError = e.message;
    this.log('error', `bot error: ${e.message}`, { code: e.code });
    if (!canTransition(this.lifecycle, 'fail')) return;
    const wasStopping = this.lifecycle === 'STOPPING';
    this.transition('fail', e.message);
    if (wasStopping) return;
    this.volume?.stop();
    this.clearTimers();
    void this.cancelAllOwn('bot error').catch(() => undefined);
    const delay = Math.min(this.t.retryMaxMs, this.t.retryBaseMs * 2 ** Math.min(this.retries, 10));
    this.retries++;
    this.retryTimer = this.clock.setTimeout(() => {
      this.retryTimer = undefined;
      if (this.lifecycle !== 'ERROR') return;
      this.transition('retry', `retry ${this.retries}`);
      void this.sync();
    }, delay);
  }

  /** SYNC_BALANCES: load what storage knows, reconcile with the venue, then start quoting. */
  private async sync(): Promise<void> {
    await this.run(async () => {
      await this.attach(true);
      if (this.lifecycle !== 'SYNC_BALANCES') return;
      this.retries = 0;
      this.lastError = undefined;
      this.transition('synced');
      this.startTimers();
      this.maybeStartQuoting();
    });
  }

  private async restoreAndReconcile(): Promise<void> {
    const inst = this.inst!;
    const now = this.clock.now();
    const spec = ledgerSpecOf(inst, this.cfg.volume.timezone);
    const restored = await this.journal.loadState(this.id, this.dayStart, { symbol: inst.symbol, spec });
    if (restored.halt !== undefined) {
      this.risk.restoreTrip(restored.halt);
      this.log('warn', `restored halt from before the restart: ${restored.halt.message}`);
    }
    if (restored.peakNet !== undefined) this.peakNet = fx.parse(restored.peakNet);
    for (const { order, tag } of restored.liveOrders) if (this.orders.get(order.clientOrderId) === undefined) this.orders.adopt(order, tag, now);
    // the stored fills are in the ledger already; remembering their trade ids keeps a replay out
    for (const { fill } of restored.fillsToday) this.orders.markTradeSeen(fill.tradeId);
    this.ledger = restored.ledger === undefined ? new BotLedger(spec) : BotLedger.fromJSON(spec, restored.ledger);
    this.portfolio!.setBalances(await this.adapter.balances());
    if (inst.kind === 'perp') {
      for (const p of await this.adapter.positions(inst.symbol)) this.portfolio!.setPosition(p);
      const margin = await this.adapter.marginSummary();
      if (margin !== null) this.portfolio!.setMargin(margin);
    }
    await this.reconcileOrders(restored.lastFillTime ?? this.dayStart);
  }

  /** Brings our order book in line with the venue: adopt, resolve, and import missed fills. */
  private async reconcileOrders(fillsSince: number): Promise<void> {
    const inst = this.inst!;
    const executor = this.executor!;
    this.reconciling = true;
    try {
      const venueOpen = await this.adapter.openOrders(inst.symbol);
      const seen = new Set<string>();
      for (const report of venueOpen) {
        if (!this.orders.owns(report.clientOrderId)) continue;
        seen.add(report.clientOrderId);
        if (this.orders.get(report.clientOrderId) === undefined) {
          this.orders.adopt(adoptedRecord(report), 'mm', this.clock.now());
          this.log('info', `adopted own order ${report.clientOrderId} found at the venue`);
        } else {
          executor.applyVenue(report);
        }
      }
      for (const managed of this.orders.live()) {
        if (!seen.has(managed.record.clientOrderId)) await executor.check(managed.record.clientOrderId);
      }
      await this.importMissedFills(fillsSince - 1_000, 'while disconnected');
    } finally {
      this.reconciling = false;
    }
  }

  /** Imports own fills since a time that no stream delivered (each trade applied once). */
  private async importMissedFills(since: number, when: string): Promise<void> {
    const fills = await this.adapter.fills({ symbol: this.inst!.symbol, since: Math.max(0, since) });
    let imported = 0;
    for (const fill of fills) {
      if (this.orders.owns(fill.clientOrderId) && !this.orders.hasSeenTrade(fill.tradeId)) {
        await this.handleFill(fill);
        imported++;
      }
    }
    if (imported > 0) this.log('info', `imported ${imported} fill(s) missed ${when}`);
  }

  private maybeStartQuoting(): void {
    if (this.lifecycle !== 'START_QUOTING') return;
    const ref = this.referenceValue();
    if (ref === undefined) return; // wait for market data
    this.openTradingDay(ref);
    this.transition('quoting');
    if (this.adapter.capabilities.deadManSwitch) this.refreshDeadMan();
    this.volume!.start();
    void this.requote('quoting started');
  }

  // ---------------------------------------------------------------- events from the venue

  private subscribeEvents(): void {
    if (this.unsubscribe.length > 0) return;
    const symbol = this.cfg.symbol;
    const bus = this.adapter.events;
    this.unsubscribe.push(
      bus.on('book', (book) => {
        if (book.symbol === symbol) this.guard(() => this.onBook(book));
      }),
      bus.on('trade', (trade) => {
        if (trade.symbol !== symbol) return;
        this.lastMarketDataAt = trade.receivedAt;
        this.reference?.onTrade(trade);
      }),
      bus.on('markPrice', (mark) => {
        if (mark.symbol !== symbol) return;
        this.reference?.onMark(mark);
      }),
      bus.on('order', (report) => {
        if (report.symbol === symbol && this.orders.owns(report.clientOrderId)) this.guard(() => this.onOrderReport(report));
      }),
      bus.on('fill', (fill) => {
        if (fill.symbol === symbol && this.orders.owns(fill.clientOrderId)) this.guard(() => this.handleFill(fill));
      }),
      bus.on('balances', (balances) => this.portfolio?.setBalances(balances)),
      bus.on('position', (position) => this.portfolio?.setPosition(position)),
      bus.on('margin', (margin) => this.portfolio?.setMargin(margin)),
      bus.on('cashFlow', (flow) => {
        if (flow.kind === 'funding' && flow.symbol === symbol) this.guard(() => this.onFunding(flow));
      }),
      bus.on('connection', (event) => this.guard(() => this.onConnection(event))),
      bus.on('risk', (event) => {
        if (event.symbol !== undefined && event.symbol !== symbol) return;
        this.log('warn', `venue risk notice: ${event.message}`, { kind: event.kind });
        if (event.kind === 'margin_call' || event.kind === 'adl' || event.kind === 'liquidation') this.risk.recordMarginCall(this.clock.now(), event.message);
      }),
    );
    if (this.external !== undefined && this.cfg.marketMaking.referencePrice.external !== undefined) {
      const ext = this.cfg.marketMaking.referencePrice.external;
      this.unsubscribe.push(
        this.external.events.on('book', (book) => {
          if (book.symbol !== ext.symbol || book.bids[0] === undefined || book.asks[0] === undefined) return;
          const extInst = this.external!.instrument(ext.symbol);
          const mid = (extInst.ticksToFixed(book.bids[0].priceTicks) + extInst.ticksToFixed(book.asks[0].priceTicks)) / 2n;
          this.reference?.onExternal(mid, book.receivedAt);
        }),
      );
    }
  }

  private onBook(book: BookSnapshot): void {
    this.book = book;
    this.lastMarketDataAt = book.receivedAt;
    this.reference?.onBook(book);
    if (this.lifecycle === 'START_QUOTING') {
      this.maybeStartQuoting();
      return;
    }
    if (this.lifecycle !== 'RUNNING') return;
    const ref = this.referenceValue();
    if (ref === undefined || this.lastQuotedReference === undefined) return;
    const moved = fx.div(fx.abs(ref - this.lastQuotedReference) * 100n, this.lastQuotedReference);
    const trigger = fx.fromNumber(Math.max(this.config.marketMaking.refresh.tolerancePct, 0.0001));
    if (moved >= trigger && this.clock.now() - this.lastRequoteAt >= this.t.minRequoteGapMs) void this.requote('reference moved');
  }

  private onOrderReport(report: VenueOrder): void {
    this.executor!.applyVenue(report);
  }

  private async handleFill(fill: Fill): Promise<void> {
    if (!this.orders.markTradeSeen(fill.tradeId)) return; // a duplicate delivery
    const managed = this.orders.get(fill.clientOrderId);
    const tag: OrderTag = managed?.tag ?? 'mm';
    if (managed !== undefined) this.executor!.applyEvent(fill.clientOrderId, { type: 'fill', qtyLots: fill.qtyLots, priceTicks: fill.priceTicks });
    if (tag === 'volume') this.volume?.onFill(fill.clientOrderId);
    const ref = this.referenceValue();
    this.rollTradingDay(fill.venueTime);
    this.ledger!.applyFill(ledgerFillOf(this.inst!, fill, tag, ref));
    const notional = fx.format(this.inst!.notional(fill.priceTicks, fill.qtyLots));
    this.events.emit('fill', { botId: this.id, venue: this.adapter.capabilities.venue, fill, tag, notional });
    if (this.config.marketMaking.refresh.fillDelayMs > 0 && tag === 'mm') {
      this.fillDelayUntil = this.clock.now() + this.config.marketMaking.refresh.fillDelayMs;
      const t = this.clock.setTimeout(() => this.guard(() => this.requote('fill delay over')), this.config.marketMaking.refresh.fillDelayMs);
      this.timers.push(t);
    }
    const write = this.journal.recordFill(this.id, this.adapter.capabilities.venue, fill, tag, ref).then(
      () => undefined,
      (error: unknown) => this.onStorageFailure(error),
    );
    this.fillWrites.add(write);
    try {
      await write;
    } finally {
      this.fillWrites.delete(write);
    }
  }

  /**
   * A funding payment on the account's position in our symbol. The account position may be
   * shared by several bots: this bot's share is its own position's part of the account's,
   * and the rest is the account's (recorded by the manager as unattributed).
   */
  private onFunding(flow: CashFlow): void {
    const share = this.fundingShare(flow);
    if (share === 0n || this.ledger === undefined) return;
    this.ledger.applyCashFlow({ kind: 'funding', amount: share, venueTime: flow.venueTime });
    this.journal.recordCashFlow({ accountId: this.cfg.accountId, venue: this.adapter.capabilities.venue, botId: this.id, flow, amount: share });
  }

  /** This bot's part of a funding payment: amount × own position / account position (same sign only). */
  fundingShare(flow: CashFlow): Fixed {
    const inst = this.inst;
    const own = this.ledger?.positionQty ?? 0n;
    const lots = this.portfolio?.position?.qtyLots ?? 0;
    if (inst === undefined || own === 0n || lots === 0) return 0n;
    const account = ((inst.lotsToFixed(Math.abs(lots)) * inst.multiplier) / fx.SCALE) * BigInt(Math.sign(lots));
    if (account > 0n !== own > 0n) return 0n;
    const part = fx.abs(own) >= fx.abs(account) ? flow.amount : fx.divInt(flow.amount * fx.abs(own), fx.abs(account), 'trunc');
    return part;
  }

  private async onConnection(event: ConnectionEvent): Promise<void> {
    if (event.state !== 'connected') {
      this.events.emit('connection', { botId: this.id, stream: event.stream, state: event.state, ...(event.reason === undefined ? {} : { reason: event.reason }), at: event.at });
    }
    if (event.stream !== 'private') return;
    if (event.state === 'disconnected') {
      this.log('warn', `private stream disconnected${event.reason ? `: ${event.reason}` : ''}; quoting waits for the reconnect`);
      this.reconciling = true;
    } else if (event.state === 'reconnected') {
      this.log('info', 'private stream reconnected; reconciling orders and fills before quoting resumes');
      if (this.inst === undefined) return;
      const since = this.lastFillTime() ?? this.dayStart;
      await this.reconcileOrders(since);
      this.portfolio!.setBalances(await this.adapter.balances());
      await this.requote('reconnected');
    }
  }

  // ---------------------------------------------------------------- quoting

  /** Recomputes the grid and reconciles it with our live orders. Serialized. */
  private async requote(reason: string): Promise<void> {
    if (this.requoting) {
      this.requoteAgain = true;
      return;
    }
    this.requoting = true;
    try {
      await this.run(async () => {
        do {
          this.requoteAgain = false;
          await this.requoteOnce(reason);
        } while (this.requoteAgain);
      });
    } finally {
      this.requoting = false;
    }
  }

  private async requoteOnce(reason: string): Promise<void> {
    this.applyPendingConfig();
    const now = this.clock.now();
    this.lastRequoteAt = now;
    const inst = this.inst;
    const executor = this.executor;
    if (inst === undefined || executor === undefined || this.lifecycle !== 'RUNNING' || this.reconciling) return;
    const mm = this.cfg.marketMaking;
    const mmOrders = this.orders.live('mm');
    if (!mm.enabled || this.tradingState === 'HALTED' || this.risk.quotingBlocked) {
      if (mmOrders.length > 0) await executor.cancel(mmOrders.map((o) => o.record.clientOrderId), this.risk.quotingBlocked ? 'risk pause' : 'quoting off');
      return;
    }
    if (now < this.fillDelayUntil || now < this.storageBlockedUntil) return;
    const market = this.marketView();
    if (market === undefined) {
      // never leave quotes priced from a reference we can no longer trust
      if (mmOrders.length > 0) await executor.cancel(mmOrders.map((o) => o.record.clientOrderId), 'no usable reference price');
      return;
    }
    const grid = computeGrid({ config: mm, instrument: inst, market, inventory: this.inventoryView(), fees: this.fees, rng: this.rng.fork(`grid/${now}`) });
    const allowed = this.filterByTradingState(grid);
    this.lastGrid = allowed;
    this.lastQuotedReference = market.reference;
    const live: LiveQuote[] = mmOrders
      .filter((o) => o.record.status === 'open' || o.record.status === 'partially_filled')
      .map((o) => ({ clientOrderId: o.record.clientOrderId, side: o.record.side, priceTicks: o.record.priceTicks, qtyLots: o.record.qtyLots - o.record.filledLots, placedAt: o.record.createdAt }));
    // orders still in flight are left alone this round; the next refresh sees them settled
    const inFlight = mmOrders.length - live.length;
    const plan = planRefresh({ desired: allowed, live, tolerancePct: mm.refresh.tolerancePct, maxOrderAgeMs: mm.refresh.maxOrderAgeMs, now });
    this.metrics.refreshes++;
    if (plan.cancel.length > 0 || plan.place.length > 0) this.metrics.activeRefreshes++;
    if (plan.cancel.length > 0) await executor.cancel(plan.cancel.map((c) => c.clientOrderId), `refresh (${reason})`);
    if (inFlight > 0 && plan.place.length > 0) {
      this.requoteAgain = false;
      return;
    }
    if (plan.place.length > 0) await executor.place(plan.place.map((q) => this.intentFor(q)));
  }

  private intentFor(q: DesiredQuote): OrderIntent {
    return { side: q.side, priceTicks: q.priceTicks, qtyLots: q.qtyLots, timeInForce: 'POST_ONLY', tag: 'mm' };
  }

  /**
   * REDUCING keeps only the side that reduces exposure, capped at the exposure itself: all of
   * its orders filling together must not flip the position (perps) or overshoot the target (spot).
   */
  private filterByTradingState(grid: GridResult): GridResult {
    if (this.risk.tradingState !== 'REDUCING') return grid;
    const side = this.reducingSide();
    const cap = capLevels(side === 'buy' ? grid.bids : grid.asks, this.reducibleLots());
    return { ...grid, bids: side === 'buy' ? cap : [], asks: side === 'sell' ? cap : [] };
  }

  /** Lots that can be traded on the reducing side before exposure is gone. */
  private reducibleLots(): number {
    const inst = this.inst!;
    if (inst.kind === 'perp') return Math.abs(this.portfolio?.position?.qtyLots ?? 0);
    const ref = this.referenceValue();
    if (ref === undefined) return 0;
    const inv = this.inventoryView();
    const total = fx.mul(inv.base, ref) + inv.quote;
    const targetBase = fx.div(fx.mul(total, fx.fromNumber(this.cfg.marketMaking.inventorySkew.targetBasePct / 100)), ref);
    const excess = fx.abs(inv.base - targetBase);
    return Number(fx.divInt(excess, inst.lot, 'floor'));
  }

  private reducingSide(): Side {
    const inst = this.inst!;
    if (inst.kind === 'perp') return (this.portfolio?.position?.qtyLots ?? 0) > 0 ? 'sell' : 'buy';
    const ref = this.referenceValue();
    if (ref === undefined) return 'sell';
    const inv = this.inventoryView();
    const total = fx.mul(inv.base, ref) + inv.quote;
    if (total <= 0n) return 'sell';
    const share = fx.toNumber(fx.div(fx.mul(inv.base, ref) * 100n, total));
    return share > this.cfg.marketMaking.inventorySkew.targetBasePct ? 'sell' : 'buy';
  }

  private referenceValue(): Fixed | undefined {
    const v = this.reference?.value(this.clock.now());
    return v !== undefined && v.ok ? v.price : undefined;
  }

  private marketView(): MarketView | undefined {
    const reference = this.referenceValue();
    if (reference === undefined) return undefined;
    return { reference, bestBid: this.book?.bids[0]?.priceTicks, bestAsk: this.book?.asks[0]?.priceTicks };
  }

  private inventoryView(): InventoryView {
    return { base: this.portfolio!.baseTotal(), quote: this.portfolio!.quoteTotal() };
  }

  // ---------------------------------------------------------------- risk

  private checkRequest(request: OrderRequest): ReturnType<typeof checkOrder> {
    const inst = this.inst!;
    const now = this.clock.now();
    const own = this.account.ownBook(inst.symbol);
    const portfolio = this.portfolio!;
    const baseTotal = portfolio.balance(inst.base)?.total ?? 0n;
    const quoteAsset = inst.kind === 'spot' ? inst.quote : inst.marginAsset;
    const quoteTotal = portfolio.balance(quoteAsset)?.total ?? 0n;
    // free = total − what every bot's live orders on the account reserve (exact when our bots are the only traders)
    const free = { base: baseTotal - this.account.reserved(inst.base), quote: quoteTotal - this.account.reserved(quoteAsset) };
    return checkOrder(
      {
        config: this.cfg.risk,
        tradingState: this.gateState(request),
        instrument: inst,
        reference: this.referenceValue(),
        openOrdersBot: this.orders.liveCount,
        openOrdersAccount: this.account.openOrderCount(),
        ordersLastMinute: this.executor!.ordersLastMinute(now),
        free,
        takerFee: this.fees.taker,
        ownBestBid: own.bestOwnBid,
        ownBestAsk: own.bestOwnAsk,
        ...(inst.kind === 'perp'
          ? {
              perp: {
                positionLots: portfolio.position?.qtyLots ?? 0,
                ...this.pendingLots(),
                availableMargin: portfolio.marginSummary?.availableBalance ?? quoteTotal,
                leverage: this.cfg.perp.leverage,
              },
            }
          : {}),
        reducingSide: this.reducingSide(),
      },
      request,
    );
  }

  /**
   * The trading state the risk gate applies to `request`. An operator's close of a halted bot
   * passes as REDUCING: its reduce-only orders are checked as reducing ones (never growing or
   * flipping the position; self-cross, fat-finger and size limits as always), while every other
   * order stays refused. A halt for an unreachable database is never passed (no intent could be
   * stored), nor one from a kill switch pulled after the close began.
   */
  private gateState(request: OrderRequest): TradingState {
    const state = this.tradingState;
    const operatorClose = this.closing !== undefined && this.closing.kills === this.kills && request.reduceOnly === true;
    return state === 'HALTED' && operatorClose && !this.storageDown ? 'REDUCING' : state;
  }

  /** Unfilled lots of this bot's live orders per side. */
  private pendingLots(): { pendingBuyLots: number; pendingSellLots: number } {
    let pendingBuyLots = 0;
    let pendingSellLots = 0;
    for (const o of this.orders.live()) {
      const left = o.record.qtyLots - o.record.filledLots;
      if (o.record.side === 'buy') pendingBuyLots += left;
      else pendingSellLots += left;
    }
    return { pendingBuyLots, pendingSellLots };
  }

  private riskSnapshot(): RiskSnapshot {
    const now = this.clock.now();
    const ref = this.referenceValue();
    // loss and drawdown limits watch this bot's own result (its ledger), not the shared account
    const net = ref === undefined || this.ledger === undefined ? undefined : this.ledger.netAt(ref);
    const inst = this.inst;
    const book = this.book;
    const venueMid =
      inst !== undefined && book?.bids[0] !== undefined && book.asks[0] !== undefined ? (inst.ticksToFixed(book.bids[0].priceTicks) + inst.ticksToFixed(book.asks[0].priceTicks)) / 2n : undefined;
    const position = this.portfolio?.position;
    const margin = this.portfolio?.marginSummary;
    const perp =
      inst?.kind === 'perp'
        ? {
            positionNotional: position === undefined ? 0n : inst.notionalAt(position.markPrice, Math.abs(position.qtyLots)),
            marginRatioPct: margin === undefined || margin.marginBalance <= 0n ? undefined : fx.toNumber(fx.div(margin.maintenanceMargin * 100n, margin.marginBalance)),
            liquidationDistancePct:
              position?.liquidationPrice == null || position.markPrice === 0n || position.qtyLots === 0
                ? undefined
                : fx.toNumber(fx.div(fx.abs(position.markPrice - position.liquidationPrice) * 100n, position.markPrice)),
            adlQuantile: position?.qtyLots === 0 ? undefined : position?.adlQuantile,
          }
        : undefined;
    return {
      now,
      equity: net,
      dayStartEquity: this.ledger?.day(this.dayStart)?.openNet,
      peakEquity: this.peakNet,
      lastMarketDataAt: this.lastMarketDataAt,
      reference: this.cfg.marketMaking.referencePrice.source === 'external' ? this.reference?.externalPrice(now) : undefined,
      venueMid,
      ...(perp === undefined ? {} : { perp }),
    };
  }

  private evaluateRisk(): void {
    const snapshot = this.riskSnapshot();
    if (snapshot.equity !== undefined) {
      const open = snapshot.dayStartEquity;
      const floor = open === undefined ? snapshot.equity : fx.max(open, snapshot.equity);
      if (this.peakNet === undefined || floor > this.peakNet) this.peakNet = floor;
    }
    const { tripped, cleared } = this.risk.evaluate({ ...snapshot, peakEquity: this.peakNet });
    for (const trip of tripped) this.onTrip(trip);
    for (const rule of cleared) this.emitRisk({ type: 'clear', rule, message: `${rule} cleared` });
    if (tripped.length > 0) {
      const pull = tripped.some((t) => t.action !== 'reduce');
      if (pull) void this.cancelAllOwn(`risk: ${tripped.map((t) => t.rule).join(', ')}`);
      else void this.requote('risk reduce');
    } else if (cleared.length > 0) {
      void this.requote('risk cleared');
    }
  }

  private onTrip(trip: RiskTrip): void {
    this.emitRisk({ type: 'trip', rule: trip.rule, value: trip.value, limit: trip.limit, action: trip.action, message: trip.message });
    if (HALT_ACTIONS.has(trip.action)) this.journal.recordHalt(this.id, trip);
  }

  private onDenied(denial: RiskDenial): void {
    this.emitRisk({ type: 'denial', rule: denial.rule, value: denial.value, limit: denial.limit, action: 'deny', message: denial.message });
  }

  private onStorageFailure(error: unknown): void {
    // without a journal no new order may leave: hold new orders, retry on the next refresh
    this.storageBlockedUntil = this.clock.now() + 5_000;
    this.log('error', `order journal unavailable, new orders held: ${toEngineError(error).message}`);
  }

  // ---------------------------------------------------------------- order helpers

  private async cancelAllOwn(reason: string): Promise<void> {
    const ids = this.orders.live().map((o) => o.record.clientOrderId);
    if (ids.length > 0 && this.executor !== undefined) await this.executor.cancel(ids, reason);
  }

  /** Cancels until the venue lists none of our orders, or the deadline passes. */
  private async cancelUntilFlat(deadlineMs: number, reason = 'stopping'): Promise<void> {
    const inst = this.inst;
    const executor = this.executor;
    if (inst === undefined || executor === undefined) return;
    const until = this.clock.now() + deadlineMs;
    for (let attempt = 0; ; attempt++) {
      await this.cancelAllOwn(reason);
      const open = (await this.adapter.openOrders(inst.symbol)).filter((o) => this.orders.owns(o.clientOrderId));
      for (const report of open) if (this.orders.get(report.clientOrderId) === undefined) this.orders.adopt(adoptedRecord(report), 'mm', this.clock.now());
      if (open.length === 0) {
        for (const managed of this.orders.live()) await executor.check(managed.record.clientOrderId);
        return;
      }
      if (this.clock.now() >= until) {
        this.log('error', `${reason}: deadline passed with ${open.length} own order(s) still open at the venue`);
        return;
      }
      await executor.cancel(open.map((o) => o.clientOrderId), `${reason} (retry)`);
      await this.clock.sleep(Math.min(500 * (attempt + 1), 2_000));
    }
  }

  private refreshDeadMan(): void {
    void this.adapter.setDeadManSwitch(this.cfg.symbol, this.t.deadManTimeoutMs).catch((error: unknown) => this.log('warn', `dead-man switch: ${toEngineError(error).message}`));
  }

  private lastFillTime(): number | undefined {
    let t: number | undefined;
    for (const o of this.orders.all()) if (o.record.filledLots > 0 && (t === undefined || o.record.updatedAt > t)) t = o.record.updatedAt;
    return t;
  }

  // ---------------------------------------------------------------- timers and stats

  private startTimers(): void {
    this.clearTimers();
    const every = (ms: number, fn: () => void) => this.timers.push(this.clock.setInterval(() => this.guard(fn), ms));
    every(this.t.riskIntervalMs, () => this.evaluateRisk());
    every(this.t.statsIntervalMs, () => this.emitStats());
    every(this.t.checkIntervalMs, () => {
      void this.executor?.checkPending();
      // finished orders live on in the journal; a late fill for a pruned one is still counted
      this.orders.prune(this.clock.now() - 300_000);
      this.rollTradingDay(this.clock.now());
      const ref = this.referenceValue();
      if (ref !== undefined) this.openTradingDay(ref);
    });
    every(this.t.accountRefreshMs, () => void this.refreshAccount());
    if (this.adapter.capabilities.deadManSwitch) every(this.t.deadManRefreshMs, () => this.lifecycle === 'RUNNING' && this.refreshDeadMan());
    this.scheduleRefresh();
  }

  private scheduleRefresh(): void {
    this.clock.clearTimer(this.refreshTimer);
    this.refreshTimer = this.clock.setTimeout(() => {
      this.refreshTimer = undefined;
      this.guard(async () => {
        if (this.lifecycle === 'RUNNING') await this.requote('refresh interval');
        if (this.lifecycle !== 'STOPPED' && this.lifecycle !== 'STOPPING' && this.lifecycle !== 'ERROR') this.scheduleRefresh();
      });
    }, this.config.marketMaking.refresh.intervalMs);
  }

  private clearTimers(): void {
    for (const t of this.timers) this.clock.clearTimer(t);
    this.timers = [];
    this.clock.clearTimer(this.refreshTimer);
    this.refreshTimer = undefined;
    this.clock.clearTimer(this.retryTimer);
    this.retryTimer = undefined;
  }

  private rollTradingDay(time: number): void {
    const day = tradingDay(time, this.cfg.volume.timezone);
    if (day.start <= this.dayStart) return;
    const first = this.dayStart === 0;
    this.dayStart = day.start;
    if (!first) this.peakNet = undefined;
  }

  /** Opens today in the ledger at the reference (once); the mark is stored so a rebuild opens it alike. */
  private openTradingDay(ref: Fixed): void {
    if (this.ledger === undefined || this.dayStart === 0) return;
    if (this.ledger.openDay(this.dayStart, ref)) this.journal.recordDayMark(this.id, this.dayStart, ref);
  }

  /** Reads balances, positions and margin over REST: a check on what the stream keeps current. */
  private async refreshAccount(): Promise<void> {
    const inst = this.inst;
    const portfolio = this.portfolio;
    if (inst === undefined || portfolio === undefined || this.lifecycle === 'STOPPED' || this.lifecycle === 'STOPPING') return;
    try {
      portfolio.setBalances(await this.adapter.balances());
      if (inst.kind === 'perp') {
        for (const p of await this.adapter.positions(inst.symbol)) portfolio.setPosition(p);
        const margin = await this.adapter.marginSummary();
        if (margin !== null) portfolio.setMargin(margin);
      }
    } catch (error) {
      this.log('warn', `account refresh: ${toEngineError(error).message}`);
    }
  }

  /** The stats the dashboard shows; also emitted every statsIntervalMs. */
  stats(): BotStatsSnapshot {
    const now = this.clock.now();
    const inst = this.inst;
    const ref = this.referenceValue();
    const p = this.portfolio;
    const dp = inst?.priceDecimals ?? 8;
    const fmt = (v: Fixed | undefined, d = 8) => (v === undefined ? undefined : fx.format(v, { decimals: d }));
    const ledger = this.ledger ?? new BotLedger({ base: inst?.base ?? '', quote: inst === undefined ? '' : ledgerSpecOf(inst, this.cfg.volume.timezone).quote, timeZone: this.cfg.volume.timezone });
    const figures = ledger.figures(ref, now);
    const equity = p !== undefined && ref !== undefined ? p.equity(ref) : undefined;
    const traded = figures.today.maker + figures.today.taker;
    const target = fx.parse(this.cfg.volume.dailyTargetQuote);
    const pace = this.volume?.pacing(traded, now);
    const position = p?.position;
    return {
      botId: this.id,
      at: now,
      state: this.lifecycle,
      tradingState: this.tradingState,
      quotingBlocked: this.quotingBlocked,
      symbol: this.cfg.symbol,
      reference: fmt(ref, dp + 2),
      bestBid: this.book?.bids[0] === undefined || inst === undefined ? undefined : inst.ticksToPrice(this.book.bids[0].priceTicks),
      bestAsk: this.book?.asks[0] === undefined || inst === undefined ? undefined : inst.ticksToPrice(this.book.asks[0].priceTicks),
      // the bot's own inventory from its fills; the account's balances are the venue's business
      base: fx.format(figures.position),
      quote: fx.format(p?.quoteTotal() ?? 0n, { decimals: 2 }),
      equity: fmt(equity, 2),
      pnl: {
        realized: fx.format(figures.realized, { decimals: 4 }),
        unrealized: fx.format(figures.unrealized, { decimals: 4 }),
        fees: fx.format(figures.fees, { decimals: 4 }),
        net: fx.format(figures.net, { decimals: 4 }),
        today: figures.today.net === undefined ? undefined : fx.format(figures.today.net, { decimals: 4 }),
      },
      volume: {
        maker: fx.format(figures.today.maker, { decimals: 2 }),
        taker: fx.format(figures.today.taker, { decimals: 2 }),
        total: fx.format(traded, { decimals: 2 }),
        volumeLeg: fx.format(figures.today.volumeLeg, { decimals: 2 }),
        target: this.cfg.volume.enabled ? this.cfg.volume.dailyTargetQuote : '0',
        expected: fx.format(this.cfg.volume.enabled ? pace?.expected ?? 0n : 0n, { decimals: 2 }),
        progressPct: this.cfg.volume.enabled && target > 0n ? Math.round(fx.toNumber(fx.div(traded * 100n, target)) * 100) / 100 : 0,
      },
      openOrders: this.orders.liveCount,
      position:
        inst?.kind === 'perp' && position !== undefined
          ? {
              qty: position.qtyLots < 0 ? `-${inst.lotsToQty(-position.qtyLots)}` : inst.lotsToQty(position.qtyLots),
              entryPrice: fx.format(position.entryPrice),
              unrealizedPnl: fx.format(position.unrealizedPnl, { decimals: 4 }),
              liquidationPrice: position.liquidationPrice === null ? undefined : fx.format(position.liquidationPrice),
              adlQuantile: position.adlQuantile,
            }
          : undefined,
      ledger: ledgerDto(ledger, ref, now),
      live: true,
    };
  }

  /** The reference price now, exact (stats show it rounded). */
  get referencePrice(): Fixed | undefined {
    return this.referenceValue();
  }

  /** The bot's ledger (undefined before its first sync). */
  get figures(): BotLedger | undefined {
    return this.ledger;
  }

  private emitStats(): void {
    this.events.emit('stats', this.stats());
  }

  private emitRisk(e: Omit<BotEvents['risk'], 'botId' | 'at'>): void {
    this.events.emit('risk', { botId: this.id, at: this.clock.now(), ...e });
  }

  private log(level: LogLevel, message: string, details?: Readonly<Record<string, unknown>>): void {
    this.events.emit('log', { botId: this.id, level, message, at: this.clock.now(), ...(details === undefined ? {} : { details }) });
  }

  private applyPendingConfig(): void {
    if (this.pendingConfig === undefined) return;
    const previous = this.cfg;
    this.cfg = this.pendingConfig;
    this.pendingConfig = undefined;
    this.risk.setConfig(this.cfg.risk);
    if (this.inst !== undefined && JSON.stringify(previous.marketMaking.referencePrice) !== JSON.stringify(this.cfg.marketMaking.referencePrice)) {
      this.reference = new ReferencePrice(this.cfg.marketMaking.referencePrice, this.inst);
      if (this.book !== undefined) this.reference.onBook(this.book);
    }
    if (previous.volume.enabled !== this.cfg.volume.enabled && this.volume !== undefined) {
      if (this.cfg.volume.enabled && this.lifecycle === 'RUNNING') this.volume.start();
      else if (!this.cfg.volume.enabled) this.volume.stop();
    }
    this.log('info', 'configuration updated');
  }

  private makeExecutor(inst: Instrument): Executor {
    return new Executor({
      botId: this.id,
      clock: this.clock,
      adapter: this.adapter,
      instrument: inst,
      orders: this.orders,
      ids: new ClientIdGenerator(this.orders.prefix, this.rng.fork('ids'), () => this.clock.now()),
      journal: this.journal,
      stpMode: this.adapter.capabilities.stpModes.includes('expire_taker') ? 'expire_taker' : undefined,
      hooks: {
        check: (request) => this.checkRequest(request),
        denied: (denial) => this.onDenied(denial),
        orderChanged: (order, tag) => {
          this.events.emit('order', { botId: this.id, order, tag, at: this.clock.now() });
          this.journal.recordOrder(this.id, order, tag);
        },
        fillFound: (fill) => this.guard(() => this.handleFill(fill)),
        rejected: () => this.risk.recordReject(this.clock.now()),
        apiError: (error) => {
          this.risk.recordApiError(this.clock.now());
          this.log('warn', `venue error: ${error.code}: ${error.message}`);
        },
        storageFailed: (error) => this.onStorageFailure(error),
        log: (level, message, details) => this.log(level, message, details),
      },
    });
  }

  private makeVolumeLeg(inst: Instrument): VolumeLeg {
    return new VolumeLeg({
      clock: this.clock,
      rng: this.rng.fork('volume'),
      instrument: inst,
      executor: this.executor!,
      orders: this.orders,
      config: () => this.cfg.volume,
      targetBasePct: () => this.cfg.marketMaking.inventorySkew.targetBasePct,
      market: () => this.marketView(),
      ownBook: () => this.account.ownBook(inst.symbol),
      inventory: () => this.inventoryView(),
      progress: (now) => {
        const today = this.ledger!.figures(undefined, now).today;
        return { tradedToday: today.maker + today.taker, volumeLegThisHour: this.ledger!.volumeLegInHour(now), feesToday: today.fees, volumeLegLossToday: fx.max(0n, today.volumeLegCost) };
      },
      mayTrade: () =>
        this.lifecycle === 'RUNNING' && !this.reconciling && this.tradingState === 'ACTIVE' && !this.risk.quotingBlocked && this.clock.now() >= this.storageBlockedUntil,
      log: (level, message, details) => this.log(level, message, details),
      fail: (error) => this.fail(error),
    });
  }
}

/** Keeps levels (best first) until their total reaches `maxLots`; the last one shrinks to fit. */
function capLevels(levels: readonly DesiredQuote[], maxLots: number): DesiredQuote[] {
  const out: DesiredQuote[] = [];
  let left = maxLots;
  for (const level of levels) {
    if (left <= 0) break;
    const qtyLots = Math.min(level.qtyLots, left);
    out.push(qtyLots === level.qtyLots ? level : { ...level, qtyLots });
    left -= qtyLots;
  }
  return out;
}

/** An order found at the venue that storage did not know (e.g. placed just before a crash). */
function adoptedRecord(report: VenueOrder): OrderRecord {
  return {
    clientOrderId: report.clientOrderId,
    venueOrderId: report.venueOrderId,
    symbol: report.symbol,
    side: report.side,
    type: report.type,
    timeInForce: report.timeInForce,
    priceTicks: report.priceTicks,
    qtyLots: report.qtyLots,
    filledLots: 0,
    filledTickLots: 0n,
    reduceOnly: report.reduceOnly,
    status: 'open',
    pendingAmend: undefined,
    createdAt: report.createdAt,
    updatedAt: report.updatedAt,
    reason: undefined,
  };
}
