// The mock's WebSocket side (catalogue §7, §9): /api for public channels and /user for the
// private ones after login. Control messages (acks, errors, "pong") are text frames; data pushes
// are binary frames of raw DEFLATE. Depth follows spot/depth/increase100: a snapshot on
// subscribe, then updates whose `version` grows by one, empty heartbeats that repeat the
// version, and a fresh snapshot on {"op":"request"}.
import { deflateRawSync } from 'node:zlib';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { fx } from '@mm/core';
import type { Clock, Instrument, PublicTrade, TimerHandle } from '@mm/core';
import type { SimExchange } from '@mm/exchange-sim';
import { checkWsLogin } from './mock-auth.ts';
import type { MockApiKey } from './mock-auth.ts';

export interface MockWsOptions {
  readonly clock: Clock;
  readonly exchange: SimExchange;
  readonly keys: ReadonlyMap<string, MockApiKey>;
  readonly instrument: (symbol: string) => Instrument | undefined;
  /** How often changed books are published (venue: at most every 100 ms). */
  readonly depthIntervalMs: number;
  /** Empty update with the unchanged version after this long without a change. */
  readonly depthHeartbeatMs: number;
  readonly tickerIntervalMs: number;
  /** Close a socket that sent nothing for this long (venue: 20 s). 0 = never. */
  readonly idleCloseMs: number;
}

type SessionKind = 'public' | 'private';

interface Session {
  readonly socket: WebSocket;
  readonly kind: SessionKind;
  key: MockApiKey | undefined;
  readonly topics: Set<string>;
  lastMessageAt: number;
  /** Per table, a push held back to be sent after the next one of that table (out-of-order fault). */
  readonly held: Map<string, Buffer>;
}

interface DepthState {
  version: number;
  bids: Map<number, number>;
  asks: Map<number, number>;
  lastPushAt: number;
  gapNext: boolean;
}

interface TickerState {
  last: number | undefined;
  open: number | undefined;
  high: number | undefined;
  low: number | undefined;
  baseVolume: bigint;
  quoteVolume: bigint;
  dirty: boolean;
}

const PUBLIC_CHANNELS = new Set(['spot/depth/increase100', 'spot/trade', 'spot/ticker', 'spot/depth5', 'spot/depth20', 'spot/depth50']);
const MAX_TOPICS_PER_REQUEST = 20;
const DEPTH_LEVELS = 100;

export interface PrivatePushFaults {
  duplicate: boolean;
  reorder: boolean;
  delayMs: number;
}

export class MockWebSockets {
  readonly privateFaults: PrivatePushFaults = { duplicate: false, reorder: false, delayMs: 0 };
  /** Fault: {"op":"request"} snapshot requests go unanswered. */
  ignoreSnapshotRequests = false;
  /** Every text message received from clients, for tests (e.g. how often "ping" came). */
  readonly received: { kind: SessionKind; text: string; at: number }[] = [];
  private readonly server = new WebSocketServer({ noServer: true });
  private readonly sessions = new Set<Session>();
  private readonly depth = new Map<string, DepthState>();
  private readonly tickers = new Map<string, TickerState>();
  /** Recent public trades per symbol, newest last, for REST /spot/quotation/v3/trades. */
  private readonly recent = new Map<string, PublicTrade[]>();
  private readonly timers: TimerHandle[] = [];
  private readonly unlisten: () => void;

  constructor(private readonly options: MockWsOptions) {
    this.unlisten = options.exchange.listenPublic({ trade: (trade) => this.onTrade(trade) });
    this.timers.push(options.clock.setInterval(() => this.publishAllDepth(), options.depthIntervalMs));
    this.timers.push(options.clock.setInterval(() => this.publishTickers(), options.tickerIntervalMs));
    if (options.idleCloseMs > 0) {
      this.timers.push(options.clock.setInterval(() => this.closeIdle(), Math.max(10, Math.floor(options.idleCloseMs / 4))));
    }
  }

