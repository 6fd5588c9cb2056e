// What a backtest takes and what it reports. Amounts are decimal strings (the JSON boundary);
// ratios (bps, %) are numbers rounded to 2 places.
import type { BotConfig, BotConfigInput, BotLedgerDto, InstrumentDef, Liquidity, OrderTag, Side } from '@mm/core';
import type { Funding, LatencyModel, PaperMarketSpec, QueueModelSpec } from '@mm/exchange-sim';

/** A recorded real market to replay instead of the synthetic one (see packages/exchange-sim, "Recorded markets"). */
export interface RecordedMarketSpec {
  /** A .mmrec.gz file (npm run record / npm run import); the CLI resolves it against the config file's folder. */
  readonly recording: string;
  /** The venue's instrument rules for the recorded symbol (tick, lot, minimums); its symbol is the bot's. */
  readonly instrument: InstrumentDef;
  /** How cancels at our price move us up the queue (default proportional). */
  readonly queueModel?: QueueModelSpec;
  /** Delay between the venue's time of a recorded event and the bot seeing it (default: the latency model's). */
  readonly mdLatencyMs?: number;
}

export interface BacktestSpec {
  /** The bot's configuration (its accountId is replaced by the backtest account). */
  readonly bot: BotConfigInput;
  readonly markets?: readonly PaperMarketSpec[];
  /** Replay this recording instead of simulating `markets`. The period is the recording's unless `start` says otherwise. */
  readonly recorded?: RecordedMarketSpec;
  readonly funding?: Funding;
  readonly fees?: { readonly maker: string; readonly taker: string };
  readonly latency?: Partial<LatencyModel>;
  /** Start of the simulated period (ISO date-time); default 2026-01-05T00:00:00Z, or the recording's first event. */
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
  /** The target's plain pace for this clock hour (daily target × active share of the hour ÷ active time of the day). */
  readonly targetPace: string;
}

/**
 * The bot's own figures at the final mark: the ledger's, as the API serves a bot's (an
 * average-cost fold over its fills), plus the account's equity at both ends.
 */
export type BacktestPnl = Pick<
  BotLedgerDto,
  'realized' | 'unrealized' | 'fees' | 'funding' | 'net' | 'feesByAsset' | 'unvaluedFees' | 'position' | 'averageEntry' | 'quoteAsset' | 'baseAsset'
> & {
  /** The final reference price everything is valued at. */
  readonly mark: string;
  /** Account equity from the bot's stats samples (first and last). */
  readonly equityStart: string;
  readonly equityEnd: string;
};

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

/** Where the prices and the other participants came from. */
export interface MarketSource {
  readonly kind: 'synthetic' | 'recorded';
  /** One line for the report, e.g. the simulator's model or the recording's file and period. */
  readonly description: string;
}

/** One sample per simulated minute (the bot's stats interval). */
export interface SeriesSample {
  readonly t: number;
  /** The account's equity at the reference (quote). */
  readonly equity: string;
  /** The bot's ledger net PnL (quote). */
  readonly net: string;
  /** The bot's inventory from its fills (base; negative = short). */
  readonly base: string;
  readonly reference: string | null;
  /** The market's mid (best bid + best ask) / 2; null with an empty side. */
  readonly mid: string | null;
}

/** Markout horizons: how long after a fill the mid is compared with its price. */
export const MARKOUT_HORIZONS_MS = [1_000, 10_000, 60_000] as const;

/** One fill of the bot, in the order the bot applied it to its ledger, with the market around it. */
export interface FillRecord {
  /** The venue's trade time (ms). */
  readonly t: number;
  readonly tradeId: string;
  readonly side: Side;
  readonly price: string;
  /** Base units (contract multiplier applied), as the ledger books it. */
  readonly qty: string;
  readonly notional: string;
  readonly fee: string;
  readonly feeAsset: string;
  readonly liquidity: Liquidity;
  /** 'mm' = the grid, 'volume' = the volume leg. */
  readonly tag: OrderTag;
  /** The mid at the moment of the trade (before it changed the book); null with an empty side. */
  readonly mid: string | null;
  /** Signed so positive = earned against `mid`: (mid − price) ÷ mid for a buy, (price − mid) ÷ mid for a sell, in bps. */
  readonly spreadBps: number | null;
  /** The mid at t + each of MARKOUT_HORIZONS_MS. */
  readonly midAfter: readonly (string | null)[];
  /** (mid at t + h − price) ÷ price, signed by side (positive = the fill was worth more h later), in bps. */
  readonly markoutBps: readonly (number | null)[];
}

/** One figure, split by who provided liquidity and by which part of the bot traded. */
export interface Split<T> {
  readonly all: T;
  readonly maker: T;
  readonly taker: T;
  /** The market-making grid ('mm' orders). */
  readonly grid: T;
  readonly volume: T;
}

export interface ExecutionFigures {
  /** −net PnL ÷ volume × 10,000: what each unit of volume cost the bot, in bps (negative = it earned). null without volume. */
  readonly costOfVolumeBps: number | null;
  /** Maker volume ÷ total volume, in %. */
  readonly makerSharePct: number;
  /** Notional-weighted average spread captured per fill, in bps. */
  readonly spreadCapturedBps: Split<number | null>;
  readonly markoutHorizonsMs: readonly number[];
  /** Notional-weighted average markout per horizon, in bps. */
  readonly markoutBps: Split<readonly (number | null)[]>;
  /** Fills and notional in each split (the weights of the averages). */
  readonly fills: Split<number>;
  readonly notional: Split<string>;
}

export interface BacktestSeries {
  readonly samples: readonly SeriesSample[];
  readonly fills: readonly FillRecord[];
}

export interface BacktestReport {
  readonly symbol: string;
  readonly hours: number;
  readonly seed: number;
  /** Start and end of the simulated period (ISO). */
  readonly period: { readonly start: string; readonly end: string };
  readonly market: MarketSource;
  /** The bot's configuration as run (defaults filled in). */
  readonly bot: BotConfig;
  /** The simulated account and venue settings from the spec (null = the simulator's default). */
  readonly world: { readonly funding: Funding; readonly fees: { readonly maker: string; readonly taker: string } | null; readonly latency: Partial<LatencyModel> | null };
  readonly fills: { readonly count: number; readonly maker: number; readonly taker: number; readonly volumeLeg: number };
  readonly volume: {
    readonly total: string;
    readonly maker: string;
    readonly taker: string;
    readonly volumeLeg: string;
    readonly dailyTarget: string;
    /** total ÷ (target × days) in %. */
    readonly targetHitPct: number;
    /** total ÷ the target's pace over the period (Σ hourly targetPace) in %: the fair figure for runs shorter than a day or starting mid-day. */
    readonly paceHitPct: number;
    readonly maxVolumeLegPerHour: string;
    /** Volume-leg fills outside the active windows (should be zero). */
    readonly volumeLegFillsOutsideWindows: number;
    /** Every clock hour of the period (and any later hour with fills, e.g. the stop's minute). */
    readonly hourly: readonly HourlyVolume[];
  };
  readonly pnl: BacktestPnl;
  readonly execution: ExecutionFigures;
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
  readonly series: BacktestSeries;
  readonly wallSeconds: number;
  readonly simulatedEvents: number;
}
