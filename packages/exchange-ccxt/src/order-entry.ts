// Order entry through ccxt: local checks first (a refusal we can prove costs no request), then
// createOrder — or createOrders in chunks where ccxt has a spot batch for the venue — with our
// client id, post-only and STP as the venue wants them (profiles.ts). Every submit runs inside
// the fee guard's submit context, so a client id ccxt invented would be refused on the wire.
import { EngineError, isValidClientOrderId, outcomeError } from '@mm/core';
import type { CancelRequest, Clock, Instrument, OrderRequest, StpMode } from '@mm/core';
import type { CancelResult, PlaceResult, Priority } from '@mm/exchange';
import type { CcxtExchange, CcxtOrder, CcxtOrderSpec } from './ccxt-types.ts';
import { orderFromCcxt } from './convert.ts';
import { BatchEntryRefused, classify, errorChain } from './errors.ts';
import type { ExchangeHooks } from './exchange-hooks.ts';
import type { OrderTracker } from './order-tracker.ts';
import type { VenueProfile } from './profiles.ts';

export interface OrderEntryDeps {
  readonly ex: CcxtExchange;
  readonly hooks: ExchangeHooks;
  readonly tracker: OrderTracker;
  readonly profile: VenueProfile;
  readonly venue: string;
  readonly clock: Clock;
  readonly instrument: (symbol: string) => Instrument;
  readonly call: <T>(priority: Priority, fn: () => Promise<T>) => Promise<T>;
  readonly batchMax: () => number;
  readonly maxClientIdLength: () => number;
  readonly defaultStp: () => StpMode;
  /** The venue's client id for `order`, prefix stripped ('' when none). */
  readonly clientIdOf: (order: CcxtOrder) => string;
}

interface Prepared {
  readonly index: number;
  readonly request: OrderRequest;
  readonly inst: Instrument;
  readonly spec: CcxtOrderSpec;
}

function refused(request: OrderRequest, error: unknown): PlaceResult {
  const e = error instanceof EngineError ? error : new EngineError('INVALID_ARGUMENT', String(error));
  return { ok: false, outcome: 'rejected', clientOrderId: request.clientOrderId, error: e };
}

export class OrderEntry {
  constructor(private readonly d: OrderEntryDeps) {}

  async place(requests: readonly OrderRequest[]): Promise<PlaceResult[]> {
    const results: PlaceResult[] = new Array<PlaceResult>(requests.length);
    const ready: Prepared[] = [];
    requests.forEach((request, index) => {
      try {
        ready.push(this.prepare(index, request));
      } catch (error) {
        results[index] = refused(request, error);
      }
    });
    const batchMax = this.d.batchMax();
    const work: Promise<void>[] = [];
    if (batchMax > 1) {
      // consecutive orders of one symbol share a batch (venues want one symbol per batch)
      let chunk: Prepared[] = [];
      const flush = (): void => {
        if (chunk.length === 0) return;
        const items = chunk;
        chunk = [];
        work.push(items.length === 1 ? this.placeOne(items[0]!, results) : this.placeBatch(items, results));
      };
      for (const p of ready) {
        if (chunk.length > 0 && (chunk[0]!.inst.symbol !== p.inst.symbol || chunk.length >= batchMax)) flush();
        chunk.push(p);
      }
      flush();
    } else {
      // one request per order; ccxt's throttle spaces them
      for (const p of ready) work.push(this.placeOne(p, results));
    }
    await Promise.all(work);
    return results;
  }

  async cancel(requests: readonly CancelRequest[]): Promise<CancelResult[]> {
    return Promise.all(requests.map((r) => this.cancelOne(r)));
  }

  private prepare(index: number, request: OrderRequest): Prepared {
    const inst = this.d.instrument(request.symbol);
    const max = this.d.maxClientIdLength();
    if (request.clientOrderId.length > max || !isValidClientOrderId(request.clientOrderId)) {
      throw outcomeError('INVALID_ARGUMENT', `${this.d.venue}: client order id "${request.clientOrderId}" must be 1–${max} letters or digits`);
    }
    if (request.type !== 'limit') {
      throw outcomeError('NOT_SUPPORTED', `${this.d.venue}: only limit orders are sent through ccxt; use an IOC limit order instead of a market order`);
    }
    if (request.priceTicks === undefined) throw outcomeError('INVALID_ARGUMENT', `${this.d.venue}: a limit order needs a price`);
    if (request.reduceOnly === true) throw outcomeError('NOT_SUPPORTED', `${this.d.venue}: reduce-only applies to perpetuals; this is a spot market`);
    inst.validateOrder(request.priceTicks, request.qtyLots);
    const params: Record<string, unknown> = { clientOrderId: request.clientOrderId };
    switch (request.timeInForce) {
      case 'POST_ONLY':
        Object.assign(params, this.d.profile.postOnlyParams);
        break;
      case 'IOC':
      case 'FOK':
        params['timeInForce'] = request.timeInForce;
        break;
      case 'GTC':
        break;
    }
    const stp = request.stpMode ?? this.d.defaultStp();
    if (stp !== 'none') Object.assign(params, this.d.profile.stp[stp] ?? {});
    return {
      index,
      request,
      inst,
      spec: { symbol: inst.symbol, type: 'limit', side: request.side, amount: inst.lotsToQty(request.qtyLots), price: inst.ticksToPrice(request.priceTicks), params },
    };
  }

