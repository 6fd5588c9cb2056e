// Order entry at the mock: venue parameters are parsed with the symbol's Instrument exactly as
// the venue's filters would (tick, step, minimums), the order goes to the SimExchange, and
// its outcome comes back as the venue's JSON or error code.
import { EngineError, isEngineError } from '@mm/core';
import type { Instrument, OrderRequest, StpMode, TimeInForce, VenueOrder } from '@mm/core';
import type { SimExchange } from '@mm/exchange-sim';
import type { MockResponse } from './mock-http.ts';
import { json, venueError } from './mock-http.ts';
import { orderJson } from './mock-payloads.ts';
import type { MockMarket, MockState } from './mock-state.ts';

const TIF: Record<string, TimeInForce> = { GTC: 'GTC', IOC: 'IOC', FOK: 'FOK', GTX: 'POST_ONLY', HIDDEN: 'GTC', RPI: 'GTC' };
const STP: Record<string, StpMode> = { EXPIRE_TAKER: 'expire_taker', EXPIRE_MAKER: 'expire_maker', EXPIRE_BOTH: 'expire_both' };

export type Outcome = { readonly ok: true; readonly order: VenueOrder } | { readonly ok: false; readonly code: number; readonly msg: string };

/** The venue's code for an engine-side refusal. */
export function codeFor(error: EngineError, market: MockMarket, action: 'submit' | 'cancel' | 'query' | 'amend'): { code: number; msg: string } {
  switch (error.code) {
    case 'UNKNOWN_SYMBOL':
      return { code: -1121, msg: 'Invalid symbol.' };
    case 'PRICE_OFF_TICK':
      return market === 'futures' ? { code: -4014, msg: 'Price not increased by tick size.' } : { code: -1013, msg: 'Filter failure: PRICE_FILTER' };
    case 'QTY_OFF_LOT':
      return market === 'futures' ? { code: -4023, msg: 'Qty not increased by step size.' } : { code: -1013, msg: 'Filter failure: LOT_SIZE' };
    case 'QTY_BELOW_MIN':
      return market === 'futures' ? { code: -4004, msg: 'Quantity less than min quantity.' } : { code: -1013, msg: 'Filter failure: LOT_SIZE' };
    case 'QTY_ABOVE_MAX':
      return { code: -4005, msg: 'Quantity greater than max quantity.' };
    case 'NOTIONAL_BELOW_MIN':
      return market === 'futures' ? { code: -4164, msg: "Order's notional must be no smaller than 5.0 (unless you choose reduce only)" } : { code: -1013, msg: 'Filter failure: NOTIONAL' };
    case 'INSUFFICIENT_BALANCE':
      return market === 'futures' ? { code: -2019, msg: 'Margin is insufficient.' } : { code: -2010, msg: 'Account has insufficient balance for requested action.' };
    case 'POST_ONLY_WOULD_CROSS':
      return market === 'futures'
        ? { code: -5022, msg: 'Due to the order could not be executed as maker, the Post Only order will be rejected. The order will not be recorded in the order history' }
        : { code: -2010, msg: 'Order would immediately match and take.' };
    case 'DUPLICATE_CLIENT_ORDER_ID':
      return market === 'futures' ? { code: -4116, msg: 'ClientOrderId is duplicated.' } : { code: -2010, msg: 'Duplicate order sent.' };
    case 'REDUCE_ONLY_REJECTED':
      return { code: -2022, msg: 'ReduceOnly Order is rejected.' };
    case 'MAX_OPEN_ORDERS':
      return { code: -2025, msg: 'Reach max open order limit.' };
    case 'ORDER_NOT_FOUND':
      return action === 'query' ? { code: -2013, msg: 'Order does not exist.' } : { code: -2011, msg: 'Unknown order sent.' };
    case 'INVALID_ARGUMENT':
      return { code: -1130, msg: `Data sent for parameter is not valid: ${error.message}` };
    default:
      return { code: -1000, msg: error.message };
  }
}

