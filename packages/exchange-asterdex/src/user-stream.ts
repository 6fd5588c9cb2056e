// The private (user data) stream: a listenKey from REST, a socket on /ws/<listenKey>, a
// keepalive every 30 min (the key lives 60), and a new key plus a new connection when the
// venue says listenKeyExpired or refuses the keepalive. Every message goes to `onEvent`; the
// adapter turns them into domain events. After any reconnect the adapter reports
// 'reconnected', because events sent while we were away are gone and the engine must
// reconcile over REST before it quotes again.
import { EngineError } from '@mm/core';
import type { TimerHandle } from '@mm/core';
import type { ReconnectingWebSocket } from '@mm/exchange';
import { streamSocket } from './stream-socket.ts';
import type { AsterStreamBaseOptions } from './stream-socket.ts';

export interface UserStreamOptions extends AsterStreamBaseOptions {
  readonly onEvent: (event: Record<string, unknown>) => void;
  /** Default 30 min. */
  readonly keepaliveMs?: number;
  /**
   * DELETE the listenKey on close. Off by default: the venue hands every connection of an
   * account the same key, so closing it would cut the stream of other bots on the account; an
   * unused key expires by itself within the hour.
   */
  readonly closeListenKey?: boolean;
}

export class UserStream {
  private readonly options: UserStreamOptions;
  private ws: ReconnectingWebSocket | undefined;
  private listenKey: string | undefined;
  private keepaliveTimer: TimerHandle | undefined;
  private everOpen = false;
  private closed = false;
  private renewals = 0;
  private connections = 0;
  /** The key of the latest connection. */
  private usedKey: string | undefined;

  constructor(options: UserStreamOptions) {
    this.options = options;
  }

  /** How many times the venue handed out a different key than the one in use (expiry, closed key). */
  get keyRenewals(): number {
    return this.renewals;
  }

  get isOpen(): boolean {
    return this.ws?.isOpen ?? false;
  }

  get currentKey(): string | undefined {
    return this.listenKey;
  }

  /** Creates the key and opens the socket; resolves once connected (or rejects after `timeoutMs`). */
  async start(timeoutMs = 15_000): Promise<void> {
    if (this.ws !== undefined) return;
    const o = this.options;
    await this.createKey();
    const ws = streamSocket(o, 'user', { url: async () => `${o.wsUrl}/ws/${await this.keyForConnection()}` });
    this.ws = ws;
    ws.events.on('message', (text) => this.onMessage(text));
    const opened = new Promise<void>((resolve, reject) => {
      const timer = o.clock.setTimeout(() => reject(new EngineError('TIMEOUT', `asterdex ${o.market} user stream did not connect within ${timeoutMs} ms`)), timeoutMs);
      ws.events.on('open', (info) => {
        if (info.rotated) return;
        o.events.emit('connection', { stream: 'private', state: this.everOpen ? 'reconnected' : 'connected', at: o.clock.now() });
        this.everOpen = true;
        o.clock.clearTimer(timer);
        resolve();
      });
    });
    ws.start();
    this.keepaliveTimer = o.clock.setInterval(() => void this.keepalive(), o.keepaliveMs ?? 30 * 60_000);
    await opened;
  }

  /** Drops the socket; it reconnects by itself (tests, stalls). */
  reconnect(reason: string): void {
    this.ws?.forceReconnect(reason);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.options.clock.clearTimer(this.keepaliveTimer);
    this.ws?.close();
    const key = this.listenKey;
    this.listenKey = undefined;
    if (key !== undefined && this.options.closeListenKey === true) {
      try {
        await this.options.api.listenKeyClose(this.keyParam(key));
      } catch {
        // the key expires by itself within the hour
      }
    }
  }

  private keyParam(key: string): string | undefined {
    // spot names the key; futures identifies the account by its credentials
    return this.options.market === 'spot' ? key : undefined;
  }

  private async createKey(): Promise<string> {
    const { listenKey } = await this.options.api.listenKeyCreate();
    if (typeof listenKey !== 'string' || listenKey === '') throw new EngineError('VENUE_ERROR', 'asterdex: listenKey creation returned no key');
    this.listenKey = listenKey;
    return listenKey;
  }

  /**
   * The key for a (re)connection. The first connection uses the key start() created; later ones
   * ask again, since POST returns the account's live key (extended) or a new one when the old
   * one expired or was closed while we were away.
   */
  private async keyForConnection(): Promise<string> {
    this.connections++;
    const key = this.connections === 1 && this.listenKey !== undefined ? this.listenKey : await this.createKey();
    if (this.usedKey !== undefined && this.usedKey !== key) this.renewals++;
    this.usedKey = key;
    return key;
  }

  private async keepalive(): Promise<void> {
    const key = this.listenKey;
    if (key === undefined || this.closed) return;
    try {
      await this.options.api.listenKeyKeepalive(this.keyParam(key));
    } catch (error) {
      // -1125: the venue no longer knows the key; anything else is retried at the next interval
      if (error instanceof EngineError && error.venueCode === -1125) this.renew('keepalive refused: the listenKey no longer exists');
    }
  }

  /** Forgets the key, so the next connection gets a new one, and reconnects. */
  private renew(reason: string): void {
    if (this.closed) return;
    this.listenKey = undefined;
    this.ws?.forceReconnect(reason);
  }

  private onMessage(text: string): void {
    let event: Record<string, unknown>;
    try {
      event = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return;
    }
    if (typeof event !== 'object' || event === null) return;
    if (event['e'] === 'listenKeyExpired') {
      this.renew('listenKeyExpired');
      return;
    }
    this.options.onEvent(event);
  }
}
