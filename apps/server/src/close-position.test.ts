// Closing a paper perp bot's position over HTTP: a halted bot's stop with closePosition closes
// it, and a stopped bot closes it with the close-position action; both with reduce-only orders,
// both audit-logged in words. Refusals are clear: no bound, no position, a spot bot, every bot.
// The paper account trades the simulated perp market (DEMOUSDT-PERP) as well as the spot one.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { fx } from '@mm/core';
import type { AuditDto, BotDetailDto, BotSummaryDto, Page } from '@mm/core';
import type { StoredOrder } from '@mm/storage';
import { startTestServer } from '../test-support/app.ts';
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

async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}: ${JSON.stringify(v).slice(0, 400)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const detail = async (id: string) => (await authed('GET', `/api/bots/${id}`)).body as BotDetailDto;
const ownPosition = (b: BotSummaryDto) => fx.parse(b.stats?.ledger.position ?? '0');

/** A perp paper bot that only bids, run until its own fills make it long. */
async function longPerpBot(name: string): Promise<BotDetailDto> {
  const created = await authed('POST', '/api/bots', {
    name,
    accountId: 'paper',
    symbol: 'DEMOUSDT-PERP',
    marketMaking: { bidLevels: 3, askLevels: 0, bidSpread: { minPct: 0.02, maxPct: 0.1 }, bidBudgetQuote: '600' },
  });
  assert.equal(created.status, 201, created.text);
  const bot = created.body as BotDetailDto;
  assert.equal((await authed('POST', `/api/bots/${bot.id}/actions/start`)).status, 200);
  return until('the bot to buy a long position', () => detail(bot.id), (b) => b.state === 'RUNNING' && ownPosition(b) > 0n, 90_000);
}

/** The newest audit entry matching, once it is stored (the row is written after the answer). */
async function audit(match: (a: AuditDto) => boolean): Promise<AuditDto> {
  return until('the audit entry', async () => ((await authed('GET', '/api/audit?limit=200')).body as Page<AuditDto>).items.find(match), (a) => a !== undefined) as Promise<AuditDto>;
}

/** Every order the bot sent after `since`, as stored (the API's order rows do not carry reduce-only). */
async function ordersSince(id: string, since: number): Promise<StoredOrder[]> {
  await s.app.storage.journal.flush();
  return (await s.app.storage.orders.list({ botId: id, from: since, limit: 500 })).items;
}

test("a halted perp bot's stop with closePosition closes its position reduce-only, and the audit says so", async () => {
  const bot = await longPerpBot('Halted perp');
  assert.equal(bot.market, 'perp');
  assert.equal((await authed('POST', `/api/bots/${bot.id}/actions/kill`, { reason: 'test halt' })).status, 200);
  assert.equal((await detail(bot.id)).tradingState, 'HALTED');
  const since = Date.now();
  const stop = await authed('POST', `/api/bots/${bot.id}/actions/stop`, { closePosition: { maxSlippagePct: 0.5 } });
  assert.equal(stop.status, 200, stop.text);
  const after = await detail(bot.id);
  assert.equal(after.state, 'STOPPED');
  assert.equal(ownPosition(after), 0n, `flat after the close (position ${after.stats?.ledger.position})`);
  const sent = await ordersSince(bot.id, since);
  assert.ok(sent.length > 0, 'closing orders were sent');
  for (const o of sent) assert.ok(o.reduceOnly && o.side === 'sell' && o.timeInForce === 'IOC', `closing order ${JSON.stringify(o)} is a reduce-only IOC sell`);
  const entry = await audit((a) => a.target === bot.id && summary(a).includes('closed its position'));
  assert.equal(summary(entry), 'admin stopped bot “Halted perp” and closed its position (reduce-only, ≤ 0.5 % slippage)');
});

test('a stopped perp bot with a position: close-position closes it; refusals are clear and audited', async () => {
  const bot = await longPerpBot('Stopped perp');
  assert.equal((await authed('POST', `/api/bots/${bot.id}/actions/stop`)).status, 200);
  const stopped = await detail(bot.id);
  assert.equal(stopped.state, 'STOPPED');
  assert.ok(ownPosition(stopped) > 0n, 'the stop left the position open');
  assert.equal(stopped.market, 'perp');

  // a stop cannot close a stopped bot's position: it points at the action that can
  const again = await authed('POST', `/api/bots/${bot.id}/actions/stop`, { closePosition: { maxSlippagePct: 0.5 } });
  assert.equal(again.status, 409, again.text);
  assert.match(again.text, /STOPPED already: close its position with the close-position action/);

  const noBound = await authed('POST', `/api/bots/${bot.id}/actions/close-position`);
  assert.equal(noBound.status, 400, noBound.text);
  assert.match(noBound.text, /closePosition/);
  const tooWide = await authed('POST', `/api/bots/${bot.id}/actions/close-position`, { closePosition: { maxSlippagePct: 9 } });
  assert.equal(tooWide.status, 400);
  assert.match(tooWide.text, /at most 5 %/);
  const everyBot = await authed('POST', '/api/bots/actions/close-position', { closePosition: { maxSlippagePct: 0.5 } });
  assert.equal(everyBot.status, 400);
  assert.match(everyBot.text, /one bot at a time/);

  const since = Date.now();
  const close = await authed('POST', `/api/bots/${bot.id}/actions/close-position`, { closePosition: { maxSlippagePct: 1 } });
  assert.equal(close.status, 200, close.text);
  const closed = close.body as BotSummaryDto;
  assert.equal(closed.state, 'STOPPED', 'the bot stays stopped');
  assert.equal(closed.desiredState, 'stopped');
  assert.equal(ownPosition(closed), 0n, `the answer shows it flat (position ${closed.stats?.ledger.position})`);
  const sent = await ordersSince(bot.id, since);
  assert.ok(sent.length > 0);
  for (const o of sent) assert.ok(o.reduceOnly && o.side === 'sell' && o.timeInForce === 'IOC', `closing order ${JSON.stringify(o)} is a reduce-only IOC sell`);
  assert.equal(summary(await audit((a) => a.target === bot.id && summary(a).startsWith('admin closed the position'))), 'admin closed the position of bot “Stopped perp” (reduce-only, ≤ 1 % slippage)');

  // flat: nothing to close, said so, and audited as refused
  const flat = await authed('POST', `/api/bots/${bot.id}/actions/close-position`, { closePosition: { maxSlippagePct: 1 } });
  assert.equal(flat.status, 409, flat.text);
  assert.match(flat.text, /holds no position on DEMOUSDT-PERP: there is nothing to close/);
  assert.equal(
    summary(await audit((a) => a.target === bot.id && summary(a).startsWith('admin tried to close the position'))),
    'admin tried to close the position of bot “Stopped perp” (reduce-only, ≤ 1 % slippage) (refused: 409)',
  );
});

test('close-position on a spot bot or a running bot is refused with a clear message', async () => {
  const demo = ((await authed('GET', '/api/bots')).body as BotSummaryDto[]).find((b) => b.name === 'Demo DEMOUSDT')!;
  const running = await authed('POST', `/api/bots/${demo.id}/actions/close-position`, { closePosition: { maxSlippagePct: 0.5 } });
  assert.equal(running.status, 409, running.text);
  assert.match(running.text, /only a stopped bot's position is closed on its own; a running bot closes it with its stop/);
  assert.equal((await authed('POST', `/api/bots/${demo.id}/actions/stop`)).status, 200);
  const spot = await authed('POST', `/api/bots/${demo.id}/actions/close-position`, { closePosition: { maxSlippagePct: 0.5 } });
  assert.equal(spot.status, 400, spot.text);
  assert.match(spot.text, /spot: there is no position to close/);
});
