// Adapter behaviours the brief names, against the mock: cancel-all pacing, ambiguous submits
// resolved without duplicates, both post-only answers, the emulated dead-man switch, STP on
// every order, batching, reordered and duplicated pushes, and clear refusals.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Fill, OrderRequest, VenueOrder } from '@mm/core';
import type { VenueRiskEvent } from '@mm/exchange';
import type { BitmartSpotAdapter } from './adapter.ts';
import { COUNTERPARTY_ACCOUNT, startBitmartTestEnv, TEST_ACCOUNT, TEST_SYMBOL } from '../test-support/harness.ts';
import type { BitmartTestEnv } from '../test-support/harness.ts';
import type { MockBitmartOptions } from '../test-support/mock-server.ts';

const MID = 6_000_000;
const UNIT = 100;
let env: BitmartTestEnv | undefined;
let ids = 0;

afterEach(async () => {
  await env?.close();
  env = undefined;
});

async function setup(mock: Partial<MockBitmartOptions> = {}, adapterOptions: Parameters<BitmartTestEnv['adapter']>[0] = {}): Promise<{ e: BitmartTestEnv; a: BitmartSpotAdapter }> {
  env = await startBitmartTestEnv(mock);
  return { e: env, a: await env.adapter(adapterOptions) };
}

function limit(side: 'buy' | 'sell', priceTicks: number, extra: Partial<OrderRequest> = {}): OrderRequest {
  return { clientOrderId: `t${++ids}x${process.pid}`, symbol: TEST_SYMBOL, side, type: 'limit', timeInForce: 'GTC', priceTicks, qtyLots: UNIT, ...extra };
}

function record<T>(a: BitmartSpotAdapter, topic: 'order' | 'fill' | 'risk'): T[] {
  const seen: T[] = [];
  a.events.on(topic, (x) => seen.push(x as T));
  return seen;
}

async function until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const clock = env!.clock;
  const end = clock.now() + timeoutMs;
  while (!condition()) {
    if (clock.now() > end) assert.fail(`timed out waiting for ${what}`);
    await clock.sleep(10);
  }
}

// ------------------------------------------------------------------ cancel-all pacing

test('cancel-all pacing: a second cancelAll within 3 s waits (shared by two adapters on one key) and never meets a 429', async () => {
  const { e, a } = await setup();
  const b = await e.adapter();
  await a.placeOrders([limit('buy', MID - 10)]);
  await a.cancelAll(TEST_SYMBOL);
  await b.placeOrders([limit('buy', MID - 11)]);
  await b.cancelAll(TEST_SYMBOL); // the other bot on the same account: must wait as well
  const calls = e.mock.requestsTo('POST /spot/v4/cancel_all');
  assert.equal(calls.length, 2);
  assert.ok(calls[1]!.at - calls[0]!.at >= 3000, `second cancel-all left ${calls[1]!.at - calls[0]!.at} ms after the first`);
  assert.ok(calls.every((c) => c.status === 200));
  assert.equal((await a.openOrders(TEST_SYMBOL)).length, 0);
});

test("cancel-all pacing in 'refuse' mode: a too-early cancelAll is refused clearly and not sent", async () => {
  const { e, a } = await setup({}, { cancelAllPacing: 'refuse' });
  await a.cancelAll(TEST_SYMBOL);
  await assert.rejects(a.cancelAll(TEST_SYMBOL), (err: { code?: string; message?: string }) => err.code === 'RATE_LIMITED' && /once per 3000 ms/.test(err.message ?? ''));
  assert.equal(e.mock.requestsTo('POST /spot/v4/cancel_all').length, 1);
});

// ------------------------------------------------------------------ ambiguous submits

