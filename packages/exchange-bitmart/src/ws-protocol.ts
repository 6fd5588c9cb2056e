// BitMart WebSocket framing shared by the public and private streams (catalogue §7.1–§7.3):
// data pushes are binary frames of raw DEFLATE, control messages are text; keep-alive is a text
// "ping" answered by "pong"; at most 20 topics per subscribe; one ack per topic.
import { inflateRawSync } from 'node:zlib';
import type { EngineError } from '@mm/core';
import type { WsConnection } from '@mm/exchange';
import { bitmartError } from './errors.ts';

export const MAX_TOPICS_PER_SUBSCRIBE = 20;

/** Decode hook for ReconnectingWebSocket: inflate binary frames, pass text through. */
export function decodeFrame(data: Buffer, isBinary: boolean): string {
  return isBinary ? inflateRawSync(data).toString('utf8') : data.toString('utf8');
}

export interface Push<T = unknown> {
  readonly table: string;
  readonly data: readonly T[];
}

export type Incoming =
  | { readonly kind: 'push'; readonly push: Push }
  | { readonly kind: 'ack'; readonly event: string; readonly topic?: string }
  | { readonly kind: 'error'; readonly event?: string; readonly topic?: string; readonly code: string; readonly message: string }
  | { readonly kind: 'other'; readonly text: string };

export function parseIncoming(text: string): Incoming {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: 'other', text };
  }
  if (typeof value !== 'object' || value === null) return { kind: 'other', text };
  const m = value as { table?: unknown; data?: unknown; event?: unknown; topic?: unknown; errorCode?: unknown; errorMessage?: unknown; message?: unknown };
  // any message with an errorCode is an error (§7.3), whatever else it carries
  if (m.errorCode !== undefined) {
    return {
      kind: 'error',
      ...(typeof m.event === 'string' ? { event: m.event } : {}),
      ...(typeof m.topic === 'string' ? { topic: m.topic } : {}),
      code: String(m.errorCode),
      message: typeof m.errorMessage === 'string' ? m.errorMessage : typeof m.message === 'string' ? m.message : '',
    };
  }
  if (typeof m.table === 'string') {
    // the data can be "" instead of an array (seen by CCXT)
    return { kind: 'push', push: { table: m.table, data: Array.isArray(m.data) ? (m.data as unknown[]) : [] } };
  }
  if (typeof m.event === 'string') return { kind: 'ack', event: m.event, ...(typeof m.topic === 'string' ? { topic: m.topic } : {}) };
  return { kind: 'other', text };
}

/**
 * Subscribes in chunks of 20 and resolves when every topic is acknowledged. An error reply
 * fails it (the socket then reconnects and tries again). Old-style acks without a topic
 * (`{"table":"spot/ticker:BTC_USDT","data":[]}`) are accepted too.
 */
export async function subscribeAll(conn: WsConnection, topics: readonly string[], timeoutMs: number, op: 'subscribe' | 'unsubscribe' = 'subscribe'): Promise<void> {
  for (let i = 0; i < topics.length; i += MAX_TOPICS_PER_SUBSCRIBE) {
    const chunk = topics.slice(i, i + MAX_TOPICS_PER_SUBSCRIBE);
    const pending = new Set(chunk);
    let failure: EngineError | undefined;
    const done = conn.waitFor((text) => {
      const msg = parseIncoming(text);
      if (msg.kind === 'error' && (msg.event === op || msg.event === undefined || msg.event === 'error')) {
        failure = bitmartError(msg.code, msg.message, { operation: `WebSocket ${op} ${msg.topic ?? chunk.join(',')}` });
        return true;
      }
      if (msg.kind === 'ack' && msg.event === op && msg.topic !== undefined) pending.delete(msg.topic);
      if (msg.kind === 'push' && msg.push.data.length === 0) pending.delete(msg.push.table);
      return pending.size === 0;
    }, timeoutMs);
    conn.send(JSON.stringify({ op, args: chunk }));
    await done;
    if (failure !== undefined) throw failure;
  }
}
