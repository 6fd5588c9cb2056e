// Backtest: one bot on the simulated exchange at full speed. The same Bot code as live and paper;
// only the clock (SimClock: time jumps from event to event) and the adapter (SimVenue) differ.
import { SimClock, botConfigSchema, fx } from '@mm/core';
import type { BotConfigInput, Fixed } from '@mm/core';
import { BotManager, MemoryJournal } from '@mm/engine';
import { DEFAULT_FUNDING, DEMO_MARKETS, PaperWorld } from '@mm/exchange-sim';
import type { Funding, LatencyModel, PaperMarketSpec } from '@mm/exchange-sim';
import { pacing } from '@mm/strategy';

export interface BacktestSpec {
  /** The bot's configuration (its accountId is replaced by the backtest account). */
  readonly bot: BotConfigInput;
  readonly markets?: readonly PaperMarketSpec[];
  readonly funding?: Funding;
  readonly fees?: { readonly maker: string; readonly taker: string };
  readonly latency?: Partial<LatencyModel>;
  /** Start of the simulated period (ISO date-time); default 2026-01-05T00:00:00Z. */
  readonly start?: string;
}

export interface BacktestOptions {
  readonly hours: number;
  readonly seed: number;
  /** Called about every simulated hour with progress (0..1). */
  readonly onProgress?: (done: number) => void;
}

export interface HourlyVolume {
  readonly hourStart: string;
  readonly total: string;
  readonly volumeLeg: string;
}

export interface BacktestReport {
  readonly symbol: string;
  readonly hours: number;
  readonly seed: number;
  readonly fills: { readonly count: number; readonly maker: number; readonly taker: number; readonly volumeLeg: number };
  readonly volume: {
    readonly total: string;
    readonly maker: string;
    readonly taker: string;
    readonly volumeLeg: string;
    readonly dailyTarget: string;
    /** total ÷ (target × days) in %. */
    readonly targetHitPct: number;
    readonly maxVolumeLegPerHour: string;
    /** Volume-leg fills outside the active windows (should be zero). */
    readonly volumeLegFillsOutsideWindows: number;
    readonly hourly: readonly HourlyVolume[];
  };
  readonly pnl: { readonly realized: string; readonly unrealized: string; readonly fees: string; readonly net: string; readonly equityStart: string; readonly equityEnd: string };
  readonly inventory: { readonly baseStart: string; readonly baseEnd: string; readonly baseMin: string; readonly baseMax: string };
  readonly maxDrawdown: string;
  readonly riskTrips: Readonly<Record<string, number>>;
  readonly riskDenials: Readonly<Record<string, number>>;
  readonly orders: { readonly placed: number; readonly canceled: number; readonly rejected: number };
  readonly selfTrades: number;
  readonly stpPrevented: number;
  readonly finalState: string;
  readonly wallSeconds: number;
  readonly simulatedEvents: number;
}

