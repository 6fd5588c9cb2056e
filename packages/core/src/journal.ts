// The engine's persistence port, here in core so the engine (which uses it) and storage (which
// implements it) share one definition. The contract that keeps "nothing lost" true:
// - recordIntent resolves before an order's request leaves the process (it rejects when
//   storage is down, and the bot then halts new orders);
// - recordFill is idempotent per venue + symbol + trade id;
// - loadState gives a restarting bot what it needs to reconcile with the venue.
import type { RiskAction, RiskRule } from './config/bot-config.ts';
import type { CashFlow, Fill, OrderTag } from './domain.ts';
import type { Fixed } from './fixed.ts';
import type { LedgerFill, LedgerSpec, LedgerStateJson } from './ledger/bot-ledger.ts';
import type { OrderRecord } from './order-state.ts';

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
  /** Fills of the current trading day and of the minute before the newest one (their trade ids are booked). */
  readonly fillsToday: readonly StoredFill[];
  /** Venue time of the newest stored fill, to import what was missed while down. */
  readonly lastFillTime: number | undefined;
  /** A halt that must survive the restart (kill switch, loss limits). */
  readonly halt: RiskTrip | undefined;
  /** The highest net PnL of the bot this trading day, when known (the drawdown limit's peak). */
  readonly peakNet?: string;
  /** The bot's ledger folded over every stored fill, cash flow and day mark of its symbol (when asked for). */
  readonly ledger?: LedgerStateJson;
}

/** Which ledger a restarting bot needs: its symbol's fills, in these currencies. */
export interface LedgerRequest {
  readonly symbol: string;
  readonly spec: LedgerSpec;
}

/** One bot's share of a venue cash flow (botId undefined: the account's unattributed part). */
export interface CashFlowShare {
  readonly accountId: string;
  readonly venue: string;
  readonly botId: string | undefined;
  readonly flow: CashFlow;
  /** This share of flow.amount. */
  readonly amount: Fixed;
}

/** A fill on the account that no bot placed. */
export interface AccountFill extends LedgerFill {
  readonly accountId: string;
  readonly venue: string;
  readonly symbol: string;
  readonly tradeId: string;
  readonly clientOrderId: string;
  readonly receivedAt: number;
}

export interface BotJournal {
  recordIntent(botId: string, order: OrderRecord, tag: OrderTag): Promise<void>;
  recordOrder(botId: string, order: OrderRecord, tag: OrderTag): void;
  /** Resolves false when the fill was already stored. `reference` is the bot's reference price at the fill. */
  recordFill(botId: string, venue: string, fill: Fill, tag: OrderTag, reference?: Fixed): Promise<boolean>;
  recordHalt(botId: string, trip: RiskTrip | undefined): void;
  /** The mark a bot's trading day opened at (the first one recorded for a day is kept). */
  recordDayMark(botId: string, dayStart: number, mark: Fixed): void;
  /** Stored once per venue flow id and share. */
  recordCashFlow(share: CashFlowShare): void;
  /** Stored once per account, symbol and trade id. */
  recordAccountFill(fill: AccountFill): void;
  loadState(botId: string, tradingDayStart: number, ledger?: LedgerRequest): Promise<BotRestoreState>;
}
