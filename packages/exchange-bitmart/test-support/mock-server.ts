// A protocol-faithful BitMart spot server for tests, on 127.0.0.1 and a random port: REST and
// both WebSocket paths on one HTTP server, orders matched by the simulated exchange, with fault
// knobs for what the real venue does on a bad day (lost responses, 429s, dropped streams,
// duplicated or reordered pushes, depth version gaps, either post-only answer).
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LiveClock } from '@mm/core';
import type { Clock, Instrument, InstrumentDef } from '@mm/core';
import { SimExchange } from '@mm/exchange-sim';
import type { FeeSchedule } from '@mm/exchange-sim';
import { checkKeyed, checkSigned } from './mock-auth.ts';
import type { AuthResult, MockApiKey } from './mock-auth.ts';
import { MockApiError } from './mock-errors.ts';
import { DEFAULT_LIMITS, MockRateLimits } from './mock-limits.ts';
import type { EndpointLimit } from './mock-limits.ts';
import { createRoutes, envelope } from './mock-rest.ts';
import type { Route } from './mock-rest.ts';
import { MockTrading } from './mock-trading.ts';
import type { FinalCancelAnswer, PostOnlyCrossMode } from './mock-trading.ts';
import { MockWebSockets } from './mock-ws.ts';

export interface MockBitmartOptions {
  readonly instruments: readonly InstrumentDef[];
  /** API keys; their accounts are created on the simulated exchange when missing. */
  readonly keys: readonly MockApiKey[];
  readonly exchange?: SimExchange;
  readonly clock?: Clock;
  readonly fees?: FeeSchedule;
  /** Default 'accept-then-cancel' (what the venue documents); 'reject' answers 50034/50035. */
  readonly postOnlyCross?: PostOnlyCrossMode;
  readonly finalCancelAnswer?: FinalCancelAnswer;
  /** Overrides of the per-endpoint limits, keyed "METHOD /path". */
  readonly limits?: Readonly<Record<string, EndpointLimit>>;
  readonly depthIntervalMs?: number;
  readonly depthHeartbeatMs?: number;
  readonly tickerIntervalMs?: number;
  readonly idleCloseMs?: number;
}

export interface RequestRecord {
  readonly method: string;
  readonly path: string;
  readonly body: string;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly at: number;
  status?: number;
  code?: number;
}

export type LostResponseMode = '503' | 'drop' | 'timeout';

const ORDER_ENTRY = new Set([
  'POST /spot/v2/submit_order',
  'POST /spot/v4/batch_orders',
  'POST /spot/v3/cancel_order',
  'POST /spot/v4/cancel_orders',
  'POST /spot/v4/cancel_all',
]);
const SUBMITS = new Set(['POST /spot/v2/submit_order', 'POST /spot/v4/batch_orders']);

export class MockBitmartServer {
  readonly clock: Clock;
  readonly exchange: SimExchange;
  readonly trading: MockTrading;
  readonly ws: MockWebSockets;
  /** Every REST request received, in order. */
  readonly requests: RequestRecord[] = [];
  readonly faults = {
    dropPublicStreams: (): void => this.ws.drop('public'),
    dropPrivateStreams: (): void => this.ws.drop('private'),
    /** The next submit (single or batch) is executed, then its answer is lost. */
    loseNextSubmitResponse: (mode: LostResponseMode = '503'): void => {
      this.loseSubmit = mode;
    },
    /** The next order-entry request is refused with 429 / 30013 and does nothing. */
    rateLimitNextOrderEntry: (): void => {
      this.rateLimitNext = true;
    },
    /** Every REST answer is held back this long (ms). */
    delayResponses: (ms: number): void => {
      this.responseDelayMs = ms;
    },
    duplicatePrivatePushes: (on: boolean): void => {
      this.ws.privateFaults.duplicate = on;
    },
    /** Swaps pairs of private pushes (the second goes out first). */
    reorderPrivatePushes: (on: boolean): void => {
      this.ws.privateFaults.reorder = on;
      if (!on) this.ws.flushHeld();
    },
    delayPrivatePushes: (ms: number): void => {
      this.ws.privateFaults.delayMs = ms;
    },
    versionGapNext: (symbol?: string): void => this.ws.injectVersionGap(symbol),
    ignoreDepthSnapshotRequests: (on: boolean): void => {
      this.ws.ignoreSnapshotRequests = on;
    },
    setPostOnlyCross: (mode: PostOnlyCrossMode): void => {
      this.trading.postOnlyCross = mode;
    },
    setFinalCancelAnswer: (answer: FinalCancelAnswer): void => {
      this.trading.finalCancelAnswer = answer;
    },
  };

