// User-data events to domain events. Futures: ORDER_TRADE_UPDATE (order + fill),
// ACCOUNT_UPDATE (balances + positions, and by its reason funding payments and transfers as
// cash flows), MARGIN_CALL, ACCOUNT_CONFIG_UPDATE (leverage). Spot: executionReport and
// outboundAccountPosition. Fills are passed on as delivered: each carries the venue's trade id,
// which is what the engine deduplicates on.
import { fx } from '@mm/core';
import type { Balance, CashFlow, Clock, EventBus, Fill, Fixed, Instrument, Position, VenueOrder } from '@mm/core';
import type { VenueEvents } from '@mm/exchange';
import { orderStatus, priceTicks, qtyLots, toOrderType, toSide, toTimeInForce } from './convert.ts';
import type { OrderCache } from './order-cache.ts';

export interface PrivateContext {
  readonly clock: Clock;
  readonly events: EventBus<VenueEvents>;
  readonly orders: OrderCache;
  /** undefined for symbols this adapter does not trade (their events are ignored). */
  instrumentOf(symbol: string): Instrument | undefined;
  /** Last known position of a symbol (REST), for the fields ACCOUNT_UPDATE does not carry. */
  lastPosition(symbol: string): Position | undefined;
  rememberPosition(position: Position): void;
  /** Locked amount from the last REST balances, to derive free from a wallet balance. */
  lockedOf(asset: string): Fixed;
  onLeverage(symbol: string, leverage: number): void;
  /** A fill or an account update: balances, positions or equity may have changed. */
  onAccountChange(): void;
}

type Json = Record<string, unknown>;

const text = (v: unknown, fallback = '0'): string => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : fallback);

export function handlePrivateEvent(ctx: PrivateContext, event: Json): void {
  switch (event['e']) {
    case 'ORDER_TRADE_UPDATE':
      orderUpdate(ctx, event, (event['o'] ?? {}) as Json, 'futures');
      return;
    case 'executionReport':
      orderUpdate(ctx, event, event, 'spot');
      return;
    case 'ACCOUNT_UPDATE':
      accountUpdate(ctx, event);
      return;
    case 'outboundAccountPosition':
      spotBalances(ctx, event);
      return;
    case 'MARGIN_CALL':
      marginCall(ctx, event);
      return;
    case 'ACCOUNT_CONFIG_UPDATE':
      configUpdate(ctx, event);
      return;
    default:
      return;
  }
}

function orderUpdate(ctx: PrivateContext, event: Json, o: Json, market: 'futures' | 'spot'): void {
  const symbol = text(o['s'], '');
  const inst = ctx.instrumentOf(symbol);
  if (inst === undefined) return;
  const now = ctx.clock.now();
  const venueTime = Number(o['T'] ?? event['E'] ?? now);
  const venueOrderId = String(o['i']);
  const clientOrderId = text(o['c'], '');
  ctx.orders.remember(venueOrderId, clientOrderId);
  const side = toSide(text(o['S'], ''));
  if (o['x'] === 'TRADE') {
    const fill: Fill = {
      symbol,
      tradeId: String(o['t']),
      venueOrderId,
      clientOrderId,
      side,
      priceTicks: priceTicks(inst, text(o['L'])),
      qtyLots: qtyLots(inst, text(o['l'])),
      fee: fx.parse(text(o['n'])),
      feeAsset: text(o['N'], market === 'spot' ? inst.quote : inst.marginAsset),
      liquidity: o['m'] === true ? 'maker' : 'taker',
      ...(o['rp'] === undefined ? {} : { realizedPnl: fx.parse(text(o['rp'])) }),
      venueTime,
      receivedAt: now,
    };
    ctx.events.emit('fill', fill);
    ctx.onAccountChange();
  }
  const order: VenueOrder = {
    symbol,
    clientOrderId,
    venueOrderId,
    side,
    type: toOrderType(text(o['o'], 'LIMIT')),
    timeInForce: toTimeInForce(text(o['f'], 'GTC')),
    priceTicks: priceTicks(inst, text(o['p'])),
    qtyLots: qtyLots(inst, text(o['q'])),
    filledLots: qtyLots(inst, text(o['z'])),
    status: orderStatus(text(o['X'], '')),
    reduceOnly: o['R'] === true,
    createdAt: Number(o['O'] ?? venueTime),
    updatedAt: venueTime,
  };
  if (ctx.orders.isNewer(order, Number(event['E'] ?? venueTime))) ctx.events.emit('order', order);
}

