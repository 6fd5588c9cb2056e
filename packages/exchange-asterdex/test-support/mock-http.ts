// HTTP plumbing of the mock: reading a request exactly as sent (the raw query and body, which
// signatures cover), answering in the venue's envelope, and the venue's limits: request weight
// per IP (429, then a 418 ban for whoever keeps sending) and orders per account (429, -1015).
import type { IncomingMessage } from 'node:http';
import type { Clock } from '@mm/core';
import type { MockLimits } from './mock-state.ts';

export interface MockRequest {
  readonly method: string;
  readonly path: string;
  /** Raw, still encoded. */
  readonly rawQuery: string;
  readonly rawBody: string;
  readonly headers: IncomingMessage['headers'];
  /** Decoded parameters; the query string wins on duplicates (as documented). */
  readonly params: Map<string, string>;
  readonly ip: string;
}

export interface MockResponse {
  readonly status: number;
  readonly body: string;
  readonly headers?: Record<string, string>;
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): MockResponse {
  return { status, body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } };
}

export function venueError(code: number, msg: string, status = 400, headers: Record<string, string> = {}): MockResponse {
  return json({ code, msg }, status, headers);
}

export async function readRequest(req: IncomingMessage): Promise<MockRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const rawBody = Buffer.concat(chunks).toString('utf8');
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const rawQuery = q < 0 ? '' : url.slice(q + 1);
  const params = new Map<string, string>();
  for (const [k, v] of new URLSearchParams(rawBody)) params.set(k, v);
  for (const [k, v] of new URLSearchParams(rawQuery)) params.set(k, v);
  return { method: req.method ?? 'GET', path, rawQuery, rawBody, headers: req.headers, params, ip: req.socket.remoteAddress ?? 'unknown' };
}

/** Parses a LIST parameter: JSON with double quotes, or the single quotes of the V3 demos. */
export function parseList(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return JSON.parse(text.replace(/'/g, '"')) as unknown;
  }
}

interface Window {
  times: number[];
  weights: number[];
}

function used(window: Window, now: number, intervalMs: number): number {
  while (window.times.length > 0 && window.times[0]! <= now - intervalMs) {
    window.times.shift();
    window.weights.shift();
  }
  return window.weights.reduce((a, b) => a + b, 0);
}

export type LimitVerdict =
  | { readonly ok: true; readonly usedWeight: number }
  | { readonly ok: false; readonly response: MockResponse };

/** The venue's side of rate limiting. */
export class MockLimiter {
  private readonly weights = new Map<string, Window>();
  private readonly orders1m = new Map<string, Window>();
  private readonly orders10s = new Map<string, Window>();
  /** After a 429 the IP must wait until this time; a request before it earns a ban. */
  private readonly cooldown = new Map<string, number>();
  private readonly bans = new Map<string, number>();
  /** Requests refused with 429 / 418, for tests. */
  readonly refused = { r429: 0, r418: 0 };

  constructor(
    private readonly clock: Clock,
    private readonly limits: MockLimits,
  ) {}

  bannedUntil(ip: string): number | undefined {
    const until = this.bans.get(ip);
    return until !== undefined && until > this.clock.now() ? until : undefined;
  }

  ban(ip: string, ms = this.limits.banMs): MockResponse {
    const until = this.clock.now() + ms;
    this.bans.set(ip, until);
    this.refused.r418++;
    return venueError(-1003, `Way too many requests; IP banned until ${until}. Please use the websocket for live updates to avoid bans.`, 418, {
      'retry-after': String(Math.ceil(ms / 1000)),
    });
  }

  /** Charges a request's weight to its IP. */
  chargeWeight(ip: string, weight: number): LimitVerdict {
    const now = this.clock.now();
    const banned = this.bannedUntil(ip);
    if (banned !== undefined) {
      this.refused.r418++;
      return { ok: false, response: venueError(-1003, `Way too many requests; IP banned until ${banned}.`, 418, { 'retry-after': String(Math.ceil((banned - now) / 1000)) }) };
    }
    const cool = this.cooldown.get(ip);
    if (cool !== undefined && now < cool) return { ok: false, response: this.ban(ip) };
    const window = this.weights.get(ip) ?? { times: [], weights: [] };
    this.weights.set(ip, window);
    const current = used(window, now, 60_000);
    if (current + weight > this.limits.weightPerMinute) {
      const retryMs = Math.max(1000, (window.times[0] ?? now) + 60_000 - now);
      this.cooldown.set(ip, now + retryMs);
      this.refused.r429++;
      return {
        ok: false,
        response: venueError(-1003, `Too many requests; current limit is ${this.limits.weightPerMinute} requests per minute.`, 429, {
          'retry-after': String(Math.ceil(retryMs / 1000)),
          'x-mbx-used-weight-1m': String(current),
        }),
      };
    }
    window.times.push(now);
    window.weights.push(weight);
    return { ok: true, usedWeight: current + weight };
  }

  /** A 429 on request (fault knob); the caller must honour Retry-After or be banned. */
  refuse(ip: string, retryAfterSec: number): MockResponse {
    this.cooldown.set(ip, this.clock.now() + retryAfterSec * 1000);
    this.refused.r429++;
    return venueError(-1003, 'Too many requests; please use the websocket for live updates.', 429, { 'retry-after': String(retryAfterSec) });
  }

  /** Charges new orders to the account; undefined when within the limits. */
  chargeOrders(account: string, count: number): { response?: MockResponse; headers: Record<string, string> } {
    const now = this.clock.now();
    const w1 = this.orders1m.get(account) ?? { times: [], weights: [] };
    const w10 = this.orders10s.get(account) ?? { times: [], weights: [] };
    this.orders1m.set(account, w1);
    this.orders10s.set(account, w10);
    const u1 = used(w1, now, 60_000);
    const u10 = used(w10, now, 10_000);
    if (u1 + count > this.limits.ordersPerMinute || u10 + count > this.limits.ordersPer10s) {
      this.refused.r429++;
      const limit = u10 + count > this.limits.ordersPer10s ? `${this.limits.ordersPer10s} orders per 10 SECOND` : `${this.limits.ordersPerMinute} orders per 1 MINUTE`;
      // order-rate refusals come without Retry-After (documented)
      return { response: venueError(-1015, `Too many new orders; current limit is ${limit}.`, 429), headers: {} };
    }
    w1.times.push(now);
    w1.weights.push(count);
    w10.times.push(now);
    w10.weights.push(count);
    return { headers: { 'x-mbx-order-count-1m': String(u1 + count), 'x-mbx-order-count-10s': String(u10 + count) } };
  }
}
