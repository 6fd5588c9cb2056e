// Placing and cancelling on BitMart. Orders are checked locally first (instrument grid,
// minimums, client id, supported types), so a bad order never costs a request or spoils a
// batch. One order goes to /spot/v2/submit_order, several of one symbol to
// /spot/v4/batch_orders in groups of 10. Outcomes follow the port's rule: only a proven
// refusal is 'rejected'; a timeout, a 5xx or a lost answer is 'unknown'.
import { EngineError, isValidClientOrderId, toEngineError } from '@mm/core';
import type { CancelRequest, Clock, Instrument, OrderRequest, StpMode, VenueOrder } from '@mm/core';
import type { CancelResult, PlaceResult } from '@mm/exchange';
import type { BitmartRestClient } from './client.ts';
import { MAX_BATCH } from './endpoints.ts';
import { isAmbiguousFailure } from './errors.ts';
import { batchOrderParam, orderFromWire, submitParams, toBitmartStp } from './mapping.ts';
import type { OrderTracker } from './order-tracker.ts';
import type { WireOrder } from './wire.ts';

export interface OrderEntryOptions {
  readonly client: BitmartRestClient;
  readonly tracker: OrderTracker;
  readonly clock: Clock;
  readonly instrument: (symbol: string) => Instrument;
  /** The STP mode for orders that do not name one. */
  readonly defaultStp: () => StpMode;
}

/** A batch refused for one of these reasons is retried order by order, so one bad order cannot block the rest. */
const RETRY_SINGLY = new Set(['INSUFFICIENT_BALANCE', 'POST_ONLY_WOULD_CROSS', 'DUPLICATE_CLIENT_ORDER_ID', 'NOTIONAL_BELOW_MIN', 'QTY_BELOW_MIN', 'QTY_ABOVE_MAX', 'PRICE_OUT_OF_BAND', 'ORDER_REJECTED']);

export class OrderEntry {
  constructor(private readonly options: OrderEntryOptions) {}

  // ---------------------------------------------------------------- place

  async place(requests: readonly OrderRequest[]): Promise<PlaceResult[]> {
    const results: (PlaceResult | undefined)[] = new Array<PlaceResult | undefined>(requests.length);
    const bySymbol = new Map<string, { index: number; request: OrderRequest }[]>();
    requests.forEach((request, index) => {
      const refused = this.check(request);
      if (refused !== undefined) {
        results[index] = { ok: false, outcome: 'rejected', clientOrderId: request.clientOrderId, error: refused };
        return;
      }
      const group = bySymbol.get(request.symbol) ?? [];
      group.push({ index, request });
      bySymbol.set(request.symbol, group);
    });
    const work: Promise<void>[] = [];
    for (const group of bySymbol.values()) {
      for (let i = 0; i < group.length; i += MAX_BATCH) {
        const chunk = group.slice(i, i + MAX_BATCH);
        work.push(
          this.placeChunk(chunk.map((c) => c.request)).then((out) => {
            out.forEach((r, k) => (results[chunk[k]!.index] = r));
          }),
        );
      }
    }
    await Promise.all(work);
    return results.map((r, i) => r ?? unknown(requests[i]!.clientOrderId, new EngineError('INTERNAL', 'no result was produced for this order')));
  }

  /** Local checks; a refusal here means nothing was sent. */
  private check(request: OrderRequest): EngineError | undefined {
    try {
      const inst = this.options.instrument(request.symbol);
      if (!isValidClientOrderId(request.clientOrderId)) {
        throw new EngineError('INVALID_ARGUMENT', `client order id "${request.clientOrderId}" must be 1–32 letters or digits for BitMart`);
      }
      if (request.reduceOnly === true) throw new EngineError('INVALID_ARGUMENT', 'reduce-only applies to perpetuals; BitMart spot has no such flag');
      if (request.type === 'limit' && request.priceTicks === undefined) throw new EngineError('INVALID_ARGUMENT', 'a limit order needs a price');
      inst.validateOrder(request.type === 'limit' ? request.priceTicks : undefined, request.qtyLots);
      submitParams(request, inst, toBitmartStp(request.stpMode ?? this.options.defaultStp()));
      return undefined;
    } catch (error) {
      return toEngineError(error, 'INVALID_ARGUMENT');
    }
  }