  /** Takes over an HTTP upgrade on /api or /user (an optional ?protocol=1.1 is ignored). */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = (request.url ?? '').split('?')[0];
    const kind: SessionKind | undefined = path === '/api' ? 'public' : path === '/user' ? 'private' : undefined;
    if (kind === undefined) {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.server.handleUpgrade(request, socket, head, (ws) => this.accept(ws, kind));
  }

  connectionCount(kind: SessionKind): number {
    let n = 0;
    for (const s of this.sessions) if (s.kind === kind) n++;
    return n;
  }

  /** Drops every connection of a kind, as a network failure would (no close handshake). */
  drop(kind: SessionKind): void {
    for (const session of [...this.sessions]) {
      if (session.kind !== kind) continue;
      this.sessions.delete(session);
      session.socket.terminate();
    }
  }

  /** The next depth update of `symbol` (or of every symbol) skips one version. */
  injectVersionGap(symbol?: string): void {
    for (const [sym, state] of this.depth) if (symbol === undefined || sym === symbol) state.gapNext = true;
    if (symbol !== undefined && !this.depth.has(symbol)) this.depthState(symbol).gapNext = true;
  }

  /** Current published depth version of a symbol (tests). */
  depthVersion(symbol: string): number {
    return this.depthState(symbol).version;
  }

  /** Sends an order push to the account's sessions subscribed to the symbol or to ALL_SYMBOLS. */
  pushOrder(account: string, symbol: string, data: Record<string, unknown>): void {
    for (const session of this.sessions) {
      if (session.kind !== 'private' || session.key?.account !== account) continue;
      if (session.topics.has(`spot/user/order:${symbol}`)) this.sendPrivate(session, { table: 'spot/user/order', data: [data] });
      else if (session.topics.has('spot/user/orders:ALL_SYMBOLS')) this.sendPrivate(session, { table: 'spot/user/orders', data: [data] });
    }
  }

  pushBalance(account: string, details: readonly { ccy: string; av_bal: string; fz_bal: string }[]): void {
    const data = [{ event_type: 'TRANSACTION_COMPLETED', event_time: String(this.options.clock.now()), balance_details: details }];
    for (const session of this.sessions) {
      if (session.kind === 'private' && session.key?.account === account && session.topics.has('spot/user/balance:BALANCE_UPDATE')) {
        this.sendPrivate(session, { table: 'spot/user/balance', data });
      }
    }
  }

  close(): void {
    for (const timer of this.timers) this.options.clock.clearTimer(timer);
    this.unlisten();
    for (const session of this.sessions) session.socket.terminate();
    this.sessions.clear();
    this.server.close();
  }

  // ---------------------------------------------------------------- sessions

