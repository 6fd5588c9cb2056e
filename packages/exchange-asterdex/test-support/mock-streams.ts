// The mock's WebSocket side. Market streams (/ws/<stream>, /stream?streams=a/b, live
// SUBSCRIBE / UNSUBSCRIBE / LIST_SUBSCRIPTIONS / SET_PROPERTY / GET_PROPERTY) carry diff
// depth, book ticker, aggregate trades and mark prices from the SimExchange. User streams
// (/ws/<listenKey>) carry ORDER_TRADE_UPDATE, ACCOUNT_UPDATE (reason ORDER for trading,
// DEPOSIT / WITHDRAW / FUNDING_FEE for cash flows), MARGIN_CALL and ACCOUNT_CONFIG_UPDATE
// (futures) or executionReport and outboundAccountPosition (spot), built from the
// SimExchange's account events. Faults: dropped connections, duplicated fills,
// swapped events, delays, listen-key expiry, and a forced disconnect after a maximum lifetime.
import type { IncomingMessage } from 'node:http';
import type { WebSocket, WebSocketServer } from 'ws';
import type { Balance, CashFlow, Fill, TimerHandle, VenueOrder } from '@mm/core';
import { fx, isTerminalVenueStatus } from '@mm/core';
import { DepthPublisher } from './mock-depth.ts';
import type { DepthEvent } from './mock-depth.ts';
import { accountUpdateEvent, orderEvent, spotAccountEvent } from './mock-payloads.ts';
import type { ListenKey, MockMarket, MockState } from './mock-state.ts';

export interface StreamOptions {
  /** Depth diff interval (the venue: 100 ms). */
  readonly publishIntervalMs: number;
  /** Mark price interval for @markPrice@1s (the venue: 1 s). */
  readonly markIntervalMs: number;
  /** The venue cuts connections at 24 h. */
  readonly maxConnectionMs: number;
  /** Server ping interval (the venue: 5 min). */
  readonly serverPingMs: number;
}

interface MarketConn {
  readonly ws: WebSocket;
  combined: boolean;
  readonly streams: Set<string>;
  messages: number;
  windowStart: number;
  readonly timers: TimerHandle[];
}

interface UserConn {
  readonly ws: WebSocket;
  readonly key: ListenKey;
  held: string | undefined;
  readonly timers: TimerHandle[];
}

export class MockStreams {
  readonly publishers = new Map<string, DepthPublisher>();
  private readonly market = new Set<MarketConn>();
  private readonly users = new Set<UserConn>();
  private readonly timers: TimerHandle[] = [];
  private readonly unlisten: (() => void)[] = [];
  private readonly pendingFills = new Map<string, Fill[]>();
  private readonly seenOrders = new Set<string>();
  private closed = false;
  /** Connections accepted, for tests. */
  readonly accepted = { market: 0, user: 0 };

  constructor(
    private readonly state: MockState,
    wss: WebSocketServer,
    private readonly options: StreamOptions,
  ) {
    const clock = state.clock;
    for (const inst of state.exchange.instruments()) {
      const market: MockMarket = inst.kind === 'perp' ? 'futures' : 'spot';
      this.publishers.set(inst.symbol, new DepthPublisher(state.exchange, inst.symbol, market, () => state.now(), (event) => this.onDepth(inst.symbol, event)));
    }
    this.timers.push(clock.setInterval(() => this.publishAll(), options.publishIntervalMs));
    this.timers.push(clock.setInterval(() => this.publishMarks(), options.markIntervalMs));
    this.timers.push(
      clock.setInterval(() => {
        for (const c of [...this.market, ...this.users]) if (c.ws.readyState === c.ws.OPEN) c.ws.ping();
      }, options.serverPingMs),
    );
    this.unlisten.push(
      state.exchange.listenPublic({
        trade: (t) => {
          const inst = state.exchange.instrument(t.symbol);
          const id = Number(t.tradeId);
          const payload = { e: 'aggTrade', E: state.now(), s: t.symbol, a: id, p: inst.ticksToPrice(t.priceTicks), q: inst.lotsToQty(t.qtyLots), f: id, l: id, T: t.venueTime, m: t.takerSide === 'sell' };
          this.toMarket(`${t.symbol.toLowerCase()}@aggTrade`, payload);
        },
      }),
    );
    for (const account of state.accounts.values()) this.watchAccount(account.name);
    wss.on('connection', (ws, req) => this.onConnection(ws, req));
  }

