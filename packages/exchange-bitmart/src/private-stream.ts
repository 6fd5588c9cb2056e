// The private /user WebSocket: login with the signed "bitmart.WebSocket" payload (catalogue
// §2.5), then order progress for all symbols and balance changes. Login and subscriptions are
// repeated on every reconnect. A refused login is reported as AUTH_FAILED.
import { EngineError, EventBus } from '@mm/core';
import type { Clock, Rng } from '@mm/core';
import { ReconnectingWebSocket } from '@mm/exchange';
import type { BackoffOptions, WsConnection, WsOpenInfo, WsStateEvent } from '@mm/exchange';
import { bitmartError } from './errors.ts';
import { wsLoginArgs } from './signing.ts';
import type { BitmartCredentials } from './signing.ts';
import type { WireBalancePush, WireOrderPush } from './wire.ts';
import { decodeFrame, parseIncoming, subscribeAll } from './ws-protocol.ts';

export const PRIVATE_TOPICS = ['spot/user/orders:ALL_SYMBOLS', 'spot/user/balance:BALANCE_UPDATE'] as const;

export interface PrivateStreamEvents {
  order: { readonly push: WireOrderPush; readonly receivedAt: number };
  balance: { readonly push: WireBalancePush; readonly receivedAt: number };
  state: WsStateEvent;
  open: WsOpenInfo;
  error: EngineError;
  /** The venue refused the login (bad key, memo or signature). */
  authFailed: EngineError;
}

export interface PrivateStreamOptions {
  readonly url: string;
  readonly clock: Clock;
  readonly rng: Rng;
  readonly credentials: BitmartCredentials;
  /** Venue time minus local time, so the login timestamp is within the venue's minute. */
  readonly timeOffsetMs?: () => number;
  readonly pingIntervalMs?: number;
  readonly pongTimeoutMs?: number;
  readonly ackTimeoutMs?: number;
  readonly backoff?: BackoffOptions;
}

export class PrivateStream {
  readonly events = new EventBus<PrivateStreamEvents>();
  private readonly ws: ReconnectingWebSocket;
  private readonly options: PrivateStreamOptions;

  constructor(options: PrivateStreamOptions) {
    this.options = options;
    this.ws = new ReconnectingWebSocket({
      url: options.url,
      clock: options.clock,
      rng: options.rng,
      name: 'bitmart private',
      heartbeat: { intervalMs: options.pingIntervalMs ?? 15_000, timeoutMs: options.pongTimeoutMs ?? 10_000, ping: 'ping' },
      ...(options.backoff === undefined ? {} : { backoff: options.backoff }),
      decode: decodeFrame,
      onOpen: (conn) => this.onOpen(conn),
    });
    this.ws.events.on('message', (text) => this.onMessage(text));
    this.ws.events.on('state', (state) => this.events.emit('state', state));
    this.ws.events.on('open', (info) => this.events.emit('open', info));
    this.ws.events.on('error', (error) => this.events.emit('error', error));
  }

  get isOpen(): boolean {
    return this.ws.isOpen;
  }

  start(): void {
    this.ws.start();
  }

  close(): void {
    this.ws.close();
  }

  /** Resolves on the first successful login + subscription; rejects on a refused login or timeout. */
  waitOpen(timeoutMs: number): Promise<void> {
    if (this.ws.isOpen) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const clock = this.options.clock;
      const timer = clock.setTimeout(() => {
        cleanup();
        reject(new EngineError('TIMEOUT', `BitMart private stream did not log in within ${timeoutMs} ms`));
      }, timeoutMs);
      const offOpen = this.events.on('open', () => {
        cleanup();
        resolve();
      });
      const offAuth = this.events.on('authFailed', (error) => {
        cleanup();
        reject(error);
      });
      const cleanup = (): void => {
        clock.clearTimer(timer);
        offOpen();
        offAuth();
      };
    });
  }

  private async onOpen(conn: WsConnection): Promise<void> {
    const timeoutMs = this.options.ackTimeoutMs ?? 5000;
    const now = this.options.clock.now() + (this.options.timeOffsetMs?.() ?? 0);
    const reply = conn.waitFor((text) => {
      const msg = parseIncoming(text);
      return (msg.kind === 'ack' && msg.event === 'login') || (msg.kind === 'error' && (msg.event === 'login' || msg.event === undefined));
    }, timeoutMs);
    conn.send(JSON.stringify({ op: 'login', args: wsLoginArgs(this.options.credentials, now) }));
    const msg = parseIncoming(await reply);
    if (msg.kind === 'error') {
      const error = bitmartError(msg.code, msg.message, { operation: 'WebSocket login' });
      this.events.emit('authFailed', error);
      throw error;
    }
    await subscribeAll(conn, PRIVATE_TOPICS, timeoutMs);
  }

  private onMessage(text: string): void {
    const msg = parseIncoming(text);
    if (msg.kind === 'error') {
      this.events.emit('error', bitmartError(msg.code, msg.message, { operation: `WebSocket ${msg.event ?? 'message'}` }));
      return;
    }
    if (msg.kind !== 'push') return;
    const receivedAt = this.options.clock.now();
    // the table is spot/user/order or spot/user/orders depending on the subscription (§7.5)
    if (msg.push.table.startsWith('spot/user/order')) {
      for (const push of msg.push.data) this.events.emit('order', { push: push as WireOrderPush, receivedAt });
    } else if (msg.push.table.startsWith('spot/user/balance')) {
      for (const push of msg.push.data) this.events.emit('balance', { push: push as WireBalancePush, receivedAt });
    }
  }
}
