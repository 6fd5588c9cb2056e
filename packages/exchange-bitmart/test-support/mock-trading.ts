// Order entry, cancels and the private event feed of the mock, on the simulated exchange.
// Request fields and answers follow the catalogue (§3.1, §4): v2 submit_order with snake_case
// client_order_id and camelCase stpMode, v4 batch with one symbol and at most 10 orders,
// limit_maker as post-only, ioc, market buys sized in quote, client ids of ≤ 32 letters/digits.
import { fx } from '@mm/core';
import type { Balance, EngineError, Clock, Fill, Instrument, OrderRequest, Side, StpMode, TimeInForce, VenueOrder } from '@mm/core';
import type { SimExchange } from '@mm/exchange-sim';
import { MockApiError } from './mock-errors.ts';
import { bitmartOrderId, isFinalState, OrderMirror } from './mock-orders.ts';
import type { BmOrderType, MockOrder } from './mock-orders.ts';
import type { MockWebSockets } from './mock-ws.ts';

/** How a crossing limit_maker is answered; the catalogue (§4) documents both. */
export type PostOnlyCrossMode = 'reject' | 'accept-then-cancel';
/** How a cancel of an already final order is answered (§8.12). */
export type FinalCancelAnswer = 'error' | 'result-false';

export interface OrderParams {
  readonly symbol: string;
  readonly side: unknown;
  readonly type: unknown;
  readonly clientOrderId: unknown;
  readonly size: unknown;
  readonly price: unknown;
  readonly notional: unknown;
  readonly stpMode: unknown;
}

const STP: Readonly<Record<string, StpMode>> = { none: 'none', cancel_maker: 'expire_maker', cancel_taker: 'expire_taker', cancel_both: 'expire_both' };
const TYPES: Readonly<Record<string, { type: 'limit' | 'market'; tif: TimeInForce }>> = {
  limit: { type: 'limit', tif: 'GTC' },
  limit_maker: { type: 'limit', tif: 'POST_ONLY' },
  ioc: { type: 'limit', tif: 'IOC' },
  market: { type: 'market', tif: 'IOC' },
};

interface Validated {
  readonly inst: Instrument;
  readonly side: Side;
  readonly bmType: BmOrderType;
  readonly clientOrderId: string;
  readonly priceTicks: number;
  readonly qtyLots: number;
  readonly notional: string;
  readonly stpMode: string;
}

export class MockTrading {
  readonly mirror: OrderMirror;
  postOnlyCross: PostOnlyCrossMode;
  finalCancelAnswer: FinalCancelAnswer;
  /** The order being submitted, so events the simulator raises during submit find their request. */
  private submitting: { account: string; params: Validated; createTime: number } | undefined;
  private readonly pushed = new Set<string>();
  private readonly unlisten: (() => void)[] = [];

  constructor(
    private readonly exchange: SimExchange,
    private readonly clock: Clock,
    private readonly ws: MockWebSockets,
    private readonly instrument: (symbol: string) => Instrument | undefined,
    options: { postOnlyCross: PostOnlyCrossMode; finalCancelAnswer: FinalCancelAnswer },
  ) {
    this.mirror = new OrderMirror((symbol) => this.instrument(symbol)!);
    this.postOnlyCross = options.postOnlyCross;
    this.finalCancelAnswer = options.finalCancelAnswer;
  }

  /** Feeds one account's simulator events into the mirror and the private pushes. */
  track(account: string): void {
    this.unlisten.push(
      this.exchange.listen(account, {
        fill: (fill) => this.onFill(account, fill),
        order: (order) => this.onOrder(account, order),
        balances: (balances) => this.onBalances(account, balances),
      }),
    );
  }

  close(): void {
    for (const off of this.unlisten) off();
  }

  // ---------------------------------------------------------------- order entry

