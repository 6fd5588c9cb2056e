// The audit trail says who did what to which bot or account, in words with its name
// (details.summary), and keeps the raw request: action "METHOD /route", target id, status.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { AccountDto, AuditDto, BotDetailDto, BotSummaryDto, Page } from '@mm/core';
import { describeRequest } from './http/audit-wording.ts';
import type { AuditedRequest } from './http/audit-wording.ts';
import { ADMIN_PASSWORD, startTestServer } from '../test-support/app.ts';
import type { TestServer } from '../test-support/app.ts';

let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(async () => {
  await s.close();
});

const authed = (method: string, path: string, body?: unknown) => s.request(method, path, body, { cookie: s.cookie });
const summary = (a: AuditDto) => (typeof a.details?.['summary'] === 'string' ? a.details['summary'] : '');

/** The newest entry matching, once it is stored (the row is written after the answer). */
async function entry(match: (a: AuditDto) => boolean): Promise<AuditDto> {
  for (let i = 0; i < 100; i++) {
    const page = (await authed('GET', '/api/audit?limit=200')).body as Page<AuditDto>;
    const found = page.items.find(match);
    if (found !== undefined) return found;
    await new Promise((r) => setTimeout(r, 50));
  }
  const page = (await authed('GET', '/api/audit?limit=200')).body as Page<AuditDto>;
  assert.fail(`no such audit entry among ${JSON.stringify(page.items.map((a) => [a.action, summary(a)]))}`);
}

test('stopping a bot: "admin stopped bot “Demo DEMOUSDT”", with the raw route, target and status', async () => {
  const demo = ((await authed('GET', '/api/bots')).body as BotSummaryDto[]).find((b) => b.name === 'Demo DEMOUSDT');
  assert.ok(demo !== undefined, 'the demo bot exists');
  const stop = await authed('POST', `/api/bots/${demo.id}/actions/stop`, { reason: 'maintenance' });
  assert.equal(stop.status, 200, stop.text);

  const a = await entry((e) => e.target === demo.id && e.action === 'POST /api/bots/:id/actions/:action' && summary(e).includes('stopped'));
  assert.equal(summary(a), 'admin stopped bot “Demo DEMOUSDT” (reason: maintenance)');
  assert.equal(a.user, 'admin');
  // the raw request, for the expandable row
  assert.equal(a.details?.['method'], 'POST');
  assert.equal(a.details?.['route'], '/api/bots/:id/actions/:action');
  assert.equal(a.details?.['status'], 200);
  assert.equal(a.details?.['botName'], 'Demo DEMOUSDT');
  assert.ok(a.ip !== undefined);

  // refused: said so, with the status
  const again = await authed('POST', `/api/bots/${demo.id}/actions/resume`);
  assert.ok(again.status >= 400, `resuming a stopped bot answers ${again.status}`);
  const refused = await entry((e) => e.target === demo.id && summary(e).startsWith('admin tried to resume'));
  assert.equal(summary(refused), `admin tried to resume bot “Demo DEMOUSDT” (refused: ${again.status})`);
  assert.equal(refused.details?.['status'], again.status);
});

