// Conversions between BitMart's wire objects and the engine's domain types. Prices and sizes
// are decimal strings on the wire and integer ticks/lots inside; the Instrument converts them
// exactly. Anything malformed becomes a VENUE_ERROR that names the field.
import { EngineError, fx } from '@mm/core';
import type { Balance, Fill, Instrument, InstrumentDef, OrderRequest, Side, StpMode, TimeInForce, VenueOrder, VenueOrderStatus } from '@mm/core';
import type { WireBalancePush, WireOrder, WireOrderPush, WireSymbolDetail, WireTrade, WireWallet } from './wire.ts';

export type BitmartOrderType = 'limit' | 'limit_maker' | 'ioc' | 'market';
export type BitmartStp = 'none' | 'cancel_maker' | 'cancel_taker' | 'cancel_both';

const STP: Readonly<Record<StpMode, BitmartStp>> = {
  none: 'none',
  expire_taker: 'cancel_taker',
  expire_maker: 'cancel_maker',
  expire_both: 'cancel_both',
};

export function toBitmartStp(mode: StpMode): BitmartStp {
  return STP[mode];
}

function bad(what: string, value: unknown): EngineError {
  return new EngineError('VENUE_ERROR', `BitMart sent an unexpected ${what}: ${JSON.stringify(value) ?? String(value)}`);
}

function text(value: unknown, what: string): string {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw bad(what, value);
}

function time(value: unknown, what: string): number {
  const n = Number(value);
  if (value === undefined || value === '' || !Number.isFinite(n)) throw bad(what, value);
  return n;
}

function side(value: unknown): Side {
  if (value === 'buy' || value === 'sell') return value;
  throw bad('side', value);
}

/** Price ticks; "0" (market orders) is 0. */
function ticks(inst: Instrument, price: unknown): number {
  const p = typeof price === 'string' ? price : '0';
  return fx.parse(p) === 0n ? 0 : inst.priceToTicks(p);
}

function lots(inst: Instrument, qty: unknown): number {
  return inst.qtyToLots(typeof qty === 'string' && qty !== '' ? qty : '0');
}

// ------------------------------------------------------------------ instruments

/** 2 → "0.01", 0 → "1". */
export function tickSizeFromPrecision(precision: number): string {
  if (!Number.isInteger(precision) || precision < 0 || precision > 18) throw bad('price_max_precision', precision);
  return precision === 0 ? '1' : `0.${'0'.repeat(precision - 1)}1`;
}

/**
 * Pair rules → instrument (catalogue §8.2–§8.3): tick from price_max_precision, lot from
 * quote_increment (a base size step despite its name), minimum size base_min_size, minimum
 * order value the larger of min_buy_amount and min_sell_amount.
 */
export function instrumentDefFromSymbol(d: WireSymbolDetail): InstrumentDef {
  const symbol = text(d.symbol, 'symbol');
  const minBuy = fx.parse(text(d.min_buy_amount ?? '0', `${symbol} min_buy_amount`));
  const minSell = fx.parse(text(d.min_sell_amount ?? '0', `${symbol} min_sell_amount`));
  return {
    symbol,
    base: text(d.base_currency, `${symbol} base_currency`),
    quote: text(d.quote_currency, `${symbol} quote_currency`),
    kind: 'spot',
    tickSize: tickSizeFromPrecision(Number(d.price_max_precision)),
    lotSize: text(d.quote_increment, `${symbol} quote_increment`),
    minQty: text(d.base_min_size, `${symbol} base_min_size`),
    minNotional: fx.format(fx.max(minBuy, minSell)),
  };
}

// ------------------------------------------------------------------ order entry

/** type carries both price rule and time in force on BitMart (§4). */
export function bitmartOrderType(request: OrderRequest): BitmartOrderType {
  if (request.type === 'market') {
    if (request.side === 'buy') {
      throw new EngineError(
        'NOT_SUPPORTED',
        'BitMart sizes market buys in quote currency, not in base lots; use an IOC limit order with a protective price instead',
      );
    }
    return 'market';
  }
  switch (request.timeInForce) {
    case 'GTC':
      return 'limit';
    case 'POST_ONLY':
      return 'limit_maker';
    case 'IOC':
      return 'ioc';
    case 'FOK':
      throw new EngineError('NOT_SUPPORTED', 'BitMart spot has no fill-or-kill orders; use IOC');
  }
}

