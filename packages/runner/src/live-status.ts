// What a runner tells the control plane about a bot it holds, written to bot_live about once a
// second and before each state change, fill or risk trip goes out (channels.ts changesStatus):
// everything the API and the dashboard read from a running bot. The server rebuilds a read-only
// view from it (LiveBotView), so its code reads a bot the same way whether the bot runs in this
// process or in a runner on another machine.
import { Instrument } from '@mm/core';
import type { BookSnapshot, BotConfig, Fixed, InstrumentDef, OrderRecord } from '@mm/core';
import type { Bot, BotState, BotStatsSnapshot } from '@mm/engine';
import type { RiskTrip, RuleStatus, TradingState } from '@mm/risk';

/** Book levels kept in the status (the dashboard shows the top of the book). */
const BOOK_DEPTH = 25;

export interface BotLiveStatus {
  readonly state: BotState;
  readonly tradingState: TradingState;
  readonly quotingBlocked: boolean;
  readonly error: string | undefined;
  readonly market: 'spot' | 'perp';
  readonly venueName: string;
  readonly accountKey: string;
  readonly symbol: string;
  readonly config: BotConfig;
  readonly instrument: InstrumentDef | undefined;
  readonly stats: BotStatsSnapshot;
  readonly riskStatuses: readonly RuleStatus[];
  readonly activeTrips: readonly RiskTrip[];
  readonly book: BookSnapshot | undefined;
  readonly liveOrders: readonly OrderRecord[];
  readonly referencePrice: Fixed | undefined;
  readonly requestCounts: { readonly place: number; readonly cancel: number };
  readonly closingPosition: boolean;
  /** When the runner took the snapshot (its clock). */
  readonly at: number;
}

function instrumentDef(inst: Instrument | undefined): InstrumentDef | undefined {
  if (inst === undefined) return undefined;
  const { symbol, base, quote, kind, tickSize, lotSize, minQty, minNotional, maxQty, contractMultiplier, marginAsset } = inst;
  return { symbol, base, quote, kind, tickSize, lotSize, minQty, minNotional, ...(maxQty === undefined ? {} : { maxQty }), ...(contractMultiplier === undefined ? {} : { contractMultiplier }), ...(marginAsset === undefined ? {} : { marginAsset }) };
}

function topOf(book: BookSnapshot | undefined): BookSnapshot | undefined {
  if (book === undefined) return undefined;
  return { ...book, bids: book.bids.slice(0, BOOK_DEPTH), asks: book.asks.slice(0, BOOK_DEPTH) };
}

export function liveStatusOf(bot: Bot, at: number): BotLiveStatus {
  return {
    state: bot.state,
    tradingState: bot.tradingState,
    quotingBlocked: bot.quotingBlocked,
    error: bot.error,
    market: bot.market,
    venueName: bot.venueName,
    accountKey: bot.accountKey,
    symbol: bot.symbol,
    config: bot.config,
    instrument: instrumentDef(bot.instrument),
    stats: bot.stats(),
    riskStatuses: bot.riskStatuses(),
    activeTrips: bot.activeRiskTrips(),
    book: topOf(bot.currentBook()),
    liveOrders: bot.liveOrders(),
    referencePrice: bot.referencePrice,
    requestCounts: bot.requestCounts,
    closingPosition: bot.closingPosition,
    at,
  };
}

/** A running bot as the control plane sees it: the last status its runner wrote. Read-only. */
export class LiveBotView {
  readonly instrument: Instrument | undefined;

  constructor(
    readonly id: string,
    private readonly status: BotLiveStatus,
    /** Which runner holds it, and under which epoch. */
    readonly runnerId: string,
    readonly epoch: number,
    /** When the database stored the status. */
    readonly updatedAt: number,
  ) {
    this.instrument = status.instrument === undefined ? undefined : new Instrument(status.instrument);
  }

  get state(): BotState {
    return this.status.state;
  }
  get tradingState(): TradingState {
    return this.status.tradingState;
  }
  get quotingBlocked(): boolean {
    return this.status.quotingBlocked;
  }
  get error(): string | undefined {
    return this.status.error;
  }
  get market(): 'spot' | 'perp' {
    return this.status.market;
  }
  get venueName(): string {
    return this.status.venueName;
  }
  get accountKey(): string {
    return this.status.accountKey;
  }
  get symbol(): string {
    return this.status.symbol;
  }
  get config(): BotConfig {
    return this.status.config;
  }
  get closingPosition(): boolean {
    return this.status.closingPosition;
  }
  get referencePrice(): Fixed | undefined {
    return this.status.referencePrice;
  }
  get requestCounts(): { readonly place: number; readonly cancel: number } {
    return this.status.requestCounts;
  }
  stats(): BotStatsSnapshot {
    return this.status.stats;
  }
  riskStatuses(): RuleStatus[] {
    return [...this.status.riskStatuses];
  }
  activeRiskTrips(): RiskTrip[] {
    return [...this.status.activeTrips];
  }
  currentBook(): BookSnapshot | undefined {
    return this.status.book;
  }
  liveOrders(): OrderRecord[] {
    return [...this.status.liveOrders];
  }
}
