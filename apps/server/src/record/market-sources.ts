// Where the recorder gets public market data: the venue adapters' own market streams, without
// credentials. `sim` is the built-in demo market (PaperWorld, as `npm start` builds it), so
// recording works offline; Asterdex perp and spot use the adapter's MarketStream over a REST
// client without keys; any ccxt venue uses CcxtSpotAdapter in its market-data-only mode.
import { EngineError, EventBus, Instrument, Rng } from '@mm/core';
import type { Clock, MarketKindName } from '@mm/core';
import type { VenueAdapter, VenueEvents } from '@mm/exchange';
import { AsterApi, AsterRestClient, MarketStream, toInstrumentDef } from '@mm/exchange-asterdex';
import type { AsterStreamOptions, AsterUrls, SymbolJson } from '@mm/exchange-asterdex';
import { CcxtSpotAdapter } from '@mm/exchange-ccxt';
import type { CcxtSpotAdapterOptions, CcxtUrls } from '@mm/exchange-ccxt';
import { DEMO_MARKETS, PaperWorld } from '@mm/exchange-sim';

/** The part of a venue adapter the recorder uses. */
export type MarketFeed = Pick<VenueAdapter, 'events' | 'subscribeMarket'>;

export interface MarketSource {
  /** The venue as the recording's header names it. */
  readonly venue: string;
  readonly market: MarketKindName;
  readonly feed: MarketFeed;
  readonly instrument: Instrument;
  /** Book sequence breaks the feed repaired by itself (a local book resync), where it counts them. */
  sequenceGaps?(): number;
  close(): Promise<void>;
}

export interface SourceSpec {
  /** 'sim', 'asterdex', or a ccxt exchange id (optionally 'ccxt:<id>'). */
  readonly venue: string;
  readonly symbol: string;
  /** Default: the symbol's market (sim), perp (asterdex), spot (ccxt). */
  readonly market?: MarketKindName;
}

export interface SourceDeps {
  readonly clock: Clock;
  readonly rng?: Rng;
  /** Asterdex: base URLs (a mock, a testnet); otherwise the ASTERDEX_* variables, then the venue's. */
  readonly asterUrls?: AsterUrls;
  readonly asterStreams?: AsterStreamOptions;
  /** ccxt: URL overrides and tuning (tests point these at a local mock). */
  readonly ccxt?: { readonly urls?: CcxtUrls } & Partial<Omit<CcxtSpotAdapterOptions, 'exchangeId' | 'credentials' | 'clock' | 'rng'>>;
}

export async function openMarketSource(spec: SourceSpec, deps: SourceDeps): Promise<MarketSource> {
  const venue = spec.venue.trim().toLowerCase();
  const rng = deps.rng ?? new Rng(`recorder:${venue}:${spec.symbol}`);
  if (venue === 'sim') return simSource(spec, deps.clock);
  if (venue === 'asterdex') return asterSource(spec, deps, rng);
  return ccxtSource({ ...spec, venue: venue.replace(/^ccxt:/, '') }, deps, rng);
}

async function simSource(spec: SourceSpec, clock: Clock): Promise<MarketSource> {
  const market = DEMO_MARKETS.find((m) => m.instrument.symbol === spec.symbol);
  if (market === undefined) throw new EngineError('UNKNOWN_SYMBOL', `the sim venue has ${DEMO_MARKETS.map((m) => m.instrument.symbol).join(' and ')}, not ${spec.symbol}`);
  if (spec.market !== undefined && spec.market !== market.instrument.kind) throw new EngineError('INVALID_ARGUMENT', `${spec.symbol} is a ${market.instrument.kind} market on the sim venue`);
  const world = new PaperWorld({ clock, seed: 'recorder', markets: DEMO_MARKETS });
  world.start();
  const adapter = world.venue('recorder', market.instrument.kind);
  await adapter.connect();
  return { venue: 'sim', market: market.instrument.kind, feed: adapter, instrument: adapter.instrument(spec.symbol), close: () => world.closeAll() };
}

/** Asterdex's public side of one market: a REST client without keys and its exchange info. */
export interface AsterPublic {
  readonly rest: AsterRestClient;
  readonly api: AsterApi;
  readonly symbols: readonly SymbolJson[];
}

export async function asterPublic(market: MarketKindName, clock: Clock, urls: AsterUrls | undefined): Promise<AsterPublic> {
  // public endpoints only: no credentials, so the client refuses anything signed
  const rest = new AsterRestClient({ market: market === 'perp' ? 'futures' : 'spot', family: 'v1', clock, ...(urls === undefined ? {} : { urls }) });
  const api = new AsterApi(rest);
  const info = await api.exchangeInfo();
  return { rest, api, symbols: info.symbols ?? [] };
}

/** One symbol of Asterdex's exchange info as an instrument; undefined when it is not tradable here. */
export function asterInstrument(json: SymbolJson, market: MarketKindName): Instrument | undefined {
  const def = toInstrumentDef(json, market);
  return def === undefined ? undefined : new Instrument(def);
}

async function asterSource(spec: SourceSpec, deps: SourceDeps, rng: Rng): Promise<MarketSource> {
  const market = spec.market ?? 'perp';
  const { rest, api, symbols } = await asterPublic(market, deps.clock, deps.asterUrls);
  const json = symbols.find((s) => s.symbol === spec.symbol);
  const instrument = json === undefined ? undefined : asterInstrument(json, market);
  if (instrument === undefined) throw new EngineError('UNKNOWN_SYMBOL', `${spec.symbol} is not a ${market} market on Asterdex`);
  const events = new EventBus<VenueEvents>();
  const stream = new MarketStream({
    market: market === 'perp' ? 'futures' : 'spot',
    wsUrl: rest.connection.wsUrl,
    api,
    clock: deps.clock,
    rng: rng.fork('market-stream'),
    events,
    instrument: (symbol) => {
      if (symbol !== instrument.symbol) throw new EngineError('UNKNOWN_SYMBOL', `not recording ${symbol}`);
      return instrument;
    },
    ...deps.asterStreams,
  });
  return {
    venue: 'asterdex',
    market,
    instrument,
    feed: { events, subscribeMarket: (symbol) => stream.subscribe(symbol) },
    sequenceGaps: () => stream.book(instrument.symbol)?.gapCount ?? 0,
    close: async () => stream.close(),
  };
}

async function ccxtSource(spec: SourceSpec, deps: SourceDeps, rng: Rng): Promise<MarketSource> {
  if (spec.market === 'perp') throw new EngineError('INVALID_ARGUMENT', 'ccxt venues are recorded as spot markets');
  const adapter = new CcxtSpotAdapter({ ...deps.ccxt, exchangeId: spec.venue, credentials: {}, marketDataOnly: true, clock: deps.clock, rng });
  try {
    await adapter.connect();
    return { venue: spec.venue, market: 'spot', feed: adapter, instrument: adapter.instrument(spec.symbol), close: () => adapter.close() };
  } catch (error) {
    await adapter.close();
    throw error;
  }
}
