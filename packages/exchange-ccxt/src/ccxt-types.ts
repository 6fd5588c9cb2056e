// The slice of ccxt this package uses, typed structurally. ccxt's own declaration files are
// large and change between patch releases; depending only on what we call keeps type checking
// fast and makes the adapter testable against a scripted fake. With `number: String` (see
// exchange-config.ts) every parsed amount and price arrives as a decimal string.

/** A number as ccxt hands it out: a decimal string in String mode, a double otherwise. */
export type CcxtNum = string | number | undefined | null;

export interface CcxtMarket {
  readonly id: string;
  readonly symbol: string;
  readonly base: string;
  readonly quote: string;
  readonly type?: string;
  readonly spot?: boolean;
  readonly active?: boolean | null;
  readonly precision: { readonly price?: CcxtNum; readonly amount?: CcxtNum };
  readonly limits: {
    readonly amount?: { readonly min?: CcxtNum; readonly max?: CcxtNum };
    readonly cost?: { readonly min?: CcxtNum };
  };
  readonly maker?: CcxtNum;
  readonly taker?: CcxtNum;
}

export interface CcxtOrder {
  readonly id: string;
  readonly clientOrderId?: string | null;
  readonly symbol: string;
  readonly type?: string | null;
  readonly side?: string | null;
  readonly timeInForce?: string | null;
  readonly postOnly?: boolean | null;
  readonly reduceOnly?: boolean | null;
  readonly price?: CcxtNum;
  readonly amount?: CcxtNum;
  readonly filled?: CcxtNum;
  readonly status?: string | null;
  readonly timestamp?: number | null;
  readonly lastUpdateTimestamp?: number | null;
  readonly lastTradeTimestamp?: number | null;
  readonly info?: unknown;
}

export interface CcxtTrade {
  readonly id: string;
  readonly order?: string | null;
  readonly symbol: string;
  readonly side?: string | null;
  readonly price: CcxtNum;
  readonly amount: CcxtNum;
  readonly takerOrMaker?: string | null;
  readonly fee?: { readonly cost?: CcxtNum; readonly currency?: string | null } | null;
  readonly timestamp?: number | null;
  readonly info?: unknown;
}

export interface CcxtOrderBook {
  readonly bids: readonly (readonly CcxtNum[])[];
  readonly asks: readonly (readonly CcxtNum[])[];
  readonly timestamp?: number | null;
  readonly nonce?: number | null;
}

export interface CcxtBalanceEntry {
  readonly free?: CcxtNum;
  readonly used?: CcxtNum;
  readonly total?: CcxtNum;
}

export type CcxtBalances = Readonly<Record<string, unknown>>;

export interface CcxtOrderSpec {
  readonly symbol: string;
  readonly type: string;
  readonly side: string;
  readonly amount: string;
  readonly price?: string;
  readonly params?: Record<string, unknown>;
}

/** A websocket client of ccxt.pro (only what the connection tracking reads). */
export interface CcxtWsClient {
  readonly url: string;
  send(message: unknown): Promise<unknown>;
  /** The client's rate-limit gate (present when the exchange's rate limiter is on). */
  throttle?: (cost?: number) => Promise<unknown>;
}

export type Params = Record<string, unknown>;

/** Amounts and prices are passed as decimal strings: ccxt formats them with numberToString, never float math. */
export interface CcxtExchange {
  readonly id: string;
  readonly has: Readonly<Record<string, boolean | string | undefined>>;
  readonly features?: Readonly<Record<string, unknown>>;
  readonly precisionMode: number;
  rateLimit: number;
  enableRateLimit: boolean;
  options: Record<string, unknown>;
  headers: Record<string, string>;
  urls: Record<string, unknown>;
  throttler: unknown;
  markets?: Record<string, CcxtMarket>;
  loadMarkets(reload?: boolean): Promise<Record<string, CcxtMarket>>;
  loadHttpProxyAgent?(): Promise<unknown>;
  checkRequiredCredentials(throwError?: boolean): boolean;
  fetchTime(params?: Params): Promise<number | undefined>;
  fetchBalance(params?: Params): Promise<CcxtBalances>;
  createOrder(symbol: string, type: string, side: string, amount: string, price?: string, params?: Params): Promise<CcxtOrder>;
  createOrders(orders: CcxtOrderSpec[], params?: Params): Promise<CcxtOrder[]>;
  cancelOrder(id: string | undefined, symbol: string, params?: Params): Promise<CcxtOrder>;
  cancelAllOrders(symbol: string, params?: Params): Promise<unknown>;
  fetchOrder(id: string | undefined, symbol: string, params?: Params): Promise<CcxtOrder>;
  fetchOpenOrders(symbol?: string, since?: number, limit?: number, params?: Params): Promise<CcxtOrder[]>;
  fetchMyTrades(symbol?: string, since?: number, limit?: number, params?: Params): Promise<CcxtTrade[]>;
  fetchOrderBook(symbol: string, limit?: number, params?: Params): Promise<CcxtOrderBook>;
  fetchTradingFee(symbol: string, params?: Params): Promise<{ maker?: CcxtNum; taker?: CcxtNum }>;
  watchOrders(symbol?: string, since?: number, limit?: number, params?: Params): Promise<CcxtOrder[]>;
  watchMyTrades(symbol?: string, since?: number, limit?: number, params?: Params): Promise<CcxtTrade[]>;
  watchOrderBook(symbol: string, limit?: number, params?: Params): Promise<CcxtOrderBook>;
  watchTrades(symbol: string, since?: number, limit?: number, params?: Params): Promise<CcxtTrade[]>;
  unWatchOrderBook?(symbol: string, params?: Params): Promise<unknown>;
  unWatchTrades?(symbol: string, params?: Params): Promise<unknown>;
  close(): Promise<unknown>;
  // hooks the adapter wraps (exchange-hooks.ts)
  fetch(url: string, method?: string, headers?: Record<string, string>, body?: unknown): Promise<unknown>;
  handleRestResponse(response: unknown, url: string, method?: string, requestHeaders?: unknown, requestBody?: unknown): Promise<unknown>;
  client(url: string): CcxtWsClient;
  onConnected(client: CcxtWsClient, message?: unknown): unknown;
  onClose(client: CcxtWsClient, error: unknown): unknown;
}

export type CcxtExchangeClass = new (config: Record<string, unknown>) => CcxtExchange;

/** The module namespace of `import('ccxt')` as far as we use it. */
export interface CcxtModule {
  readonly version: string;
  readonly pro: Readonly<Record<string, unknown>> & { readonly exchanges?: readonly string[] };
}

/** ccxt's precision modes (base/functions/number.js). */
export const PRECISION_MODE = { DECIMAL_PLACES: 2, SIGNIFICANT_DIGITS: 3, TICK_SIZE: 4 } as const;
