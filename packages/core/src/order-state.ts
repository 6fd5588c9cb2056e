// The lifecycle of one of our orders, as a single transition table. Anything not in the table
// is refused (returned as an error for the caller to log), never applied.
import { EngineError } from './errors.ts';
import type { Result } from './errors.ts';
import type { OrderType, Side, TimeInForce } from './domain.ts';

export type OrderStatus =
  /** Registered locally; the request is being sent or awaits its answer. */
  | 'pending_new'
  /** The submit's outcome is ambiguous (timeout, 503, socket closed); the venue must be asked. */
  | 'unknown'
  | 'open'
  | 'partially_filled'
  | 'pending_cancel'
  | 'pending_amend'
  | 'filled'
  | 'canceled'
  | 'rejected'
  | 'expired';

export type OrderEventType =
  | 'accepted'
  | 'rejected'
  | 'partial_fill'
  | 'full_fill'
  | 'cancel_requested'
  | 'canceled'
  /** The venue refused the cancel (e.g. the order was already gone); the order's own state decides. */
  | 'cancel_rejected'
  | 'expired'
  | 'outcome_unknown'
  | 'amend_requested'
  | 'amended'
  | 'amend_rejected';

/** Pseudo-target: open, or partially_filled when some quantity has filled. */
const RESTING = 'resting' as const;
type Target = OrderStatus | typeof RESTING;

export const TERMINAL_STATUSES: ReadonlySet<OrderStatus> = new Set(['filled', 'canceled', 'rejected', 'expired']);

export const ORDER_TRANSITIONS = {
  pending_new: {
    accepted: 'open',
    rejected: 'rejected',
    // the first fill (stream) can beat the REST acknowledgement
    partial_fill: 'partially_filled',
    full_fill: 'filled',
    outcome_unknown: 'unknown',
    // a cancel may be requested before the ack arrives
    cancel_requested: 'pending_cancel',
    canceled: 'canceled',
    expired: 'expired',
  },
  unknown: {
    accepted: RESTING,
    // only after the venue proved it never took the order
    rejected: 'rejected',
    partial_fill: 'partially_filled',
    full_fill: 'filled',
    cancel_requested: 'pending_cancel',
    canceled: 'canceled',
    expired: 'expired',
    outcome_unknown: 'unknown',
  },
  open: {
    accepted: 'open', // duplicate acknowledgement (REST and stream)
    partial_fill: 'partially_filled',
    full_fill: 'filled',
    cancel_requested: 'pending_cancel',
    canceled: 'canceled',
    expired: 'expired',
    amend_requested: 'pending_amend',
  },
  partially_filled: {
    accepted: 'partially_filled',
    partial_fill: 'partially_filled',
    full_fill: 'filled',
    cancel_requested: 'pending_cancel',
    canceled: 'canceled',
    expired: 'expired',
    amend_requested: 'pending_amend',
  },
  pending_cancel: {
    // a late acknowledgement does not undo the cancel request
    accepted: 'pending_cancel',
    partial_fill: 'pending_cancel',
    // the fill raced the cancel and won
    full_fill: 'filled',
    canceled: 'canceled',
    expired: 'expired',
    cancel_rejected: RESTING,
    // a repeated cancel while one is in flight
    cancel_requested: 'pending_cancel',
    // the cancel's own answer was ambiguous: keep waiting for proof
    outcome_unknown: 'pending_cancel',
  },
  pending_amend: {
    amended: RESTING,
    amend_rejected: RESTING,
    accepted: 'pending_amend',
    partial_fill: 'pending_amend',
    full_fill: 'filled',
    cancel_requested: 'pending_cancel',
    canceled: 'canceled',
    expired: 'expired',
    outcome_unknown: 'pending_amend',
  },
  canceled: {
    // a fill that happened before the cancel took effect, delivered late
    partial_fill: 'canceled',
    full_fill: 'filled',
    canceled: 'canceled',
  },
  expired: {
    partial_fill: 'expired',
    full_fill: 'filled',
    expired: 'expired',
  },
  filled: {},
  rejected: {},
} as const satisfies Record<OrderStatus, Partial<Record<OrderEventType, Target>>>;

export interface OrderRecord {
  readonly clientOrderId: string;
  readonly venueOrderId: string | undefined;
  readonly symbol: string;
  readonly side: Side;
  readonly type: OrderType;
  readonly timeInForce: TimeInForce;
  readonly priceTicks: number;
  readonly qtyLots: number;
  readonly filledLots: number;
  /** Σ price·qty of fills in tick·lot units, for the average fill price. */
  readonly filledTickLots: bigint;
  readonly reduceOnly: boolean;
  readonly status: OrderStatus;
  /** The price/quantity an amend in flight asks for. */
  readonly pendingAmend: { readonly priceTicks: number; readonly qtyLots: number } | undefined;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly reason: string | undefined;
}

