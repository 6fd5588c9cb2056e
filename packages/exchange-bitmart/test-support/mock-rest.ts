// The mock's REST endpoints (catalogue §3.1) behind BitMart's envelope
// {code, message, trace, data}: 1000 on success, the venue's error codes and HTTP statuses
// otherwise. Each route declares its auth type; SIGNED routes are POSTs with a JSON body.
import { randomUUID } from 'node:crypto';
import { fx } from '@mm/core';
import type { Clock, Instrument, Side } from '@mm/core';
import type { SimExchange } from '@mm/exchange-sim';
import type { MockApiKey } from './mock-auth.ts';
import { MockApiError } from './mock-errors.ts';
import type { MockOrder } from './mock-orders.ts';
import { isFinalState } from './mock-orders.ts';
import type { MockTrading, OrderParams } from './mock-trading.ts';
import type { MockWebSockets } from './mock-ws.ts';

export type AuthType = 'NONE' | 'KEYED' | 'SIGNED';

export interface RouteCall {
  readonly key: MockApiKey | undefined;
  readonly query: URLSearchParams;
  readonly body: Record<string, unknown>;
}

export interface Route {
  readonly auth: AuthType;
  readonly handle: (call: RouteCall) => unknown;
}

export interface RouteContext {
  readonly clock: Clock;
  readonly exchange: SimExchange;
  readonly trading: MockTrading;
  readonly ws: MockWebSockets;
  readonly instruments: () => readonly Instrument[];
  readonly instrument: (symbol: string) => Instrument | undefined;
}

const SEVEN_DAYS_MS = 7 * 24 * 3_600_000;

export function envelope(code: number, message: string, data: unknown): string {
  return JSON.stringify({ code, message, trace: randomUUID(), data });
}

