// The BitMart REST client: the endpoint table driven through the shared RestClient, with
// BitMart's signing, its {code, message, trace, data} envelope, and rate pacing learned from the
// X-BM-RateLimit-* headers. Every endpoint has its own pool, because BitMart counts each
// endpoint separately; a 429 therefore slows down that endpoint only.
import { EngineError } from '@mm/core';
import type { Clock } from '@mm/core';
import { encodeParams, HttpTransport, RateLimiter, RestClient } from '@mm/exchange';
import type { CallOptions, EndpointSpec, HttpResponse, Params, RatePool, SignedRequest } from '@mm/exchange';
import { BITMART_ENDPOINTS } from './endpoints.ts';
import type { BitmartEndpoint, BitmartEndpointId } from './endpoints.ts';
import { bitmartError } from './errors.ts';
import { signedHeaders } from './signing.ts';
import type { BitmartCredentials } from './signing.ts';

export interface BitmartClientOptions {
  readonly restUrl: string;
  readonly clock: Clock;
  /** Needed for KEYED and SIGNED endpoints only. */
  readonly credentials?: BitmartCredentials;
  /** Per request; default 10 s. */
  readonly timeoutMs?: number;
  /** recvWindow sent on v4 endpoints (0 < w ≤ 60000; venue default 5000). */
  readonly recvWindowMs?: number;
  /** Shared by every client of one key, so two bots on one account pace together. */
  readonly limiter?: RateLimiter;
  /** Cloudflare blocks bot-like default agents (catalogue §2.2); always send one. */
  readonly userAgent?: string;
  readonly fetch?: typeof fetch;
}

export const DEFAULT_USER_AGENT = 'mm-engine/0.1 (+bitmart-spot-adapter)';

/** One pool per endpoint, named by the endpoint id, from the table's documented limits. */
export function bitmartPools(): RatePool[] {
  return BITMART_ENDPOINTS.map((e) => ({ name: e.id, limit: e.limit.count, intervalMs: e.limit.windowMs }));
}

export function createBitmartLimiter(clock: Clock): RateLimiter {
  return new RateLimiter({ clock, pools: bitmartPools(), name: 'bitmart spot' });
}

interface Envelope {
  readonly code?: unknown;
  readonly message?: unknown;
  readonly trace?: unknown;
  readonly data?: unknown;
}

export class BitmartRestClient {
  readonly limiter: RateLimiter;
  private readonly rest: RestClient;
  private readonly clock: Clock;
  private readonly credentials: BitmartCredentials | undefined;
  private readonly recvWindowMs: number;
  private readonly userAgent: string;
  private readonly pools = new Map<string, RatePool>();
  /** Venue time minus local time, learned from /system/time; applied to X-BM-TIMESTAMP. */
  private offsetMs = 0;

  constructor(options: BitmartClientOptions) {
    this.clock = options.clock;
    this.credentials = options.credentials;
    this.recvWindowMs = options.recvWindowMs ?? 5000;
    if (!(this.recvWindowMs > 0 && this.recvWindowMs <= 60_000)) {
      throw new EngineError('INVALID_CONFIG', `BitMart recvWindow must be in (0, 60000] ms, got ${this.recvWindowMs}`);
    }
    this.userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
    this.limiter = options.limiter ?? createBitmartLimiter(options.clock);
    for (const pool of bitmartPools()) this.pools.set(pool.name, pool);
    this.rest = new RestClient({
      name: 'bitmart spot',
      endpoints: BITMART_ENDPOINTS,
      transport: new HttpTransport({
        baseUrl: options.restUrl,
        clock: options.clock,
        name: 'bitmart spot',
        ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
        ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
      }),
      limiter: this.limiter,
      clock: options.clock,
      weightPool: (spec) => spec.id,
      sign: (spec, params) => this.sign(spec as BitmartEndpoint, params),
      observeHeaders: (headers, spec, limiter) => this.learn(headers, spec, limiter),
      // With rate headers the endpoint's own pool is marked full (learn); no global pause.
      retryAfterMs: (response) => (rateHeaders(response.headers) === undefined ? undefined : 0),
      mapResponse: (response, spec, params) => this.unwrap(response, spec as BitmartEndpoint, params),
    });
  }

  get timeOffsetMs(): number {
    return this.offsetMs;
  }

  setTimeOffset(offsetMs: number): void {
    this.offsetMs = Math.round(offsetMs);
  }

  /** Calls an endpoint and returns the envelope's `data`; failures are EngineErrors. */
  async call<T = unknown>(id: BitmartEndpointId, params: Params = {}, options: CallOptions = {}): Promise<T> {
    try {
      return (await this.rest.call(id, params, options)) as T;
    } catch (error) {
      if (error instanceof EngineError && error.code === 'RATE_LIMITED' && error.venueCode === 429) {
        const body = parseEnvelope(String(error.details?.body ?? ''));
        const spec = this.rest.spec(id) as BitmartEndpoint;
        const retryAfterMs = spec.limit.windowMs;
        throw new EngineError(
          'RATE_LIMITED',
          `BitMart ${spec.method} ${spec.path}: too many requests (HTTP 429, code ${String(body?.code ?? 30013)}); this endpoint allows ${spec.limit.count} per ${spec.limit.windowMs} ms per ${spec.limit.scope}; retry after ${retryAfterMs} ms`,
          { venueCode: String(body?.code ?? 30013), details: { endpoint: id, retryAfterMs }, cause: error },
        );
      }
      throw error;
    }
  }

