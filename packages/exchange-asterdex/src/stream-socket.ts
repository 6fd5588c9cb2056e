// What the market and user streams share: the socket tuning (protocol pings, back-off, a
// planned reconnect before the venue's 24 h cut-off, de-duplication of the rotation overlap)
// and reporting a lost connection to the adapter's listeners.
import type { Clock, EventBus, Rng } from '@mm/core';
import { ReconnectingWebSocket } from '@mm/exchange';
import type { ReconnectingWebSocketOptions, VenueEvents } from '@mm/exchange';
import type { AsterApi } from './api.ts';

export interface AsterStreamBaseOptions {
  readonly market: 'futures' | 'spot';
  readonly wsUrl: string;
  readonly api: AsterApi;
  readonly clock: Clock;
  readonly rng: Rng;
  readonly events: EventBus<VenueEvents>;
  /** Replace a connection after this long; the venue cuts at 24 h. Default 23 h 30 min. */
  readonly maxLifetimeMs?: number;
  readonly pingIntervalMs?: number;
  readonly pongTimeoutMs?: number;
  readonly backoff?: { readonly initialMs?: number; readonly maxMs?: number };
}

/** A reconnecting socket for the market or the user stream; 'disconnected' is reported as it happens. */
export function streamSocket(
  o: AsterStreamBaseOptions,
  kind: 'market' | 'user',
  connect: Pick<ReconnectingWebSocketOptions, 'url' | 'onOpen'>,
): ReconnectingWebSocket {
  const ws = new ReconnectingWebSocket({
    name: `asterdex ${o.market} ${kind} stream`,
    clock: o.clock,
    rng: o.rng,
    url: connect.url,
    heartbeat: { intervalMs: o.pingIntervalMs ?? 60_000, timeoutMs: o.pongTimeoutMs ?? 30_000, ping: 'protocol' },
    backoff: { initialMs: o.backoff?.initialMs ?? 500, maxMs: o.backoff?.maxMs ?? 30_000 },
    maxLifetimeMs: o.maxLifetimeMs ?? 23.5 * 3_600_000,
    // identical frames from the old and the new connection during a rotation
    messageKey: (text) => text,
    ...(connect.onOpen === undefined ? {} : { onOpen: connect.onOpen }),
  });
  const stream = kind === 'market' ? 'market' : 'private';
  ws.events.on('state', (event) => {
    if (event.state === 'reconnecting') {
      o.events.emit('connection', { stream, state: 'disconnected', ...(event.reason === undefined ? {} : { reason: event.reason }), at: o.clock.now() });
    }
  });
  return ws;
}
