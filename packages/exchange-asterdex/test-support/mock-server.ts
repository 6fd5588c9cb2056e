// A protocol-faithful Asterdex mock on 127.0.0.1 (random port): futures (/fapi/v1, v2, v4 with
// HMAC; /fapi/v3 with EIP-712) and spot (/api/v1, /api/v3) over REST, market and user streams
// over WebSocket, with orders matched by a SimExchange on a LiveClock so they really fill.
// It checks signatures, parameters (against the client's endpoint tables), weights and order
// limits (429, then 418), and offers fault knobs for the reliability tests.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { LiveClock, fx } from '@mm/core';
import type { Clock, Fixed, InstrumentDef } from '@mm/core';
import { validateParams } from '@mm/exchange';
import type { EndpointSpec, Params } from '@mm/exchange';
import { SimExchange } from '@mm/exchange-sim';
import type { FeeSchedule } from '@mm/exchange-sim';
import { endpointTable } from '../src/client.ts';
import { MAINNET_CHAIN_ID } from '../src/signing/eip712.ts';
import { V1_AUTH_PARAMS, V3_AUTH_PARAMS, authenticate } from './mock-auth.ts';
import type { Family } from './mock-auth.ts';
import { MockLimiter, parseList, readRequest, venueError } from './mock-http.ts';
import type { MockRequest, MockResponse } from './mock-http.ts';
import { FUTURES_ROUTES, SPOT_ROUTES, handlerError } from './mock-routes.ts';
import { MockState } from './mock-state.ts';
import type { MockAccount, MockLimits, MockMarket } from './mock-state.ts';
import { MockStreams } from './mock-streams.ts';
import type { StreamOptions } from './mock-streams.ts';

export interface MockAccountSpec extends MockAccount {
  readonly deposits?: Readonly<Record<string, string>>;
  readonly fees?: FeeSchedule;
}

export interface AsterMockOptions {
  readonly instruments: readonly InstrumentDef[];
  readonly accounts: readonly MockAccountSpec[];
  /** Accounts with no credentials (counterparties driven in-process). */
  readonly otherAccounts?: readonly string[];
  readonly limits?: Partial<MockLimits>;
  readonly listenKeyValidityMs?: number;
  readonly streams?: Partial<StreamOptions>;
  readonly chainId?: number;
  readonly clock?: Clock;
  readonly seed?: string;
}

export interface RequestLogEntry {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly at: number;
}

const DEFAULT_LIMITS: MockLimits = { weightPerMinute: 2400, ordersPerMinute: 1200, ordersPer10s: 300, banMs: 120_000 };

interface Route {
  readonly market: MockMarket;
  readonly family: Family;
  readonly spec: EndpointSpec;
}

export class AsterMockServer {
  readonly exchange: SimExchange;
  readonly state: MockState;
  readonly streams: MockStreams;
  readonly limiter: MockLimiter;
  readonly chainId: number;
  /** Every REST request answered, in order of arrival. */
  readonly requests: RequestLogEntry[] = [];
  private readonly server: Server;
  private readonly wss: WebSocketServer;
  private readonly port: number;

  private constructor(options: AsterMockOptions, server: Server, wss: WebSocketServer, port: number) {
    const clock = options.clock ?? new LiveClock();
    this.chainId = options.chainId ?? MAINNET_CHAIN_ID;
    this.exchange = new SimExchange({ clock, instruments: options.instruments, fundingIntervalMs: 0, recordTrades: true });
    const limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.state = new MockState(this.exchange, clock, limits, options.listenKeyValidityMs ?? 3_600_000, options.seed ?? 'aster-mock');
    for (const spec of options.accounts) {
      // no venue-side STP until the account switches it on (POST /fapi/v3/stpMode)
      this.exchange.createAccount(spec.name, { stpMode: 'none', ...(spec.fees === undefined ? {} : { fees: spec.fees }) });
      for (const [asset, amount] of Object.entries(spec.deposits ?? {})) this.exchange.deposit(spec.name, asset, fx.parse(amount));
      this.state.addAccount(spec);
    }
    for (const name of options.otherAccounts ?? []) this.exchange.createAccount(name, { stpMode: 'none' });
    this.limiter = new MockLimiter(clock, limits);
    this.server = server;
    this.wss = wss;
    this.port = port;
    this.streams = new MockStreams(this.state, wss, {
      publishIntervalMs: options.streams?.publishIntervalMs ?? 100,
      markIntervalMs: options.streams?.markIntervalMs ?? 1000,
      maxConnectionMs: options.streams?.maxConnectionMs ?? 24 * 3_600_000,
      serverPingMs: options.streams?.serverPingMs ?? 300_000,
    });
    server.on('request', (req: IncomingMessage, res: ServerResponse) => void this.handle(req, res));
  }

