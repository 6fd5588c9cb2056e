// Rate limits, bans, ambiguous outcomes, the dead-man switch and clock skew, end to end against
// the mock venue.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { OrderRequest } from '@mm/core';
import { startMockWithAdapters } from '../test-support/harness.ts';
import { sleep, until } from '../test-support/wait.ts';
import type { AsterAdapterBase } from './adapter-base.ts';

const SYMBOL = 'CONFUSDT';
let seq = 0;
function order(priceTicks: number, side: 'buy' | 'sell' = 'buy', extra: Partial<OrderRequest> = {}): OrderRequest {
  return { clientOrderId: `rel${process.pid}x${++seq}`, symbol: SYMBOL, side, type: 'limit', timeInForce: 'GTC', priceTicks, qtyLots: 10, ...extra };
}

async function placeOk(venue: AsterAdapterBase, request: OrderRequest): Promise<string> {
  const [result] = await venue.placeOrders([request]);
  assert.ok(result?.ok, result && !result.ok ? result.error.message : 'no result');
  return result.order.clientOrderId;
}

test('429: every request waits for Retry-After, then cancels go out before new orders', async () => {
  const issued: { method: string; path: string; at: number }[] = [];
  const recording: typeof fetch = (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    issued.push({ method: init?.method ?? 'GET', path: url.pathname, at: Date.now() });
    return fetch(input, init);
  };
  const { mock, venue, close } = await startMockWithAdapters('perp', 'v3', { adapter: { fetch: recording } });
  try {
    const resting = await placeOk(venue, order(9_900));
    mock.faults.rateLimitNextRequest(1);
    const [limited] = await venue.placeOrders([order(9_901)]);
    assert.ok(limited !== undefined && !limited.ok);
    assert.equal(limited.outcome, 'rejected');
    assert.equal(limited.error.code, 'RATE_LIMITED');
    assert.equal(limited.error.retryable, true);
    const refusedAt = Date.now();
    const mark = issued.length;
    // queued during the pause: a new order first, then a cancel
    const placing = venue.placeOrders([order(9_902)]);
    const canceling = venue.cancelOrders([{ symbol: SYMBOL, clientOrderId: resting }]);
    const [placed] = await placing;
    const [canceled] = await canceling;
    assert.ok(placed?.ok && canceled?.ok);
    const after = issued.slice(mark).filter((r) => r.path === '/fapi/v3/order');
    assert.deepEqual(after.slice(0, 2).map((r) => r.method), ['DELETE', 'POST'], 'the cancel left before the new order');
    assert.ok(after[0]!.at - refusedAt >= 900, 'nothing was sent before Retry-After passed');
    assert.equal(mock.limiter.refused.r418, 0, 'the client never earned a ban');
  } finally {
    await close();
  }
});

test('418: the ban stops every request until it ends', async () => {
  const { mock, venue, sameAccount, limiter, close } = await startMockWithAdapters('perp', 'v1', { mock: { limits: { banMs: 1_000 } } });
  try {
    const id = await placeOk(venue, order(9_900));
    mock.faults.banNextRequest();
    await assert.rejects(venue.openOrders(SYMBOL), (e: { code?: string }) => e.code === 'IP_BANNED');
    const seen = mock.requests.length;
    await assert.rejects(venue.balances(), (e: { code?: string }) => e.code === 'IP_BANNED');
    await assert.rejects(sameAccount.queryOrder({ symbol: SYMBOL, clientOrderId: id }), (e: { code?: string }) => e.code === 'IP_BANNED');
    const [placed] = await venue.placeOrders([order(9_901)]);
    assert.ok(placed !== undefined && !placed.ok && placed.outcome === 'rejected' && placed.error.code === 'IP_BANNED');
    const [canceled] = await venue.cancelOrders([{ symbol: SYMBOL, clientOrderId: id }]);
    assert.ok(canceled !== undefined && !canceled.ok && canceled.error.code === 'IP_BANNED');
    assert.equal(mock.requests.length, seen, 'no request reached the venue during the ban');
    assert.ok(limiter.snapshot().bannedUntil !== undefined, 'the ban is known to the limiter (Retry-After)');
    await until(() => limiter.snapshot().bannedUntil === undefined, 'the ban to end', 3_000);
    assert.equal((await venue.openOrders(SYMBOL)).length, 1, 'requests flow again once the ban ends');
  } finally {
    await close();
  }
});