for (const mode of ['503', 'drop', 'timeout'] as const) {
  test(`an ambiguous submit (${mode}) is 'unknown', is found by client id, and a resend cannot duplicate it`, async () => {
    const { e, a } = await setup({}, { requestTimeoutMs: 400 });
    e.mock.faults.loseNextSubmitResponse(mode);
    const request = limit('buy', MID - 20);
    const [result] = await a.placeOrders([request]);
    assert.ok(result && !result.ok);
    assert.equal(result.outcome, 'unknown');
    assert.equal(result.error.code, 'UNKNOWN_OUTCOME');
    const found = await a.queryOrder({ symbol: TEST_SYMBOL, clientOrderId: request.clientOrderId });
    assert.equal(found?.status, 'open');
    // a careless resend with the same client id is refused by the venue: no second order
    const [again] = await a.placeOrders([request]);
    assert.ok(again && !again.ok && again.outcome === 'rejected' && again.error.code === 'DUPLICATE_CLIENT_ORDER_ID');
    assert.equal((await a.openOrders(TEST_SYMBOL)).filter((o) => o.clientOrderId === request.clientOrderId).length, 1);
    assert.equal(e.mock.exchange.openOrders(TEST_ACCOUNT, TEST_SYMBOL).length, 1);
  });
}

test('an ambiguous batch makes every order in it unknown', async () => {
  const { e, a } = await setup();
  e.mock.faults.loseNextSubmitResponse('503');
  const results = await a.placeOrders([limit('buy', MID - 30), limit('buy', MID - 31)]);
  assert.deepEqual(
    results.map((r) => (r.ok ? 'ok' : r.outcome)),
    ['unknown', 'unknown'],
  );
  assert.equal((await a.openOrders(TEST_SYMBOL)).length, 2);
});

// ------------------------------------------------------------------ post-only, both answers

test('post-only that would cross, answered 50034: a rejection, nothing placed', async () => {
  const { e, a } = await setup({ postOnlyCross: 'reject' });
  e.counterparty({ side: 'sell', priceTicks: MID, qtyLots: UNIT });
  const request = limit('buy', MID, { timeInForce: 'POST_ONLY' });
  const [result] = await a.placeOrders([request]);
  assert.ok(result && !result.ok);
  assert.equal(result.outcome, 'rejected');
  assert.equal(result.error.code, 'POST_ONLY_WOULD_CROSS');
  assert.equal(result.error.venueCode, '50034');
  assert.equal(await a.queryOrder({ symbol: TEST_SYMBOL, clientOrderId: request.clientOrderId }), null);
});

test('post-only that would cross, accepted then cancelled by the venue: reported as expired, never filled or left open', async () => {
  const { e, a } = await setup({ postOnlyCross: 'accept-then-cancel' });
  e.mock.faults.delayPrivatePushes(150); // the REST answer arrives first: the order looks open for a moment
  e.counterparty({ side: 'buy', priceTicks: MID, qtyLots: UNIT });
  const orders = record<VenueOrder>(a, 'order');
  const fills = record<Fill>(a, 'fill');
  const request = limit('sell', MID, { timeInForce: 'POST_ONLY' });
  const [result] = await a.placeOrders([request]);
  assert.ok(result?.ok, 'BitMart answered with an order_id');
  assert.equal(result.order.status, 'open');
  await until(() => orders.some((o) => o.clientOrderId === request.clientOrderId && o.status === 'expired'), 'the venue cancel to be reported');
  const ended = orders.find((o) => o.clientOrderId === request.clientOrderId)!;
  assert.match(ended.reason ?? '', /post-only/);
  assert.equal(fills.length, 0);
  assert.ok(!(await a.openOrders(TEST_SYMBOL)).some((o) => o.clientOrderId === request.clientOrderId));
  const queried = await a.queryOrder({ symbol: TEST_SYMBOL, clientOrderId: request.clientOrderId });
  assert.equal(queried?.status, 'expired');
  assert.equal(queried?.filledLots, 0);
});

test('post-only accepted then cancelled: when the push beats the REST answer, the result itself says expired', async () => {
  const { e, a } = await setup({ postOnlyCross: 'accept-then-cancel' });
  e.counterparty({ side: 'buy', priceTicks: MID, qtyLots: UNIT });
  e.mock.faults.delayResponses(100);
  const [result] = await a.placeOrders([limit('sell', MID - 1, { timeInForce: 'POST_ONLY' })]);
  assert.ok(result?.ok);
  assert.equal(result.order.status, 'expired');
});

