// Backtest: one bot on the simulated exchange at full speed. The same Bot code as live and paper;
// only the clock (SimClock: time jumps from event to event) and the adapter (SimVenue) differ.
import { SimClock, botConfigSchema, fx, holdingsChange, ledgerDto } from '@mm/core';
import type { AccountHoldings, BotConfigInput, Fixed } from '@mm/core';
import { BotManager, MemoryJournal } from '@mm/engine';
import { DEFAULT_FUNDING, DEMO_MARKETS, PaperWorld } from '@mm/exchange-sim';
import type { SimExchange } from '@mm/exchange-sim';
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

/** The bot's own figures (its ledger: an average-cost fold over its fills) at the final mark. */
export interface BacktestPnl {
  readonly realized: string;
  readonly unrealized: string;
  /** Fees valued in the quote (perps: margin) asset at fill time. */
  readonly fees: string;
  readonly funding: string;
  /** realized + unrealized − fees + funding. */
  readonly net: string;
  /** Fees as paid, per asset. */
  readonly feesByAsset: Readonly<Record<string, string>>;
  /** Fees in an asset that is neither base nor quote: listed, not in `net`. */
  readonly unvaluedFees: Readonly<Record<string, string>>;
  /** The bot's position from its fills (base units; negative = short). */
  readonly position: string;
  /** undefined when flat. */
  readonly averageEntry: string | undefined;
  /** The final reference price everything is valued at. */
  readonly mark: string;
  readonly quoteAsset: string;
  readonly baseAsset: string;
  /** Account equity from the bot's stats samples (first and last). */
  readonly equityStart: string;
  readonly equityEnd: string;
}

/** What an account holds, as decimal strings. */
export interface HoldingsJson {
  readonly balances: Readonly<Record<string, string>>;
  /** Perps: signed base quantity and average entry per symbol (open positions only). */
  readonly positions: Readonly<Record<string, { readonly qty: string; readonly entryPrice: string }>>;
}

/**
 * The simulated exchange's own record of the backtest account, end minus start, valued at the
 * same mark as the ledger: balances (spot totals, perp wallet) plus the perp position's
 * unrealized PnL. For one bot alone on its account it must equal the ledger's net.
 */
