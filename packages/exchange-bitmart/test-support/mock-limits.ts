// Per-endpoint request limits of the mock, counted per IP, API key or account (UID) as the
// catalogue's §3.1 table says, with BitMart's X-BM-RateLimit-* headers on every answer.
// Note the venue's naming (§5): "Remaining" carries the count already USED, "Reset" the window
// length in seconds.

export type LimitScope = 'IP' | 'KEY' | 'UID';

export interface EndpointLimit {
  readonly limit: number;
  readonly windowMs: number;
  readonly scope: LimitScope;
}

/** Limits of the endpoints the mock serves (catalogue §3.1, mid-2025 values). */
export const DEFAULT_LIMITS: Readonly<Record<string, EndpointLimit>> = {
  'GET /system/time': { limit: 10, windowMs: 1000, scope: 'IP' },
  'GET /system/service': { limit: 10, windowMs: 1000, scope: 'IP' },
  'GET /spot/v1/symbols': { limit: 8, windowMs: 2000, scope: 'IP' },
  'GET /spot/v1/symbols/details': { limit: 12, windowMs: 2000, scope: 'IP' },
  'GET /spot/quotation/v3/ticker': { limit: 15, windowMs: 2000, scope: 'IP' },
  'GET /spot/quotation/v3/books': { limit: 15, windowMs: 2000, scope: 'IP' },
  'GET /spot/quotation/v3/trades': { limit: 15, windowMs: 2000, scope: 'IP' },
  'GET /spot/v1/trade_fee': { limit: 2, windowMs: 2000, scope: 'KEY' },
  'GET /spot/v1/wallet': { limit: 12, windowMs: 2000, scope: 'KEY' },
  'POST /spot/v2/submit_order': { limit: 40, windowMs: 2000, scope: 'UID' },
  'POST /spot/v4/batch_orders': { limit: 40, windowMs: 2000, scope: 'UID' },
  'POST /spot/v3/cancel_order': { limit: 40, windowMs: 2000, scope: 'UID' },
  'POST /spot/v4/cancel_orders': { limit: 40, windowMs: 2000, scope: 'UID' },
  'POST /spot/v4/cancel_all': { limit: 1, windowMs: 3000, scope: 'UID' },
  'POST /spot/v4/query/order': { limit: 50, windowMs: 2000, scope: 'KEY' },
  'POST /spot/v4/query/client-order': { limit: 50, windowMs: 2000, scope: 'KEY' },
  'POST /spot/v4/query/open-orders': { limit: 12, windowMs: 2000, scope: 'KEY' },
  'POST /spot/v4/query/history-orders': { limit: 12, windowMs: 2000, scope: 'KEY' },
  'POST /spot/v4/query/trades': { limit: 12, windowMs: 2000, scope: 'KEY' },
  'POST /spot/v4/query/order-trades': { limit: 12, windowMs: 2000, scope: 'KEY' },
};

export interface LimitVerdict {
  readonly allowed: boolean;
  readonly headers: Readonly<Record<string, string>>;
}

export class MockRateLimits {
  /** `${endpoint}|${scopeId}` → request times inside the window. */
  private readonly windows = new Map<string, number[]>();

  constructor(private readonly limits: Readonly<Record<string, EndpointLimit>>) {}

  limitOf(endpoint: string): EndpointLimit | undefined {
    return this.limits[endpoint];
  }

  /** Counts the request if it fits. A refused request is not counted, as at the venue. */
  take(endpoint: string, ids: { ip: string; key?: string; uid?: string }, now: number): LimitVerdict {
    const limit = this.limits[endpoint];
    if (limit === undefined) return { allowed: true, headers: {} };
    const scopeId = limit.scope === 'IP' ? ids.ip : limit.scope === 'KEY' ? (ids.key ?? ids.ip) : (ids.uid ?? ids.key ?? ids.ip);
    const slot = `${endpoint}|${scopeId}`;
    const times = (this.windows.get(slot) ?? []).filter((t) => t > now - limit.windowMs);
    const allowed = times.length < limit.limit;
    if (allowed) times.push(now);
    this.windows.set(slot, times);
    return {
      allowed,
      headers: {
        'X-BM-RateLimit-Remaining': String(allowed ? times.length : times.length + 1),
        'X-BM-RateLimit-Limit': String(limit.limit),
        'X-BM-RateLimit-Reset': String(Math.max(1, Math.ceil(limit.windowMs / 1000))),
        'X-BM-RateLimit-Mode': limit.scope,
      },
    };
  }
}
