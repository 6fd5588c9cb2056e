// RemoteVenueAdapter: the venue port of an adapter served by serveVenues (./server.ts) on
// another process or machine, over one reconnecting WebSocket (wire format: ./wire.ts).
//
// A lost socket is a lost venue connection: the adapter emits `connection` disconnected for
// both streams, reconnects with back-off, says hello again, re-subscribes its markets and then
// emits `reconnected` (the engine reconciles on that). A call whose answer never comes (socket
// lost after send, or no answer within callTimeoutMs) is ambiguous: order entry answers
// `outcome: 'unknown'` (never 'rejected'), read-only calls reject with a retryable error, other
// writes reject with UNKNOWN_OUTCOME. A call made while the socket is down is not sent and
// rejects with a retryable NETWORK error.
//
// accountKey and capabilities are the served adapter's, known after connect(): a venue
// provider connects before it hands the adapter to the engine (or passes `accountKey`).
import { EngineError, EventBus, Instrument, LiveClock, Rng } from '@mm/core';
import type {
  AmendRequest,
  Balance,
  CancelRequest,
  Clock,
  Fill,
  MarginSummary,
  MarginType,
  OrderRequest,
  Position,
  StpMode,
  TimerHandle,
  VenueOrder,
} from '@mm/core';
import type WebSocket from 'ws';
import type {
  AmendResult,
  CancelResult,
  ConnectionEvent,
  FeeRates,
  FillQuery,
  MarketKind,
  OrderRef,
  PlaceResult,
  VenueAdapter,
  VenueCapabilities,
  VenueEvents,
} from '../port.ts';
import { ReconnectingWebSocket } from '../reconnecting-ws.ts';
import type { BackoffOptions, WsConnection, WsOpenInfo, WsStateEvent } from '../reconnecting-ws.ts';
import { REMOTE_VENUE_PROTOCOL, decodeFrame, encodeFrame } from './wire.ts';
import type { HelloFrame, ServerFrame, WelcomeFrame } from './wire.ts';

export interface RemoteVenueOptions {
  /** ws://host:port/venue */
  readonly url: string;
  readonly token?: string;
  readonly accountId: string;
  readonly market: MarketKind;
  /** Who we are (a runner id): the server attributes our orders to it. */
  readonly client: string;
  /** The account key we expect; the server refuses the hello when its adapter's differs. */
  readonly accountKey?: string;
  readonly clock?: Clock;
  readonly rng?: Rng;
  readonly backoff?: BackoffOptions;
  /** A call unanswered after this long is ambiguous (see above). Default 10 s. */
  readonly callTimeoutMs?: number;
  /** connect() gives up after this long without a welcome. Default 15 s. */
  readonly connectTimeoutMs?: number;
  /** Protocol pings; a peer silent for timeoutMs after a ping is a lost socket. Default 5 s / 10 s. */
  readonly heartbeat?: { readonly intervalMs: number; readonly timeoutMs: number };
  /** For tests: builds the socket. */
  readonly createSocket?: (url: string) => WebSocket;
}

type CallKind = 'read' | 'place' | 'cancel' | 'amend' | 'write' | 'subscribe';

interface PendingCall {
  readonly method: string;
  readonly kind: CallKind;
  readonly args: readonly unknown[];
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: EngineError) => void;
  readonly timer: TimerHandle;
}

/** What the adapter reports before the first welcome (engine code reads capabilities after connect). */
function provisionalCapabilities(market: MarketKind): VenueCapabilities {
  return {
    venue: 'remote',
    market,
    postOnly: false,
    fok: false,
    stpModes: [],
    maxBatchPlace: 1,
    maxBatchCancel: 1,
    amend: false,
    deadManSwitch: false,
    cancelAllMinIntervalMs: 0,
    maxClientOrderIdLength: 32,
    fillsFromTradeId: false,
  };
}

