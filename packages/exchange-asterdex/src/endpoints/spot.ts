// Spot API on its own host (sapi): /api/v1 is HMAC-signed like futures V1, /api/v3 is
// EIP-712-signed like futures V3 and adds noop (catalogue §9: 28 endpoints in v1, 29 in v3).
// Unlike futures, the spot listenKey keepalive and close take the key as a parameter.
import type { EndpointSpec } from '@mm/exchange';
import {
  CANCEL,
  KLINE_INTERVALS,
  ORDER,
  ORDER_POOLS,
  POLL,
  QUERY,
  SIDES,
  SPOT_ORDER_TYPES,
  SPOT_RESP_TYPES,
  TIME_IN_FORCE,
  bySymbol,
  dec,
  depthWeight,
  int,
  list,
  long,
  oneOf,
  str,
  orderRef,
  symbolOpt,
  symbolReq,
  timeRange,
} from './params.ts';

function spotTable(version: 'v1' | 'v3'): EndpointSpec[] {
  const at = (path: string): string => `/api/${version}/${path}`;
  const table: EndpointSpec[] = [
    { id: 'ping', method: 'GET', path: at('ping'), security: 'NONE', weight: 1, priority: QUERY, params: [] },
    { id: 'time', method: 'GET', path: at('time'), security: 'NONE', weight: 1, priority: QUERY, params: [] },
    { id: 'exchangeInfo', method: 'GET', path: at('exchangeInfo'), security: 'NONE', weight: 1, priority: QUERY, params: [] },
    { id: 'depth', method: 'GET', path: at('depth'), security: 'NONE', weight: depthWeight(100), priority: QUERY, params: [symbolReq, int('limit')] },
    { id: 'trades', method: 'GET', path: at('trades'), security: 'NONE', weight: 1, priority: POLL, params: [symbolReq, int('limit')] },
    { id: 'historicalTrades', method: 'GET', path: at('historicalTrades'), security: 'MARKET_DATA', weight: 20, priority: POLL, params: [symbolReq, int('limit'), long('fromId')] },
    { id: 'aggTrades', method: 'GET', path: at('aggTrades'), security: 'NONE', weight: 20, priority: POLL, params: [symbolReq, long('fromId'), ...timeRange, int('limit')] },
    // the spot docs give no kline weight; 1 is assumed
    { id: 'klines', method: 'GET', path: at('klines'), security: 'NONE', weight: 1, priority: POLL, params: [symbolReq, oneOf('interval', KLINE_INTERVALS, true), ...timeRange, int('limit')] },
    { id: 'ticker24hr', method: 'GET', path: at('ticker/24hr'), security: 'NONE', weight: bySymbol(1, 40), priority: POLL, params: [symbolOpt] },
    { id: 'tickerPrice', method: 'GET', path: at('ticker/price'), security: 'NONE', weight: bySymbol(1, 2), priority: POLL, params: [symbolOpt] },
    { id: 'bookTicker', method: 'GET', path: at('ticker/bookTicker'), security: 'NONE', weight: bySymbol(1, 2), priority: QUERY, params: [symbolOpt] },
    { id: 'commissionRate', method: 'GET', path: at('commissionRate'), security: 'USER_DATA', weight: 20, priority: QUERY, params: [symbolReq] },
    {
      id: 'newOrder',
      method: 'POST',
      path: at('order'),
      security: 'TRADE',
      weight: 1,
      pools: ORDER_POOLS(1),
      priority: ORDER,
      params: [
        symbolReq,
        oneOf('side', SIDES, true),
        oneOf('type', SPOT_ORDER_TYPES, true),
        oneOf('timeInForce', TIME_IN_FORCE),
        dec('quantity'),
        dec('quoteOrderQty'),
        dec('price'),
        str('newClientOrderId'),
        dec('stopPrice'),
        oneOf('newOrderRespType', SPOT_RESP_TYPES),
      ],
    },
    { id: 'cancelOrder', method: 'DELETE', path: at('order'), security: 'TRADE', weight: 1, priority: CANCEL, params: orderRef },
    { id: 'queryOrder', method: 'GET', path: at('order'), security: 'USER_DATA', weight: 1, priority: QUERY, params: orderRef },
    { id: 'openOrder', method: 'GET', path: at('openOrder'), security: 'USER_DATA', weight: 1, priority: QUERY, params: orderRef },
    { id: 'openOrders', method: 'GET', path: at('openOrders'), security: 'USER_DATA', weight: bySymbol(1, 40), priority: QUERY, params: [symbolOpt] },
    {
      id: 'cancelAllOpenOrders',
      method: 'DELETE',
      path: at('allOpenOrders'),
      security: 'TRADE',
      weight: 1,
      priority: CANCEL,
      params: [symbolReq, list('orderIdList'), list('origClientOrderIdList')],
    },
    { id: 'allOrders', method: 'GET', path: at('allOrders'), security: 'USER_DATA', weight: 5, priority: POLL, params: [symbolReq, long('orderId'), ...timeRange, int('limit')] },
    { id: 'transactionHistory', method: 'GET', path: at('transactionHistory'), security: 'USER_DATA', weight: 30, priority: POLL, params: [str('asset'), str('type'), ...timeRange, int('limit')] },
    {
      id: 'walletTransfer',
      method: 'POST',
      path: at('asset/wallet/transfer'),
      security: 'TRANSFER',
      weight: 5,
      priority: QUERY,
      params: [dec('amount', true), str('asset', true), str('clientTranId', true), oneOf('kindType', ['FUTURE_SPOT', 'SPOT_FUTURE'], true)],
    },
    { id: 'withdrawFee', method: 'GET', path: at('aster/withdraw/estimateFee'), security: 'NONE', weight: 1, priority: POLL, params: [str('chainId', true), str('asset', true)] },
    {
      id: 'withdraw',
      method: 'POST',
      path: at('aster/user-withdraw'),
      security: 'USER_DATA',
      weight: version === 'v1' ? 1 : 5,
      priority: QUERY,
      // V3 signs with its own `nonce`, so the withdraw's nonce travels as userNonce (as in the V3 demos)
      params: [
        str('chainId', true),
        str('asset', true),
        dec('amount', true),
        dec('fee', true),
        str('receiver', true),
        long(version === 'v1' ? 'nonce' : 'userNonce', true),
        str('userSignature', true),
      ],
    },
    { id: 'account', method: 'GET', path: at('account'), security: 'USER_DATA', weight: 5, priority: QUERY, params: [] },
    { id: 'userTrades', method: 'GET', path: at('userTrades'), security: 'USER_DATA', weight: 5, priority: QUERY, params: [symbolOpt, long('orderId'), ...timeRange, long('fromId'), int('limit')] },
    { id: 'listenKeyCreate', method: 'POST', path: at('listenKey'), security: 'USER_STREAM', weight: 1, priority: ORDER, idempotent: true, params: [] },
    { id: 'listenKeyKeepalive', method: 'PUT', path: at('listenKey'), security: 'USER_STREAM', weight: 1, priority: ORDER, idempotent: true, params: [str('listenKey', true)] },
    { id: 'listenKeyClose', method: 'DELETE', path: at('listenKey'), security: 'USER_STREAM', weight: 1, priority: QUERY, idempotent: true, params: [str('listenKey', true)] },
  ];
  if (version === 'v3') table.push({ id: 'noop', method: 'POST', path: at('noop'), security: 'GUARDED', weight: 1, priority: CANCEL, params: [long('nonce', true)] });
  return table;
}

export const SPOT_V1_ENDPOINTS: readonly EndpointSpec[] = spotTable('v1');
export const SPOT_V3_ENDPOINTS: readonly EndpointSpec[] = spotTable('v3');
