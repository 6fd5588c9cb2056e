// A paper world at backtest speed for engine tests: SimClock, simulated markets, BotManager.
import { SimClock, botConfigSchema } from '@mm/core';
import type { BotConfig, BotConfigInput } from '@mm/core';
import { PaperWorld, ZERO_LATENCY } from '@mm/exchange-sim';
import type { Funding, LatencyModel, PaperMarketSpec, PaperWorldOptions } from '@mm/exchange-sim';
import type { VenueAdapter } from '@mm/exchange';
import { BotManager } from '../src/bot-manager.ts';
import type { VenueProvider } from '../src/bot-manager.ts';
import type { BotTimings } from '../src/bot.ts';
import { MemoryJournal } from '../src/journal.ts';

export const T0 = Date.UTC(2026, 0, 5, 8, 0, 0);

export const SPOT_MARKET: PaperMarketSpec = {
  instrument: { symbol: 'TSTUSDT', base: 'TST', quote: 'USDT', kind: 'spot', tickSize: '0.0001', lotSize: '1', minQty: '1', minNotional: '5' },
  path: { kind: 'random-walk', startPrice: 1, dailyVolatility: 0.03 },
  takers: { perSecond: 1, medianNotional: 60 },
};

export const PERP_MARKET: PaperMarketSpec = {
  instrument: { symbol: 'TSTPERP', base: 'TST', quote: 'USDT', kind: 'perp', tickSize: '0.0001', lotSize: '1', minQty: '1', minNotional: '5' },
  path: { kind: 'random-walk', startPrice: 1, dailyVolatility: 0.03 },
  takers: { perSecond: 1, medianNotional: 60 },
};

export interface PaperSetup {
  readonly clock: SimClock;
  readonly world: PaperWorld;
  readonly journal: MemoryJournal;
  readonly manager: BotManager;
  config(overrides?: Partial<BotConfigInput> & Record<string, unknown>): BotConfig;
  advance(ms: number): Promise<void>;
  /** Starts a bot and lets the simulated market run until it has quoted (or `ms` passed). */
  startBot(id: string, config: BotConfig, ms?: number): Promise<void>;
}

export interface PaperSetupOptions {
  readonly markets?: PaperMarketSpec[];
  readonly funding?: Funding;
  readonly latency?: Partial<LatencyModel>;
  readonly timings?: Partial<BotTimings>;
  readonly journal?: MemoryJournal;
  readonly world?: PaperWorld;
  readonly clock?: SimClock;
  readonly seed?: number;
  readonly worldOptions?: Partial<PaperWorldOptions>;
  /** Wraps each venue adapter the bots get, e.g. to slow one kind of request down. */
  readonly wrapAdapter?: (adapter: VenueAdapter) => VenueAdapter;
}

export function paperSetup(options: PaperSetupOptions = {}): PaperSetup {
  const clock = options.clock ?? new SimClock(T0);
  const world =
    options.world ??
    new PaperWorld({ clock, seed: options.seed ?? 1, markets: options.markets ?? [SPOT_MARKET, PERP_MARKET], latency: options.latency ?? { ...ZERO_LATENCY, orderEntryMs: 5, responseMs: 5, marketDataMs: 5, privateMs: 5 }, defaultFunding: options.funding ?? { USDT: '10000', TST: '10000' }, ...options.worldOptions });
  const journal = options.journal ?? new MemoryJournal((symbol) => world.exchange.instrument(symbol));
  const venues = options.wrapAdapter === undefined ? world : wrappedVenues(world, options.wrapAdapter);
  const manager = new BotManager({ clock, journal, venues, timings: { statsIntervalMs: 5_000, ...options.timings } });
  world.start();
  const advance = (ms: number) => clock.runUntil(clock.now() + ms);
  return {
    clock,
    world,
    journal,
    manager,
    config: (overrides = {}) => botConfigSchema.parse({ name: 'test bot', accountId: 'acct', symbol: 'TSTUSDT', ...overrides }),
    advance,
    startBot: async (id, config, ms = 5_000) => {
      await manager.add(id, config);
      const starting = manager.start(id);
      await advance(ms);
      await starting;
    },
  };
}

/** The world's adapters through `wrap`, one wrapper per adapter so bots sharing a venue still share it. */
function wrappedVenues(world: PaperWorld, wrap: (adapter: VenueAdapter) => VenueAdapter): VenueProvider {
  const wrapped = new WeakMap<VenueAdapter, VenueAdapter>();
  const once = (adapter: VenueAdapter): VenueAdapter => {
    let w = wrapped.get(adapter);
    if (w === undefined) wrapped.set(adapter, (w = wrap(adapter)));
    return w;
  };
  return {
    adapterFor: async (config) => once(await world.adapterFor(config)),
    externalAdapterFor: async (account, symbol) => once(await world.externalAdapterFor(account, symbol)),
  };
}
