// The mock's BitMart-side view of orders and trades. The simulated exchange matches; this
// mirror keeps what BitMart reports on top (its order ids, type names, cumulative notional and
// fee, cancelSource) and renders the v4 query objects and the WebSocket order pushes.
import { fx } from '@mm/core';
import type { Fill, Fixed, Instrument, Side, VenueOrder } from '@mm/core';

export type BmOrderType = 'limit' | 'limit_maker' | 'ioc' | 'market';
export type BmOrderState = 'new' | 'partially_filled' | 'filled' | 'canceled' | 'partially_canceled';
export type BmCancelSource = '' | 'user' | 'system' | 'stp';

export interface MockOrder {
  readonly orderId: string;
  readonly clientOrderId: string;
  readonly account: string;
  readonly symbol: string;
  readonly side: Side;
  readonly type: BmOrderType;
  readonly priceTicks: number;
  readonly qtyLots: number;
  readonly stpMode: string;
  /** Market buys are sized in quote. */
  readonly notional: string;
  filledLots: number;
  filledNotional: Fixed;
  fee: Fixed;
  feeAsset: string;
  state: BmOrderState;
  cancelSource: BmCancelSource;
  readonly createTime: number;
  updateTime: number;
  lastFill: { tradeId: string; priceTicks: number; qtyLots: number; liquidity: 'maker' | 'taker'; time: number } | undefined;
}

export interface MockTrade {
  readonly tradeId: string;
  readonly orderId: string;
  readonly clientOrderId: string;
  readonly account: string;
  readonly symbol: string;
  readonly side: Side;
  readonly type: BmOrderType;
  readonly priceTicks: number;
  readonly qtyLots: number;
  readonly fee: Fixed;
  readonly feeAsset: string;
  readonly liquidity: 'maker' | 'taker';
  readonly time: number;
}

/** BitMart order ids are long digit strings; the simulator's are small counters. */
const SIM_ID_BASE = 212751308355550000n;
const SYNTHETIC_ID_BASE = 912751308355550000n;
const TRADE_ID_BASE = 125277182593090000n;

export function bitmartOrderId(simId: string): string {
  return String(SIM_ID_BASE + BigInt(simId));
}

export function bitmartTradeId(simTradeId: string): string {
  return String(TRADE_ID_BASE + BigInt(simTradeId));
}

export function isFinalState(state: BmOrderState): boolean {
  return state === 'filled' || state === 'canceled' || state === 'partially_canceled';
}

export class OrderMirror {
  private readonly byId = new Map<string, MockOrder>();
  /** account → client id → order id (latest order with that client id). */
  private readonly byClient = new Map<string, Map<string, string>>();
  private readonly trades = new Map<string, MockTrade[]>();
  private syntheticSeq = 0;

  constructor(private readonly instrument: (symbol: string) => Instrument) {}

  add(order: MockOrder): MockOrder {
    this.byId.set(order.orderId, order);
    let index = this.byClient.get(order.account);
    if (index === undefined) {
      index = new Map();
      this.byClient.set(order.account, index);
    }
    index.set(order.clientOrderId, order.orderId);
    return order;
  }

  nextSyntheticId(): string {
    return String(SYNTHETIC_ID_BASE + BigInt(++this.syntheticSeq));
  }

  get(account: string, ref: { orderId?: string; clientOrderId?: string }): MockOrder | undefined {
    const id = ref.orderId ?? (ref.clientOrderId === undefined ? undefined : this.byClient.get(account)?.get(ref.clientOrderId));
    const order = id === undefined ? undefined : this.byId.get(id);
    return order !== undefined && order.account === account ? order : undefined;
  }

  orders(account: string): MockOrder[] {
    return [...this.byId.values()].filter((o) => o.account === account);
  }

  tradesOf(account: string): readonly MockTrade[] {
    return this.trades.get(account) ?? [];
  }

  /** Applies one simulator fill; returns the order it belongs to. */
  applyFill(account: string, fill: Fill, order: MockOrder): MockTrade {
    const inst = this.instrument(fill.symbol);
    order.filledLots += fill.qtyLots;
    order.filledNotional += inst.notional(fill.priceTicks, fill.qtyLots);
    order.fee += fill.fee;
    order.feeAsset = fill.feeAsset;
    order.updateTime = fill.venueTime;
    order.state = order.filledLots >= order.qtyLots ? 'filled' : 'partially_filled';
    const tradeId = bitmartTradeId(fill.tradeId);
    order.lastFill = { tradeId, priceTicks: fill.priceTicks, qtyLots: fill.qtyLots, liquidity: fill.liquidity, time: fill.venueTime };
    const trade: MockTrade = {
      tradeId,
      orderId: order.orderId,
      clientOrderId: order.clientOrderId,
      account,
      symbol: fill.symbol,
      side: fill.side,
      type: order.type,
      priceTicks: fill.priceTicks,
      qtyLots: fill.qtyLots,
      fee: fill.fee,
      feeAsset: fill.feeAsset,
      liquidity: fill.liquidity,
      time: fill.venueTime,
    };
    let list = this.trades.get(account);
    if (list === undefined) {
      list = [];
      this.trades.set(account, list);
    }
    list.push(trade);
    return trade;
  }

