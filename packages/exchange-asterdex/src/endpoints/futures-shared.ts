// The 47 futures endpoints both authentication families have (catalogue §3.1). Only the path
// prefix differs (/fapi/v1 vs /fapi/v3), except balance, account and positionRisk, which V1
// keeps under /fapi/v2 and /fapi/v4. Auth parameters (timestamp, recvWindow, nonce, user,
// signer, signature) are not listed: the family's signer adds them.
import type { EndpointSpec } from '@mm/exchange';
import {
  CANCEL,
  FUTURES_ORDER_TYPES,
  FUTURES_RESP_TYPES,
  KLINE_INTERVALS,
  MARGIN_TYPES,
  ORDER,
  ORDER_POOLS,
  POLL,
  POSITION_SIDES,
  QUERY,
  SIDES,
  TIME_IN_FORCE,
  TRUE_FALSE_UPPER,
  WORKING_TYPES,
  bool,
  bySymbol,
  dec,
  depthWeight,
  int,
  klineWeight,
  list,
  long,
  oneOf,
  str,
  orderRef,
  symbolOpt,
  symbolReq,
  timeRange,
} from './params.ts';

/** A shared endpoint: the V1 and V3 paths of one operation. */
export interface SharedEndpoint extends Omit<EndpointSpec, 'path'> {
  readonly v1: string;
  readonly v3: string;
}

/** Parameters of POST order shared by both families (V3 adds its own, see futures-v3.ts). */
export const NEW_ORDER_PARAMS = [
  symbolReq,
  oneOf('side', SIDES, true),
  oneOf('positionSide', POSITION_SIDES),
  oneOf('type', FUTURES_ORDER_TYPES, true),
  oneOf('timeInForce', TIME_IN_FORCE),
  dec('quantity'),
  bool('reduceOnly'),
  dec('price'),
  str('newClientOrderId'),
  dec('stopPrice'),
  bool('closePosition'),
  dec('activationPrice'),
  dec('callbackRate'),
  oneOf('workingType', WORKING_TYPES),
  oneOf('priceProtect', TRUE_FALSE_UPPER),
  oneOf('newOrderRespType', FUTURES_RESP_TYPES),
];

const both = (prefix: string): { v1: string; v3: string } => ({ v1: `/fapi/v1/${prefix}`, v3: `/fapi/v3/${prefix}` });