  // ---------------------------------------------------------------- signing

  private sign(spec: BitmartEndpoint, params: Params): SignedRequest {
    const headers: Record<string, string> = { 'User-Agent': this.userAgent, Accept: 'application/json' };
    if (spec.security !== 'NONE') {
      if (this.credentials === undefined) {
        throw new EngineError('AUTH_FAILED', `BitMart ${spec.method} ${spec.path} needs API credentials (key, secret, memo); none are configured`);
      }
      headers['X-BM-KEY'] = this.credentials.apiKey;
    }
    if (spec.method === 'GET') {
      // Private GETs are KEYED: the venue does not check a signature on them (catalogue §2.3).
      const query = encodeParams(params);
      return query === '' ? { headers } : { query, headers };
    }
    const withWindow = spec.params.some((p) => p.name === 'recvWindow') && params.recvWindow === undefined ? { ...params, recvWindow: this.recvWindowMs } : params;
    // The signature covers these exact bytes; nothing re-serialises them afterwards.
    const body = JSON.stringify(definedOnly(withWindow));
    headers['Content-Type'] = 'application/json';
    if (spec.security === 'SIGNED') Object.assign(headers, signedHeaders(this.credentials!, this.clock.now() + this.offsetMs, body));
    return { body, headers };
  }

  // ---------------------------------------------------------------- responses

  private unwrap(response: HttpResponse, spec: BitmartEndpoint, params: Params): unknown {
    const operation = `${spec.method} ${spec.path}`;
    const envelope = parseEnvelope(response.text);
    if (envelope === undefined) {
      if (response.status === 403 || /cloudflare|cf-ray/i.test(response.text)) {
        throw new EngineError('PERMISSION_DENIED', `BitMart ${operation}: blocked in front of the API (HTTP ${response.status}, not a BitMart answer); check the IP and User-Agent`, {
          venueCode: response.status,
          details: { httpStatus: response.status, body: response.text.slice(0, 200) },
        });
      }
      throw new EngineError('VENUE_ERROR', `BitMart ${operation}: answer is not the JSON envelope (HTTP ${response.status}): ${response.text.slice(0, 120)}`, {
        venueCode: response.status,
        details: { httpStatus: response.status },
      });
    }
    if (Number(envelope.code) === 1000) return envelope.data;
    throw bitmartError(envelope.code as number | string | undefined, typeof envelope.message === 'string' ? envelope.message : '', {
      operation,
      httpStatus: response.status,
      postOnly: params.type === 'limit_maker',
      ...(typeof envelope.trace === 'string' ? { trace: envelope.trace } : {}),
    });
  }

  /** X-BM-RateLimit-*: Remaining is the count USED, Reset the window in seconds (§5). */
  private learn(headers: HttpResponse['headers'], spec: EndpointSpec, limiter: RateLimiter): void {
    const rate = rateHeaders(headers);
    if (rate === undefined) return;
    const current = this.pools.get(spec.id);
    if (current !== undefined && rate.limit !== undefined && rate.windowMs !== undefined && (current.limit !== rate.limit || current.intervalMs !== rate.windowMs)) {
      this.pools.set(spec.id, { name: spec.id, limit: rate.limit, intervalMs: rate.windowMs });
      limiter.setPools([...this.pools.values()]);
    }
    if (rate.used !== undefined) limiter.observeUsed(spec.id, rate.used);
  }
}

function rateHeaders(headers: HttpResponse['headers']): { used?: number; limit?: number; windowMs?: number } | undefined {
  const num = (name: string): number | undefined => {
    const value = headers[name];
    if (value === undefined || value.trim() === '') return undefined;
    const n = Number(value);
    return Number.isFinite(n) && n >= 0 ? n : undefined;
  };
  const used = num('x-bm-ratelimit-remaining');
  const limit = num('x-bm-ratelimit-limit');
  const reset = num('x-bm-ratelimit-reset');
  if (used === undefined && limit === undefined) return undefined;
  return {
    ...(used === undefined ? {} : { used }),
    ...(limit === undefined || limit === 0 ? {} : { limit }),
    ...(reset === undefined || reset === 0 ? {} : { windowMs: reset * 1000 }),
  };
}

function parseEnvelope(text: string): Envelope | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && 'code' in value ? (value as Envelope) : undefined;
  } catch {
    return undefined;
  }
}

function definedOnly(params: Params): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== null) out[key] = value;
  return out;
}