export class RemoteVenueAdapter implements VenueAdapter {
  readonly events = new EventBus<VenueEvents>();
  private readonly options: RemoteVenueOptions;
  private readonly clock: Clock;
  private readonly callTimeoutMs: number;
  /** Hello and re-subscriptions: the server may need a few venue round trips for its welcome. */
  private readonly handshakeTimeoutMs: number;
  private ws: ReconnectingWebSocket | undefined;
  private welcome: WelcomeFrame | undefined;
  private instrumentMap = new Map<string, Instrument>();
  private readonly subscriptions = new Set<string>();
  private readonly pending = new Map<number, PendingCall>();
  private nextId = 0;
  private ready: Promise<void> | undefined;
  private firstOpen: { resolve: () => void; reject: (error: EngineError) => void; timer: TimerHandle } | undefined;
  private everOpened = false;
  private up = false;
  private lastProblem = '';

  constructor(options: RemoteVenueOptions) {
    this.options = options;
    this.clock = options.clock ?? new LiveClock();
    this.callTimeoutMs = options.callTimeoutMs ?? 10_000;
    this.handshakeTimeoutMs = Math.min(options.connectTimeoutMs ?? 15_000, 15_000);
  }

  get accountKey(): string {
    return this.welcome?.accountKey ?? this.options.accountKey ?? `remote:${this.options.accountId}:${this.options.market}`;
  }

  get capabilities(): VenueCapabilities {
    return this.welcome?.capabilities ?? provisionalCapabilities(this.options.market);
  }

  /** Whether the socket is up and said hello. */
  get isConnected(): boolean {
    return this.up;
  }

  // ---------------------------------------------------------------- lifecycle

  connect(): Promise<void> {
    this.ready ??= this.open();
    return this.ready;
  }

  async close(): Promise<void> {
    const ws = this.ws;
    this.ws = undefined;
    this.ready = undefined;
    this.up = false;
    this.failPending('NETWORK', 'the adapter was closed');
    ws?.close();
  }

  private open(): Promise<void> {
    const connectTimeoutMs = this.options.connectTimeoutMs ?? 15_000;
    // a connect() after close() starts over: its first socket is a new connection, not a reconnect
    this.everOpened = false;
    const ws: ReconnectingWebSocket = new ReconnectingWebSocket({
      url: this.options.url,
      clock: this.clock,
      rng: this.options.rng ?? new Rng(`remote-venue/${this.options.client}/${this.options.accountId}`),
      name: `remote venue ${this.options.url}`,
      heartbeat: { intervalMs: 5_000, timeoutMs: 10_000, ...this.options.heartbeat, ping: 'protocol' },
      handshakeTimeoutMs: this.handshakeTimeoutMs,
      ...(this.options.backoff === undefined ? {} : { backoff: this.options.backoff }),
      ...(this.options.createSocket === undefined ? {} : { createSocket: this.options.createSocket }),
      onOpen: (conn: WsConnection, info: WsOpenInfo): Promise<void> => this.handshake(ws, conn, info),
    });
    this.ws = ws;
    ws.events.on('message', (text) => {
      if (this.ws === ws) this.onMessage(text);
    });
    ws.events.on('state', (event) => {
      if (this.ws === ws) this.onState(event);
    });
    ws.events.on('open', (info) => {
      if (this.ws === ws) this.onOpen(info);
    });
    ws.events.on('error', (error) => {
      this.lastProblem = error.message;
    });
    return new Promise<void>((resolve, reject) => {
      this.firstOpen = {
        resolve,
        reject,
        timer: this.clock.setTimeout(
          () => this.failFirstOpen(ws, new EngineError('NETWORK', `could not connect to the remote venue ${this.options.url} within ${connectTimeoutMs} ms${this.lastProblem ? `: ${this.lastProblem}` : ''}`)),
          connectTimeoutMs,
        ),
      };
      ws.start();
    });
  }