  static async start(options: AsterMockOptions): Promise<AsterMockServer> {
    const server = createServer();
    const wss = new WebSocketServer({ server });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return new AsterMockServer(options, server, wss, port);
  }

  get restUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  /** Base URLs for a client of this mock (both markets share the mock's host). */
  get urls(): { rest: string; ws: string } {
    return { rest: this.restUrl, ws: this.wsUrl };
  }

  /** Credits the account; a watched account's user stream gets ACCOUNT_UPDATE with reason DEPOSIT. */
  deposit(account: string, asset: string, amount: Fixed | string): void {
    this.exchange.deposit(account, asset, typeof amount === 'string' ? fx.parse(amount) : amount);
  }

  /**
   * A funding payment on a perp symbol, signed from the account's side (+ received, − paid): the
   * wallet changes and the user stream gets ACCOUNT_UPDATE with reason FUNDING_FEE and `bc`.
   */
  fundingFee(account: string, symbol: string, amount: Fixed | string): void {
    this.exchange.payFunding(account, symbol, typeof amount === 'string' ? fx.parse(amount) : amount);
  }

  // ---------------------------------------------------------------- fault knobs

  readonly faults = {
    /** The next order-entry request (new, batch, amend) is answered 429 with Retry-After. */
    rateLimitNextRequest: (retryAfterSec = 1): void => {
      this.state.faults.rateLimitNext = true;
      this.state.faults.retryAfterSec = retryAfterSec;
    },
    /** The next request is answered 418: the IP is banned for `ms`. */
    banNextRequest: (): void => {
      this.state.faults.banNext = true;
    },
    /** The next submit is executed at the matching engine and answered 503 (ambiguous). */
    loseNextSubmitResponse: (): void => {
      this.state.faults.loseNextSubmit = true;
    },
    duplicateFills: (on: boolean): void => {
      this.state.faults.duplicateFills = on;
    },
    outOfOrderEvents: (on: boolean): void => {
      this.state.faults.outOfOrder = on;
    },
    responseDelay: (ms: number): void => {
      this.state.faults.responseDelayMs = ms;
    },
    streamDelay: (ms: number): void => {
      this.state.faults.streamDelayMs = ms;
    },
    clockSkew: (ms: number): void => {
      this.state.faults.clockSkewMs = ms;
    },
    dropMarketStreams: (): void => this.streams.dropMarket(),
    dropUserStreams: (account?: string): void => this.streams.dropUser(account),
    /** The account's listen key expires now: listenKeyExpired, then silence on it. */
    expireListenKey: (account: string, market: MockMarket): boolean => {
      const key = this.state.activeKey(account, market);
      if (key === undefined) return false;
      this.streams.expire(key);
      return true;
    },
    /** The next depth diff of the symbol is counted but never sent (a gap for the client). */
    dropNextDepthDiff: (symbol: string): void => {
      const p = this.streams.publishers.get(symbol);
      if (p !== undefined) p.dropNext = true;
    },
  };

  async close(): Promise<void> {
    this.streams.close();
    this.state.close();
    for (const ws of this.wss.clients) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---------------------------------------------------------------- request handling

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let response: MockResponse;
    let request: MockRequest | undefined;
    try {
      request = await readRequest(req);
      response = await this.answer(request);
    } catch (error) {
      response = handlerError(error, 'futures');
    }
    const delay = this.state.faults.responseDelayMs;
    if (delay > 0) await this.state.clock.sleep(delay);
    this.requests.push({ method: request?.method ?? '?', path: request?.path ?? '?', status: response.status, at: this.state.clock.now() });
    if (res.destroyed) return;
    res.writeHead(response.status, response.headers ?? {});
    res.end(response.body);
  }