  /** Publishes every symbol's pending depth changes now. */
  publishAll(): void {
    for (const p of this.publishers.values()) p.publish();
    this.publishPartialDepth();
  }

  /** `<symbol>@depth<5|10|20>[@100ms|@500ms]`: the top N levels as a depthUpdate, each tick. */
  private publishPartialDepth(): void {
    for (const [symbol, publisher] of this.publishers) {
      const s = symbol.toLowerCase();
      for (const levels of [5, 10, 20]) {
        const prefix = `${s}@depth${levels}`;
        const matches = (stream: string): boolean => stream === prefix || stream === `${prefix}@100ms` || stream === `${prefix}@500ms`;
        if (![...this.market].some((c) => [...c.streams].some(matches))) continue;
        const snap = publisher.snapshot(levels) as { lastUpdateId: number; E: number; T: number; bids: unknown; asks: unknown };
        const id = snap.lastUpdateId;
        this.toMarket(prefix, { e: 'depthUpdate', E: snap.E, T: snap.T, s: symbol, U: id, u: id, pu: id, b: snap.bids, a: snap.asks }, matches);
      }
    }
  }

  // ---------------------------------------------------------------- faults

  dropMarket(): void {
    for (const c of this.market) c.ws.terminate();
  }

  /** Drops user-stream sockets (of one account, or all); the keys stay valid. */
  dropUser(account?: string): void {
    for (const c of this.users) if (account === undefined || c.key.account === account) c.ws.terminate();
  }

  /** The key expires now: listenKeyExpired, then no more events on it. */
  expire(key: ListenKey): void {
    this.state.dropKey(key);
    const event = JSON.stringify({ e: 'listenKeyExpired', E: this.state.now() });
    for (const c of this.users) {
      if (c.key !== key) continue;
      if (c.ws.readyState === c.ws.OPEN) c.ws.send(event);
      c.ws.close(1000, 'listenKey expired');
    }
  }

  /** A DELETEd key: its sockets close. */
  closeKey(key: ListenKey): void {
    for (const c of this.users) if (c.key === key) c.ws.close(1000, 'listenKey closed');
  }

  userConnections(account?: string): number {
    return [...this.users].filter((c) => account === undefined || c.key.account === account).length;
  }

