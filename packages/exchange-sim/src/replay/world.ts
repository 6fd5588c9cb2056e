// The replay world: the simulated exchange trading against recorded markets instead of
// simulated participants, with a SimVenue per account as in PaperWorld (the same surface, so
// the engine and the backtest use either). Recorded events are played on the clock (a SimClock
// jumps from event to event) or pushed by a live feed (`market(symbol).apply(event)` with a
// LiveClock: paper trading on a real market). Latency: order entry, responses and private
// streams as SimVenue models them; public data (the book at the venue's interval, recorded
// trades) reaches the bots `mdLatencyMs` after its exchange time, while fills are decided on
// the exchange's timeline. A pushed world may start without markets and add them as bots ask
// (`addMarket`), and saves and restores its accounts (`exportState`, `restore`).
import { EngineError, Rng, fx } from '@mm/core';
import type { Clock, Fixed, InstrumentDef, TimerHandle } from '@mm/core';
import type { MarketKind, VenueAdapter } from '@mm/exchange';
import type { MarketEvent } from '@mm/market-data';
import { SimExchange } from '../exchange.ts';
import { exportSimState, importSimState } from '../state.ts';
import type { SimState } from '../state.ts';
import { TYPICAL_LATENCY } from '../venue.ts';
import type { LatencyModel, SimVenue } from '../venue.ts';
import { DEFAULT_FUNDING, newPaperVenue, openPaperAccount } from '../world.ts';
import type { Funding } from '../world.ts';
import type { QueueModelSpec } from './cancel-model.ts';
import { ReplayMarket } from './market.ts';
import { EventPlayer } from './player.ts';

export interface ReplayMarketSpec {
  readonly instrument: InstrumentDef;
  /** The recording in time order; omitted: the market is fed with `market(symbol).apply()`. */
  readonly events?: readonly MarketEvent[];
}

/**
 * What a replay world saves: our accounts (balances, positions, resting orders, history) and
 * the instruments they traded. Never the recorded market's own account or its copy of the book:
 * those come from the data again.
 */
export interface ReplayWorldState {
  readonly exchange: SimState;
  readonly instruments: readonly InstrumentDef[];
}

export interface ReplayWorldOptions {
  readonly clock: Clock;
  /** Seeds order-entry jitter (default 1). */
  readonly seed?: number | string;
  /** One market: its instrument and events (or use `markets`). */
  readonly instrument?: InstrumentDef;
  readonly events?: readonly MarketEvent[];
  readonly markets?: readonly ReplayMarketSpec[];
  /** SimVenue latencies (default TYPICAL_LATENCY). */
  readonly latency?: Partial<LatencyModel>;
  /** Public data delay after exchange time; overrides latency.marketDataMs. */
  readonly mdLatencyMs?: number;
  /** The exchange's default fee tier; per account: exchange.setAccountFees. */
  readonly fees?: { readonly maker: string; readonly taker: string };
  readonly queueModel?: QueueModelSpec;
  /** Funding of accounts created on first use. */
  readonly defaultFunding?: Funding;
  /** How often changed books are published (default 100 ms). */
  readonly bookIntervalMs?: number;
  readonly reconnectDelayMs?: number;
  /** Decimal places finer than a lot that recorded sizes are counted in (default 4). */
  readonly subLotDecimals?: number;
  /** Perps: how often the mark is set from the recorded mid (default 1000 ms; 0: never). */
  readonly markIntervalMs?: number;
  /** Perp funding interval (default 8 h; 0 disables). */
  readonly fundingIntervalMs?: number;
  /** Treat books as known from the first event (recordings that start with diffs). */
  readonly startKnown?: boolean;
  /**
   * Republish an unchanged book this often while it is known (default 1000 ms), as a venue's
   * partial-depth stream does. A quiet market (recorded or live) changes nothing for a while;
   * the bots must not read that as stale data.
   */
  readonly bookKeepaliveMs?: number;
  /** A saved state to continue from; its instruments not among the markets are added (pushed). */
  readonly restore?: ReplayWorldState;
}

