// Venue-shaped JSON built from the simulated exchange: the order object (§3.5), trade rows,
// exchangeInfo (shaped like the real capture in §3.6), balances, account, position risk and
// the user-stream events (§7.3). Decimals are strings, ids and times numbers.
import { fx } from '@mm/core';
import type { Balance, CashFlow, Fill, Instrument, Position, VenueOrder } from '@mm/core';
import type { SimExchange } from '@mm/exchange-sim';
import type { MockLimits, MockMarket } from './mock-state.ts';

const STATUS: Record<VenueOrder['status'], string> = {
  open: 'NEW',
  partially_filled: 'PARTIALLY_FILLED',
  filled: 'FILLED',
  canceled: 'CANCELED',
  rejected: 'REJECTED',
  expired: 'EXPIRED',
};

export function venueStatus(status: VenueOrder['status']): string {
  return STATUS[status];
}

export function venueTif(tif: VenueOrder['timeInForce']): string {
  return tif === 'POST_ONLY' ? 'GTX' : tif;
}

const amount = (value: bigint): string => fx.format(value, { decimals: 8 });

/** Average price and quote filled of an order, from its fills. */
function executed(exchange: SimExchange, account: string, order: VenueOrder, inst: Instrument): { avg: string; quote: string } {
  if (order.filledLots === 0) return { avg: '0', quote: '0' };
  let quote = 0n;
  for (const f of exchange.fills(account, { symbol: order.symbol })) if (f.venueOrderId === order.venueOrderId) quote += inst.notional(f.priceTicks, f.qtyLots);
  const avg = fx.div(quote, inst.lotsToFixed(order.filledLots) * inst.multiplier / fx.SCALE);
  return { avg: fx.format(avg, { decimals: inst.priceDecimals + 4 }), quote: amount(quote) };
}

export function orderJson(exchange: SimExchange, account: string, order: VenueOrder, market: MockMarket): Record<string, unknown> {
  const inst = exchange.instrument(order.symbol);
  const { avg, quote } = executed(exchange, account, order, inst);
  const type = order.type === 'limit' ? 'LIMIT' : 'MARKET';
  const base: Record<string, unknown> = {
    orderId: Number(order.venueOrderId),
    symbol: order.symbol,
    status: STATUS[order.status],
    clientOrderId: order.clientOrderId,
    price: order.type === 'market' ? '0' : inst.ticksToPrice(order.priceTicks),
    avgPrice: avg,
    origQty: inst.lotsToQty(order.qtyLots),
    executedQty: inst.lotsToQty(order.filledLots),
    cumQty: inst.lotsToQty(order.filledLots),
    cumQuote: quote,
    timeInForce: venueTif(order.timeInForce),
    type,
    side: order.side === 'buy' ? 'BUY' : 'SELL',
    stopPrice: '0',
    origType: type,
    time: order.createdAt,
    updateTime: order.updatedAt,
  };
  if (market === 'futures') {
    Object.assign(base, { reduceOnly: order.reduceOnly, closePosition: false, positionSide: 'BOTH', workingType: 'CONTRACT_PRICE', priceProtect: false });
  }
  return base;
}

export function tradeJson(exchange: SimExchange, fill: Fill, market: MockMarket): Record<string, unknown> {
  const inst = exchange.instrument(fill.symbol);
  const row: Record<string, unknown> = {
    symbol: fill.symbol,
    id: Number(fill.tradeId),
    orderId: Number(fill.venueOrderId),
    side: fill.side === 'buy' ? 'BUY' : 'SELL',
    price: inst.ticksToPrice(fill.priceTicks),
    qty: inst.lotsToQty(fill.qtyLots),
    quoteQty: amount(inst.notional(fill.priceTicks, fill.qtyLots)),
    commission: amount(fill.fee),
    commissionAsset: fill.feeAsset,
    time: fill.venueTime,
    maker: fill.liquidity === 'maker',
    buyer: fill.side === 'buy',
  };
  if (market === 'futures') Object.assign(row, { realizedPnl: amount(fill.realizedPnl ?? 0n), positionSide: 'BOTH' });
  else Object.assign(row, { counterpartyId: 0, createUpdateId: null });
  return row;
}