export function createRoutes(ctx: RouteContext): ReadonlyMap<string, Route> {
  const routes = new Map<string, Route>();
  const add = (endpoint: string, auth: AuthType, handle: (call: RouteCall) => unknown): void => {
    routes.set(endpoint, { auth, handle });
  };
  const account = (call: RouteCall): string => call.key!.account;
  const marketSymbol = (symbol: string | null): Instrument => {
    if (symbol === null || symbol === '') throw new MockApiError(70001, 'request param can not be null');
    const inst = ctx.instrument(symbol);
    if (inst === undefined) throw new MockApiError(70002, 'symbol is invalid');
    return inst;
  };
  const tradingSymbol = (value: unknown): string => {
    if (typeof value !== 'string' || value === '') throw new MockApiError(50000, 'Bad Request [symbol is empty]');
    if (ctx.instrument(value) === undefined) throw new MockApiError(50001, 'Symbol not found');
    return value;
  };

  // ------------------------------------------------------------ system and market data
  add('GET /system/time', 'NONE', () => ({ server_time: ctx.clock.now() }));
  add('GET /system/service', 'NONE', () => ({
    service: [{ title: 'Spot API', service_type: 'spot', status: '2', start_time: 0, end_time: 0 }],
  }));
  add('GET /spot/v1/symbols', 'NONE', () => ({ symbols: ctx.instruments().map((i) => i.symbol) }));
  add('GET /spot/v1/symbols/details', 'NONE', () => ({
    symbols: ctx.instruments().map((inst, i) => ({
      symbol: inst.symbol,
      symbol_id: 1000 + i,
      base_currency: inst.base,
      quote_currency: inst.quote,
      quote_increment: inst.lotSize,
      base_min_size: inst.minQty,
      price_min_precision: -1,
      price_max_precision: inst.priceDecimals,
      expiration: 'NA',
      min_buy_amount: inst.minNotional,
      min_sell_amount: inst.minNotional,
      trade_status: 'trading',
    })),
  }));
  add('GET /spot/quotation/v3/ticker', 'NONE', (call) => ctx.ws.tickerData(marketSymbol(call.query.get('symbol')).symbol));
  add('GET /spot/quotation/v3/books', 'NONE', (call) => {
    const inst = marketSymbol(call.query.get('symbol'));
    const limit = Math.min(50, Number(call.query.get('limit') ?? 35) || 35);
    const book = ctx.exchange.book(inst.symbol);
    const side = (levels: { priceTicks: number; qtyLots: number }[]): [string, string][] => levels.map((l) => [inst.ticksToPrice(l.priceTicks), inst.lotsToQty(l.qtyLots)]);
    return { ts: String(ctx.clock.now()), symbol: inst.symbol, asks: side(book.asks.top(limit)), bids: side(book.bids.top(limit)) };
  });
  add('GET /spot/quotation/v3/trades', 'NONE', (call) => {
    const inst = marketSymbol(call.query.get('symbol'));
    return ctx.ws.recentTrades(inst.symbol, Math.min(50, Number(call.query.get('limit') ?? 50) || 50));
  });

  // ------------------------------------------------------------ account
  add('GET /spot/v1/wallet', 'KEYED', (call) => ({
    // zero balances are left out, as the venue does (catalogue §8.23)
    wallet: ctx.exchange
      .balances(account(call))
      .filter((b) => b.total !== 0n)
      .map((b) => ({ id: b.asset, name: b.asset, available: fx.format(b.free), frozen: fx.format(b.locked) })),
  }));
  add('GET /spot/v1/trade_fee', 'KEYED', (call) => {
    const inst = marketSymbol(call.query.get('symbol'));
    const fees = ctx.exchange.feeSchedule(account(call));
    return {
      symbol: inst.symbol,
      buy_taker_fee_rate: fx.format(fees.taker),
      sell_taker_fee_rate: fx.format(fees.taker),
      buy_maker_fee_rate: fx.format(fees.maker),
      sell_maker_fee_rate: fx.format(fees.maker),
    };
  });

  // ------------------------------------------------------------ order entry
  add('POST /spot/v2/submit_order', 'SIGNED', (call) => {
    const b = call.body;
    const orderId = ctx.trading.submit(account(call), tradingSymbol(b.symbol), {
      symbol: String(b.symbol),
      side: b.side,
      type: b.type,
      clientOrderId: b.client_order_id,
      size: b.size,
      price: b.price,
      notional: b.notional,
      stpMode: b.stpMode,
    });
    return { order_id: orderId };
  });
  add('POST /spot/v4/batch_orders', 'SIGNED', (call) => {
    const symbol = tradingSymbol(call.body.symbol);
    const list = call.body.orderParams;
    if (!Array.isArray(list)) throw new MockApiError(50000, 'Bad Request [orderParams is empty]');
    const params: OrderParams[] = (list as Record<string, unknown>[]).map((o) => ({
      symbol,
      side: o.side,
      type: o.type,
      clientOrderId: o.clientOrderId,
      size: o.size,
      price: o.price,
      notional: o.notional,
      stpMode: o.stpMode,
    }));
    const orderIds = ctx.trading.batch(account(call), symbol, params);
    // double-wrapped: the outer envelope says 1000, the inner code must be checked too (§3.1)
    return { code: 0, msg: 'success', data: { orderIds } };
  });
  add('POST /spot/v3/cancel_order', 'SIGNED', (call) => {
    const symbol = tradingSymbol(call.body.symbol);
    const orderId = optionalString(call.body.order_id);
    const clientOrderId = optionalString(call.body.client_order_id);
    if (orderId === undefined && clientOrderId === undefined) throw new MockApiError(50039, 'Order_id and clientOrderId cannot be empty at the same time');
    const ref = orderId !== undefined ? { orderId } : { clientOrderId: clientOrderId! };
    return { result: ctx.trading.cancel(account(call), symbol, ref) };
  });
  add('POST /spot/v4/cancel_orders', 'SIGNED', (call) => {
    const symbol = tradingSymbol(call.body.symbol);
    const byOrder = Array.isArray(call.body.orderIds) ? (call.body.orderIds as unknown[]) : undefined;
    const byClient = Array.isArray(call.body.clientOrderIds) ? (call.body.clientOrderIds as unknown[]) : undefined;
    const ids = (byOrder ?? byClient ?? []).map(String);
    if (ids.length === 0 || ids.length > 10) throw new MockApiError(50033, 'The order quantity should be greater than 0 and less than or equal to 10');
    const successIds: string[] = [];
    const failIds: string[] = [];
    for (const id of ids) {
      let done = false;
      try {
        done = ctx.trading.cancel(account(call), symbol, byOrder !== undefined ? { orderId: id } : { clientOrderId: id });
      } catch {
        done = false;
      }
      (done ? successIds : failIds).push(id);
    }
    return { successIds, failIds, totalCount: ids.length, successCount: successIds.length, failedCount: failIds.length };
  });
  add('POST /spot/v4/cancel_all', 'SIGNED', (call) => {
    const symbol = call.body.symbol === undefined ? undefined : tradingSymbol(call.body.symbol);
    const side = call.body.side;
    if (side !== undefined && side !== 'buy' && side !== 'sell') throw new MockApiError(50021, 'Invalid side');
    ctx.trading.cancelAll(account(call), symbol, side as Side | undefined);
    return {};
  });

  // ------------------------------------------------------------ queries (all POST, SIGNED)
  const queryState = (value: unknown): 'open' | 'history' | undefined => {
    if (value === undefined) return undefined;
    if (value !== 'open' && value !== 'history') throw new MockApiError(52003, 'Unsupported Query State Type');
    return value;
  };
  const oneOrder = (order: MockOrder | undefined, state: 'open' | 'history' | undefined): unknown => {
    if (order === undefined) throw new MockApiError(50005, 'Order Id not found');
    const final = isFinalState(order.state);
    if ((state === 'open' && final) || (state === 'history' && !final)) throw new MockApiError(50005, 'Order Id not found');
    return ctx.trading.mirror.toV4(order);
  };
  add('POST /spot/v4/query/order', 'SIGNED', (call) => {
    const orderId = optionalString(call.body.orderId);
    if (orderId === undefined) throw new MockApiError(50000, 'Bad Request [orderId is empty]');
    return oneOrder(ctx.trading.mirror.get(account(call), { orderId }), queryState(call.body.queryState));
  });
  add('POST /spot/v4/query/client-order', 'SIGNED', (call) => {
    const clientOrderId = optionalString(call.body.clientOrderId);
    if (clientOrderId === undefined) throw new MockApiError(50000, 'Bad Request [clientOrderId is empty]');
    return oneOrder(ctx.trading.mirror.get(account(call), { clientOrderId }), queryState(call.body.queryState));
  });
  const listOrders = (call: RouteCall, final: boolean): unknown => {
    const filter = windowFilter(call.body, ctx.clock.now());
    return ctx.trading.mirror
      .orders(account(call))
      .filter((o) => isFinalState(o.state) === final && filter.matches(o.symbol, o.createTime))
      .sort((a, b) => b.createTime - a.createTime)
      .slice(0, filter.limit)
      .map((o) => ctx.trading.mirror.toV4(o));
  };
  add('POST /spot/v4/query/open-orders', 'SIGNED', (call) => listOrders(call, false));
  add('POST /spot/v4/query/history-orders', 'SIGNED', (call) => listOrders(call, true));
  add('POST /spot/v4/query/trades', 'SIGNED', (call) => {
    const filter = windowFilter(call.body, ctx.clock.now());
    return ctx.trading.mirror
      .tradesOf(account(call))
      .filter((t) => filter.matches(t.symbol, t.time))
      .sort((a, b) => b.time - a.time)
      .slice(0, filter.limit)
      .map((t) => ctx.trading.mirror.tradeToV4(t));
  });
  add('POST /spot/v4/query/order-trades', 'SIGNED', (call) => {
    const orderId = optionalString(call.body.orderId);
    if (orderId === undefined) throw new MockApiError(50000, 'Bad Request [orderId is empty]');
    return ctx.trading.mirror
      .tradesOf(account(call))
      .filter((t) => t.orderId === orderId)
      .map((t) => ctx.trading.mirror.tradeToV4(t));
  });
  return routes;
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** v4 list filters: symbol, startTime/endTime (ms; none = the last 7 days, §8.10), limit 1–200. */
function windowFilter(body: Record<string, unknown>, now: number): { limit: number; matches: (symbol: string, time: number) => boolean } {
  const symbol = optionalString(body.symbol);
  const start = body.startTime;
  const end = body.endTime;
  if (start !== undefined && typeof start !== 'number') throw new MockApiError(50021, 'Invalid startTime');
  if (end !== undefined && typeof end !== 'number') throw new MockApiError(50021, 'Invalid endTime');
  if (start !== undefined && end !== undefined && end < start) throw new MockApiError(52004, 'End time must be greater than or equal to Start time');
  const limit = body.limit === undefined ? 200 : Number(body.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw new MockApiError(50021, 'Invalid limit');
  const from = start === undefined && end === undefined ? now - SEVEN_DAYS_MS : (start ?? 0);
  const to = end ?? Number.MAX_SAFE_INTEGER;
  return { limit, matches: (s, t) => (symbol === undefined || s === symbol) && t >= from && t <= to };
}
