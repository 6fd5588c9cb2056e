// The seams between the adapter and a ccxt exchange instance, installed once per instance:
// - every REST request passes the fee guard (fee-guard.ts) before it leaves;
// - a failed REST answer keeps its HTTP status and Retry-After on the thrown error, so the
//   rate limiter can pause exactly as long as the venue asked;
// - websocket clients are tagged 'private' or 'market' by the watch call that opened them
//   (AsyncLocalStorage follows the call through ccxt's awaits), and their open/close is
//   reported per tag, which is how connection events are derived for any venue;
// - the order and own-trade caches of ccxt.pro are tapped, so every delivery the venue makes is
//   seen, including a repeated one that ccxt's by-id cache would fold away;
// - a websocket send that fails because the socket closed is never an unhandled rejection;
// - ccxt's delayed calls (listen-key keep-alives, an hour apart) run on the injected clock and
//   are cancelled on close, instead of keeping the process alive.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Clock, TimerHandle } from '@mm/core';
import { parseRetryAfter } from '@mm/exchange';
import type { CcxtExchange, CcxtOrder, CcxtTrade, CcxtWsClient } from './ccxt-types.ts';
import type { ResponseFacts } from './errors.ts';
import type { FeeGuard } from './fee-guard.ts';

export type StreamTag = 'private' | 'market';

export interface HookHandlers {
  readonly onSocketOpen: (tags: ReadonlySet<StreamTag>, url: string) => void;
  readonly onSocketClose: (tags: ReadonlySet<StreamTag>, url: string, reason: string) => void;
  readonly onStreamOrder: (order: CcxtOrder) => void;
  readonly onStreamTrade: (trade: CcxtTrade) => void;
}

interface AppendCache {
  append(item: unknown): unknown;
}

export class ExchangeHooks {
  private readonly streamTag = new AsyncLocalStorage<StreamTag>();
  private readonly submitIds = new AsyncLocalStorage<ReadonlySet<string>>();
  private readonly tagsByUrl = new Map<string, Set<StreamTag>>();
  private readonly timers = new Set<TimerHandle>();

  constructor(private readonly clock: Clock) {}

  /** Cancels ccxt's pending delayed calls (on close). */
  dispose(): void {
    for (const t of this.timers) this.clock.clearTimer(t);
    this.timers.clear();
  }

  /** Runs `fn` so that sockets it opens are tagged `tag`. */
  inStream<T>(tag: StreamTag, fn: () => Promise<T>): Promise<T> {
    return this.streamTag.run(tag, fn);
  }

  /** Runs an order submit; the guard accepts exactly these client ids on its requests. */
  inSubmit<T>(clientIds: ReadonlySet<string>, fn: () => Promise<T>): Promise<T> {
    return this.submitIds.run(clientIds, fn);
  }

  submittingClientIds(): ReadonlySet<string> | undefined {
    return this.submitIds.getStore();
  }

  install(ex: CcxtExchange, guard: FeeGuard, handlers: HookHandlers): void {
    ex.headers = guard.stripHeaders(ex.headers);
    const fetch = ex.fetch.bind(ex);
    ex.fetch = (url, method = 'GET', headers, body) => {
      const outgoing = guard.stripHeaders({ ...ex.headers, ...headers });
      guard.check({ url, method, headers: outgoing, body });
      return fetch(url, method, outgoing, body);
    };
    const handleRest = ex.handleRestResponse.bind(ex);
    ex.handleRestResponse = async (response, url, method, requestHeaders, requestBody) => {
      try {
        return await handleRest(response, url, method, requestHeaders, requestBody);
      } catch (error) {
        attachFacts(error, response, this.clock.now());
        throw error;
      }
    };
    const client = ex.client.bind(ex);
    ex.client = (url) => {
      const tag = this.streamTag.getStore();
      if (tag !== undefined) {
        const tags = this.tagsByUrl.get(url) ?? new Set<StreamTag>();
        tags.add(tag);
        this.tagsByUrl.set(url, tags);
      }
      const socket = client(url);
      handleSendFailures(socket);
      return socket;
    };
    const onConnected = ex.onConnected.bind(ex);
    ex.onConnected = (socket: CcxtWsClient, message?: unknown) => {
      const result = onConnected(socket, message);
      const tags = this.tagsByUrl.get(socket.url);
      if (tags !== undefined) handlers.onSocketOpen(tags, socket.url);
      return result;
    };
    const onClose = ex.onClose.bind(ex);
    ex.onClose = (socket: CcxtWsClient, error: unknown) => {
      const result = onClose(socket, error);
      const tags = this.tagsByUrl.get(socket.url);
      if (tags !== undefined) handlers.onSocketClose(tags, socket.url, closeReason(error));
      return result;
    };
    const spawn = (ex as unknown as { spawn(method: unknown, ...args: unknown[]): unknown }).spawn.bind(ex);
    (ex as unknown as { delay: (timeout: number, method: unknown, ...args: unknown[]) => void }).delay = (timeout, method, ...args) => {
      const handle = this.clock.setTimeout(() => {
        this.timers.delete(handle);
        spawn(method, ...args);
      }, timeout);
      this.timers.add(handle);
    };
    tapCache(ex, 'orders', (item) => handlers.onStreamOrder(item as CcxtOrder));
    tapCache(ex, 'myTrades', (item) => handlers.onStreamTrade(item as CcxtTrade));
  }
}