  private accepted(p: Prepared, raw: CcxtOrder): PlaceResult {
    const now = this.d.clock.now();
    const order = orderFromCcxt(raw, p.inst, {
      clientOrderId: p.request.clientOrderId,
      now,
      request: { side: p.request.side, priceTicks: p.request.priceTicks!, qtyLots: p.request.qtyLots, timeInForce: p.request.timeInForce },
    });
    this.d.tracker.bind(order.clientOrderId, order.symbol, order.venueOrderId);
    this.d.tracker.onOrder(order);
    return { ok: true, order };
  }

  private failed(p: Prepared, error: unknown): PlaceResult {
    const c = classify(error, 'submit', this.d.venue);
    if (c.outcome === 'rejected') this.d.tracker.forget(p.request.clientOrderId);
    return { ok: false, outcome: c.outcome, clientOrderId: p.request.clientOrderId, error: c.error };
  }

  private async placeOne(p: Prepared, results: PlaceResult[]): Promise<void> {
    const { spec } = p;
    this.d.tracker.register(p.request.clientOrderId, spec.symbol);
    try {
      const raw = await this.d.call('high', () =>
        this.d.hooks.inSubmit(new Set([p.request.clientOrderId]), () => this.d.ex.createOrder(spec.symbol, spec.type, spec.side, spec.amount, spec.price, spec.params)),
      );
      results[p.index] = this.accepted(p, raw);
    } catch (error) {
      results[p.index] = this.failed(p, error);
    }
  }

  private async placeBatch(items: readonly Prepared[], results: PlaceResult[]): Promise<void> {
    for (const p of items) this.d.tracker.register(p.request.clientOrderId, p.spec.symbol);
    let answers: CcxtOrder[];
    try {
      answers = await this.d.call('high', () =>
        this.d.hooks.inSubmit(new Set(items.map((p) => p.request.clientOrderId)), () => this.d.ex.createOrders(items.map((p) => p.spec))),
      );
    } catch (error) {
      for (const p of items) results[p.index] = this.failed(p, error);
      return;
    }
    items.forEach((p, i) => {
      const raw = answers[i];
      if (raw === undefined || raw === null) {
        // the venue answered for fewer orders than sent: the missing ones cannot be proven refused
        results[p.index] = this.failed(p, new EngineError('UNKNOWN_OUTCOME', `${this.d.venue}: the batch answer has no entry for order ${i + 1}`));
      } else if (raw.status === 'rejected' || raw.id === undefined || raw.id === null || raw.id === '') {
        results[p.index] = this.failed(p, batchItemError(raw));
      } else {
        results[p.index] = this.accepted(p, raw);
      }
    });
  }

  private async cancelOne(r: CancelRequest): Promise<CancelResult> {
    let inst: Instrument;
    try {
      inst = this.d.instrument(r.symbol);
    } catch (error) {
      return { ok: false, outcome: 'rejected', error: error as EngineError };
    }
    const clientId = r.clientOrderId;
    const venueId = r.venueOrderId ?? (clientId === undefined ? undefined : this.d.tracker.venueIdOf(clientId));
    if (venueId === undefined && clientId === undefined) {
      return { ok: false, outcome: 'rejected', error: outcomeError('INVALID_ARGUMENT', `${this.d.venue}: a cancel needs a client order id or a venue order id`) };
    }
    const send = (id: string | undefined): Promise<CcxtOrder> =>
      this.d.call('critical', () => (id !== undefined ? this.d.ex.cancelOrder(id, inst.symbol) : this.d.ex.cancelOrder(undefined, inst.symbol, { clientOrderId: clientId })));
    try {
      let raw: CcxtOrder;
      try {
        raw = await send(venueId);
      } catch (error) {
        // a venue that cancels by venue id only: find the id first
        const chain = errorChain(error);
        if (venueId !== undefined || !(chain.has('ArgumentsRequired') || chain.has('NotSupported'))) throw error;
        const found = await this.d.call('critical', () => this.d.ex.fetchOrder(undefined, inst.symbol, { clientOrderId: clientId }));
        raw = await send(String(found.id));
      }
      if (raw?.id === undefined || raw.id === null || raw.id === '') return { ok: true };
      const converted = orderFromCcxt(raw, inst, { clientOrderId: clientId ?? this.d.clientIdOf(raw), now: this.d.clock.now() });
      // the venue confirmed the cancel even when its answer carries no final status
      const order = converted.status === 'open' || converted.status === 'partially_filled' ? { ...converted, status: 'canceled' as const } : converted;
      this.d.tracker.onOrder(order);
      return { ok: true, order };
    } catch (error) {
      const c = classify(error, 'cancel', this.d.venue);
      return { ok: false, outcome: c.outcome, error: c.error };
    }
  }
}

/** A refused batch entry: ccxt keeps the venue's answer in `info`. */
function batchItemError(raw: CcxtOrder): Error {
  const info = raw.info;
  return new BatchEntryRefused(`batch entry refused: ${typeof info === 'string' ? info : JSON.stringify(info ?? {})}`);
}