export class ReplayWorld {
  readonly exchange: SimExchange;
  private readonly clock: Clock;
  private readonly rng: Rng;
  private readonly latency: Partial<LatencyModel>;
  private readonly funding: Funding;
  private readonly venueTiming: { bookIntervalMs?: number; reconnectDelayMs?: number; bookKeepaliveMs?: number };
  private readonly marketOptions: Pick<ReplayWorldOptions, 'queueModel' | 'subLotDecimals' | 'startKnown'>;
  /** Accounts given to ensureAccount: a market added later follows their orders too. */
  private readonly accounts = new Set<string>();
  private readonly replays = new Map<string, ReplayMarket>();
  private readonly players: EventPlayer[] = [];
  private readonly venues = new Map<string, SimVenue>();
  private readonly markIntervalMs: number;
  private markTimer: TimerHandle | undefined;
  private started = false;

  constructor(options: ReplayWorldOptions) {
    const given = options.markets ?? (options.instrument === undefined ? [] : [{ instrument: options.instrument, ...(options.events === undefined ? {} : { events: options.events }) }]);
    // an empty `markets` is a pushed world that adds its markets later
    if (given.length === 0 && options.markets === undefined) throw new EngineError('INVALID_ARGUMENT', 'a replay world needs a market: give instrument (and events) or markets');
    if (options.markets !== undefined && options.instrument !== undefined) throw new EngineError('INVALID_ARGUMENT', 'give either instrument or markets, not both');
    const restoredOnly = (options.restore?.instruments ?? []).filter((def) => !given.some((s) => s.instrument.symbol === def.symbol));
    const specs: readonly ReplayMarketSpec[] = [...given, ...restoredOnly.map((instrument) => ({ instrument }))];
    this.clock = options.clock;
    this.rng = new Rng(options.seed ?? 1);
    this.latency = { ...(options.latency ?? TYPICAL_LATENCY), ...(options.mdLatencyMs === undefined ? {} : { marketDataMs: options.mdLatencyMs }) };
    this.funding = options.defaultFunding ?? DEFAULT_FUNDING;
    this.markIntervalMs = options.markIntervalMs ?? 1000;
    this.venueTiming = {
      ...(options.bookIntervalMs === undefined ? {} : { bookIntervalMs: options.bookIntervalMs }),
      ...(options.reconnectDelayMs === undefined ? {} : { reconnectDelayMs: options.reconnectDelayMs }),
      bookKeepaliveMs: options.bookKeepaliveMs ?? 1000,
    };
    this.marketOptions = {
      ...(options.queueModel === undefined ? {} : { queueModel: options.queueModel }),
      ...(options.subLotDecimals === undefined ? {} : { subLotDecimals: options.subLotDecimals }),
      ...(options.startKnown === undefined ? {} : { startKnown: options.startKnown }),
    };
    this.exchange = new SimExchange({
      clock: options.clock,
      instruments: specs.map((s) => s.instrument),
      ...(options.fees === undefined ? {} : { fees: { maker: fx.parse(options.fees.maker), taker: fx.parse(options.fees.taker) } }),
      ...(options.fundingIntervalMs === undefined ? {} : { fundingIntervalMs: options.fundingIntervalMs }),
    });
    for (const spec of specs) {
      const symbol = spec.instrument.symbol;
      if (this.replays.has(symbol)) throw new EngineError('INVALID_ARGUMENT', `market ${symbol} is given twice`);
      const market = new ReplayMarket({ exchange: this.exchange, symbol, ...this.marketOptions });
      this.replays.set(symbol, market);
      if (spec.events !== undefined) this.players.push(new EventPlayer(this.clock, spec.events, market));
    }
    if (options.restore !== undefined) importSimState(this.exchange, options.restore.exchange);
  }

  hasMarket(symbol: string): boolean {
    return this.replays.has(symbol);
  }

  /**
   * Adds a pushed market (no recording) to a world that may be running: the accounts it knows
   * trade there too, with their orders in its queues.
   */
  addMarket(instrument: InstrumentDef): ReplayMarket {
    if (this.replays.has(instrument.symbol)) throw new EngineError('CONFLICT', `the replay has a market ${instrument.symbol} already`);
    this.exchange.addInstrument(instrument);
    const market = new ReplayMarket({ exchange: this.exchange, symbol: instrument.symbol, ...this.marketOptions });
    this.replays.set(instrument.symbol, market);
    for (const account of this.accounts) market.track(account);
    if (this.started && market.inst.kind === 'perp') this.startMarks();
    return market;
  }

