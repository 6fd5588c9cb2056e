// Turns the bot's decisions into venue requests, safely:
//   risk gate → register (pending_new) → persist the intent → send → apply the outcome.
// A proven rejection is 'rejected'; an ambiguous one is 'unknown' and is resolved later by
// asking the venue (in-flight checks), never by sending the order again.
// Venue errors feed the API-error breaker once per failed request (a batch is one request), and an
// ambiguous placement counts only once the venue proves an order of it was not placed.
import { isEngineError } from '@mm/core';
import type { ClientIdGenerator, Clock, EngineError, Fill, Instrument, OrderEvent, OrderRecord, OrderRequest, Side, StpMode, TimeInForce, VenueOrder } from '@mm/core';
import type { VenueAdapter } from '@mm/exchange';
import type { RiskDenial, RiskVerdict } from '@mm/risk';
import type { BotJournal, OrderTag } from './journal.ts';
import type { ApplyOutcome, OrderManager } from './order-manager.ts';
import type { LogLevel } from './events.ts';

export interface OrderIntent {
  readonly side: Side;
  readonly priceTicks: number;
  readonly qtyLots: number;
  readonly timeInForce: TimeInForce;
  readonly tag: OrderTag;
  readonly reduceOnly?: boolean;
}

export interface ExecutorHooks {
  /** The pre-trade gate; called for every new order just before it would be sent. */
  check(request: OrderRequest): RiskVerdict;
  denied(denial: RiskDenial): void;
  orderChanged(order: OrderRecord, tag: OrderTag): void;
  /** A fill discovered by a check (REST), to be handled like a streamed one. */
  fillFound(fill: Fill): void;
  rejected(error: EngineError): void;
  apiError(error: EngineError): void;
  /** Persisting an intent failed: no new orders until storage is back. */
  storageFailed(error: unknown): void;
  log(level: LogLevel, message: string, details?: Readonly<Record<string, unknown>>): void;
}

export interface ExecutorOptions {
  readonly botId: string;
  readonly clock: Clock;
  readonly adapter: VenueAdapter;
  readonly instrument: Instrument;
  readonly orders: OrderManager;
  readonly ids: ClientIdGenerator;
  readonly journal: BotJournal;
  readonly hooks: ExecutorHooks;
  /** Per-order self-trade prevention mode sent with every order, where the venue supports it. */
  readonly stpMode: StpMode | undefined;
  /** How long an unanswered request waits before the venue is asked about it. */
  readonly checkAfterMs?: number;
  /** Times the venue must fail to find an order before we conclude it does not exist. */
  readonly notFoundLimit?: number;
}

/** Errors after which a request may have reached the venue. */
const AMBIGUOUS = new Set(['UNKNOWN_OUTCOME', 'TIMEOUT', 'VENUE_UNAVAILABLE']);

/**
 * One placement request whose answer was ambiguous, with the orders it carried that are still in
 * doubt. It counts as one venue error when the first of them is proved not placed, and not at all
 * when the venue turns out to have every one. Counting it provisionally and withdrawing it later
 * would not do: the breaker is evaluated on a timer and holds once tripped, so a burst of 503s
 * whose orders were all placed would still stop quoting before the checks could withdraw them.
 * A venue that is really down is still caught: the checks that follow fail, one error each.
 */
interface AmbiguousRequest {
  readonly error: EngineError;
  readonly inDoubt: Set<string>;
  /** The request's one error has been counted (at resolution, or already for a retryable refusal in it). */
  counted: boolean;
}

export class Executor {
  private readonly o: ExecutorOptions;
  private readonly checkAfterMs: number;
  private readonly notFoundLimit: number;
  private checking = false;
  /** False while the bot is stopping or paused: nothing new may leave, whoever asks. */
  private accepting = true;
  /** Placement calls whose answer has not come back; the final cancel must wait for them. */
  private readonly placing = new Set<Promise<unknown>>();
  /** Client ids of orders whose placement request has no answer yet → whether a cancel waits for that answer. */
  private readonly awaitingAnswer = new Map<string, boolean>();
  /** Client ids of orders in doubt after an ambiguous placement answer → that request. */
  private readonly ambiguous = new Map<string, AmbiguousRequest>();
  /** Times of orders sent in the last minute, for the order-rate rule. */
  private readonly sentTimes: number[] = [];
  /** Venue calls made, for throughput figures. */
  readonly requests = { place: 0, cancel: 0 };

  constructor(options: ExecutorOptions) {
    this.o = options;
    this.checkAfterMs = options.checkAfterMs ?? 5_000;
    this.notFoundLimit = options.notFoundLimit ?? 3;
  }

