// The simulated exchange as a venue process: a PaperWorld served over WebSocket (serveVenues),
// so runner processes on other machines trade on one shared simulated market. For tests of the
// runner fleet it keeps an order log (every order's open → closed lifecycle, with the runner
// that placed it) and answers, on the same port:
//   GET /orders-log   OrderLogEntry[]
//   GET /open-orders  OpenOrderEntry[]  (every order of a served account resting now)
//   GET /fills        TradeEntry[]      (every trade with a served account on a side, both sides named)
//   GET /health       { ok: true }
// It only listens to the exchange's account events: the matching core is unchanged.
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { EngineError, LiveClock, isTerminalVenueStatus } from '@mm/core';
import type { Fill, OrderRequest, Side, VenueOrder, VenueOrderStatus } from '@mm/core';
import { DEFAULT_VENUE_PATH, serveVenues } from '@mm/exchange';
import type { VenueRequestInfo, VenueServer, VenueServerLog } from '@mm/exchange';
import { DEMO_MARKETS, PaperWorld } from './world.ts';
import type { Funding, PaperMarketSpec } from './world.ts';
import type { LatencyModel } from './venue.ts';

export interface SimVenueProcessOptions {
  readonly port: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Required in every client's hello when set. */
  readonly token?: string;
  readonly seed?: number | string;
  /** Default DEMO_MARKETS (the server's paper markets). */
  readonly markets?: readonly PaperMarketSpec[];
  readonly latency?: Partial<LatencyModel>;
  /** What a new account is funded with. */
  readonly funding?: Funding;
  readonly log?: VenueServerLog;
}

export interface OrderLogEntry {
  readonly at: number;
  readonly accountId: string;
  readonly symbol: string;
  readonly clientOrderId: string;
  readonly venueOrderId: string;
  /** The runner (hello `client`) whose connection placed it; '' when unknown. */
  readonly client: string;
  /** 'open' from acceptance until 'closed' (filled, canceled, expired). */
  readonly event: 'open' | 'closed';
  readonly status: VenueOrderStatus;
}

export interface OpenOrderEntry {
  readonly accountId: string;
  readonly symbol: string;
  readonly clientOrderId: string;
  readonly venueOrderId: string;
  readonly client: string;
  readonly side: Side;
  readonly priceTicks: number;
  readonly qtyLots: number;
  readonly filledLots: number;
  readonly status: VenueOrderStatus;
}

/** One side of a trade. Nulls: a simulated market participant (not a served account). */
export interface TradeSideEntry {
  readonly accountId: string | null;
  readonly clientOrderId: string | null;
  readonly client: string | null;
}

export interface TradeEntry {
  readonly tradeId: string;
  readonly symbol: string;
  readonly priceTicks: number;
  readonly qtyLots: number;
  /** The taker's side. */
  readonly takerSide: Side;
  readonly at: number;
  maker: TradeSideEntry;
  taker: TradeSideEntry;
}

export interface SimVenueProcess {
  /** ws://host:port/venue, for RemoteVenueAdapter. */
  readonly url: string;
  /** http://host:port, for the log endpoints. */
  readonly httpUrl: string;
  readonly port: number;
  readonly world: PaperWorld;
  orderLog(): readonly OrderLogEntry[];
  openOrders(): OpenOrderEntry[];
  fills(): readonly TradeEntry[];
  close(): Promise<void>;
}

const NOBODY: TradeSideEntry = { accountId: null, clientOrderId: null, client: null };

/** Each log keeps at most this many entries, dropping the oldest. */
const MAX_LOG_ENTRIES = 200_000;

/** The last `max` entries, oldest first: a ring once full (no shifting of a long array per entry). */
class BoundedLog<T> {
  private readonly items: T[] = [];
  /** Once full: where the oldest entry is (the next to be overwritten). */
  private head = 0;

  constructor(private readonly max: number) {}

  push(item: T): void {
    if (this.items.length < this.max) {
      this.items.push(item);
      return;
    }
    this.items[this.head] = item;
    this.head = (this.head + 1) % this.max;
  }

  entries(): readonly T[] {
    return this.head === 0 ? this.items : [...this.items.slice(this.head), ...this.items.slice(0, this.head)];
  }
}

