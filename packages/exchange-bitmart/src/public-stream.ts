// Public market data over BitMart's /api WebSocket: the incremental depth channel
// (spot/depth/increase100) kept as a local book with the contiguous `version` check, public
// trades and tickers. A version gap clears the book and asks the venue for a fresh versioned
// snapshot ({"op":"request"}); if none comes, the connection is rebuilt, which resubscribes and
// starts from a new snapshot. (REST /books carries no version, so it cannot anchor the stream.)
import { EngineError, EventBus } from '@mm/core';
import type { BookSnapshot, Clock, Instrument, PublicTrade, Rng, Side, TimerHandle } from '@mm/core';
import { LocalOrderBook, ReconnectingWebSocket } from '@mm/exchange';
import type { BackoffOptions, LevelInput, WsConnection, WsOpenInfo, WsStateEvent } from '@mm/exchange';
import type { WireDepth, WirePublicTrade, WireTicker } from './wire.ts';
import { decodeFrame, parseIncoming, subscribeAll } from './ws-protocol.ts';
import type { Push } from './ws-protocol.ts';

export interface Ticker {
  readonly symbol: string;
  readonly lastTicks: number | undefined;
  readonly bidTicks: number | undefined;
  readonly askTicks: number | undefined;
  readonly venueTime: number;
  readonly receivedAt: number;
}

export interface PublicStreamEvents {
  book: BookSnapshot;
  trade: PublicTrade;
  ticker: Ticker;
  state: WsStateEvent;
  open: WsOpenInfo;
  /** Something went wrong that the stream recovers from by itself (for logs). */
  error: EngineError;
  /** A depth version gap was seen; the book is being rebuilt. */
  resync: { readonly symbol: string; readonly reason: string };
}

export interface PublicStreamOptions {
  readonly url: string;
  readonly clock: Clock;
  readonly rng: Rng;
  readonly instrument: (symbol: string) => Instrument;
  /** Levels per side in emitted book events. Default 20. */
  readonly bookDepth?: number;
  /** Also subscribe spot/ticker. Default false. */
  readonly tickers?: boolean;
  /** Text "ping" interval (venue drops silent sockets after 20 s). Default 15 s. */
  readonly pingIntervalMs?: number;
  readonly pongTimeoutMs?: number;
  /** How long to wait for a requested snapshot before rebuilding the connection. Default 3 s. */
  readonly resyncTimeoutMs?: number;
  readonly ackTimeoutMs?: number;
  readonly backoff?: BackoffOptions;
}

const DEPTH = 'spot/depth/increase100';

export class PublicStream {
  readonly events = new EventBus<PublicStreamEvents>();
  private readonly ws: ReconnectingWebSocket;
  private readonly options: PublicStreamOptions;
  private readonly clock: Clock;
  private readonly books = new Map<string, LocalOrderBook>();
  private readonly resyncTimers = new Map<string, TimerHandle>();
  private readonly bookDepth: number;
  /** Symbols subscribed on the current connection. */
  private readonly live = new Set<string>();
  private tradeSeq = 0;

  constructor(options: PublicStreamOptions) {
    this.options = options;
    this.clock = options.clock;
    this.bookDepth = options.bookDepth ?? 20;
    this.ws = new ReconnectingWebSocket({
      url: options.url,
      clock: options.clock,
      rng: options.rng,
      name: 'bitmart public',
      heartbeat: { intervalMs: options.pingIntervalMs ?? 15_000, timeoutMs: options.pongTimeoutMs ?? 10_000, ping: 'ping' },
      ...(options.backoff === undefined ? {} : { backoff: options.backoff }),
      decode: decodeFrame,
      onOpen: (conn, info) => this.onOpen(conn, info),
    });
    this.ws.events.on('message', (text) => this.onMessage(text));
    this.ws.events.on('state', (state) => this.events.emit('state', state));
    this.ws.events.on('open', (info) => {
      this.events.emit('open', info);
      void this.catchUp();
    });
    this.ws.events.on('error', (error) => this.events.emit('error', error));
  }

  get isOpen(): boolean {
    return this.ws.isOpen;
  }