  ordersLastMinute(now: number): number {
    while (this.sentTimes.length > 0 && this.sentTimes[0]! <= now - 60_000) this.sentTimes.shift();
    return this.sentTimes.length;
  }

  /**
   * Refuses every new order from now on and resolves once each placement already on its way has
   * its answer. A stop or pause calls this before cancelling: an order still in flight would
   * otherwise reach the venue after the cancels and rest there unwatched.
   */
  async closeEntry(): Promise<void> {
    this.accepting = false;
    await this.placementsAnswered();
  }

  /** Resolves once every placement sent so far has its answer (accepted, rejected or unknown). */
  async placementsAnswered(): Promise<void> {
    while (this.placing.size > 0) await Promise.allSettled([...this.placing]);
  }

  /** Takes new orders again (start, resume). */
  openEntry(): void {
    this.accepting = true;
  }

  /** Places orders (each through the risk gate); returns the records that were sent. */
  async place(intents: readonly OrderIntent[]): Promise<OrderRecord[]> {
    if (!this.accepting) {
      if (intents.length > 0) this.o.hooks.log('debug', `${intents.length} order(s) not placed: order entry is closed (stopping or paused)`);
      return [];
    }
    const placing = this.send(intents);
    this.placing.add(placing);
    try {
      return await placing;
    } finally {
      this.placing.delete(placing);
    }
  }

  private async send(intents: readonly OrderIntent[]): Promise<OrderRecord[]> {
    const { clock, orders, instrument, hooks } = this.o;
    const accepted: { record: OrderRecord; tag: OrderTag; request: OrderRequest }[] = [];
    for (const intent of intents) {
      const request: OrderRequest = {
        clientOrderId: this.o.ids.next(),
        symbol: instrument.symbol,
        side: intent.side,
        type: 'limit',
        timeInForce: intent.timeInForce,
        priceTicks: intent.priceTicks,
        qtyLots: intent.qtyLots,
        ...(intent.reduceOnly ? { reduceOnly: true } : {}),
        ...(this.o.stpMode === undefined ? {} : { stpMode: this.o.stpMode }),
      };
      const verdict = hooks.check(request);
      if (!verdict.allow) {
        hooks.denied(verdict.denial);
        continue;
      }
      const record = orders.register(
        {
          clientOrderId: request.clientOrderId,
          symbol: request.symbol,
          side: request.side,
          type: 'limit',
          timeInForce: request.timeInForce,
          priceTicks: intent.priceTicks,
          qtyLots: intent.qtyLots,
          reduceOnly: intent.reduceOnly ?? false,
        },
        intent.tag,
        clock.now(),
      );
      this.sentTimes.push(clock.now());
      accepted.push({ record, tag: intent.tag, request });
    }
    if (accepted.length === 0) return [];

    const ids = accepted.map((a) => a.record.clientOrderId);
    for (const id of ids) this.awaitingAnswer.set(id, false);
    let sent: boolean;
    const late: string[] = [];
    try {
      sent = await this.persistAndSend(accepted);
    } finally {
      for (const id of ids) {
        if (this.awaitingAnswer.get(id) === true) late.push(id);
        this.awaitingAnswer.delete(id);
      }
    }
    // cancels asked for while the request was on its way go out now that the venue has answered
    if (late.length > 0) await this.cancel(late, 'cancel requested while the order was on its way');
    return sent ? accepted.map((a) => a.record) : [];
  }

  /** Stores the intents, then sends them; false when storage refused and nothing was sent. */
  private async persistAndSend(accepted: readonly { record: OrderRecord; tag: OrderTag; request: OrderRequest }[]): Promise<boolean> {
    const { orders, hooks } = this.o;
    // nothing leaves the process before its intent is stored
    try {
      await Promise.all(accepted.map((a) => this.o.journal.recordIntent(this.o.botId, a.record, a.tag)));
    } catch (error) {
      for (const a of accepted) this.applyEvent(a.record.clientOrderId, { type: 'rejected', reason: 'not sent: the order journal is unavailable' });
      hooks.storageFailed(error);
      return false;
    }
    for (const a of accepted) hooks.orderChanged(orders.get(a.record.clientOrderId)!.record, a.tag);
    await this.sendPlacements(accepted);
    return true;
  }

  /** Sends the placements in batches of the venue's size, one request each, one after the other. */
  private async sendPlacements(accepted: readonly { record: OrderRecord; request: OrderRequest }[]): Promise<void> {
    const size = Math.max(1, this.o.adapter.capabilities.maxBatchPlace);
    for (let i = 0; i < accepted.length; i += size) await this.sendBatch(accepted.slice(i, i + size));
  }

