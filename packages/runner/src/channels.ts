// The NOTIFY channels between runners and the control plane, and the bot-event payload.
import type { BotEvents } from '@mm/engine';
import { CHANNEL_BOT_EVENTS, CHANNEL_COMMAND, CHANNEL_LEASE, MAX_NOTIFY_BYTES } from '@mm/storage';
import { decode, encode } from './wire.ts';

/** The channels storage's fleet repository notifies on, by what they carry (command completions are storage's own business: awaitCommand). */
export const CHANNELS = {
  /** A command waits for the bot's holder (payload: bot id; enqueueCommand sends it). */
  command: CHANNEL_COMMAND,
  /** A bot event from its runner (payload: BotEventMessage). */
  botEvents: CHANNEL_BOT_EVENTS,
  /** A bot is free to claim now rather than at the next cycle (payload: bot id; releaseLease sends it). */
  lease: CHANNEL_LEASE,
} as const;

export type BotTopic = keyof BotEvents;

export interface BotEventMessage<T extends BotTopic = BotTopic> {
  /** The runner that sent it. */
  readonly r: string;
  readonly t: T;
  readonly p: BotEvents[T];
}

export function encodeBotEvent<T extends BotTopic>(runnerId: string, topic: T, payload: BotEvents[T]): string {
  const text = encode({ r: runnerId, t: topic, p: payload });
  // PostgreSQL refuses NOTIFY payloads of 8000 bytes and more
  if (Buffer.byteLength(text) <= MAX_NOTIFY_BYTES) return text;
  // only a log line's details can grow without bound; the line itself stays
  if (topic === 'log') {
    const { details: _details, ...rest } = payload as BotEvents['log'];
    const message = rest.message.length > 2_000 ? `${rest.message.slice(0, 2_000)}…` : rest.message;
    return encode({ r: runnerId, t: topic, p: { ...rest, message } });
  }
  return text;
}

/**
 * Events after which whoever reacts reads the bot's status: a state change, a fill (it moves the
 * volume, PnL and inventory) and a risk trip or clear. The runner writes the status before it
 * sends one; the client reads the status before it passes one on.
 */
export function changesStatus<T extends BotTopic>(topic: T, payload: BotEvents[T]): boolean {
  return topic === 'state' || topic === 'fill' || (topic === 'risk' && (payload as BotEvents['risk']).type !== 'denial');
}

export function decodeBotEvent(text: string): BotEventMessage {
  return decode<BotEventMessage>(text);
}