  /** Applies a simulator order update; returns true when BitMart's visible state changed. */
  applyStatus(order: MockOrder, update: VenueOrder): boolean {
    const before = order.state;
    order.updateTime = Math.max(order.updateTime, update.updatedAt);
    switch (update.status) {
      case 'open':
        order.state = order.filledLots > 0 ? 'partially_filled' : 'new';
        break;
      case 'partially_filled':
        order.state = 'partially_filled';
        break;
      case 'filled':
        order.state = 'filled';
        break;
      case 'canceled':
      case 'expired':
      case 'rejected':
        order.state = order.filledLots > 0 ? 'partially_canceled' : 'canceled';
        order.cancelSource = cancelSourceOf(update);
        break;
    }
    return order.state !== before;
  }

  /** The v4 query order object (catalogue §3.2). */
  toV4(order: MockOrder): Record<string, unknown> {
    const inst = this.instrument(order.symbol);
    return {
      orderId: order.orderId,
      clientOrderId: order.clientOrderId,
      symbol: order.symbol,
      side: order.side,
      orderMode: 'spot',
      type: order.type,
      state: order.state,
      cancelSource: order.cancelSource,
      stpMode: order.stpMode,
      price: order.type === 'market' ? '0' : inst.ticksToPrice(order.priceTicks),
      priceAvg: averagePrice(inst, order),
      size: order.type === 'market' && order.side === 'buy' ? '0' : inst.lotsToQty(order.qtyLots),
      filledSize: inst.lotsToQty(order.filledLots),
      notional: order.type === 'market' ? order.notional : fx.format(inst.notional(order.priceTicks, order.qtyLots)),
      filledNotional: fx.format(order.filledNotional),
      createTime: order.createTime,
      updateTime: order.updateTime,
    };
  }

  /** The WebSocket order push (catalogue §7.6): numbers as strings, legacy fields included. */
  toPush(order: MockOrder): Record<string, unknown> {
    const inst = this.instrument(order.symbol);
    const fill = order.lastFill;
    return {
      symbol: order.symbol,
      side: order.side,
      type: order.type === 'market' ? 'market' : 'limit',
      notional: order.type === 'market' ? order.notional : '',
      size: inst.lotsToQty(order.qtyLots),
      ms_t: String(order.updateTime),
      price: order.type === 'market' ? '0' : inst.ticksToPrice(order.priceTicks),
      filled_notional: fx.format(order.filledNotional),
      filled_size: inst.lotsToQty(order.filledLots),
      margin_trading: '0',
      state: LEGACY_STATE[order.state],
      order_id: order.orderId,
      order_type: '0',
      last_fill_time: fill === undefined ? '0' : String(fill.time),
      last_fill_price: fill === undefined ? '0' : inst.ticksToPrice(fill.priceTicks),
      last_fill_count: fill === undefined ? '0' : inst.lotsToQty(fill.qtyLots),
      exec_type: fill === undefined ? '' : fill.liquidity === 'maker' ? 'M' : 'T',
      detail_id: fill === undefined ? '' : fill.tradeId,
      client_order_id: order.clientOrderId,
      create_time: String(order.createTime),
      update_time: String(order.updateTime),
      order_mode: 'spot',
      entrust_type: order.type === 'limit_maker' ? 'limit_maker' : order.type === 'ioc' ? 'ioc' : 'normal',
      order_state: order.state,
      dealFee: fx.format(order.fee),
      deal_fee_coin_name: order.feeAsset,
    };
  }

  /** The v4 trade object (catalogue §3.2). */
  tradeToV4(trade: MockTrade): Record<string, unknown> {
    const inst = this.instrument(trade.symbol);
    return {
      tradeId: trade.tradeId,
      orderId: trade.orderId,
      clientOrderId: trade.clientOrderId,
      symbol: trade.symbol,
      side: trade.side,
      orderMode: 'spot',
      type: trade.type,
      price: inst.ticksToPrice(trade.priceTicks),
      size: inst.lotsToQty(trade.qtyLots),
      notional: fx.format(inst.notional(trade.priceTicks, trade.qtyLots)),
      fee: fx.format(trade.fee),
      feeCoinName: trade.feeAsset,
      tradeRole: trade.liquidity,
      createTime: trade.time,
      updateTime: trade.time,
    };
  }
}

const LEGACY_STATE: Record<BmOrderState, string> = { new: '4', partially_filled: '5', filled: '6', canceled: '8', partially_canceled: '12' };

function cancelSourceOf(update: VenueOrder): BmCancelSource {
  if (update.status === 'canceled') return 'user';
  return update.reason === 'self-trade prevention' ? 'stp' : 'system';
}

function averagePrice(inst: Instrument, order: MockOrder): string {
  if (order.filledLots === 0) return '0';
  return fx.format(fx.div(order.filledNotional, inst.lotsToFixed(order.filledLots)), { decimals: inst.priceDecimals + 2 });
}
