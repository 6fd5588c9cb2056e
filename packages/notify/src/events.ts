// What the notifier is told. The server translates engine events (state changes, risk trips,
// fills, stream health) into these plain records, so this package never depends on the engine
// and a notification can be produced from a replayed journal as easily as from a live bot.
// Amounts are decimal strings, as at every other boundary of the product.

import type { MessageKind } from '@mm/core';

/** Who an event is about: enough to name it on a phone without a lookup. */
export interface BotIdentity {
  readonly id: string;
  readonly name: string;
  readonly venue: string;
  readonly symbol: string;
}

interface EventBase {
  readonly bot: BotIdentity;
  /** Epoch milliseconds when it happened. */
  readonly at: number;
}

export interface BotStartedEvent extends EventBase {
  readonly kind: 'bot_started';
}

export interface BotStoppedEvent extends EventBase {
  readonly kind: 'bot_stopped';
  readonly reason?: string;
}

export interface BotPausedEvent extends EventBase {
  readonly kind: 'bot_paused';
  readonly reason?: string;
}

export interface BotResumedEvent extends EventBase {
  readonly kind: 'bot_resumed';
}

export interface BotErrorEvent extends EventBase {
  readonly kind: 'bot_error';
  readonly message: string;
}

export interface RiskTripEvent extends EventBase {
  readonly kind: 'risk_trip';
  readonly rule: string;
  /** The measured value, human-readable (it may carry a unit). */
  readonly value: string;
  readonly limit: string;
  /** What the risk engine did: pause, cancel_all, reduce, halt... */
  readonly action: string;
  readonly message: string;
}

export interface KillSwitchEvent extends EventBase {
  readonly kind: 'kill_switch';
  readonly reason: string;
}

export interface FillEvent extends EventBase {
  readonly kind: 'fill';
  readonly side: 'buy' | 'sell';
  readonly price: string;
  readonly qty: string;
  /** price × qty in quote currency. */
  readonly notional: string;
  readonly fee: string;
  /** Asset the fee was paid in; fees of different assets are summed separately. */
  readonly feeAsset?: string;
  readonly liquidity: 'maker' | 'taker';
  /** Which leg placed the order: the market-making grid or the volume scheduler. */
  readonly tag: 'mm' | 'volume';
}

export interface ConnectionLostEvent extends EventBase {
  readonly kind: 'connection_lost';
  /** Which stream: market data, user data, REST... */
  readonly stream: string;
  readonly reason: string;
}

export interface ConnectionRestoredEvent extends EventBase {
  readonly kind: 'connection_restored';
  readonly stream: string;
  readonly reason?: string;
  /** How long the stream was down, when known. */
  readonly downForMs?: number;
}

export type NotifyEvent =
  | BotStartedEvent
  | BotStoppedEvent
  | BotPausedEvent
  | BotResumedEvent
  | BotErrorEvent
  | RiskTripEvent
  | KillSwitchEvent
  | FillEvent
  | ConnectionLostEvent
  | ConnectionRestoredEvent;

export type NotifyEventKind = NotifyEvent['kind'];

export const NOTIFY_EVENT_KINDS = [
  'bot_started',
  'bot_stopped',
  'bot_paused',
  'bot_resumed',
  'bot_error',
  'risk_trip',
  'kill_switch',
  'fill',
  'connection_lost',
  'connection_restored',
] as const satisfies readonly NotifyEventKind[];

// the operator-facing message kinds (settings) are part of the API contract in @mm/core
export { MESSAGE_KINDS, type MessageKind } from '@mm/core';

export function messageKindOf(kind: NotifyEventKind): MessageKind {
  return kind === 'fill' ? 'fill_summary' : kind;
}

export function isNotifyEventKind(value: unknown): value is NotifyEventKind {
  return typeof value === 'string' && (NOTIFY_EVENT_KINDS as readonly string[]).includes(value);
}
