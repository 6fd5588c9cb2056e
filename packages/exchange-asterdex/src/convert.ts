// Venue JSON to domain types. Every price and quantity is parsed from the venue's decimal
// string by the symbol's Instrument, exactly; a number never passes through a float.
import { EngineError, fx } from '@mm/core';
import type { Fill, Instrument, InstrumentDef, OrderType, Side, TimeInForce, VenueOrder, VenueOrderStatus } from '@mm/core';
import type { FilterJson, OrderJson, SymbolJson, UserTradeJson } from './wire.ts';

const STATUS: Readonly<Record<string, VenueOrderStatus>> = {
  NEW: 'open',
  PARTIALLY_FILLED: 'partially_filled',
  FILLED: 'filled',
  CANCELED: 'canceled',
  REJECTED: 'rejected',
  EXPIRED: 'expired',
  // liquidation and ADL orders while they work
  NEW_INSURANCE: 'open',
  NEW_ADL: 'open',
};

export function orderStatus(status: string): VenueOrderStatus {
  const mapped = STATUS[status];
  if (mapped === undefined) throw new EngineError('VENUE_ERROR', `unknown Asterdex order status "${status}"`);
  return mapped;
}

export function toTimeInForce(tif: string): TimeInForce {
  switch (tif) {
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

export function fromTimeInForce(tif: TimeInForce): string {
  return tif === 'POST_ONLY' ? 'GTX' : tif;
}

export function toOrderType(type: string): OrderType {
  return type.includes('MARKET') || type === 'LIQUIDATION' ? 'market' : 'limit';
}

export function toSide(side: string): Side {
  if (side === 'BUY') return 'buy';
  if (side === 'SELL') return 'sell';
  throw new EngineError('VENUE_ERROR', `unknown Asterdex side "${side}"`);
}

export function fromSide(side: Side): 'BUY' | 'SELL' {
  return side === 'buy' ? 'BUY' : 'SELL';
}

/** Price string to ticks; "0" (market orders) is 0. */
export function priceTicks(inst: Instrument, price: string): number {
  const value = fx.parse(price);
  if (value === 0n) return 0;
  // A venue price off our grid would mean stale instrument data; the nearest tick keeps state usable.
  return value % inst.tick === 0n ? inst.priceToTicks(value) : inst.priceToTicks(value, 'half-up');
}

export function qtyLots(inst: Instrument, qty: string): number {
  const value = fx.abs(fx.parse(qty));
  return value % inst.lot === 0n ? inst.qtyToLots(value) : inst.qtyToLots(value, 'half-up');
}

export function toVenueOrder(inst: Instrument, json: OrderJson, now: number): VenueOrder {
  const created = json.time ?? json.updateTime ?? now;
  return {
    symbol: json.symbol,
    clientOrderId: json.clientOrderId,
    venueOrderId: String(json.orderId),
    side: toSide(json.side),
    type: toOrderType(json.type),
    timeInForce: toTimeInForce(json.timeInForce),
    priceTicks: priceTicks(inst, json.price),
    qtyLots: qtyLots(inst, json.origQty),
    filledLots: qtyLots(inst, json.executedQty),
    status: orderStatus(json.status),
    reduceOnly: json.reduceOnly === true,
    createdAt: created,
    updatedAt: json.updateTime ?? created,
  };
}

export function toFill(inst: Instrument, json: UserTradeJson, clientOrderId: string, receivedAt: number): Fill {
  return {
    symbol: json.symbol,
    tradeId: String(json.id),
    venueOrderId: String(json.orderId),
    clientOrderId,
    side: toSide(json.side),
    priceTicks: priceTicks(inst, json.price),
    qtyLots: qtyLots(inst, json.qty),
    fee: fx.parse(json.commission),
    feeAsset: json.commissionAsset,
    liquidity: json.maker ? 'maker' : 'taker',
    ...(json.realizedPnl === undefined ? {} : { realizedPnl: fx.parse(json.realizedPnl) }),
    venueTime: json.time,
    receivedAt,
  };
}

function filter(symbol: SymbolJson, type: string): FilterJson | undefined {
  return symbol.filters.find((f) => f.filterType === type);
}

/** A tradable symbol of exchangeInfo as an instrument definition, or undefined (not trading, no grid). */
export function toInstrumentDef(symbol: SymbolJson, kind: 'spot' | 'perp'): InstrumentDef | undefined {
  if (symbol.status !== 'TRADING') return undefined;
  if (kind === 'perp' && symbol.contractType !== undefined && symbol.contractType !== 'PERPETUAL') return undefined;
  const price = filter(symbol, 'PRICE_FILTER');
  const lot = filter(symbol, 'LOT_SIZE');
  if (price?.tickSize === undefined || lot?.stepSize === undefined) return undefined;
  const notional = filter(symbol, 'MIN_NOTIONAL') ?? filter(symbol, 'NOTIONAL');
  const minNotional = notional?.notional ?? notional?.minNotional ?? '0';
  return {
    symbol: symbol.symbol,
    base: symbol.baseAsset,
    quote: symbol.quoteAsset,
    kind,
    tickSize: trimZeros(price.tickSize),
    lotSize: trimZeros(lot.stepSize),
    minQty: trimZeros(lot.minQty ?? lot.stepSize),
    minNotional: trimZeros(minNotional),
    ...(lot.maxQty === undefined || fx.parse(lot.maxQty) === 0n ? {} : { maxQty: trimZeros(lot.maxQty) }),
    ...(kind === 'perp' ? { marginAsset: symbol.marginAsset ?? symbol.quoteAsset } : {}),
  };
}

/** "0.01000000" → "0.01": the same value, shorter to print. */
function trimZeros(text: string): string {
  return fx.format(fx.parse(text));
}
