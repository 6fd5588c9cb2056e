// Mapping between the engine's records (integer ticks and lots, Fixed amounts, epoch ms) and
// table rows (decimal strings, timestamps). The decimal columns need the instrument's grid; the
// integer columns are what a restarting bot reads back, exactly as it wrote them.
import { fx } from '@mm/core';
import type { Fill, Fixed, Instrument, OrderRecord, OrderStatus, OrderTag } from '@mm/core';
import type { botStats, events, fills, orders, riskEvents } from './schema.ts';

export type { OrderTag } from '@mm/core';

/** The part of an Instrument that storage uses: the tick/lot grid. */
export type InstrumentGrid = Pick<Instrument, 'ticksToFixed' | 'lotsToFixed' | 'notional' | 'multiplier'>;

/** Finds the instrument a bot trades, so rows get decimal prices. The server passes its own. */
export type InstrumentResolver = (botId: string, symbol: string) => InstrumentGrid | undefined;

const fmt = (v: Fixed) => fx.format(v);

export function orderRow(botId: string, venue: string, order: OrderRecord, tag: OrderTag, inst: InstrumentGrid | undefined): typeof orders.$inferInsert {
  return {
    clientOrderId: order.clientOrderId,
    botId,
    venue,
    symbol: order.symbol,
    venueOrderId: order.venueOrderId ?? null,
    side: order.side,
    type: order.type,
    timeInForce: order.timeInForce,
    price: inst === undefined ? null : fmt(inst.ticksToFixed(order.priceTicks)),
    qty: inst === undefined ? null : fmt(inst.lotsToFixed(order.qtyLots)),
    filledQty: inst === undefined ? null : fmt(inst.lotsToFixed(order.filledLots)),
    priceTicks: order.priceTicks,
    qtyLots: order.qtyLots,
    filledLots: order.filledLots,
    filledTickLots: order.filledTickLots.toString(),
    reduceOnly: order.reduceOnly,
    pendingAmend: order.pendingAmend === undefined ? null : { priceTicks: order.pendingAmend.priceTicks, qtyLots: order.pendingAmend.qtyLots },
    status: order.status,
    tag,
    reason: order.reason ?? null,
    createdAt: new Date(order.createdAt),
    updatedAt: new Date(order.updatedAt),
  };
}

export function orderRecordFrom(row: typeof orders.$inferSelect): { order: OrderRecord; tag: OrderTag } {
  return {
    order: {
      clientOrderId: row.clientOrderId,
      venueOrderId: row.venueOrderId ?? undefined,
      symbol: row.symbol,
      side: row.side as OrderRecord['side'],
      type: row.type as OrderRecord['type'],
      timeInForce: row.timeInForce as OrderRecord['timeInForce'],
      priceTicks: row.priceTicks,
      qtyLots: row.qtyLots,
      filledLots: row.filledLots,
      filledTickLots: BigInt(row.filledTickLots),
      reduceOnly: row.reduceOnly,
      status: row.status as OrderStatus,
      pendingAmend: row.pendingAmend ?? undefined,
      createdAt: row.createdAt.getTime(),
      updatedAt: row.updatedAt.getTime(),
      reason: row.reason ?? undefined,
    },
    tag: row.tag as OrderTag,
  };
}

export function fillRow(botId: string, venue: string, fill: Fill, tag: OrderTag, inst: InstrumentGrid | undefined, reference?: Fixed): typeof fills.$inferInsert {
  return {
    botId,
    venue,
    symbol: fill.symbol,
    tradeId: fill.tradeId,
    clientOrderId: fill.clientOrderId,
    venueOrderId: fill.venueOrderId,
    side: fill.side,
    price: inst === undefined ? null : fmt(inst.ticksToFixed(fill.priceTicks)),
    qty: inst === undefined ? null : fmt(inst.lotsToFixed(fill.qtyLots)),
    notional: inst === undefined ? null : fmt(inst.notional(fill.priceTicks, fill.qtyLots)),
    priceTicks: fill.priceTicks,
    qtyLots: fill.qtyLots,
    fee: fmt(fill.fee),
    feeAsset: fill.feeAsset,
    liquidity: fill.liquidity,
    tag,
    realizedPnl: fill.realizedPnl === undefined ? null : fmt(fill.realizedPnl),
    baseQty: inst === undefined ? null : fmt((inst.lotsToFixed(fill.qtyLots) * inst.multiplier) / fx.SCALE),
    reference: reference === undefined ? null : fmt(reference),
    venueTime: new Date(fill.venueTime),
    receivedAt: new Date(fill.receivedAt),
  };
}