function priceAndSize(request: OrderRequest, inst: Instrument, type: BitmartOrderType): { size: string; price?: string } {
  const size = inst.lotsToQty(request.qtyLots);
  return type === 'market' ? { size } : { size, price: inst.ticksToPrice(request.priceTicks!) };
}

/** Body of POST /spot/v2/submit_order: snake_case client_order_id, camelCase stpMode. */
export function submitParams(request: OrderRequest, inst: Instrument, stp: BitmartStp): Record<string, string> {
  const type = bitmartOrderType(request);
  return { symbol: request.symbol, side: request.side, type, ...priceAndSize(request, inst, type), client_order_id: request.clientOrderId, stpMode: stp };
}

/** One element of orderParams in POST /spot/v4/batch_orders: camelCase, no symbol. */
export function batchOrderParam(request: OrderRequest, inst: Instrument, stp: BitmartStp): Record<string, string> {
  const type = bitmartOrderType(request);
  return { side: request.side, type, ...priceAndSize(request, inst, type), clientOrderId: request.clientOrderId, stpMode: stp };
}

// ------------------------------------------------------------------ orders

const TIF_BY_TYPE: Readonly<Record<string, TimeInForce>> = { limit: 'GTC', limit_maker: 'POST_ONLY', ioc: 'IOC', market: 'IOC' };

/** Why BitMart itself ended an order, for the engine's logs. */
function systemReason(entrust: string, filled: boolean): string {
  if (entrust === 'limit_maker' && !filled) return 'post-only order would have taken liquidity (or was below the minimum); cancelled by BitMart';
  if (entrust === 'ioc') return 'IOC remainder cancelled by BitMart';
  return 'cancelled by BitMart, not by this session';
}

function statusOf(state: string, ended: () => { status: VenueOrderStatus; reason?: string }): { status: VenueOrderStatus; reason?: string } {
  switch (state) {
    case 'new':
      return { status: 'open' };
    case 'partially_filled':
      return { status: 'partially_filled' };
    case 'filled':
      return { status: 'filled' };
    case 'canceled':
    case 'partially_canceled':
      return ended();
    case 'failed':
      return { status: 'rejected', reason: 'the order failed at BitMart' };
    default:
      throw bad('order state', state);
  }
}

/** A v4 query order (§3.2). cancelSource says who ended it: user, system or stp. */
export function orderFromWire(o: WireOrder, inst: Instrument): VenueOrder {
  const type = text(o.type, 'order type');
  const filledLots = lots(inst, o.filledSize);
  const { status, reason } = statusOf(text(o.state, 'order state'), () => {
    if (o.cancelSource === 'stp') return { status: 'expired', reason: 'self-trade prevention' };
    if (o.cancelSource === 'system') return { status: 'expired', reason: systemReason(type, filledLots > 0) };
    return { status: 'canceled' };
  });
  return {
    symbol: inst.symbol,
    clientOrderId: typeof o.clientOrderId === 'string' ? o.clientOrderId : '',
    venueOrderId: text(o.orderId, 'orderId'),
    side: side(o.side),
    type: type === 'market' ? 'market' : 'limit',
    timeInForce: TIF_BY_TYPE[type] ?? 'GTC',
    priceTicks: ticks(inst, o.price),
    qtyLots: lots(inst, o.size),
    filledLots,
    status,
    reduceOnly: false,
    ...(reason === undefined ? {} : { reason }),
    createdAt: time(o.createTime, 'createTime'),
    updatedAt: time(o.updateTime ?? o.createTime, 'updateTime'),
  };
}

/**
 * A WebSocket order push (§7.6). The push has no cancelSource, so a cancel this session did not
 * ask for is reported as 'expired' (the venue ended it: post-only cross, IOC rest, STP).
 */
