// Backtest: one bot in a simulated market at full speed. The same Bot code as live and paper;
// only the clock (SimClock: time jumps from event to event) and the venue differ. The market is
// whatever createWorld builds; everything below only needs its BacktestWorld surface.
import { botConfigSchema, fx, ledgerDto } from '@mm/core';
import type { Fixed } from '@mm/core';
import { BotManager, MemoryJournal } from '@mm/engine';
import { DEFAULT_FUNDING } from '@mm/exchange-sim';
import { pacing } from '@mm/strategy';
import { accountStatement, holdingsOf } from './account.ts';
import { executionFigures } from './report/execution.ts';
import { hourlyVolume, paceHitPct } from './report/hourly.ts';
import { SeriesRecorder } from './series.ts';
import type { BacktestOptions, BacktestReport, BacktestSpec } from './types.ts';
import { createSetting } from './world.ts';

export type * from './types.ts';

const ACCOUNT = 'backtest';

/** The report's PnL block is these fields of the bot's ledger DTO, in this order (the JSON's). */
const PNL_FROM_LEDGER = ['realized', 'unrealized', 'fees', 'funding', 'net', 'feesByAsset', 'unvaluedFees', 'position', 'averageEntry', 'mark', 'quoteAsset', 'baseAsset'] as const;

function pick<T, K extends keyof T>(from: T, keys: readonly K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const key of keys) out[key] = from[key];
  return out;
}

