// Domain types shared by venues, the engine, storage and the dashboard.
// Prices are integer ticks and quantities integer lots of the order's instrument;
// ledger amounts are Fixed (bigint × 10^18). Times are epoch milliseconds.
import type { Fixed } from './fixed.ts';

export type Side = 'buy' | 'sell';
export type OrderType = 'limit' | 'market';
/** POST_ONLY: rejected (never partially taken) if it would cross on arrival. */
export type TimeInForce = 'GTC' | 'IOC' | 'FOK' | 'POST_ONLY';
/** What the venue does when an order would match a resting order of the same account. */
export type StpMode = 'none' | 'expire_taker' | 'expire_maker' | 'expire_both';
export type Liquidity = 'maker' | 'taker';
export type MarginType = 'cross' | 'isolated';
/** Which leg of the bot an order belongs to. */
export type OrderTag = 'mm' | 'volume';

export function oppositeSide(side: Side): Side {
  return side === 'buy' ? 'sell' : 'buy';
}

/** A new order as the engine asks a venue to place it. */
export interface OrderRequest {
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly type: OrderType;
  readonly timeInForce: TimeInForce;
  /** Required for limit orders. */
  readonly priceTicks?: number;
  readonly qtyLots: number;
  readonly reduceOnly?: boolean;
  /** Per-order self-trade prevention, where the venue supports it. */
  readonly stpMode?: StpMode;
}

export interface AmendRequest {
  readonly symbol: string;
  readonly clientOrderId: string;
  readonly priceTicks: number;
  readonly qtyLots: number;
}

export interface CancelRequest {
  readonly symbol: string;
  readonly clientOrderId?: string;
  readonly venueOrderId?: string;
}

/** The venue's view of an order's status. */
export type VenueOrderStatus = 'open' | 'partially_filled' | 'filled' | 'canceled' | 'rejected' | 'expired';

export function isTerminalVenueStatus(status: VenueOrderStatus): boolean {
  return status === 'filled' || status === 'canceled' || status === 'rejected' || status === 'expired';
}

/** An order as a venue reports it (REST query, open orders, or a stream update). */
export interface VenueOrder {
  readonly symbol: string;
  readonly clientOrderId: string;
  readonly venueOrderId: string;
  readonly side: Side;
  readonly type: OrderType;
  readonly timeInForce: TimeInForce;
  readonly priceTicks: number;
  readonly qtyLots: number;
  readonly filledLots: number;
  readonly status: VenueOrderStatus;
  readonly reduceOnly: boolean;
  /** Why it ended, when the venue says (post-only cross, self-trade prevention, user cancel...). */
  readonly reason?: string;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** One execution of one of our orders. Unique per venue + symbol + tradeId. */
export interface Fill {
  readonly symbol: string;
  readonly tradeId: string;
  readonly venueOrderId: string;
  /** Empty when the venue did not echo a client id (an order not placed by us). */
  readonly clientOrderId: string;
  readonly side: Side;
  readonly priceTicks: number;
  readonly qtyLots: number;
  readonly fee: Fixed;
  readonly feeAsset: string;
  readonly liquidity: Liquidity;
  /** Perps: PnL the venue realised with this fill, when it reports it. */
  readonly realizedPnl?: Fixed;
  readonly venueTime: number;
  readonly receivedAt: number;
}

/**
 * Money that moved on the account without a trade: perp funding, deposits, withdrawals and
 * transfers. `amount` is signed from the account's side (+ received, − paid), in `asset`.
 * `id` is unique per venue and account, so a replayed report is stored once.
 */
export interface CashFlow {
  readonly kind: 'funding' | 'transfer';
  readonly id: string;
  /** Perp symbol the funding was for; undefined for transfers. */
  readonly symbol: string | undefined;
  readonly asset: string;
  readonly amount: Fixed;
  readonly venueTime: number;
  readonly receivedAt: number;
}

export interface Balance {
  readonly asset: string;
  readonly total: Fixed;
  readonly free: Fixed;
  readonly locked: Fixed;
}

export interface Position {
  readonly symbol: string;
  /** Signed: positive long, negative short, in lots. */
  readonly qtyLots: number;
  readonly entryPrice: Fixed;
  readonly markPrice: Fixed;
  readonly unrealizedPnl: Fixed;
  readonly leverage: number;
  readonly marginType: MarginType;
  /** Margin held for this position (isolated) or its share of maintenance (cross). */
  readonly maintenanceMargin: Fixed;
  readonly liquidationPrice: Fixed | null;
  /** 0 (last in line) to 4 (first in line) for auto-deleveraging; undefined when unknown. */
  readonly adlQuantile?: number;
  readonly updatedAt: number;
}

/** Account-level margin figures for perps. */
export interface MarginSummary {
  readonly asset: string;
  readonly walletBalance: Fixed;
  readonly marginBalance: Fixed;
  readonly maintenanceMargin: Fixed;
  readonly initialMargin: Fixed;
  readonly availableBalance: Fixed;
  readonly updatedAt: number;
}

/** One price level of an order book: price in ticks, size in lots. */
export interface BookLevel {
  readonly priceTicks: number;
  readonly qtyLots: number;
}

/** A consistent view of the top of a book, best level first on each side. */
export interface BookSnapshot {
  readonly symbol: string;
  readonly bids: readonly BookLevel[];
  readonly asks: readonly BookLevel[];
  readonly sequence: number;
  readonly venueTime: number;
  readonly receivedAt: number;
}

/** A public trade on the venue (anyone's). */
export interface PublicTrade {
  readonly symbol: string;
  readonly tradeId: string;
  readonly priceTicks: number;
  readonly qtyLots: number;
  /** The side of the taker. */
  readonly takerSide: Side;
  readonly venueTime: number;
  readonly receivedAt: number;
}

export interface MarkPriceUpdate {
  readonly symbol: string;
  readonly markPrice: Fixed;
  readonly indexPrice?: Fixed;
  readonly fundingRate?: Fixed;
  readonly nextFundingTime?: number;
  readonly venueTime: number;
  readonly receivedAt: number;
}