  /** Our accounts as they stand, for a restart (see ReplayWorldState). */
  exportState(): ReplayWorldState {
    const recordedMarkets = new Set(this.markets.map((m) => m.counterparty));
    return {
      exchange: exportSimState(this.exchange, { skipAccount: (name) => recordedMarkets.has(name) }),
      instruments: this.exchange.instruments().map((inst) => inst.toJSON()),
    };
  }

  /** The recorded market of a symbol: its book, counters, and `apply` for live feeds. */
  market(symbol: string): ReplayMarket {
    const market = this.replays.get(symbol);
    if (market === undefined) throw new EngineError('UNKNOWN_SYMBOL', `the replay has no market ${symbol}; available: ${[...this.replays.keys()].join(', ')}`);
    return market;
  }

  get markets(): readonly ReplayMarket[] {
    return [...this.replays.values()];
  }

  /** First and last exchange time of the recordings (undefined without any). */
  get span(): { readonly start: number; readonly end: number } | undefined {
    let start = Number.POSITIVE_INFINITY;
    let end = Number.NEGATIVE_INFINITY;
    for (const { events } of this.players) {
      if (events.length === 0) continue;
      start = Math.min(start, events[0]!.ts);
      end = Math.max(end, events[events.length - 1]!.ts);
    }
    return start <= end ? { start, end } : undefined;
  }

  /** Every recording has been played. */
  get finished(): boolean {
    return this.players.every((p) => p.done);
  }

  /** The recorded mid of a symbol (exact), undefined while its book is unknown or one-sided. */
  mid(symbol: string): Fixed | undefined {
    return this.market(symbol).mid();
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    for (const player of this.players) player.start();
    if (this.markets.some((m) => m.inst.kind === 'perp')) this.startMarks();
  }

  /** Perps: the mark follows the recorded mid (markets added later included). */
  private startMarks(): void {
    if (this.markTimer !== undefined || this.markIntervalMs <= 0) return;
    this.markTimer = this.clock.setInterval(
      () => {
        for (const market of this.replays.values()) {
          if (market.inst.kind !== 'perp') continue;
          const mid = market.mid();
          if (mid !== undefined) this.exchange.setMarkPrice(market.symbol, mid);
        }
      },
      this.markIntervalMs,
      { pure: true },
    );
  }

  stop(): void {
    this.started = false;
    for (const player of this.players) player.stop();
    this.clock.clearTimer(this.markTimer);
    this.markTimer = undefined;
  }

  /** Creates and funds an account on first use; its orders on every recorded market follow the recorded queues. */
  ensureAccount(accountId: string, funding: Funding = this.funding): void {
    this.accounts.add(accountId);
    openPaperAccount(this.exchange, accountId, funding);
    for (const market of this.replays.values()) market.track(accountId);
  }

  venue(accountId: string, market: MarketKind): SimVenue {
    const key = `${accountId}:${market}`;
    let venue = this.venues.get(key);
    if (venue === undefined) {
      this.ensureAccount(accountId);
      const bookAvailable = (symbol: string) => this.replays.get(symbol)?.book.known ?? true;
      venue = newPaperVenue({ exchange: this.exchange, clock: this.clock, rng: this.rng, latency: this.latency, ...this.venueTiming, bookAvailable }, accountId, market);
      this.venues.set(key, venue);
    }
    return venue;
  }

  async adapterFor(config: { readonly accountId: string; readonly symbol: string }): Promise<VenueAdapter> {
    return this.venue(config.accountId, this.market(config.symbol).inst.kind);
  }

  async externalAdapterFor(accountId: string, symbol: string): Promise<VenueAdapter> {
    return this.venue(`${accountId}-reference`, this.market(symbol).inst.kind);
  }

  /** Closes every venue and stops every timer of the world. */
  async closeAll(): Promise<void> {
    this.stop();
    for (const venue of this.venues.values()) await venue.close();
    this.exchange.dispose();
  }
}
