// Telegram wired into the product: settings through the API (token write-only), engine events
// become messages, commands from the allowed chat act on bots and are audit-logged, commands
// from other chats do nothing, and a wrong token is a clear answer rather than a crash.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { BotSummaryDto } from '@mm/core';
import { FAKE_TOKEN, FakeTelegramServer } from '@mm/notify/test-support';
import { startTestServer } from '../test-support/app.ts';
import type { TestServer } from '../test-support/app.ts';

let s: TestServer;
let tg: FakeTelegramServer;
const CHAT = '424242';

before(async () => {
  tg = await FakeTelegramServer.start({ maxHoldMs: 200 });
  s = await startTestServer();
});
after(async () => {
  await s.close();
  await tg.close();
});

const authed = (method: string, path: string, body?: unknown) => s.request(method, path, body, { cookie: s.cookie });

test('notification settings: the token is write-only and a masked value keeps it', async () => {
  const put = await authed('PUT', '/api/settings', { telegram: { enabled: true, botToken: FAKE_TOKEN, chatIds: [CHAT], apiBase: tg.apiBase } });
  assert.equal(put.status, 200, put.text);
  assert.ok(!put.text.includes(FAKE_TOKEN), 'the token is never returned');
  const got = await authed('GET', '/api/settings');
  const masked = (got.body as { telegram: { botToken: string } }).telegram.botToken;
  assert.ok(masked.endsWith(FAKE_TOKEN.slice(-4)) && masked.includes('*'));
  // sending the masked value back (as a form does) keeps the real token
  const again = await authed('PUT', '/api/settings', { telegram: { enabled: true, botToken: masked, chatIds: [CHAT], apiBase: tg.apiBase } });
  assert.equal(again.status, 200);
  const check = (await authed('POST', '/api/settings/telegram/test', {})).body as { ok: boolean };
  assert.equal(check.ok, true, 'the stored token still works');
});

test('a wrong token gives a clear answer, not a crash', async () => {
  const res = await authed('POST', '/api/settings/telegram/test', { botToken: '999:wrong-token-for-sure', apiBase: tg.apiBase });
  assert.equal(res.status, 200);
  const body = res.body as { ok: boolean; message?: string; code?: string };
  assert.equal(body.ok, false);
  assert.ok(JSON.stringify(body).length > 20, 'the answer explains itself');
  assert.equal((await s.request('GET', '/api/health')).status, 200, 'the server is fine');
});

test('bot events become Telegram messages, and /pause from the allowed chat pauses the bot (audited)', async () => {
  const bots = (await authed('GET', '/api/bots')).body as BotSummaryDto[];
  const demo = bots[0]!;
  // a lifecycle change produces a message
  await authed('POST', `/api/bots/${demo.id}/actions/pause`);
  await authed('POST', `/api/bots/${demo.id}/actions/resume`);
  await tg.waitFor(() => tg.sentTo(CHAT).some((m) => /paused/i.test(m.text)), 10_000, 'a paused message');
  assert.ok(tg.sentTo(CHAT).some((m) => m.text.includes('DEMOUSDT')), 'messages name the symbol');
  // a command from the allowed chat acts on the bot
  tg.pushMessage(CHAT, '/pause demo');
  for (let i = 0; i < 50; i++) {
    const b = ((await authed('GET', `/api/bots/${demo.id}`)).body as BotSummaryDto).state;
    if (b === 'PAUSED') break;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.equal(((await authed('GET', `/api/bots/${demo.id}`)).body as BotSummaryDto).state, 'PAUSED');
  // the audit row is written through the storage queue, shortly after the action completes
  const audited = async () => {
    const audit = (await authed('GET', '/api/audit?limit=200')).body as { items: { user: string; action: string }[] };
    return audit.items.some((a) => a.user === `telegram:${CHAT}` && a.action.includes('pause'));
  };
  let logged = await audited();
  for (let i = 0; i < 25 && !logged; i++) {
    await new Promise((r) => setTimeout(r, 200));
    logged = await audited();
  }
  assert.ok(logged, 'the command is audit-logged');
  // a command from another chat does nothing
  tg.pushMessage('777', '/resume demo');
  await new Promise((r) => setTimeout(r, 2_000));
  assert.equal(((await authed('GET', `/api/bots/${demo.id}`)).body as BotSummaryDto).state, 'PAUSED');
  assert.equal(tg.sentTo('777').length, 0, 'no answer to a stranger');
});
