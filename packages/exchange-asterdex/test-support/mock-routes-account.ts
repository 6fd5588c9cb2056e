// Mock handlers: account state (balances, account, positions, brackets, ADL, leverage, margin
// type, position mode, STP) and the user-data-stream listen keys.
import { fx, isEngineError } from '@mm/core';
import { json, venueError } from './mock-http.ts';
import { BRACKETS, futuresBalanceJson, maxNotionalFor, positionRiskJson } from './mock-payloads.ts';
import { OK, acct, checkSymbol, p, symbolsOf } from './mock-context.ts';
import type { Handler, RouteContext } from './mock-context.ts';

export const balance: Handler = (ctx) => json(futuresBalanceJson(ctx.state.exchange.balances(acct(ctx).name), ctx.state.now()));

export const account: Handler = (ctx) => {
  const name = acct(ctx).name;
  const ex = ctx.state.exchange;
  const s = ex.marginSummary(name, 'USDT');
  const amount = (v: bigint): string => fx.format(v, { decimals: 8 });
  const positions = symbolsOf(ctx).map((symbol) => {
    const pos = ex.positions(name, symbol)[0];
    const inst = ex.instrument(symbol);
    const qty = pos === undefined ? '0' : inst.lotsToQty(Math.abs(pos.qtyLots));
    return {
      symbol,
      initialMargin: '0',
      maintMargin: amount(pos?.maintenanceMargin ?? 0n),
      unrealizedProfit: amount(pos?.unrealizedPnl ?? 0n),
      positionInitialMargin: '0',
      openOrderInitialMargin: '0',
      leverage: String(pos?.leverage ?? 5),
      isolated: pos?.marginType === 'isolated',
      entryPrice: amount(pos?.entryPrice ?? 0n),
      maxNotional: String(maxNotionalFor(pos?.leverage ?? 5)),
      positionSide: 'BOTH',
      positionAmt: pos !== undefined && pos.qtyLots < 0 ? `-${qty}` : qty,
      notional: '0',
      isolatedWallet: '0',
      updateTime: pos?.updatedAt ?? 0,
    };
  });
  return json({
    feeTier: 0,
    canTrade: true,
    canDeposit: true,
    canWithdraw: true,
    updateTime: 0,
    totalInitialMargin: amount(s.initialMargin),
    totalMaintMargin: amount(s.maintenanceMargin),
    totalWalletBalance: amount(s.walletBalance),
    totalUnrealizedProfit: amount(s.marginBalance - s.walletBalance),
    totalMarginBalance: amount(s.marginBalance),
    totalPositionInitialMargin: '0',
    totalOpenOrderInitialMargin: '0',
    totalCrossWalletBalance: amount(s.walletBalance),
    totalCrossUnPnl: amount(s.marginBalance - s.walletBalance),
    availableBalance: amount(s.availableBalance),
    maxWithdrawAmount: amount(s.availableBalance),
    assets: [
      {
        asset: 'USDT',
        walletBalance: amount(s.walletBalance),
        unrealizedProfit: amount(s.marginBalance - s.walletBalance),
        marginBalance: amount(s.marginBalance),
        maintMargin: amount(s.maintenanceMargin),
        initialMargin: amount(s.initialMargin),
        positionInitialMargin: '0',
        openOrderInitialMargin: '0',
        crossWalletBalance: amount(s.walletBalance),
        crossUnPnl: amount(s.marginBalance - s.walletBalance),
        availableBalance: amount(s.availableBalance),
        maxWithdrawAmount: amount(s.availableBalance),
        marginAvailable: true,
        updateTime: s.updatedAt,
      },
    ],
    positions,
  });
};

export const positionRisk: Handler = (ctx) => {
  const bad = checkSymbol(ctx, false);
  if (bad !== undefined) return bad;
  const name = acct(ctx).name;
  const ex = ctx.state.exchange;
  const symbols = p(ctx, 'symbol') !== undefined ? [p(ctx, 'symbol')!] : symbolsOf(ctx);
  // every symbol has a row, an untouched one with zero amount and the default leverage
  return json(
    symbols.map((symbol) => {
      const pos = ex.positions(name, symbol)[0];
      return positionRiskJson(ex, pos ?? { symbol, qtyLots: 0, entryPrice: 0n, markPrice: ex.markPrice(symbol), unrealizedPnl: 0n, leverage: 5, marginType: 'cross', maintenanceMargin: 0n, liquidationPrice: null, updatedAt: 0 });
    }),
  );
};

export const leverageBracket: Handler = (ctx) => {
  const bad = checkSymbol(ctx, false);
  if (bad !== undefined) return bad;
  const symbol = p(ctx, 'symbol');
  if (symbol !== undefined) return json({ symbol, brackets: BRACKETS });
  return json(symbolsOf(ctx).map((s) => ({ symbol: s, brackets: BRACKETS })));
};

