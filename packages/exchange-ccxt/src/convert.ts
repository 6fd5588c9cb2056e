// ccxt's unified structures → the port's types. Prices and amounts go through the
// Instrument's exact conversion from the venue's decimal text; a value off the grid is an error
// (it would mean the instrument definition is wrong), except in books: ccxt parses book levels
// as doubles (parseOrderBookBidAsk uses safeFloat), exact up to 15 significant digits; beyond
// that a level is rounded passively, so the book never shows a better price than the venue's.
import { fx } from '@mm/core';
import type { Balance, BookLevel, BookSnapshot, Fill, Instrument, Side, TimeInForce, VenueOrder, VenueOrderStatus } from '@mm/core';
import type { CcxtBalanceEntry, CcxtBalances, CcxtNum, CcxtOrder, CcxtOrderBook, CcxtTrade } from './ccxt-types.ts';
import { decimalText, fixedOf, requireDecimal } from './decimal.ts';

export function sideOf(value: string | null | undefined): Side {
  return value === 'sell' ? 'sell' : 'buy';
}

function ticks(inst: Instrument, value: CcxtNum, what: string): number {
  const text = decimalText(value, what);
  return text === undefined || fx.parse(text) === 0n ? 0 : inst.priceToTicks(text);
}

function lots(inst: Instrument, value: CcxtNum, what: string): number {
  const text = decimalText(value, what);
  return text === undefined ? 0 : inst.qtyToLots(text);
}

function timeInForceOf(order: CcxtOrder): TimeInForce {
  if (order.postOnly === true) return 'POST_ONLY';
  switch ((order.timeInForce ?? '').toUpperCase()) {
    case 'PO':
    case 'GTX':
      return 'POST_ONLY';
    case 'IOC':
      return 'IOC';
    case 'FOK':
      return 'FOK';
    default:
      return 'GTC';
  }
}

function statusOf(order: CcxtOrder, qtyLots: number, filledLots: number): VenueOrderStatus {
  switch (order.status) {
    case 'closed':
      // ccxt's "closed" is a completed order; an unfilled remainder can only have been cancelled
      return qtyLots > 0 && filledLots < qtyLots ? 'canceled' : 'filled';
    case 'canceled':
    case 'cancelled':
      return 'canceled';
    case 'expired':
      return 'expired';
    case 'rejected':
      return 'rejected';
    default:
      return filledLots > 0 ? 'partially_filled' : 'open';
  }
}

export interface OrderContext {
  readonly clientOrderId: string;
  readonly now: number;
  /** What we asked for, when ccxt's answer leaves fields out. */
  readonly request?: { readonly side: Side; readonly priceTicks: number; readonly qtyLots: number; readonly timeInForce: TimeInForce };
}

export function orderFromCcxt(order: CcxtOrder, inst: Instrument, ctx: OrderContext): VenueOrder {
  const where = `${inst.symbol} order ${order.id}`;
  const qtyLots = order.amount === undefined || order.amount === null ? (ctx.request?.qtyLots ?? 0) : lots(inst, order.amount, `${where} amount`);
  const filledLots = lots(inst, order.filled, `${where} filled`);
  const priceTicks = order.price === undefined || order.price === null ? (ctx.request?.priceTicks ?? 0) : ticks(inst, order.price, `${where} price`);
  const createdAt = order.timestamp ?? ctx.now;
  const tif = order.timeInForce === undefined && order.postOnly === undefined && ctx.request !== undefined ? ctx.request.timeInForce : timeInForceOf(order);
  return {
    symbol: inst.symbol,
    clientOrderId: ctx.clientOrderId,
    venueOrderId: String(order.id),
    side: order.side === undefined || order.side === null ? (ctx.request?.side ?? 'buy') : sideOf(order.side),
    type: order.type === 'market' ? 'market' : 'limit',
    timeInForce: tif,
    priceTicks,
    qtyLots,
    filledLots,
    status: statusOf(order, qtyLots, filledLots),
    reduceOnly: false,
    createdAt,
    updatedAt: order.lastUpdateTimestamp ?? order.lastTradeTimestamp ?? createdAt,
  };
}

export function fillFromCcxt(trade: CcxtTrade, inst: Instrument, clientOrderId: string, receivedAt: number): Fill {
  const where = `${inst.symbol} trade ${trade.id}`;
  const feeCurrency = trade.fee?.currency ?? undefined;
  return {
    symbol: inst.symbol,
    tradeId: String(trade.id),
    venueOrderId: trade.order === undefined || trade.order === null ? '' : String(trade.order),
    clientOrderId,
    side: sideOf(trade.side),
    priceTicks: inst.priceToTicks(requireDecimal(trade.price, `${where} price`)),
    qtyLots: inst.qtyToLots(requireDecimal(trade.amount, `${where} amount`)),
    fee: fixedOf(trade.fee?.cost, `${where} fee`),
    // a venue that reports no fee currency charges in quote on spot (what ccxt assumes too)
    feeAsset: feeCurrency === undefined || feeCurrency === '' ? inst.quote : feeCurrency,
    // unknown liquidity counts as taker: the conservative side for fees and the volume target
    liquidity: trade.takerOrMaker === 'maker' ? 'maker' : 'taker',
    venueTime: trade.timestamp ?? receivedAt,
    receivedAt,
  };
}

function levels(inst: Instrument, rows: readonly (readonly CcxtNum[])[], side: Side, depth: number): BookLevel[] {
  const out: BookLevel[] = [];
  for (const row of rows) {
    if (out.length >= depth) break;
    const price = decimalText(row[0], `${inst.symbol} book price`);
    const qty = decimalText(row[1], `${inst.symbol} book size`);
    if (price === undefined || qty === undefined) continue;
    const qtyLots = inst.qtyToLots(qty, 'floor');
    if (qtyLots <= 0) continue;
    out.push({ priceTicks: inst.priceToTicksForSide(price, side), qtyLots });
  }
  return out;
}

export function bookFromCcxt(book: CcxtOrderBook, inst: Instrument, depth: number, sequence: number, receivedAt: number): BookSnapshot {
  return {
    symbol: inst.symbol,
    bids: levels(inst, book.bids, 'buy', depth),
    asks: levels(inst, book.asks, 'sell', depth),
    sequence,
    venueTime: book.timestamp ?? receivedAt,
    receivedAt,
  };
}

const BALANCE_META = new Set(['info', 'free', 'used', 'total', 'timestamp', 'datetime', 'debt']);

/** total is free + used, so it always adds up (ccxt may compute or round its own total). */
export function balancesFromCcxt(balances: CcxtBalances): Balance[] {
  const out: Balance[] = [];
  for (const [asset, value] of Object.entries(balances)) {
    if (BALANCE_META.has(asset) || value === null || typeof value !== 'object') continue;
    const entry = value as CcxtBalanceEntry;
    const free = fixedOf(entry.free, `${asset} free balance`);
    const locked = fixedOf(entry.used, `${asset} locked balance`);
    out.push({ asset, free, locked, total: free + locked });
  }
  return out;
}