  /** The local book of a subscribed symbol (tests, diagnostics). */
  book(symbol: string): LocalOrderBook | undefined {
    return this.books.get(symbol);
  }

  start(): void {
    this.ws.start();
  }

  close(): void {
    for (const timer of this.resyncTimers.values()) this.clock.clearTimer(timer);
    this.resyncTimers.clear();
    this.ws.close();
  }

  /** Resolves once the subscription is acknowledged (or queues it for the next connection). */
  async subscribe(symbol: string): Promise<void> {
    if (this.books.has(symbol)) return;
    this.books.set(symbol, new LocalOrderBook({ symbol, rule: 'contiguous', onResyncNeeded: (reason) => this.resync(symbol, reason) }));
    if (!this.ws.isOpen) return; // the next connection subscribes it
    this.live.add(symbol);
    await this.sendOp('subscribe', this.topics(symbol));
  }

  async unsubscribe(symbol: string): Promise<void> {
    if (!this.books.delete(symbol)) return;
    this.live.delete(symbol);
    this.clock.clearTimer(this.resyncTimers.get(symbol));
    this.resyncTimers.delete(symbol);
    if (this.ws.isOpen) await this.sendOp('unsubscribe', this.topics(symbol)).catch(() => undefined);
  }

  /** Drops the connection and starts over (e.g. a resync that got no snapshot). */
  reconnect(reason: string): void {
    this.ws.forceReconnect(reason);
  }

  private topics(symbol: string): string[] {
    const topics = [`${DEPTH}:${symbol}`, `spot/trade:${symbol}`];
    if (this.options.tickers === true) topics.push(`spot/ticker:${symbol}`);
    return topics;
  }

  private async sendOp(op: 'subscribe' | 'unsubscribe', topics: string[]): Promise<void> {
    // A one-off connection view over the live socket, for subscribeAll's ack matching.
    const conn: WsConnection = {
      send: (text) => this.ws.send(text),
      waitFor: (match, timeoutMs) => this.waitFor(match, timeoutMs),
    };
    await subscribeAll(conn, topics, this.options.ackTimeoutMs ?? 5000, op);
  }

