// The engine's persistence port, here in core so the engine (which uses it) and storage (which
// implements it) share one definition. The contract that keeps "nothing lost" true:
// - recordIntent resolves before an order's request leaves the process (it rejects when
//   storage is down, and the bot then halts new orders);
// - recordFill is idempotent per venue + symbol + trade id;
// - loadState gives a restarting bot what it needs to reconcile with the venue.
import type { RiskAction, RiskRule } from './config/bot-config.ts';
import type { Fill } from './domain.ts';
import type { OrderRecord } from './order-state.ts';

/** Which leg of the bot an order belongs to. */
export type OrderTag = 'mm' | 'volume';

/** A monitor rule that tripped, with the action it takes; a halting one is stored with the bot. */
export interface RiskTrip {
  readonly rule: RiskRule;
  readonly value: string;
  readonly limit: string;
  readonly action: RiskAction;
  readonly message: string;
  readonly at: number;
}

export interface StoredFill {
  readonly fill: Fill;
  readonly tag: OrderTag;
}

export interface BotRestoreState {
  /** Orders that were live when the bot last ran. */
  readonly liveOrders: readonly { readonly order: OrderRecord; readonly tag: OrderTag }[];
  /** Fills of the current trading day (portfolio and volume progress are rebuilt from them). */
  readonly fillsToday: readonly StoredFill[];
  /** Venue time of the newest stored fill, to import what was missed while down. */
  readonly lastFillTime: number | undefined;
  /** A halt that must survive the restart (kill switch, loss limits). */
  readonly halt: RiskTrip | undefined;
  /** Equity at the start of the trading day and its peak, when known. */
  readonly dayStartEquity?: string;
  readonly peakEquity?: string;
}

export interface BotJournal {
  recordIntent(botId: string, order: OrderRecord, tag: OrderTag): Promise<void>;
  recordOrder(botId: string, order: OrderRecord, tag: OrderTag): void;
  /** Resolves false when the fill was already stored. */
  recordFill(botId: string, venue: string, fill: Fill, tag: OrderTag): Promise<boolean>;
  recordHalt(botId: string, trip: RiskTrip | undefined): void;
  loadState(botId: string, tradingDayStart: number): Promise<BotRestoreState>;
}