function accountUpdate(ctx: PrivateContext, event: Json): void {
  const a = (event['a'] ?? {}) as Json;
  const time = Number(event['T'] ?? event['E'] ?? ctx.clock.now());
  const balances: Balance[] = [];
  for (const b of (a['B'] ?? []) as Json[]) {
    const asset = text(b['a'], '');
    const total = fx.parse(text(b['wb']));
    const locked = ctx.lockedOf(asset);
    const free = total > locked ? total - locked : 0n;
    balances.push({ asset, total, free, locked: total - free });
  }
  if (balances.length > 0) ctx.events.emit('balances', balances);
  for (const p of (a['P'] ?? []) as Json[]) {
    const symbol = text(p['s'], '');
    const inst = ctx.instrumentOf(symbol);
    if (inst === undefined) continue;
    const amount = fx.parse(text(p['pa']));
    const lots = qtyLots(inst, text(p['pa']));
    const last = ctx.lastPosition(symbol);
    const entry = fx.parse(text(p['ep']));
    const position: Position = {
      symbol,
      qtyLots: amount < 0n ? -lots : lots,
      entryPrice: entry,
      markPrice: last?.markPrice ?? entry,
      unrealizedPnl: fx.parse(text(p['up'])),
      leverage: last?.leverage ?? 0,
      marginType: text(p['mt'], 'cross').toLowerCase().startsWith('iso') ? 'isolated' : 'cross',
      maintenanceMargin: last?.maintenanceMargin ?? 0n,
      liquidationPrice: last?.liquidationPrice ?? null,
      ...(last?.adlQuantile === undefined ? {} : { adlQuantile: last.adlQuantile }),
      updatedAt: time,
    };
    ctx.rememberPosition(position);
    ctx.events.emit('position', position);
  }
  for (const flow of cashFlows(a, time, ctx.clock.now())) ctx.events.emit('cashFlow', flow);
  ctx.onAccountChange();
}

/**
 * Update reasons whose balance change is not money entering or leaving the account: fills (their
 * PnL and fees arrive as fills) and moves between the cross and an isolated wallet.
 */
const NOT_A_CASH_FLOW = new Set(['ORDER', 'MARGIN_TRANSFER', 'MARGIN_TYPE_CHANGE']);

/**
 * The cash flows of an ACCOUNT_UPDATE: `bc` (balance change except PnL and commission) of each
 * asset, as funding for FUNDING_FEE and as a transfer for every other reason (deposits,
 * withdrawals, asset transfers, adjustments, ...). Unknown new reasons count as transfers so
 * equity stays explained. The event has no transaction id; the id is built from the reason,
 * time, asset, wallet balance after the change (two changes in one millisecond still differ)
 * and the symbol an isolated funding names, so a replayed event yields the same id.
 */
function cashFlows(a: Json, time: number, receivedAt: number): CashFlow[] {
  const reason = text(a['m'], '');
  if (reason === '' || NOT_A_CASH_FLOW.has(reason)) return [];
  const funding = reason === 'FUNDING_FEE';
  // isolated funding carries its one position; cross funding carries none
  const symbols = [...new Set(((a['P'] ?? []) as Json[]).map((p) => text(p['s'], '')).filter((s) => s !== ''))];
  const symbol = funding && symbols.length === 1 ? symbols[0] : undefined;
  const out: CashFlow[] = [];
  for (const b of (a['B'] ?? []) as Json[]) {
    const asset = text(b['a'], '');
    const amount = fx.parse(text(b['bc']));
    if (asset === '' || amount === 0n) continue;
    out.push({
      kind: funding ? 'funding' : 'transfer',
      id: `${reason}:${time}:${asset}:${text(b['wb'])}${symbol === undefined ? '' : `:${symbol}`}`,
      symbol,
      asset,
      amount,
      venueTime: time,
      receivedAt,
    });
  }
  return out;
}

function spotBalances(ctx: PrivateContext, event: Json): void {
  const balances: Balance[] = ((event['B'] ?? []) as Json[]).map((b) => {
    const free = fx.parse(text(b['f']));
    const locked = fx.parse(text(b['l']));
    return { asset: text(b['a'], ''), total: free + locked, free, locked };
  });
  if (balances.length > 0) ctx.events.emit('balances', balances);
}

function marginCall(ctx: PrivateContext, event: Json): void {
  const positions = (event['p'] ?? []) as Json[];
  const symbols = positions.map((p) => text(p['s'], '')).filter((s) => s !== '');
  ctx.events.emit('risk', {
    kind: 'margin_call',
    ...(symbols[0] === undefined ? {} : { symbol: symbols[0] }),
    message: `margin call on ${symbols.join(', ') || 'the account'}: margin is close to maintenance; reduce positions or add margin`,
    details: {
      crossWalletBalance: event['cw'],
      positions: positions.map((p) => ({ symbol: p['s'], positionAmt: p['pa'], markPrice: p['mp'], maintenanceMargin: p['mm'], unrealizedPnl: p['up'] })),
    },
    venueTime: Number(event['E'] ?? ctx.clock.now()),
    receivedAt: ctx.clock.now(),
  });
}

function configUpdate(ctx: PrivateContext, event: Json): void {
  const ac = event['ac'] as Json | undefined;
  if (ac === undefined) return;
  const symbol = text(ac['s'], '');
  const leverage = Number(ac['l']);
  ctx.onLeverage(symbol, leverage);
  ctx.events.emit('risk', {
    kind: 'leverage_changed',
    symbol,
    message: `leverage of ${symbol} is now ${leverage}x`,
    details: { leverage },
    venueTime: Number(event['E'] ?? ctx.clock.now()),
    receivedAt: ctx.clock.now(),
  });
}