export function rateLimitsJson(limits: MockLimits): Record<string, unknown>[] {
  return [
    { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: limits.weightPerMinute },
    { rateLimitType: 'ORDERS', interval: 'MINUTE', intervalNum: 1, limit: limits.ordersPerMinute },
    { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: limits.ordersPer10s },
  ];
}

export function exchangeInfoJson(exchange: SimExchange, market: MockMarket, limits: MockLimits, now: number): Record<string, unknown> {
  const kind = market === 'futures' ? 'perp' : 'spot';
  const instruments = exchange.instruments().filter((i) => i.kind === kind);
  const assets = [...new Set(instruments.flatMap((i) => [i.quote, i.marginAsset]))];
  const symbols = instruments.map((inst) => (market === 'futures' ? futuresSymbol(inst) : spotSymbol(inst)));
  if (market === 'futures') {
    return {
      timezone: 'UTC',
      serverTime: now,
      futuresType: 'U_MARGINED',
      rateLimits: rateLimitsJson(limits),
      exchangeFilters: [],
      assets: assets.map((asset) => ({ asset, marginAvailable: true, autoAssetExchange: '-10000' })),
      symbols,
    };
  }
  return { timezone: 'UTC', serverTime: now, rateLimits: rateLimitsJson(limits), exchangeFilters: [], assets: assets.map((asset) => ({ asset })), symbols };
}

function futuresSymbol(inst: Instrument): Record<string, unknown> {
  return {
    symbol: inst.symbol,
    pair: inst.symbol,
    contractType: 'PERPETUAL',
    deliveryDate: 4133404800000,
    onboardDate: 1627628400000,
    status: 'TRADING',
    maintMarginPercent: '2.5000',
    requiredMarginPercent: '5.0000',
    baseAsset: inst.base,
    quoteAsset: inst.quote,
    marginAsset: inst.marginAsset,
    pricePrecision: inst.priceDecimals,
    quantityPrecision: inst.qtyDecimals,
    baseAssetPrecision: 8,
    quotePrecision: 8,
    underlyingType: 'COIN',
    underlyingSubType: [],
    symbolType: 0,
    tradingMode: 0,
    name: inst.base,
    channel: '',
    sequenceNo: 10,
    twapMinNotional: '1000',
    settlePlan: 0,
    triggerProtect: '0.0200',
    liquidationFee: '0.025000',
    marketTakeBound: '0.02',
    createTime: 1630045468108,
    filters: [
      { minPrice: inst.tickSize, maxPrice: '1000000', filterType: 'PRICE_FILTER', tickSize: inst.tickSize },
      { stepSize: inst.lotSize, filterType: 'LOT_SIZE', maxQty: inst.maxQty ?? '1000000', minQty: inst.minQty },
      { stepSize: inst.lotSize, filterType: 'MARKET_LOT_SIZE', maxQty: inst.maxQty ?? '1000000', minQty: inst.minQty },
      { limit: 200, filterType: 'MAX_NUM_ORDERS' },
      { limit: 10, filterType: 'MAX_NUM_ALGO_ORDERS' },
      { notional: inst.minNotional, filterType: 'MIN_NOTIONAL' },
      { multiplierDown: '0.9800', multiplierUp: '1.0200', ltMultiplierDown: '0', multiplierDecimal: '4', filterType: 'PERCENT_PRICE', ltMultiplierUp: '0' },
    ],
    orderTypes: ['LIMIT', 'MARKET', 'STOP', 'STOP_MARKET', 'TAKE_PROFIT', 'TAKE_PROFIT_MARKET', 'TRAILING_STOP_MARKET'],
    timeInForce: ['GTC', 'IOC', 'FOK', 'GTX', 'RPI', 'HIDDEN'],
  };
}

