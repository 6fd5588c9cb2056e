// The REST client against the mock: signatures and auth codes, recvWindow, KEYED GETs, the
// envelope, and pacing learned from X-BM-RateLimit-* headers.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineError, LiveClock } from '@mm/core';
import { BitmartRestClient } from './client.ts';
import { sign } from './signing.ts';
import type { BitmartCredentials } from './signing.ts';
import { startBitmartTestEnv, TEST_CREDENTIALS } from '../test-support/harness.ts';
import type { BitmartTestEnv } from '../test-support/harness.ts';
import { loopbackOnlyFetch } from '../test-support/network-guard.ts';

let env: BitmartTestEnv;
const clock = new LiveClock();

before(async () => {
  env = await startBitmartTestEnv({
    limits: { 'GET /spot/v1/wallet': { limit: 2, windowMs: 1000, scope: 'KEY' } },
  });
});
after(async () => env.close());

function client(credentials: BitmartCredentials = TEST_CREDENTIALS): BitmartRestClient {
  return new BitmartRestClient({ restUrl: env.mock.urls.rest, clock, credentials, fetch: loopbackOnlyFetch });
}

async function codeOf(work: Promise<unknown>): Promise<{ code: string; venueCode: unknown }> {
  try {
    await work;
  } catch (error) {
    assert.ok(error instanceof EngineError, String(error));
    return { code: error.code, venueCode: error.venueCode };
  }
  return assert.fail('expected a failure');
}

test('a signed v4 call passes; the body carries recvWindow and the signature covers its exact bytes', async () => {
  const orders = await client().call('query.openOrders', { symbol: 'BTC_USDT' });
  assert.deepEqual(orders, []);
  const request = env.mock.requestsTo('POST /spot/v4/query/open-orders').at(-1)!;
  assert.equal(request.body, '{"symbol":"BTC_USDT","recvWindow":5000}');
  const ts = request.headers['x-bm-timestamp']!;
  assert.equal(request.headers['x-bm-sign'], sign(TEST_CREDENTIALS.apiSecret, ts, TEST_CREDENTIALS.memo, request.body));
  assert.equal(request.headers['content-type'], 'application/json');
  assert.ok((request.headers['user-agent'] ?? '').length > 0, 'an explicit User-Agent is sent');
});

test('a wrong secret or memo is refused with the documented 401 / 30005, as AUTH_FAILED', async () => {
  for (const bad of [{ ...TEST_CREDENTIALS, apiSecret: '0'.repeat(64) }, { ...TEST_CREDENTIALS, memo: 'wrong' }]) {
    assert.deepEqual(await codeOf(client(bad).call('query.openOrders', {})), { code: 'AUTH_FAILED', venueCode: '30005' });
    assert.equal(env.mock.requests.at(-1)?.status, 401);
  }
  assert.deepEqual(await codeOf(client({ ...TEST_CREDENTIALS, apiKey: 'nope' }).call('query.openOrders', {})), { code: 'AUTH_FAILED', venueCode: '30002' });
});

test('a timestamp outside the window is TIMESTAMP_OUT_OF_WINDOW (30007): ±60 s on v2, recvWindow on v4', async () => {
  const c = client();
  c.setTimeOffset(-10_000);
  assert.deepEqual(await codeOf(c.call('query.openOrders', {})), { code: 'TIMESTAMP_OUT_OF_WINDOW', venueCode: '30007' });
  c.setTimeOffset(-120_000);
  const submit = c.call('order.submit', { symbol: 'BTC_USDT', side: 'buy', type: 'limit', size: '0.001', price: '1000', client_order_id: 'x1', stpMode: 'cancel_taker' });
  assert.deepEqual(await codeOf(submit), { code: 'TIMESTAMP_OUT_OF_WINDOW', venueCode: '30007' });
});

test('KEYED GETs send the key and no signature; public GETs send neither', async () => {
  await client().call('account.spotWallet');
  const keyed = env.mock.requestsTo('GET /spot/v1/wallet').at(-1)!;
  assert.equal(keyed.headers['x-bm-key'], TEST_CREDENTIALS.apiKey);
  assert.equal(keyed.headers['x-bm-sign'], undefined);
  await client().call('market.books', { symbol: 'BTC_USDT', limit: 5 });
  const open = env.mock.requestsTo('GET /spot/quotation/v3/books').at(-1)!;
  assert.equal(open.headers['x-bm-key'], undefined);
});

test('the mock refuses a missing key, a missing signature and a bad recvWindow with the documented codes', async () => {
  const post = async (headers: Record<string, string>, body = '{}'): Promise<{ status: number; code: number }> => {
    const res = await loopbackOnlyFetch(`${env.mock.urls.rest}/spot/v4/query/open-orders`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body });
    return { status: res.status, code: ((await res.json()) as { code: number }).code };
  };
  const ts = String(clock.now());
  assert.deepEqual(await post({}), { status: 401, code: 30001 });
  assert.deepEqual(await post({ 'X-BM-KEY': TEST_CREDENTIALS.apiKey, 'X-BM-TIMESTAMP': ts }), { status: 401, code: 30004 });
  const body = '{"recvWindow":70000}';
  const headers = { 'X-BM-KEY': TEST_CREDENTIALS.apiKey, 'X-BM-TIMESTAMP': ts, 'X-BM-SIGN': sign(TEST_CREDENTIALS.apiSecret, ts, TEST_CREDENTIALS.memo, body) };
  assert.deepEqual(await post(headers, body), { status: 401, code: 30007 });
});

test('venue errors come out of the envelope as typed errors (unknown symbol → UNKNOWN_SYMBOL)', async () => {
  assert.deepEqual(await codeOf(client().call('market.ticker', { symbol: 'NOPE_USDT' })), { code: 'UNKNOWN_SYMBOL', venueCode: '70002' });
  await assert.rejects(client().call('market.ticker', { symbol: 'BTC_USDT', bogus: 1 }), (e: EngineError) => e.code === 'INVALID_ARGUMENT' && /bogus/.test(e.message));
});

test('pacing follows X-BM-RateLimit-* headers: a full window makes the next call wait instead of meeting a 429', async () => {
  // The table says 12 per 2 s; the mock says 2 per 1 s. After the first answer the client
  // knows better, so three calls in a row never hit the venue's limit.
  const c = client();
  const started = clock.now();
  for (let i = 0; i < 3; i++) await c.call('account.spotWallet');
  const wallet = env.mock.requestsTo('GET /spot/v1/wallet').filter((r) => r.at >= started);
  assert.equal(wallet.length, 3);
  assert.ok(wallet.every((r) => r.status === 200), `statuses ${wallet.map((r) => r.status).join(',')}`);
  assert.ok(clock.now() - started >= 900, 'the third call waited for the window');
});

test('a 429 is RATE_LIMITED, retryable, with the wait; it slows down that endpoint only', async () => {
  const c = client();
  env.mock.faults.rateLimitNextOrderEntry();
  const error = await c
    .call('order.cancel', { symbol: 'BTC_USDT', client_order_id: 'nothing' })
    .then(() => assert.fail('expected 429'))
    .catch((e: EngineError) => e);
  assert.equal(error.code, 'RATE_LIMITED');
  assert.equal(error.retryable, true);
  assert.equal(error.venueCode, '30013');
  assert.ok(Number(error.details?.retryAfterMs) > 0);
  const t0 = clock.now();
  await c.call('system.time');
  assert.ok(clock.now() - t0 < 500, 'another endpoint is not paused');
});