  marketConnections(): number {
    return this.market.size;
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) this.state.clock.clearTimer(t);
    for (const off of this.unlisten) off();
    for (const c of [...this.market, ...this.users]) {
      for (const t of c.timers) this.state.clock.clearTimer(t);
      c.ws.terminate();
    }
  }

  // ---------------------------------------------------------------- connections

  private onConnection(ws: WebSocket, req: IncomingMessage): void {
    if (this.closed) {
      ws.terminate();
      return;
    }
    const url = new URL(req.url ?? '/', 'ws://mock');
    if (url.pathname.startsWith('/ws/')) {
      const name = decodeURIComponent(url.pathname.slice(4));
      const key = this.state.listenKeys.get(name);
      if (key !== undefined && key.expiresAt > this.state.clock.now()) {
        this.accepted.user++;
        const conn: UserConn = { ws, key, held: undefined, timers: [this.lifetime(ws)] };
        this.users.add(conn);
        ws.on('close', () => this.dropConn(conn, this.users));
        return;
      }
      // market stream names have an '@' (btcusdt@depth) or start with '!' (!bookTicker)
      if (!name.includes('@') && !name.startsWith('!')) {
        ws.close(1008, 'invalid listenKey');
        return;
      }
      this.addMarket(ws, [name], false);
      return;
    }
    if (url.pathname === '/stream') {
      const streams = (url.searchParams.get('streams') ?? '').split('/').filter((s) => s !== '');
      this.addMarket(ws, streams, true);
      return;
    }
    ws.close(1008, 'unknown path');
  }

  /** The venue cuts every connection after its maximum lifetime. */
  private lifetime(ws: WebSocket): TimerHandle {
    return this.state.clock.setTimeout(() => ws.close(1001, 'connection lifetime reached'), this.options.maxConnectionMs);
  }

  private addMarket(ws: WebSocket, streams: readonly string[], combined: boolean): void {
    this.accepted.market++;
    const conn: MarketConn = { ws, combined, streams: new Set(streams), messages: 0, windowStart: this.state.clock.now(), timers: [this.lifetime(ws)] };
    this.market.add(conn);
    ws.on('close', () => this.dropConn(conn, this.market));
    ws.on('message', (data) => this.onControl(conn, String(data)));
  }

  private dropConn<T extends { timers: TimerHandle[] }>(conn: T, set: Set<T>): void {
    for (const t of conn.timers) this.state.clock.clearTimer(t);
    set.delete(conn);
  }

  /** Live subscription messages; more than 10 per second closes the connection (documented). */
  private onControl(conn: MarketConn, text: string): void {
    const now = this.state.clock.now();
    if (now - conn.windowStart >= 1000) {
      conn.windowStart = now;
      conn.messages = 0;
    }
    if (++conn.messages > 10) {
      conn.ws.close(1008, 'too many messages');
      return;
    }
    let msg: { method?: unknown; params?: unknown; id?: unknown };
    try {
      msg = JSON.parse(text) as typeof msg;
    } catch {
      conn.ws.send(JSON.stringify({ code: 3, msg: 'Invalid JSON: expected value at line 1 column 1' }));
      return;
    }
    // Binance-style: the id is an unsigned integer or absent/null (ccxt's aster class sends no id
    // with its depth subscriptions); anything else is refused
    const id = msg.id ?? null;
    if (id !== null && (typeof id !== 'number' || !Number.isInteger(id) || id < 0)) {
      conn.ws.send(JSON.stringify({ code: 2, msg: 'Invalid request: request ID must be an unsigned integer' }));
      return;
    }
    const params = Array.isArray(msg.params) ? (msg.params as unknown[]) : [];
    switch (msg.method) {
      case 'SUBSCRIBE':
        for (const s of params) conn.streams.add(String(s));
        conn.ws.send(JSON.stringify({ result: null, id }));
        return;
      case 'UNSUBSCRIBE':
        for (const s of params) conn.streams.delete(String(s));
        conn.ws.send(JSON.stringify({ result: null, id }));
        return;
      case 'LIST_SUBSCRIPTIONS':
        conn.ws.send(JSON.stringify({ result: [...conn.streams], id }));
        return;
      case 'SET_PROPERTY':
        if (params[0] !== 'combined') conn.ws.send(JSON.stringify({ code: 0, msg: 'Unknown property', id }));
        else if (typeof params[1] !== 'boolean') conn.ws.send(JSON.stringify({ code: 1, msg: 'Invalid value type: expected Boolean', id }));
        else {
          conn.combined = params[1];
          conn.ws.send(JSON.stringify({ result: null, id }));
        }
        return;
      case 'GET_PROPERTY':
        if (params[0] !== 'combined') conn.ws.send(JSON.stringify({ code: 0, msg: 'Unknown property', id }));
        else conn.ws.send(JSON.stringify({ result: conn.combined, id }));
        return;
      default:
        conn.ws.send(
          JSON.stringify({ code: 2, msg: `Invalid request: unknown variant ${String(msg.method)}, expected one of SUBSCRIBE, UNSUBSCRIBE, LIST_SUBSCRIPTIONS, SET_PROPERTY, GET_PROPERTY at line 1 column 28` }),
        );
    }
  }

  // ---------------------------------------------------------------- market data

  private onDepth(symbol: string, event: DepthEvent): void {
    const s = symbol.toLowerCase();
    if (event.depth !== undefined) this.toMarket(`${s}@depth`, event.depth, (stream) => stream === `${s}@depth` || /^[a-z0-9]+@depth@\d+ms$/.test(stream) && stream.startsWith(`${s}@`));
    if (event.ticker !== undefined) this.toMarket(`${s}@bookTicker`, event.ticker);
  }

  private publishMarks(): void {
    for (const inst of this.state.exchange.instruments()) {
      if (inst.kind !== 'perp') continue;
      const mark = this.state.exchange.markPrice(inst.symbol);
      if (mark === 0n) continue;
      const text = fx.format(mark, { decimals: inst.priceDecimals });
      const now = this.state.now();
      const payload = { e: 'markPriceUpdate', E: now, s: inst.symbol, p: text, i: text, P: text, r: '0.00010000', T: now - (now % 28_800_000) + 28_800_000 };
      const s = inst.symbol.toLowerCase();
      this.toMarket(`${s}@markPrice`, payload, (stream) => stream === `${s}@markPrice` || stream === `${s}@markPrice@1s`);
    }
  }

  private toMarket(stream: string, payload: Record<string, unknown>, matches: (s: string) => boolean = (s) => s === stream): void {
    const delay = this.state.faults.streamDelayMs;
    for (const conn of this.market) {
      const name = [...conn.streams].find(matches);
      if (name === undefined) continue;
      const text = JSON.stringify(conn.combined ? { stream: name, data: payload } : payload);
      if (delay > 0) this.state.clock.setTimeout(() => send(conn.ws, text), delay);
      else send(conn.ws, text);
    }
  }

  // ---------------------------------------------------------------- user data

  /** Starts building user-stream events for an account (done for every account known at start). */
  watchAccount(account: string): void {
    const ex = this.state.exchange;
    const marketOf = (symbol: string): MockMarket => (ex.instrument(symbol).kind === 'perp' ? 'futures' : 'spot');
    this.unlisten.push(
      ex.listen(account, {
        fill: (fill) => {
          const list = this.pendingFills.get(fill.venueOrderId) ?? [];
          list.push(fill);
          this.pendingFills.set(fill.venueOrderId, list);
        },
        order: (order) => this.onOrder(account, order, marketOf(order.symbol)),
        balances: (balances, cashFlow) => this.onBalances(account, balances, cashFlow),
        position: (position) => this.toUser(account, 'futures', accountUpdateEvent([], [position], ex, this.state.now()), false),
        risk: (event) => {
          if (event.kind !== 'margin_call') return;
          const symbol = event.symbol ?? '';
          const position = symbol === '' ? undefined : ex.positions(account, symbol)[0];
          const inst = symbol === '' ? undefined : ex.instrument(symbol);
          this.toUser(
            account,
            'futures',
            {
              e: 'MARGIN_CALL',
              E: this.state.now(),
              cw: String(event.details?.['marginBalance'] ?? '0'),
              p:
                position === undefined || inst === undefined
                  ? []
                  : [{ s: symbol, ps: 'BOTH', pa: inst.lotsToQty(Math.abs(position.qtyLots)), mt: 'CROSSED', iw: '0', mp: fx.format(position.markPrice), up: '0', mm: String(event.details?.['maintenanceMargin'] ?? '0') }],
            },
            false,
          );
        },
      }),
    );
  }

  /** The SimExchange reports fills, then the order's new state; the venue sends one event per fill. */
  private onOrder(account: string, order: VenueOrder, market: MockMarket): void {
    const ex = this.state.exchange;
    const fills = this.pendingFills.get(order.venueOrderId) ?? [];
    this.pendingFills.delete(order.venueOrderId);
    const firstSight = !this.seenOrders.has(order.venueOrderId);
    this.seenOrders.add(order.venueOrderId);
    const now = this.state.now();
    if (fills.length === 0) {
      const execution = order.status === 'open' || order.status === 'partially_filled' ? (firstSight ? 'NEW' : 'AMENDMENT') : order.status === 'expired' ? 'EXPIRED' : order.status === 'rejected' ? 'REJECTED' : 'CANCELED';
      this.toUser(account, market, orderEvent(ex, order, order.status, order.filledLots, execution, undefined, market, now), false);
      return;
    }
    let cumulative = order.filledLots - fills.reduce((s, f) => s + f.qtyLots, 0);
    if (firstSight && cumulative === 0) this.toUser(account, market, orderEvent(ex, order, 'open', 0, 'NEW', undefined, market, now), false);
    for (const fill of fills) {
      cumulative += fill.qtyLots;
      const status = cumulative >= order.qtyLots ? 'filled' : 'partially_filled';
      this.toUser(account, market, orderEvent(ex, order, status, cumulative, 'TRADE', fill, market, now), true);
    }
    if (isTerminalVenueStatus(order.status) && order.status !== 'filled') {
      this.toUser(account, market, orderEvent(ex, order, order.status, order.filledLots, order.status === 'expired' ? 'EXPIRED' : 'CANCELED', undefined, market, now), false);
    }
  }

  private onBalances(account: string, balances: readonly Balance[], cashFlow: CashFlow | undefined): void {
    const now = this.state.now();
    const ex = this.state.exchange;
    // funding on an isolated position carries that position; on cross, none (as documented)
    const positions =
      cashFlow?.kind === 'funding' && cashFlow.symbol !== undefined ? ex.positions(account, cashFlow.symbol).filter((p) => p.qtyLots !== 0 && p.marginType === 'isolated') : [];
    this.toUser(account, 'futures', accountUpdateEvent(balances, positions, ex, now, cashFlow), false);
    this.toUser(account, 'spot', spotAccountEvent(balances, now), false);
  }

  /** Sends a user event to every socket of the account's key on that market, with the faults applied. */
  sendUserEvent(account: string, market: MockMarket, event: Record<string, unknown>): void {
    this.toUser(account, market, event, false);
  }

  private toUser(account: string, market: MockMarket, event: Record<string, unknown>, isTrade: boolean): void {
    const f = this.state.faults;
    const text = JSON.stringify(event);
    for (const conn of this.users) {
      if (conn.key.account !== account || conn.key.market !== market || conn.key.expiresAt <= this.state.clock.now()) continue;
      const copies = f.duplicateFills && isTrade ? 2 : 1;
      for (let i = 0; i < copies; i++) this.deliverUser(conn, text);
    }
  }

  private deliverUser(conn: UserConn, text: string): void {
    const f = this.state.faults;
    if (f.outOfOrder) {
      if (conn.held === undefined) {
        conn.held = text;
        // a lone event is released soon anyway
        conn.timers.push(
          this.state.clock.setTimeout(() => {
            if (conn.held === text) {
              conn.held = undefined;
              this.later(conn.ws, text);
            }
          }, 50),
        );
        return;
      }
      const held = conn.held;
      conn.held = undefined;
      this.later(conn.ws, text);
      this.later(conn.ws, held);
      return;
    }
    this.later(conn.ws, text);
  }

  private later(ws: WebSocket, text: string): void {
    const delay = this.state.faults.streamDelayMs;
    // after the REST answer that caused it, as on the venue
    this.state.clock.setTimeout(() => send(ws, text), delay);
  }
}

function send(ws: WebSocket, text: string): void {
  if (ws.readyState === ws.OPEN) ws.send(text);
}
