// Shapes of the venue's JSON, as the catalogue documents them (§3.5, §3.6, §7). Decimals are
// strings; ids and times are numbers. Only the fields this package reads are typed.

export interface FilterJson {
  readonly filterType: string;
  readonly tickSize?: string;
  readonly minPrice?: string;
  readonly maxPrice?: string;
  readonly stepSize?: string;
  readonly minQty?: string;
  readonly maxQty?: string;
  /** MIN_NOTIONAL on futures. */
  readonly notional?: string;
  /** MIN_NOTIONAL / NOTIONAL on spot. */
  readonly minNotional?: string;
  readonly limit?: number;
}

export interface SymbolJson {
  readonly symbol: string;
  readonly status: string;
  readonly baseAsset: string;
  readonly quoteAsset: string;
  readonly marginAsset?: string;
  readonly contractType?: string;
  readonly filters: readonly FilterJson[];
  readonly orderTypes?: readonly string[];
  readonly timeInForce?: readonly string[];
}

export interface ExchangeInfoJson {
  readonly serverTime: number;
  readonly rateLimits: readonly { rateLimitType: string; interval: string; intervalNum: number; limit: number }[];
  readonly symbols: readonly SymbolJson[];
}

export interface OrderJson {
  readonly orderId: number;
  readonly symbol: string;
  readonly status: string;
  readonly clientOrderId: string;
  readonly price: string;
  readonly avgPrice?: string;
  readonly origQty: string;
  readonly executedQty: string;
  readonly timeInForce: string;
  readonly type: string;
  readonly side: string;
  readonly reduceOnly?: boolean;
  readonly time?: number;
  readonly updateTime?: number;
}

export interface UserTradeJson {
  readonly symbol: string;
  readonly id: number;
  readonly orderId: number;
  readonly side: string;
  readonly price: string;
  readonly qty: string;
  readonly commission: string;
  readonly commissionAsset: string;
  readonly realizedPnl?: string;
  readonly maker: boolean;
  readonly time: number;
}

export interface PositionRiskJson {
  readonly symbol: string;
  readonly positionAmt: string;
  readonly entryPrice: string;
  readonly markPrice: string;
  readonly unRealizedProfit: string;
  readonly liquidationPrice: string;
  readonly leverage: string;
  readonly marginType: string;
  readonly isolatedMargin?: string;
  readonly maxNotionalValue?: string;
  readonly positionSide?: string;
  readonly updateTime?: number;
}

export interface FuturesBalanceJson {
  readonly asset: string;
  readonly balance: string;
  readonly availableBalance: string;
  readonly crossWalletBalance?: string;
  readonly crossUnPnl?: string;
}

export interface FuturesAccountJson {
  readonly totalWalletBalance: string;
  readonly totalMarginBalance: string;
  readonly totalMaintMargin: string;
  readonly totalInitialMargin: string;
  readonly availableBalance: string;
  readonly updateTime?: number;
  readonly assets?: readonly {
    asset: string;
    walletBalance: string;
    marginBalance: string;
    maintMargin: string;
    initialMargin: string;
    availableBalance: string;
    updateTime?: number;
  }[];
}

export interface SpotAccountJson {
  readonly balances: readonly { asset: string; free: string; locked: string }[];
  readonly updateTime?: number;
}

export interface DepthJson {
  readonly lastUpdateId: number;
  readonly E?: number;
  readonly T?: number;
  readonly bids: readonly (readonly [string, string])[];
  readonly asks: readonly (readonly [string, string])[];
}

export interface LeverageBracketJson {
  readonly symbol: string;
  readonly brackets: readonly {
    bracket: number;
    initialLeverage: number;
    notionalCap: number;
    notionalFloor: number;
    maintMarginRatio: number;
    cum: number;
  }[];
}

export interface AdlQuantileJson {
  readonly symbol: string;
  readonly adlQuantile: Readonly<Record<string, number>>;
}

export interface CommissionJson {
  readonly symbol: string;
  readonly makerCommissionRate: string;
  readonly takerCommissionRate: string;
}

/** An element of a batch answer: an order, or an error in its place. */
export type BatchItemJson = OrderJson | { readonly code: number; readonly msg: string };

export function isErrorItem(item: unknown): item is { code: number; msg: string } {
  return typeof item === 'object' && item !== null && typeof (item as { code?: unknown }).code === 'number' && (item as { code: number }).code < 0;
}