function spotSymbol(inst: Instrument): Record<string, unknown> {
  return {
    status: 'TRADING',
    baseAsset: inst.base,
    quoteAsset: inst.quote,
    pricePrecision: inst.priceDecimals,
    quantityPrecision: inst.qtyDecimals,
    baseAssetPrecision: 8,
    quotePrecision: 8,
    filters: [
      { minPrice: inst.tickSize, maxPrice: '1000000', filterType: 'PRICE_FILTER', tickSize: inst.tickSize },
      { stepSize: inst.lotSize, filterType: 'LOT_SIZE', maxQty: inst.maxQty ?? '1000000', minQty: inst.minQty },
      { stepSize: inst.lotSize, filterType: 'MARKET_LOT_SIZE', maxQty: inst.maxQty ?? '1000000', minQty: inst.minQty },
      { limit: 200, filterType: 'MAX_NUM_ORDERS' },
      { minNotional: inst.minNotional, filterType: 'MIN_NOTIONAL' },
      { maxNotional: '10000000', minNotional: inst.minNotional, avgPriceMins: 5, applyMinToMarket: true, filterType: 'NOTIONAL', applyMaxToMarket: true },
      { multiplierDown: '0', multiplierUp: '5', multiplierDecimal: '0', filterType: 'PERCENT_PRICE' },
    ],
    orderTypes: ['LIMIT', 'MARKET', 'STOP', 'STOP_MARKET', 'TAKE_PROFIT', 'TAKE_PROFIT_MARKET'],
    timeInForce: ['GTC', 'IOC', 'FOK', 'GTX', 'HIDDEN'],
    symbol: inst.symbol,
    ocoAllowed: false,
  };
}

export function futuresBalanceJson(balances: readonly Balance[], now: number): Record<string, unknown>[] {
  return balances.map((b) => ({
    accountAlias: 'SgsR',
    asset: b.asset,
    balance: amount(b.total),
    crossWalletBalance: amount(b.total),
    crossUnPnl: '0.00000000',
    availableBalance: amount(b.free),
    maxWithdrawAmount: amount(b.free),
    marginAvailable: true,
    updateTime: now,
  }));
}

export function positionRiskJson(exchange: SimExchange, position: Position): Record<string, unknown> {
  const inst = exchange.instrument(position.symbol);
  const qty = inst.lotsToQty(Math.abs(position.qtyLots));
  return {
    entryPrice: amount(position.entryPrice),
    marginType: position.marginType === 'isolated' ? 'isolated' : 'cross',
    isAutoAddMargin: 'false',
    isolatedMargin: '0.00000000',
    leverage: String(position.leverage),
    liquidationPrice: amount(position.liquidationPrice ?? 0n),
    markPrice: amount(position.markPrice),
    maxNotionalValue: String(maxNotionalFor(position.leverage)),
    positionAmt: position.qtyLots < 0 ? `-${qty}` : qty,
    symbol: position.symbol,
    unRealizedProfit: amount(position.unrealizedPnl),
    positionSide: 'BOTH',
    updateTime: position.updatedAt,
  };
}

/** The mock's notional brackets (made up, shaped like the venue's). */
export const BRACKETS = [
  { bracket: 1, initialLeverage: 50, notionalCap: 50_000, notionalFloor: 0, maintMarginRatio: 0.004, cum: 0 },
  { bracket: 2, initialLeverage: 20, notionalCap: 250_000, notionalFloor: 50_000, maintMarginRatio: 0.005, cum: 50 },
  { bracket: 3, initialLeverage: 10, notionalCap: 1_000_000, notionalFloor: 250_000, maintMarginRatio: 0.01, cum: 1300 },
];

export function maxNotionalFor(leverage: number): number {
  let cap = 0;
  for (const b of BRACKETS) if (b.initialLeverage >= leverage && b.notionalCap > cap) cap = b.notionalCap;
  return cap;
}

// ------------------------------------------------------------------ user-stream events

