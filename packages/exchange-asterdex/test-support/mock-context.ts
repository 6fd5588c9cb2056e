// What every mock endpoint handler gets, and the small helpers they share.
import { EngineError } from '@mm/core';
import type { VenueOrder } from '@mm/core';
import type { MockRequest, MockResponse } from './mock-http.ts';
import { venueError } from './mock-http.ts';
import { orderJson } from './mock-payloads.ts';
import type { MockAccount, MockMarket, MockState } from './mock-state.ts';
import type { MockStreams } from './mock-streams.ts';

export interface RouteContext {
  readonly state: MockState;
  readonly streams: MockStreams;
  readonly market: MockMarket;
  readonly req: MockRequest;
  readonly account: MockAccount | undefined;
  /** Order-count headers to add to order answers. */
  readonly orderHeaders: Record<string, string>;
}

export type Handler = (ctx: RouteContext) => MockResponse;

export const OK = { code: 200, msg: 'success' };
export const DEPTH_LIMITS = new Set([5, 10, 20, 50, 100, 500, 1000]);

export function p(ctx: RouteContext, name: string): string | undefined {
  return ctx.req.params.get(name);
}

export function acct(ctx: RouteContext): MockAccount {
  if (ctx.account === undefined) throw new EngineError('AUTH_FAILED', 'no account');
  return ctx.account;
}

export function checkSymbol(ctx: RouteContext, required: boolean): MockResponse | undefined {
  const symbol = p(ctx, 'symbol');
  if (symbol === undefined) return required ? venueError(-1102, "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.") : undefined;
  try {
    const inst = ctx.state.exchange.instrument(symbol);
    if (inst.kind !== (ctx.market === 'futures' ? 'perp' : 'spot')) return venueError(-1121, 'Invalid symbol.');
  } catch {
    return venueError(-1121, 'Invalid symbol.');
  }
  return undefined;
}

export function symbolsOf(ctx: RouteContext): string[] {
  const kind = ctx.market === 'futures' ? 'perp' : 'spot';
  return ctx.state.exchange.instruments().filter((i) => i.kind === kind).map((i) => i.symbol);
}

export function orderOut(ctx: RouteContext, order: VenueOrder): Record<string, unknown> {
  return orderJson(ctx.state.exchange, acct(ctx).name, order, ctx.market);
}