const sendsHandled = new WeakSet<object>();

/**
 * With its rate limiter on, ccxt.pro sends a watch's subscribe message after the limiter's delay
 * and drops the promise of that send. If the socket closed meanwhile, the send fails with
 * "WebSocket is not open" as an unhandled rejection, and an unhandled rejection ends a Node
 * process: one venue's socket closing at the wrong moment would take every bot down. The failure
 * still reaches whoever awaits the send; the close itself arrives through onClose, and the
 * stream reconnects as for any other drop.
 */
function handleSendFailures(socket: CcxtWsClient): void {
  if (sendsHandled.has(socket) || typeof socket.send !== 'function') return;
  sendsHandled.add(socket);
  const send = socket.send.bind(socket);
  socket.send = (message: unknown) => {
    const sent = send(message);
    sent.catch(() => undefined);
    return sent;
  };
}

/** ccxt.pro keeps stream orders and own trades in `this.orders` / `this.myTrades`, created on first use. */
function tapCache(ex: CcxtExchange, property: 'orders' | 'myTrades', onItem: (item: unknown) => void): void {
  let cache: unknown = (ex as unknown as Record<string, unknown>)[property];
  const wrap = (value: unknown): void => {
    if (value === null || typeof value !== 'object' || typeof (value as AppendCache).append !== 'function') return;
    const target = value as AppendCache;
    const append = target.append.bind(target);
    // own property on the instance: the cache class and other instances stay untouched
    Object.defineProperty(target, 'append', {
      configurable: true,
      enumerable: false,
      writable: true,
      value: (item: unknown) => {
        const result = append(item);
        // a copy: ccxt updates cached objects in place later
        if (item !== null && typeof item === 'object') onItem({ ...(item as object) });
        return result;
      },
    });
  };
  wrap(cache);
  Object.defineProperty(ex, property, {
    configurable: true,
    enumerable: true,
    get: () => cache,
    set: (value: unknown) => {
      cache = value;
      wrap(value);
    },
  });
}

function attachFacts(error: unknown, response: unknown, now: number): void {
  if (error === null || typeof error !== 'object') return;
  const facts = error as ResponseFacts;
  const r = response as { status?: unknown; headers?: unknown } | undefined;
  if (typeof r?.status === 'number') facts.httpStatus = r.status;
  const retryAfterMs = parseRetryAfter(headerOf(r?.headers, 'retry-after'), now);
  if (retryAfterMs !== undefined) facts.retryAfterMs = retryAfterMs;
}

function headerOf(headers: unknown, name: string): string | undefined {
  if (headers === null || typeof headers !== 'object') return undefined;
  const get = (headers as { get?: unknown }).get;
  if (typeof get === 'function') {
    const value: unknown = get.call(headers, name);
    return typeof value === 'string' ? value : undefined;
  }
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() === name) return Array.isArray(v) ? String(v[0]) : String(v);
  }
  return undefined;
}

function closeReason(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (error !== null && typeof error === 'object' && 'code' in error) return `closed with code ${String((error as { code: unknown }).code)}`;
  return 'socket closed';
}