test('the mock escalates: over the weight limit 429, and a request before Retry-After is banned (418)', async () => {
  const { mock, venue, sameAccount, limiter } = await startMockWithAdapters('spot', 'v1', { mock: { limits: { weightPerMinute: 60, banMs: 60_000 } } });
  try {
    // bypass our own limiter to behave like a careless client
    limiter.setPools([{ name: 'REQUEST_WEIGHT_1M', limit: 100_000, intervalMs: 60_000 }, { name: 'ORDERS_1M', limit: 100_000, intervalMs: 60_000 }, { name: 'ORDERS_10S', limit: 100_000, intervalMs: 10_000 }]);
    const raw = (): Promise<Response> => fetch(`${mock.restUrl}/api/v1/exchangeInfo`);
    let status = 200;
    for (let i = 0; i < 100 && status === 200; i++) status = (await raw()).status;
    assert.equal(status, 429);
    const again = await raw();
    assert.equal(again.status, 418);
    assert.ok(Number(again.headers.get('retry-after')) > 0);
    assert.equal((await again.json() as { code: number }).code, -1003);
    assert.equal((await raw()).status, 418, 'still banned');
  } finally {
    await venue.close().catch(() => undefined);
    await sameAccount.close().catch(() => undefined);
    await mock.close();
  }
});

test('an ambiguous 503 on a batch submit: every order is unknown, queryOrder finds each once, none is sent twice', async () => {
  const { mock, venue, close } = await startMockWithAdapters('perp', 'v1');
  try {
    const requests = [order(9_890), order(9_891), order(10_110, 'sell')];
    mock.faults.loseNextSubmitResponse();
    const results = await venue.placeOrders(requests);
    assert.equal(results.length, 3);
    for (const r of results) {
      assert.ok(!r.ok);
      assert.equal(r.outcome, 'unknown', 'a lost answer is never a rejection');
      assert.equal(r.error.code, 'UNKNOWN_OUTCOME');
    }
    for (const r of requests) assert.equal((await venue.queryOrder({ symbol: SYMBOL, clientOrderId: r.clientOrderId }))?.status, 'open');
    assert.equal((await venue.openOrders(SYMBOL)).length, 3, 'exactly one venue order per client id');
    assert.equal(mock.requests.filter((r) => r.path === '/fapi/v1/batchOrders').length, 1, 'the adapter did not resubmit');
  } finally {
    await close();
  }
});

test('dead-man switch (V1 HMAC): refreshed it holds, unrefreshed the venue cancels everything on the symbol', async () => {
  const { mock, venue, close } = await startMockWithAdapters('perp', 'v1');
  try {
    const a = await placeOk(venue, order(9_900));
    const b = await placeOk(venue, order(10_100, 'sell'));
    for (let i = 0; i < 4; i++) {
      await venue.setDeadManSwitch(SYMBOL, 400);
      await sleep(200);
    }
    assert.equal((await venue.openOrders(SYMBOL)).length, 2, 'refreshed: nothing cancelled');
    await until(async () => (await venue.openOrders(SYMBOL)).length === 0, 'the countdown to cancel all orders', 3_000);
    for (const id of [a, b]) assert.equal((await venue.queryOrder({ symbol: SYMBOL, clientOrderId: id }))?.status, 'canceled');
    assert.ok(mock.requests.filter((r) => r.path === '/fapi/v1/countdownCancelAll').length >= 4);
    // disarmed: orders stay
    await placeOk(venue, order(9_800));
    await venue.setDeadManSwitch(SYMBOL, 300);
    await venue.setDeadManSwitch(SYMBOL, 0);
    await sleep(500);
    assert.equal((await venue.openOrders(SYMBOL)).length, 1);
  } finally {
    await close();
  }
});

for (const family of ['v1', 'v3'] as const) {
  test(`clock skew (${family}): the venue refuses stale requests, the client re-measures server time and recovers`, async () => {
    const { mock, venue, close } = await startMockWithAdapters('perp', family);
    try {
      mock.faults.clockSkew(30_000);
      await assert.rejects(venue.balances(), (e: { code?: string }) => e.code === 'TIMESTAMP_OUT_OF_WINDOW');
      await until(() => Math.abs(venue.rest.serverTime.offsetMs - 30_000) < 2_000, 'the offset to be re-measured');
      assert.ok((await venue.balances()).length > 0);
    } finally {
      mock.faults.clockSkew(0);
      await close();
    }
  });
}
