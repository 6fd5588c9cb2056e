// Inputs and outputs of the strategies. Strategies are pure functions of these: no clock, no
// venue, no I/O. The engine gathers the inputs and acts on the outputs.
import type { Fixed, Instrument, MarketMakingConfig, Rng, Side, VolumeConfig } from '@mm/core';

/** What a strategy sees of the market, in the instrument's ticks and lots. */
export interface MarketView {
  /** Reference price (not necessarily on the tick grid). */
  readonly reference: Fixed;
  readonly bestBid: number | undefined;
  readonly bestAsk: number | undefined;
}

/**
 * Holdings counted for sizing and skew: TOTAL balances (free + locked in our own orders), so
 * orders the bot itself placed do not distort the picture. For perps, `base` is the signed
 * position in base units and `quote` the margin balance.
 */
export interface InventoryView {
  readonly base: Fixed;
  readonly quote: Fixed;
}

export interface FeeView {
  /** Fractions: 0.0002 = 2 bp. Negative = rebate. */
  readonly maker: Fixed;
  readonly taker: Fixed;
}

export interface GridInput {
  readonly config: MarketMakingConfig;
  readonly instrument: Instrument;
  readonly market: MarketView;
  readonly inventory: InventoryView;
  readonly fees: FeeView;
  /** Used by the RANDOM distribution only; the engine passes a per-refresh fork. */
  readonly rng: Rng;
}

/** One order the grid wants resting. Level 0 is the innermost. */
export interface DesiredQuote {
  readonly side: Side;
  readonly level: number;
  readonly priceTicks: number;
  readonly qtyLots: number;
}

export type DropReason =
  | 'below_min_size'
  | 'below_min_notional'
  | 'budget_exhausted'
  | 'would_cross'
  | 'price_band'
  | 'non_positive_price'
  | 'duplicate_price';

export interface DroppedLevel {
  readonly side: Side;
  readonly level: number;
  readonly reason: DropReason;
}

export interface GridDiagnostics {
  /** Base share of total value, in % (from the inventory view at the reference). */
  readonly baseSharePct: number;
  /** −1 (too little base) … +1 (too much base); 0 when skew is off. */
  readonly skew: number;
  readonly bidSizeMultiplier: number;
  readonly askSizeMultiplier: number;
  /** Price shift applied by the price skew, as a fraction of the reference (negative = down). */
  readonly priceShift: number;
  /** Effective innermost spreads after the break-even floor, in %. */
  readonly bidMinSpreadPct: number;
  readonly askMinSpreadPct: number;
}

export interface GridResult {
  /** Best first (highest bid first, lowest ask first). */
  readonly bids: readonly DesiredQuote[];
  readonly asks: readonly DesiredQuote[];
  readonly dropped: readonly DroppedLevel[];
  readonly diagnostics: GridDiagnostics;
}

/** A resting order of the bot, as the refresh planner needs it. */
export interface LiveQuote {
  readonly clientOrderId: string;
  readonly side: Side;
  readonly priceTicks: number;
  /** Remaining (unfilled) lots. */
  readonly qtyLots: number;
  readonly placedAt: number;
}

export interface RefreshInput {
  readonly desired: GridResult;
  readonly live: readonly LiveQuote[];
  readonly tolerancePct: number;
  readonly maxOrderAgeMs: number;
  readonly now: number;
}

export interface RefreshPlan {
  /** Live orders that stay untouched (they keep their queue place). */
  readonly keep: readonly string[];
  readonly cancel: readonly { readonly clientOrderId: string; readonly reason: 'drifted' | 'too_old' | 'not_wanted' | 'size_changed' }[];
  readonly place: readonly DesiredQuote[];
}

// ---------------------------------------------------------------- volume scheduler

/** Today's progress of the bot as the volume scheduler needs it. All amounts in quote. */
export interface VolumeProgress {
  /** Notional of every fill of the bot today (market making and volume legs). */
  readonly tradedToday: Fixed;
  /** Notional the volume leg traded in the current clock hour. */
  readonly volumeLegThisHour: Fixed;
  readonly feesToday: Fixed;
  /** Realised loss of the volume leg today (positive = loss). */
  readonly volumeLegLossToday: Fixed;
}

/** Our own resting orders on this account and symbol (every bot on the account), best prices only. */
export interface OwnBook {
  readonly bestOwnBid: number | undefined;
  readonly bestOwnAsk: number | undefined;
}

export interface VolumeInput {
  readonly config: VolumeConfig;
  readonly instrument: Instrument;
  readonly market: MarketView;
  readonly own: OwnBook;
  readonly inventory: InventoryView;
  /** Target base share in % for choosing the side (from the market-making skew config). */
  readonly targetBasePct: number;
  readonly progress: VolumeProgress;
  readonly now: number;
  readonly rng: Rng;
  /** Where the bot started or resumed today: the schedule runs from there (see `pacing`). */
  readonly anchor?: PacingAnchor;
}

/** The moment the volume leg started or resumed, and what the bot had traded today by then. */
export interface PacingAnchor {
  readonly at: number;
  readonly traded: Fixed;
}

export type VolumeAction =
  | { readonly kind: 'none'; readonly reason: string }
  | { readonly kind: 'maker'; readonly side: Side; readonly priceTicks: number; readonly qtyLots: number }
  | { readonly kind: 'taker'; readonly side: Side; readonly limitTicks: number; readonly qtyLots: number };

/** The pacing picture at a moment: what the dashboard shows and what drives the event rate. */
export interface PacingState {
  readonly active: boolean;
  /** Active milliseconds of the trading day elapsed / in total. */
  readonly activeElapsedMs: number;
  readonly activeTotalMs: number;
  /**
   * Where the volume should be by now: traded at the schedule start + target × active time since
   * then / active total, at most the target (no anchor today: target × elapsed / total).
   */
  readonly expected: Fixed;
  /** expected − traded (positive = behind). */
  readonly deficit: Fixed;
  /** Start of the trading day (epoch ms) in the configured time zone. */
  readonly dayStart: number;
  /** Where today's schedule starts: the anchor (start or resume) today, else the day start. */
  readonly scheduleStart: number;
  /** What the day ends at on schedule: the target, or less for a bot started mid-day. */
  readonly goal: Fixed;
  /** The plain hourly pace: target ÷ active hours of the day. */
  readonly plainPerHour: Fixed;
  /** The most the volume leg may trade in a clock hour: catchUpMultiple × plain pace, at most the hourly cap. */
  readonly maxPerHour: Fixed;
}
