// Asterdex rate limits: REQUEST_WEIGHT per IP and ORDERS per account, as exchangeInfo
// publishes them ({rateLimitType, interval, intervalNum, limit}). Each becomes a limiter pool
// named like the headers that report its use: X-MBX-USED-WEIGHT-1M → REQUEST_WEIGHT_1M,
// X-MBX-ORDER-COUNT-10S → ORDERS_10S.
import type { RatePool, RateLimiter } from '@mm/exchange';
import type { AsterMarket } from './config.ts';

export interface VenueRateLimit {
  readonly rateLimitType: string;
  readonly interval: string;
  readonly intervalNum: number;
  readonly limit: number;
}

const UNIT_MS: Record<string, number> = { SECOND: 1000, MINUTE: 60_000, HOUR: 3_600_000, DAY: 86_400_000 };
const UNIT_LETTER: Record<string, string> = { SECOND: 'S', MINUTE: 'M', HOUR: 'H', DAY: 'D' };

/** Limits used before exchangeInfo is loaded (futures: documented plus the real 10 s bucket). */
export const DEFAULT_LIMITS: Record<AsterMarket, readonly VenueRateLimit[]> = {
  futures: [
    { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 2400 },
    { rateLimitType: 'ORDERS', interval: 'MINUTE', intervalNum: 1, limit: 1200 },
    { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 300 },
  ],
  // spot documents 1200/min weight; the order buckets are the smaller of the published figures
  spot: [
    { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 1200 },
    { rateLimitType: 'ORDERS', interval: 'MINUTE', intervalNum: 1, limit: 1200 },
    { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 300 },
  ],
};

export function poolName(limit: Pick<VenueRateLimit, 'rateLimitType' | 'interval' | 'intervalNum'>): string {
  return `${limit.rateLimitType}_${limit.intervalNum}${UNIT_LETTER[limit.interval] ?? limit.interval}`;
}

/**
 * Pools from the venue's limits, always including the default pools the endpoint table charges
 * (a venue that omits one still gets our conservative default for it).
 */
export function poolsFrom(limits: readonly VenueRateLimit[], market: AsterMarket): RatePool[] {
  const pools = new Map<string, RatePool>();
  for (const limit of [...DEFAULT_LIMITS[market], ...limits]) {
    const unit = UNIT_MS[limit.interval];
    if (unit === undefined || !(limit.limit > 0) || !(limit.intervalNum > 0)) continue;
    const name = poolName(limit);
    pools.set(name, { name, limit: limit.limit, intervalMs: unit * limit.intervalNum });
  }
  return [...pools.values()];
}

/** Feeds X-MBX-USED-WEIGHT-* and X-MBX-ORDER-COUNT-* headers into the matching pools. */
export function observeRateHeaders(headers: Readonly<Record<string, string>>, limiter: RateLimiter): void {
  const known = new Set(limiter.snapshot().pools.map((p) => p.name));
  for (const [name, value] of Object.entries(headers)) {
    const m = /^x-mbx-(used-weight|order-count)-(\d+)([smhd])$/.exec(name);
    if (m === null) continue;
    const pool = `${m[1] === 'used-weight' ? 'REQUEST_WEIGHT' : 'ORDERS'}_${m[2]}${m[3]!.toUpperCase()}`;
    const used = Number(value);
    if (!known.has(pool) || !Number.isFinite(used)) continue;
    limiter.observeUsed(pool, used);
  }
}
