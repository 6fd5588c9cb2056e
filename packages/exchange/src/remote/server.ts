// Serves venue adapters over WebSocket (wire format: ./wire.ts), so runner processes on other
// machines trade through an adapter that lives here. Connections that resolve to the same
// adapter (bots sharing an account) share it: the adapter is connected once, its events go to
// every connection, and a connection that leaves only detaches (the adapter stays open).
import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { createHash, timingSafeEqual } from 'node:crypto';
import { WebSocketServer } from 'ws';
import type WebSocket from 'ws';
import { EngineError, toEngineError } from '@mm/core';
import type { MarketKind, VenueAdapter, VenueEvents } from '../port.ts';
import {
  CLOSE_AUTH_FAILED,
  CLOSE_BAD_HELLO,
  CLOSE_REFUSED,
  CLOSE_TOO_SLOW,
  DEFAULT_VENUE_PATH,
  REMOTE_VENUE_PROTOCOL,
  decodeFrame,
  encodeFrame,
} from './wire.ts';
import type { CallFrame, HelloFrame, ServerFrame } from './wire.ts';

export interface VenueHello {
  readonly accountId: string;
  readonly market: MarketKind;
  /** The account key the client expects; the server refuses the hello if the adapter's differs. */
  readonly accountKey?: string;
  /** Who connects (a runner id). */
  readonly client: string;
}

/** One call a connection made, as `onRequest` sees it before the adapter runs it. */
export interface VenueRequestInfo {
  readonly hello: VenueHello;
  readonly accountKey: string;
  readonly method: string;
  readonly args: readonly unknown[];
}

export type VenueServerLog = (level: 'info' | 'warn', message: string, fields?: Record<string, unknown>) => void;

export interface ServeVenuesOptions {
  /**
   * An HTTP server to share (upgrades on `path` are taken), a port to listen on, or nothing:
   * then the caller hands accepted sockets to `accept` (e.g. from a Fastify websocket route,
   * whose plugin owns every upgrade of its server).
   */
  readonly server?: Server | { readonly port: number; readonly host?: string };
  readonly path?: string;
  /** Required in every hello when set. */
  readonly token?: string;
  /** The adapter for a hello. Throw an EngineError to refuse it (e.g. an unknown account). */
  resolve(hello: VenueHello): Promise<VenueAdapter>;
  /** Called before each call reaches the adapter (order attribution, audit logs). */
  onRequest?(info: VenueRequestInfo): void;
  readonly log?: VenueServerLog;
  /** A hello must arrive within this long after the socket opens. Default 10 s. */
  readonly helloTimeoutMs?: number;
  /** A connection whose unsent data exceeds this is dropped (it reconnects and reconciles). Default 16 MiB. */
  readonly maxBufferedBytes?: number;
  /** Pings every connection this often; one that did not answer the previous ping is dropped. Default 15 s. */
  readonly pingIntervalMs?: number;
}

export interface VenueServer {
  /** ws://host:port/path (for a shared server: its address when it listens on TCP; '' without a server). */
  readonly url: string;
  readonly port: number;
  /** Serves a WebSocket accepted elsewhere; it must say hello first, like any client. */
  accept(socket: WebSocket): void;
  /** Open connections that completed the hello. */
  connectionCount(): number;
  /** Drops every connection; stops listening when the server was created here. Adapters stay open. */
  close(): Promise<void>;
}

/** The methods a client may call, and the ones the server handles itself. */
const ADAPTER_METHODS = new Set([
  'serverTime',
  'instruments',
  'balances',
  'positions',
  'openOrders',
  'queryOrder',
  'fills',
  'feeRates',
  'placeOrders',
  'amendOrder',
  'cancelOrders',
  'cancelAll',
  'setDeadManSwitch',
  'setAccountStp',
  'setLeverage',
  'setMarginType',
  'marginSummary',
]);
const MARKET_TOPICS = new Set<keyof VenueEvents>(['book', 'trade', 'markPrice']);

interface Shared {
  readonly adapter: VenueAdapter;
  readonly connections: Set<Connection>;
  off: (() => void) | undefined;
}

interface Connection {
  readonly socket: WebSocket;
  readonly hello: VenueHello;
  readonly shared: Shared;
  readonly symbols: Set<string>;
}