export function orderFromPush(p: WireOrderPush, inst: Instrument, cancelRequested: boolean): VenueOrder {
  const entrust = (p.entrust_type ?? 'normal').toLowerCase();
  const type = p.type === 'market' ? 'market' : 'limit';
  const filledLots = lots(inst, p.filled_size);
  const { status, reason } = statusOf(text(p.order_state ?? legacyState(p.state), 'order_state'), () =>
    cancelRequested ? { status: 'canceled' } : { status: 'expired', reason: systemReason(entrust, filledLots > 0) },
  );
  const created = time(p.create_time ?? p.ms_t, 'create_time');
  return {
    symbol: inst.symbol,
    clientOrderId: typeof p.client_order_id === 'string' ? p.client_order_id : '',
    venueOrderId: text(p.order_id, 'order_id'),
    side: side(p.side),
    type,
    timeInForce: type === 'market' ? 'IOC' : (TIF_BY_TYPE[entrust] ?? 'GTC'),
    priceTicks: ticks(inst, p.price),
    qtyLots: lots(inst, p.size),
    filledLots,
    status,
    reduceOnly: false,
    ...(reason === undefined ? {} : { reason }),
    createdAt: created,
    updatedAt: time(p.update_time ?? p.ms_t ?? created, 'update_time'),
  };
}

/** The legacy numeric `state`, for pushes that lack order_state. */
function legacyState(state: string | undefined): string | undefined {
  switch (state) {
    case '4':
      return 'new';
    case '5':
      return 'partially_filled';
    case '6':
      return 'filled';
    case '8':
      return 'canceled';
    case '12':
      return 'partially_canceled';
    default:
      return undefined;
  }
}

// ------------------------------------------------------------------ fills

export function fillFromWire(t: WireTrade, inst: Instrument, receivedAt: number): Fill {
  return {
    symbol: inst.symbol,
    tradeId: text(t.tradeId, 'tradeId'),
    venueOrderId: text(t.orderId, 'orderId'),
    clientOrderId: typeof t.clientOrderId === 'string' ? t.clientOrderId : '',
    side: side(t.side),
    priceTicks: inst.priceToTicks(text(t.price, 'trade price')),
    qtyLots: inst.qtyToLots(text(t.size, 'trade size')),
    fee: fx.parse(t.fee ?? '0'),
    feeAsset: typeof t.feeCoinName === 'string' && t.feeCoinName !== '' ? t.feeCoinName : inst.quote,
    liquidity: t.tradeRole === 'taker' ? 'taker' : 'maker',
    venueTime: time(t.createTime, 'trade createTime'),
    receivedAt,
  };
}

/** The last fill an order push describes (detail_id and last_fill_*), or undefined. */
export function fillFromPush(p: WireOrderPush, inst: Instrument, fee: bigint, receivedAt: number): Fill | undefined {
  if (p.detail_id === undefined || p.detail_id === '' || p.last_fill_count === undefined || fx.parse(p.last_fill_count) === 0n) return undefined;
  return {
    symbol: inst.symbol,
    tradeId: p.detail_id,
    venueOrderId: text(p.order_id, 'order_id'),
    clientOrderId: typeof p.client_order_id === 'string' ? p.client_order_id : '',
    side: side(p.side),
    priceTicks: inst.priceToTicks(text(p.last_fill_price, 'last_fill_price')),
    qtyLots: inst.qtyToLots(p.last_fill_count),
    fee,
    feeAsset: typeof p.deal_fee_coin_name === 'string' && p.deal_fee_coin_name !== '' ? p.deal_fee_coin_name : inst.quote,
    liquidity: p.exec_type === 'T' ? 'taker' : 'maker',
    venueTime: time(p.last_fill_time ?? p.update_time, 'last_fill_time'),
    receivedAt,
  };
}

// ------------------------------------------------------------------ balances

function balance(asset: string, available: string | undefined, frozen: string | undefined): Balance {
  const free = fx.parse(available ?? '0');
  const locked = fx.parse(frozen ?? '0');
  return { asset, free, locked, total: free + locked };
}

/** GET /spot/v1/wallet. Zero balances are omitted by the venue (§8.23): missing means 0. */
export function balancesFromWallet(w: WireWallet): Balance[] {
  return (w.wallet ?? []).map((b) => balance(text(b.id, 'wallet currency'), b.available, b.frozen));
}

/** spot/user/balance push: absolute available and frozen after the change (§7.7). */
export function balancesFromPush(p: WireBalancePush): Balance[] {
  return (p.balance_details ?? []).map((b) => balance(text(b.ccy, 'balance ccy'), b.av_bal, b.fz_bal));
}
