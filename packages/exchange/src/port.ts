// The venue port: the one interface every venue implements (simulated exchange, Asterdex,
// BitMart) and the only way the engine talks to a venue.
//
// Conventions every adapter follows:
// - Prices are integer ticks and quantities integer lots of the symbol's Instrument.
// - A request the venue provably did not execute is `outcome: 'rejected'` (HTTP 4xx with venue
//   semantics, a local validation failure, 429). A request whose effect is unknown (timeout,
//   HTTP 5xx/503, socket closed after send, "unknown execution status" codes) is
//   `outcome: 'unknown'`, never 'rejected': the engine resolves it with queryOrder.
// - Stream events carry the venue's time and the local receive time.
// - Methods throw EngineError only for whole-call failures (auth, network before send, ...);
//   per-order outcomes are results.
import type {
  AmendRequest,
  Balance,
  BookSnapshot,
  CashFlow,
  CancelRequest,
  EngineError,
  EventBus,
  Fill,
  Fixed,
  Instrument,
  MarginSummary,
  MarginType,
  MarkPriceUpdate,
  OrderRequest,
  Position,
  PublicTrade,
  StpMode,
  VenueOrder,
} from '@mm/core';

export type MarketKind = 'spot' | 'perp';

export interface VenueCapabilities {
  /** Venue family, e.g. 'sim', 'asterdex', 'bitmart'. */
  readonly venue: string;
  readonly market: MarketKind;
  readonly postOnly: boolean;
  readonly fok: boolean;
  /** STP modes the venue enforces (per order or per account). Empty: no venue-side STP. */
  readonly stpModes: readonly Exclude<StpMode, 'none'>[];
  readonly maxBatchPlace: number;
  readonly maxBatchCancel: number;
  readonly amend: boolean;
  /** The venue cancels our orders by itself when a countdown is not refreshed. */
  readonly deadManSwitch: boolean;
  /** Shortest allowed interval between cancelAll calls (BitMart: 3 s). 0 = no limit. */
  readonly cancelAllMinIntervalMs: number;
  readonly maxClientOrderIdLength: number;
  /** fills() can page from a trade id (otherwise only by time). */
  readonly fillsFromTradeId: boolean;
}

export type PlaceResult =
  | { readonly ok: true; readonly order: VenueOrder }
  | { readonly ok: false; readonly outcome: 'rejected' | 'unknown'; readonly clientOrderId: string; readonly error: EngineError };

export type CancelResult =
  | { readonly ok: true; readonly order?: VenueOrder }
  | { readonly ok: false; readonly outcome: 'rejected' | 'unknown'; readonly error: EngineError };

export type AmendResult =
  | { readonly ok: true; readonly order: VenueOrder }
  | { readonly ok: false; readonly outcome: 'rejected' | 'unknown'; readonly error: EngineError };

export interface FillQuery {
  readonly symbol: string;
  /** Fills with venueTime >= since. */
  readonly since?: number;
  /** Fills strictly after this trade id (when capabilities.fillsFromTradeId). */
  readonly afterTradeId?: string;
  readonly limit?: number;
}

/**
 * The order fills() answers in: by venue time, then by trade id. Trade ids are compared as
 * numbers without parsing them (venues' ids can exceed 2^53): a shorter id is a smaller one.
 */
export function compareFills(a: Fill, b: Fill): number {
  return a.venueTime - b.venueTime || a.tradeId.length - b.tradeId.length || (a.tradeId < b.tradeId ? -1 : a.tradeId > b.tradeId ? 1 : 0);
}

export interface OrderRef {
  readonly symbol: string;
  readonly clientOrderId?: string;
  readonly venueOrderId?: string;
}

export interface FeeRates {
  /** Fractions (0.0002 = 2 bp). Negative maker fee = rebate. */
  readonly maker: Fixed;
  readonly taker: Fixed;
}

export type StreamName = 'market' | 'private';
export type ConnectionState = 'connected' | 'disconnected' | 'reconnected';

export interface ConnectionEvent {
  readonly stream: StreamName;
  readonly state: ConnectionState;
  readonly reason?: string;
  readonly at: number;
}

/** Venue-side risk notices (perps). */
export interface VenueRiskEvent {
  /** dead_man_switch: the venue (or the adapter's own watchdog) cancelled orders because refreshes stopped. */
  readonly kind: 'margin_call' | 'adl' | 'liquidation' | 'leverage_changed' | 'dead_man_switch';
  readonly symbol?: string;
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
  readonly venueTime: number;
  readonly receivedAt: number;
}

/** Everything an adapter pushes. */
export interface VenueEvents {
  book: BookSnapshot;
  trade: PublicTrade;
  markPrice: MarkPriceUpdate;
  order: VenueOrder;
  fill: Fill;
  balances: readonly Balance[];
  position: Position;
  margin: MarginSummary;
  /** Funding payments and transfers, as the venue reports them on the account stream. */
  cashFlow: CashFlow;
  connection: ConnectionEvent;
  risk: VenueRiskEvent;
}

export interface VenueAdapter {
  /** Unique per venue + account + market, e.g. 'sim:paper-1:spot'. Used to group bots sharing an account. */
  readonly accountKey: string;
  readonly capabilities: VenueCapabilities;
  readonly events: EventBus<VenueEvents>;

  /** Loads instruments and opens the private stream. Idempotent. */
  connect(): Promise<void>;
  /** Closes streams and timers. Idempotent. Does not cancel orders. */
  close(): Promise<void>;

  serverTime(): Promise<number>;
  instruments(): Promise<readonly Instrument[]>;
  /** A loaded instrument; throws UNKNOWN_SYMBOL. Valid after connect(). */
  instrument(symbol: string): Instrument;

  /** Starts book, public trade and (perps) mark price events for the symbol. */
  subscribeMarket(symbol: string): Promise<void>;
  unsubscribeMarket(symbol: string): Promise<void>;

  balances(): Promise<readonly Balance[]>;
  positions(symbol?: string): Promise<readonly Position[]>;
  openOrders(symbol?: string): Promise<readonly VenueOrder[]>;
  /** null when the venue says the order does not exist. */
  queryOrder(ref: OrderRef): Promise<VenueOrder | null>;
  fills(query: FillQuery): Promise<readonly Fill[]>;
  feeRates(symbol: string): Promise<FeeRates>;

  /** Results come back in request order. Adapters split into batches of maxBatchPlace. */
  placeOrders(requests: readonly OrderRequest[]): Promise<readonly PlaceResult[]>;
  amendOrder(request: AmendRequest): Promise<AmendResult>;
  cancelOrders(requests: readonly CancelRequest[]): Promise<readonly CancelResult[]>;
  /** Cancels every open order of this account on the symbol. */
  cancelAll(symbol: string): Promise<void>;

  /** Arms (timeoutMs > 0) or disarms (0) the venue's dead-man switch. NOT_SUPPORTED without one. */
  setDeadManSwitch(symbol: string, timeoutMs: number): Promise<void>;
  /** Account-level self-trade prevention, where the venue has it; no-op otherwise. */
  setAccountStp(mode: StpMode): Promise<void>;

  // perps
  setLeverage(symbol: string, leverage: number): Promise<void>;
  setMarginType(symbol: string, marginType: MarginType): Promise<void>;
  marginSummary(): Promise<MarginSummary | null>;
}
