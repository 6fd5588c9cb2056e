// The paper-trading world: one simulated exchange with its simulated markets, and a SimVenue per
// account. Paper bots (the server, with a LiveClock) and backtests (a SimClock) both run in it.
import { EngineError, Rng, fx } from '@mm/core';
import type { Clock, InstrumentDef } from '@mm/core';
import type { MarketKind, VenueAdapter } from '@mm/exchange';
import { SimExchange } from './exchange.ts';
import { MarketSimulator } from './market.ts';
import type { ArbitrageConfig, LiquidityConfig, TakerConfig } from './market.ts';
import type { PricePathConfig } from './price-path.ts';
import { SimVenue, TYPICAL_LATENCY } from './venue.ts';
import type { LatencyModel, SimVenueOptions } from './venue.ts';
import { exportSimState, importSimState } from './state.ts';
import type { SimState } from './state.ts';

/** What a paper world saves: the exchange and where each simulated market's price had got to. */
export interface PaperWorldState {
  readonly exchange: SimState;
  readonly fairPrices: Readonly<Record<string, number>>;
}

export interface PaperMarketSpec {
  readonly instrument: InstrumentDef;
  readonly path: PricePathConfig;
  readonly liquidity?: Partial<LiquidityConfig>;
  readonly takers?: Partial<TakerConfig>;
  readonly arbitrage?: Partial<ArbitrageConfig>;
}

/** What a new paper account is funded with, per asset. */
export type Funding = Readonly<Record<string, string>>;

export interface PaperWorldOptions {
  readonly clock: Clock;
  readonly seed: number | string;
  readonly markets: readonly PaperMarketSpec[];
  readonly latency?: Partial<LatencyModel>;
  readonly fees?: { readonly maker: string; readonly taker: string };
  /** Funding of accounts created on first use. */
  readonly defaultFunding?: Funding;
  /** How often changed books are published (default 100 ms, like most venues). */
  readonly bookIntervalMs?: number;
  /** How long a dropped stream stays down (fault injection). */
  readonly reconnectDelayMs?: number;
  /** A saved state to continue from (accounts, orders, history, prices). */
  readonly restore?: PaperWorldState;
  /** How long the venue remembers closed orders and fills (see SimExchangeOptions.historyMaxAgeMs). */
  readonly historyMaxAgeMs?: number;
}

/** Two demo markets: a low-priced spot token and a perpetual, both with a lively simulated market. */
export const DEMO_MARKETS: readonly PaperMarketSpec[] = [
  {
    instrument: { symbol: 'DEMOUSDT', base: 'DEMO', quote: 'USDT', kind: 'spot', tickSize: '0.0001', lotSize: '1', minQty: '1', minNotional: '5' },
    path: { kind: 'random-walk', startPrice: 0.5, dailyVolatility: 0.06 },
    takers: { perSecond: 0.6, medianNotional: 120 },
  },
  {
    instrument: { symbol: 'DEMOUSDT-PERP', base: 'DEMO', quote: 'USDT', kind: 'perp', tickSize: '0.0001', lotSize: '1', minQty: '1', minNotional: '5' },
    path: { kind: 'random-walk', startPrice: 0.5, dailyVolatility: 0.06 },
    takers: { perSecond: 0.6, medianNotional: 150 },
  },
];

export const DEFAULT_FUNDING: Funding = { USDT: '10000', DEMO: '20000' };

/** Opens a paper account, self-trade prevention on, with its funding; no-op when it exists. */
export function openPaperAccount(exchange: SimExchange, accountId: string, funding: Funding): void {
  if (exchange.hasAccount(accountId)) return;
  exchange.createAccount(accountId, { stpMode: 'expire_taker' });
  for (const [asset, amount] of Object.entries(funding)) exchange.deposit(accountId, asset, fx.parse(amount));
}

/** What a world gives every venue it makes. */
export type PaperVenueBase = Pick<SimVenueOptions, 'exchange' | 'clock' | 'rng' | 'latency' | 'bookIntervalMs' | 'reconnectDelayMs' | 'bookKeepaliveMs' | 'bookAvailable'>;

/** One account's venue on one market kind, with its own random stream. */
export function newPaperVenue(base: PaperVenueBase, accountId: string, market: MarketKind): SimVenue {
  const key = `${accountId}:${market}`;
  return new SimVenue({ ...base, account: accountId, rng: base.rng.fork(`venue/${key}`), market, accountKey: `sim:${key}` });
}

