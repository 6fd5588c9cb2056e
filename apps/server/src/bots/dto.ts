// Conversions from engine and storage records to the API's DTOs.
import { fx } from '@mm/core';
import type {
  BookDto,
  BotStatsDto,
  EventDto,
  FillDto,
  Instrument,
  InstrumentDto,
  OrderDto,
  OrderRecord,
  Page,
  RiskEventDto,
  StatsPointDto,
  BookSnapshot,
  Fill,
} from '@mm/core';
import type { BotStatsSnapshot, OrderTag } from '@mm/engine';
import type { StatsPoint, StoredEvent, StoredFill, StoredOrder, StoredRiskEvent } from '@mm/storage';

/** A storage page as the API returns it: the items mapped, the paging fields kept. */
export function page<T, U>(p: { items: T[]; total: number; nextCursor: string | undefined }, map: (t: T) => U): Page<U> {
  return { items: p.items.map(map), total: p.total, nextCursor: p.nextCursor };
}

export function instrumentDto(i: Instrument): InstrumentDto {
  return { symbol: i.symbol, base: i.base, quote: i.quote, kind: i.kind, tickSize: i.tickSize, lotSize: i.lotSize, minQty: i.minQty, minNotional: i.minNotional };
}

/** A price in ticks as a decimal string; the raw tick count while the bot has no instrument yet. */
export function priceText(inst: Instrument | undefined, ticks: number): string {
  return inst === undefined ? String(ticks) : inst.ticksToPrice(ticks);
}

/** A quantity in lots as a decimal string; the raw lot count while the bot has no instrument yet. */
export function qtyText(inst: Instrument | undefined, lots: number): string {
  return inst === undefined ? String(lots) : inst.lotsToQty(lots);
}

export function statsDto(s: BotStatsSnapshot): BotStatsDto {
  return {
    at: s.at,
    reference: s.reference,
    bestBid: s.bestBid,
    bestAsk: s.bestAsk,
    base: s.base,
    quote: s.quote,
    equity: s.equity,
    pnl: s.pnl,
    volume: s.volume,
    openOrders: s.openOrders,
    position: s.position,
    ledger: s.ledger,
    live: s.live,
  };
}

export function storedOrderDto(o: StoredOrder): OrderDto {
  return {
    clientOrderId: o.clientOrderId,
    venueOrderId: o.venueOrderId,
    botId: o.botId,
    symbol: o.symbol,
    side: o.side,
    timeInForce: o.timeInForce as OrderDto['timeInForce'],
    price: o.price ?? '',
    qty: o.qty ?? '',
    filled: o.filledQty ?? '0',
    status: o.status,
    tag: o.tag,
    reason: o.reason,
    createdAt: o.createdAt,
    updatedAt: o.updatedAt,
  };
}

export function liveOrderDto(botId: string, o: OrderRecord, tag: OrderTag, inst: Instrument | undefined): OrderDto {
  return {
    clientOrderId: o.clientOrderId,
    venueOrderId: o.venueOrderId,
    botId,
    symbol: o.symbol,
    side: o.side,
    timeInForce: o.timeInForce,
    price: priceText(inst, o.priceTicks),
    qty: qtyText(inst, o.qtyLots),
    filled: qtyText(inst, o.filledLots),
    status: o.status,
    tag,
    reason: o.reason,
    createdAt: o.createdAt,
    updatedAt: o.updatedAt,
  };
}

export function storedFillDto(f: StoredFill): FillDto {
  return {
    botId: f.botId,
    venue: f.venue,
    symbol: f.symbol,
    tradeId: f.tradeId,
    clientOrderId: f.clientOrderId,
    side: f.side,
    price: f.price ?? '',
    qty: f.qty ?? '',
    notional: f.notional ?? '',
    fee: f.fee,
    feeAsset: f.feeAsset,
    liquidity: f.liquidity,
    tag: f.tag,
    venueTime: f.venueTime,
  };
}

export function liveFillDto(botId: string, venue: string, fill: Fill, tag: OrderTag, notional: string, inst: Instrument | undefined): FillDto {
  return {
    botId,
    venue,
    symbol: fill.symbol,
    tradeId: fill.tradeId,
    clientOrderId: fill.clientOrderId,
    side: fill.side,
    price: priceText(inst, fill.priceTicks),
    qty: qtyText(inst, fill.qtyLots),
    notional,
    fee: fx.format(fill.fee),
    feeAsset: fill.feeAsset,
    liquidity: fill.liquidity,
    tag,
    venueTime: fill.venueTime,
  };
}

export function eventDto(e: StoredEvent): EventDto {
  return { id: String(e.id), botId: e.botId, level: e.level, kind: e.kind, message: e.message, details: e.details, at: e.at };
}

export function riskEventDto(e: StoredRiskEvent): RiskEventDto {
  return { id: String(e.id), botId: e.botId, type: e.type, rule: e.rule, value: e.value, limit: e.limit, action: e.action, message: e.message, at: e.at };
}

export function statsPointDto(p: StatsPoint): StatsPointDto {
  return { at: p.at, equity: p.equity, base: p.base ?? '0', quote: p.quote ?? '0', reference: p.reference, pnlNet: p.pnlNet ?? '0', volumeTotal: p.volumeTotal ?? '0' };
}

/** The book with our own resting quantity marked on each level. */
export function bookDto(book: BookSnapshot, inst: Instrument, own: readonly OrderRecord[], depth = 20): BookDto {
  const ownAt = new Map<string, number>();
  for (const o of own) {
    const key = `${o.side}:${o.priceTicks}`;
    ownAt.set(key, (ownAt.get(key) ?? 0) + o.qtyLots - o.filledLots);
  }
  const level = (side: 'buy' | 'sell') => (l: { priceTicks: number; qtyLots: number }) => ({
    price: inst.ticksToPrice(l.priceTicks),
    qty: inst.lotsToQty(l.qtyLots),
    ownQty: inst.lotsToQty(Math.min(l.qtyLots, ownAt.get(`${side}:${l.priceTicks}`) ?? 0)),
  });
  return { symbol: book.symbol, bids: book.bids.slice(0, depth).map(level('buy')), asks: book.asks.slice(0, depth).map(level('sell')), at: book.receivedAt };
}
