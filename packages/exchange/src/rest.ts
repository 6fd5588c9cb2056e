// The declarative REST base. A venue client describes its endpoints as data (method, path,
// security, weight, parameters); RestClient validates parameters, charges the rate limiter,
// lets the venue sign, sends, feeds rate-limit headers back to the limiter and hands the
// response to the venue's mapper. Nothing venue-specific lives here.
//
// Failure classification is the important part: an adapter must never take an ambiguous outcome
// for a rejection. A request that provably never left (connection refused, DNS failure) is
// NETWORK. A timeout, a reset after sending or an HTTP 5xx is UNKNOWN_OUTCOME for a request that
// changes state, and a retryable TIMEOUT / NETWORK / VENUE_UNAVAILABLE for an idempotent one.
import { EngineError } from '@mm/core';
import type { Clock } from '@mm/core';
import type { Priority, RateCost, RateLimiter } from './rate-limiter.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export type ParamType = 'string' | 'int' | 'decimal' | 'boolean' | 'enum' | 'json' | 'long';

export interface ParamSpec {
  readonly name: string;
  readonly type: ParamType;
  readonly required?: boolean;
  /** Allowed values of an 'enum'. */
  readonly values?: readonly string[];
}

/** Request parameters; undefined and null mean "not sent". */
export type Params = Readonly<Record<string, unknown>>;

export interface EndpointSpec {
  /** Unique within a venue, e.g. 'futures.newOrder'. */
  readonly id: string;
  readonly method: HttpMethod;
  readonly path: string;
  /** Venue-defined (NONE, USER_DATA, TRADE, SIGNED, KEYED...); the signer decides what it means. */
  readonly security: string;
  /** Charged to the client's weight pool. */
  readonly weight: number | ((params: Params) => number);
  /** Further pool costs, e.g. { ORDERS_1M: 1, ORDERS_10S: 1 }. */
  readonly pools?: Readonly<Record<string, number>>;
  readonly priority: Priority;
  readonly params: readonly ParamSpec[];
  /** Safe to repeat with the same effect. Default: true for GET, false otherwise. */
  readonly idempotent?: boolean;
}

export function isIdempotent(spec: Pick<EndpointSpec, 'method' | 'idempotent'>): boolean {
  return spec.idempotent ?? spec.method === 'GET';
}

const INT = /^-?\d+$/;
const DECIMAL = /^-?\d+(\.\d+)?$/;

/** Throws INVALID_ARGUMENT naming the endpoint and the parameter. */
export function validateParams(spec: EndpointSpec, params: Params): void {
  const bad = (name: string, problem: string): EngineError =>
    new EngineError('INVALID_ARGUMENT', `${spec.id}: parameter "${name}" ${problem}`, { details: { endpoint: spec.id, parameter: name } });
  for (const name of Object.keys(params)) {
    if (!spec.params.some((p) => p.name === name)) {
      const allowed = spec.params.map((p) => p.name).join(', ');
      throw bad(name, `is not accepted by this endpoint (allowed: ${allowed === '' ? 'none' : allowed})`);
    }
  }
  for (const param of spec.params) {
    const value = params[param.name];
    if (value === undefined || value === null) {
      if (param.required === true) throw bad(param.name, 'is required');
      continue;
    }
    const problem = typeProblem(param, value);
    if (problem !== undefined) throw bad(param.name, problem);
  }
}

function typeProblem(param: ParamSpec, value: unknown): string | undefined {
  const shown = typeof value === 'string' ? `"${value}"` : typeof value === 'bigint' ? `${value}n` : JSON.stringify(value) ?? typeof value;
  switch (param.type) {
    case 'string':
      return typeof value === 'string' && value !== '' ? undefined : `must be a non-empty string, got ${shown}`;
    case 'int':
      if (typeof value === 'number' && Number.isSafeInteger(value)) return undefined;
      if (typeof value === 'string' && INT.test(value) && Number.isSafeInteger(Number(value))) return undefined;
      return `must be a whole number, got ${shown}`;
    case 'long':
      if (typeof value === 'number' && Number.isSafeInteger(value)) return undefined;
      if (typeof value === 'bigint' || (typeof value === 'string' && INT.test(value))) return undefined;
      return `must be a whole number (a string or bigint above 2^53), got ${shown}`;
    case 'decimal':
      if (typeof value === 'number') return `must be a decimal string such as "0.001" (a number can lose precision), got ${shown}`;
      return typeof value === 'string' && DECIMAL.test(value) ? undefined : `must be a decimal string such as "0.001", got ${shown}`;
    case 'boolean':
      return typeof value === 'boolean' || value === 'true' || value === 'false' ? undefined : `must be true or false, got ${shown}`;
    case 'enum':
      return typeof value === 'string' && (param.values ?? []).includes(value)
        ? undefined
        : `must be one of ${(param.values ?? []).join(', ')}, got ${shown}`;
    case 'json':
      return typeof value === 'object' || typeof value === 'string' ? undefined : `must be an object, an array or a JSON string, got ${shown}`;
  }
}