  private failFirstOpen(ws: ReconnectingWebSocket, error: EngineError): void {
    const first = this.firstOpen;
    if (first === undefined) return;
    this.firstOpen = undefined;
    this.clock.clearTimer(first.timer);
    if (this.ws === ws) {
      this.ws = undefined;
      this.ready = undefined;
    }
    ws.close();
    first.reject(error);
  }

  /** Hello → welcome, then (on a reconnect) the market subscriptions again. Runs before 'open'. */
  private async handshake(ws: ReconnectingWebSocket, conn: WsConnection, info: WsOpenInfo): Promise<void> {
    const hello: HelloFrame = {
      type: 'hello',
      protocol: REMOTE_VENUE_PROTOCOL,
      accountId: this.options.accountId,
      market: this.options.market,
      client: this.options.client,
      ...(this.options.token === undefined ? {} : { token: this.options.token }),
      ...(this.options.accountKey === undefined ? {} : { accountKey: this.options.accountKey }),
    };
    conn.send(encodeFrame(hello));
    const reply = decodeFrame(await conn.waitFor((text) => text.startsWith('{"type":"welcome"') || text.startsWith('{"type":"refused"'), this.handshakeTimeoutMs)) as ServerFrame;
    if (reply.type === 'refused') {
      const error = reply.error instanceof EngineError ? reply.error : new EngineError('VENUE_ERROR', 'the remote venue refused the connection');
      this.lastProblem = error.message;
      // a refusal on the first connect is final (bad token, unknown account); later ones retry
      if (!this.everOpened) this.failFirstOpen(ws, error);
      throw error;
    }
    if (reply.type !== 'welcome') throw new EngineError('VENUE_ERROR', `remote venue: expected a welcome, got ${reply.type}`);
    this.welcome = reply;
    this.instrumentMap = new Map(reply.instruments.map((def) => [def.symbol, new Instrument(def)]));
    if (!info.reconnect) return;
    await Promise.all(
      [...this.subscriptions].map(async (symbol) => {
        const id = ++this.nextId;
        conn.send(encodeFrame({ type: 'call', id, method: 'subscribeMarket', args: [symbol] }));
        const answer = decodeFrame(await conn.waitFor((text) => text.startsWith(`{"type":"result","id":${id},`), this.handshakeTimeoutMs)) as ServerFrame;
        if (answer.type === 'result' && !answer.ok) this.lastProblem = `re-subscribing ${symbol} failed: ${String((answer.error as Error).message)}`;
      }),
    );
  }

  private onOpen(info: WsOpenInfo): void {
    this.up = true;
    const at = this.clock.now();
    const first = this.firstOpen;
    this.firstOpen = undefined;
    if (first !== undefined) {
      this.clock.clearTimer(first.timer);
      first.resolve();
    }
    if (!this.everOpened) {
      this.everOpened = true;
      this.emitConnection({ stream: 'private', state: 'connected', at });
      if (this.subscriptions.size > 0) this.emitConnection({ stream: 'market', state: 'connected', at });
      return;
    }
    if (info.rotated) return;
    this.emitConnection({ stream: 'private', state: 'reconnected', at });
    this.emitConnection({ stream: 'market', state: 'reconnected', at });
  }

  private onState(event: WsStateEvent): void {
    if (event.state !== 'reconnecting' && event.state !== 'closed') return;
    const reason = event.reason ?? event.state;
    this.failPending('NETWORK', `the connection to the remote venue was lost (${reason})`);
    if (!this.up) return;
    this.up = false;
    if (event.state === 'closed') return;
    const at = this.clock.now();
    this.emitConnection({ stream: 'private', state: 'disconnected', reason, at });
    this.emitConnection({ stream: 'market', state: 'disconnected', reason, at });
  }

  private emitConnection(event: ConnectionEvent): void {
    this.events.emit('connection', event);
  }

