// The API's security and input contract: sessions required, field-level 400s, secrets never
// leave (responses or logs), WebSocket handshake checks, and the documented routes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import type { AccountDto, ApiErrorDto, BotDetailDto, BotSummaryDto } from '@mm/core';
import { ADMIN_PASSWORD, startTestServer } from '../test-support/app.ts';
import type { TestServer } from '../test-support/app.ts';

let s: TestServer;
const SECRET = 'SUPERSECRETVALUE-1234567890abcdef';
const PUBLIC = new Set(['GET /api/health', 'GET /api/setup', 'POST /api/setup', 'POST /api/auth/login', 'GET /api/openapi.json']);

before(async () => {
  s = await startTestServer();
});
after(async () => {
  await s.close();
});

const authed = (method: string, path: string, body?: unknown) => s.request(method, path, body, { cookie: s.cookie });

test('first-run setup created a session; setup cannot run twice', async () => {
  assert.match(s.cookie, /^mm_session=/);
  const me = await authed('GET', '/api/auth/me');
  assert.equal((me.body as { username: string }).username, 'admin');
  const again = await s.request('POST', '/api/setup', { password: 'another long password' });
  assert.equal(again.status, 409);
});

test('every route but setup, login, health and the API document refuses an unauthenticated call', async () => {
  const doc = (await s.request('GET', '/api/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
  let checked = 0;
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const method of Object.keys(methods)) {
      const key = `${method.toUpperCase()} ${path}`;
      if (PUBLIC.has(key)) continue;
      const url = path.replace('{id}', '00000000-0000-4000-8000-000000000000').replace('{action}', 'start');
      const res = await s.request(method.toUpperCase(), url, method === 'get' ? undefined : {});
      assert.equal(res.status, 401, `${key} answered ${res.status}`);
      assert.equal((res.body as ApiErrorDto).error.code, 'UNAUTHENTICATED');
      checked++;
    }
  }
  assert.ok(checked > 25, `checked ${checked} routes`);
  const bogus = await s.request('GET', '/api/bots', undefined, { cookie: 'mm_session=forged-token-forged-token-forged' });
  assert.equal(bogus.status, 401);
  const metrics = await s.request('GET', '/metrics');
  assert.equal(metrics.status, 401);
});

test('bad bot configs get 400 with a message per field', async () => {
  const res = await authed('POST', '/api/bots', { name: '', accountId: 'paper', symbol: 'DEMOUSDT', marketMaking: { bidSpread: { minPct: 2, maxPct: 1 } } });
  assert.equal(res.status, 400);
  const fields = (res.body as ApiErrorDto).error.fields ?? [];
  const byPath = Object.fromEntries(fields.map((f) => [f.path, f.message]));
  assert.match(byPath['name']!, /give the bot a name/);
  assert.match(byPath['marketMaking.bidSpread.maxPct']!, /at least the min spread/);
  const symbol = await authed('POST', '/api/bots', { name: 'x', accountId: 'paper', symbol: 'NOPE' });
  assert.equal(symbol.status, 400);
  assert.match((symbol.body as ApiErrorDto).error.fields?.[0]?.message ?? '', /NOPE is not traded/);
  const notJson = await authed('POST', '/api/bots', '{not json');
  assert.equal(notJson.status, 400);
  assert.match((notJson.body as ApiErrorDto).error.message, /not valid JSON/);
});

test('a bot can be created, started, paused, resumed, configured live, and stopped', async () => {
  const created = await authed('POST', '/api/bots', { name: 'api bot', accountId: 'paper', symbol: 'DEMOUSDT', marketMaking: { bidLevels: 2, askLevels: 2 } });
  assert.equal(created.status, 201, created.text);
  const id = (created.body as BotDetailDto).id;
  assert.equal((await authed('POST', `/api/bots/${id}/actions/start`)).status, 200);
  for (let i = 0; i < 50; i++) {
    const bot = (await authed('GET', `/api/bots/${id}`)).body as BotDetailDto;
    if (bot.state === 'RUNNING' && (bot.stats?.openOrders ?? 0) >= 4) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const running = (await authed('GET', `/api/bots/${id}`)).body as BotDetailDto;
  assert.equal(running.state, 'RUNNING');
  assert.ok(running.risk.length > 5, 'the risk panel lists the limits');
  const again = await authed('POST', `/api/bots/${id}/actions/start`);
  assert.equal(again.status, 409);
  const update = await authed('PUT', `/api/bots/${id}`, { ...running.config, marketMaking: { ...running.config.marketMaking, bidLevels: 3 } });
  assert.equal(update.status, 200, update.text);
  assert.equal((update.body as BotDetailDto).configVersion, 2);
  const symbolChange = await authed('PUT', `/api/bots/${id}`, { ...running.config, symbol: 'DEMOUSDT-PERP' });
  assert.equal(symbolChange.status, 400);
  assert.equal(((await authed('POST', `/api/bots/${id}/actions/pause`)).body as BotSummaryDto).state, 'PAUSED');
  assert.equal(((await authed('POST', `/api/bots/${id}/actions/resume`)).body as BotSummaryDto).state, 'RUNNING');
  const stopped = (await authed('POST', `/api/bots/${id}/actions/stop`)).body as BotSummaryDto;
  assert.equal(stopped.state, 'STOPPED');
  assert.equal(stopped.desiredState, 'stopped');
  const versions = (await authed('GET', `/api/bots/${id}/config-versions`)).body as unknown[];
  assert.equal(versions.length, 2);
  const audit = (await authed('GET', '/api/audit?limit=100')).body as { items: { action: string; user: string }[] };
  assert.ok(audit.items.some((a) => a.action.includes('/actions/') && a.user === 'admin'), 'actions are audit-logged');
});

test('account secrets are write-only: never in any response or log line', async () => {
  const created = await authed('POST', '/api/accounts', { name: 'bm', venue: 'bitmart', market: 'spot', credentials: { apiKey: 'key-abcd-9876', apiSecret: SECRET, memo: 'memo1' } });
  assert.equal(created.status, 201, created.text);
  const account = created.body as AccountDto;
  assert.ok(!created.text.includes(SECRET));
  assert.ok(account.credentialHint !== undefined && !account.credentialHint.includes('abcd-98'));
  const list = await authed('GET', '/api/accounts');
  assert.ok(!list.text.includes(SECRET) && !list.text.includes('memo1'));
  const incomplete = await authed('POST', '/api/accounts', { name: 'bad', venue: 'bitmart', credentials: { apiKey: 'k' } });
  assert.equal(incomplete.status, 400);
  assert.match((incomplete.body as ApiErrorDto).error.message, /apiKey \+ apiSecret \+ memo/);
  // a failed login with a password-like string, and a request carrying the secret, must not leak into logs
  await s.request('POST', '/api/auth/login', { username: 'admin', password: SECRET });
  await authed('PUT', `/api/accounts/${account.id}`, { credentials: { apiKey: 'key2', apiSecret: SECRET, memo: 'm2' } });
  const logs = s.logs.join('');
  assert.ok(logs.length > 1000, 'logs were captured');
  assert.ok(!logs.includes(SECRET), 'no secret in the logs');
  assert.ok(!logs.includes(ADMIN_PASSWORD), 'no password in the logs');
  assert.ok(!logs.includes(s.cookie.split('=')[1]!), 'no session token in the logs');
});

test('security headers are set on every response', async () => {
  const res = await s.request('GET', '/api/health');
  assert.equal(res.headers.get('x-frame-options'), 'DENY');
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'self'/);
  const cross = await s.request('POST', '/api/bots/actions/stop', {}, { cookie: s.cookie, origin: 'https://evil.example' });
  assert.equal(cross.status, 403, 'a foreign origin may not change anything');
});