/** Checks a venue's endpoint table once, at construction; throws INVALID_CONFIG. */
export function validateEndpointTable(venue: string, endpoints: readonly EndpointSpec[]): void {
  const ids = new Set<string>();
  for (const spec of endpoints) {
    const where = `${venue} endpoint "${spec.id}"`;
    if (ids.has(spec.id)) throw new EngineError('INVALID_CONFIG', `${where} is defined twice`);
    ids.add(spec.id);
    if (!spec.path.startsWith('/')) throw new EngineError('INVALID_CONFIG', `${where}: path must start with "/", got "${spec.path}"`);
    if (typeof spec.weight === 'number' && !(spec.weight >= 0)) throw new EngineError('INVALID_CONFIG', `${where}: weight must not be negative`);
    const names = new Set<string>();
    for (const param of spec.params) {
      if (names.has(param.name)) throw new EngineError('INVALID_CONFIG', `${where}: parameter "${param.name}" is listed twice`);
      names.add(param.name);
      if (param.type === 'enum' && (param.values === undefined || param.values.length === 0)) {
        throw new EngineError('INVALID_CONFIG', `${where}: enum parameter "${param.name}" needs its allowed values`);
      }
    }
  }
}

/** The wire text of one parameter value. */
export function paramToString(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}

/**
 * `a=1&b=x` in the order given (signatures are over the exact wire string), skipping undefined
 * and null. Values are percent-encoded.
 */
export function encodeParams(params: Params): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined || value === null) continue;
    parts.push(`${encodeURIComponent(name)}=${encodeURIComponent(paramToString(value))}`);
  }
  return parts.join('&');
}

// ---------------------------------------------------------------------------------------------
// Transport

export interface HttpRequest {
  readonly method: HttpMethod;
  readonly path: string;
  /** Already encoded, without the leading '?'. */
  readonly query?: string;
  readonly body?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Decides how an ambiguous failure is reported. */
  readonly idempotent: boolean;
  readonly timeoutMs?: number;
}

export interface HttpResponse {
  readonly status: number;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly text: string;
}

export interface HttpTransportOptions {
  /** e.g. 'https://fapi.asterdex.com' (no trailing slash needed). */
  readonly baseUrl: string;
  readonly clock: Clock;
  /** Default 10 s. */
  readonly timeoutMs?: number;
  readonly name?: string;
  /** For tests and proxies; default the global fetch. */
  readonly fetch?: typeof fetch;
}

/** Causes that mean the request never reached the venue. */
const NEVER_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_NONAME',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

export class HttpTransport {
  private readonly baseUrl: string;
  private readonly clock: Clock;
  private readonly timeoutMs: number;
  private readonly name: string;
  private readonly fetchFn: typeof fetch;

  constructor(options: HttpTransportOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.clock = options.clock;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.name = options.name ?? 'http';
    this.fetchFn = options.fetch ?? fetch;
  }

  /**
   * Resolves with any HTTP answer below 500. Throws EngineError NETWORK (never sent), TIMEOUT /
   * NETWORK / VENUE_UNAVAILABLE (idempotent, retryable) or UNKNOWN_OUTCOME (may have executed).
   */
  async send(request: HttpRequest): Promise<HttpResponse> {
    const url = `${this.baseUrl}${request.path}${request.query ? `?${request.query}` : ''}`;
    const what = `${this.name}: ${request.method} ${request.path}`;
    const timeoutMs = request.timeoutMs ?? this.timeoutMs;
    const controller = new AbortController();
    let timedOut = false;
    const timer = this.clock.setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    try {
      let response: Response;
      let text: string;
      try {
        response = await this.fetchFn(url, {
          method: request.method,
          headers: request.headers,
          body: request.body,
          signal: controller.signal,
        });
        // The timeout covers the body too: a stalled body is as ambiguous as a stalled answer.
        text = await response.text();
      } catch (error) {
        throw this.classify(error, request, what, timedOut, timeoutMs);
      }
      const headers: Record<string, string> = {};
      response.headers.forEach((value, key) => {
        headers[key] = value;
      });
      if (response.status >= 500) {
        const details = { method: request.method, path: request.path, status: response.status, body: text.slice(0, 500), headers };
        if (request.idempotent) {
          throw new EngineError('VENUE_UNAVAILABLE', `${what} answered HTTP ${response.status}; retry later`, { details, venueCode: response.status });
        }
        throw new EngineError(
          'UNKNOWN_OUTCOME',
          `${what} answered HTTP ${response.status}: the request may or may not have been executed; query its state before acting again`,
          { details, venueCode: response.status },
        );
      }
      return { status: response.status, headers, text };
    } finally {
      this.clock.clearTimer(timer);
    }
  }

