// Mock handlers: order entry and queries (new, batch, amend, cancel, cancel all, the
// countdown dead-man switch, open and historical orders, trades, commission).
import { fx } from '@mm/core';
import type { VenueOrder } from '@mm/core';
import { json, parseList, venueError } from './mock-http.ts';
import { amend, cancel, findOrder, outcomeResponse, submit } from './mock-orders.ts';
import { tradeJson } from './mock-payloads.ts';
import { acct, checkSymbol, orderOut, p, symbolsOf } from './mock-context.ts';
import type { Handler } from './mock-context.ts';

export const newOrder: Handler = (ctx) => {
  const outcome = submit(ctx.state, acct(ctx).name, ctx.req.params, ctx.market);
  return outcomeResponse(ctx.state, acct(ctx).name, outcome, ctx.market, ctx.orderHeaders);
};

export const testOrder: Handler = (ctx) => {
  const bad = checkSymbol(ctx, true);
  return bad ?? json({});
};

export const batchOrders: Handler = (ctx) => {
  let list: unknown;
  try {
    list = parseList(p(ctx, 'batchOrders') ?? '');
  } catch {
    return venueError(-1130, "Data sent for parameter 'batchOrders' is not valid.");
  }
  if (!Array.isArray(list) || list.length === 0 || list.length > 5) return venueError(-4082, `Invalid number of batch place orders: ${Array.isArray(list) ? list.length : 0}`);
  const out = list.map((item) => {
    const outcome = submit(ctx.state, acct(ctx).name, (item ?? {}) as Record<string, unknown>, ctx.market);
    return outcome.ok ? orderOut(ctx, outcome.order) : { code: outcome.code, msg: outcome.msg };
  });
  return json(out, 200, ctx.orderHeaders);
};

export const queryOrder: Handler = (ctx) => {
  const bad = checkSymbol(ctx, true);
  if (bad !== undefined) return bad;
  if (p(ctx, 'orderId') === undefined && p(ctx, 'origClientOrderId') === undefined) return venueError(-1102, "Param 'orderId' or 'origClientOrderId' must be sent, but both were empty/null!");
  const order = findOrder(ctx.state, acct(ctx).name, ctx.req.params);
  return order === null ? venueError(-2013, 'Order does not exist.') : json(orderOut(ctx, order));
};

export const openOrder: Handler = (ctx) => {
  const bad = checkSymbol(ctx, true);
  if (bad !== undefined) return bad;
  const order = findOrder(ctx.state, acct(ctx).name, ctx.req.params);
  if (order === null || (order.status !== 'open' && order.status !== 'partially_filled')) return venueError(-2013, 'Order does not exist.');
  return json(orderOut(ctx, order));
};

export const openOrders: Handler = (ctx) => {
  const bad = checkSymbol(ctx, false);
  if (bad !== undefined) return bad;
  const symbols = new Set(p(ctx, 'symbol') !== undefined ? [p(ctx, 'symbol')!] : symbolsOf(ctx));
  return json(ctx.state.exchange.openOrders(acct(ctx).name).filter((o) => symbols.has(o.symbol)).map((o) => orderOut(ctx, o)));
};

export const allOrders: Handler = (ctx) => {
  const bad = checkSymbol(ctx, true);
  if (bad !== undefined) return bad;
  const name = acct(ctx).name;
  const from = Number(p(ctx, 'orderId') ?? 0);
  const limit = Math.min(Number(p(ctx, 'limit') ?? 500), 1000);
  const orders = (ctx.state.orderLog.get(name) ?? [])
    .filter((id) => Number(id) >= from)
    .map((id) => ctx.state.exchange.getOrder(name, { venueOrderId: id }))
    .filter((o): o is VenueOrder => o !== null && o.symbol === p(ctx, 'symbol'))
    .slice(0, limit);
  return json(orders.map((o) => orderOut(ctx, o)));
};

export const cancelOrder: Handler = (ctx) => {
  const bad = checkSymbol(ctx, true);
  if (bad !== undefined) return bad;
  const orderId = p(ctx, 'orderId');
  const clientOrderId = p(ctx, 'origClientOrderId');
  if (orderId === undefined && clientOrderId === undefined) return venueError(-1102, "Param 'orderId' or 'origClientOrderId' must be sent, but both were empty/null!");
  const outcome = cancel(ctx.state, acct(ctx).name, p(ctx, 'symbol')!, orderId !== undefined ? { venueOrderId: orderId } : { clientOrderId: clientOrderId! }, ctx.market);
  return outcomeResponse(ctx.state, acct(ctx).name, outcome, ctx.market);
};

