// A WebSocket that stays connected: it reconnects with jittered exponential back-off on close,
// error or heartbeat timeout, re-runs `onOpen` (login, subscribe) on every new connection, and
// rotates a connection before the venue's forced disconnect (Aster: 24 h) without a gap.
//
// Rotation: the replacement connects and runs onOpen while the old connection keeps delivering;
// the replacement's messages are held back meanwhile. When onOpen resolves, the old connection
// is closed and the held messages are released. onOpen must therefore resolve only once the
// subscriptions are live (await the venue's ack with conn.waitFor), or messages sent between
// the switch and the subscription would be missed. Messages of the overlap arrive twice unless
// `messageKey` identifies them; a duplicate is harmless downstream (sequence checks, idempotent
// fills), a gap is not.
import WebSocket from 'ws';
import type { RawData } from 'ws';
import { EngineError, EventBus } from '@mm/core';
import type { Clock, Rng, TimerHandle } from '@mm/core';

export type WsState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface WsStateEvent {
  readonly state: WsState;
  readonly reason?: string;
  readonly at: number;
}

export interface WsOpenInfo {
  /** False only for the very first connection. */
  readonly reconnect: boolean;
  /** A planned replacement of a live connection (maxLifetimeMs); nothing was missed. */
  readonly rotated: boolean;
}

export interface WsEvents {
  /** A decoded text message. On a fresh (re)connection, messages can arrive before 'open'. */
  message: string;
  state: WsStateEvent;
  open: WsOpenInfo;
  /** Something went wrong that the socket recovers from by itself (for logs). */
  error: EngineError;
}

/** One underlying connection, as seen by onOpen. */
export interface WsConnection {
  send(data: string): void;
  /** Resolves with the next message on this connection that matches (e.g. a login ack). */
  waitFor(match: (message: string) => boolean, timeoutMs: number): Promise<string>;
}

export interface HeartbeatOptions {
  readonly intervalMs: number;
  /** No pong (or any other message) within this long after a ping: the connection is dead. */
  readonly timeoutMs: number;
  /** 'protocol' sends WebSocket ping frames; a string is sent as a text ping (BitMart: "ping"). */
  readonly ping: 'protocol' | string;
  /** Recognises a text pong (default: the message "pong"). Pongs are not emitted as messages. */
  readonly isPong?: (message: string) => boolean;
}

export interface BackoffOptions {
  readonly initialMs?: number;
  readonly maxMs?: number;
  readonly factor?: number;
  /** ± fraction of each delay, so many clients do not reconnect in lockstep. */
  readonly jitter?: number;
  /** A connection that stayed up this long resets the back-off. */
  readonly resetAfterMs?: number;
}

export interface ReconnectingWebSocketOptions {
  /** A fixed URL, or a function called before every connection (e.g. to embed a fresh listenKey). */
  readonly url: string | (() => string | Promise<string>);
  readonly clock: Clock;
  readonly rng: Rng;
  /** For messages and logs, e.g. 'asterdex market'. */
  readonly name: string;
  readonly heartbeat?: HeartbeatOptions;
  readonly backoff?: BackoffOptions;
  /** Replace the connection after this long (set below the venue's forced disconnect). */
  readonly maxLifetimeMs?: number;
  /** Socket open plus onOpen must finish within this. Default 15 s. */
  readonly handshakeTimeoutMs?: number;
  /** Turns a frame into text; undefined drops it. Default: UTF-8. */
  readonly decode?: (data: Buffer, isBinary: boolean) => string | undefined;
  /** Identity of a message, used to drop duplicates of the rotation overlap. */
  readonly messageKey?: (message: string) => string | undefined;
  /** Login / subscribe. Runs on every connection; the socket is 'open' only after it resolves. */
  readonly onOpen?: (conn: WsConnection, info: WsOpenInfo) => void | Promise<void>;
  readonly createSocket?: (url: string) => WebSocket;
}

interface MessageWaiter {
  readonly match: (message: string) => boolean;
  readonly resolve: (message: string) => void;
  readonly reject: (error: EngineError) => void;
  readonly timer: TimerHandle;
}