  private classify(error: unknown, request: HttpRequest, what: string, timedOut: boolean, timeoutMs: number): EngineError {
    const details = { method: request.method, path: request.path };
    if (timedOut) {
      return request.idempotent
        ? new EngineError('TIMEOUT', `${what} got no answer within ${timeoutMs} ms`, { details, cause: error })
        : new EngineError(
            'UNKNOWN_OUTCOME',
            `${what} got no answer within ${timeoutMs} ms: the request may or may not have been executed; query its state before acting again`,
            { details, cause: error },
          );
    }
    const code = causeCode(error);
    const reason = causeMessage(error);
    if (code !== undefined && NEVER_SENT.has(code)) {
      return new EngineError('NETWORK', `${what} could not reach the venue (${reason}); the request was not sent`, { details: { ...details, cause: code }, cause: error });
    }
    if (request.idempotent) {
      return new EngineError('NETWORK', `${what} failed in transit (${reason}); safe to retry`, { details: { ...details, cause: code }, cause: error });
    }
    return new EngineError(
      'UNKNOWN_OUTCOME',
      `${what} failed after it was sent (${reason}): the request may or may not have been executed; query its state before acting again`,
      { details: { ...details, cause: code }, cause: error },
    );
  }
}

/** fetch wraps the socket error in `cause` (sometimes an AggregateError of several attempts). */
function causeCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    const nested = (current as { errors?: unknown }).errors;
    if (Array.isArray(nested) && nested[0] instanceof Error) {
      const first = (nested[0] as { code?: unknown }).code;
      if (typeof first === 'string') return first;
    }
    current = current.cause;
  }
  return undefined;
}

function causeMessage(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return cause instanceof Error ? cause.message : String(cause);
}

// ---------------------------------------------------------------------------------------------
// Client

export interface SignedRequest {
  readonly query?: string;
  readonly body?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Builds the wire request: encoding, timestamps, nonces, signatures, API-key headers. */
export type Signer = (spec: EndpointSpec, params: Params) => SignedRequest | Promise<SignedRequest>;

export interface RestClientOptions {
  /** For messages, e.g. 'asterdex futures'. */
  readonly name: string;
  readonly endpoints: readonly EndpointSpec[];
  readonly transport: Pick<HttpTransport, 'send'>;
  readonly limiter: RateLimiter;
  /** The same clock as the limiter's. */
  readonly clock: Clock;
  /**
   * The pool an endpoint's `weight` is charged to: one name (Aster: 'REQUEST_WEIGHT'), a function
   * for per-endpoint buckets (BitMart), or undefined to charge only `pools`.
   */
  readonly weightPool?: string | ((spec: EndpointSpec) => string | undefined);
  readonly sign: Signer;
  /** Sees every response's headers before anything else (rate-limit learning). */
  readonly observeHeaders?: (headers: HttpResponse['headers'], spec: EndpointSpec, limiter: RateLimiter) => void;
  /** How long a 429/418 pauses or bans; default: the Retry-After header. */
  readonly retryAfterMs?: (response: HttpResponse) => number | undefined;
  /** Ban length when a 418 carries no Retry-After. Default 2 min (the shortest Aster ban). */
  readonly defaultBanMs?: number;
  /**
   * Turns a response (< 500, not 429/418) into data or throws the venue's error as EngineError.
   * Default: JSON (or text) for 2xx, VENUE_ERROR otherwise.
   */
  readonly mapResponse?: (response: HttpResponse, spec: EndpointSpec, params: Params) => unknown;
}

export interface CallOptions {
  /** Overrides the endpoint's priority (e.g. a query made on behalf of a cancel). */
  readonly priority?: Priority;
  readonly timeoutMs?: number;
}

export class RestClient {
  readonly name: string;
  private readonly options: RestClientOptions;
  private readonly endpoints = new Map<string, EndpointSpec>();