  private async sendBatch(batch: readonly { record: OrderRecord; request: OrderRequest }[]): Promise<void> {
    const { hooks } = this.o;
    let results;
    try {
      this.requests.place++;
      results = await this.o.adapter.placeOrders(batch.map((a) => a.request));
    } catch (error) {
      const e = error as EngineError;
      const ambiguous = !isEngineError(error) || AMBIGUOUS.has(e.code);
      if (!ambiguous) hooks.apiError(e);
      for (const a of batch) {
        this.applyEvent(a.record.clientOrderId, ambiguous ? { type: 'outcome_unknown', reason: e.message } : { type: 'rejected', reason: e.message });
      }
      if (ambiguous) this.holdInDoubt(batch.map((a) => a.record.clientOrderId), e, false);
      return;
    }
    // whatever each order's answer, this was one request: at most one error for it
    let refusal: EngineError | undefined;
    let doubt: EngineError | undefined;
    const unknown: string[] = [];
    results.forEach((result, i) => {
      const id = batch[i]!.record.clientOrderId;
      if (result.ok) {
        this.applyVenue(result.order);
      } else if (result.outcome === 'unknown') {
        doubt ??= result.error;
        unknown.push(id);
        this.applyEvent(id, { type: 'outcome_unknown', reason: result.error.message });
      } else {
        hooks.rejected(result.error);
        if (result.error.retryable) refusal ??= result.error;
        this.applyEvent(id, { type: 'rejected', reason: `${result.error.code}: ${result.error.message}` });
      }
    });
    if (refusal !== undefined) hooks.apiError(refusal);
    if (doubt !== undefined) this.holdInDoubt(unknown, doubt, refusal !== undefined);
  }

  /** Remembers the orders of an ambiguous request that are still unknown; their error waits for proof. */
  private holdInDoubt(clientOrderIds: readonly string[], error: EngineError, counted: boolean): void {
    // an order the stream reported while the answer was on its way is proved placed already
    const inDoubt = clientOrderIds.filter((id) => this.o.orders.get(id)?.record.status === 'unknown');
    if (inDoubt.length === 0) return;
    const request: AmbiguousRequest = { error, inDoubt: new Set(inDoubt), counted };
    for (const id of inDoubt) this.ambiguous.set(id, request);
    this.o.hooks.log('warn', `ambiguous venue answer for ${inDoubt.length} order(s), asking the venue before counting it as an error: ${error.code}: ${error.message}`);
  }

  /** The venue proved an order of an ambiguous request placed (or not): settles that request's error. */
  private settleDoubt(clientOrderId: string, placed: boolean): void {
    const request = this.ambiguous.get(clientOrderId);
    if (request === undefined) return;
    this.ambiguous.delete(clientOrderId);
    request.inDoubt.delete(clientOrderId);
    if (placed || request.counted) return;
    request.counted = true;
    this.o.hooks.apiError(request.error);
  }

  /** Cancels our orders by client id. Orders already finished or being cancelled are skipped. */
  async cancel(clientOrderIds: readonly string[], reason: string): Promise<void> {
    const { orders, instrument, hooks } = this.o;
    const targets: string[] = [];
    for (const id of clientOrderIds) {
      const managed = orders.get(id);
      if (managed === undefined) continue;
      const s = managed.record.status;
      if (s === 'pending_cancel' || s === 'filled' || s === 'canceled' || s === 'rejected' || s === 'expired') continue;
      if (this.awaitingAnswer.has(id)) {
        // a cancel now would overtake the order and find nothing; it follows the venue's answer
        this.awaitingAnswer.set(id, true);
        continue;
      }
      const r = this.applyEvent(id, { type: 'cancel_requested' });
      if (r.ok) targets.push(id);
    }
    if (targets.length === 0) return;
    hooks.log('debug', `cancelling ${targets.length} order(s): ${reason}`);
    const batches: string[][] = [];
    const size = Math.max(1, this.o.adapter.capabilities.maxBatchCancel);
    for (let i = 0; i < targets.length; i += size) batches.push(targets.slice(i, i + size));
    for (const batch of batches) {
      let results;
      try {
        this.requests.cancel++;
        results = await this.o.adapter.cancelOrders(batch.map((clientOrderId) => ({ symbol: instrument.symbol, clientOrderId })));
      } catch (error) {
        // the cancels may or may not have arrived; the in-flight check will find out
        hooks.apiError(error as EngineError);
        continue;
      }
      // one request, so at most one error for it, however many of its cancels failed
      let failure: EngineError | undefined;
      for (let i = 0; i < results.length; i++) {
        const result = results[i]!;
        const id = batch[i]!;
        if (result.ok) {
          if (result.order !== undefined) this.applyVenue(result.order);
          else {
            this.settleDoubt(id, true);
            this.applyEvent(id, { type: 'canceled' });
          }
        } else if (result.outcome === 'rejected' && result.error.code === 'ORDER_NOT_FOUND') {
          // gone already: filled, cancelled by the venue, or never placed; ask what happened
          await this.check(id);
        } else if (result.outcome === 'rejected') {
          this.applyEvent(id, { type: 'cancel_rejected', reason: result.error.message });
          failure ??= result.error;
        } else {
          failure ??= result.error;
        }
      }
      if (failure !== undefined) hooks.apiError(failure);
    }
  }