/** Serves as the engine's venue provider (structurally): one SimVenue per paper account and market. */
export class PaperWorld {
  readonly exchange: SimExchange;
  readonly simulators: MarketSimulator[];
  private readonly clock: Clock;
  private readonly rng: Rng;
  private readonly venues = new Map<string, SimVenue>();
  private readonly latency: Partial<LatencyModel>;
  private readonly funding: Funding;
  private readonly venueTiming: { bookIntervalMs?: number; reconnectDelayMs?: number };
  private started = false;

  constructor(options: PaperWorldOptions) {
    this.clock = options.clock;
    this.rng = new Rng(options.seed);
    this.latency = options.latency ?? TYPICAL_LATENCY;
    this.funding = options.defaultFunding ?? DEFAULT_FUNDING;
    this.venueTiming = {
      ...(options.bookIntervalMs === undefined ? {} : { bookIntervalMs: options.bookIntervalMs }),
      ...(options.reconnectDelayMs === undefined ? {} : { reconnectDelayMs: options.reconnectDelayMs }),
    };
    this.exchange = new SimExchange({
      clock: options.clock,
      instruments: options.markets.map((m) => m.instrument),
      ...(options.historyMaxAgeMs === undefined ? {} : { historyMaxAgeMs: options.historyMaxAgeMs }),
      ...(options.fees === undefined ? {} : { fees: { maker: fx.parse(options.fees.maker), taker: fx.parse(options.fees.taker) } }),
    });
    const resumeAt = options.restore?.fairPrices ?? {};
    this.simulators = options.markets.map(
      (m) =>
        new MarketSimulator(this.exchange, options.clock, this.rng.fork(`market/${m.instrument.symbol}`), {
          symbol: m.instrument.symbol,
          // a restored random walk carries on from where its price had got to
          path: m.path.kind === 'random-walk' && resumeAt[m.instrument.symbol] !== undefined ? { ...m.path, startPrice: resumeAt[m.instrument.symbol]! } : m.path,
          ...(m.liquidity === undefined ? {} : { liquidity: m.liquidity }),
          ...(m.takers === undefined ? {} : { takers: m.takers }),
          ...(m.arbitrage === undefined ? {} : { arbitrage: m.arbitrage }),
        }),
    );
    if (options.restore !== undefined) importSimState(this.exchange, options.restore.exchange);
  }

  /** Accounts of the simulated market's own participants: recreated on start, never saved. */
  static isBackgroundAccount(name: string): boolean {
    return name.includes(':');
  }

  exportState(): PaperWorldState {
    return {
      exchange: exportSimState(this.exchange, { skipAccount: (name) => PaperWorld.isBackgroundAccount(name) }),
      fairPrices: Object.fromEntries(this.simulators.map((s) => [s.symbol, s.fairPrice])),
    };
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    for (const sim of this.simulators) sim.start();
  }

  stop(): void {
    this.started = false;
    for (const sim of this.simulators) sim.stop();
  }

  /** Creates and funds a paper account on first use. */
  ensureAccount(accountId: string, funding: Funding = this.funding): void {
    openPaperAccount(this.exchange, accountId, funding);
  }

  venue(accountId: string, market: MarketKind): SimVenue {
    const key = `${accountId}:${market}`;
    let venue = this.venues.get(key);
    if (venue === undefined) {
      this.ensureAccount(accountId);
      venue = newPaperVenue({ exchange: this.exchange, clock: this.clock, rng: this.rng, latency: this.latency, ...this.venueTiming }, accountId, market);
      this.venues.set(key, venue);
    }
    return venue;
  }

  async adapterFor(config: { readonly accountId: string; readonly symbol: string }): Promise<VenueAdapter> {
    const inst = this.exchange.instruments().find((i) => i.symbol === config.symbol);
    if (inst === undefined) {
      throw new EngineError('UNKNOWN_SYMBOL', `the simulated exchange has no market ${config.symbol}; available: ${this.exchange.instruments().map((i) => i.symbol).join(', ')}`);
    }
    return this.venue(config.accountId, inst.kind);
  }

  async externalAdapterFor(accountId: string, symbol: string): Promise<VenueAdapter> {
    return this.venue(`${accountId}-reference`, this.exchange.instrument(symbol).kind);
  }

  /** Closes every venue and stops every timer of the world. */
  async closeAll(): Promise<void> {
    this.stop();
    for (const venue of this.venues.values()) await venue.close();
    this.exchange.dispose();
  }
}