test('post-only crossing inside a batch (accepted then cancelled): the other orders rest, the crossing one expires', async () => {
  const { e, a } = await setup({ postOnlyCross: 'accept-then-cancel' });
  e.counterparty({ side: 'sell', priceTicks: MID, qtyLots: UNIT });
  const orders = record<VenueOrder>(a, 'order');
  const crossing = limit('buy', MID + 5, { timeInForce: 'POST_ONLY' });
  const results = await a.placeOrders([limit('buy', MID - 5, { timeInForce: 'POST_ONLY' }), crossing]);
  assert.ok(results.every((r) => r.ok));
  await until(() => orders.some((o) => o.clientOrderId === crossing.clientOrderId && o.status === 'expired'), 'the crossing order to expire');
  assert.equal((await a.openOrders(TEST_SYMBOL)).length, 1);
});

// ------------------------------------------------------------------ emulated dead-man switch

test('the emulated dead-man switch cancels the symbol and reports a risk event when refreshes stop; it respects cancel-all pacing', async () => {
  const { e, a } = await setup();
  const risks = record<VenueRiskEvent>(a, 'risk');
  await a.cancelAll(TEST_SYMBOL); // starts the 3 s window
  const [placed] = await a.placeOrders([limit('buy', MID - 40)]);
  assert.ok(placed?.ok);
  await a.setDeadManSwitch(TEST_SYMBOL, 300);
  for (let i = 0; i < 3; i++) {
    await e.clock.sleep(200);
    await a.setDeadManSwitch(TEST_SYMBOL, 300);
  }
  assert.equal((await a.queryOrder({ symbol: TEST_SYMBOL, clientOrderId: placed.order.clientOrderId }))?.status, 'open', 'refreshed: still open');
  await until(() => risks.length > 0, 'the watchdog to fire', 6000);
  const risk = risks[0]!;
  assert.equal(risk.kind as string, 'dead_man_switch');
  assert.equal(risk.symbol, TEST_SYMBOL);
  assert.match(risk.message, /not refreshed within 300 ms/);
  assert.equal((await a.queryOrder({ symbol: TEST_SYMBOL, clientOrderId: placed.order.clientOrderId }))?.status, 'canceled');
  const calls = e.mock.requestsTo('POST /spot/v4/cancel_all');
  assert.equal(calls.length, 2);
  assert.ok(calls[1]!.at - calls[0]!.at >= 3000, 'the watchdog waited for the cancel-all window');
  assert.ok(calls.every((c) => c.status === 200));
});

test('a disarmed (0) dead-man switch does nothing; close() stops it without cancelling', async () => {
  const { e, a } = await setup();
  const [placed] = await a.placeOrders([limit('buy', MID - 41)]);
  await a.setDeadManSwitch(TEST_SYMBOL, 100);
  await a.setDeadManSwitch(TEST_SYMBOL, 0);
  const b = await e.adapter();
  await b.setDeadManSwitch(TEST_SYMBOL, 100);
  await b.close();
  await e.clock.sleep(300);
  assert.equal(e.mock.requestsTo('POST /spot/v4/cancel_all').length, 0);
  assert.ok(placed?.ok);
  await assert.rejects(a.setDeadManSwitch(TEST_SYMBOL, -1), (err: { code?: string }) => err.code === 'INVALID_ARGUMENT');
});

// ------------------------------------------------------------------ order entry details

test('stpMode is set on every order: the default (expire_taker → cancel_taker), the account setting, and per order', async () => {
  const { e, a } = await setup();
  await a.placeOrders([limit('buy', MID - 50)]);
  await a.setAccountStp('expire_both');
  await a.placeOrders([limit('buy', MID - 51), limit('buy', MID - 52, { stpMode: 'expire_maker' })]);
  const single = JSON.parse(e.mock.requestsTo('POST /spot/v2/submit_order')[0]!.body) as Record<string, unknown>;
  assert.equal(single.stpMode, 'cancel_taker');
  assert.equal(single.type, 'limit');
  const batch = JSON.parse(e.mock.requestsTo('POST /spot/v4/batch_orders')[0]!.body) as { orderParams: Record<string, unknown>[] };
  assert.deepEqual(
    batch.orderParams.map((p) => p.stpMode),
    ['cancel_both', 'cancel_maker'],
  );
});