  constructor(options: RestClientOptions) {
    validateEndpointTable(options.name, options.endpoints);
    this.options = options;
    this.name = options.name;
    for (const spec of options.endpoints) this.endpoints.set(spec.id, spec);
  }

  spec(endpointId: string): EndpointSpec {
    const spec = this.endpoints.get(endpointId);
    if (spec === undefined) throw new EngineError('INVALID_ARGUMENT', `${this.name}: no endpoint "${endpointId}" in the endpoint table`);
    return spec;
  }

  /** What one call costs the rate limiter. */
  cost(spec: EndpointSpec, params: Params): RateCost {
    const cost: Record<string, number> = {};
    const pool = typeof this.options.weightPool === 'function' ? this.options.weightPool(spec) : this.options.weightPool;
    if (pool !== undefined) cost[pool] = typeof spec.weight === 'function' ? spec.weight(params) : spec.weight;
    for (const [name, weight] of Object.entries(spec.pools ?? {})) cost[name] = (cost[name] ?? 0) + weight;
    return cost;
  }

  /**
   * Validates, waits for the rate limiter, signs, sends and maps the response. Throws
   * INVALID_ARGUMENT before anything is sent, RATE_LIMITED / IP_BANNED (the venue did not
   * execute it), or the transport's NETWORK / TIMEOUT / VENUE_UNAVAILABLE / UNKNOWN_OUTCOME.
   */
  async call(endpointId: string, params: Params = {}, options: CallOptions = {}): Promise<unknown> {
    const spec = this.spec(endpointId);
    validateParams(spec, params);
    const limiter = this.options.limiter;
    await limiter.acquire(this.cost(spec, params), options.priority ?? spec.priority);
    // Sign after the wait, so timestamps and nonces are fresh when the request leaves.
    const signed = await this.options.sign(spec, params);
    const request: HttpRequest = {
      method: spec.method,
      path: spec.path,
      idempotent: isIdempotent(spec),
      ...(signed.query === undefined ? {} : { query: signed.query }),
      ...(signed.body === undefined ? {} : { body: signed.body }),
      ...(signed.headers === undefined ? {} : { headers: signed.headers }),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    };
    const response = await this.options.transport.send(request);
    this.options.observeHeaders?.(response.headers, spec, limiter);
    if (response.status === 429 || response.status === 418) throw this.limited(spec, response);
    return (this.options.mapResponse ?? defaultMapResponse)(response, spec, params);
  }

  private limited(spec: EndpointSpec, response: HttpResponse): EngineError {
    const limiter = this.options.limiter;
    const now = this.options.clock.now();
    const retryAfter = this.options.retryAfterMs ? this.options.retryAfterMs(response) : parseRetryAfter(response.headers['retry-after'], now);
    const details = { endpoint: spec.id, status: response.status, body: response.text.slice(0, 500) };
    if (response.status === 418) {
      const until = now + (retryAfter ?? this.options.defaultBanMs ?? 120_000);
      limiter.onBanned(until);
      return new EngineError(
        'IP_BANNED',
        `${this.name}: ${spec.id} was refused with HTTP 418: the venue banned this IP until ${new Date(until).toISOString()}; nothing is sent before then`,
        { details: { ...details, bannedUntil: until }, venueCode: 418 },
      );
    }
    const pause = limiter.onRateLimited(retryAfter);
    return new EngineError('RATE_LIMITED', `${this.name}: ${spec.id} was rate limited (HTTP 429); all requests pause for ${pause} ms`, {
      details: { ...details, pauseMs: pause },
      venueCode: 429,
    });
  }
}

/** Retry-After as seconds or an HTTP date, in ms from `now`. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** 2xx: parsed JSON (or the raw text when it is not JSON). Anything else: VENUE_ERROR with the body. */
export function defaultMapResponse(response: HttpResponse, spec: EndpointSpec): unknown {
  if (response.status >= 200 && response.status < 300) {
    try {
      return JSON.parse(response.text) as unknown;
    } catch {
      return response.text;
    }
  }
  throw new EngineError('VENUE_ERROR', `${spec.id} failed with HTTP ${response.status}: ${response.text.slice(0, 200)}`, {
    details: { endpoint: spec.id, status: response.status, body: response.text.slice(0, 500) },
    venueCode: response.status,
  });
}
