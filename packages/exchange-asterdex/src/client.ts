// The Asterdex REST client for one market (futures or spot) and one family (V1 or V3): the
// endpoint table decides method, path, security, weight and parameters; this class wires the
// shared RestClient to Asterdex signing, rate-limit headers, server time and error mapping.
import { EngineError } from '@mm/core';
import type { Clock, Rng } from '@mm/core';
import { HttpTransport, RateLimiter, RestClient } from '@mm/exchange';
import type { CallOptions, EndpointSpec, HttpResponse, Params, SignedRequest } from '@mm/exchange';
import { checkCredentials, isV1Credentials, resolveConnection } from './config.ts';
import type { AsterConnectionOptions, AsterCredentials, ResolvedConnection } from './config.ts';
import { CLOCK_CODES, httpFailure, venueError } from './errors.ts';
import { FUTURES_V1_ENDPOINTS } from './endpoints/futures-v1.ts';
import { FUTURES_V3_ENDPOINTS } from './endpoints/futures-v3.ts';
import { SPOT_V1_ENDPOINTS, SPOT_V3_ENDPOINTS } from './endpoints/spot.ts';
import { WEIGHT_POOL } from './endpoints/params.ts';
import { DEFAULT_LIMITS, observeRateHeaders, poolsFrom } from './rate-limits.ts';
import type { VenueRateLimit } from './rate-limits.ts';
import { encodeEntries, entries } from './signing/encode.ts';
import { nonceFor } from './signing/nonce.ts';
import type { MicrosecondNonce } from './signing/nonce.ts';
import { place, v1Signer, v3Signer } from './signing/request.ts';
import { ServerTime } from './time-sync.ts';

export interface AsterClientOptions extends AsterConnectionOptions {
  readonly clock: Clock;
  /** Omit for public market data only. */
  readonly credentials?: AsterCredentials;
  /** Share one limiter between clients on the same IP and account. */
  readonly limiter?: RateLimiter;
  readonly recvWindowMs?: number;
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
  /** V3: randomises the sub-millisecond part of nonces (another process may sign for the same user). */
  readonly rng?: Rng;
  /** V3: a nonce generator to use instead of the process-wide one of the user. */
  readonly nonce?: MicrosecondNonce;
}

export function endpointTable(market: 'futures' | 'spot', family: 'v1' | 'v3'): readonly EndpointSpec[] {
  if (market === 'futures') return family === 'v1' ? FUTURES_V1_ENDPOINTS : FUTURES_V3_ENDPOINTS;
  return family === 'v1' ? SPOT_V1_ENDPOINTS : SPOT_V3_ENDPOINTS;
}

export class AsterRestClient {
  readonly connection: ResolvedConnection;
  readonly limiter: RateLimiter;
  readonly serverTime: ServerTime;
  readonly name: string;
  private readonly rest: RestClient;
  private resyncing: Promise<unknown> | undefined;

  constructor(options: AsterClientOptions) {
    this.connection = resolveConnection(options);
    this.name = `asterdex ${options.market} ${options.family}`;
    this.serverTime = new ServerTime(options.clock);
    this.limiter =
      options.limiter ??
      new RateLimiter({ clock: options.clock, name: `${this.name} limits`, pools: poolsFrom(DEFAULT_LIMITS[options.market], options.market) });
    const credentials = options.credentials;
    if (credentials !== undefined) checkCredentials(options.family, credentials);
    const sign =
      credentials === undefined
        ? publicOnly(this.name)
        : isV1Credentials(credentials)
          ? v1Signer({ credentials, serverNow: () => this.serverTime.now(), ...(options.recvWindowMs === undefined ? {} : { recvWindowMs: options.recvWindowMs }) })
          : v3Signer({
              credentials,
              nonce: options.nonce ?? nonceFor(credentials.user),
              serverNow: () => this.serverTime.now(),
              subMicros: jitter(options.rng),
              chainId: this.connection.chainId,
            });
    this.rest = new RestClient({
      name: this.name,
      endpoints: endpointTable(options.market, options.family),
      transport: new HttpTransport({
        baseUrl: this.connection.restUrl,
        clock: options.clock,
        name: this.name,
        ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
        ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
      }),
      limiter: this.limiter,
      clock: options.clock,
      weightPool: WEIGHT_POOL,
      sign,
      observeHeaders: (headers, _spec, limiter) => observeRateHeaders(headers, limiter),
      mapResponse: (response, spec, params) => this.mapResponse(response, spec, params),
    });
  }

  spec(id: string): EndpointSpec {
    return this.rest.spec(id);
  }

  /** Calls an endpoint of the table by id. Throws EngineError (UNKNOWN_OUTCOME when the effect is unknown). */
  async call<T = unknown>(id: string, params: Params = {}, options: CallOptions = {}): Promise<T> {
    try {
      return (await this.rest.call(id, params, options)) as T;
    } catch (error) {
      if (error instanceof EngineError && typeof error.venueCode === 'number' && CLOCK_CODES.has(error.venueCode)) this.resyncTime();
      throw error;
    }
  }

  /** Measures the offset to the venue clock (GET time). */
  async syncTime(): Promise<number> {
    return this.serverTime.sync(async () => (await this.call<{ serverTime: number }>('time')).serverTime);
  }

  /** Adopts the venue's published limits (exchangeInfo.rateLimits). */
  applyRateLimits(limits: readonly VenueRateLimit[]): void {
    this.limiter.setPools(poolsFrom(limits, this.connection.market));
  }

  private resyncTime(): void {
    if (this.resyncing !== undefined) return;
    this.resyncing = this.syncTime()
      .catch(() => undefined)
      .finally(() => {
        this.resyncing = undefined;
      });
  }

  private mapResponse(response: HttpResponse, spec: EndpointSpec, params: Params): unknown {
    const action = `${this.name} ${spec.method} ${spec.path}`;
    const postOnly = params['timeInForce'] === 'GTX';
    const body = parseJson(response.text);
    if (response.status >= 200 && response.status < 300) {
      if (body === undefined) {
        throw new EngineError('VENUE_ERROR', `${action}: the venue answered with something that is not JSON: ${response.text.slice(0, 120)}`);
      }
      // some gateways answer errors with 200 and a negative code; success envelopes use code 200
      if (isErrorBody(body) && body.code < 0) throw venueError(body.code, body.msg, { action, postOnly, httpStatus: response.status }).error;
      return body;
    }
    if (isErrorBody(body)) throw venueError(body.code, body.msg, { action, postOnly, httpStatus: response.status }).error;
    throw httpFailure(response.status, response.text, { action }).error;
  }
}

function jitter(rng: Rng | undefined): () => number {
  if (rng === undefined) return () => 0;
  const own = rng.fork('nonce');
  return () => own.int(0, 499);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isErrorBody(body: unknown): body is { code: number; msg: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const { code, msg } = body as { code?: unknown; msg?: unknown };
  return typeof code === 'number' && typeof msg === 'string' && code !== 200;
}

function publicOnly(name: string) {
  return (spec: EndpointSpec, params: Params): SignedRequest => {
    if (spec.security !== 'NONE' && spec.security !== 'MARKET_DATA') {
      throw new EngineError('AUTH_FAILED', `${name}: ${spec.id} needs credentials, and none were configured`);
    }
    return place(spec, encodeEntries(entries(params, 'double')), {});
  };
}