  /** Resolves orders whose state is unproven by asking the venue (at most `limit` per call). */
  async checkPending(limit = 10): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      const due = this.o.orders.needingCheck(this.o.clock.now(), this.checkAfterMs).slice(0, limit);
      for (const managed of due) await this.check(managed.record.clientOrderId);
      this.forgetSettledDoubts();
    } finally {
      this.checking = false;
    }
  }

  /** Drops doubts about orders that ended without the venue's word (e.g. a refused cancel made one resting). */
  private forgetSettledDoubts(): void {
    for (const id of this.ambiguous.keys()) {
      const s = this.o.orders.get(id)?.record.status;
      if (s !== 'unknown' && s !== 'pending_cancel' && s !== 'pending_new') this.settleDoubt(id, true);
    }
  }

  /** Asks the venue about one order and applies what it says. */
  async check(clientOrderId: string): Promise<void> {
    const { orders, clock, instrument, hooks } = this.o;
    const managed = orders.get(clientOrderId);
    if (managed === undefined) return;
    orders.markChecked(clientOrderId, clock.now());
    let report: VenueOrder | null;
    try {
      report = await this.o.adapter.queryOrder({ symbol: instrument.symbol, clientOrderId });
    } catch (error) {
      hooks.apiError(error as EngineError);
      return;
    }
    if (report === null) {
      const misses = orders.recordNotFound(clientOrderId, clock.now());
      if (misses < this.notFoundLimit) return;
      const s = orders.get(clientOrderId)!.record.status;
      // the venue never had it (or lost it): an ambiguous placement of it failed after all
      this.settleDoubt(clientOrderId, false);
      if (s === 'pending_new' || s === 'unknown') {
        this.applyEvent(clientOrderId, { type: 'rejected', reason: `the venue has no such order after ${misses} checks` });
      } else if (s !== 'filled' && s !== 'canceled' && s !== 'rejected' && s !== 'expired') {
        // it cannot trade any more; kept in the books so a late fill is still applied
        this.applyEvent(clientOrderId, { type: 'canceled', reason: 'lost: the venue no longer knows the order' });
      }
      return;
    }
    this.applyVenue(report);
    const record = orders.get(clientOrderId)!.record;
    if (report.filledLots > record.filledLots) await this.fetchFillsFor(record);
  }

  /** Fetches fills from REST for an order whose fills we have not all received. */
  private async fetchFillsFor(record: OrderRecord): Promise<void> {
    try {
      const fills = await this.o.adapter.fills({ symbol: record.symbol, since: record.createdAt - 60_000 });
      for (const fill of fills) if (fill.clientOrderId === record.clientOrderId) this.o.hooks.fillFound(fill);
    } catch (error) {
      this.o.hooks.apiError(error as EngineError);
    }
  }

  applyVenue(report: VenueOrder): ApplyOutcome {
    // the venue reports the order: it was placed, whatever the placement's answer said
    this.settleDoubt(report.clientOrderId, report.status !== 'rejected');
    const result = this.o.orders.applyVenueOrder(report, this.o.clock.now());
    this.report(result, report.clientOrderId);
    return result;
  }

  applyEvent(clientOrderId: string, event: OrderEvent): ApplyOutcome {
    if (event.type === 'fill') this.settleDoubt(clientOrderId, true);
    const result = this.o.orders.apply(clientOrderId, event, this.o.clock.now());
    this.report(result, clientOrderId);
    return result;
  }

  private report(result: ApplyOutcome, clientOrderId: string): void {
    if (!result.ok) {
      this.o.hooks.log('warn', `ignored an order update that the order state machine does not allow: ${result.error.message}`, { clientOrderId });
      return;
    }
    if (result.change !== undefined) this.o.hooks.orderChanged(result.change.order, result.change.tag);
  }
}