  private async placeChunk(chunk: readonly OrderRequest[]): Promise<PlaceResult[]> {
    if (chunk.length === 1) return [await this.submitOne(chunk[0]!)];
    const first = chunk[0]!;
    const inst = this.options.instrument(first.symbol);
    let data: { code?: unknown; msg?: unknown; data?: { orderIds?: unknown } } | undefined;
    try {
      data = await this.options.client.call('order.batch', {
        symbol: first.symbol,
        orderParams: chunk.map((r) => batchOrderParam(r, inst, toBitmartStp(r.stpMode ?? this.options.defaultStp()))),
      });
    } catch (error) {
      const e = toEngineError(error, 'INTERNAL');
      const outcome = outcomeOf(e);
      if (outcome === 'rejected' && RETRY_SINGLY.has(e.code)) return this.placeSingly(chunk);
      return chunk.map((r) => (outcome === 'rejected' ? rejected(r.clientOrderId, e) : unknown(r.clientOrderId, e)));
    }
    // double-wrapped answer: the inner code must be 0 as well (catalogue §3.1, §8.13)
    const innerCode = data?.code;
    const ids = data?.data?.orderIds;
    if (innerCode !== undefined && Number(innerCode) !== 0) {
      const e = new EngineError('ORDER_REJECTED', `BitMart refused the batch: ${String(data?.msg ?? '')} (inner code ${String(innerCode)})`, { venueCode: String(innerCode) });
      return chunk.map((r) => rejected(r.clientOrderId, e));
    }
    if (!Array.isArray(ids) || ids.length !== chunk.length) {
      const e = new EngineError('UNKNOWN_OUTCOME', `BitMart answered the batch without one order id per order (${JSON.stringify(ids)}); query the orders by client id`);
      return chunk.map((r) => unknown(r.clientOrderId, e));
    }
    return chunk.map((r, i) => ({ ok: true, order: this.accepted(r, String(ids[i])) }));
  }

  private async placeSingly(chunk: readonly OrderRequest[]): Promise<PlaceResult[]> {
    const out: PlaceResult[] = [];
    for (const r of chunk) out.push(await this.submitOne(r, true));
    return out;
  }

  private async submitOne(request: OrderRequest, afterBatch = false): Promise<PlaceResult> {
    const inst = this.options.instrument(request.symbol);
    let data: { order_id?: unknown } | undefined;
    try {
      data = await this.options.client.call('order.submit', submitParams(request, inst, toBitmartStp(request.stpMode ?? this.options.defaultStp())));
    } catch (error) {
      const e = toEngineError(error, 'INTERNAL');
      if (outcomeOf(e) === 'unknown') return unknown(request.clientOrderId, e);
      if (afterBatch && e.code === 'DUPLICATE_CLIENT_ORDER_ID') return this.duplicateAfterBatch(request, e);
      return rejected(request.clientOrderId, e);
    }
    // "The request is successful only when order_id is returned" (catalogue §3.1)
    const orderId = data?.order_id;
    if ((typeof orderId !== 'string' && typeof orderId !== 'number') || String(orderId) === '') {
      return unknown(request.clientOrderId, new EngineError('UNKNOWN_OUTCOME', `BitMart answered the submit without an order_id (${JSON.stringify(data)}); query the order by client id`));
    }
    return { ok: true, order: this.accepted(request, String(orderId)) };
  }

  /**
   * A refused batch retried singly meets its own client id: if the venue placed part of the
   * batch after all, the order it holds is this one (same side, price and size), so report it.
   */
  private async duplicateAfterBatch(request: OrderRequest, error: EngineError): Promise<PlaceResult> {
    try {
      const raw = await this.options.client.call<WireOrder>('query.clientOrder', { clientOrderId: request.clientOrderId });
      const order = orderFromWire(raw, this.options.instrument(request.symbol));
      if (order.side === request.side && order.qtyLots === request.qtyLots && (request.type === 'market' || order.priceTicks === request.priceTicks)) return { ok: true, order };
    } catch {
      // fall through: report the duplicate as the venue said
    }
    return rejected(request.clientOrderId, error);
  }

  /** The acknowledged order; a push that already arrived (e.g. a system cancel) wins. */
  private accepted(request: OrderRequest, orderId: string): VenueOrder {
    const pushed = this.options.tracker.latest(orderId);
    if (pushed !== undefined) return pushed;
    const now = this.options.clock.now();
    return {
      symbol: request.symbol,
      clientOrderId: request.clientOrderId,
      venueOrderId: orderId,
      side: request.side,
      type: request.type,
      timeInForce: request.timeInForce,
      priceTicks: request.priceTicks ?? 0,
      qtyLots: request.qtyLots,
      filledLots: 0,
      status: 'open',
      reduceOnly: false,
      createdAt: now,
      updatedAt: now,
    };
  }

  // ---------------------------------------------------------------- cancel

