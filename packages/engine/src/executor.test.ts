// How venue errors feed the API-error breaker: one error per failed request (a batch is one
// request), and an ambiguous placement answer counts only when the venue proves the order was not
// placed. Driven on the simulated exchange with a wrapped adapter that injects the faults.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineError, SimClock } from '@mm/core';
import type { OrderRequest, RiskRule } from '@mm/core';
import type { PlaceResult, VenueAdapter } from '@mm/exchange';
import { T0, paperSetup } from '../test-support/paper.ts';

/**
 * What the next placement requests meet:
 * - lost-answer: the venue places the orders but the answer is an HTTP 503 (Aster: "execution status unknown");
 * - not-sent: an HTTP 503 and the venue never saw the orders;
 * - rate-limited: HTTP 429 for the whole request, nothing placed.
 */
type Fault = 'lost-answer' | 'not-sent' | 'rate-limited';

interface Faults {
  fault: Fault | undefined;
  /** How many more placement requests meet the fault (Infinity: until switched off). */
  remaining: number;
  /** Every request that met the fault: when, and how many orders it carried. */
  readonly injected: { readonly at: number; readonly orders: number }[];
}

function faultyPlacements(clock: { now(): number }, faults: Faults) {
  // a new error object per order, as the simulated exchange and BitMart return them: counting must
  // not depend on the adapter sharing one error across a batch
  const failAll = (requests: readonly OrderRequest[], outcome: 'unknown' | 'rejected', make: () => EngineError): PlaceResult[] =>
    requests.map((r) => ({ ok: false, outcome, clientOrderId: r.clientOrderId, error: make() }));
  return (adapter: VenueAdapter): VenueAdapter =>
    new Proxy(adapter, {
      get(target, key) {
        if (key === 'placeOrders') {
          return async (requests: readonly OrderRequest[]): Promise<readonly PlaceResult[]> => {
            const fault = faults.remaining > 0 ? faults.fault : undefined;
            if (fault === undefined) return target.placeOrders(requests);
            faults.remaining--;
            faults.injected.push({ at: clock.now(), orders: requests.length });
            const unavailable = () => new EngineError('UNKNOWN_OUTCOME', 'batchOrders: HTTP 503: the venue may or may not have executed the request');
            if (fault === 'lost-answer') {
              await target.placeOrders(requests);
              return failAll(requests, 'unknown', unavailable);
            }
            if (fault === 'not-sent') return failAll(requests, 'unknown', unavailable);
            return failAll(requests, 'rejected', () => new EngineError('RATE_LIMITED', 'batchOrders: HTTP 429: rate limit exceeded'));
          };
        }
        const value: unknown = Reflect.get(target, key, target);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
}

async function quotingBot(options: { levels?: number; risk?: Record<string, unknown> } = {}) {
  const faults: Faults = { fault: undefined, remaining: 0, injected: [] };
  const clock = new SimClock(T0);
  const s = paperSetup({ clock, wrapAdapter: faultyPlacements(clock, faults) });
  const levels = options.levels ?? 3;
  const trips: { rule: RiskRule; at: number }[] = [];
  s.manager.events.on('risk', (e) => {
    if (e.type === 'trip') trips.push({ rule: e.rule, at: e.at });
  });
  // a refresh every second, so a pulled grid is placed again within a second
  const marketMaking = { bidLevels: levels, askLevels: levels, refresh: { intervalMs: 1_000 } };
  await s.startBot('b1', s.config({ marketMaking, ...(options.risk === undefined ? {} : { risk: options.risk }) }));
  const bot = s.manager.get('b1');
  assert.equal(bot.state, 'RUNNING');
  assert.equal(s.world.exchange.openOrders('acct', 'TSTUSDT').length, 2 * levels, 'the grid is up');
  const apiErrors = () => Number(bot.riskStatuses().find((r) => r.rule === 'api_errors')!.value);
  assert.equal(apiErrors(), 0, 'no venue error before the faults');
  /** Pulls the grid; the next refresh places it again, as one batch. */
  const replaceGrid = async (ms: number) => {
    const cancelling = bot.cancelAll();
    await s.advance(ms);
    await cancelling;
  };
  const arm = (fault: Fault, count: number) => {
    faults.fault = fault;
    faults.remaining = count;
  };
  return { s, bot, faults, arm, trips, apiErrors, replaceGrid, levels };
}

test('a batch refused with HTTP 429 is one venue error, not one per order', async () => {
  const { bot, faults, arm, apiErrors, replaceGrid, levels } = await quotingBot();
  arm('rate-limited', 1);
  await replaceGrid(5_000);
  assert.equal(faults.injected.length, 1);
  assert.equal(faults.injected[0]!.orders, 2 * levels, 'the whole grid went as one request');
  assert.equal(apiErrors(), 1);
  assert.equal(bot.state, 'RUNNING');
});

test('an ambiguous batch whose orders the venue never got is one venue error once the checks prove it', async () => {
  const { s, bot, faults, arm, apiErrors, replaceGrid, levels } = await quotingBot();
  arm('not-sent', 1);
  await replaceGrid(1_000);
  assert.equal(faults.injected[0]?.orders, 2 * levels, 'the whole grid went as one request');
  assert.equal(apiErrors(), 0, 'not counted while the venue has not answered the checks');
  assert.ok(bot.liveOrders().some((o) => o.status === 'unknown'), 'the orders are in doubt');
  await s.advance(30_000);
  assert.equal(bot.liveOrders().filter((o) => o.status === 'unknown').length, 0, 'every doubt resolved');
  assert.equal(apiErrors(), 1, 'one failed request, one error');
  assert.equal(s.world.exchange.openOrders('acct', 'TSTUSDT').length, 2 * levels, 'the grid is whole again');
});

test('ambiguous answers whose orders were placed count nothing: a dozen 503s in a minute do not trip the breaker', async () => {
  // the default breaker: 10 errors in 60 s
  const { s, bot, faults, arm, trips, apiErrors, replaceGrid, levels } = await quotingBot();
  arm('lost-answer', 12);
  const start = s.clock.now();
  for (let i = 0; i < 12; i++) {
    // half the grids are pulled while still in doubt, half after the checks found them
    await replaceGrid(i % 2 === 0 ? 1_500 : 4_000);
  }
  assert.equal(faults.injected.length, 12, '12 placement requests met a 503');
  assert.ok(faults.injected.every((f) => f.orders === 2 * levels), 'each one a whole grid');
  assert.ok(faults.injected.at(-1)!.at - faults.injected[0]!.at < 60_000, 'all within one breaker window');
  assert.ok(s.clock.now() - start < 60_000);
  assert.equal(apiErrors(), 0, 'none counted: the venue had every order');
  assert.deepEqual(trips.filter((t) => t.rule === 'api_errors'), [], 'the API-error breaker did not trip');
  await s.advance(10_000);
  assert.deepEqual(trips.filter((t) => t.rule === 'api_errors'), []);
  assert.equal(bot.liveOrders().filter((o) => o.status === 'unknown').length, 0, 'no order left in doubt');
  const open = s.world.exchange.openOrders('acct', 'TSTUSDT');
  assert.equal(open.length, 2 * levels, 'still quoting its whole grid, nothing doubled');
  assert.equal(new Set(open.map((o) => o.clientOrderId)).size, open.length);
});

test('genuine failures still trip the breaker: ambiguous placements the venue never got', async () => {
  const { s, faults, arm, trips, apiErrors } = await quotingBot({ risk: { apiErrorBreaker: { count: 5, windowMs: 60_000 } } });
  arm('not-sent', Infinity);
  for (let i = 0; i < 120 && !trips.some((t) => t.rule === 'api_errors'); i++) await s.advance(1_000);
  const trip = trips.find((t) => t.rule === 'api_errors');
  assert.ok(trip !== undefined, `tripped (${faults.injected.length} failed requests, ${apiErrors()} errors counted)`);
  // each counted error is one request proved failed, never one per order
  assert.ok(faults.injected.filter((f) => f.at <= trip.at).length >= 5);
});

test('genuine failures still trip the default breaker: requests refused with HTTP 429', async () => {
  // the default API-error breaker (10 in 60 s); the reject breaker, which counts refused orders, out of the way
  const { s, faults, arm, trips } = await quotingBot({ risk: { rejectBreaker: { count: 1_000, windowMs: 60_000 } } });
  arm('rate-limited', Infinity);
  for (let i = 0; i < 120 && !trips.some((t) => t.rule === 'api_errors'); i++) await s.advance(1_000);
  const trip = trips.find((t) => t.rule === 'api_errors');
  assert.ok(trip !== undefined, `tripped after ${faults.injected.length} refused requests`);
  const inWindow = faults.injected.filter((f) => f.at <= trip.at && f.at > trip.at - 60_000).length;
  assert.ok(inWindow >= 10, `${inWindow} refused requests in the minute before the trip: one error each`);
});

test('a batch cancel refused with HTTP 429 is one venue error, not one per order', async () => {
  const { s, bot, apiErrors, levels } = await quotingBot();
  const venue = s.world.venue('acct', 'spot');
  const cancels: number[] = [];
  const cancel = venue.cancelOrders.bind(venue);
  venue.cancelOrders = (requests) => {
    cancels.push(requests.length);
    return cancel(requests);
  };
  venue.faults.rateLimitNextRequest();
  const cancelling = bot.cancelAll();
  await s.advance(200);
  await cancelling;
  assert.equal(cancels[0], 2 * levels, 'the whole grid in one cancel request');
  assert.equal(apiErrors(), 1);
});