  /** Validates and places one order; returns the BitMart order id. */
  submit(account: string, symbol: string, raw: OrderParams): string {
    const params = this.validate(account, symbol, raw);
    const book = this.exchange.book(symbol);
    if (params.bmType === 'limit_maker' && book.crosses(params.side, params.priceTicks)) {
      if (this.postOnlyCross === 'reject') {
        throw params.side === 'buy'
          ? new MockApiError(50034, 'The price is high and there is no matching depth')
          : new MockApiError(50035, 'The price is low and there is no matching depth');
      }
      return this.systemCancelled(account, params);
    }
    const request = this.simRequest(symbol, params);
    this.submitting = { account, params, createTime: this.clock.now() };
    let result: ReturnType<SimExchange['submit']>;
    try {
      result = this.exchange.submit(account, request);
    } finally {
      this.submitting = undefined;
    }
    if (!result.ok) throw toMockError(result.error, params.side);
    const orderId = bitmartOrderId(result.order.venueOrderId);
    if (this.mirror.get(account, { orderId }) === undefined) {
      const order = this.mirror.add(this.newOrder(account, params, orderId, this.clock.now()));
      this.onOrderChange(order, result.order);
    }
    return orderId;
  }

  /** v4 batch: all orders are checked before any is placed, so a refusal places nothing. */
  batch(account: string, symbol: string, list: readonly OrderParams[]): string[] {
    if (list.length === 0 || list.length > 10) throw new MockApiError(50033, 'The order quantity should be greater than 0 and less than or equal to 10');
    const seen = new Set<string>();
    let quoteNeeded = 0n;
    let baseNeeded = 0n;
    const inst = this.requireSymbol(symbol);
    const fees = this.exchange.feeSchedule(account);
    for (const raw of list) {
      const p = this.validate(account, symbol, raw);
      if (seen.has(p.clientOrderId)) throw new MockApiError(50042, 'clientOrderId is duplicate');
      seen.add(p.clientOrderId);
      if (p.bmType === 'limit_maker' && this.postOnlyCross === 'reject' && this.exchange.book(symbol).crosses(p.side, p.priceTicks)) {
        throw p.side === 'buy' ? new MockApiError(50034, 'The price is high and there is no matching depth') : new MockApiError(50035, 'The price is low and there is no matching depth');
      }
      if (p.bmType === 'market') continue;
      if (p.side === 'buy') {
        // what the matching engine will lock: the value plus the larger fee
        const notional = inst.notional(p.priceTicks, p.qtyLots);
        quoteNeeded += notional + fx.divInt(notional * fx.max(fees.maker, fees.taker), fx.SCALE, 'ceil');
      } else {
        baseNeeded += inst.lotsToFixed(p.qtyLots);
      }
    }
    const balances = new Map(this.exchange.balances(account).map((b) => [b.asset, b.free] as const));
    if ((balances.get(inst.quote) ?? 0n) < quoteNeeded || (balances.get(inst.base) ?? 0n) < baseNeeded) {
      throw new MockApiError(50020, 'Balance not enough');
    }
    return list.map((raw) => this.submit(account, symbol, raw));
  }

  cancel(account: string, symbol: string, ref: { orderId?: string; clientOrderId?: string }): boolean {
    const order = this.mirror.get(account, ref);
    if (order === undefined || order.symbol !== symbol) throw new MockApiError(50005, 'Order Id not found');
    if (isFinalState(order.state)) {
      if (this.finalCancelAnswer === 'result-false') return false;
      throw order.state === 'filled' ? new MockApiError(50031, 'Order is already completed') : new MockApiError(50030, 'Order is already canceled');
    }
    const out = this.exchange.cancel(account, { symbol, clientOrderId: order.clientOrderId });
    return out.ok;
  }

  cancelAll(account: string, symbol: string | undefined, side: Side | undefined): void {
    for (const order of this.exchange.openOrders(account, symbol)) {
      if (side === undefined || order.side === side) this.exchange.cancel(account, { symbol: order.symbol, clientOrderId: order.clientOrderId });
    }
  }

  // ---------------------------------------------------------------- validation

  private requireSymbol(symbol: string): Instrument {
    const inst = this.instrument(symbol);
    if (inst === undefined) throw new MockApiError(50001, 'Symbol not found');
    return inst;
  }

