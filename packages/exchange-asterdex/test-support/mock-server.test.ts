// The mock venue itself: it must refuse what the venue refuses (bad signatures of both
// families, stale timestamps, replayed nonces, bad parameters) and answer in the venue's shapes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import WebSocket from 'ws';
import { LiveClock } from '@mm/core';
import { AsterRestClient } from '../src/client.ts';
import { parsePrivateKey, signMessage } from '../src/signing/eip712.ts';
import { ASTER_PERP, ASTER_SPOT, MOCK_ACCOUNT, MOCK_V3_KEY, credentialsFor } from './harness.ts';
import { AsterMockServer } from './mock-server.ts';

let mock: AsterMockServer;
before(async () => {
  mock = await AsterMockServer.start({ instruments: [ASTER_PERP, ASTER_SPOT], accounts: [MOCK_ACCOUNT] });
});
after(async () => {
  await mock.close();
});

function client(family: 'v1' | 'v3', market: 'futures' | 'spot' = 'futures', credentials = credentialsFor(family)): AsterRestClient {
  return new AsterRestClient({ market, family, clock: new LiveClock(), credentials, urls: mock.urls, chainId: mock.chainId });
}

async function raw(method: string, path: string, query: string, body = '', headers: Record<string, string> = {}): Promise<{ status: number; json: { code?: number; msg?: string } & Record<string, unknown> }> {
  const response = await fetch(`${mock.restUrl}${path}${query === '' ? '' : `?${query}`}`, {
    method,
    headers: body === '' ? headers : { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    ...(body === '' ? {} : { body }),
  });
  return { status: response.status, json: (await response.json()) as { code?: number; msg?: string } };
}

test('V1: a wrong secret is refused with -1022; a missing or unknown key with -2014 / -2015', async () => {
  const wrong = client('v1', 'futures', { apiKey: MOCK_ACCOUNT.apiKey, apiSecret: 'not-the-secret' });
  await assert.rejects(wrong.call('balance'), (e: { code?: string; venueCode?: number }) => e.code === 'AUTH_FAILED' && e.venueCode === -1022);
  const stranger = client('v1', 'futures', { apiKey: 'unknown', apiSecret: 'x' });
  await assert.rejects(stranger.call('balance'), (e: { venueCode?: number }) => e.venueCode === -2015);
  const noKey = await raw('GET', '/fapi/v2/balance', 'timestamp=1&signature=00');
  assert.equal(noKey.status, 401);
  assert.equal(noKey.json.code, -2014);
  assert.ok((await client('v1').call<unknown[]>('balance')).length > 0, 'the right secret works');
});

test('V1: the signature covers query + body exactly; a changed parameter or a stale timestamp is refused', async () => {
  const now = Date.now();
  const text = `symbol=CONFUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=90&newClientOrderId=sigA1&recvWindow=5000&timestamp=${now}`;
  const signature = createHmac('sha256', MOCK_ACCOUNT.apiSecret).update(text).digest('hex');
  const headers = { 'X-MBX-APIKEY': MOCK_ACCOUNT.apiKey };
  const tampered = await raw('POST', '/fapi/v1/order', '', `${text.replace('price=90', 'price=91')}&signature=${signature}`, headers);
  assert.equal(tampered.json.code, -1022);
  // mixed: part in the query, part in the body, no '&' between them when signing
  const [q, b] = [text.slice(0, text.indexOf('&quantity')), text.slice(text.indexOf('&quantity') + 1)];
  const mixedSig = createHmac('sha256', MOCK_ACCOUNT.apiSecret).update(q + b).digest('hex');
  const mixed = await raw('POST', '/fapi/v1/order', q, `${b}&signature=${mixedSig}`, headers);
  assert.equal(mixed.status, 200, JSON.stringify(mixed.json));
  assert.equal(mixed.json['clientOrderId'], 'sigA1');
  const stale = `recvWindow=5000&timestamp=${now - 10_000}`;
  const staleRes = await raw('GET', '/fapi/v2/balance', `${stale}&signature=${createHmac('sha256', MOCK_ACCOUNT.apiSecret).update(stale).digest('hex')}`, '', headers);
  assert.equal(staleRes.json.code, -1021);
});

test('V3: a signature by another key, or over changed text, is refused with -1022; replayed nonces with -4225', async () => {
  const nonce = Date.now() * 1000;
  const msg = `symbol=CONFUSDT&nonce=${nonce}&user=${MOCK_ACCOUNT.user}&signer=${MOCK_ACCOUNT.signer}`;
  const good = signMessage(msg, parsePrivateKey(MOCK_V3_KEY), mock.chainId);
  const other = signMessage(msg, parsePrivateKey(`0x${'11'.repeat(32)}`), mock.chainId);
  const byOther = await raw('GET', '/fapi/v3/openOrders', `${msg}&signature=${other}`);
  assert.equal(byOther.status, 401);
  assert.equal(byOther.json.code, -1022);
  const changed = await raw('GET', '/fapi/v3/openOrders', `${msg.replace('CONFUSDT', 'CONFUSDC')}&signature=${good}`);
  assert.equal(changed.json.code, -1022);
  const wrongChain = signMessage(msg, parsePrivateKey(MOCK_V3_KEY), 714);
  assert.equal((await raw('GET', '/fapi/v3/openOrders', `${msg}&signature=${wrongChain}`)).json.code, -1022);
  const ok = await raw('GET', '/fapi/v3/openOrders', `${msg}&signature=${good}`);
  assert.equal(ok.status, 200, JSON.stringify(ok.json));
  const replay = await raw('GET', '/fapi/v3/openOrders', `${msg}&signature=${good}`);
  assert.equal(replay.json.code, -4225);
  const oldNonce = (Date.now() - 60_000) * 1000;
  const oldMsg = `nonce=${oldNonce}&user=${MOCK_ACCOUNT.user}&signer=${MOCK_ACCOUNT.signer}`;
  assert.equal((await raw('GET', '/fapi/v3/balance', `${oldMsg}&signature=${signMessage(oldMsg, parsePrivateKey(MOCK_V3_KEY), mock.chainId)}`)).json.code, -4225);
});

test('V3: parameters in the URL of a POST (as the demos send them) and a signature over the decoded text are accepted', async () => {
  const nonce = Date.now() * 1000 + 7;
  const list = "[{'symbol':'CONFUSDT','side':'BUY','type':'LIMIT','timeInForce':'GTC','quantity':'1','price':'90','newClientOrderId':'v3batch1'}]";
  const decoded = `batchOrders=${list}&nonce=${nonce}&user=${MOCK_ACCOUNT.user}&signer=${MOCK_ACCOUNT.signer}`;
  const wire = `batchOrders=${encodeURIComponent(list).replace(/'/g, '%27')}&nonce=${nonce}&user=${MOCK_ACCOUNT.user}&signer=${MOCK_ACCOUNT.signer}`;
  const signature = signMessage(decoded, parsePrivateKey(MOCK_V3_KEY), mock.chainId);
  const res = await raw('POST', '/fapi/v3/batchOrders', `${wire}&signature=${signature}`);
  assert.equal(res.status, 200, JSON.stringify(res.json));
  assert.equal((res.json as unknown as { clientOrderId: string }[])[0]?.clientOrderId, 'v3batch1');
});

test('parameters are checked against the endpoint table', async () => {
  const c = client('v3');
  await assert.rejects(c.call('newOrder', { side: 'BUY' }), (e: { code?: string }) => e.code === 'INVALID_ARGUMENT', 'our own table refuses it before sending');
  const nonce = Date.now() * 1000 + 99;
  const msg = `side=BUY&type=LIMIT&nonce=${nonce}&user=${MOCK_ACCOUNT.user}&signer=${MOCK_ACCOUNT.signer}`;
  const res = await raw('POST', '/fapi/v3/order', '', `${msg}&signature=${signMessage(msg, parsePrivateKey(MOCK_V3_KEY), mock.chainId)}`);
  assert.equal(res.json.code, -1102, 'the mock refuses a missing mandatory parameter');
  const extra = `symbol=CONFUSDT&bogus=1&nonce=${nonce + 1}&user=${MOCK_ACCOUNT.user}&signer=${MOCK_ACCOUNT.signer}`;
  assert.equal((await raw('GET', '/fapi/v3/openOrders', `${extra}&signature=${signMessage(extra, parsePrivateKey(MOCK_V3_KEY), mock.chainId)}`)).json.code, -1104);
  assert.equal((await raw('GET', '/fapi/v1/depth', 'symbol=CONFUSDT&limit=7')).json.code, -4021);
  assert.equal((await raw('GET', '/fapi/v1/depth', 'symbol=NOPE')).json.code, -1121);
  assert.equal((await fetch(`${mock.restUrl}/fapi/v9/nothing`)).status, 404);
});

test('exchangeInfo is shaped like the real capture: three rate limits, orderTypes, string multiplierDecimal', async () => {
  const info = await client('v1').call<Record<string, unknown>>('exchangeInfo');
  assert.equal((info['rateLimits'] as unknown[]).length, 3);
  assert.equal(info['futuresType'], 'U_MARGINED');
  const symbol = (info['symbols'] as Record<string, unknown>[])[0]!;
  assert.ok(Array.isArray(symbol['orderTypes']));
  assert.ok((symbol['timeInForce'] as string[]).includes('GTX'));
  const percent = (symbol['filters'] as Record<string, unknown>[]).find((f) => f['filterType'] === 'PERCENT_PRICE')!;
  assert.equal(typeof percent['multiplierDecimal'], 'string');
  const headers = await fetch(`${mock.restUrl}/fapi/v1/time`);
  assert.ok(Number(headers.headers.get('x-mbx-used-weight-1m')) > 0, 'every answer carries the used weight');
  const spot = await client('v3', 'spot').call<Record<string, unknown>>('exchangeInfo');
  assert.equal(((spot['symbols'] as Record<string, unknown>[])[0]!)['symbol'], 'CONFUSDC');
});

test('the market socket answers the live control messages', async () => {
  const ws = new WebSocket(`${mock.wsUrl}/ws/confusdt@aggTrade`);
  const replies: unknown[] = [];
  ws.on('message', (d) => replies.push(JSON.parse(String(d))));
  await new Promise((resolve) => ws.once('open', resolve));
  ws.send(JSON.stringify({ method: 'SUBSCRIBE', params: ['confusdt@depth'], id: 1 }));
  ws.send(JSON.stringify({ method: 'LIST_SUBSCRIPTIONS', id: 2 }));
  ws.send(JSON.stringify({ method: 'GET_PROPERTY', params: ['combined'], id: 3 }));
  ws.send(JSON.stringify({ method: 'NOPE', id: 4 }));
  ws.send('{oops');
  const deadline = Date.now() + 2_000;
  while (replies.length < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  ws.close();
  assert.deepEqual(replies[0], { result: null, id: 1 });
  assert.deepEqual(replies[1], { result: ['confusdt@aggTrade', 'confusdt@depth'], id: 2 });
  assert.deepEqual(replies[2], { result: false, id: 3 });
  assert.equal((replies[3] as { code: number }).code, 2);
  assert.equal((replies[4] as { code: number }).code, 3);
});

test('partial depth streams push the top N levels of the book as a depthUpdate', async () => {
  mock.deposit(MOCK_ACCOUNT.name, 'USDT', '1000000');
  for (let i = 1; i <= 7; i++) {
    for (const side of ['buy', 'sell'] as const) {
      const priceTicks = side === 'buy' ? 10_000 - i * 10 : 10_000 + i * 10;
      const placed = mock.exchange.submit(MOCK_ACCOUNT.name, { clientOrderId: `pd-${side}-${i}`, symbol: ASTER_PERP.symbol, side, type: 'limit', timeInForce: 'GTC', priceTicks, qtyLots: 10 });
      assert.ok(placed.ok);
    }
  }
  const ws = new WebSocket(`${mock.wsUrl}/stream?streams=confusdt@depth5@100ms`);
  const message = await new Promise<{ stream: string; data: { e: string; s: string; b: [string, string][]; a: [string, string][] } }>((resolve) => ws.once('message', (d) => resolve(JSON.parse(String(d)))));
  ws.close();
  mock.exchange.cancelAll(MOCK_ACCOUNT.name, ASTER_PERP.symbol);
  assert.equal(message.stream, 'confusdt@depth5@100ms');
  assert.equal(message.data.e, 'depthUpdate');
  assert.equal(message.data.s, 'CONFUSDT');
  assert.deepEqual(message.data.b.map(([p]) => p), ['99.90', '99.80', '99.70', '99.60', '99.50']);
  assert.deepEqual(message.data.a.map(([p]) => p), ['100.10', '100.20', '100.30', '100.40', '100.50']);
});

test('a control message without an id is answered with a null id; a non-integer id is refused', async () => {
  const ws = new WebSocket(`${mock.wsUrl}/stream`);
  const replies: unknown[] = [];
  ws.on('message', (d) => replies.push(JSON.parse(String(d))));
  await new Promise((resolve) => ws.once('open', resolve));
  ws.send(JSON.stringify({ method: 'SUBSCRIBE', params: ['confusdt@depth5'] }));
  ws.send(JSON.stringify({ method: 'LIST_SUBSCRIPTIONS', id: 'x' }));
  const deadline = Date.now() + 2_000;
  while (replies.filter((r) => (r as { stream?: string }).stream === undefined).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  ws.close();
  const control = replies.filter((r) => (r as { stream?: string }).stream === undefined);
  assert.deepEqual(control[0], { result: null, id: null });
  assert.equal((control[1] as { code: number }).code, 2);
});