  private onMessage(text: string): void {
    let frame: ServerFrame;
    try {
      frame = decodeFrame(text) as ServerFrame;
    } catch (error) {
      this.lastProblem = error instanceof Error ? error.message : String(error);
      return;
    }
    if (frame.type === 'event') {
      // the served adapter's first 'connected' is not news to a client: it has its own
      if (frame.event === 'connection' && (frame.payload as ConnectionEvent).state === 'connected') return;
      this.events.emit(frame.event, frame.payload as never);
      return;
    }
    if (frame.type !== 'result') return;
    const call = this.pending.get(frame.id);
    if (call === undefined) return; // timed out already, or a handshake call
    this.pending.delete(frame.id);
    this.clock.clearTimer(call.timer);
    if (frame.ok) call.resolve(frame.value);
    else call.reject(frame.error instanceof EngineError ? frame.error : new EngineError('VENUE_ERROR', 'the remote venue answered with an unreadable error'));
  }

  // ---------------------------------------------------------------- calls

  private call<T>(method: string, args: readonly unknown[], kind: CallKind): Promise<T> {
    const ws = this.ws;
    if (ws === undefined || !this.up || !ws.isOpen) {
      return Promise.reject(new EngineError('NETWORK', `remote venue ${this.options.url} is not connected; ${method} was not sent`));
    }
    const id = ++this.nextId;
    return new Promise<T>((resolve, reject) => {
      const call: PendingCall = {
        method,
        kind,
        args,
        resolve: resolve as (value: unknown) => void,
        reject,
        timer: this.clock.setTimeout(() => {
          if (this.pending.get(id) !== call) return;
          this.pending.delete(id);
          this.settleUnanswered(call, 'TIMEOUT', `no answer from the remote venue within ${this.callTimeoutMs} ms`);
        }, this.callTimeoutMs),
      };
      this.pending.set(id, call);
      try {
        ws.send(encodeFrame({ type: 'call', id, method, args }));
      } catch (error) {
        this.pending.delete(id);
        this.clock.clearTimer(call.timer);
        reject(new EngineError('NETWORK', `remote venue: ${method} was not sent: ${error instanceof Error ? error.message : String(error)}`, { cause: error }));
      }
    });
  }

  private failPending(code: 'NETWORK' | 'TIMEOUT', reason: string): void {
    const calls = [...this.pending.values()];
    this.pending.clear();
    for (const call of calls) {
      this.clock.clearTimer(call.timer);
      this.settleUnanswered(call, code, reason);
    }
  }

  /** A sent call without an answer: it may or may not have taken effect at the venue. */
  private settleUnanswered(call: PendingCall, code: 'NETWORK' | 'TIMEOUT', reason: string): void {
    const unknown = () => new EngineError('UNKNOWN_OUTCOME', `${call.method}: ${reason}; it may have reached the venue, ask the venue for the order's state`);
    switch (call.kind) {
      case 'read':
        call.reject(new EngineError(code, `${call.method}: ${reason}`, { retryable: true }));
        return;
      case 'place':
        call.resolve(
          (call.args[0] as readonly OrderRequest[]).map((r): PlaceResult => ({ ok: false, outcome: 'unknown', clientOrderId: r.clientOrderId, error: unknown() })),
        );
        return;
      case 'cancel':
        call.resolve((call.args[0] as readonly CancelRequest[]).map((): CancelResult => ({ ok: false, outcome: 'unknown', error: unknown() })));
        return;
      case 'amend':
        call.resolve({ ok: false, outcome: 'unknown', error: unknown() } satisfies AmendResult);
        return;
      case 'subscribe':
        // the subscription set is ours: the next connection subscribes (or not) accordingly
        call.resolve(undefined);
        return;
      case 'write':
        call.reject(unknown());
        return;
    }
  }

  // ---------------------------------------------------------------- reference data

  serverTime(): Promise<number> {
    return this.call('serverTime', [], 'read');
  }