test('create, change, rename and delete a bot; create an account: each in words with its name', async () => {
  const created = await authed('POST', '/api/bots', { name: 'Audit bot', accountId: 'paper', symbol: 'DEMOUSDT' });
  assert.equal(created.status, 201, created.text);
  const bot = created.body as BotDetailDto;
  const create = await entry((e) => e.action === 'POST /api/bots' && summary(e).includes('Audit bot'));
  assert.equal(summary(create), 'admin created bot “Audit bot”');
  assert.equal(create.target, bot.id, 'the new id is the target');

  const changed = await authed('PUT', `/api/bots/${bot.id}`, { ...bot.config, marketMaking: { ...bot.config.marketMaking, bidLevels: 3 } });
  assert.equal(changed.status, 200, changed.text);
  assert.equal(summary(await entry((e) => e.action === 'PUT /api/bots/:id' && e.target === bot.id)), 'admin changed the config of bot “Audit bot”');

  const renamed = await authed('PUT', `/api/bots/${bot.id}`, { ...bot.config, name: 'Audit bot 2' });
  assert.equal(renamed.status, 200, renamed.text);
  await entry((e) => summary(e) === 'admin changed the config of bot “Audit bot” (now named “Audit bot 2”)');

  assert.ok((await authed('DELETE', `/api/bots/${bot.id}`)).status < 300);
  const deleted = await entry((e) => e.action === 'DELETE /api/bots/:id' && e.target === bot.id);
  assert.equal(summary(deleted), 'admin deleted bot “Audit bot 2”');

  const account = await authed('POST', '/api/accounts', { name: 'Main BitMart', venue: 'bitmart', market: 'spot', credentials: { apiKey: 'k-123456', apiSecret: 's-abcdefabcdef', memo: 'm' } });
  assert.equal(account.status, 201, account.text);
  const accountEntry = await entry((e) => e.action === 'POST /api/accounts' && e.target === (account.body as AccountDto).id);
  assert.equal(summary(accountEntry), 'admin created account “Main BitMart” on bitmart');
  assert.doesNotMatch(JSON.stringify(accountEntry), /s-abcdefabcdef|k-123456/, 'no credential in the trail');
  assert.ok((await authed('DELETE', `/api/accounts/${(account.body as AccountDto).id}`)).status < 300);
  await entry((e) => summary(e) === 'admin deleted account “Main BitMart”');
});

test('sign-in events are worded as well', async () => {
  const login = await s.request('POST', '/api/auth/login', { username: 'admin', password: ADMIN_PASSWORD });
  assert.equal(login.status, 200);
  assert.equal(summary(await entry((e) => e.action === 'login')), 'admin logged in');
  const failed = await s.request('POST', '/api/auth/login', { username: 'mallory', password: 'not the password at all' });
  assert.equal(failed.status, 401);
  assert.equal(summary(await entry((e) => e.action === 'login failed')), 'a login as “mallory” failed');
});

test('closing a position is said in words: a stop that closes it, and close-position on a stopped bot', () => {
  const action = (name: string, body: unknown, status = 200): AuditedRequest => ({
    user: 'admin',
    method: 'POST',
    route: '/api/bots/:id/actions/:action',
    params: { id: 'b1', action: name },
    body,
    status,
    subject: { kind: 'bot', id: 'b1', name: 'Perp X' },
  });
  const close = { closePosition: { maxSlippagePct: 0.5 } };
  assert.equal(describeRequest(action('stop', close)), 'admin stopped bot “Perp X” and closed its position (reduce-only, ≤ 0.5 % slippage)');
  assert.equal(describeRequest(action('stop', { ...close, reason: 'risk' })), 'admin stopped bot “Perp X” and closed its position (reduce-only, ≤ 0.5 % slippage) (reason: risk)');
  assert.equal(describeRequest(action('stop', close, 409)), 'admin tried to stop bot “Perp X” and close its position (reduce-only, ≤ 0.5 % slippage) (refused: 409)');
  assert.equal(describeRequest(action('stop', {})), 'admin stopped bot “Perp X”', 'a stop that only cancels says nothing of a position');
  assert.equal(describeRequest(action('close-position', { closePosition: { maxSlippagePct: 1 } })), 'admin closed the position of bot “Perp X” (reduce-only, ≤ 1 % slippage)');
  assert.equal(describeRequest(action('close-position', { closePosition: { maxSlippagePct: 1 } }, 409)), 'admin tried to close the position of bot “Perp X” (reduce-only, ≤ 1 % slippage) (refused: 409)');
  // a refused body without a usable bound is still worded, without inventing one
  assert.equal(describeRequest(action('close-position', { closePosition: { maxSlippagePct: 'lots' } }, 400)), 'admin tried to close the position of bot “Perp X” (reduce-only) (refused: 400)');
});