  private readonly http: Server;
  private readonly keys: ReadonlyMap<string, MockApiKey>;
  private readonly routes: ReadonlyMap<string, Route>;
  private readonly limits: MockRateLimits;
  private readonly held = new Set<ServerResponse>();
  private readonly instrumentMap = new Map<string, Instrument>();
  private loseSubmit: LostResponseMode | undefined;
  private rateLimitNext = false;
  private responseDelayMs = 0;
  private port = 0;

  private constructor(options: MockBitmartOptions) {
    this.clock = options.clock ?? new LiveClock();
    this.exchange = options.exchange ?? new SimExchange({ clock: this.clock, instruments: options.instruments, ...(options.fees ? { fees: options.fees } : {}) });
    for (const def of options.instruments) {
      const inst = this.exchange.instruments().find((i) => i.symbol === def.symbol) ?? this.exchange.addInstrument(def);
      this.instrumentMap.set(inst.symbol, inst);
    }
    this.keys = new Map(options.keys.map((k) => [k.apiKey, k]));
    const instrument = (symbol: string): Instrument | undefined => this.instrumentMap.get(symbol);
    this.ws = new MockWebSockets({
      clock: this.clock,
      exchange: this.exchange,
      keys: this.keys,
      instrument,
      depthIntervalMs: options.depthIntervalMs ?? 50,
      depthHeartbeatMs: options.depthHeartbeatMs ?? 1000,
      tickerIntervalMs: options.tickerIntervalMs ?? 200,
      idleCloseMs: options.idleCloseMs ?? 0,
    });
    this.trading = new MockTrading(this.exchange, this.clock, this.ws, instrument, {
      postOnlyCross: options.postOnlyCross ?? 'accept-then-cancel',
      finalCancelAnswer: options.finalCancelAnswer ?? 'error',
    });
    const accounts = new Set(options.keys.map((k) => k.account));
    for (const account of accounts) {
      if (!this.exchange.hasAccount(account)) this.exchange.createAccount(account, { stpMode: 'expire_maker' });
      this.trading.track(account);
    }
    this.limits = new MockRateLimits({ ...DEFAULT_LIMITS, ...options.limits });
    this.routes = createRoutes({
      clock: this.clock,
      exchange: this.exchange,
      trading: this.trading,
      ws: this.ws,
      instruments: () => [...this.instrumentMap.values()],
      instrument,
    });
    this.http = createServer((req, res) => void this.onRequest(req, res));
    this.http.on('upgrade', (req, socket, head) => this.ws.handleUpgrade(req, socket, head));
  }

  static async start(options: MockBitmartOptions): Promise<MockBitmartServer> {
    const server = new MockBitmartServer(options);
    await new Promise<void>((resolve, reject) => {
      server.http.once('error', reject);
      server.http.listen(0, '127.0.0.1', () => resolve());
    });
    server.port = (server.http.address() as AddressInfo).port;
    return server;
  }

  get urls(): { rest: string; publicWs: string; privateWs: string } {
    const host = `127.0.0.1:${this.port}`;
    return { rest: `http://${host}`, publicWs: `ws://${host}/api?protocol=1.1`, privateWs: `ws://${host}/user?protocol=1.1` };
  }

  /** REST requests to one endpoint, e.g. "POST /spot/v4/cancel_all". */
  requestsTo(endpoint: string): RequestRecord[] {
    return this.requests.filter((r) => `${r.method} ${r.path}` === endpoint);
  }