/** A venue order (decoded parameters) to an engine request, checked like the venue's filters. */
export function toRequest(exchange: SimExchange, p: ReadonlyMap<string, string> | Readonly<Record<string, unknown>>, market: MockMarket): OrderRequest {
  const get = (k: string): string | undefined => {
    const v = p instanceof Map ? p.get(k) : (p as Record<string, unknown>)[k];
    return v === undefined || v === null ? undefined : String(v);
  };
  const symbol = get('symbol') ?? '';
  const inst: Instrument = exchange.instrument(symbol);
  if (inst.kind !== (market === 'futures' ? 'perp' : 'spot')) throw new EngineError('UNKNOWN_SYMBOL', `${symbol} is not traded here`);
  const type = get('type');
  if (type !== 'LIMIT' && type !== 'MARKET') throw new EngineError('NOT_SUPPORTED', `order type ${type ?? ''} is not simulated by the mock`);
  const side = get('side');
  if (side !== 'BUY' && side !== 'SELL') throw new EngineError('INVALID_ARGUMENT', 'Invalid side.');
  const qty = get('quantity');
  if (qty === undefined) throw new EngineError('INVALID_ARGUMENT', "Mandatory parameter 'quantity' was not sent.");
  const qtyLots = inst.qtyToLots(qty);
  const tifText = get('timeInForce') ?? (type === 'MARKET' ? 'IOC' : undefined);
  if (tifText === undefined) throw new EngineError('INVALID_ARGUMENT', "Mandatory parameter 'timeInForce' was not sent.");
  const timeInForce = TIF[tifText];
  if (timeInForce === undefined) throw new EngineError('INVALID_ARGUMENT', 'Invalid timeInForce.');
  const priceText = get('price');
  const priceTicks = type === 'LIMIT' ? inst.priceToTicks(priceText ?? '0') : undefined;
  const stp = get('stpMode');
  return {
    clientOrderId: get('newClientOrderId') ?? `mock${exchange.sequences.order + 1}`,
    symbol,
    side: side === 'BUY' ? 'buy' : 'sell',
    type: type === 'LIMIT' ? 'limit' : 'market',
    timeInForce,
    ...(priceTicks === undefined ? {} : { priceTicks }),
    qtyLots,
    reduceOnly: get('reduceOnly') === 'true',
    ...(stp === undefined || STP[stp] === undefined ? {} : { stpMode: STP[stp] }),
  };
}

export function submit(state: MockState, account: string, params: ReadonlyMap<string, string> | Readonly<Record<string, unknown>>, market: MockMarket): Outcome {
  let request: OrderRequest;
  try {
    request = toRequest(state.exchange, params, market);
  } catch (error) {
    if (isEngineError(error, 'NOT_SUPPORTED')) return { ok: false, code: -1116, msg: 'Invalid orderType.' };
    const e = isEngineError(error) ? error : new EngineError('INVALID_ARGUMENT', String(error));
    return { ok: false, ...codeFor(e, market, 'submit') };
  }
  const result = state.exchange.submit(account, request);
  if (!result.ok) return { ok: false, ...codeFor(result.error, market, 'submit') };
  state.logOrder(account, result.order.venueOrderId);
  return { ok: true, order: result.order };
}

export function outcomeResponse(state: MockState, account: string, outcome: Outcome, market: MockMarket, headers: Record<string, string> = {}): MockResponse {
  if (!outcome.ok) return venueError(outcome.code, outcome.msg, 400, headers);
  return json(orderJson(state.exchange, account, outcome.order, market), 200, headers);
}

/** The order an orderId / origClientOrderId pair names, open or closed. */
export function findOrder(state: MockState, account: string, p: ReadonlyMap<string, string>): VenueOrder | null {
  const orderId = p.get('orderId');
  const clientId = p.get('origClientOrderId');
  const order = state.exchange.getOrder(account, orderId !== undefined ? { venueOrderId: orderId } : { clientOrderId: clientId ?? '' });
  return order !== null && order.symbol === p.get('symbol') ? order : null;
}

export function cancel(state: MockState, account: string, symbol: string, ref: { venueOrderId?: string; clientOrderId?: string }, market: MockMarket): Outcome {
  const result = state.exchange.cancel(account, { symbol, ...ref });
  if (!result.ok) return { ok: false, ...codeFor(result.error, market, 'cancel') };
  return { ok: true, order: result.order };
}

export function amend(state: MockState, account: string, p: ReadonlyMap<string, string>): Outcome {
  const order = findOrder(state, account, p);
  if (order === null || (order.status !== 'open' && order.status !== 'partially_filled')) return { ok: false, code: -2013, msg: 'Order does not exist.' };
  if (order.type !== 'limit') return { ok: false, code: -4000, msg: 'Invalid order status.' };
  let priceTicks: number;
  let qtyLots: number;
  try {
    const inst = state.exchange.instrument(order.symbol);
    priceTicks = inst.priceToTicks(p.get('price') ?? '0');
    qtyLots = inst.qtyToLots(p.get('quantity') ?? '0');
  } catch (error) {
    return { ok: false, ...codeFor(error as EngineError, 'futures', 'amend') };
  }
  const result = state.exchange.amend(account, { symbol: order.symbol, clientOrderId: order.clientOrderId, priceTicks, qtyLots });
  if (!result.ok) return { ok: false, ...codeFor(result.error, 'futures', 'amend') };
  return { ok: true, order: result.order };
}