export const cancelBatch: Handler = (ctx) => {
  const bad = checkSymbol(ctx, true);
  if (bad !== undefined) return bad;
  const symbol = p(ctx, 'symbol')!;
  let ids: unknown[];
  let byVenue: boolean;
  try {
    byVenue = p(ctx, 'orderIdList') !== undefined;
    const listed = parseList(p(ctx, byVenue ? 'orderIdList' : 'origClientOrderIdList') ?? '[]');
    ids = Array.isArray(listed) ? listed : [];
  } catch {
    return venueError(-1130, 'Data sent for parameter orderIdList / origClientOrderIdList is not valid.');
  }
  if (ids.length === 0) return venueError(-1102, "Param 'orderIdList' or 'origClientOrderIdList' must be sent, but both were empty/null!");
  if (ids.length > 10) return venueError(-4032, 'Exceed maximum cancel order size.');
  return json(
    ids.map((id) => {
      const outcome = cancel(ctx.state, acct(ctx).name, symbol, byVenue ? { venueOrderId: String(id) } : { clientOrderId: String(id) }, ctx.market);
      return outcome.ok ? orderOut(ctx, outcome.order) : { code: outcome.code, msg: outcome.msg };
    }),
  );
};

export const cancelAll: Handler = (ctx) => {
  const bad = checkSymbol(ctx, true);
  if (bad !== undefined) return bad;
  const name = acct(ctx).name;
  const symbol = p(ctx, 'symbol')!;
  // spot may name the orders to cancel
  const listed = p(ctx, 'orderIdList') ?? p(ctx, 'origClientOrderIdList');
  if (ctx.market === 'spot' && listed !== undefined) {
    const byVenue = p(ctx, 'orderIdList') !== undefined;
    for (const id of parseList(listed) as unknown[]) cancel(ctx.state, name, symbol, byVenue ? { venueOrderId: String(id) } : { clientOrderId: String(id) }, 'spot');
  } else {
    ctx.state.exchange.cancelAll(name, symbol);
  }
  // futures answers with a string code here, spot with a number (both documented)
  return json({ code: ctx.market === 'futures' ? '200' : 200, msg: 'The operation of cancel all open order is done.' });
};

export const countdownCancelAll: Handler = (ctx) => {
  const bad = checkSymbol(ctx, true);
  if (bad !== undefined) return bad;
  const name = acct(ctx).name;
  const symbol = p(ctx, 'symbol')!;
  const ms = Number(p(ctx, 'countdownTime'));
  const key = `${name}|${symbol}`;
  ctx.state.clock.clearTimer(ctx.state.deadMan.get(key));
  ctx.state.deadMan.delete(key);
  if (ms > 0) {
    ctx.state.deadMan.set(
      key,
      ctx.state.timer(() => {
        ctx.state.deadMan.delete(key);
        ctx.state.exchange.cancelAll(name, symbol);
      }, ms),
    );
  }
  return json({ symbol, countdownTime: String(ms) });
};

export const modifyOrder: Handler = (ctx) => {
  const bad = checkSymbol(ctx, true);
  if (bad !== undefined) return bad;
  return outcomeResponse(ctx.state, acct(ctx).name, amend(ctx.state, acct(ctx).name, ctx.req.params), 'futures', ctx.orderHeaders);
};

export const userTrades: Handler = (ctx) => {
  const bad = checkSymbol(ctx, ctx.market === 'futures');
  if (bad !== undefined) return bad;
  const symbol = p(ctx, 'symbol');
  const fromId = p(ctx, 'fromId');
  const start = p(ctx, 'startTime');
  const end = p(ctx, 'endTime');
  if (fromId !== undefined && (start !== undefined || end !== undefined)) return venueError(-1128, 'Combination of optional parameters invalid.');
  const limit = Math.min(Number(p(ctx, 'limit') ?? 500), 1000);
  const now = ctx.state.now();
  const orderId = p(ctx, 'orderId');
  const rows = ctx.state.exchange
    .fills(acct(ctx).name, symbol === undefined ? {} : { symbol })
    .filter((f) => ctx.state.exchange.instrument(f.symbol).kind === (ctx.market === 'futures' ? 'perp' : 'spot'))
    .filter((f) => orderId === undefined || f.venueOrderId === orderId)
    .filter((f) => (fromId !== undefined ? Number(f.tradeId) >= Number(fromId) : f.venueTime >= Number(start ?? now - 7 * 86_400_000) && f.venueTime <= Number(end ?? now)))
    .slice(0, limit);
  return json(rows.map((f) => tradeJson(ctx.state.exchange, f, ctx.market)));
};

export const commissionRate: Handler = (ctx) => {
  const bad = checkSymbol(ctx, true);
  if (bad !== undefined) return bad;
  const fees = ctx.state.exchange.feeSchedule(acct(ctx).name);
  return json({ symbol: p(ctx, 'symbol'), makerCommissionRate: fx.format(fees.maker, { decimals: 6 }), takerCommissionRate: fx.format(fees.taker, { decimals: 6 }) });
};