  private waitFor(match: (text: string) => boolean, timeoutMs: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = this.clock.setTimeout(() => {
        off();
        reject(new EngineError('TIMEOUT', `bitmart public: no reply within ${timeoutMs} ms`));
      }, timeoutMs);
      const off = this.ws.events.on('message', (text) => {
        if (!match(text)) return;
        off();
        this.clock.clearTimer(timer);
        resolve(text);
      });
    });
  }

  private async onOpen(conn: WsConnection, info: WsOpenInfo): Promise<void> {
    // Whatever the books held belongs to the old connection; each resubscription starts
    // with a fresh snapshot.
    if (info.reconnect) for (const book of this.books.values()) book.reset();
    this.live.clear();
    const symbols = [...this.books.keys()];
    const topics = symbols.flatMap((s) => this.topics(s));
    if (topics.length > 0) await subscribeAll(conn, topics, this.options.ackTimeoutMs ?? 5000);
    for (const s of symbols) this.live.add(s);
  }

  /** Symbols added while the connection was being set up are subscribed once it is open. */
  private async catchUp(): Promise<void> {
    const missing = [...this.books.keys()].filter((s) => !this.live.has(s));
    if (missing.length === 0) return;
    for (const s of missing) this.live.add(s);
    try {
      await this.sendOp('subscribe', missing.flatMap((s) => this.topics(s)));
    } catch (error) {
      for (const s of missing) this.live.delete(s);
      this.events.emit('error', error instanceof EngineError ? error : new EngineError('NETWORK', `bitmart public: subscribe failed: ${String(error)}`));
      this.ws.forceReconnect('subscription failed');
    }
  }

  private onMessage(text: string): void {
    const msg = parseIncoming(text);
    if (msg.kind === 'error') {
      this.events.emit('error', new EngineError('VENUE_ERROR', `bitmart public: ${msg.message} (code ${msg.code})`, { venueCode: msg.code }));
      return;
    }
    if (msg.kind !== 'push') return;
    try {
      this.route(msg.push);
    } catch (error) {
      this.events.emit(
        'error',
        error instanceof EngineError ? error : new EngineError('VENUE_ERROR', `bitmart public: bad ${msg.push.table} push: ${String(error)}`, { cause: error }),
      );
    }
  }

  private route(push: Push): void {
    if (push.table === DEPTH) for (const d of push.data as WireDepth[]) this.onDepth(d);
    else if (push.table === 'spot/trade') for (const t of push.data as WirePublicTrade[]) this.onTrade(t);
    else if (push.table === 'spot/ticker') for (const t of push.data as WireTicker[]) this.onTicker(t);
  }

  private onDepth(d: WireDepth): void {
    const symbol = d.symbol ?? '';
    const book = this.books.get(symbol);
    if (book === undefined) return;
    const inst = this.options.instrument(symbol);
    const version = Number(d.version);
    if (!Number.isSafeInteger(version)) throw new EngineError('VENUE_ERROR', `bitmart public: depth push for ${symbol} without a version`);
    const venueTime = Number(d.ms_t ?? this.clock.now());
    const bids = toLevels(inst, d.bids);
    const asks = toLevels(inst, d.asks);
    if (d.type === 'snapshot') {
      this.clock.clearTimer(this.resyncTimers.get(symbol));
      this.resyncTimers.delete(symbol);
      book.applySnapshot({ bids, asks, sequence: version, venueTime });
    } else {
      // An empty update repeating the version is the venue's heartbeat: nothing to apply.
      const result = book.applyDelta({ bids, asks, firstSeq: version, lastSeq: version, venueTime });
      if (result !== 'applied') return;
    }
    if (book.state === 'live') this.events.emit('book', book.toSnapshot(this.bookDepth, this.clock.now()));
  }

  private resync(symbol: string, reason: string): void {
    this.events.emit('resync', { symbol, reason });
    if (this.resyncTimers.has(symbol)) return;
    try {
      this.ws.send(JSON.stringify({ op: 'request', args: [`${DEPTH}:${symbol}`] }));
    } catch {
      // not connected: the reconnect resubscribes and brings a snapshot anyway
      return;
    }
    this.resyncTimers.set(
      symbol,
      this.clock.setTimeout(() => {
        this.resyncTimers.delete(symbol);
        if (this.books.get(symbol)?.state !== 'live') this.ws.forceReconnect(`no depth snapshot for ${symbol} after a version gap`);
      }, this.options.resyncTimeoutMs ?? 3000),
    );
  }

  private onTrade(t: WirePublicTrade): void {
    const symbol = t.symbol ?? '';
    if (!this.books.has(symbol)) return;
    const inst = this.options.instrument(symbol);
    const venueTime = Number(t.ms_t);
    const side: Side = t.side === 'sell' ? 'sell' : 'buy';
    // BitMart trades carry no id (§8.21): time, price, size and side identify one, plus a local counter.
    this.tradeSeq++;
    this.events.emit('trade', {
      symbol,
      tradeId: `${venueTime}-${t.price ?? ''}-${t.size ?? ''}-${side}-${this.tradeSeq}`,
      priceTicks: inst.priceToTicks(t.price ?? ''),
      qtyLots: inst.qtyToLots(t.size ?? ''),
      takerSide: side,
      venueTime,
      receivedAt: this.clock.now(),
    });
  }

  private onTicker(t: WireTicker): void {
    const symbol = t.symbol ?? '';
    if (!this.books.has(symbol)) return;
    const inst = this.options.instrument(symbol);
    const px = (p: string | undefined): number | undefined => (p === undefined || Number(p) === 0 ? undefined : inst.priceToTicks(p));
    this.events.emit('ticker', {
      symbol,
      lastTicks: px(t.last_price ?? t.last),
      bidTicks: px(t.bid_px),
      askTicks: px(t.ask_px),
      venueTime: Number(t.ms_t ?? t.ts ?? this.clock.now()),
      receivedAt: this.clock.now(),
    });
  }
}

function toLevels(inst: Instrument, levels: WireDepth['bids']): LevelInput[] {
  return (levels ?? []).map(([price, qty]) => [inst.priceToTicks(price), inst.qtyToLots(qty)] as const);
}