  async cancel(requests: readonly CancelRequest[]): Promise<CancelResult[]> {
    const results: (CancelResult | undefined)[] = new Array<CancelResult | undefined>(requests.length);
    const groups = new Map<string, { index: number; request: CancelRequest }[]>();
    requests.forEach((request, index) => {
      try {
        this.options.instrument(request.symbol);
        if (request.venueOrderId === undefined && request.clientOrderId === undefined) {
          throw new EngineError('INVALID_ARGUMENT', 'a cancel needs a client order id or a venue order id');
        }
      } catch (error) {
        results[index] = { ok: false, outcome: 'rejected', error: toEngineError(error, 'INVALID_ARGUMENT') };
        return;
      }
      // one cancel_orders call takes one symbol and one kind of id
      const key = `${request.symbol}|${request.venueOrderId !== undefined ? 'o' : 'c'}`;
      const group = groups.get(key) ?? [];
      group.push({ index, request });
      groups.set(key, group);
    });
    const work: Promise<void>[] = [];
    for (const group of groups.values()) {
      for (let i = 0; i < group.length; i += MAX_BATCH) {
        const chunk = group.slice(i, i + MAX_BATCH);
        work.push(
          this.cancelChunk(chunk.map((c) => c.request)).then((out) => {
            out.forEach((r, k) => (results[chunk[k]!.index] = r));
          }),
        );
      }
    }
    await Promise.all(work);
    return results.map((r) => r ?? { ok: false, outcome: 'unknown', error: new EngineError('INTERNAL', 'no result was produced for this cancel') });
  }

  private async cancelChunk(chunk: readonly CancelRequest[]): Promise<CancelResult[]> {
    for (const r of chunk) this.options.tracker.noteCancel(r.symbol, r);
    if (chunk.length === 1) return [await this.cancelOne(chunk[0]!)];
    const symbol = chunk[0]!.symbol;
    const byOrderId = chunk[0]!.venueOrderId !== undefined;
    const ids = chunk.map((r) => (byOrderId ? r.venueOrderId! : r.clientOrderId!));
    let data: { successIds?: unknown; failIds?: unknown } | undefined;
    try {
      data = await this.options.client.call('order.cancelBatch', byOrderId ? { symbol, orderIds: ids } : { symbol, clientOrderIds: ids });
    } catch (error) {
      const e = toEngineError(error, 'INTERNAL');
      const outcome = outcomeOf(e);
      return chunk.map(() => ({ ok: false, outcome, error: e }));
    }
    const succeeded = new Set(Array.isArray(data?.successIds) ? data.successIds.map(String) : []);
    const failed = new Set(Array.isArray(data?.failIds) ? data.failIds.map(String) : []);
    return ids.map((id): CancelResult => {
      if (succeeded.has(id)) return { ok: true };
      if (failed.has(id)) {
        return { ok: false, outcome: 'rejected', error: new EngineError('ORDER_NOT_FOUND', `BitMart did not cancel order ${id}: it is unknown or already filled or cancelled`, { details: { id } }) };
      }
      return { ok: false, outcome: 'unknown', error: new EngineError('UNKNOWN_OUTCOME', `BitMart's answer does not mention order ${id}; query it before acting again`) };
    });
  }

  private async cancelOne(request: CancelRequest): Promise<CancelResult> {
    const params = request.venueOrderId !== undefined ? { symbol: request.symbol, order_id: request.venueOrderId } : { symbol: request.symbol, client_order_id: request.clientOrderId };
    let data: { result?: unknown } | undefined;
    try {
      data = await this.options.client.call('order.cancel', params);
    } catch (error) {
      const e = toEngineError(error, 'INTERNAL');
      return { ok: false, outcome: outcomeOf(e), error: e };
    }
    if (data?.result === true) return { ok: true };
    // result false: the order was already matched or cancelled (catalogue §8.12)
    return {
      ok: false,
      outcome: 'rejected',
      error: new EngineError('ORDER_NOT_FOUND', `BitMart did not cancel ${request.clientOrderId ?? request.venueOrderId ?? ''}: it is already filled or cancelled`, {
        details: { ...request },
      }),
    };
  }
}

/** Only a refusal the venue proved is 'rejected'. */
export function outcomeOf(error: EngineError): 'rejected' | 'unknown' {
  if (error.code === 'UNKNOWN_OUTCOME' || error.code === 'TIMEOUT' || error.code === 'VENUE_UNAVAILABLE' || error.code === 'INTERNAL') return 'unknown';
  return isAmbiguousFailure(error.venueCode, undefined) ? 'unknown' : 'rejected';
}

function rejected(clientOrderId: string, error: EngineError): PlaceResult {
  return { ok: false, outcome: 'rejected', clientOrderId, error };
}

function unknown(clientOrderId: string, error: EngineError): PlaceResult {
  const e =
    error.code === 'UNKNOWN_OUTCOME'
      ? error
      : new EngineError('UNKNOWN_OUTCOME', `${error.message}; the order may or may not exist at BitMart: query it by client id before acting again`, {
          cause: error,
          ...(error.venueCode === undefined ? {} : { venueCode: error.venueCode }),
        });
  return { ok: false, outcome: 'unknown', clientOrderId, error: e };
}