export async function serveVenues(options: ServeVenuesOptions): Promise<VenueServer> {
  const path = options.path ?? DEFAULT_VENUE_PATH;
  const log: VenueServerLog = options.log ?? (() => undefined);
  const maxBuffered = options.maxBufferedBytes ?? 16 * 1024 * 1024;
  const helloTimeoutMs = options.helloTimeoutMs ?? 10_000;
  const tokenDigest = options.token === undefined ? undefined : digest(options.token);
  const wss = new WebSocketServer({ noServer: true, clientTracking: false, maxPayload: 16 * 1024 * 1024 });
  const shared = new Map<VenueAdapter, Shared>();
  /** Adapters being connected for the first time, so concurrent hellos connect once. */
  const connecting = new Map<VenueAdapter, Promise<void>>();
  const live = new Set<Connection>();
  /** Every open socket, hello or not (ours and those handed to accept). */
  const sockets = new Set<WebSocket>();
  // a peer that vanished without closing (cable, crash of its host) would otherwise hold its
  // connection and buffer events until the send limit
  const answered = new WeakSet<WebSocket>();
  const pinger = setInterval(() => {
    for (const ws of sockets) {
      if (!answered.has(ws)) {
        ws.terminate();
        continue;
      }
      answered.delete(ws);
      ws.ping();
    }
  }, options.pingIntervalMs ?? 15_000);
  pinger.unref();

  const target = options.server;
  const http: Server | undefined = target === undefined ? undefined : isHttpServer(target) ? target : createServer((_req, res) => res.writeHead(404).end());
  const created = target !== undefined && !isHttpServer(target);

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== path) {
      // another upgrade handler on a shared server may own this path
      if (created) socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => accept(ws));
  };
  http?.on('upgrade', onUpgrade);

  function accept(ws: WebSocket): void {
    if (ws.readyState !== ws.OPEN) return;
    let conn: Connection | undefined;
    let helloSeen = false;
    const helloTimer = setTimeout(() => ws.close(CLOSE_BAD_HELLO, 'no hello within the time allowed'), helloTimeoutMs);
    sockets.add(ws);
    ws.on('close', () => {
      sockets.delete(ws);
      clearTimeout(helloTimer);
      if (conn !== undefined) detach(conn);
    });
    ws.on('error', () => undefined); // the close event follows
    answered.add(ws);
    ws.on('pong', () => answered.add(ws));
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        ws.close(CLOSE_BAD_HELLO, 'binary frames are not part of the protocol');
        return;
      }
      let frame;
      try {
        frame = decodeFrame(data.toString());
      } catch (error) {
        ws.close(CLOSE_BAD_HELLO, short(toEngineError(error).message));
        return;
      }
      if (frame.type === 'hello') {
        if (helloSeen) return;
        helloSeen = true;
        clearTimeout(helloTimer);
        void hello(ws, frame).then((c) => {
          conn = c;
          if (c !== undefined && ws.readyState !== ws.OPEN) detach(c);
        });
        return;
      }
      if (frame.type !== 'call') return;
      if (conn === undefined) {
        send(ws, { type: 'result', id: frame.id, ok: false, error: new EngineError('ILLEGAL_STATE', 'remote venue: send a hello before any call') });
        return;
      }
      void call(conn, frame);
    });
  }

  async function hello(ws: WebSocket, frame: HelloFrame): Promise<Connection | undefined> {
    const refuse = (error: EngineError, code: number): undefined => {
      send(ws, { type: 'refused', error });
      ws.close(code, short(error.message));
      log('warn', `remote venue: refused ${describeHello(frame)}: ${error.message}`);
      return undefined;
    };
    if (frame.protocol !== REMOTE_VENUE_PROTOCOL) {
      return refuse(new EngineError('INVALID_ARGUMENT', `remote venue protocol ${String(frame.protocol)} is not supported (this server speaks ${REMOTE_VENUE_PROTOCOL})`), CLOSE_BAD_HELLO);
    }
    if (tokenDigest !== undefined && (typeof frame.token !== 'string' || !timingSafeEqual(digest(frame.token), tokenDigest))) {
      return refuse(
        new EngineError('AUTH_FAILED', frame.token === undefined ? 'auth failed: this venue server needs a token' : 'auth failed: the venue token is wrong'),
        CLOSE_AUTH_FAILED,
      );
    }
    if (typeof frame.accountId !== 'string' || frame.accountId === '' || (frame.market !== 'spot' && frame.market !== 'perp') || typeof frame.client !== 'string') {
      return refuse(new EngineError('INVALID_ARGUMENT', 'remote venue: a hello needs accountId, market (spot or perp) and client'), CLOSE_BAD_HELLO);
    }
    const info: VenueHello = {
      accountId: frame.accountId,
      market: frame.market,
      client: frame.client,
      ...(frame.accountKey === undefined ? {} : { accountKey: frame.accountKey }),
    };
    let adapter: VenueAdapter;
    let instruments;
    let serverTime;
    try {
      adapter = await options.resolve(info);
      await connectOnce(adapter);
      if (info.accountKey !== undefined && info.accountKey !== adapter.accountKey) {
        throw new EngineError('INVALID_ARGUMENT', `remote venue: the client expects account key ${info.accountKey}, this server has ${adapter.accountKey}`);
      }
      [instruments, serverTime] = await Promise.all([adapter.instruments(), adapter.serverTime()]);
    } catch (error) {
      const e = toEngineError(error);
      return refuse(e, e.code === 'AUTH_FAILED' ? CLOSE_AUTH_FAILED : CLOSE_REFUSED);
    }
    if (ws.readyState !== ws.OPEN) return undefined;
    const group = groupOf(adapter);
    const conn: Connection = { socket: ws, hello: info, shared: group, symbols: new Set() };
    group.connections.add(conn);
    live.add(conn);
    send(ws, {
      type: 'welcome',
      accountKey: adapter.accountKey,
      capabilities: adapter.capabilities,
      instruments: instruments.map((i) => i.toJSON()),
      serverTime,
    });
    log('info', `remote venue: ${describeHello(frame)} attached to ${adapter.accountKey}`);
    return conn;
  }

  async function connectOnce(adapter: VenueAdapter): Promise<void> {
    if (shared.has(adapter)) return;
    let pending = connecting.get(adapter);
    if (pending === undefined) {
      pending = adapter.connect().finally(() => connecting.delete(adapter));
      connecting.set(adapter, pending);
    }
    await pending;
  }

  /** The adapter's connection group; its events are encoded once and sent to each member. */
  function groupOf(adapter: VenueAdapter): Shared {
    let group = shared.get(adapter);
    if (group !== undefined) return group;
    const g: Shared = { adapter, connections: new Set(), off: undefined };
    g.off = adapter.events.onAny((topic, payload) => {
      let text: string | undefined;
      const symbol = MARKET_TOPICS.has(topic) ? (payload as { symbol: string }).symbol : undefined;
      for (const conn of g.connections) {
        if (symbol !== undefined && !conn.symbols.has(symbol)) continue;
        text ??= encodeFrame({ type: 'event', event: topic, payload });
        sendText(conn, text);
      }
    });
    shared.set(adapter, g);
    group = g;
    return group;
  }

  async function call(conn: Connection, frame: CallFrame): Promise<void> {
    const { adapter } = conn.shared;
    const args = Array.isArray(frame.args) ? frame.args : [];
    let value: unknown;
    try {
      options.onRequest?.({ hello: conn.hello, accountKey: adapter.accountKey, method: frame.method, args });
      value = await dispatch(conn, frame.method, args);
    } catch (error) {
      send(conn.socket, { type: 'result', id: frame.id, ok: false, error: toEngineError(error) });
      return;
    }
    send(conn.socket, { type: 'result', id: frame.id, ok: true, value: value ?? null });
  }

  async function dispatch(conn: Connection, method: string, args: readonly unknown[]): Promise<unknown> {
    const { adapter } = conn.shared;
    switch (method) {
      case 'subscribeMarket': {
        const symbol = String(args[0]);
        await adapter.subscribeMarket(symbol);
        conn.symbols.add(symbol);
        return null;
      }
      case 'unsubscribeMarket': {
        const symbol = String(args[0]);
        conn.symbols.delete(symbol);
        await releaseSymbol(conn.shared, symbol);
        return null;
      }
      default: {
        if (!ADAPTER_METHODS.has(method)) throw new EngineError('NOT_SUPPORTED', `remote venue: no method "${method}"`);
        const fn = (adapter as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[method]!;
        return fn.apply(adapter, args as unknown[]);
      }
    }
  }

  /** Unsubscribes the adapter once no connection of the group wants the symbol. */
  async function releaseSymbol(group: Shared, symbol: string): Promise<void> {
    for (const other of group.connections) if (other.symbols.has(symbol)) return;
    await group.adapter.unsubscribeMarket(symbol);
  }

  function detach(conn: Connection): void {
    if (!live.delete(conn)) return;
    const group = conn.shared;
    group.connections.delete(conn);
    for (const symbol of conn.symbols) void releaseSymbol(group, symbol).catch(() => undefined);
    conn.symbols.clear();
    log('info', `remote venue: ${conn.hello.client} (${conn.hello.accountId} ${conn.hello.market}) detached from ${group.adapter.accountKey}`);
  }

  function sendText(conn: Connection, text: string): void {
    const ws = conn.socket;
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > maxBuffered) {
      // a client this far behind has lost events anyway: it reconnects and reconciles
      ws.close(CLOSE_TOO_SLOW, 'client too slow: send buffer full');
      return;
    }
    ws.send(text);
  }

  function send(ws: WebSocket, frame: ServerFrame): void {
    if (ws.readyState === ws.OPEN) ws.send(encodeFrame(frame));
  }

  if (created && http !== undefined) {
    const { port, host } = target as { port: number; host?: string };
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(port, host ?? '127.0.0.1', () => {
        http.off('error', reject);
        resolve();
      });
    });
  }
  const address = http?.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const host = typeof address === 'object' && address !== null ? address.address : '127.0.0.1';
  const url = http === undefined || port === 0 ? '' : `ws://${host.includes(':') ? `[${host}]` : host}:${port}${path}`;

  return {
    url,
    port,
    accept,
    connectionCount: () => live.size,
    close: async () => {
      http?.off('upgrade', onUpgrade);
      clearInterval(pinger);
      for (const ws of [...sockets]) ws.terminate();
      for (const conn of [...live]) detach(conn);
      for (const group of shared.values()) group.off?.();
      shared.clear();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      if (created && http !== undefined) await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

function isHttpServer(value: ServeVenuesOptions['server']): value is Server {
  return typeof (value as Server).listen === 'function';
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** WebSocket close reasons are limited to 123 bytes. */
function short(text: string): string {
  return Buffer.byteLength(text) <= 120 ? text : `${Buffer.from(text).subarray(0, 117).toString()}...`;
}

function describeHello(frame: HelloFrame): string {
  return `${String(frame.client)} (${String(frame.accountId)} ${String(frame.market)})`;
}