export type OrderEvent =
  | { readonly type: 'accepted'; readonly venueOrderId?: string }
  | { readonly type: 'rejected'; readonly reason: string }
  | { readonly type: 'fill'; readonly qtyLots: number; readonly priceTicks: number }
  | { readonly type: 'cancel_requested' }
  | { readonly type: 'canceled'; readonly reason?: string }
  | { readonly type: 'cancel_rejected'; readonly reason?: string }
  | { readonly type: 'expired'; readonly reason?: string }
  | { readonly type: 'outcome_unknown'; readonly reason?: string }
  | { readonly type: 'amend_requested'; readonly priceTicks: number; readonly qtyLots: number }
  | { readonly type: 'amended'; readonly priceTicks: number; readonly qtyLots: number }
  | { readonly type: 'amend_rejected'; readonly reason?: string };

export function isTerminal(status: OrderStatus): boolean {
  return TERMINAL_STATUSES.has(status);
}

/** True while the order may still trade (or may be resting at the venue without us knowing). */
export function isLive(status: OrderStatus): boolean {
  return !TERMINAL_STATUSES.has(status);
}

export function remainingLots(order: OrderRecord): number {
  return Math.max(0, order.qtyLots - order.filledLots);
}

export interface NewOrderFields {
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly type: OrderType;
  readonly timeInForce: TimeInForce;
  readonly priceTicks: number;
  readonly qtyLots: number;
  readonly reduceOnly?: boolean;
}

export function newOrderRecord(fields: NewOrderFields, now: number): OrderRecord {
  return {
    ...fields,
    reduceOnly: fields.reduceOnly ?? false,
    venueOrderId: undefined,
    filledLots: 0,
    filledTickLots: 0n,
    status: 'pending_new',
    pendingAmend: undefined,
    createdAt: now,
    updatedAt: now,
    reason: undefined,
  };
}

function eventType(order: OrderRecord, event: OrderEvent): OrderEventType {
  if (event.type !== 'fill') return event.type;
  return order.filledLots + event.qtyLots >= order.qtyLots ? 'full_fill' : 'partial_fill';
}

/**
 * Applies one event. Returns the new record, or an ILLEGAL_TRANSITION error (nothing applied).
 * Never mutates its input.
 */
export function applyOrderEvent(order: OrderRecord, event: OrderEvent, now: number): Result<OrderRecord> {
  const type = eventType(order, event);
  const row: Partial<Record<OrderEventType, Target>> = ORDER_TRANSITIONS[order.status];
  const target = row[type];
  if (target === undefined) {
    return {
      ok: false,
      error: new EngineError('ILLEGAL_TRANSITION', `order ${order.clientOrderId}: ${type} is not allowed in state ${order.status}`, {
        details: { clientOrderId: order.clientOrderId, status: order.status, event: type },
      }),
    };
  }
  let next: OrderRecord = { ...order, updatedAt: now };
  switch (event.type) {
    case 'accepted':
      if (event.venueOrderId !== undefined) next = { ...next, venueOrderId: event.venueOrderId };
      break;
    case 'fill': {
      if (!Number.isSafeInteger(event.qtyLots) || event.qtyLots <= 0) {
        return { ok: false, error: new EngineError('INVALID_ARGUMENT', `order ${order.clientOrderId}: fill quantity must be positive`) };
      }
      if (order.filledLots + event.qtyLots > order.qtyLots) {
        return {
          ok: false,
          error: new EngineError('ILLEGAL_TRANSITION', `order ${order.clientOrderId}: fill of ${event.qtyLots} lots overfills ${order.qtyLots - order.filledLots} remaining`),
        };
      }
      next = {
        ...next,
        filledLots: order.filledLots + event.qtyLots,
        filledTickLots: order.filledTickLots + BigInt(event.priceTicks) * BigInt(event.qtyLots),
      };
      break;
    }
    case 'amend_requested':
      next = { ...next, pendingAmend: { priceTicks: event.priceTicks, qtyLots: event.qtyLots } };
      break;
    case 'amended':
      next = { ...next, priceTicks: event.priceTicks, qtyLots: event.qtyLots, pendingAmend: undefined };
      break;
    case 'amend_rejected':
      next = { ...next, pendingAmend: undefined };
      break;
    case 'rejected':
      next = { ...next, reason: event.reason };
      break;
    case 'canceled':
    case 'expired':
    case 'cancel_rejected':
    case 'outcome_unknown':
      if (event.reason !== undefined) next = { ...next, reason: event.reason };
      break;
    case 'cancel_requested':
      break;
  }
  const status: OrderStatus = target === RESTING ? (next.filledLots > 0 ? 'partially_filled' : 'open') : target;
  return { ok: true, value: { ...next, status } };
}

/** Average fill price in ticks (fractional), or undefined before any fill. */
export function averageFillTicks(order: OrderRecord): number | undefined {
  return order.filledLots === 0 ? undefined : Number(order.filledTickLots) / order.filledLots;
}