export const FUTURES_SHARED: readonly SharedEndpoint[] = [
  // market data (1–16)
  { id: 'ping', method: 'GET', ...both('ping'), security: 'NONE', weight: 1, priority: QUERY, params: [] },
  { id: 'time', method: 'GET', ...both('time'), security: 'NONE', weight: 1, priority: QUERY, params: [] },
  { id: 'exchangeInfo', method: 'GET', ...both('exchangeInfo'), security: 'NONE', weight: 1, priority: QUERY, params: [] },
  { id: 'depth', method: 'GET', ...both('depth'), security: 'NONE', weight: depthWeight(500), priority: QUERY, params: [symbolReq, int('limit')] },
  { id: 'trades', method: 'GET', ...both('trades'), security: 'NONE', weight: 1, priority: POLL, params: [symbolReq, int('limit')] },
  { id: 'historicalTrades', method: 'GET', ...both('historicalTrades'), security: 'MARKET_DATA', weight: 20, priority: POLL, params: [symbolReq, int('limit'), long('fromId')] },
  { id: 'aggTrades', method: 'GET', ...both('aggTrades'), security: 'NONE', weight: 20, priority: POLL, params: [symbolReq, long('fromId'), ...timeRange, int('limit')] },
  { id: 'klines', method: 'GET', ...both('klines'), security: 'NONE', weight: klineWeight, priority: POLL, params: [symbolReq, oneOf('interval', KLINE_INTERVALS, true), ...timeRange, int('limit')] },
  { id: 'indexPriceKlines', method: 'GET', ...both('indexPriceKlines'), security: 'NONE', weight: klineWeight, priority: POLL, params: [str('pair', true), oneOf('interval', KLINE_INTERVALS, true), ...timeRange, int('limit')] },
  { id: 'markPriceKlines', method: 'GET', ...both('markPriceKlines'), security: 'NONE', weight: klineWeight, priority: POLL, params: [symbolReq, oneOf('interval', KLINE_INTERVALS, true), ...timeRange, int('limit')] },
  { id: 'premiumIndex', method: 'GET', ...both('premiumIndex'), security: 'NONE', weight: 1, priority: QUERY, params: [symbolOpt] },
  { id: 'fundingRate', method: 'GET', ...both('fundingRate'), security: 'NONE', weight: 1, priority: POLL, params: [symbolOpt, ...timeRange, int('limit')] },
  { id: 'fundingInfo', method: 'GET', ...both('fundingInfo'), security: 'NONE', weight: 1, priority: POLL, params: [symbolOpt] },
  { id: 'ticker24hr', method: 'GET', ...both('ticker/24hr'), security: 'NONE', weight: bySymbol(1, 40), priority: POLL, params: [symbolOpt] },
  { id: 'tickerPrice', method: 'GET', ...both('ticker/price'), security: 'NONE', weight: bySymbol(1, 2), priority: POLL, params: [symbolOpt] },
  { id: 'bookTicker', method: 'GET', ...both('ticker/bookTicker'), security: 'NONE', weight: bySymbol(1, 2), priority: QUERY, params: [symbolOpt] },

  // trade (17–27)
  { id: 'newOrder', method: 'POST', ...both('order'), security: 'TRADE', weight: 1, pools: ORDER_POOLS(1), priority: ORDER, params: NEW_ORDER_PARAMS },
  { id: 'batchOrders', method: 'POST', ...both('batchOrders'), security: 'TRADE', weight: 5, pools: ORDER_POOLS(5), priority: ORDER, params: [list('batchOrders', true)] },
  { id: 'queryOrder', method: 'GET', ...both('order'), security: 'USER_DATA', weight: 1, priority: QUERY, params: orderRef },
  // cancels are not marked idempotent although repeating one is harmless: a cancel whose answer
  // was lost must be reported as unknown, and the transport does that only for non-idempotent calls
  { id: 'cancelOrder', method: 'DELETE', ...both('order'), security: 'TRADE', weight: 1, priority: CANCEL, params: orderRef },
  { id: 'cancelAllOpenOrders', method: 'DELETE', ...both('allOpenOrders'), security: 'TRADE', weight: 1, priority: CANCEL, params: [symbolReq] },
  { id: 'cancelBatchOrders', method: 'DELETE', ...both('batchOrders'), security: 'TRADE', weight: 1, priority: CANCEL, params: [symbolReq, list('orderIdList'), list('origClientOrderIdList')] },
  { id: 'countdownCancelAll', method: 'POST', ...both('countdownCancelAll'), security: 'TRADE', weight: 10, priority: CANCEL, params: [symbolReq, long('countdownTime', true)] },
  { id: 'openOrder', method: 'GET', ...both('openOrder'), security: 'USER_DATA', weight: 1, priority: QUERY, params: orderRef },
  { id: 'openOrders', method: 'GET', ...both('openOrders'), security: 'USER_DATA', weight: bySymbol(1, 40), priority: QUERY, params: [symbolOpt] },
  { id: 'allOrders', method: 'GET', ...both('allOrders'), security: 'USER_DATA', weight: 5, priority: POLL, params: [symbolReq, long('orderId'), ...timeRange, int('limit')] },
  { id: 'userTrades', method: 'GET', ...both('userTrades'), security: 'USER_DATA', weight: 5, priority: QUERY, params: [symbolReq, ...timeRange, long('fromId'), int('limit')] },

  // account, position, configuration (28–44)
  { id: 'setPositionMode', method: 'POST', ...both('positionSide/dual'), security: 'TRADE', weight: 1, priority: QUERY, params: [bool('dualSidePosition', true)] },
  { id: 'getPositionMode', method: 'GET', ...both('positionSide/dual'), security: 'USER_DATA', weight: 30, priority: QUERY, params: [] },
  { id: 'setMultiAssetsMargin', method: 'POST', ...both('multiAssetsMargin'), security: 'TRADE', weight: 1, priority: QUERY, params: [bool('multiAssetsMargin', true)] },
  { id: 'getMultiAssetsMargin', method: 'GET', ...both('multiAssetsMargin'), security: 'USER_DATA', weight: 30, priority: QUERY, params: [] },
  { id: 'walletTransfer', method: 'POST', ...both('asset/wallet/transfer'), security: 'TRANSFER', weight: 5, priority: QUERY, params: [dec('amount', true), str('asset', true), str('clientTranId', true), oneOf('kindType', ['FUTURE_SPOT', 'SPOT_FUTURE'], true)] },
  { id: 'balance', method: 'GET', v1: '/fapi/v2/balance', v3: '/fapi/v3/balance', security: 'USER_DATA', weight: 5, priority: QUERY, params: [] },
  { id: 'account', method: 'GET', v1: '/fapi/v4/account', v3: '/fapi/v3/accountWithJoinMargin', security: 'USER_DATA', weight: 5, priority: QUERY, params: [] },
  { id: 'setLeverage', method: 'POST', ...both('leverage'), security: 'TRADE', weight: 1, priority: QUERY, params: [symbolReq, int('leverage', true)] },
  { id: 'setMarginType', method: 'POST', ...both('marginType'), security: 'TRADE', weight: 1, priority: QUERY, params: [symbolReq, oneOf('marginType', MARGIN_TYPES, true)] },
  { id: 'positionMargin', method: 'POST', ...both('positionMargin'), security: 'TRADE', weight: 1, priority: QUERY, params: [symbolReq, oneOf('positionSide', POSITION_SIDES), dec('amount', true), int('type', true)] },
  { id: 'positionMarginHistory', method: 'GET', ...both('positionMargin/history'), security: 'TRADE', weight: 1, priority: POLL, params: [symbolReq, int('type'), ...timeRange, int('limit')] },
  { id: 'positionRisk', method: 'GET', v1: '/fapi/v2/positionRisk', v3: '/fapi/v3/positionRisk', security: 'USER_DATA', weight: 5, priority: QUERY, params: [symbolOpt] },
  { id: 'income', method: 'GET', ...both('income'), security: 'USER_DATA', weight: 30, priority: POLL, params: [symbolOpt, str('incomeType'), ...timeRange, int('limit')] },
  { id: 'leverageBracket', method: 'GET', ...both('leverageBracket'), security: 'USER_DATA', weight: 1, priority: QUERY, params: [symbolOpt] },
  { id: 'adlQuantile', method: 'GET', ...both('adlQuantile'), security: 'USER_DATA', weight: 5, priority: POLL, params: [symbolOpt] },
  { id: 'forceOrders', method: 'GET', ...both('forceOrders'), security: 'USER_DATA', weight: bySymbol(20, 50), priority: POLL, params: [symbolOpt, oneOf('autoCloseType', ['LIQUIDATION', 'ADL']), ...timeRange, int('limit')] },
  { id: 'commissionRate', method: 'GET', ...both('commissionRate'), security: 'USER_DATA', weight: 20, priority: QUERY, params: [symbolReq] },

  // user data stream (45–47)
  { id: 'listenKeyCreate', method: 'POST', ...both('listenKey'), security: 'USER_STREAM', weight: 1, priority: ORDER, idempotent: true, params: [] },
  { id: 'listenKeyKeepalive', method: 'PUT', ...both('listenKey'), security: 'USER_STREAM', weight: 1, priority: ORDER, idempotent: true, params: [] },
  { id: 'listenKeyClose', method: 'DELETE', ...both('listenKey'), security: 'USER_STREAM', weight: 1, priority: QUERY, idempotent: true, params: [] },
];

/** The shared table with one family's paths. */
export function sharedFor(family: 'v1' | 'v3'): EndpointSpec[] {
  return FUTURES_SHARED.map(({ v1, v3, ...spec }) => ({ ...spec, path: family === 'v1' ? v1 : v3 }));
}