function wsOutcome(url: string, headers: Record<string, string>): Promise<{ opened: boolean; status?: number; frames: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    let frames = 0;
    ws.on('message', () => {
      frames++;
      if (frames >= 2) {
        ws.close();
        resolve({ opened: true, frames });
      }
    });
    ws.on('unexpected-response', (req, res) => {
      req.destroy();
      resolve({ opened: false, status: res.statusCode, frames });
    });
    ws.on('error', () => resolve({ opened: false, frames }));
    setTimeout(() => {
      ws.terminate();
      resolve({ opened: frames > 0, frames });
    }, 5_000);
  });
}

test('the WebSocket refuses a missing or bad session and a foreign Origin, and streams to a good one', async () => {
  const url = s.base.replace('http', 'ws') + '/ws';
  assert.deepEqual(await wsOutcome(url, {}), { opened: false, status: 401, frames: 0 });
  assert.deepEqual(await wsOutcome(url, { cookie: 'mm_session=not-a-real-session-token-at-all' }), { opened: false, status: 401, frames: 0 });
  assert.deepEqual(await wsOutcome(url, { cookie: s.cookie, origin: 'https://evil.example' }), { opened: false, status: 403, frames: 0 });
  const good = await wsOutcome(url, { cookie: s.cookie, origin: s.base });
  assert.equal(good.opened, true);
  assert.ok(good.frames >= 2, 'hello and live updates arrive');
});

test('deleting a bot tells every dashboard stream to drop it', async () => {
  const created = await authed('POST', '/api/bots', { name: 'to delete', accountId: 'paper', symbol: 'DEMOUSDT' });
  assert.equal(created.status, 201, created.text);
  const id = (created.body as BotDetailDto).id;
  const ws = new WebSocket(s.base.replace('http', 'ws') + '/ws', { headers: { cookie: s.cookie, origin: s.base } });
  const removed = new Promise<unknown>((resolve, reject) => {
    ws.on('message', (raw: Buffer) => {
      // each frame is a batch of messages
      const frame = JSON.parse(raw.toString()) as { type: string; botId?: string }[];
      const message = frame.find((m) => m.type === 'bot_removed');
      if (message !== undefined) resolve(message);
    });
    ws.on('error', reject);
  });
  await new Promise((resolve) => ws.once('open', resolve));
  try {
    assert.equal((await authed('DELETE', `/api/bots/${id}`)).status, 204);
    const timeout = new Promise((resolve) => setTimeout(() => resolve('no bot_removed message within 5 s'), 5_000));
    assert.deepEqual(await Promise.race([removed, timeout]), { type: 'bot_removed', botId: id });
  } finally {
    ws.close();
  }
});

test('login is rate limited after repeated failures', async () => {
  let last = 0;
  for (let i = 0; i < 7; i++) last = (await s.request('POST', '/api/auth/login', { username: 'admin', password: 'wrong password' })).status;
  assert.equal(last, 429);
});

test('health, metrics and the OpenAPI document', async () => {
  const health = (await s.request('GET', '/api/health')).body as { status: string; bots: { total: number } };
  assert.equal(health.status, 'ok');
  const metrics = await authed('GET', '/metrics');
  assert.match(metrics.text, /# TYPE mm_bot_up gauge/);
  assert.match(metrics.text, /mm_database_up\{\} 1/);
  const doc = (await s.request('GET', '/api/openapi.json')).body as { openapi: string; paths: Record<string, unknown> };
  assert.equal(doc.openapi, '3.1.0');
  assert.ok(Object.keys(doc.paths).includes('/api/bots/{id}/actions/{action}'));
});
