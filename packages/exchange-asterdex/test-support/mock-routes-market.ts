// Mock handlers: public market data (depth snapshots consistent with the diff stream, trades,
// book ticker, premium index).
import { fx } from '@mm/core';
import { json, venueError } from './mock-http.ts';
import { DEPTH_LIMITS, checkSymbol, p, symbolsOf } from './mock-context.ts';
import type { Handler } from './mock-context.ts';

export const depth: Handler = (ctx) => {
  const bad = checkSymbol(ctx, true);
  if (bad !== undefined) return bad;
  const limit = Number(p(ctx, 'limit') ?? (ctx.market === 'futures' ? 500 : 100));
  if (!DEPTH_LIMITS.has(limit)) return venueError(-4021, `'${limit}' is not valid depth limit.`);
  return json(ctx.streams.publishers.get(p(ctx, 'symbol')!)!.snapshot(limit));
};

export const trades: Handler = (ctx) => {
  const bad = checkSymbol(ctx, true);
  if (bad !== undefined) return bad;
  const symbol = p(ctx, 'symbol')!;
  const inst = ctx.state.exchange.instrument(symbol);
  const limit = Math.min(Number(p(ctx, 'limit') ?? 500), 1000);
  const rows = ctx.state.exchange.tradeLog.filter((t) => t.symbol === symbol).slice(-limit);
  return json(
    rows.map((t) => ({
      id: Number(t.tradeId),
      price: inst.ticksToPrice(t.priceTicks),
      qty: inst.lotsToQty(t.qtyLots),
      quoteQty: fx.format(inst.notional(t.priceTicks, t.qtyLots)),
      time: t.time,
      isBuyerMaker: t.takerSide === 'sell',
    })),
  );
};

export const aggTrades: Handler = (ctx) => {
  const bad = checkSymbol(ctx, true);
  if (bad !== undefined) return bad;
  const symbol = p(ctx, 'symbol')!;
  const inst = ctx.state.exchange.instrument(symbol);
  const limit = Math.min(Number(p(ctx, 'limit') ?? 500), 1000);
  const rows = ctx.state.exchange.tradeLog.filter((t) => t.symbol === symbol).slice(-limit);
  return json(rows.map((t) => ({ a: Number(t.tradeId), p: inst.ticksToPrice(t.priceTicks), q: inst.lotsToQty(t.qtyLots), f: Number(t.tradeId), l: Number(t.tradeId), T: t.time, m: t.takerSide === 'sell' })));
};

export const bookTicker: Handler = (ctx) => {
  const bad = checkSymbol(ctx, false);
  if (bad !== undefined) return bad;
  const symbol = p(ctx, 'symbol');
  if (symbol !== undefined) return json(ctx.streams.publishers.get(symbol)!.bookTicker());
  return json(symbolsOf(ctx).map((s) => ctx.streams.publishers.get(s)!.bookTicker()));
};

export const premiumIndex: Handler = (ctx) => {
  const bad = checkSymbol(ctx, false);
  if (bad !== undefined) return bad;
  const now = ctx.state.now();
  const row = (symbol: string): Record<string, unknown> => {
    const mark = fx.format(ctx.state.exchange.markPrice(symbol), { decimals: 8 });
    return { symbol, markPrice: mark, indexPrice: mark, estimatedSettlePrice: mark, lastFundingRate: '0.00010000', nextFundingTime: now - (now % 28_800_000) + 28_800_000, interestRate: '0.00010000', time: now };
  };
  const symbol = p(ctx, 'symbol');
  return json(symbol !== undefined ? row(symbol) : symbolsOf(ctx).map(row));
};