export async function runBacktest(spec: BacktestSpec, options: BacktestOptions): Promise<BacktestReport> {
  const wallStart = process.hrtime.bigint();
  const start = Date.parse(spec.start ?? '2026-01-05T00:00:00Z');
  const clock = new SimClock(start);
  const markets = spec.markets ?? DEMO_MARKETS;
  const world = new PaperWorld({
    clock,
    seed: options.seed,
    markets,
    ...(spec.latency === undefined ? {} : { latency: spec.latency }),
    ...(spec.fees === undefined ? {} : { fees: spec.fees }),
    defaultFunding: spec.funding ?? DEFAULT_FUNDING,
  });
  const config = botConfigSchema.parse({ ...spec.bot, accountId: 'backtest', seed: options.seed });
  const journal = new MemoryJournal((symbol) => world.exchange.instrument(symbol));
  // a stats sample per simulated minute is plenty for drawdown and inventory range
  const manager = new BotManager({ clock, journal, venues: world, timings: { statsIntervalMs: 60_000 } });
  const bot = await manager.add('backtest', config);

  const end = start + options.hours * 3_600_000;
  const fills = { count: 0, maker: 0, taker: 0, volumeLeg: 0 };
  let makerNotional: Fixed = 0n;
  let takerNotional: Fixed = 0n;
  let volumeLegNotional: Fixed = 0n;
  let outsideWindows = 0;
  const hourly = new Map<number, { total: Fixed; volumeLeg: Fixed }>();
  const trips: Record<string, number> = {};
  const denials: Record<string, number> = {};
  const orders = { placed: 0, canceled: 0, rejected: 0 };
  let equityStart: string | undefined;
  let equityEnd = '0';
  let peak: Fixed | undefined;
  let maxDrawdown: Fixed = 0n;
  let baseStart: string | undefined;
  let baseMin: Fixed | undefined;
  let baseMax: Fixed | undefined;
  let baseEnd = '0';

  manager.events.on('fill', (e) => {
    const n = fx.parse(e.notional);
    fills.count++;
    if (e.fill.liquidity === 'maker') {
      fills.maker++;
      makerNotional += n;
    } else {
      fills.taker++;
      takerNotional += n;
    }
    const hour = Math.floor(e.fill.venueTime / 3_600_000) * 3_600_000;
    const h = hourly.get(hour) ?? { total: 0n, volumeLeg: 0n };
    h.total += n;
    if (e.tag === 'volume') {
      fills.volumeLeg++;
      volumeLegNotional += n;
      h.volumeLeg += n;
      if (!pacing(config.volume, 0n, e.fill.venueTime).active) outsideWindows++;
    }
    hourly.set(hour, h);
  });
  manager.events.on('risk', (e) => {
    const bucket = e.type === 'denial' ? denials : e.type === 'trip' ? trips : undefined;
    if (bucket !== undefined) bucket[e.rule] = (bucket[e.rule] ?? 0) + 1;
  });
  manager.events.on('order', (e) => {
    if (e.order.status === 'pending_new') orders.placed++;
    else if (e.order.status === 'canceled') orders.canceled++;
    else if (e.order.status === 'rejected') orders.rejected++;
  });
  manager.events.on('stats', (s) => {
    if (s.equity === undefined) return;
    const equity = fx.parse(s.equity);
    equityStart ??= s.equity;
    equityEnd = s.equity;
    if (peak === undefined || equity > peak) peak = equity;
    if (peak - equity > maxDrawdown) maxDrawdown = peak - equity;
    const base = fx.parse(s.base);
    baseStart ??= s.base;
    baseEnd = s.base;
    if (baseMin === undefined || base < baseMin) baseMin = base;
    if (baseMax === undefined || base > baseMax) baseMax = base;
  });

  world.start();
  const starting = manager.start(bot.id);
  for (let t = start; t < end; ) {
    t = Math.min(end, t + 3_600_000);
    await clock.runUntil(t);
    options.onProgress?.((t - start) / (end - start));
  }
  await starting;
  const stats = bot.stats();
  const stopping = bot.stop('backtest finished');
  await clock.runUntil(end + 60_000);
  await stopping;
  world.stop();

  const target = fx.parse(config.volume.dailyTargetQuote);
  const days = options.hours / 24;
  const total = makerNotional + takerNotional;
  let maxLegHour: Fixed = 0n;
  for (const h of hourly.values()) if (h.volumeLeg > maxLegHour) maxLegHour = h.volumeLeg;
  const money = (v: Fixed) => fx.format(v, { decimals: 2 });
  return {
    symbol: config.symbol,
    hours: options.hours,
    seed: options.seed,
    fills,
    volume: {
      total: money(total),
      maker: money(makerNotional),
      taker: money(takerNotional),
      volumeLeg: money(volumeLegNotional),
      dailyTarget: config.volume.enabled ? config.volume.dailyTargetQuote : '0',
      targetHitPct: config.volume.enabled && target > 0n ? Math.round((fx.toNumber(total) / (fx.toNumber(target) * days)) * 10_000) / 100 : 0,
      maxVolumeLegPerHour: money(maxLegHour),
      volumeLegFillsOutsideWindows: outsideWindows,
      hourly: [...hourly.entries()].sort((a, b) => a[0] - b[0]).map(([h, v]) => ({ hourStart: new Date(h).toISOString(), total: money(v.total), volumeLeg: money(v.volumeLeg) })),
    },
    pnl: { realized: stats.pnl.realized, unrealized: stats.pnl.unrealized, fees: stats.pnl.fees, net: stats.pnl.net, equityStart: equityStart ?? '0', equityEnd },
    inventory: { baseStart: baseStart ?? '0', baseEnd, baseMin: fx.format(baseMin ?? 0n), baseMax: fx.format(baseMax ?? 0n) },
    maxDrawdown: money(maxDrawdown),
    riskTrips: trips,
    riskDenials: denials,
    orders,
    selfTrades: world.exchange.counters.selfTrades,
    stpPrevented: world.exchange.counters.stpPrevented,
    finalState: bot.state,
    wallSeconds: Math.round(Number(process.hrtime.bigint() - wallStart) / 1e7) / 100,
    simulatedEvents: clock.eventsExecuted,
  };
}
