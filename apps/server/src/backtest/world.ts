// The market a backtest runs in, behind one function, so the rest of the backtest does not care
// whether prices and counterparties are synthetic (PaperWorld) or replayed from a recording.
import { basename } from 'node:path';
import { EngineError, SimClock } from '@mm/core';
import type { Clock, Fixed } from '@mm/core';
import type { VenueProvider } from '@mm/engine';
import { DEFAULT_FUNDING, DEMO_MARKETS, PaperWorld, ReplayWorld } from '@mm/exchange-sim';
import type { SimExchange } from '@mm/exchange-sim';
import { loadRecording } from '@mm/market-data';
import type { LoadedRecording } from '@mm/market-data';
import type { BacktestSpec, MarketSource, RecordedMarketSpec } from './types.ts';

/** What the backtest needs from its market: PaperWorld's surface plus a mid and a description. */
export interface BacktestWorld {
  /** What the bot manager trades through. */
  readonly venues: VenueProvider;
  /** The venue's own record: instruments, balances, positions, fills, marks, self-trade counters. */
  readonly exchange: SimExchange;
  readonly source: MarketSource;
  start(): void;
  stop(): void;
  /** Creates and funds the account on first use. */
  ensureAccount(accountId: string): void;
  /** The market's mid now, exact (half a tick allowed); undefined while a side is empty. */
  mid(symbol: string): Fixed | undefined;
}

/** The world, the clock it runs on, and the period the market has data for. */
export interface BacktestSetting {
  readonly world: BacktestWorld;
  readonly clock: SimClock;
  readonly start: number;
  /** The recording's last event: the run ends there at the latest (undefined: synthetic, endless). */
  readonly dataEnd: number | undefined;
}

export const DEFAULT_START = '2026-01-05T00:00:00Z';

/**
 * Recordings decoded in this thread, by path: a sweep worker runs many backtests on one file and
 * decodes it once. The events are only read (the player walks them, the market copies what it
 * keeps). A failed load is forgotten, so the next run tries again.
 */
const recordings = new Map<string, Promise<LoadedRecording>>();

function cachedRecording(path: string): Promise<LoadedRecording> {
  let loading = recordings.get(path);
  if (loading === undefined) {
    loading = loadRecording(path);
    recordings.set(path, loading);
    loading.catch(() => {
      if (recordings.get(path) === loading) recordings.delete(path);
    });
  }
  return loading;
}

export async function createSetting(spec: BacktestSpec, seed: number): Promise<BacktestSetting> {
  if (spec.recorded !== undefined) return recordedSetting(spec, spec.recorded, seed);
  const start = Date.parse(spec.start ?? DEFAULT_START);
  const clock = new SimClock(start);
  return { world: createWorld(spec, clock, seed), clock, start, dataEnd: undefined };
}

async function recordedSetting(spec: BacktestSpec, recorded: RecordedMarketSpec, seed: number): Promise<BacktestSetting> {
  if (recorded.instrument.symbol !== spec.bot.symbol) {
    throw new EngineError('INVALID_CONFIG', `the recorded market's instrument is ${recorded.instrument.symbol} but the bot trades ${spec.bot.symbol}`, { details: { field: 'recorded.instrument.symbol' } });
  }
  const loaded = await cachedRecording(recorded.recording);
  if (loaded.header.symbol !== recorded.instrument.symbol) {
    throw new EngineError('INVALID_CONFIG', `${recorded.recording} records ${loaded.header.symbol}, not ${recorded.instrument.symbol}`, { details: { field: 'recorded.recording' } });
  }
  const events = loaded.events;
  if (events.length === 0) throw new EngineError('INVALID_CONFIG', `${recorded.recording} holds no events`);
  const first = events[0]!.ts;
  const start = spec.start === undefined ? Math.floor(first) : Date.parse(spec.start);
  const clock = new SimClock(Math.min(start, Math.floor(first)));
  const world = new ReplayWorld({
    clock,
    seed,
    instrument: recorded.instrument,
    events,
    ...(spec.latency === undefined ? {} : { latency: spec.latency }),
    ...(recorded.mdLatencyMs === undefined ? {} : { mdLatencyMs: recorded.mdLatencyMs }),
    ...(spec.fees === undefined ? {} : { fees: spec.fees }),
    ...(recorded.queueModel === undefined ? {} : { queueModel: recorded.queueModel }),
    defaultFunding: spec.funding ?? DEFAULT_FUNDING,
  });
  const h = loaded.header;
  const cut = loaded.status.truncated ? ' (the file is cut short: replayed up to the cut)' : '';
  return {
    world: {
      venues: world,
      exchange: world.exchange,
      source: {
        kind: 'recorded',
        description: `${h.venue} ${h.symbol} ${h.market}, recorded ${new Date(first).toISOString()} → ${new Date(events[events.length - 1]!.ts).toISOString()} (${basename(recorded.recording)}, ${h.source}, ${events.length} events)${cut}; queue model ${describeQueue(recorded.queueModel)}`,
      },
      start: () => world.start(),
      stop: () => world.stop(),
      ensureAccount: (id) => world.ensureAccount(id),
      mid: (symbol) => world.mid(symbol),
    },
    clock,
    start,
    dataEnd: Math.ceil(events[events.length - 1]!.ts),
  };
}

function describeQueue(model: RecordedMarketSpec['queueModel']): string {
  if (model === undefined) return 'proportional';
  if (typeof model === 'string') return model;
  return 'kind' in model && model.kind === 'power' ? `power (exponent ${model.exponent})` : 'custom';
}

export function createWorld(spec: BacktestSpec, clock: Clock, seed: number): BacktestWorld {
  const markets = spec.markets ?? DEMO_MARKETS;
  const world = new PaperWorld({
    clock,
    seed,
    markets,
    ...(spec.latency === undefined ? {} : { latency: spec.latency }),
    ...(spec.fees === undefined ? {} : { fees: spec.fees }),
    defaultFunding: spec.funding ?? DEFAULT_FUNDING,
  });
  const traded = markets.filter((m) => m.instrument.symbol === spec.bot.symbol);
  const model = (traded.length > 0 ? traded : markets).map((m) => `${m.instrument.symbol}: ${m.path.kind} price path`).join('; ');
  return {
    venues: world,
    exchange: world.exchange,
    source: { kind: 'synthetic', description: `built-in simulator (${model}) with background makers, noise and informed takers and arbitrageurs` },
    start: () => world.start(),
    stop: () => world.stop(),
    ensureAccount: (id) => world.ensureAccount(id),
    mid: (symbol) => world.exchange.mid(symbol),
  };
}