  private accept(socket: WebSocket, kind: SessionKind): void {
    const session: Session = { socket, kind, key: undefined, topics: new Set(), lastMessageAt: this.options.clock.now(), held: new Map() };
    this.sessions.add(session);
    socket.on('message', (data, isBinary) => {
      if (isBinary) return;
      this.onText(session, Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8'));
    });
    socket.on('close', () => this.sessions.delete(session));
    socket.on('error', () => this.sessions.delete(session));
  }

  private onText(session: Session, text: string): void {
    const now = this.options.clock.now();
    session.lastMessageAt = now;
    this.received.push({ kind: session.kind, text, at: now });
    if (text === 'ping') {
      session.socket.send('pong');
      return;
    }
    let message: { op?: unknown; args?: unknown };
    try {
      message = JSON.parse(text) as { op?: unknown; args?: unknown };
    } catch {
      this.sendText(session, { event: 'error', errorCode: '90001', errorMessage: 'Invalid message format' });
      return;
    }
    switch (message.op) {
      case 'login':
        this.login(session, message.args);
        return;
      case 'subscribe':
      case 'unsubscribe':
      case 'request':
        this.topicsOp(session, message.op, message.args);
        return;
      default:
        this.sendText(session, { event: 'error', errorCode: '90002', errorMessage: 'Invalid op param' });
    }
  }

  private login(session: Session, args: unknown): void {
    if (session.kind !== 'private') {
      this.sendText(session, { event: 'login', errorCode: '90002', errorMessage: 'Invalid op param' });
      return;
    }
    if (session.key !== undefined) {
      this.sendText(session, { event: 'login', errorCode: '91005', errorMessage: 'Already logged in' });
      return;
    }
    const result = checkWsLogin(this.options.keys, args, this.options.clock.now());
    if (!result.ok) {
      // the venue answers, then closes the socket
      this.sendText(session, { event: 'login', ...result.failure });
      session.socket.close(1000, 'login failed');
      return;
    }
    session.key = result.key;
    this.sendText(session, { event: 'login' });
  }

  private topicsOp(session: Session, op: 'subscribe' | 'unsubscribe' | 'request', args: unknown): void {
    if (!Array.isArray(args) || args.length === 0 || !args.every((a) => typeof a === 'string')) {
      this.sendText(session, { event: op, errorCode: '90003', errorMessage: 'Invalid args param' });
      return;
    }
    const topics = args as string[];
    if (topics.length > MAX_TOPICS_PER_REQUEST) {
      this.sendText(session, { event: op, errorCode: '90005', errorMessage: 'Topic quantity in single subscription exceeds limit' });
      return;
    }
    for (const topic of topics) {
      const problem = this.checkTopic(session, topic, op);
      if (problem !== undefined) {
        this.sendText(session, { event: op, topic, ...problem });
        continue;
      }
      if (op === 'request') {
        if (!this.ignoreSnapshotRequests) this.sendDepthSnapshot(session, topic.slice(topic.indexOf(':') + 1));
        continue;
      }
      if (op === 'unsubscribe') {
        session.topics.delete(topic);
        this.sendText(session, { event: 'unsubscribe', topic });
        continue;
      }
      session.topics.add(topic);
      this.sendText(session, { event: 'subscribe', topic });
      this.afterSubscribe(session, topic);
    }
  }

  private checkTopic(session: Session, topic: string, op: string): { errorCode: string; errorMessage: string } | undefined {
    const colon = topic.indexOf(':');
    const channel = colon < 0 ? topic : topic.slice(0, colon);
    const arg = colon < 0 ? '' : topic.slice(colon + 1);
    if (channel.startsWith('spot/user/')) {
      if (session.kind !== 'private' || session.key === undefined) return { errorCode: '91006', errorMessage: 'User not logged in' };
      if (channel === 'spot/user/order' && this.options.instrument(arg) !== undefined) return undefined;
      if (channel === 'spot/user/orders' && arg === 'ALL_SYMBOLS') return undefined;
      if (channel === 'spot/user/balance' && arg === 'BALANCE_UPDATE') return undefined;
      return channel === 'spot/user/order' ? { errorCode: '92001', errorMessage: 'Invalid symbol param' } : { errorCode: '90004', errorMessage: 'Invalid channel param' };
    }
    if (!PUBLIC_CHANNELS.has(channel)) return { errorCode: '90004', errorMessage: 'Invalid channel param' };
    if (op === 'request' && channel !== 'spot/depth/increase100') return { errorCode: '90004', errorMessage: 'Invalid channel param' };
    if (this.options.instrument(arg) === undefined) return { errorCode: '92001', errorMessage: 'Invalid symbol param' };
    return undefined;
  }

  private afterSubscribe(session: Session, topic: string): void {
    const [channel, symbol = ''] = topic.split(':');
    if (channel === 'spot/depth/increase100') this.sendDepthSnapshot(session, symbol);
    else if (channel === 'spot/ticker') this.sendTicker([session], symbol);
    else if (channel === 'spot/depth5' || channel === 'spot/depth20' || channel === 'spot/depth50') this.sendTopN(session, channel, symbol);
  }

  private closeIdle(): void {
    const cutoff = this.options.clock.now() - this.options.idleCloseMs;
    for (const session of [...this.sessions]) {
      if (session.lastMessageAt < cutoff) {
        this.sessions.delete(session);
        session.socket.close(1000, 'idle');
      }
    }
  }

  // ---------------------------------------------------------------- sending

  private sendText(session: Session, message: unknown): void {
    if (session.socket.readyState === session.socket.OPEN) session.socket.send(JSON.stringify(message));
  }

  private sendData(session: Session, message: unknown): void {
    if (session.socket.readyState === session.socket.OPEN) session.socket.send(compress(message), { binary: true });
  }

  /** Private pushes go through the fault knobs: delay, duplicates, swapped order within a table. */
  private sendPrivate(session: Session, message: { table: string; data: readonly unknown[] }): void {
    const frame = compress(message);
    const faults = this.privateFaults;
    const deliver = (): void => {
      if (session.socket.readyState !== session.socket.OPEN) return;
      const send = (f: Buffer): void => {
        session.socket.send(f, { binary: true });
        if (faults.duplicate) session.socket.send(f, { binary: true });
      };
      if (faults.reorder && !session.held.has(message.table)) {
        session.held.set(message.table, frame);
        return;
      }
      send(frame);
      const late = session.held.get(message.table);
      if (late !== undefined) {
        session.held.delete(message.table);
        send(late);
      }
    };
    if (faults.delayMs > 0) this.options.clock.setTimeout(deliver, faults.delayMs);
    else deliver();
  }

  /** Sends pushes held back by the reorder fault (so a test can end cleanly). */
  flushHeld(): void {
    for (const session of this.sessions) {
      if (session.socket.readyState === session.socket.OPEN) for (const frame of session.held.values()) session.socket.send(frame, { binary: true });
      session.held.clear();
    }
  }

  // ---------------------------------------------------------------- depth

  private depthState(symbol: string): DepthState {
    let state = this.depth.get(symbol);
    if (state === undefined) {
      state = { version: 1, bids: new Map(), asks: new Map(), lastPushAt: this.options.clock.now(), gapNext: false };
      this.depth.set(symbol, state);
    }
    return state;
  }

  private subscribers(topic: string): Session[] {
    return [...this.sessions].filter((s) => s.kind === 'public' && s.topics.has(topic));
  }

  private publishAllDepth(): void {
    const symbols = new Set<string>();
    for (const s of this.sessions) {
      for (const topic of s.topics) if (topic.startsWith('spot/depth')) symbols.add(topic.slice(topic.indexOf(':') + 1));
    }
    for (const symbol of symbols) this.publishDepth(symbol);
  }

  /** Diffs the matching book against the last published state and pushes the change. */
  private publishDepth(symbol: string): void {
    const inst = this.options.instrument(symbol);
    if (inst === undefined) return;
    const state = this.depthState(symbol);
    const book = this.options.exchange.book(symbol);
    const bids = new Map(book.bids.top(DEPTH_LEVELS).map((l) => [l.priceTicks, l.qtyLots] as const));
    const asks = new Map(book.asks.top(DEPTH_LEVELS).map((l) => [l.priceTicks, l.qtyLots] as const));
    const bidChanges = diff(state.bids, bids);
    const askChanges = diff(state.asks, asks);
    const now = this.options.clock.now();
    const topic = `spot/depth/increase100:${symbol}`;
    const subscribers = this.subscribers(topic);
    if (bidChanges.length === 0 && askChanges.length === 0) {
      if (now - state.lastPushAt >= this.options.depthHeartbeatMs) {
        state.lastPushAt = now;
        const heartbeat = { table: 'spot/depth/increase100', data: [{ symbol, asks: [], bids: [], ms_t: now, type: 'update', version: state.version }] };
        for (const s of subscribers) this.sendData(s, heartbeat);
      }
      return;
    }
    state.version += state.gapNext ? 2 : 1;
    state.gapNext = false;
    state.bids = bids;
    state.asks = asks;
    state.lastPushAt = now;
    const update = {
      table: 'spot/depth/increase100',
      data: [{ symbol, asks: levels(inst, askChanges), bids: levels(inst, bidChanges), ms_t: now, type: 'update', version: state.version }],
    };
    for (const s of subscribers) this.sendData(s, update);
    for (const channel of ['spot/depth5', 'spot/depth20', 'spot/depth50']) {
      for (const s of this.subscribers(`${channel}:${symbol}`)) this.sendTopN(s, channel, symbol);
    }
    const ticker = this.tickers.get(symbol);
    if (ticker !== undefined) ticker.dirty = true;
  }

  private sendDepthSnapshot(session: Session, symbol: string): void {
    const inst = this.options.instrument(symbol);
    if (inst === undefined) return;
    // publish pending changes first, so the snapshot is exactly the state at its version
    this.publishDepth(symbol);
    const state = this.depthState(symbol);
    const sorted = (m: Map<number, number>, descending: boolean): [number, number][] => [...m].sort((a, b) => (descending ? b[0] - a[0] : a[0] - b[0]));
    this.sendData(session, {
      table: 'spot/depth/increase100',
      data: [
        {
          symbol,
          asks: levels(inst, sorted(state.asks, false)),
          bids: levels(inst, sorted(state.bids, true)),
          ms_t: this.options.clock.now(),
          type: 'snapshot',
          version: state.version,
        },
      ],
    });
  }

  private sendTopN(session: Session, channel: string, symbol: string): void {
    const inst = this.options.instrument(symbol);
    if (inst === undefined) return;
    const n = Number(channel.slice('spot/depth'.length));
    const book = this.options.exchange.book(symbol);
    const toPairs = (list: { priceTicks: number; qtyLots: number }[]): [number, number][] => list.map((l) => [l.priceTicks, l.qtyLots]);
    this.sendData(session, {
      table: channel,
      data: [{ symbol, asks: levels(inst, toPairs(book.asks.top(n))), bids: levels(inst, toPairs(book.bids.top(n))), ms_t: this.options.clock.now() }],
    });
  }

  // ---------------------------------------------------------------- trades and tickers

  private onTrade(trade: PublicTrade): void {
    const inst = this.options.instrument(trade.symbol);
    if (inst === undefined) return;
    const ticker = this.ticker(trade.symbol);
    ticker.last = trade.priceTicks;
    ticker.open ??= trade.priceTicks;
    ticker.high = Math.max(ticker.high ?? trade.priceTicks, trade.priceTicks);
    ticker.low = Math.min(ticker.low ?? trade.priceTicks, trade.priceTicks);
    ticker.baseVolume += inst.lotsToFixed(trade.qtyLots);
    ticker.quoteVolume += inst.notional(trade.priceTicks, trade.qtyLots);
    ticker.dirty = true;
    const recent = this.recent.get(trade.symbol) ?? [];
    recent.push(trade);
    if (recent.length > 50) recent.shift();
    this.recent.set(trade.symbol, recent);
    const push = {
      table: 'spot/trade',
      data: [
        {
          symbol: trade.symbol,
          price: inst.ticksToPrice(trade.priceTicks),
          side: trade.takerSide,
          size: inst.lotsToQty(trade.qtyLots),
          s_t: Math.floor(trade.venueTime / 1000),
          ms_t: trade.venueTime,
        },
      ],
    };
    for (const s of this.subscribers(`spot/trade:${trade.symbol}`)) this.sendData(s, push);
  }

  private ticker(symbol: string): TickerState {
    let t = this.tickers.get(symbol);
    if (t === undefined) {
      t = { last: undefined, open: undefined, high: undefined, low: undefined, baseVolume: 0n, quoteVolume: 0n, dirty: true };
      this.tickers.set(symbol, t);
    }
    return t;
  }

  /** REST trades: [symbol, ts ms, price, size, taker side], newest first (catalogue §3.1). */
  recentTrades(symbol: string, limit: number): [string, string, string, string, string][] {
    const inst = this.options.instrument(symbol);
    if (inst === undefined) return [];
    return (this.recent.get(symbol) ?? [])
      .slice(-limit)
      .reverse()
      .map((t) => [symbol, String(t.venueTime), inst.ticksToPrice(t.priceTicks), inst.lotsToQty(t.qtyLots), t.takerSide]);
  }

  /** The ticker object as REST and WS show it (WS names the last price `last_price`). */
  tickerData(symbol: string): Record<string, unknown> | undefined {
    const inst = this.options.instrument(symbol);
    if (inst === undefined) return undefined;
    const t = this.ticker(symbol);
    const book = this.options.exchange.book(symbol);
    const bid = book.bids.top(1)[0];
    const ask = book.asks.top(1)[0];
    const price = (ticks: number | undefined): string => (ticks === undefined ? '0' : inst.ticksToPrice(ticks));
    const fluctuation = t.last !== undefined && t.open !== undefined && t.open > 0 ? ((t.last - t.open) / t.open).toFixed(5) : '0';
    return {
      symbol,
      last: price(t.last),
      open_24h: price(t.open),
      high_24h: price(t.high),
      low_24h: price(t.low),
      v_24h: fx.format(t.baseVolume),
      qv_24h: fx.format(t.quoteVolume),
      fluctuation,
      bid_px: price(bid?.priceTicks),
      bid_sz: bid === undefined ? '0' : inst.lotsToQty(bid.qtyLots),
      ask_px: price(ask?.priceTicks),
      ask_sz: ask === undefined ? '0' : inst.lotsToQty(ask.qtyLots),
      ts: String(this.options.clock.now()),
    };
  }

  private sendTicker(sessions: readonly Session[], symbol: string): void {
    const d = this.tickerData(symbol);
    if (d === undefined || sessions.length === 0) return;
    const now = this.options.clock.now();
    const push = {
      table: 'spot/ticker',
      data: [
        {
          symbol,
          last_price: d.last,
          open_24h: d.open_24h,
          high_24h: d.high_24h,
          low_24h: d.low_24h,
          base_volume_24h: d.v_24h,
          quote_volume_24h: d.qv_24h,
          fluctuation: d.fluctuation,
          bid_px: d.bid_px,
          bid_sz: d.bid_sz,
          ask_px: d.ask_px,
          ask_sz: d.ask_sz,
          ms_t: now,
          s_t: Math.floor(now / 1000),
        },
      ],
    };
    for (const s of sessions) this.sendData(s, push);
  }

  private publishTickers(): void {
    for (const [symbol, t] of this.tickers) {
      if (!t.dirty) continue;
      t.dirty = false;
      this.sendTicker(this.subscribers(`spot/ticker:${symbol}`), symbol);
    }
  }
}

function compress(message: unknown): Buffer {
  return deflateRawSync(Buffer.from(JSON.stringify(message), 'utf8'));
}

/** Changed levels between two books: new quantity, or 0 for a level that went away. */
function diff(before: ReadonlyMap<number, number>, after: ReadonlyMap<number, number>): [number, number][] {
  const out: [number, number][] = [];
  for (const [price, qty] of after) if (before.get(price) !== qty) out.push([price, qty]);
  for (const price of before.keys()) if (!after.has(price)) out.push([price, 0]);
  return out;
}

function levels(inst: Instrument, pairs: readonly (readonly [number, number])[]): [string, string][] {
  return pairs.map(([price, qty]) => [inst.ticksToPrice(price), inst.lotsToQty(qty)]);
}
