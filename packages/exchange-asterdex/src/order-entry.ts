// Order requests to venue parameters, and venue answers to per-order results. Local checks
// (symbol, client id, tick and lot grid, minimums) refuse an order before anything is sent,
// which is a proven rejection. A transport failure after sending is 'unknown'.
import { EngineError } from '@mm/core';
import type { Instrument, OrderRequest, StpMode, VenueOrder } from '@mm/core';
import type { PlaceResult } from '@mm/exchange';
import type { VenueStpMode } from './api.ts';
import { fromSide, fromTimeInForce, toVenueOrder } from './convert.ts';
import { venueError } from './errors.ts';
import type { Outcome } from './errors.ts';
import { isErrorItem } from './wire.ts';
import type { OrderJson } from './wire.ts';

/** Asterdex accepts up to 36 of these; the engine's ids (alphanumeric, ≤ 32) always fit. */
const CLIENT_ID = /^[.A-Z:/a-z0-9_-]{1,36}$/;

const STP: Readonly<Record<Exclude<StpMode, 'none'>, VenueStpMode>> = {
  expire_taker: 'EXPIRE_TAKER',
  expire_maker: 'EXPIRE_MAKER',
  expire_both: 'EXPIRE_BOTH',
};

export function venueStpMode(mode: StpMode): VenueStpMode | undefined {
  return mode === 'none' ? undefined : STP[mode];
}

export interface OrderParamOptions {
  readonly perp: boolean;
  /** V3 futures take a per-order stpMode. */
  readonly perOrderStp: boolean;
}

/** Checks a request against the instrument; throws the typed EngineError of the first broken rule. */
export function checkRequest(inst: Instrument | undefined, request: OrderRequest, perp: boolean): Instrument {
  if (inst === undefined) {
    throw new EngineError('UNKNOWN_SYMBOL', `${request.symbol} is not a ${perp ? 'perpetual' : 'spot'} market on Asterdex (or instruments are not loaded)`, {
      details: { symbol: request.symbol },
    });
  }
  if (!CLIENT_ID.test(request.clientOrderId)) {
    throw new EngineError('INVALID_ARGUMENT', `client order id "${request.clientOrderId}" must be 1–36 characters of letters, digits and . : / _ -`);
  }
  if (request.type === 'limit' && request.priceTicks === undefined) throw new EngineError('INVALID_ARGUMENT', `${request.clientOrderId}: a limit order needs a price`);
  if (request.reduceOnly === true && !perp) throw new EngineError('INVALID_ARGUMENT', 'reduce-only applies to perpetual markets only');
  inst.validateOrder(request.type === 'limit' ? request.priceTicks : undefined, request.qtyLots);
  return inst;
}

/** Parameters of one new order, in a stable order (the signature covers the exact text). */
export function orderParams(inst: Instrument, request: OrderRequest, options: OrderParamOptions): Record<string, string> {
  const params: Record<string, string> = {
    symbol: request.symbol,
    side: fromSide(request.side),
    type: request.type === 'limit' ? 'LIMIT' : 'MARKET',
  };
  // market orders take no time in force on Asterdex
  if (request.type === 'limit') params['timeInForce'] = fromTimeInForce(request.timeInForce);
  params['quantity'] = inst.lotsToQty(request.qtyLots);
  if (request.type === 'limit') params['price'] = inst.ticksToPrice(request.priceTicks!);
  params['newClientOrderId'] = request.clientOrderId;
  if (options.perp && request.reduceOnly === true) params['reduceOnly'] = 'true';
  if (options.perOrderStp && request.stpMode !== undefined) {
    const stp = venueStpMode(request.stpMode);
    if (stp !== undefined) params['stpMode'] = stp;
  }
  params['newOrderRespType'] = 'RESULT';
  return params;
}

export function outcomeOf(error: EngineError): Outcome {
  return error.code === 'UNKNOWN_OUTCOME' ? 'unknown' : 'rejected';
}

/** A cancel or amend that failed: 'unknown' only when the venue may have acted on it. */
export function changeFailed(error: unknown): { readonly ok: false; readonly outcome: Outcome; readonly error: EngineError } {
  const e = error instanceof EngineError ? error : new EngineError('INTERNAL', String(error));
  return { ok: false, outcome: outcomeOf(e), error: e };
}

export function failed(request: OrderRequest, error: unknown): PlaceResult {
  const e = error instanceof EngineError ? error : new EngineError('INTERNAL', error instanceof Error ? error.message : String(error), { cause: error });
  return { ok: false, outcome: outcomeOf(e), clientOrderId: request.clientOrderId, error: e };
}

/** A placed order's answer. A post-only order that the venue took and expired at once did cross. */
export function placed(inst: Instrument, request: OrderRequest, json: OrderJson, now: number): PlaceResult {
  const order: VenueOrder = toVenueOrder(inst, json, now);
  if (request.timeInForce === 'POST_ONLY' && order.status === 'expired' && order.filledLots === 0) {
    return {
      ok: false,
      outcome: 'rejected',
      clientOrderId: request.clientOrderId,
      error: new EngineError('POST_ONLY_WOULD_CROSS', `post-only ${request.side} ${request.clientOrderId} at ${inst.ticksToPrice(request.priceTicks ?? 0)} would have taken liquidity; the venue expired it`, {
        details: { clientOrderId: request.clientOrderId, venueOrderId: order.venueOrderId },
      }),
    };
  }
  return { ok: true, order };
}

/** One element of a batch answer. */
export function batchItem(inst: Instrument, request: OrderRequest, item: unknown, now: number, action: string): PlaceResult {
  if (isErrorItem(item)) {
    const { outcome, error } = venueError(item.code, item.msg, { action: `${action} ${request.clientOrderId}`, postOnly: request.timeInForce === 'POST_ONLY' });
    return { ok: false, outcome, clientOrderId: request.clientOrderId, error };
  }
  if (typeof item !== 'object' || item === null || (item as { orderId?: unknown }).orderId === undefined) {
    return failed(request, new EngineError('UNKNOWN_OUTCOME', `${action} ${request.clientOrderId}: the venue's answer for this order could not be read; query it before acting again`));
  }
  return placed(inst, request, item as OrderJson, now);
}