  async close(): Promise<void> {
    this.ws.close();
    this.trading.close();
    for (const res of this.held) res.destroy();
    this.held.clear();
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  // ---------------------------------------------------------------- REST

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const endpoint = `${method} ${url.pathname}`;
    const body = await readBody(req);
    const headers = lowerCaseHeaders(req);
    const record: RequestRecord = { method, path: url.pathname, body, headers, at: this.clock.now() };
    this.requests.push(record);
    const answer = (status: number, code: number, message: string, data: unknown, extra: Record<string, string> = {}): void => {
      record.status = status;
      record.code = code;
      const send = (): void => {
        if (res.destroyed) return;
        res.writeHead(status, { 'Content-Type': 'application/json', ...extra });
        res.end(envelope(code, message, data));
      };
      if (this.responseDelayMs > 0) this.clock.setTimeout(send, this.responseDelayMs);
      else send();
    };
    const route = this.routes.get(endpoint);
    if (route === undefined) {
      answer(404, 30000, 'Not found', {});
      return;
    }
    const auth = this.authenticate(route, headers, url.pathname, body);
    if (!auth.ok) {
      answer(auth.failure.http, auth.failure.code, auth.failure.message, {});
      return;
    }
    const key = route.auth === 'NONE' ? undefined : auth.key;
    const ids = { ip: req.socket.remoteAddress ?? '127.0.0.1', ...(key ? { key: key.apiKey, uid: key.account } : {}) };
    if (this.rateLimitNext && ORDER_ENTRY.has(endpoint)) {
      this.rateLimitNext = false;
      const limit = this.limits.limitOf(endpoint);
      answer(429, 30013, 'Request too many requests', {}, {
        'X-BM-RateLimit-Remaining': String((limit?.limit ?? 1) + 1),
        'X-BM-RateLimit-Limit': String(limit?.limit ?? 1),
        'X-BM-RateLimit-Reset': String(Math.max(1, Math.ceil((limit?.windowMs ?? 1000) / 1000))),
        'X-BM-RateLimit-Mode': limit?.scope ?? 'UID',
      });
      return;
    }
    const verdict = this.limits.take(endpoint, ids, this.clock.now());
    if (!verdict.allowed) {
      answer(429, 30013, 'Request too many requests', {}, verdict.headers);
      return;
    }
    let parsed: Record<string, unknown> = {};
    if (method === 'POST') {
      try {
        const value: unknown = JSON.parse(body === '' ? '{}' : body);
        if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
        parsed = value as Record<string, unknown>;
      } catch {
        answer(503, 30018, 'Request Body requires JSON format', {}, verdict.headers);
        return;
      }
    }
    let data: unknown;
    try {
      data = route.handle({ key, query: url.searchParams, body: parsed });
    } catch (error) {
      if (error instanceof MockApiError) answer(error.http, error.code, error.message, {}, verdict.headers);
      else answer(500, 59001, `Internal error: ${error instanceof Error ? error.message : String(error)}`, {}, verdict.headers);
      return;
    }
    const lose = SUBMITS.has(endpoint) ? this.loseSubmit : undefined;
    if (lose !== undefined) {
      this.loseSubmit = undefined;
      record.status = lose === '503' ? 503 : 0;
      if (lose === '503') answer(503, 30014, 'Service unavailable', {});
      else if (lose === 'drop') res.socket?.destroy();
      else this.held.add(res);
      return;
    }
    answer(200, 1000, 'OK', data, verdict.headers);
  }

  private authenticate(route: Route, headers: Readonly<Record<string, string | undefined>>, path: string, body: string): AuthResult | { ok: true; key: undefined } {
    if (route.auth === 'NONE') return { ok: true, key: undefined };
    if (route.auth === 'KEYED') return checkKeyed(this.keys, headers);
    return checkSigned(this.keys, headers, path, body, this.clock.now());
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(''));
  });
}

function lowerCaseHeaders(req: IncomingMessage): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) out[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  return out;
}