export async function startSimVenue(options: SimVenueProcessOptions): Promise<SimVenueProcess> {
  const clock = new LiveClock();
  const world = new PaperWorld({
    clock,
    seed: options.seed ?? 1,
    markets: options.markets ?? DEMO_MARKETS,
    historyMaxAgeMs: 24 * 3_600_000,
    ...(options.latency === undefined ? {} : { latency: options.latency }),
    ...(options.funding === undefined ? {} : { defaultFunding: options.funding }),
  });
  world.start();

  const watched = new Map<string, () => void>();
  /** Who placed an order still to be seen closing: account → client order id → client. */
  const placedBy = new Map<string, Map<string, string>>();
  const open = new Set<string>(); // venue order ids
  const orderLog = new BoundedLog<OrderLogEntry>(MAX_LOG_ENTRIES);
  const trades = new Map<string, TradeEntry>();

  const clientOf = (accountId: string, clientOrderId: string): string => placedBy.get(accountId)?.get(clientOrderId) ?? '';

  const logOrder = (accountId: string, order: VenueOrder, event: 'open' | 'closed'): void => {
    orderLog.push({
      at: clock.now(),
      accountId,
      symbol: order.symbol,
      clientOrderId: order.clientOrderId,
      venueOrderId: order.venueOrderId,
      client: clientOf(accountId, order.clientOrderId),
      event,
      status: order.status,
    });
  };

  const onOrder = (accountId: string, order: VenueOrder): void => {
    if (!isTerminalVenueStatus(order.status)) {
      if (open.has(order.venueOrderId)) return; // a partial fill or an amend of an open order
      open.add(order.venueOrderId);
      logOrder(accountId, order, 'open');
      return;
    }
    // an order that traded or expired on arrival was accepted, then closed, at once
    if (!open.delete(order.venueOrderId)) logOrder(accountId, order, 'open');
    logOrder(accountId, order, 'closed');
    placedBy.get(accountId)?.delete(order.clientOrderId);
  };

  const onFill = (accountId: string, fill: Fill): void => {
    let entry = trades.get(fill.tradeId);
    if (entry === undefined) {
      entry = {
        tradeId: fill.tradeId,
        symbol: fill.symbol,
        priceTicks: fill.priceTicks,
        qtyLots: fill.qtyLots,
        takerSide: fill.liquidity === 'taker' ? fill.side : fill.side === 'buy' ? 'sell' : 'buy',
        at: fill.venueTime,
        maker: NOBODY,
        taker: NOBODY,
      };
      trades.set(fill.tradeId, entry);
      if (trades.size > MAX_LOG_ENTRIES) trades.delete(trades.keys().next().value!);
    }
    entry[fill.liquidity] = { accountId, clientOrderId: fill.clientOrderId, client: clientOf(accountId, fill.clientOrderId) };
  };

  const watch = (accountId: string): void => {
    if (watched.has(accountId)) return;
    world.ensureAccount(accountId);
    watched.set(
      accountId,
      world.exchange.listen(accountId, {
        order: (order) => onOrder(accountId, order),
        fill: (fill) => onFill(accountId, fill),
      }),
    );
  };

  const onRequest = (info: VenueRequestInfo): void => {
    if (info.method !== 'placeOrders' || !Array.isArray(info.args[0])) return;
    let byId = placedBy.get(info.hello.accountId);
    if (byId === undefined) {
      byId = new Map();
      placedBy.set(info.hello.accountId, byId);
    }
    for (const request of info.args[0] as OrderRequest[]) {
      if (typeof request?.clientOrderId === 'string') byId.set(request.clientOrderId, info.hello.client);
    }
    // orders refused at entry never close: forget the oldest attributions past the cap
    while (byId.size > MAX_LOG_ENTRIES) byId.delete(byId.keys().next().value!);
  };

  const openOrders = (): OpenOrderEntry[] =>
    [...watched.keys()].flatMap((accountId) =>
      world.exchange.openOrders(accountId).map((o) => ({
        accountId,
        symbol: o.symbol,
        clientOrderId: o.clientOrderId,
        venueOrderId: o.venueOrderId,
        client: clientOf(accountId, o.clientOrderId),
        side: o.side,
        priceTicks: o.priceTicks,
        qtyLots: o.qtyLots,
        filledLots: o.filledLots,
        status: o.status,
      })),
    );

  const http = createServer((req, res) => answer(req, res));
  function answer(req: IncomingMessage, res: ServerResponse): void {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const routes: Record<string, () => unknown> = {
      '/orders-log': () => orderLog.entries(),
      '/open-orders': openOrders,
      '/fills': () => [...trades.values()],
      '/health': () => ({ ok: true }),
    };
    const route = routes[path];
    if (req.method !== 'GET' || route === undefined) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: `no route ${req.method} ${path}; try GET ${Object.keys(routes).join(', ')}` }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(route(), (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
  }

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port, host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  let server: VenueServer;
  try {
    server = await serveVenues({
      server: http,
      ...(options.token === undefined ? {} : { token: options.token }),
      ...(options.log === undefined ? {} : { log: options.log }),
      onRequest,
      resolve: async (hello) => {
        // the market simulator's own participants and the venue's books are not for clients
        if (PaperWorld.isBackgroundAccount(hello.accountId) || hello.accountId.startsWith('__')) {
          throw new EngineError('AUTH_FAILED', `account "${hello.accountId}" belongs to the simulated market; use a name without ":" or a leading "__"`);
        }
        watch(hello.accountId);
        return world.venue(hello.accountId, hello.market);
      },
    });
  } catch (error) {
    http.close();
    await world.closeAll();
    throw error;
  }
  const displayHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `ws://${displayHost}:${server.port}${DEFAULT_VENUE_PATH}`,
    httpUrl: `http://${displayHost}:${server.port}`,
    port: server.port,
    world,
    orderLog: () => orderLog.entries(),
    openOrders,
    fills: () => [...trades.values()],
    close: async () => {
      await server.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      for (const off of watched.values()) off();
      await world.closeAll();
    },
  };
}