/** ORDER_TRADE_UPDATE (futures) or executionReport (spot) for an order, with an optional fill. */
export function orderEvent(
  exchange: SimExchange,
  order: VenueOrder,
  status: VenueOrder['status'],
  filledLots: number,
  execution: string,
  fill: Fill | undefined,
  market: MockMarket,
  now: number,
): Record<string, unknown> {
  const inst = exchange.instrument(order.symbol);
  const type = order.type === 'limit' ? 'LIMIT' : 'MARKET';
  const o: Record<string, unknown> = {
    s: order.symbol,
    c: order.clientOrderId,
    S: order.side === 'buy' ? 'BUY' : 'SELL',
    o: type,
    f: venueTif(order.timeInForce),
    q: inst.lotsToQty(order.qtyLots),
    p: order.type === 'market' ? '0' : inst.ticksToPrice(order.priceTicks),
    ap: fill === undefined ? '0' : inst.ticksToPrice(fill.priceTicks),
    x: execution,
    X: STATUS[status],
    i: Number(order.venueOrderId),
    l: fill === undefined ? '0' : inst.lotsToQty(fill.qtyLots),
    z: inst.lotsToQty(filledLots),
    L: fill === undefined ? '0' : inst.ticksToPrice(fill.priceTicks),
    T: fill?.venueTime ?? order.updatedAt,
    t: fill === undefined ? 0 : Number(fill.tradeId),
    m: fill?.liquidity === 'maker',
    ot: type,
  };
  if (fill !== undefined) Object.assign(o, { n: amount(fill.fee), N: fill.feeAsset });
  if (market === 'futures') {
    Object.assign(o, { sp: '0', b: '0', a: '0', R: order.reduceOnly, wt: 'CONTRACT_PRICE', ps: 'BOTH', cp: false, rp: amount(fill?.realizedPnl ?? 0n) });
    return { e: 'ORDER_TRADE_UPDATE', E: now, T: now, o };
  }
  return { ...o, e: 'executionReport', E: now, P: '0', O: order.createdAt, Z: '0', Y: '0', Q: '0' };
}

/** The update reason (`a.m`) of a balance change: trading unless the exchange named a cash flow. */
function updateReason(cashFlow: CashFlow | undefined): string {
  if (cashFlow === undefined) return 'ORDER';
  if (cashFlow.kind === 'funding') return 'FUNDING_FEE';
  return cashFlow.amount < 0n ? 'WITHDRAW' : 'DEPOSIT';
}

/**
 * ACCOUNT_UPDATE. `bc` (balance change except PnL and commission) is the cash flow's amount in
 * its asset, and 0 for trading, whose PnL and fees the venue leaves out of it.
 */
export function accountUpdateEvent(
  balances: readonly Balance[],
  positions: readonly Position[],
  exchange: SimExchange,
  now: number,
  cashFlow?: CashFlow,
): Record<string, unknown> {
  return {
    e: 'ACCOUNT_UPDATE',
    E: now,
    T: now,
    a: {
      m: updateReason(cashFlow),
      B: balances.map((b) => ({ a: b.asset, wb: amount(b.total), cw: amount(b.total), bc: cashFlow !== undefined && cashFlow.asset === b.asset ? amount(cashFlow.amount) : '0' })),
      P: positions.map((p) => {
        const inst = exchange.instrument(p.symbol);
        const qty = inst.lotsToQty(Math.abs(p.qtyLots));
        return {
          s: p.symbol,
          pa: p.qtyLots < 0 ? `-${qty}` : qty,
          ep: amount(p.entryPrice),
          cr: '0',
          up: amount(p.unrealizedPnl),
          mt: p.marginType === 'isolated' ? 'isolated' : 'cross',
          iw: '0',
          ps: 'BOTH',
        };
      }),
    },
  };
}

export function spotAccountEvent(balances: readonly Balance[], now: number): Record<string, unknown> {
  return { e: 'outboundAccountPosition', E: now, T: now, m: 'ORDER', B: balances.map((b) => ({ a: b.asset, f: amount(b.free), l: amount(b.locked) })) };
}