export function fillFrom(row: typeof fills.$inferSelect): { fill: Fill; tag: OrderTag } {
  const fill: Fill = {
    symbol: row.symbol,
    tradeId: row.tradeId,
    venueOrderId: row.venueOrderId,
    clientOrderId: row.clientOrderId,
    side: row.side as Fill['side'],
    priceTicks: row.priceTicks,
    qtyLots: row.qtyLots,
    fee: fx.parse(row.fee),
    feeAsset: row.feeAsset,
    liquidity: row.liquidity as Fill['liquidity'],
    ...(row.realizedPnl === null ? {} : { realizedPnl: fx.parse(row.realizedPnl) }),
    venueTime: row.venueTime.getTime(),
    receivedAt: row.receivedAt.getTime(),
  };
  return { fill, tag: row.tag as OrderTag };
}

// ------------------------------------------------------------------ events, risk, stats

export type EventLevel = 'debug' | 'info' | 'warn' | 'error';
export const EVENT_LEVELS: readonly EventLevel[] = ['debug', 'info', 'warn', 'error'];

export interface EventInput {
  readonly botId?: string | undefined;
  readonly level: EventLevel;
  /** A short category for filtering: log, state, risk, storage, api, ... */
  readonly kind: string;
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>> | undefined;
  readonly at: number;
}

export interface RiskEventInput {
  readonly botId: string;
  readonly type: 'trip' | 'clear' | 'denial';
  readonly rule: string;
  readonly value?: string | undefined;
  readonly limit?: string | undefined;
  readonly action?: string | undefined;
  readonly message: string;
  readonly at: number;
}

/** The fields of the engine's BotStatsSnapshot that are stored (a structural subset). */
export interface StatsInput {
  readonly botId: string;
  readonly at: number;
  readonly state?: string;
  readonly tradingState?: string;
  readonly reference?: string | undefined;
  readonly base?: string;
  readonly quote?: string;
  readonly equity?: string | undefined;
  readonly pnl?: { readonly realized: string; readonly unrealized: string; readonly fees: string; readonly net: string; readonly today?: string | undefined };
  readonly volume?: { readonly total: string };
  readonly openOrders?: number;
}

const SECRET_KEY = /secret|password|passphrase|private|api[-_]?key|token|signature|credential|memo/i;
const MAX_DETAILS = 16_384;

/**
 * Details as JSON the database accepts, with anything secret-looking masked (S8: a secret never
 * reaches a log row, even when a caller passes it by mistake). BigInts become strings.
 */
export function safeDetails(details: Readonly<Record<string, unknown>> | undefined): Record<string, unknown> | null {
  if (details === undefined) return null;
  let text: string;
  try {
    text = JSON.stringify(details, (key, value: unknown) => {
      if (key !== '' && SECRET_KEY.test(key)) return '[redacted]';
      if (typeof value === 'bigint') return value.toString();
      return value;
    });
  } catch {
    return { note: 'details could not be serialised' };
  }
  if (text.length > MAX_DETAILS) return { note: `details truncated (${text.length} characters)`, preview: text.slice(0, 1_000) };
  return JSON.parse(text) as Record<string, unknown>;
}

export function eventRow(e: EventInput): typeof events.$inferInsert {
  return { botId: e.botId ?? null, level: e.level, kind: e.kind, message: e.message, details: safeDetails(e.details), at: new Date(e.at) };
}

export function riskRow(e: RiskEventInput): typeof riskEvents.$inferInsert {
  return {
    botId: e.botId,
    type: e.type,
    rule: e.rule,
    value: e.value ?? null,
    limit: e.limit ?? null,
    action: e.action ?? null,
    message: e.message,
    at: new Date(e.at),
  };
}

const decOrNull = (v: string | undefined) => (v === undefined ? null : fx.tryParse(v) === undefined ? null : fmt(fx.parse(v)));

export function statsRow(s: StatsInput, equityHigh: string | undefined, pnlNetHigh?: string): typeof botStats.$inferInsert {
  return {
    botId: s.botId,
    at: new Date(s.at),
    state: s.state ?? null,
    tradingState: s.tradingState ?? null,
    equity: decOrNull(s.equity),
    equityHigh: decOrNull(equityHigh),
    base: decOrNull(s.base),
    quote: decOrNull(s.quote),
    reference: decOrNull(s.reference),
    pnlNet: decOrNull(s.pnl?.net),
    pnlNetHigh: decOrNull(pnlNetHigh ?? s.pnl?.net),
    pnlRealized: decOrNull(s.pnl?.realized),
    pnlUnrealized: decOrNull(s.pnl?.unrealized),
    pnlToday: decOrNull(s.pnl?.today),
    fees: decOrNull(s.pnl?.fees),
    volumeTotal: decOrNull(s.volume?.total),
    openOrders: s.openOrders ?? null,
  };
}