export interface AccountStatement {
  readonly account: string;
  readonly quoteAsset: string;
  readonly mark: string;
  readonly start: HoldingsJson;
  readonly end: HoldingsJson;
  /** end − start per asset (balances only). */
  readonly balanceChanges: Readonly<Record<string, string>>;
  /** Perps: the position's unrealized PnL at `mark`, start and end. */
  readonly unrealizedStart: string;
  readonly unrealizedEnd: string;
  /** The account's equity change at `mark`, in the quote asset. */
  readonly change: string;
  /** Changed assets without a mark (not in `change`). */
  readonly unvalued: Readonly<Record<string, string>>;
  /** The bot's ledger net at `mark` (= pnl.net, unrounded). */
  readonly ledgerNet: string;
  /** change − ledgerNet: zero for a single bot on its own account. */
  readonly difference: string;
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
  readonly pnl: BacktestPnl;
  readonly accountStatement: AccountStatement;
  readonly inventory: { readonly baseStart: string; readonly baseEnd: string; readonly baseMin: string; readonly baseMax: string };
  /** Largest fall of the bot's ledger net from its running peak (per stats sample), as the drawdown limit sees it. */
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

const ACCOUNT = 'backtest';

/** The account's balances (totals; perps: wallet) and open perp positions, as the exchange keeps them. */
function holdingsOf(exchange: SimExchange, account: string): AccountHoldings {
  const balances = new Map(exchange.balances(account).map((b) => [b.asset, b.total] as const));
  const positions = new Map<string, { qty: Fixed; entryPrice: Fixed }>();
  for (const p of exchange.positions(account)) {
    if (p.qtyLots === 0) continue;
    const inst = exchange.instrument(p.symbol);
    const qty = (inst.lotsToFixed(Math.abs(p.qtyLots)) * inst.multiplier) / fx.SCALE;
    positions.set(p.symbol, { qty: p.qtyLots < 0 ? -qty : qty, entryPrice: p.entryPrice });
  }
  return { balances, positions };
}

function holdingsJson(h: AccountHoldings): HoldingsJson {
  return {
    balances: Object.fromEntries([...h.balances].map(([asset, v]) => [asset, fx.format(v)])),
    positions: Object.fromEntries([...h.positions].map(([symbol, p]) => [symbol, { qty: fx.format(p.qty), entryPrice: fx.format(p.entryPrice) }])),
  };
}

/** A position's unrealized PnL at `mark`, the way holdingsChange values it. */
function unrealizedAt(h: AccountHoldings, symbol: string, mark: Fixed): Fixed {
  const p = h.positions.get(symbol);
  return p === undefined ? 0n : fx.mul(p.qty, mark) - fx.mul(p.qty, p.entryPrice);
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
  const config = botConfigSchema.parse({ ...spec.bot, accountId: ACCOUNT, seed: options.seed });
  const journal = new MemoryJournal((symbol) => world.exchange.instrument(symbol));
  // a stats sample per simulated minute is plenty for drawdown and inventory range
  const manager = new BotManager({ clock, journal, venues: world, timings: { statsIntervalMs: 60_000 } });
  // the account statement's baseline: the funded account before the bot has traded
  world.ensureAccount(ACCOUNT);
  const holdingsStart = holdingsOf(world.exchange, ACCOUNT);
  const bot = await manager.add('backtest', config);

  const end = start + options.hours * 3_600_000;
  const fills = { count: 0, maker: 0, taker: 0, volumeLeg: 0 };
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
    if (e.fill.liquidity === 'maker') fills.maker++;
    else fills.taker++;
    const hour = Math.floor(e.fill.venueTime / 3_600_000) * 3_600_000;
    const h = hourly.get(hour) ?? { total: 0n, volumeLeg: 0n };
    h.total += n;
    if (e.tag === 'volume') {
      fills.volumeLeg++;
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
  const starting = manager.start(bot.id);
  for (let t = start; t < end; ) {
    t = Math.min(end, t + 3_600_000);
    await clock.runUntil(t);
    options.onProgress?.((t - start) / (end - start));
  }
  await starting;
  // the final mark: the bot's reference at the end (a stopped bot's reference may read as stale)
  const inst = world.exchange.instrument(config.symbol);
  const mark = bot.referencePrice ?? world.exchange.markPrice(config.symbol);
  const stopping = bot.stop('backtest finished');
  await clock.runUntil(end + 60_000);
  await stopping;
  world.stop();

  // the bot's figures after the stop, so fills that raced the final cancels are in them
  const ledger = bot.figures;
  if (ledger === undefined) throw new Error('the backtest bot never synced: it has no ledger');
  const figures = ledger.figures(mark, clock.now());
  const dto = ledgerDto(ledger, mark, clock.now());
  const holdingsEnd = holdingsOf(world.exchange, ACCOUNT);
  const quoteAsset = ledger.spec.quote;
  const positionMarks = inst.kind === 'perp' ? new Map([[inst.symbol, mark]]) : new Map<string, Fixed>();
  const account = holdingsChange(holdingsStart, holdingsEnd, quoteAsset, new Map([[ledger.spec.base, mark]]), positionMarks);
  const balanceChanges: Record<string, string> = {};
  for (const asset of new Set([...holdingsStart.balances.keys(), ...holdingsEnd.balances.keys()])) {
    const delta = (holdingsEnd.balances.get(asset) ?? 0n) - (holdingsStart.balances.get(asset) ?? 0n);
    if (delta !== 0n) balanceChanges[asset] = fx.format(delta);
  }

  const target = fx.parse(config.volume.dailyTargetQuote);
  const days = options.hours / 24;
  const all = figures.allTime;
  const total = all.maker + all.taker;
  let maxLegHour: Fixed = 0n;
  for (const h of hourly.values()) if (h.volumeLeg > maxLegHour) maxLegHour = h.volumeLeg;
  const money = (v: Fixed) => fx.format(v, { decimals: 2 });
  return {
    symbol: config.symbol,
    hours: options.hours,
    seed: options.seed,
    fills: { ...fills, count: all.trades },
    volume: {
      total: money(total),
      maker: money(all.maker),
      taker: money(all.taker),
      volumeLeg: money(all.volumeLeg),
      dailyTarget: config.volume.enabled ? config.volume.dailyTargetQuote : '0',
      targetHitPct: config.volume.enabled && target > 0n ? Math.round((fx.toNumber(total) / (fx.toNumber(target) * days)) * 10_000) / 100 : 0,
      maxVolumeLegPerHour: money(maxLegHour),
      volumeLegFillsOutsideWindows: outsideWindows,
      hourly: [...hourly.entries()].sort((a, b) => a[0] - b[0]).map(([h, v]) => ({ hourStart: new Date(h).toISOString(), total: money(v.total), volumeLeg: money(v.volumeLeg) })),
    },
    pnl: {
      realized: dto.realized,
      unrealized: dto.unrealized,
      fees: dto.fees,
      funding: dto.funding,
      net: dto.net,
      feesByAsset: dto.feesByAsset,
      unvaluedFees: dto.unvaluedFees,
      position: dto.position,
      averageEntry: dto.averageEntry,
      mark: fx.format(mark),
      quoteAsset,
      baseAsset: ledger.spec.base,
      equityStart: equityStart ?? '0',
      equityEnd,
    },
    accountStatement: {
      account: ACCOUNT,
      quoteAsset,
      mark: fx.format(mark),
      start: holdingsJson(holdingsStart),
      end: holdingsJson(holdingsEnd),
      balanceChanges,
      unrealizedStart: fx.format(unrealizedAt(holdingsStart, inst.symbol, mark)),
      unrealizedEnd: fx.format(unrealizedAt(holdingsEnd, inst.symbol, mark)),
      change: fx.format(account.change),
      unvalued: Object.fromEntries([...account.unvalued].map(([asset, v]) => [asset, fx.format(v)])),
      ledgerNet: fx.format(figures.net),
      difference: fx.format(account.change - figures.net),
    },
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