export async function runBacktest(spec: BacktestSpec, options: BacktestOptions): Promise<BacktestReport> {
  const wallStart = process.hrtime.bigint();
  const { world, clock, start, dataEnd } = await createSetting(spec, options.seed);
  const config = botConfigSchema.parse({ ...spec.bot, accountId: ACCOUNT, seed: options.seed });
  const journal = new MemoryJournal((symbol) => world.exchange.instrument(symbol));
  // a stats sample per simulated minute is plenty for drawdown, inventory and the plots
  const manager = new BotManager({ clock, journal, venues: world.venues, timings: { statsIntervalMs: 60_000 } });
  // the account statement's baseline: the funded account before the bot has traded
  world.ensureAccount(ACCOUNT);
  const holdingsStart = holdingsOf(world.exchange, ACCOUNT);
  const inst = world.exchange.instrument(config.symbol);
  const recorder = new SeriesRecorder(world, clock, ACCOUNT, inst);
  const bot = await manager.add('backtest', config);

  // a recording ends where its data ends: the run is cut there (the report says how long it ran)
  const end = dataEnd === undefined ? start + options.hours * 3_600_000 : Math.min(start + options.hours * 3_600_000, dataEnd);
  const hours = (end - start) / 3_600_000;
  const fills = { count: 0, maker: 0, taker: 0, volumeLeg: 0 };
  let outsideWindows = 0;
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
    recorder.fill(e.fill, e.tag);
    fills.count++;
    if (e.fill.liquidity === 'maker') fills.maker++;
    else fills.taker++;
    if (e.tag === 'volume') {
      fills.volumeLeg++;
      if (!pacing(config.volume, 0n, e.fill.venueTime).active) outsideWindows++;
    }
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
    recorder.sample(s);
    // drawdown of the bot's own result, the figure the drawdown limit watches
    if (s.reference !== undefined) {
      const net = fx.parse(s.pnl.net);
      if (peak === undefined || net > peak) peak = net;
      if (peak - net > maxDrawdown) maxDrawdown = peak - net;
    }
    if (s.equity === undefined) return;
    equityStart ??= s.equity;
    equityEnd = s.equity;
    const base = fx.parse(s.base);
    baseStart ??= s.base;
    baseEnd = s.base;
    if (baseMin === undefined || base < baseMin) baseMin = base;
    if (baseMax === undefined || base > baseMax) baseMax = base;
  });

  world.start();
  // a recording replayed from a later start: its book is built up to there before the bot starts
  if (clock.now() < start) await clock.runUntil(start);
  const starting = manager.start(bot.id);
  for (let t = start; t < end; ) {
    t = Math.min(end, t + 3_600_000);
    await clock.runUntil(t);
    options.onProgress?.((t - start) / (end - start));
  }
  await starting;
  // the final mark: the bot's reference at the end (a stopped bot's reference may read as stale)
  const mark = bot.referencePrice ?? world.exchange.markPrice(config.symbol);
  const stopping = bot.stop('backtest finished');
  await clock.runUntil(end + 60_000);
  await stopping;
  recorder.close();
  world.stop();

  // the bot's figures after the stop, so fills that raced the final cancels are in them
  const ledger = bot.figures;
  if (ledger === undefined) throw new Error('the backtest bot never synced: it has no ledger');
  const figures = ledger.figures(mark, clock.now());
  const dto = ledgerDto(ledger, mark, clock.now());
  const quoteAsset = ledger.spec.quote;
  const records = recorder.fillRecords();
  const hourly = hourlyVolume(records, config.volume, start, end);

  const target = fx.parse(config.volume.dailyTargetQuote);
  const days = hours / 24;
  const all = figures.allTime;
  const total = all.maker + all.taker;
  const maxLegHour = hourly.reduce((max, h) => fx.max(max, fx.parse(h.volumeLeg)), 0n);
  const money = (v: Fixed) => fx.format(v, { decimals: 2 });
  return {
    symbol: config.symbol,
    // a recording can end at any moment: hours to three places (the period has the exact times)
    hours: Math.round(hours * 1000) / 1000,
    seed: options.seed,
    period: { start: new Date(start).toISOString(), end: new Date(end).toISOString() },
    market: world.source,
    bot: config,
    world: { funding: spec.funding ?? DEFAULT_FUNDING, fees: spec.fees ?? null, latency: spec.latency ?? null },
    fills: { ...fills, count: all.trades },
    volume: {
      total: money(total),
      maker: money(all.maker),
      taker: money(all.taker),
      volumeLeg: money(all.volumeLeg),
      dailyTarget: config.volume.enabled ? config.volume.dailyTargetQuote : '0',
      targetHitPct: config.volume.enabled && target > 0n ? Math.round((fx.toNumber(total) / (fx.toNumber(target) * days)) * 10_000) / 100 : 0,
      paceHitPct: paceHitPct(total, hourly, end),
      maxVolumeLegPerHour: money(maxLegHour),
      volumeLegFillsOutsideWindows: outsideWindows,
      hourly,
    },
    pnl: {
      ...pick(dto, PNL_FROM_LEDGER),
      // the dto's mark is this one, formatted; a backtest always has one
      mark: fx.format(mark),
      equityStart: equityStart ?? '0',
      equityEnd,
    },
    execution: executionFigures(records, { net: figures.net, maker: all.maker, taker: all.taker }),
    accountStatement: accountStatement({
      account: ACCOUNT,
      inst,
      baseAsset: ledger.spec.base,
      quoteAsset,
      mark,
      start: holdingsStart,
      end: holdingsOf(world.exchange, ACCOUNT),
      ledgerNet: figures.net,
    }),
    inventory: { baseStart: baseStart ?? '0', baseEnd, baseMin: fx.format(baseMin ?? 0n), baseMax: fx.format(baseMax ?? 0n) },
    maxDrawdown: money(maxDrawdown),
    riskTrips: trips,
    riskDenials: denials,
    orders,
    selfTrades: world.exchange.counters.selfTrades,
    stpPrevented: world.exchange.counters.stpPrevented,
    finalState: bot.state,
    series: { samples: recorder.sampleList, fills: records },
    wallSeconds: Math.round(Number(process.hrtime.bigint() - wallStart) / 1e7) / 100,
    simulatedEvents: clock.eventsExecuted,
  };
}