test('orders are batched by 10 per request; a refused batch is retried singly so one bad order cannot block the rest', async () => {
  const { e, a } = await setup();
  const many = Array.from({ length: 12 }, (_, i) => limit('buy', MID - 100 - i));
  const results = await a.placeOrders(many);
  assert.ok(results.every((r) => r.ok));
  assert.deepEqual(
    e.mock.requestsTo('POST /spot/v4/batch_orders').map((r) => (JSON.parse(r.body) as { orderParams: unknown[] }).orderParams.length),
    [10, 2],
  );
  const huge = limit('buy', MID - 200, { qtyLots: 10_000_000_000 }); // 100 000 BTC of quote: far beyond the balance
  const mixed = await a.placeOrders([limit('sell', MID + 200), huge, limit('sell', MID + 201)]);
  assert.deepEqual(
    mixed.map((r) => (r.ok ? 'ok' : r.error.code)),
    ['ok', 'INSUFFICIENT_BALANCE', 'ok'],
  );
});

test('unsupported requests are refused locally with a clear reason, and send nothing', async () => {
  const { e, a } = await setup();
  const results = await a.placeOrders([
    limit('buy', MID, { timeInForce: 'FOK' }),
    { ...limit('buy', MID), type: 'market', timeInForce: 'IOC' },
    limit('buy', MID, { clientOrderId: 'x'.repeat(33) }),
    limit('buy', MID, { clientOrderId: 'has-dash' }),
    limit('buy', MID, { reduceOnly: true }),
  ]);
  assert.deepEqual(
    results.map((r) => (r.ok ? 'ok' : `${r.outcome}:${r.error.code}`)),
    ['rejected:NOT_SUPPORTED', 'rejected:NOT_SUPPORTED', 'rejected:INVALID_ARGUMENT', 'rejected:INVALID_ARGUMENT', 'rejected:INVALID_ARGUMENT'],
  );
  const amend = await a.amendOrder({ symbol: TEST_SYMBOL, clientOrderId: 'a', priceTicks: MID, qtyLots: UNIT });
  assert.ok(!amend.ok && amend.error.code === 'NOT_SUPPORTED');
  await assert.rejects(a.setLeverage(), (err: { code?: string }) => err.code === 'NOT_SUPPORTED');
  assert.equal(e.mock.requestsTo('POST /spot/v2/submit_order').length + e.mock.requestsTo('POST /spot/v4/batch_orders').length, 0);
});

test('market sells go out as type market sized in base', async () => {
  const { e, a } = await setup();
  e.counterparty({ side: 'buy', priceTicks: MID, qtyLots: UNIT });
  const fills = record<Fill>(a, 'fill');
  const [r] = await a.placeOrders([{ ...limit('sell', MID), type: 'market', timeInForce: 'IOC', priceTicks: undefined }]);
  assert.ok(r?.ok);
  await until(() => fills.length > 0, 'the market fill');
  assert.equal(fills[0]!.liquidity, 'taker');
  assert.equal((JSON.parse(e.mock.requestsTo('POST /spot/v2/submit_order')[0]!.body) as { type: string }).type, 'market');
});

test('cancels: several go to cancel_orders; a failed id is ORDER_NOT_FOUND; {"result":false} on a final order too', async () => {
  const { e, a } = await setup({ finalCancelAnswer: 'result-false' });
  const placed = await a.placeOrders([limit('buy', MID - 60), limit('buy', MID - 61)]);
  const refs = placed.map((p) => ({ symbol: TEST_SYMBOL, clientOrderId: p.ok ? p.order.clientOrderId : '' }));
  const results = await a.cancelOrders([...refs, { symbol: TEST_SYMBOL, clientOrderId: 'neverplaced1' }]);
  assert.deepEqual(
    results.map((r) => (r.ok ? 'ok' : r.error.code)),
    ['ok', 'ok', 'ORDER_NOT_FOUND'],
  );
  assert.equal(e.mock.requestsTo('POST /spot/v4/cancel_orders').length, 1);
  const [again] = await a.cancelOrders([refs[0]!]);
  assert.ok(again && !again.ok && again.outcome === 'rejected' && again.error.code === 'ORDER_NOT_FOUND');
});