  private validate(account: string, symbol: string, raw: OrderParams): Validated {
    const inst = this.requireSymbol(symbol);
    if (raw.side !== 'buy' && raw.side !== 'sell') throw new MockApiError(50021, 'Invalid side');
    const side: Side = raw.side;
    if (typeof raw.type !== 'string' || TYPES[raw.type] === undefined) throw new MockApiError(50021, 'Invalid type');
    const bmType = raw.type as BmOrderType;
    const clientOrderId = typeof raw.clientOrderId === 'string' ? raw.clientOrderId : '';
    if (clientOrderId.length > 32) throw new MockApiError(50037, 'The maximum length of clientOrderId cannot exceed 32');
    if (clientOrderId !== '' && !/^[A-Za-z0-9]+$/.test(clientOrderId)) throw new MockApiError(50038, 'ClientOrderId only allows a combination of numbers and letters');
    if (clientOrderId !== '' && this.mirror.get(account, { clientOrderId }) !== undefined) throw new MockApiError(50042, 'clientOrderId is duplicate');
    const stp = raw.stpMode === undefined ? 'cancel_maker' : raw.stpMode;
    if (typeof stp !== 'string' || STP[stp] === undefined) throw new MockApiError(50021, 'Invalid stpMode');
    let priceTicks = 0;
    let qtyLots = 0;
    let notional = '';
    if (bmType === 'market') {
      if (side === 'buy') {
        if (raw.size !== undefined) throw new MockApiError(50021, 'Invalid size');
        if (typeof raw.notional !== 'string' || raw.notional === '') throw new MockApiError(50012, 'RequestParam notional is required');
        notional = raw.notional;
      } else {
        qtyLots = this.size(inst, raw.size);
      }
    } else {
      qtyLots = this.size(inst, raw.size);
      if (typeof raw.price !== 'string' || raw.price === '') throw new MockApiError(50011, 'RequestParam price is required');
      // the venue silently truncates extra price decimals (catalogue §8.2)
      priceTicks = parseOr(() => inst.priceToTicks(raw.price as string, 'floor'), 50021, 'Invalid price');
      if (priceTicks <= 0) throw new MockApiError(50008, `Minimum price is ${inst.tickSize}`);
      if (inst.notional(priceTicks, qtyLots) < inst.minNotionalValue) {
        throw new MockApiError(51011, `param not match : size * price >=${inst.minNotional}`);
      }
    }
    return { inst, side, bmType, clientOrderId: clientOrderId === '' ? `auto${this.mirror.nextSyntheticId()}` : clientOrderId, priceTicks, qtyLots, notional, stpMode: stp };
  }

  private size(inst: Instrument, raw: unknown): number {
    if (typeof raw !== 'string' || raw === '') throw new MockApiError(50010, 'RequestParam size is required');
    const lots = parseOr(() => inst.qtyToLots(raw, 'floor'), 50021, 'Invalid size');
    if (lots < inst.minQtyLots) throw new MockApiError(50006, `Minimum size is ${inst.minQty}`);
    return lots;
  }

  private simRequest(symbol: string, p: Validated): OrderRequest {
    const t = TYPES[p.bmType]!;
    const base = { clientOrderId: p.clientOrderId, symbol, side: p.side, type: t.type, timeInForce: t.tif, stpMode: STP[p.stpMode]! };
    if (p.bmType !== 'market') return { ...base, priceTicks: p.priceTicks, qtyLots: p.qtyLots };
    if (p.side === 'sell') return { ...base, qtyLots: p.qtyLots };
    return { ...base, qtyLots: this.lotsForNotional(p.inst, symbol, p.notional) };
  }

  /** A market buy is sized in quote; the simulator wants lots: walk the asks. */
  private lotsForNotional(inst: Instrument, symbol: string, notional: string): number {
    if (!/^\d+(\.\d+)?$/.test(notional)) throw new MockApiError(50021, 'Invalid notional');
    let budget = fx.parse(notional);
    let lots = 0;
    for (const level of this.exchange.book(symbol).asks.top(100)) {
      const perLot = inst.notional(level.priceTicks, 1);
      const take = Math.min(level.qtyLots, Number(budget / perLot));
      lots += take;
      budget -= perLot * BigInt(take);
      if (take < level.qtyLots) break;
    }
    if (lots === 0) throw new MockApiError(51012, 'market buy amount below minimum');
    return lots;
  }

