// Endpoint handlers of the mock, by endpoint id of the client's own tables (futures V1 and V3
// share ids; spot v1 and v3 too). Every answer is shaped like the venue's. Endpoints the mock
// does not simulate answer -1020 "This operation is not supported." after authentication.
import { isEngineError } from '@mm/core';
import type { MockResponse } from './mock-http.ts';
import { json, venueError } from './mock-http.ts';
import { codeFor } from './mock-orders.ts';
import { exchangeInfoJson } from './mock-payloads.ts';
import type { MockMarket } from './mock-state.ts';
import { OK } from './mock-context.ts';
import type { Handler } from './mock-context.ts';
import { aggTrades, bookTicker, depth, premiumIndex, trades } from './mock-routes-market.ts';
import {
  allOrders,
  batchOrders,
  cancelAll,
  cancelBatch,
  cancelOrder,
  commissionRate,
  countdownCancelAll,
  modifyOrder,
  newOrder,
  openOrder,
  openOrders,
  queryOrder,
  testOrder,
  userTrades,
} from './mock-routes-orders.ts';
import {
  account,
  adlQuantile,
  balance,
  getPositionMode,
  getStpMode,
  leverageBracket,
  listenKeyClose,
  listenKeyCreate,
  listenKeyKeepalive,
  positionRisk,
  setLeverage,
  setMarginType,
  setPositionMode,
  setStpMode,
  spotAccount,
} from './mock-routes-account.ts';

export type { RouteContext } from './mock-context.ts';

const COMMON: Record<string, Handler> = {
  ping: () => json({}),
  time: (ctx) => json({ serverTime: ctx.state.now() }),
  exchangeInfo: (ctx) => json(exchangeInfoJson(ctx.state.exchange, ctx.market, ctx.state.limits, ctx.state.now())),
  depth,
  trades,
  historicalTrades: trades,
  aggTrades,
  bookTicker,
  newOrder,
  testOrder,
  queryOrder,
  openOrder,
  openOrders,
  allOrders,
  cancelOrder,
  cancelAllOpenOrders: cancelAll,
  userTrades,
  commissionRate,
  listenKeyCreate,
  listenKeyKeepalive,
  listenKeyClose,
  noop: () => json(OK),
};

export const FUTURES_ROUTES: Record<string, Handler> = {
  ...COMMON,
  premiumIndex,
  batchOrders,
  cancelBatchOrders: cancelBatch,
  countdownCancelAll,
  modifyOrder,
  balance,
  account,
  positionRisk,
  leverageBracket,
  adlQuantile,
  setLeverage,
  setMarginType,
  getPositionMode,
  setPositionMode,
  getMultiAssetsMargin: () => json({ multiAssetsMargin: false }),
  getStpMode,
  setStpMode,
  income: () => json([]),
  forceOrders: () => json([]),
};

export const SPOT_ROUTES: Record<string, Handler> = { ...COMMON, account: spotAccount };

/** The venue code for an EngineError thrown by a handler. */
export function handlerError(error: unknown, market: MockMarket): MockResponse {
  if (isEngineError(error)) {
    const { code, msg } = codeFor(error, market, 'submit');
    return venueError(code, msg);
  }
  return venueError(-1000, 'An unknown error occured while processing the request.', 500);
}