  async instruments(): Promise<readonly Instrument[]> {
    const list = await this.call<Instrument[]>('instruments', [], 'read');
    for (const inst of list) this.instrumentMap.set(inst.symbol, inst);
    return list;
  }

  instrument(symbol: string): Instrument {
    const inst = this.instrumentMap.get(symbol);
    if (inst !== undefined) return inst;
    throw new EngineError(
      'UNKNOWN_SYMBOL',
      this.welcome === undefined
        ? `${symbol}: the remote venue's instruments are not loaded yet; call connect() first`
        : `${symbol} is not a ${this.options.market} market on the remote venue; available: ${[...this.instrumentMap.keys()].join(', ')}`,
    );
  }

  async subscribeMarket(symbol: string): Promise<void> {
    this.instrument(symbol);
    if (this.subscriptions.has(symbol)) return;
    const first = this.subscriptions.size === 0;
    this.subscriptions.add(symbol);
    // while the socket is down the reconnect subscribes it (the symbol is known to be valid)
    if (!this.up && this.everOpened && this.ws !== undefined) return;
    try {
      await this.call('subscribeMarket', [symbol], 'subscribe');
    } catch (error) {
      this.subscriptions.delete(symbol);
      throw error;
    }
    if (first && this.up) this.emitConnection({ stream: 'market', state: 'connected', at: this.clock.now() });
  }

  async unsubscribeMarket(symbol: string): Promise<void> {
    if (!this.subscriptions.delete(symbol)) return;
    if (this.up) await this.call('unsubscribeMarket', [symbol], 'subscribe');
  }

  // ---------------------------------------------------------------- account queries

  balances(): Promise<readonly Balance[]> {
    return this.call('balances', [], 'read');
  }

  positions(symbol?: string): Promise<readonly Position[]> {
    return this.call('positions', symbol === undefined ? [] : [symbol], 'read');
  }

  openOrders(symbol?: string): Promise<readonly VenueOrder[]> {
    return this.call('openOrders', symbol === undefined ? [] : [symbol], 'read');
  }

  queryOrder(ref: OrderRef): Promise<VenueOrder | null> {
    return this.call('queryOrder', [ref], 'read');
  }

  fills(query: FillQuery): Promise<readonly Fill[]> {
    return this.call('fills', [query], 'read');
  }

  feeRates(symbol: string): Promise<FeeRates> {
    return this.call('feeRates', [symbol], 'read');
  }

  marginSummary(): Promise<MarginSummary | null> {
    return this.call('marginSummary', [], 'read');
  }

  // ---------------------------------------------------------------- order entry

  placeOrders(requests: readonly OrderRequest[]): Promise<readonly PlaceResult[]> {
    if (requests.length === 0) return Promise.resolve([]);
    return this.call('placeOrders', [requests], 'place');
  }

  amendOrder(request: AmendRequest): Promise<AmendResult> {
    return this.call('amendOrder', [request], 'amend');
  }

  cancelOrders(requests: readonly CancelRequest[]): Promise<readonly CancelResult[]> {
    if (requests.length === 0) return Promise.resolve([]);
    return this.call('cancelOrders', [requests], 'cancel');
  }

  async cancelAll(symbol: string): Promise<void> {
    await this.call('cancelAll', [symbol], 'write');
  }

  async setDeadManSwitch(symbol: string, timeoutMs: number): Promise<void> {
    await this.call('setDeadManSwitch', [symbol, timeoutMs], 'write');
  }

  async setAccountStp(mode: StpMode): Promise<void> {
    await this.call('setAccountStp', [mode], 'write');
  }

  async setLeverage(symbol: string, leverage: number): Promise<void> {
    await this.call('setLeverage', [symbol, leverage], 'write');
  }

  async setMarginType(symbol: string, marginType: MarginType): Promise<void> {
    await this.call('setMarginType', [symbol, marginType], 'write');
  }
}
