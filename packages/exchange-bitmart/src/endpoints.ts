// The BitMart spot endpoints a market maker needs, as data (catalogue §3.1). Calls, signing and
// rate limiting are derived from this table: `security` picks the signer, `limit` defines the
// endpoint's own rate pool (BitMart limits each endpoint separately, per IP, key or account),
// `idempotent` tells the transport how to report an ambiguous failure.
//
// Field names follow each endpoint's version (§1): v1–v3 snake_case, v4 camelCase, and
// `stpMode` camelCase even on v2. A wrongly cased field is silently ignored by the venue, so
// the table lists the exact names and validateParams refuses anything else.
import type { EndpointSpec, ParamSpec, Priority } from '@mm/exchange';

export type BitmartSecurity = 'NONE' | 'KEYED' | 'SIGNED';
export type LimitScope = 'IP' | 'KEY' | 'UID';

export interface BitmartEndpoint extends EndpointSpec {
  readonly security: BitmartSecurity;
  /** The venue's limit for this endpoint; also the pool name is the endpoint id. */
  readonly limit: { readonly count: number; readonly windowMs: number; readonly scope: LimitScope };
}

const str = (name: string, required = false): ParamSpec => ({ name, type: 'string', required });
const dec = (name: string, required = false): ParamSpec => ({ name, type: 'decimal', required });
const int = (name: string, required = false): ParamSpec => ({ name, type: 'int', required });
const long = (name: string, required = false): ParamSpec => ({ name, type: 'long', required });
const json = (name: string, required = false): ParamSpec => ({ name, type: 'json', required });
const oneOf = (name: string, values: readonly string[], required = false): ParamSpec => ({ name, type: 'enum', values, required });

export const SIDES = ['buy', 'sell'] as const;
export const ORDER_TYPES = ['limit', 'market', 'limit_maker', 'ioc'] as const;
export const STP_MODES = ['none', 'cancel_maker', 'cancel_taker', 'cancel_both'] as const;
const recvWindow = long('recvWindow');
const listFilters = [str('symbol'), oneOf('orderMode', ['spot', 'iso_margin']), long('startTime'), long('endTime'), int('limit'), recvWindow];

function endpoint<Id extends string>(
  id: Id,
  method: 'GET' | 'POST',
  path: string,
  security: BitmartSecurity,
  limit: BitmartEndpoint['limit'],
  params: readonly ParamSpec[],
  priority: Priority,
  idempotent?: boolean,
): BitmartEndpoint & { readonly id: Id } {
  return { id, method, path, security, limit, params, priority, weight: 1, ...(idempotent === undefined ? {} : { idempotent }) };
}

const perIp = (count: number, windowMs = 2000): BitmartEndpoint['limit'] => ({ count, windowMs, scope: 'IP' });
const perKey = (count: number, windowMs = 2000): BitmartEndpoint['limit'] => ({ count, windowMs, scope: 'KEY' });
const perUid = (count: number, windowMs = 2000): BitmartEndpoint['limit'] => ({ count, windowMs, scope: 'UID' });

