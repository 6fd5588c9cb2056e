// Typed convenience methods over the endpoint table for what the engine uses. Each one is a
// table call (so signing, validation and rate limiting still come from the table); the types
// are the venue's JSON shapes of wire.ts. Anything else: AsterRestClient.call(id, params).
import type { CallOptions } from '@mm/exchange';
import type { AsterRestClient } from './client.ts';
import type {
  AdlQuantileJson,
  BatchItemJson,
  CommissionJson,
  DepthJson,
  ExchangeInfoJson,
  FuturesAccountJson,
  FuturesBalanceJson,
  LeverageBracketJson,
  OrderJson,
  PositionRiskJson,
  SpotAccountJson,
  UserTradeJson,
} from './wire.ts';

/** A new order as the venue takes it (decimal strings, venue enums). */
export type NewOrderParams = Readonly<Record<string, string>>;

/** One of orderId / origClientOrderId names the order. */
export interface OrderRefParams {
  readonly symbol: string;
  readonly orderId?: string | number;
  readonly origClientOrderId?: string;
}

export interface UserTradesQuery {
  readonly symbol: string;
  readonly fromId?: string;
  readonly startTime?: number;
  readonly endTime?: number;
  readonly limit?: number;
}

export type VenueStpMode = 'EXPIRE_TAKER' | 'EXPIRE_MAKER' | 'EXPIRE_BOTH';

function ref(r: OrderRefParams): Record<string, string | number> {
  const out: Record<string, string | number> = { symbol: r.symbol };
  if (r.orderId !== undefined) out['orderId'] = r.orderId;
  if (r.origClientOrderId !== undefined) out['origClientOrderId'] = r.origClientOrderId;
  return out;
}

function optionalSymbol(symbol: string | undefined): Record<string, string> {
  return symbol === undefined ? {} : { symbol };
}

export class AsterApi {
  constructor(readonly rest: AsterRestClient) {}

  // ---------------------------------------------------------------- market data

  serverTime(): Promise<{ serverTime: number }> {
    return this.rest.call('time');
  }

  exchangeInfo(): Promise<ExchangeInfoJson> {
    return this.rest.call('exchangeInfo');
  }

  depth(symbol: string, limit = 1000): Promise<DepthJson> {
    return this.rest.call('depth', { symbol, limit });
  }

  // ---------------------------------------------------------------- orders

  newOrder(params: NewOrderParams, options?: CallOptions): Promise<OrderJson> {
    return this.rest.call('newOrder', params, options);
  }

  /** Futures only; up to 5 orders, answered in input order (an order or {code, msg} each). */
  batchOrders(orders: readonly NewOrderParams[]): Promise<BatchItemJson[]> {
    return this.rest.call('batchOrders', { batchOrders: orders });
  }

  /** V3 futures only: new price and quantity of a resting limit order. */
  modifyOrder(order: OrderRefParams & { readonly quantity: string; readonly price: string }): Promise<OrderJson> {
    return this.rest.call('modifyOrder', { ...ref(order), quantity: order.quantity, price: order.price });
  }

  queryOrder(order: OrderRefParams): Promise<OrderJson> {
    return this.rest.call('queryOrder', ref(order));
  }

  cancelOrder(order: OrderRefParams): Promise<OrderJson> {
    return this.rest.call('cancelOrder', ref(order));
  }

  /** Futures only; up to 10 ids of one kind. */
  cancelBatch(symbol: string, ids: { readonly orderIdList: readonly number[] } | { readonly origClientOrderIdList: readonly string[] }): Promise<BatchItemJson[]> {
    return this.rest.call('cancelBatchOrders', { symbol, ...ids });
  }

  cancelAllOpenOrders(symbol: string): Promise<{ code: number | string; msg: string }> {
    return this.rest.call('cancelAllOpenOrders', { symbol });
  }

  /** Futures dead-man switch: cancel everything on the symbol unless called again within `ms` (0 disarms). */
  countdownCancelAll(symbol: string, ms: number): Promise<{ symbol: string; countdownTime: string }> {
    return this.rest.call('countdownCancelAll', { symbol, countdownTime: ms });
  }

  openOrders(symbol?: string): Promise<OrderJson[]> {
    return this.rest.call('openOrders', optionalSymbol(symbol));
  }

  userTrades(query: UserTradesQuery): Promise<UserTradeJson[]> {
    const params: Record<string, string | number> = { symbol: query.symbol };
    if (query.fromId !== undefined) params['fromId'] = query.fromId;
    if (query.startTime !== undefined) params['startTime'] = query.startTime;
    if (query.endTime !== undefined) params['endTime'] = query.endTime;
    if (query.limit !== undefined) params['limit'] = query.limit;
    return this.rest.call('userTrades', params);
  }

  commissionRate(symbol: string): Promise<CommissionJson> {
    return this.rest.call('commissionRate', { symbol });
  }

  // ---------------------------------------------------------------- account

  futuresBalance(): Promise<FuturesBalanceJson[]> {
    return this.rest.call('balance');
  }

  futuresAccount(): Promise<FuturesAccountJson> {
    return this.rest.call('account');
  }

  spotAccount(): Promise<SpotAccountJson> {
    return this.rest.call('account');
  }

  positionRisk(symbol?: string): Promise<PositionRiskJson[]> {
    return this.rest.call('positionRisk', optionalSymbol(symbol));
  }

  /** An object when a symbol is given, a list otherwise. */
  leverageBracket(symbol?: string): Promise<LeverageBracketJson | LeverageBracketJson[]> {
    return this.rest.call('leverageBracket', optionalSymbol(symbol));
  }

  adlQuantile(symbol?: string): Promise<AdlQuantileJson[]> {
    return this.rest.call('adlQuantile', optionalSymbol(symbol));
  }

  setLeverage(symbol: string, leverage: number): Promise<{ leverage: number; maxNotionalValue: string; symbol: string }> {
    return this.rest.call('setLeverage', { symbol, leverage });
  }

  setMarginType(symbol: string, marginType: 'ISOLATED' | 'CROSSED'): Promise<unknown> {
    return this.rest.call('setMarginType', { symbol, marginType });
  }

  getPositionMode(): Promise<{ dualSidePosition: boolean }> {
    return this.rest.call('getPositionMode');
  }

  /** true: hedge mode; false: one-way. */
  setPositionMode(dualSidePosition: boolean): Promise<unknown> {
    return this.rest.call('setPositionMode', { dualSidePosition: String(dualSidePosition) });
  }

  /** V3 futures only: the account's default self-trade prevention. */
  setStpMode(stpMode: VenueStpMode): Promise<unknown> {
    return this.rest.call('setStpMode', { stpMode });
  }

  getStpMode(): Promise<{ stpMode: VenueStpMode }> {
    return this.rest.call('getStpMode');
  }

  // ---------------------------------------------------------------- user data stream

  listenKeyCreate(): Promise<{ listenKey: string }> {
    return this.rest.call('listenKeyCreate');
  }

  /** Spot names the key; futures identifies the account by its credentials. */
  listenKeyKeepalive(listenKey?: string): Promise<unknown> {
    return this.rest.call('listenKeyKeepalive', listenKey === undefined ? {} : { listenKey });
  }

  listenKeyClose(listenKey?: string): Promise<unknown> {
    return this.rest.call('listenKeyClose', listenKey === undefined ? {} : { listenKey });
  }
}