  private route(req: MockRequest): Route | undefined {
    const path = req.path;
    let market: MockMarket;
    let family: Family;
    if (/^\/fapi\/(v1|v2|v4|aster)\//.test(path)) [market, family] = ['futures', 'v1'];
    else if (path.startsWith('/fapi/v3/')) [market, family] = ['futures', 'v3'];
    else if (path.startsWith('/api/v1/')) [market, family] = ['spot', 'v1'];
    else if (path.startsWith('/api/v3/')) [market, family] = ['spot', 'v3'];
    else return undefined;
    const spec = endpointTable(market, family).find((s) => s.path === path && s.method === req.method);
    return spec === undefined ? undefined : { market, family, spec };
  }

  private async answer(req: MockRequest): Promise<MockResponse> {
    const route = this.route(req);
    if (route === undefined) return { status: 404, body: '<html><body><h1>404 Not Found</h1></body></html>', headers: { 'content-type': 'text/html' } };
    const { spec, market, family } = route;
    const faults = this.state.faults;
    if (faults.banNext) {
      faults.banNext = false;
      return this.limiter.ban(req.ip);
    }
    const business = this.businessParams(req, family, spec);
    const weight = typeof spec.weight === 'function' ? spec.weight(business) : spec.weight;
    const charged = this.limiter.chargeWeight(req.ip, weight);
    if (!charged.ok) return charged.response;
    const headers: Record<string, string> = { 'x-mbx-used-weight-1m': String(charged.usedWeight) };
    const isOrderEntry = spec.pools !== undefined;
    if (isOrderEntry && faults.rateLimitNext) {
      faults.rateLimitNext = false;
      return this.limiter.refuse(req.ip, faults.retryAfterSec);
    }
    const auth = authenticate(this.state, family, spec, req, this.chainId);
    if (!auth.ok) return withHeaders(auth.response, headers);
    try {
      validateParams(spec, business);
    } catch (error) {
      return withHeaders(paramError(error), headers);
    }
    let orderHeaders: Record<string, string> = {};
    if (isOrderEntry && auth.account !== undefined) {
      const count = spec.id === 'batchOrders' ? batchSize(business['batchOrders']) : (spec.pools?.['ORDERS_1M'] ?? 1);
      const charge = this.limiter.chargeOrders(auth.account.name, count);
      if (charge.response !== undefined) return withHeaders(charge.response, headers);
      orderHeaders = charge.headers;
    }
    const handler = (market === 'futures' ? FUTURES_ROUTES : SPOT_ROUTES)[spec.id];
    if (handler === undefined) return withHeaders(venueError(-1020, 'This operation is not supported.'), headers);
    let response: MockResponse;
    try {
      response = handler({ state: this.state, streams: this.streams, market, req, account: auth.account, orderHeaders });
    } catch (error) {
      response = handlerError(error, market);
    }
    if ((spec.id === 'newOrder' || spec.id === 'batchOrders') && faults.loseNextSubmit) {
      // executed, but the answer is lost on the way: what a gateway timeout looks like
      faults.loseNextSubmit = false;
      return { status: 503, body: '<html><body>503 Service Temporarily Unavailable</body></html>', headers: { 'content-type': 'text/html' } };
    }
    return withHeaders(response, { ...headers, ...orderHeaders });
  }

  /** Decoded parameters minus the family's auth parameters (kept where the endpoint lists them). */
  private businessParams(req: MockRequest, family: Family, spec: EndpointSpec): Params {
    const auth = family === 'v1' ? V1_AUTH_PARAMS : V3_AUTH_PARAMS;
    const listed = new Set(spec.params.map((p) => p.name));
    const out: Record<string, unknown> = {};
    for (const [k, v] of req.params) if (!auth.includes(k) || listed.has(k)) out[k] = v;
    return out;
  }
}

function withHeaders(response: MockResponse, headers: Record<string, string>): MockResponse {
  return { ...response, headers: { ...headers, ...response.headers } };
}

function batchSize(value: unknown): number {
  try {
    const list = parseList(String(value));
    return Array.isArray(list) ? Math.max(1, list.length) : 1;
  } catch {
    return 1;
  }
}

/** validateParams' message to the venue's parameter codes. */
function paramError(error: unknown): MockResponse {
  const message = error instanceof Error ? error.message : String(error);
  const name = /parameter "([^"]+)"/.exec(message)?.[1] ?? '';
  if (message.includes('is required')) return venueError(-1102, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`);
  if (message.includes('is not accepted')) return venueError(-1104, `Not all sent parameters were read; read parameters but '${name}' was sent.`);
  return venueError(-1130, `Data sent for parameter '${name}' is not valid.`);
}