export const adlQuantile: Handler = (ctx) => {
  const name = acct(ctx).name;
  const ex = ctx.state.exchange;
  const symbols = p(ctx, 'symbol') !== undefined ? [p(ctx, 'symbol')!] : symbolsOf(ctx);
  return json(
    symbols.flatMap((symbol) => {
      const pos = ex.positions(name, symbol)[0];
      if (pos === undefined || pos.qtyLots === 0) return [];
      const q = pos.adlQuantile ?? 0;
      return [{ symbol, adlQuantile: { LONG: pos.qtyLots > 0 ? q : 0, SHORT: pos.qtyLots < 0 ? q : 0, BOTH: q } }];
    }),
  );
};

export const setLeverage: Handler = (ctx) => {
  const bad = checkSymbol(ctx, true);
  if (bad !== undefined) return bad;
  const symbol = p(ctx, 'symbol')!;
  const leverage = Number(p(ctx, 'leverage'));
  try {
    ctx.state.exchange.setLeverage(acct(ctx).name, symbol, leverage);
  } catch {
    return venueError(-4028, `Leverage ${p(ctx, 'leverage') ?? ''} is not valid`);
  }
  const now = ctx.state.now();
  ctx.streams.sendUserEvent(acct(ctx).name, 'futures', { e: 'ACCOUNT_CONFIG_UPDATE', E: now, T: now, ac: { s: symbol, l: leverage } });
  return json({ leverage, maxNotionalValue: String(maxNotionalFor(leverage)), symbol });
};

export const setMarginType: Handler = (ctx) => {
  const bad = checkSymbol(ctx, true);
  if (bad !== undefined) return bad;
  const name = acct(ctx).name;
  const symbol = p(ctx, 'symbol')!;
  const wanted = p(ctx, 'marginType') === 'ISOLATED' ? 'isolated' : 'cross';
  const current = ctx.state.exchange.positions(name, symbol)[0]?.marginType ?? 'cross';
  if (current === wanted) return venueError(-4046, 'No need to change margin type.');
  try {
    ctx.state.exchange.setMarginType(name, symbol, wanted);
  } catch (error) {
    if (isEngineError(error, 'ILLEGAL_STATE')) return venueError(-4048, 'Margin type cannot be changed if there exists position.');
    throw error;
  }
  return json(OK);
};

export const getPositionMode: Handler = (ctx) => json({ dualSidePosition: ctx.state.positionMode.get(acct(ctx).name) ?? false });

export const setPositionMode: Handler = (ctx) => {
  const name = acct(ctx).name;
  const wanted = p(ctx, 'dualSidePosition') === 'true';
  if ((ctx.state.positionMode.get(name) ?? false) === wanted) return venueError(-4059, 'No need to change position side.');
  ctx.state.positionMode.set(name, wanted);
  return json(OK);
};

export const getStpMode: Handler = (ctx) => json({ stpMode: ctx.state.stpModes.get(acct(ctx).name) ?? 'EXPIRE_TAKER' });

export const setStpMode: Handler = (ctx) => {
  const mode = p(ctx, 'stpMode')!;
  const map: Record<string, 'expire_taker' | 'expire_maker' | 'expire_both'> = { EXPIRE_TAKER: 'expire_taker', EXPIRE_MAKER: 'expire_maker', EXPIRE_BOTH: 'expire_both' };
  ctx.state.exchange.setAccountStp(acct(ctx).name, map[mode]!);
  ctx.state.stpModes.set(acct(ctx).name, mode);
  return json(OK);
};

// ------------------------------------------------------------------ account (spot)

export const spotAccount: Handler = (ctx) =>
  json({
    feeTier: 0,
    canTrade: true,
    canDeposit: true,
    canWithdraw: true,
    canBurnAsset: true,
    updateTime: ctx.state.now(),
    balances: ctx.state.exchange.balances(acct(ctx).name).map((b) => ({ asset: b.asset, free: fx.format(b.free, { decimals: 8 }), locked: fx.format(b.locked, { decimals: 8 }) })),
  });

// ------------------------------------------------------------------ user data stream

export const listenKeyCreate: Handler = (ctx) => {
  const key = ctx.state.openKey(acct(ctx).name, ctx.market, (k) => ctx.streams.expire(k));
  return json({ listenKey: key.key });
};

function namedKey(ctx: RouteContext) {
  const active = ctx.state.activeKey(acct(ctx).name, ctx.market);
  if (ctx.market === 'spot') return active !== undefined && active.key === p(ctx, 'listenKey') ? active : undefined;
  return active;
}

export const listenKeyKeepalive: Handler = (ctx) => {
  const key = namedKey(ctx);
  if (key === undefined) return venueError(-1125, 'This listenKey does not exist.');
  ctx.state.extend(key, (k) => ctx.streams.expire(k));
  return json({});
};

export const listenKeyClose: Handler = (ctx) => {
  const key = namedKey(ctx);
  if (key === undefined) return venueError(-1125, 'This listenKey does not exist.');
  ctx.state.dropKey(key);
  ctx.streams.closeKey(key);
  return json({});
};
