// The private WebSocket against the mock: the login signature is checked, a refused login fails
// connect() with AUTH_FAILED, and private topics need a login.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import type { EngineError } from '@mm/core';
import { sign } from './signing.ts';
import { startBitmartTestEnv, TEST_CREDENTIALS } from '../test-support/harness.ts';
import type { BitmartTestEnv } from '../test-support/harness.ts';

let env: BitmartTestEnv;
before(async () => {
  env = await startBitmartTestEnv();
});
after(async () => env.close());

/** A raw client: sends messages in order and collects the text replies. */
async function rawSession(messages: unknown[], waitMs = 150): Promise<{ replies: string[]; closed: boolean }> {
  const ws = new WebSocket(env.mock.urls.privateWs);
  const replies: string[] = [];
  let closed = false;
  ws.on('message', (data, isBinary) => {
    if (!isBinary) replies.push(String(data));
  });
  ws.on('close', () => (closed = true));
  await new Promise((resolve) => ws.once('open', resolve));
  for (const m of messages) {
    ws.send(JSON.stringify(m));
    await env.clock.sleep(30);
  }
  await env.clock.sleep(waitMs);
  ws.terminate();
  return { replies, closed };
}

function loginArgs(secret: string, memo: string, timestamp: number | string): unknown[] {
  return [TEST_CREDENTIALS.apiKey, timestamp, sign(secret, String(timestamp), memo, 'bitmart.WebSocket')];
}

test('a correct login (timestamp as string or number) is acknowledged, then private topics subscribe', async () => {
  const now = env.clock.now();
  for (const ts of [String(now), now]) {
    const { replies } = await rawSession([
      { op: 'login', args: loginArgs(TEST_CREDENTIALS.apiSecret, TEST_CREDENTIALS.memo, ts) },
      { op: 'subscribe', args: ['spot/user/orders:ALL_SYMBOLS'] },
    ]);
    assert.deepEqual(
      replies.map((r) => JSON.parse(r) as unknown),
      [{ event: 'login' }, { event: 'subscribe', topic: 'spot/user/orders:ALL_SYMBOLS' }],
    );
  }
});

test('a wrong login signature is answered 91011 and the socket is closed', async () => {
  const { replies, closed } = await rawSession([{ op: 'login', args: loginArgs('0'.repeat(64), TEST_CREDENTIALS.memo, env.clock.now()) }]);
  assert.deepEqual(JSON.parse(replies[0]!), { event: 'login', errorCode: '91011', errorMessage: 'Param sign is wrong' });
  assert.ok(closed);
});

test('a stale login timestamp is 91022; a private topic without login is 91006', async () => {
  const stale = await rawSession([{ op: 'login', args: loginArgs(TEST_CREDENTIALS.apiSecret, TEST_CREDENTIALS.memo, env.clock.now() - 120_000) }]);
  assert.equal((JSON.parse(stale.replies[0]!) as { errorCode: string }).errorCode, '91022');
  const anonymous = await rawSession([{ op: 'subscribe', args: ['spot/user/balance:BALANCE_UPDATE'] }]);
  assert.equal((JSON.parse(anonymous.replies[0]!) as { errorCode: string }).errorCode, '91006');
});

test('the adapter refuses to connect with a wrong secret or memo: AUTH_FAILED from the login', async () => {
  for (const credentials of [
    { ...TEST_CREDENTIALS, apiSecret: 'f'.repeat(64) },
    { ...TEST_CREDENTIALS, memo: 'not-the-memo' },
  ]) {
    await assert.rejects(env.adapter({ credentials, connectTimeoutMs: 3000 }), (e: EngineError) => {
      assert.equal(e.code, 'AUTH_FAILED');
      assert.match(e.message, /login/i);
      assert.equal(e.venueCode, '91011');
      return true;
    });
  }
});

test('after login the adapter receives balance pushes (absolute available / frozen)', async () => {
  const adapter = await env.adapter();
  const seen: unknown[] = [];
  adapter.events.on('balances', (b) => seen.push(b));
  env.mock.exchange.deposit('mm', 'USDT', 10n ** 18n);
  await env.clock.sleep(100);
  assert.ok(seen.length > 0, 'a balance push arrived');
  const balances = await adapter.balances();
  const usdt = balances.find((b) => b.asset === 'USDT')!;
  assert.equal(usdt.total, usdt.free + usdt.locked);
});