test('REST reference data: fee rates, ticker, a depth snapshot and finished orders', async () => {
  const { e, a } = await setup();
  const rates = await a.feeRates(TEST_SYMBOL);
  assert.equal(rates.maker, 2n * 10n ** 14n);
  assert.equal(rates.taker, 5n * 10n ** 14n);
  e.counterparty({ side: 'buy', priceTicks: MID - 3, qtyLots: UNIT });
  e.counterparty({ side: 'sell', priceTicks: MID + 3, qtyLots: UNIT * 2 });
  const [sold] = await a.placeOrders([limit('sell', MID - 3, { timeInForce: 'IOC' })]);
  assert.ok(sold?.ok);
  const ticker = await a.ticker(TEST_SYMBOL);
  assert.deepEqual([ticker.lastTicks, ticker.askTicks], [MID - 3, MID + 3]);
  const book = await a.restBook(TEST_SYMBOL, 5);
  assert.deepEqual(book.asks, [{ priceTicks: MID + 3, qtyLots: UNIT * 2 }]);
  assert.deepEqual(book.bids, []);
  const history = await a.historyOrders(TEST_SYMBOL);
  assert.deepEqual(
    history.map((o) => [o.clientOrderId, o.status, o.filledLots]),
    [[sold.order.clientOrderId, 'filled', UNIT]],
  );
  const trades = (await a.client.call('market.trades', { symbol: TEST_SYMBOL })) as string[][];
  assert.deepEqual(trades[0]?.slice(2), ['59999.97', '0.00100', 'sell']);
});

// ------------------------------------------------------------------ unreliable private pushes

test('reordered and duplicated order pushes: every fill is reported, and the order never goes backwards', async () => {
  const { e, a } = await setup();
  const orders = record<VenueOrder>(a, 'order');
  const fills = record<Fill>(a, 'fill');
  const request = limit('buy', MID - 1, { qtyLots: UNIT * 3 });
  const [placed] = await a.placeOrders([request]);
  assert.ok(placed?.ok);
  await until(() => orders.some((o) => o.clientOrderId === request.clientOrderId), 'the new-order push');
  e.mock.faults.reorderPrivatePushes(true);
  e.mock.faults.duplicatePrivatePushes(true);
  for (let i = 0; i < 3; i++) {
    e.counterparty({ side: 'sell', priceTicks: MID - 1, qtyLots: UNIT, timeInForce: 'IOC' });
    await e.clock.sleep(30);
  }
  e.mock.faults.reorderPrivatePushes(false); // releases a held push
  const unique = (): Fill[] => [...new Map(fills.filter((f) => f.clientOrderId === request.clientOrderId).map((f) => [f.tradeId, f])).values()];
  await until(() => unique().reduce((s, f) => s + f.qtyLots, 0) === UNIT * 3, 'all three fills');
  await until(() => orders.some((o) => o.clientOrderId === request.clientOrderId && o.status === 'filled'), 'the filled update');
  const mine = orders.filter((o) => o.clientOrderId === request.clientOrderId);
  for (let i = 1; i < mine.length; i++) assert.ok(mine[i]!.filledLots >= mine[i - 1]!.filledLots, 'filled quantity never goes back');
  const afterFilled = mine.slice(mine.findIndex((o) => o.status === 'filled'));
  assert.ok(afterFilled.every((o) => o.status === 'filled'), 'nothing after filled says otherwise');
  // the first push seen described two fills at once: they were fetched over REST
  assert.ok(e.mock.requestsTo('POST /spot/v4/query/order-trades').length >= 1);
  const venueFills = e.mock.exchange.fills(TEST_ACCOUNT, { symbol: TEST_SYMBOL });
  assert.equal(unique().length, venueFills.length);
  assert.ok(e.mock.exchange.counters.selfTrades === 0 && e.mock.exchange.hasAccount(COUNTERPARTY_ACCOUNT));
});