  /** A crossing limit_maker in 'accept-then-cancel' mode: an order id, then a system cancel. */
  private systemCancelled(account: string, params: Validated): string {
    const now = this.clock.now();
    const order = this.mirror.add({ ...this.newOrder(account, params, this.mirror.nextSyntheticId(), now), state: 'canceled', cancelSource: 'system' });
    this.push(order);
    return order.orderId;
  }

  private newOrder(account: string, p: Validated, orderId: string, createTime: number): MockOrder {
    return {
      orderId,
      clientOrderId: p.clientOrderId,
      account,
      symbol: p.inst.symbol,
      side: p.side,
      type: p.bmType,
      priceTicks: p.priceTicks,
      qtyLots: p.qtyLots,
      stpMode: p.stpMode,
      notional: p.notional,
      filledLots: 0,
      filledNotional: 0n,
      fee: 0n,
      feeAsset: p.inst.quote,
      state: 'new',
      cancelSource: '',
      createTime,
      updateTime: createTime,
      lastFill: undefined,
    };
  }

  // ---------------------------------------------------------------- simulator events

  private orderFor(account: string, simOrderId: string, clientOrderId: string): MockOrder | undefined {
    const orderId = bitmartOrderId(simOrderId);
    const known = this.mirror.get(account, { orderId });
    if (known !== undefined) return known;
    const ctx = this.submitting;
    if (ctx === undefined || ctx.account !== account || ctx.params.clientOrderId !== clientOrderId) return undefined;
    return this.mirror.add(this.newOrder(account, ctx.params, orderId, ctx.createTime));
  }

  private onFill(account: string, fill: Fill): void {
    const order = this.orderFor(account, fill.venueOrderId, fill.clientOrderId);
    if (order === undefined) return;
    this.mirror.applyFill(account, fill, order);
    this.push(order);
  }

  private onOrder(account: string, update: VenueOrder): void {
    const order = this.orderFor(account, update.venueOrderId, update.clientOrderId);
    if (order !== undefined) this.onOrderChange(order, update);
  }

  private onOrderChange(order: MockOrder, update: VenueOrder): void {
    const changed = this.mirror.applyStatus(order, update);
    if (changed || !this.pushed.has(order.orderId)) this.push(order);
  }

  private push(order: MockOrder): void {
    this.pushed.add(order.orderId);
    this.ws.pushOrder(order.account, order.symbol, this.mirror.toPush(order));
  }

  private onBalances(account: string, balances: readonly Balance[]): void {
    this.ws.pushBalance(
      account,
      balances.map((b) => ({ ccy: b.asset, av_bal: fx.format(b.free), fz_bal: fx.format(b.locked) })),
    );
  }
}

function toMockError(error: EngineError, side: Side): MockApiError {
  switch (error.code) {
    case 'INSUFFICIENT_BALANCE':
      return new MockApiError(50020, 'Balance not enough');
    case 'QTY_BELOW_MIN':
      return new MockApiError(50006, error.message);
    case 'NOTIONAL_BELOW_MIN':
      return new MockApiError(51011, error.message);
    case 'DUPLICATE_CLIENT_ORDER_ID':
      return new MockApiError(50042, 'clientOrderId is duplicate');
    case 'POST_ONLY_WOULD_CROSS':
      return side === 'buy' ? new MockApiError(50034, 'The price is high and there is no matching depth') : new MockApiError(50035, 'The price is low and there is no matching depth');
    case 'MAX_OPEN_ORDERS':
      return new MockApiError(51003, 'Account Limit');
    default:
      return new MockApiError(50000, `Bad Request [${error.message}]`);
  }
}

function parseOr<T>(parse: () => T, code: number, message: string): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof MockApiError) throw error;
    throw new MockApiError(code, message);
  }
}