/** One underlying socket and its timers. */
class Connection implements WsConnection {
  phase: 'handshake' | 'active' | 'retired' = 'handshake';
  dead = false;
  openedAt = 0;
  /** Messages held back while this connection replaces a live one. */
  held: string[] | undefined;
  handshakeTimer: TimerHandle | undefined;
  heartbeatTimer: TimerHandle | undefined;
  pongTimer: TimerHandle | undefined;
  lifetimeTimer: TimerHandle | undefined;
  readonly waiters = new Set<MessageWaiter>();

  constructor(
    readonly socket: WebSocket,
    private readonly clock: Clock,
    private readonly name: string,
  ) {}

  send(data: string): void {
    if (this.dead || this.socket.readyState !== WebSocket.OPEN) {
      throw new EngineError('NETWORK', `${this.name}: cannot send, this connection is not open`);
    }
    this.socket.send(data);
  }

  waitFor(match: (message: string) => boolean, timeoutMs: number): Promise<string> {
    if (this.dead) return Promise.reject(new EngineError('NETWORK', `${this.name}: connection closed while waiting for a reply`));
    return new Promise<string>((resolve, reject) => {
      const waiter: MessageWaiter = {
        match,
        resolve,
        reject,
        timer: this.clock.setTimeout(() => {
          this.waiters.delete(waiter);
          reject(new EngineError('TIMEOUT', `${this.name}: no matching reply within ${timeoutMs} ms`));
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  offer(message: string): void {
    for (const waiter of this.waiters) {
      if (!waiter.match(message)) continue;
      this.waiters.delete(waiter);
      this.clock.clearTimer(waiter.timer);
      waiter.resolve(message);
    }
  }

  /** Stops timers and fails pending waits. */
  shutdown(reason: string): void {
    this.dead = true;
    for (const timer of [this.handshakeTimer, this.heartbeatTimer, this.pongTimer, this.lifetimeTimer]) this.clock.clearTimer(timer);
    for (const waiter of this.waiters) {
      this.clock.clearTimer(waiter.timer);
      waiter.reject(new EngineError('NETWORK', `${this.name}: connection lost while waiting for a reply (${reason})`));
    }
    this.waiters.clear();
  }
}

export class ReconnectingWebSocket {
  readonly events = new EventBus<WsEvents>();
  readonly name: string;
  private readonly options: ReconnectingWebSocketOptions;
  private readonly clock: Clock;
  private readonly backoff: Required<BackoffOptions>;
  /** undefined until start(). */
  private current: WsState | undefined;
  private started = false;
  private closed = false;
  private everOpened = false;
  private active: Connection | undefined;
  private pending: Connection | undefined;
  private attempts = 0;
  private retryTimer: TimerHandle | undefined;
  /**
   * Rotation de-duplication (with messageKey): keys the old connection emitted while the
   * replacement was in its handshake ('recording'), then dropped from the replacement's stream
   * until it delivers a message not among them ('filtering').
   */
  private overlap: { phase: 'recording' | 'filtering'; readonly keys: Set<string> } | undefined;

  constructor(options: ReconnectingWebSocketOptions) {
    this.options = options;
    this.name = options.name;
    this.clock = options.clock;
    this.backoff = {
      initialMs: options.backoff?.initialMs ?? 500,
      maxMs: options.backoff?.maxMs ?? 30_000,
      factor: options.backoff?.factor ?? 2,
      jitter: options.backoff?.jitter ?? 0.3,
      resetAfterMs: options.backoff?.resetAfterMs ?? 30_000,
    };
  }

  /** 'connecting' also before start(). */
  get state(): WsState {
    return this.current ?? 'connecting';
  }

  get isOpen(): boolean {
    return !this.closed && this.active !== undefined && this.current === 'open';
  }

  start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    this.setState('connecting');
    void this.connect();
  }

  /** Sends on the live connection. Throws NETWORK when there is none: nothing is queued. */
  send(text: string): void {
    const conn = this.active;
    if (this.closed || conn === undefined || this.current !== 'open') {
      throw new EngineError('NETWORK', `${this.name}: cannot send while the socket is ${this.state}; resend after the next 'open' event`);
    }
    conn.send(text);
  }

  /** Drops the live connection and reconnects (e.g. a stale stream or a listenKey expiry). */
  forceReconnect(reason: string): void {
    if (this.closed) return;
    const conn = this.active ?? this.pending;
    if (conn !== undefined) this.fail(conn, reason);
  }

  /** Closes for good; idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.clock.clearTimer(this.retryTimer);
    for (const conn of [this.active, this.pending]) if (conn !== undefined) this.retire(conn, 'closed by client');
    this.active = undefined;
    this.pending = undefined;
    this.setState('closed', 'closed by client');
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    let url: string;
    let socket: WebSocket;
    try {
      url = typeof this.options.url === 'string' ? this.options.url : await this.options.url();
      if (this.closed) return;
      socket = this.options.createSocket ? this.options.createSocket(url) : new WebSocket(url);
    } catch (error) {
      this.attemptFailed(`could not open a connection: ${describe(error)}`, error);
      return;
    }
    const conn = new Connection(socket, this.clock, this.name);
    this.pending = conn;
    if (this.active !== undefined) {
      conn.held = [];
      if (this.options.messageKey !== undefined) this.overlap = { phase: 'recording', keys: new Set() };
    }
    const timeoutMs = this.options.handshakeTimeoutMs ?? 15_000;
    conn.handshakeTimer = this.clock.setTimeout(() => this.fail(conn, `handshake did not finish within ${timeoutMs} ms`), timeoutMs);
    let lastError = '';
    socket.on('error', (error) => {
      lastError = error.message;
    });
    socket.on('close', (code, reason) => {
      const why = reason.length > 0 ? reason.toString() : lastError;
      this.lost(conn, `socket closed (code ${code}${why === '' ? '' : `: ${why}`})`);
    });
    socket.on('open', () => void this.opened(conn));
    socket.on('message', (data, isBinary) => this.received(conn, data, isBinary));
    socket.on('pong', () => this.alive(conn));
  }

  private async opened(conn: Connection): Promise<void> {
    if (conn.dead) return;
    this.startHeartbeat(conn);
    const rotated = this.active !== undefined;
    const info: WsOpenInfo = { reconnect: this.everOpened || rotated, rotated };
    try {
      await this.options.onOpen?.(conn, info);
    } catch (error) {
      if (!conn.dead) this.fail(conn, `onOpen failed: ${describe(error)}`);
      return;
    }
    if (conn.dead || this.closed) return;
    this.promote(conn, info);
  }

  /** Makes a connection that finished onOpen the live one. */
  private promote(conn: Connection, info: WsOpenInfo): void {
    this.clock.clearTimer(conn.handshakeTimer);
    const old = this.active;
    this.pending = undefined;
    this.active = conn;
    conn.phase = 'active';
    conn.openedAt = this.clock.now();
    if (old !== undefined) this.retire(old, 'rotated');
    if (this.overlap !== undefined) this.overlap.phase = 'filtering';
    const held = conn.held ?? [];
    conn.held = undefined;
    for (const message of held) this.deliver(conn, message);
    const lifetime = this.options.maxLifetimeMs;
    if (lifetime !== undefined && lifetime > 0) conn.lifetimeTimer = this.clock.setTimeout(() => this.rotate(), lifetime);
    this.everOpened = true;
    // A rotation that outlived its old connection is an ordinary reconnect to the listener.
    const rotated = old !== undefined;
    if (!rotated) this.setState('open');
    this.events.emit('open', { reconnect: info.reconnect, rotated });
  }

  private rotate(): void {
    if (this.closed || this.pending !== undefined || this.active === undefined) return;
    void this.connect();
  }

  private received(conn: Connection, data: RawData, isBinary: boolean): void {
    if (conn.phase === 'retired' || conn.dead) return;
    this.alive(conn);
    let text: string | undefined;
    try {
      const buffer = toBuffer(data);
      text = this.options.decode ? this.options.decode(buffer, isBinary) : buffer.toString('utf8');
    } catch (error) {
      this.events.emit('error', new EngineError('VENUE_ERROR', `${this.name}: could not decode a ${isBinary ? 'binary' : 'text'} frame: ${describe(error)}`, { cause: error }));
      return;
    }
    if (text === undefined) return;
    const heartbeat = this.options.heartbeat;
    if (heartbeat !== undefined && heartbeat.ping !== 'protocol' && (heartbeat.isPong ?? isTextPong)(text)) return;
    conn.offer(text);
    if (conn.held !== undefined) conn.held.push(text);
    else this.deliver(conn, text);
  }

  private deliver(conn: Connection, text: string): void {
    const overlap = this.overlap;
    if (overlap !== undefined && conn === this.active) {
      const key = this.options.messageKey?.(text);
      if (key !== undefined) {
        if (overlap.phase === 'recording') overlap.keys.add(key);
        else if (overlap.keys.has(key)) return;
        else this.overlap = undefined; // the replacement has caught up
      }
    }
    this.events.emit('message', text);
  }

  private startHeartbeat(conn: Connection): void {
    const heartbeat = this.options.heartbeat;
    if (heartbeat === undefined) return;
    conn.heartbeatTimer = this.clock.setInterval(() => {
      if (conn.dead || conn.socket.readyState !== WebSocket.OPEN) return;
      if (conn.pongTimer === undefined) {
        conn.pongTimer = this.clock.setTimeout(() => this.fail(conn, `no pong within ${heartbeat.timeoutMs} ms`), heartbeat.timeoutMs);
      }
      try {
        if (heartbeat.ping === 'protocol') conn.socket.ping();
        else conn.socket.send(heartbeat.ping);
      } catch {
        // the close event follows; the pong timer is the backstop
      }
    }, heartbeat.intervalMs);
  }

  /** Any frame proves the peer is alive. */
  private alive(conn: Connection): void {
    if (conn.pongTimer === undefined) return;
    this.clock.clearTimer(conn.pongTimer);
    conn.pongTimer = undefined;
  }

  /** Kills a connection from our side and handles it as lost. */
  private fail(conn: Connection, reason: string): void {
    if (conn.dead) return;
    this.lost(conn, reason);
    conn.socket.terminate();
  }

  private lost(conn: Connection, reason: string): void {
    if (conn.dead) return;
    conn.shutdown(reason);
    if (conn.phase === 'retired' || this.closed) return;
    const now = this.clock.now();
    if (conn === this.active) {
      this.active = undefined;
      if (now - conn.openedAt >= this.backoff.resetAfterMs) this.attempts = 0;
      this.overlap = undefined;
      this.setState('reconnecting', reason);
      // A replacement already on its way becomes the reconnect.
      if (this.pending === undefined) this.scheduleRetry();
      return;
    }
    if (conn === this.pending) {
      this.pending = undefined;
      this.attemptFailed(reason, undefined);
    }
  }

  private attemptFailed(reason: string, cause: unknown): void {
    if (this.closed) return;
    this.events.emit('error', new EngineError('NETWORK', `${this.name}: connection attempt failed: ${reason}`, { cause }));
    if (this.overlap?.phase === 'recording') this.overlap = undefined;
    // With a live connection this was a rotation attempt: try again later, the old one still works.
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    this.clock.clearTimer(this.retryTimer);
    const b = this.backoff;
    const base = Math.min(b.maxMs, b.initialMs * b.factor ** this.attempts);
    const delay = Math.min(b.maxMs, base * (1 + b.jitter * (2 * this.options.rng.next() - 1)));
    this.attempts++;
    this.retryTimer = this.clock.setTimeout(() => {
      this.retryTimer = undefined;
      if (this.active !== undefined) this.rotate();
      else if (this.pending === undefined) void this.connect();
    }, delay);
  }

  private retire(conn: Connection, reason: string): void {
    conn.phase = 'retired';
    conn.shutdown(reason);
    if (conn.socket.readyState === WebSocket.OPEN) conn.socket.close(1000, reason);
    else conn.socket.terminate();
  }

  private setState(state: WsState, reason?: string): void {
    if (this.current === state) return;
    this.current = state;
    this.events.emit('state', reason === undefined ? { state, at: this.clock.now() } : { state, reason, at: this.clock.now() });
  }
}

function isTextPong(message: string): boolean {
  return message === 'pong';
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