export const BITMART_ENDPOINTS = [
  // system and reference data
  endpoint('system.time', 'GET', '/system/time', 'NONE', perIp(10, 1000), [], 'normal'),
  endpoint('system.service', 'GET', '/system/service', 'NONE', perIp(10, 1000), [], 'low'),
  endpoint('spot.symbols', 'GET', '/spot/v1/symbols', 'NONE', perIp(8), [], 'low'),
  endpoint('spot.symbolDetails', 'GET', '/spot/v1/symbols/details', 'NONE', perIp(12), [], 'normal'),
  endpoint('spot.currencies', 'GET', '/spot/v1/currencies', 'NONE', perIp(8), [], 'low'),
  // market data (REST is not real time; the WebSocket is for quoting, §8.24)
  endpoint('market.ticker', 'GET', '/spot/quotation/v3/ticker', 'NONE', perIp(15), [str('symbol', true)], 'normal'),
  endpoint('market.tickers', 'GET', '/spot/quotation/v3/tickers', 'NONE', perIp(10), [], 'low'),
  endpoint('market.books', 'GET', '/spot/quotation/v3/books', 'NONE', perIp(15), [str('symbol', true), int('limit')], 'normal'),
  endpoint('market.trades', 'GET', '/spot/quotation/v3/trades', 'NONE', perIp(15), [str('symbol', true), int('limit')], 'low'),
  endpoint(
    'market.liteKlines',
    'GET',
    '/spot/quotation/v3/lite-klines',
    'NONE',
    perIp(15),
    [str('symbol', true), long('before'), long('after'), int('step'), int('limit')],
    'low',
  ),
  // account
  endpoint('account.tradeFee', 'GET', '/spot/v1/trade_fee', 'KEYED', perKey(2), [str('symbol', true)], 'low'),
  endpoint('account.userFee', 'GET', '/spot/v1/user_fee', 'KEYED', perKey(2), [], 'low'),
  endpoint('account.spotWallet', 'GET', '/spot/v1/wallet', 'KEYED', perKey(12), [], 'normal'),
  endpoint('account.wallet', 'GET', '/account/v1/wallet', 'KEYED', perKey(12), [str('currency'), { name: 'needUsdValuation', type: 'boolean' }], 'low'),
  // order entry (per UID: every key of the account shares these budgets)
  endpoint(
    'order.submit',
    'POST',
    '/spot/v2/submit_order',
    'SIGNED',
    perUid(40),
    [
      str('symbol', true),
      oneOf('side', SIDES, true),
      oneOf('type', ORDER_TYPES, true),
      str('client_order_id'),
      dec('size'),
      dec('price'),
      dec('notional'),
      oneOf('stpMode', STP_MODES),
    ],
    'high',
  ),
  endpoint('order.batch', 'POST', '/spot/v4/batch_orders', 'SIGNED', perUid(40), [str('symbol', true), json('orderParams', true), recvWindow], 'high'),
  endpoint('order.cancel', 'POST', '/spot/v3/cancel_order', 'SIGNED', perUid(40), [str('symbol', true), str('order_id'), str('client_order_id')], 'critical'),
  endpoint(
    'order.cancelBatch',
    'POST',
    '/spot/v4/cancel_orders',
    'SIGNED',
    perUid(40),
    [str('symbol', true), json('orderIds'), json('clientOrderIds'), recvWindow],
    'critical',
  ),
  // once per 3 s per account (§8.14): never in the requote loop
  endpoint('order.cancelAll', 'POST', '/spot/v4/cancel_all', 'SIGNED', perUid(1, 3000), [str('symbol'), oneOf('side', SIDES)], 'critical'),
  // queries: POST + SIGNED, yet safe to repeat
  endpoint('query.order', 'POST', '/spot/v4/query/order', 'SIGNED', perKey(50), [str('orderId', true), oneOf('queryState', ['open', 'history']), recvWindow], 'high', true),
  endpoint(
    'query.clientOrder',
    'POST',
    '/spot/v4/query/client-order',
    'SIGNED',
    perKey(50),
    [str('clientOrderId', true), oneOf('queryState', ['open', 'history']), recvWindow],
    'high',
    true,
  ),
  endpoint('query.openOrders', 'POST', '/spot/v4/query/open-orders', 'SIGNED', perKey(12), listFilters, 'normal', true),
  endpoint('query.historyOrders', 'POST', '/spot/v4/query/history-orders', 'SIGNED', perKey(12), listFilters, 'low', true),
  endpoint('query.trades', 'POST', '/spot/v4/query/trades', 'SIGNED', perKey(12), listFilters, 'normal', true),
  endpoint('query.orderTrades', 'POST', '/spot/v4/query/order-trades', 'SIGNED', perKey(12), [str('orderId', true), recvWindow], 'normal', true),
];

export type BitmartEndpointId = (typeof BITMART_ENDPOINTS)[number]['id'];

/** Largest batch of /spot/v4/batch_orders and /spot/v4/cancel_orders. */
export const MAX_BATCH = 10;
export const CANCEL_ALL_MIN_INTERVAL_MS = 3000;
